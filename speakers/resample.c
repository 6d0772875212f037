/*
 * resample.c — the agent's rate follower: a Kaiser-windowed sinc, RS_TAPS
 * taps, its coefficients tabled at RS_PHASES phases and interpolated
 * linearly between them, so a step that changes from one frame to the next
 * moves the phase smoothly and the position never jumps.
 */
#include <assert.h>
#include <math.h>
#include <string.h>

#include "speakers/resample.h"

#define RS_PHASES 256		/* table rows per input sample */
/* Kaiser's beta. The sinc is cut at the input's Nyquist, so phase 0 is the
 * input itself; 8.5 keeps the interpolation error of a sine at 1 to 12 kHz
 * near int16's own rounding (85-90 dB below it), 75 dB at 16 kHz. A larger
 * beta helps speech's band a little and loses the top octave fast. */
#define RS_BETA 8.5
#define RS_HALF (RS_TAPS / 2)

/* Row p: tap k's weight for an output p / RS_PHASES of a sample past the
 * window's centre; row RS_PHASES is row 0 a sample on, so that linear
 * interpolation between rows needs no wrap. */
static float rs_coef[RS_PHASES + 1][RS_TAPS];
static int rs_built;

/* The modified Bessel function I0, by its series (init only). */
static double
bessel_i0(double x)
{
	double sum = 1, term = 1, q = x * x / 4;

	for (int k = 1; k < 50; k++) {
		term *= q / ((double)k * k);
		sum += term;
		if (term < sum * 1e-17)
			break;
	}
	return sum;
}

static void
rs_build(void)
{
	double i0b = bessel_i0(RS_BETA);

	for (int p = 0; p <= RS_PHASES; p++) {
		double frac = (double)p / RS_PHASES, h[RS_TAPS], sum = 0;

		for (int k = 0; k < RS_TAPS; k++) {
			/* Tap k is input sample k - RS_HALF + 1 from the
			 * centre; x its distance from the output. */
			int j = k - RS_HALF + 1;
			double x = frac - j, u = x / RS_HALF, s;

			if (p % RS_PHASES == 0)	/* exactly the sample, no
						 * rounding left in the zeros */
				s = x == 0 ? 1 : 0;
			else
				s = sin(M_PI * x) / (M_PI * x);
			h[k] = s * bessel_i0(RS_BETA * sqrt(fmax(0, 1 - u * u))) / i0b;
			sum += h[k];
		}
		/* Each row sums to 1: the gain at DC does not ripple with
		 * the phase, which would be a zipper at the rate's change. */
		for (int k = 0; k < RS_TAPS; k++)
			rs_coef[p][k] = (float)(h[k] / sum);
	}
	rs_built = 1;
}

void
rs_init(struct resampler *r)
{
	if (!rs_built)
		rs_build();
	memset(r, 0, sizeof(*r));
	/* RS_TAPS - 1 samples of silence: the first input completes the
	 * window centred RS_HALF samples before it. */
	r->len = RS_TAPS - 1;
	r->idx = RS_HALF - 1;
	r->frac = 0;
}

static int16_t
rs_one(const struct resampler *r)
{
	const float *x = r->buf + r->idx - (RS_HALF - 1);
	double a = r->frac * RS_PHASES;
	int p = (int)a;
	const float *c0 = rs_coef[p], *c1 = rs_coef[p + 1];
	float s0 = 0, s1 = 0, v, t = (float)(a - p);

	for (int k = 0; k < RS_TAPS; k++) {
		s0 += x[k] * c0[k];
		s1 += x[k] * c1[k];
	}
	v = s0 + t * (s1 - s0);
	if (v > 32767.f)
		return 32767;
	if (v < -32768.f)
		return -32768;
	return (int16_t)lrintf(v);
}

size_t
rs_run(struct resampler *r, const int16_t *in, size_t nin, double step,
    int16_t *out, size_t maxout)
{
	size_t nout = 0, i = 0;

	assert(rs_built && r->len >= RS_TAPS - 1);
	assert(step >= RS_STEP_MIN && step <= RS_STEP_MAX);
	for (;;) {
		/* Every output whose window the input has completed. */
		while (nout < maxout && r->idx + RS_HALF < r->len) {
			out[nout++] = rs_one(r);
			r->frac += step;
			unsigned n = (unsigned)r->frac;	/* 0, 1 or 2 */
			r->idx += n;
			r->frac -= n;
		}
		if (i == nin)
			break;
		if (r->len == RS_BUF) {
			/* Keep from the next output's window on. */
			unsigned drop = r->idx - (RS_HALF - 1);

			assert(drop > 0);	/* else too much held back */
			memmove(r->buf, r->buf + drop,
			    (r->len - drop) * sizeof(r->buf[0]));
			r->len -= drop;
			r->idx -= drop;
		}
		r->buf[r->len++] = in[i++];
	}
	return nout;
}

double
rs_pending(const struct resampler *r)
{
	return (double)(r->len - r->idx) - r->frac;
}
