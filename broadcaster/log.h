/*
 * log.h — broadcaster/: the one log module of every dalaba program
 * (dalabad, dalaba-speaker, dalaba-broadcast), lines on stderr. Under
 * systemd (JOURNAL_STREAM set) each line starts with its syslog level as
 * "<N>", which journald turns into the entry's priority; on a terminal it
 * reads as "PROGRAM: ...". Here because the broadcaster is the one module
 * every program links.
 */
#ifndef DALABA_LOG_H
#define DALABA_LOG_H

#include <stddef.h>

#define LOG_CRIT 2
#define LOG_ERR 3
#define LOG_WARNING 4
#define LOG_NOTICE 5
#define LOG_INFO 6
#define LOG_DEBUG 7

/* The name lines start with on a terminal ("dalaba" until set). */
void dlog_init(const char *program);
/* One line at level; control characters in it are written as \xNN. */
void dlog(int level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The same with ": " and errno's text appended (errno as on entry). */
void dlog_errno(int level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A LOG_CRIT line, then exit(1): for what the program cannot go on
 * without. */
void dlog_fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
/* in with its control characters as \xNN, cut to fit cap. */
void dlog_escape(const char *in, char *out, size_t cap);

/*
 * Telling the service manager (sdnotify.c; the sd_notify protocol without
 * libsystemd): state ("READY=1", "STOPPING=1", "WATCHDOG=1", "STATUS=...")
 * as one datagram to $NOTIFY_SOCKET. 1 sent, 0 not under a manager that
 * listens (no $NOTIFY_SOCKET), -1 the socket refused it.
 */
int dlog_notify(const char *state);
/* How often to send "WATCHDOG=1": half of $WATCHDOG_USEC in ms, or 0 when
 * no watchdog is asked for (or it is meant for another process). */
unsigned dlog_watchdog_ms(void);

#endif
