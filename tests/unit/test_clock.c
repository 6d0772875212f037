/*
 * test_clock.c — the box's estimate of the server clock (speakers/clock.c)
 * against made-up exchanges over links with 20-80 ms of jitter each way,
 * with box clocks off by up to 500 ms and 50 ppm: the offset within a
 * millisecond of the truth once minutes of exchanges are in, the rate
 * within a few ppm, and a late reply or a change of rate taken in stride.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "speakers/clock.h"
#include "tests/unit/harness.h"

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static double
uniform(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (double)(rng >> 11) / 9007199254740992.0;
}

/* A box whose clock reads off_us + t * (1 + ppm) at machine time t. */
struct box { double off_us, ppm; };

static int64_t
box_time(const struct box *b, double t_us)
{
	return (int64_t)llround(b->off_us + t_us * (1 + b->ppm * 1e-6));
}

/* Server - box at machine time t: what the estimate should say. */
static double
true_offset(const struct box *b, double t_us)
{
	return t_us - (b->off_us + t_us * (1 + b->ppm * 1e-6));
}

/* n exchanges every interval_us from machine time *t, the uplink's and
 * the downlink's delays uniform in [min, max] ms. */
static void
exchange(struct clk *c, const struct box *b, double *t, int n,
    double interval_us, double umin, double umax, double dmin, double dmax)
{
	for (int i = 0; i < n; i++) {
		double send = *t;
		double up = (umin + (umax - umin) * uniform()) * 1000;
		double down = (dmin + (dmax - dmin) * uniform()) * 1000;
		double at_server = send + up, reply = at_server + 150;
		clk_add(c, box_time(b, send), (int64_t)llround(at_server),
		    (int64_t)llround(reply), box_time(b, reply + down));
		*t += interval_us;
	}
}

/* A fresh estimate fed n exchanges over the usual 20-80 ms each way. */
static void
warm(struct clk *c, const struct box *b, double *t, int n, double interval_us)
{
	clk_init(c);
	exchange(c, b, t, n, interval_us, 20, 80, 20, 80);
}

static void
test_converges(void)
{
	double worst = 0, worst_ppm = 0, first_worst = 0;

	for (int run = 0; run < 40; run++) {
		struct box b = { (uniform() - 0.5) * 1e6, (uniform() - 0.5) * 100 };
		struct clk c;
		double t = 1e9 + uniform() * 1e9;
		clk_init(&c);
		exchange(&c, &b, &t, 8, 2e6, 20, 80, 20, 80);
		double e8 = fabs((double)clk_offset(&c, box_time(&b, t)) -
		    true_offset(&b, t));
		if (e8 > first_worst)
			first_worst = e8;
		exchange(&c, &b, &t, 1016, 2e6, 20, 80, 20, 80);
		/* Between exchanges too: the rate carries the offset on. */
		double at = t + 1.3e6;
		double e = fabs((double)clk_offset(&c, box_time(&b, at)) -
		    true_offset(&b, at));
		double ep = fabs(clk_ppm(&c) - (1 / (1 + b.ppm * 1e-6) - 1) * 1e6);
		if (e > worst)
			worst = e;
		if (ep > worst_ppm)
			worst_ppm = ep;
	}
	printf("# offset error after 8 exchanges %.0f us, after 1024 %.0f us; "
	    "rate error %.2f ppm (worst of 40 boxes)\n", first_worst, worst,
	    worst_ppm);
	CHECK(worst < 1000, "the offset within 1 ms after 1024 exchanges over "
	    "20-80 ms jitter each way, ±500 ms and ±50 ppm (worst %.0f us)", worst);
	CHECK(worst_ppm < 5, "the rate within 5 ppm (worst %.2f)", worst_ppm);
	CHECK(first_worst < 60000, "a first estimate within the jitter after "
	    "8 exchanges (%.0f us)", first_worst);
}

