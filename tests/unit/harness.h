/*
 * harness.h — the unit tests' small harness. Each check prints one line
 * ("ok" or "FAIL" with where and why); t_done() prints "RESULT <passed>
 * <failed>", which tests/run.sh adds up into the suite's closing line.
 */
#ifndef DALABA_TEST_HARNESS_H
#define DALABA_TEST_HARNESS_H

#include <stdbool.h>

void t_check(bool ok, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Compare strings; NULL-safe. */
void t_streq(const char *got, const char *want, const char *file, int line,
    const char *what);
int t_done(void);	/* prints the RESULT line; returns the exit status */

#define CHECK(cond, ...) t_check(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define CHECK_STREQ(got, want, what) \
	t_streq((got), (want), __FILE__, __LINE__, (what))

#endif
