/*
 * clock.c — the server clock as the box estimates it (clock.h): every
 * exchange a pair of bounds on the offset, the rate of the two clocks
 * from the envelopes of those bounds over minutes (Moon, Skelly and
 * Towsley's linear-programming skew estimate: the line that lies on one
 * side of all the points and closest to them), and the offset where the
 * tightest bounds, each carried to now at that rate, meet.
 *
 * Why not NTP's minimum-delay sample: it needs one exchange whose delays
 * were both short at once, and with 20-80 ms of jitter each way the best
 * of eight is still some 5 ms off, differently for each box, so two horns
 * of a village echo. Here each side's bound improves on its own, and the
 * error falls as the number of exchanges grows.
 */
#include <assert.h>
#include <math.h>

#include "speakers/clock.h"

void
clk_init(struct clk *c)
{
	*c = (struct clk){ 0 };
}

void
clk_forget(struct clk *c)
{
	c->n = 0;
}

static const struct clk_sample *
sample(const struct clk *c, int i)	/* i: 0 the oldest kept */
{
	return &c->s[(c->head - c->n + i + 2 * CLK_SAMPLES) % CLK_SAMPLES];
}

struct pt { double x, y; };

/* The slope of the edge of the upper (sign 1) or lower (sign -1) convex
 * hull of points sorted by x that lies over their mean x: the line on one
 * side of all points with the least summed distance to them. */
static double
hull_slope(struct pt *p, int n, int sign, struct pt *h)
{
	int k = 0;
	double mx = 0;

	for (int i = 0; i < n; i++) {
		mx += p[i].x;
		while (k >= 2) {
			double cross = (h[k - 1].x - h[k - 2].x) * (p[i].y - h[k - 2].y) -
			    (h[k - 1].y - h[k - 2].y) * (p[i].x - h[k - 2].x);
			if (sign * cross < 0)
				break;	/* still a turn the hull keeps */
			k--;
		}
		h[k++] = p[i];
	}
	mx /= n;
	for (int i = 0; i + 1 < k; i++)
		if (h[i + 1].x >= mx && h[i + 1].x > h[i].x)
			return (h[i + 1].y - h[i].y) / (h[i + 1].x - h[i].x);
	return 0;
}

/* The rate from both envelopes: the lower bounds' upper hull and the
 * upper bounds' lower hull have the same slope when the delays' minima
 * hold still, whatever they are. x in seconds, y in µs: a slope in ppm. */
static double
estimate_ppm(const struct clk *c)
{
	/* (static: 48 KB, too much for a stack; one agent thread) */
	static struct pt lo[CLK_SAMPLES], hi[CLK_SAMPLES], h[CLK_SAMPLES];
	const struct clk_sample *s0 = sample(c, 0);

	for (int i = 0; i < c->n; i++) {
		const struct clk_sample *s = sample(c, i);
		lo[i] = (struct pt){ (double)(s->t4 - s0->t4) / 1e6,
		    (double)(s->lo - s0->lo) };
		hi[i] = (struct pt){ (double)(s->t1 - s0->t1) / 1e6,
		    (double)(s->hi - s0->lo) };
	}
	double ppm = (hull_slope(lo, c->n, 1, h) + hull_slope(hi, c->n, -1, h)) / 2;
	if (ppm > CLK_MAX_PPM)
		ppm = CLK_MAX_PPM;
	if (ppm < -CLK_MAX_PPM)
		ppm = -CLK_MAX_PPM;
	return ppm;
}

/* The bounds at the newest exchange, each exchange carried there at the
 * rate. Newest first: an older exchange that contradicts the newer ones
 * by more than the rate's error could explain (the box's clock changed
 * its rate, or the server its clock) is dropped with all older ones. */
static void
estimate_offset(struct clk *c)
{
	const struct clk_sample *last = sample(c, c->n - 1);
	double L = -INFINITY, U = INFINITY;
	int keep = 0;
	double slack = c->rated ? 0 : CLK_UNRATED_PPM * 1e-6;

	/* Only the latest half: a rate known to within a ppm or two would
	 * carry older exchanges' bounds off by more than they add. */
	int window = c->n / 2;
	if (window < 8)
		window = 8;
	if (window > CLK_OFFSET_WINDOW)
		window = CLK_OFFSET_WINDOW;
	for (int i = c->n - 1; i >= 0 && i >= c->n - window; i--) {
		const struct clk_sample *s = sample(c, i);
		double l = (double)s->lo + (c->freq - slack) *
		    (double)(last->t4 - s->t4);
		double u = (double)s->hi + (c->freq + slack) *
		    (double)(last->t1 - s->t1);
		double nl = l > L ? l : L, nu = u < U ? u : U;
		if (keep > 0 && nl > nu + 1000.0) {
			c->n = keep;
			break;
		}
		L = nl;
		U = nu;
		keep++;
	}
	c->ref_t = last->t4;
	c->bound_lo = (int64_t)L;
	c->bound_hi = (int64_t)U;
	/* (the bounds are a round trip apart at most: (L + U) / 2 fits) */
	c->ref_off = (int64_t)llround((L + U) / 2);
}

int
clk_add(struct clk *c, int64_t t1, int64_t t2, int64_t t3, int64_t t4)
{
	int64_t rtt = (t4 - t1) - (t3 - t2);

	if (rtt < 0 || rtt > CLK_MAX_RTT_US || t4 < t1)
		return -1;
	if (c->n > 0 && t1 < sample(c, c->n - 1)->t1)
		return -1;	/* the box's clock does not go back */
	c->s[c->head] = (struct clk_sample){ .t1 = t1, .t4 = t4,
	    .hi = t2 - t1, .lo = t3 - t4 };
	c->head = (c->head + 1) % CLK_SAMPLES;
	if (c->n < CLK_SAMPLES)
		c->n++;
	c->rtt_min = c->rtt_max = rtt;
	for (int i = c->n - 1; i >= 0 && i >= c->n - CLK_RECENT; i--) {
		const struct clk_sample *s = sample(c, i);
		int64_t r = s->hi - s->lo;
		if (r < c->rtt_min)
			c->rtt_min = r;
		if (r > c->rtt_max)
			c->rtt_max = r;
	}
	/* A rate needs exchanges over a while: before a minute, the last
	 * estimate (or none) stands. */
	if (c->n >= 32 && sample(c, c->n - 1)->t4 - sample(c, 0)->t4 >= 60000000) {
		c->freq = estimate_ppm(c) * 1e-6;
		c->rated = 1;
	}
	estimate_offset(c);
	return 0;
}

int64_t
clk_offset(const struct clk *c, int64_t t)
{
	return c->ref_off + (int64_t)llround(c->freq * (double)(t - c->ref_t));
}

double
clk_ppm(const struct clk *c)
{
	return c->freq * 1e6;
}
