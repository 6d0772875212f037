/*
 * hist.h — inside scheduler/ (and part of scheduler.h): a histogram of
 * seconds that any thread may add to without a lock, and the copy of it
 * that the HTTP side renders for monitoring. Cheap enough to observe
 * every render and every page: one atomic add per bucket and sum.
 */
#ifndef DALABA_SCHED_HIST_H
#define DALABA_SCHED_HIST_H

#include <stdatomic.h>
#include <stdint.h>

#define HIST_MAX_BOUNDS 14

/* A histogram as read: counts[i] is how many observations were at most
 * le[i] and above le[i - 1] (not cumulative); counts[n], above them all. */
struct dalabad_hist {
	int n;
	double le[HIST_MAX_BOUNDS];	/* upper bounds, seconds, increasing */
	uint64_t counts[HIST_MAX_BOUNDS + 1];
	double sum;			/* seconds */
};

struct hist {
	int n;
	double le[HIST_MAX_BOUNDS];
	atomic_uint_fast64_t counts[HIST_MAX_BOUNDS + 1];
	atomic_uint_fast64_t sum_us;
};

/* le: n (at most HIST_MAX_BOUNDS) increasing upper bounds, in seconds. */
void hist_init(struct hist *h, const double *le, int n);
void hist_observe(struct hist *h, double seconds);
/* A copy; each count is read once, so the total of out's counts is
 * exactly the observations it shows (the sum may be a moment ahead). */
void hist_read(const struct hist *h, struct dalabad_hist *out);

#endif