static void
test_unrated(void)
{
	/* The first minute, before a rate is estimated: a box 50 ppm fast
	 * on a clean link goes by its latest exchanges. Carried at a rate
	 * of 0, its oldest bounds would hold the estimate 50 ppm times their
	 * age behind (1.5 ms after 30 s). */
	struct box b = { 123456, 50 };
	struct clk c;
	double t = 5e9, worst = 0;

	clk_init(&c);
	for (int i = 0; i < 15; i++) {
		exchange(&c, &b, &t, 1, 2e6, 0.2, 0.3, 0.2, 0.3);
		double e = fabs((double)clk_offset(&c, box_time(&b, t)) -
		    true_offset(&b, t));
		if (e > worst)
			worst = e;
	}
	CHECK(!c.rated && worst < 400, "before the rate is known, a box 50 ppm "
	    "off keeps to its latest exchanges (worst %.0f us over 30 s)", worst);
}

static void
test_asymmetric(void)
{
	/* A 4G uplink slower than the downlink: the offset is off by half
	 * the difference of the minima (no exchange can tell), the same for
	 * every box on such a link, so they stay in step. */
	double e[2];

	for (int k = 0; k < 2; k++) {
		struct box b = { k ? 400e3 : -300e3, k ? 40 : -35 };
		struct clk c;
		double t = 5e9;
		clk_init(&c);
		exchange(&c, &b, &t, 256, 2e6, 100, 300, 20, 80);
		e[k] = (double)clk_offset(&c, box_time(&b, t)) - true_offset(&b, t);
	}
	printf("# uplink 100-300 ms, downlink 20-80: errors %.0f and %.0f us\n",
	    e[0], e[1]);
	CHECK(fabs(e[0] - 40000) < 3000 && fabs(e[1] - 40000) < 3000,
	    "the bias is half the difference of the minima (%.0f, %.0f us)",
	    e[0], e[1]);
	CHECK(fabs(e[0] - e[1]) < 2500, "two boxes on such links agree within "
	    "2.5 ms (%.0f us apart)", fabs(e[0] - e[1]));
}

static void
test_late_and_refused(void)
{
	struct box b = { 123456, 20 };
	struct clk c;
	double t = 3e9;

	warm(&c, &b, &t, 100, 1e6);
	int64_t before = clk_offset(&c, box_time(&b, t));
	/* A reply that took 1.2 s more on the way down. */
	double send = t, at = send + 30e3;
	CHECK(clk_add(&c, box_time(&b, send), (int64_t)at, (int64_t)at + 100,
	    box_time(&b, at + 1.23e6)) == 0, "a slow but possible reply is taken");
	int64_t after = clk_offset(&c, box_time(&b, send));
	CHECK(llabs(after - before) < 300, "and does not move the estimate (%lld us)",
	    (long long)(after - before));
	CHECK(clk_add(&c, 1000, 500, 400, 2000) == -1,
	    "a round trip less than nothing is refused");
	int64_t bt = box_time(&b, t + 2e6);
	CHECK(clk_add(&c, bt, 10, 20, bt + 2500000) == -1,
	    "a round trip over 2 s is refused");
	CHECK(c.rtt_min >= 40000 && c.rtt_max <= 161000 + 1240000,
	    "the recent round trips are the exchanges' (%lld-%lld us)",
	    (long long)c.rtt_min, (long long)c.rtt_max);
}

static void
test_rate_change(void)
{
	/* The box's crystal warms up: its rate moves by 10 ppm. (A change of
	 * tens of ppm takes the estimate minutes to follow: the rate is
	 * taken over half an hour.) */
	struct box b = { 0, 30 };
	struct clk c;
	double t = 1e9;

	warm(&c, &b, &t, 256, 2e6);
	/* The same clock from here on at +20 ppm: continued seamlessly. */
	double now_box = (double)box_time(&b, t);
	struct box b2 = { now_box - t * (1 + 20e-6), 20 };
	exchange(&c, &b2, &t, 200, 2e6, 20, 80, 20, 80);
	double e = (double)clk_offset(&c, box_time(&b2, t)) - true_offset(&b2, t);
	printf("# 400 s after a 10 ppm change of rate: error %.0f us, rate %.1f ppm\n",
	    e, clk_ppm(&c));
	CHECK(fabs(e) < 2000, "the offset follows a change of rate (%.0f us)", e);
	CHECK(fabs(clk_ppm(&c) + 20) < 8, "and the rate (%.1f ppm)", clk_ppm(&c));
}

int
main(void)
{
	test_converges();
	test_asymmetric();
	test_unrated();
	test_late_and_refused();
	test_rate_change();
	return t_done();
}
