/*
 * test_simclock.c — the test clock and the simulated sound card that the
 * benches and e2e/41 measure boxes in step with (speakers/simclock.c,
 * speakers/output_sim.c): if these were wrong, every figure built on them
 * would be, so they are checked against the arithmetic they promise.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "broadcaster/broadcaster.h"
#include "speakers/output_sim.h"
#include "speakers/simclock.h"
#include "tests/unit/harness.h"

static void
sleep_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };
	nanosleep(&ts, NULL);
}

/* The machine's clock and the box's read together: the pair read within
 * a couple of µs (a test machine under load may stop us between reads). */
static void
both(int64_t *m, int64_t *l)
{
	for (int i = 0; i < 1000; i++) {
		int64_t a = bcast_mono_now_us();
		*l = spk_now_us();
		int64_t b = bcast_mono_now_us();
		*m = (a + b) / 2;
		if (b - a <= 2)
			return;
	}
}

static void
test_setup(void)
{
	char err[256];

	CHECK(simclock_setup("", err, sizeof(err)) == 0, "an empty value: the "
	    "machine's clock");
	CHECK(simclock_setup(NULL, err, sizeof(err)) == 0, "unset likewise");
	const char *bad[] = { "abc", "100", "100,", "100,x", "100,10,", "100,10,5",
	    "100,10,5,3,4,1", "100,10 ", "4000000,0", "0,1001", "0,-2000",
	    "0,10,-1,5", "0,10,5,2000", NULL };
	int refused = 0;
	for (int i = 0; bad[i]; i++)
		refused += simclock_setup(bad[i], err, sizeof(err)) != 0;
	CHECK(refused == 13, "malformed or out-of-range values are refused, "
	    "with a reason (%d of 13; last: %s)", refused, err);
}

static void
test_clock(void)
{
	char err[256];

	CHECK(simclock_setup("-250,40,0.2,-30", err, sizeof(err)) == 0,
	    "an offset, a rate and a change of rate are taken (%s)", "ok");
	int64_t m0, l0;
	both(&m0, &l0);
	/* At boot the offset; 40 ppm since boot; so local - machine is
	 * -250 ms plus 40 ppm of the machine's uptime. */
	double want = -250000.0 + 40e-6 * (double)m0;
	CHECK(fabs((double)(l0 - m0) - want) < 200, "the box's clock is the "
	    "machine's plus the offset and the rate since boot (off by %.0f us)",
	    (double)(l0 - m0) - want);
	/* (each reading of the two clocks is a µs or so apart: the rates
	 * are checked over the model to a few µs, not as ratios) */
	sleep_us(150000);
	int64_t m1, l1;
	both(&m1, &l1);
	double d1 = (double)(l1 - l0) - (double)(m1 - m0) * (1 + 40e-6);
	CHECK(fabs(d1) < 4, "it runs 40 ppm fast (%.1f us off the model over "
	    "%.0f ms)", d1, (double)(m1 - m0) / 1000);
	sleep_us(150000);	/* past 0.2 s: -30 ppm from there */
	int64_t m2, l2;
	both(&m2, &l2);
	sleep_us(300000);
	int64_t m3, l3;
	both(&m3, &l3);
	double d2 = (double)(l3 - l2) - (double)(m3 - m2) * (1 - 30e-6);
	CHECK(fabs(d2) < 4, "and 30 ppm slow after its change (%.1f us off "
	    "the model; 40 ppm would be %.0f)", d2,
	    (double)(m3 - m2) * 70e-6);
	CHECK(simclock_setup("", err, sizeof(err)) == 0 &&
	    llabs(spk_now_us() - spk_now_us()) < 1000, "unset again: one clock");
}

static void
test_card(void)
{
	struct sim_card s;
	int64_t t = 1000000000;

	sim_card_init(&s, 48000, 200);
	size_t took = sim_card_write(&s, 48000, t);
	CHECK(took == 24000, "it holds half a second (took %zu of 48000)", took);
	s = (struct sim_card){ 0 };
	sim_card_init(&s, 48000, 200);
	CHECK(sim_card_write(&s, 4800, t) == 4800, "100 ms taken");
	CHECK(sim_card_next_heard(&s, t) == t + 100000 - 20,
	    "the next sample is heard when those have played at 48 kHz + 200 "
	    "ppm (%lld us on)", (long long)(sim_card_next_heard(&s, t) - t));
	uint64_t held = sim_card_held(&s, t + 50000);
	CHECK(held == 4800 - 2400 || held == 4800 - 2400 - 1,
	    "50 ms later it holds what it has not played (%llu)",
	    (unsigned long long)held);
	held = sim_card_held(&s, t + 200000);
	CHECK(held == 0 && s.underruns == 1, "then it runs dry, once (%llu "
	    "underruns)", (unsigned long long)s.underruns);
	CHECK(sim_card_next_heard(&s, t + 300000) == t + 300000,
	    "stopped, it plays the next sample as it comes");
	CHECK(sim_card_write(&s, 480, t + 300000) == 480 &&
	    sim_card_next_heard(&s, t + 300000) == t + 300000 + 9998,
	    "and starts again with it");
	/* A slow card: 48000 samples take a second and 150 ppm longer. */
	sim_card_init(&s, 48000, -150);
	uint64_t played = 0;
	for (int i = 0; i < 100; i++) {	/* 10 s of 100 ms writes */
		played += sim_card_write(&s, 4800, t + i * 100000LL);
	}
	int64_t end = sim_card_next_heard(&s, t + 9999999);
	CHECK(llabs(end - (t + (int64_t)llround(played / (48000 * (1 - 150e-6)) * 1e6))) <= 1,
	    "a card 150 ppm slow plays 10 s of samples in 10 s + 1.5 ms (%lld us)",
	    (long long)(end - t - 10000000));
}

int
main(void)
{
	test_setup();
	test_clock();
	test_card();
	return t_done();
}
