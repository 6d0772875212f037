/*
 * log.c — see log.h. One fprintf per line so lines from threads never mix.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "scheduler/log.h"

void
dlog(int level, const char *fmt, ...)
{
	static int journal = -1;
	char msg[1024];
	va_list ap;

	if (journal < 0)
		journal = getenv("JOURNAL_STREAM") != NULL;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (journal)
		fprintf(stderr, "<%d>%s\n", level, msg);
	else
		fprintf(stderr, "dalabad: %s%s\n", level <= LOG_ERR ? "error: " :
		    level == LOG_WARNING ? "warning: " : "", msg);
}
