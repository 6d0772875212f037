/* harness.c — see harness.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tests/unit/harness.h"

static int passed, failed;

void
t_check(bool ok, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("%s - ", ok ? "ok" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (!ok)
		printf("  (%s:%d)", file, line);
	printf("\n");
	if (ok)
		passed++;
	else
		failed++;
}

void
t_streq(const char *got, const char *want, const char *file, int line,
    const char *what)
{
	bool ok = got != NULL && want != NULL && strcmp(got, want) == 0;

	if (ok)
		t_check(true, file, line, "%s", what);
	else
		t_check(false, file, line, "%s\n     got:  %s\n     want: %s",
		    what, got ? got : "(null)", want ? want : "(null)");
}

int
t_done(void)
{
	printf("RESULT %d %d\n", passed, failed);
	fflush(stdout);
	return failed ? 1 : 0;
}
