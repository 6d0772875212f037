/*
 * hist.c — see hist.h. Sums are kept in whole microseconds, so that an
 * atomic integer add is all an observation costs.
 */
#include <assert.h>
#include <string.h>

#include "scheduler/hist.h"

void
hist_init(struct hist *h, const double *le, int n)
{
	assert(n > 0 && n <= HIST_MAX_BOUNDS);
	h->n = n;
	for (int i = 0; i < n; i++) {
		assert(i == 0 || le[i] > le[i - 1]);
		h->le[i] = le[i];
	}
	for (int i = 0; i <= HIST_MAX_BOUNDS; i++)
		atomic_init(&h->counts[i], 0);
	atomic_init(&h->sum_us, 0);
}

void
hist_observe(struct hist *h, double seconds)
{
	int i = 0;

	if (!(seconds >= 0))
		seconds = 0;	/* a clock that went back, or NaN */
	while (i < h->n && seconds > h->le[i])
		i++;
	atomic_fetch_add(&h->counts[i], 1);
	atomic_fetch_add(&h->sum_us, (uint_fast64_t)(seconds * 1e6 + 0.5));
}

void
hist_read(const struct hist *h, struct dalabad_hist *out)
{
	memset(out, 0, sizeof(*out));
	out->n = h->n;
	for (int i = 0; i < h->n; i++)
		out->le[i] = h->le[i];
	for (int i = 0; i <= h->n; i++)
		out->counts[i] = atomic_load(&h->counts[i]);
	out->sum = (double)atomic_load(&h->sum_us) / 1e6;
}
