/*
 * log.c — see log.h. One fprintf per line so lines from threads never mix.
 * Everything that reaches a line may come from outside (a login name, a
 * notice's title, a CAP identifier): control characters are written as
 * \xNN, so nobody can end a line early and forge the next one, or a
 * journald "<N>" priority at its start.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "broadcaster/log.h"

void
dlog_escape(const char *in, char *out, size_t cap)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (const unsigned char *p = (const unsigned char *)in; *p && o + 5 <
	    cap; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[*p >> 4];
			out[o++] = hex[*p & 15];
		} else {
			out[o++] = (char)*p;
		}
	}
	out[o] = '\0';
}

static const char *program = "dalaba";

void
dlog_init(const char *name)
{
	program = name;
}

/* One line: msg escaped, with the level's mark. */
static void
emit(int level, const char *msg)
{
	static int journal = -1;
	char line[4096];

	if (journal < 0)
		journal = getenv("JOURNAL_STREAM") != NULL;
	dlog_escape(msg, line, sizeof(line));
	if (journal)
		fprintf(stderr, "<%d>%s\n", level, line);
	else
		fprintf(stderr, "%s: %s%s\n", program, level <= LOG_ERR ?
		    "error: " : level == LOG_WARNING ? "warning: " : "", line);
}

void
dlog(int level, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	emit(level, msg);
}

void
dlog_errno(int level, const char *fmt, ...)
{
	int saved = errno;
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(msg))
		snprintf(msg + n, sizeof(msg) - (size_t)n, ": %s",
		    strerror(saved));
	emit(level, msg);
	errno = saved;
}

void
dlog_fatal(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	emit(LOG_CRIT, msg);
	exit(1);
}
