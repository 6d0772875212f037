/*
 * output_sim.c — the simulated sound card (see output_sim.h). Its state is
 * where it started playing and at what rate; everything else follows from
 * the machine's clock, so it needs no thread and no timer.
 */
#include "speakers/output_sim.h"

void
sim_card_init(struct sim_card *s, int rate, double ppm)
{
	*s = (struct sim_card){ .rate = rate * (1.0 + ppm * 1e-6),
	    .capacity = (size_t)rate / 2 };
}

/* Samples played since it started; it stops at the last one written. */
static uint64_t
played(struct sim_card *s, int64_t now)
{
	if (s->started == 0 || now <= s->started)
		return s->base;
	uint64_t p = s->base + (uint64_t)((double)(now - s->started) *
	    s->rate / 1e6);
	if (p >= s->written) {		/* ran dry: it stopped there */
		s->started = 0;
		s->base = s->written;
		s->underruns++;
		return s->written;
	}
	return p;
}

uint64_t
sim_card_held(struct sim_card *s, int64_t now)
{
	return s->written - played(s, now);
}

size_t
sim_card_write(struct sim_card *s, size_t n, int64_t now)
{
	uint64_t held = sim_card_held(s, now);

	if (held + n > s->capacity)
		n = s->capacity - (size_t)held;
	if (n > 0 && s->started == 0) {	/* stopped: it starts with these */
		s->started = now;
		s->base = s->written;
	}
	s->written += n;
	return n;
}

int64_t
sim_card_next_heard(struct sim_card *s, int64_t now)
{
	(void)played(s, now);
	if (s->started == 0)
		return now;		/* it would start with it */
	return s->started + (int64_t)((double)(s->written - s->base) * 1e6 /
	    s->rate);
}
