/*
 * bench/figure.c — a figure is printed only when it was measured, so a run
 * that lost its input prints a reason and fails instead of a nan or a
 * number computed from nothing (see figure.h).
 */
#include <math.h>
#include <stdio.h>

#include "bench/figure.h"

int
bench_unmeasured(const char *name, const char *why)
{
	fprintf(stderr, "bench: %s not measured: %s\n", name, why);
	return -1;
}

int
bench_figure(const char *name, double value, int decimals, const char *unit,
    double min, double max)
{
	char why[128];

	if (!isfinite(value))
		return bench_unmeasured(name, "the value is not a finite number");
	if (value < min || value > max) {
		snprintf(why, sizeof(why), "%.*f is outside the plausible %g..%g",
		    decimals, value, min, max);
		return bench_unmeasured(name, why);
	}
	printf("BENCH %s %.*f%s%s\n", name, decimals, value, unit ? " " : "",
	    unit ? unit : "");
	return 0;
}
