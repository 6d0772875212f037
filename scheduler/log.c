/*
 * log.c — see log.h. One fprintf per line so lines from threads never mix.
 * Everything that reaches a line may come from outside (a login name, a
 * notice's title, a CAP identifier): control characters are written as
 * \xNN, so nobody can end a line early and forge the next one, or a
 * journald "<N>" priority at its start.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "scheduler/log.h"

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

void
dlog(int level, const char *fmt, ...)
{
	static int journal = -1;
	char msg[1024], line[4096];
	va_list ap;

	if (journal < 0)
		journal = getenv("JOURNAL_STREAM") != NULL;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	dlog_escape(msg, line, sizeof(line));
	if (journal)
		fprintf(stderr, "<%d>%s\n", level, line);
	else
		fprintf(stderr, "dalabad: %s%s\n", level <= LOG_ERR ? "error: " :
		    level == LOG_WARNING ? "warning: " : "", line);
}
