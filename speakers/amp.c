/*
 * amp.c — the amplifier's switch (amp.h). Commands run in the background
 * (posix_spawn, each in a process group of its own, reaped from the
 * agent's loop without waiting): a relay that takes a second to answer,
 * or a tool stuck on a device that went away, must not stop the audio.
 * One at a time; what is wanted when it finishes runs next, so a quick
 * on-off-on ends in the right state.
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
#include "speakers/simclock.h"

extern char **environ;

static const char *
what(const struct amp *m, int on)
{
	if (m->mode == AMP_HOLD)
		return on ? "(holding on)" : "(stopped: off)";
	return on ? "on" : "off";
}

/* A failure: counted always, said at once the first time and then once a
 * minute with how many more there were. */
static void
failed(struct amp *m, int64_t now, const char *msg)
{
	m->errors++;
	m->on = -1;
	m->retry_at = now + AMP_RETRY_US;
	if (m->errors_logged > 0 && now - m->logged_at < 60000000)
		return;
	if (m->errors - m->errors_logged > 1)
		dlog(LOG_ERR, "amplifier: %s (%llu failures since the last said)",
		    msg, (unsigned long long)(m->errors - m->errors_logged));
	else
		dlog(LOG_ERR, "amplifier: %s", msg);
	m->errors_logged = m->errors;
	m->logged_at = now;
}

static void
start(struct amp *m, int on, int64_t now)
{
	char path[512], arg[4];
	pid_t pid;
	posix_spawnattr_t at;
	posix_spawn_file_actions_t fa;
	sigset_t none, pipe;

	snprintf(path, sizeof(path), "%s", m->command);
	snprintf(arg, sizeof(arg), "%s", on ? "on" : "off");
	char *argv_switch[] = { path, arg, NULL }, *argv_hold[] = { path, NULL };
	/* Its own process group, so a stuck script's children go with it;
	 * the agent's ignored SIGPIPE and its blocked signals not passed on. */
	posix_spawnattr_init(&at);
	sigemptyset(&none);
	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &pipe);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP |
	    POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	/* Nothing of the agent's but stdin, stdout and stderr: not its socket,
	 * its sound device, its WAV or trace files. */
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	int r = posix_spawn(&pid, path, &fa, &at,
	    m->mode == AMP_HOLD ? argv_hold : argv_switch, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (r != 0) {
		char d[600];
		snprintf(d, sizeof(d), "cannot run %s: %s", m->command,
		    strerror(r));
		failed(m, now, d);
		return;
	}
	m->child = pid;
	m->child_on = on;
	m->killed = 0;
	m->child_started = now;
	if (m->mode == AMP_HOLD) {
		/* On while it runs. */
		if (m->on != 1)
			m->on_since = now;
		m->on = 1;
		m->switches++;
	}
}

static void
stop_child(struct amp *m, int sig, int64_t now)
{
	kill(-m->child, sig);
	kill(m->child, sig);
	if (!m->killed)
		m->killed_at = now;
	m->killed = 1;
}

static void
finished(struct amp *m, int status, int64_t now)
{
	char d[600];
	int ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;

	m->child = 0;
	if (m->mode == AMP_HOLD) {
		if (m->killed && m->want == 0) {
			m->on = 0;	/* stopped, as asked: off */
			m->switches++;
			return;
		}
		snprintf(d, sizeof(d), "%s %s exited by itself (%s %d) while the "
		    "amplifier was to be on", m->command, what(m, 1),
		    WIFEXITED(status) ? "exit" : "signal", WIFEXITED(status) ?
		    WEXITSTATUS(status) : WIFSIGNALED(status) ? WTERMSIG(status) : 0);
		failed(m, now, d);
		return;
	}
	if (ok && !m->killed) {
		if (m->child_on && m->on != 1)
			m->on_since = now;
		m->on = m->child_on;
		m->switches++;
		return;
	}
	if (m->killed)
		snprintf(d, sizeof(d), "%s %s did not finish in %d s; killed",
		    m->command, what(m, m->child_on), AMP_COMMAND_TIMEOUT_US / 1000000);
	else if (WIFEXITED(status))
		snprintf(d, sizeof(d), "%s %s failed (exit %d)", m->command,
		    what(m, m->child_on), WEXITSTATUS(status));
	else
		snprintf(d, sizeof(d), "%s %s was stopped (signal %d)", m->command,
		    what(m, m->child_on), WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	failed(m, now, d);
}

void
amp_poll(struct amp *m, int64_t now)
{
	if (m->command[0] == '\0') {
		if (m->want && m->on != 1)
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
	}
	if (m->child > 0) {
		if (m->mode == AMP_HOLD && m->want == 0 && !m->killed)
			stop_child(m, SIGTERM, now);
		else if (m->mode == AMP_SWITCH && !m->killed &&
		    now - m->child_started > AMP_COMMAND_TIMEOUT_US)
			stop_child(m, SIGKILL, now);
		else if (m->killed && now - m->killed_at > AMP_COMMAND_TIMEOUT_US)
			stop_child(m, SIGKILL, now);	/* TERM not heeded */
		return;		/* reaped by a later poll, never waited for */
	}
	if (now < m->retry_at)
		return;
	if (m->mode == AMP_HOLD) {
		if (m->want)
			start(m, 1, now);
		else if (m->on != 0)
			m->on = 0;	/* nothing runs: nothing holds it */
	} else if (m->want != m->on) {
		start(m, m->want, now);
	}
}

void
amp_init(struct amp *m, const char *command, enum amp_mode mode, int64_t now)
{
	memset(m, 0, sizeof(*m));
	m->command = command;
	m->mode = mode;
	m->on = command[0] != '\0' && mode == AMP_SWITCH ? -1 : 0;
	amp_poll(m, now);
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
	m->retry_at = 0;
	for (int i = 0; i < 100 && (m->child > 0 || m->on != 0); i++) {
		amp_poll(m, spk_now_us());	/* the agent's clock, as always */
		if (m->child > 0 || m->on != 0)
			nanosleep(&tick, NULL);
		if (m->on == -1 && m->child == 0)
			m->retry_at = 0;	/* one more try before giving up */
	}
	if (m->child > 0) {
		kill(-m->child, SIGKILL);
		kill(m->child, SIGKILL);
		waitpid(m->child, NULL, WNOHANG);
	}
}
