/*
 * sdnotify.c — the sd_notify protocol, written from its documentation
 * (sd_notify(3)): a datagram of "KEY=VALUE" lines to the AF_UNIX socket
 * named by $NOTIFY_SOCKET, a path or, with a leading '@', an abstract
 * name. No libsystemd: the speaker agent links nothing it does not need,
 * and the protocol is one sendto().
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "broadcaster/log.h"

int
dlog_notify(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t n;

	if (path == NULL || path[0] == '\0')
		return 0;
	n = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || n >= sizeof(sa.sun_path))
		return -1;
	memcpy(sa.sun_path, path, n);
	if (path[0] == '@')
		sa.sun_path[0] = '\0';	/* abstract namespace */
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	ssize_t r = sendto(fd, state, strlen(state), MSG_NOSIGNAL,
	    (const struct sockaddr *)&sa,
	    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n));
	int e = errno;
	close(fd);
	errno = e;
	return r == (ssize_t)strlen(state) ? 1 : -1;
}

unsigned
dlog_watchdog_ms(void)
{
	const char *usec = getenv("WATCHDOG_USEC"), *pid = getenv("WATCHDOG_PID");
	char *end;

	if (usec == NULL)
		return 0;
	/* WATCHDOG_PID, when set, names the process the watchdog is for. */
	if (pid != NULL && strtol(pid, &end, 10) != (long)getpid())
		return 0;
	errno = 0;
	unsigned long long us = strtoull(usec, &end, 10);
	if (errno != 0 || *end != '\0' || us < 2000 || us > 3600000000ULL)
		return 0;
	return (unsigned)(us / 2000);	/* half the period, in ms */
}
