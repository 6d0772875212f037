/*
 * amp.c — the amplifier's switch (amp.h). Commands run in the background
 * (posix_spawn, reaped from the agent's loop): a relay that takes a second
 * to answer must not stop the audio. One at a time; what is wanted when it
 * finishes runs next, so a quick on-off-on ends in the right state.
 */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "broadcaster/log.h"
#include "speakers/amp.h"

extern char **environ;

static void
start(struct amp *m, int on, int64_t now)
{
	char path[512], arg[4];
	pid_t pid;

	snprintf(path, sizeof(path), "%s", m->command);
	snprintf(arg, sizeof(arg), "%s", on ? "on" : "off");
	char *argv[] = { path, arg, NULL };
	int r = posix_spawn(&pid, path, NULL, NULL, argv, environ);

	if (r != 0) {
		m->errors++;
		m->retry_at = now + AMP_RETRY_US;
		dlog(LOG_ERR, "amplifier: cannot run %s: %s", m->command,
		    strerror(r));
		return;
	}
	m->child = pid;
	m->child_on = on;
	m->child_started = now;
}

static void
finished(struct amp *m, int status, int64_t now)
{
	m->child = 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		if (m->child_on && !m->on)
			m->on_since = now;
		m->on = m->child_on;
		m->switches++;
		return;
	}
	m->errors++;
	m->retry_at = now + AMP_RETRY_US;
	if (WIFEXITED(status))
		dlog(LOG_ERR, "amplifier: %s %s failed (exit %d)", m->command,
		    m->child_on ? "on" : "off", WEXITSTATUS(status));
	else
		dlog(LOG_ERR, "amplifier: %s %s was stopped (signal %d)",
		    m->command, m->child_on ? "on" : "off",
		    WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

void
amp_poll(struct amp *m, int64_t now)
{
	if (m->command[0] == '\0') {
		if (m->want && !m->on)
			m->on_since = now;
		m->on = m->want;
		return;
	}
	if (m->child > 0) {
		int status;
		pid_t r = waitpid(m->child, &status, WNOHANG);
		if (r == m->child)
			finished(m, status, now);
		else if (r < 0 && errno == ECHILD)
			m->child = 0;
		else if (now - m->child_started > AMP_COMMAND_TIMEOUT_US) {
			dlog(LOG_ERR, "amplifier: %s %s did not finish in %d s; "
			    "killed", m->command, m->child_on ? "on" : "off",
			    AMP_COMMAND_TIMEOUT_US / 1000000);
			kill(m->child, SIGKILL);
			if (waitpid(m->child, &status, 0) == m->child)
				finished(m, status, now);
			else
				m->child = 0;
		}
	}
	if (m->child == 0 && m->want != m->on && now >= m->retry_at)
		start(m, m->want, now);
}

void
amp_init(struct amp *m, const char *command, int64_t now)
{
	memset(m, 0, sizeof(*m));
	m->command = command;
	if (command[0] != '\0')
		start(m, 0, now);
}

void
amp_want(struct amp *m, int on, int64_t now)
{
	m->want = on;
	amp_poll(m, now);
}

void
amp_close(struct amp *m)
{
	struct timespec tick = { 0, 20000000 };

	if (m->command == NULL || m->command[0] == '\0')
		return;		/* never started, or no command */
	m->want = 0;
	for (int i = 0; i < 100 && (m->child > 0 || m->on); i++) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		amp_poll(m, (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
		if (m->child > 0 || m->on)
			nanosleep(&tick, NULL);
	}
	if (m->child > 0) {
		kill(m->child, SIGKILL);
		waitpid(m->child, NULL, 0);
	}
}
