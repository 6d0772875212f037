/*
 * log.h — inside scheduler/: dalabad's log lines on stderr. Under systemd
 * (JOURNAL_STREAM set) each line starts with its syslog level as "<N>",
 * which journald turns into the entry's priority; on a terminal it reads
 * as plain "dalabad: ...".
 */
#ifndef DALABA_SCHED_LOG_H
#define DALABA_SCHED_LOG_H

#include <stddef.h>

#define LOG_CRIT 2
#define LOG_ERR 3
#define LOG_WARNING 4
#define LOG_NOTICE 5
#define LOG_INFO 6

/* One line at level; control characters in it are written as \xNN. */
void dlog(int level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* in with its control characters as \xNN, cut to fit cap. */
void dlog_escape(const char *in, char *out, size_t cap);

#endif
