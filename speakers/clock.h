/*
 * clock.h — inside speakers/: the server clock as the box estimates it from
 * its HELLO exchanges (clock.c). Kept apart from the socket so the estimator is tested with
 * made-up exchanges (tests/unit/test_clock.c).
 *
 * Each exchange bounds the offset (server clock - box clock) from both
 * sides, whatever the delays were: the server's clock read when the HELLO
 * arrived, less the box's when it left, is the offset plus the uplink's
 * delay (an upper bound); the server's clock when the reply left, less the
 * box's when it came, is the offset less the downlink's (a lower bound).
 * Over many exchanges, and with the two clocks' rates told apart, the
 * tightest bounds close in on the offset from each side separately: a
 * jittery link costs a sample its weight, never the estimate its accuracy.
 */
#ifndef DALABA_SPK_CLOCK_H
#define DALABA_SPK_CLOCK_H

#include <stddef.h>
#include <stdint.h>

#define CLK_SAMPLES 1024		/* exchanges kept: 34 min at 2 s, for the rate */
#define CLK_OFFSET_WINDOW 512		/* the latest, for the offset */
#define CLK_RECENT 8			/* the round trips NACKs go by */
#define CLK_MAX_RTT_US 2000000		/* a longer round trip says nothing */
#define CLK_MAX_PPM 1000.0		/* rates further apart are not believed */
/* Until the rate is known, an older exchange's bounds are widened as if
 * the clocks parted this fast (a box's crystal and the server's, each
 * within 50 ppm): a box then goes by its latest exchanges, not by bounds
 * a drifting clock has left behind. */
#define CLK_UNRATED_PPM 100.0

struct clk_sample {
	int64_t t1;			/* box clock: the HELLO left */
	int64_t t4;			/* box clock: the reply came */
	int64_t hi;			/* t2 - t1: offset + uplink delay */
	int64_t lo;			/* t3 - t4: offset - downlink delay */
};

struct clk {
	struct clk_sample s[CLK_SAMPLES];	/* a ring, oldest first from head */
	int head, n;
	/* The estimate: offset(t) = ref_off + freq * (t - ref_t). */
	int64_t ref_t, ref_off;
	double freq;			/* server seconds per box second, - 1 */
	int rated;			/* freq was estimated (not just 0) */
	int64_t rtt_min, rtt_max;	/* of the CLK_RECENT latest exchanges */
	int64_t bound_lo, bound_hi;	/* the offset's bounds at ref_t */
};

void clk_init(struct clk *c);
/* Forget the exchanges (the server may have started again with its clock
 * elsewhere); the rate is kept, as it is the box's crystal's as much as the
 * server's. */
void clk_forget(struct clk *c);
/* One exchange: t1 and t4 on the box's clock, t2 and t3 the server's.
 * Returns 0 if taken, -1 if refused (a negative or too long round trip). */
int clk_add(struct clk *c, int64_t t1, int64_t t2, int64_t t3, int64_t t4);
/* The offset at box time t (clk_add has been called at least once). */
int64_t clk_offset(const struct clk *c, int64_t t);
/* The rate estimate in parts per million (server fast: positive). */
double clk_ppm(const struct clk *c);

#endif
