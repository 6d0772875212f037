/*
 * bench/figure.h — how the benchmark programs print a figure: only when it
 * was measured. The shell benchmarks do the same through bench/lib.sh.
 */
#ifndef DALABA_BENCH_FIGURE_H
#define DALABA_BENCH_FIGURE_H

/* Print "BENCH name value unit" (value with `decimals` digits) when value
 * is finite and within [min, max], what is plausible; otherwise say on
 * stderr that the figure was not measured and why, print nothing on
 * stdout, and return -1 (the caller then exits non-zero). unit NULL is a
 * bare number. */
int bench_figure(const char *name, double value, int decimals,
    const char *unit, double min, double max);
/* The figure could not be measured at all: say so and why, return -1. */
int bench_unmeasured(const char *name, const char *why);

#endif
