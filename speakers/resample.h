/*
 * resample.h — inside speakers/: a streaming fractional-rate resampler
 * (resample.c) that lets the agent play 48 kHz frames a few hundred ppm
 * faster or slower, to follow the server's clock through a sound card whose
 * crystal is off, without a click or zipper noise when the rate changes.
 */
#ifndef DALABA_SPK_RESAMPLE_H
#define DALABA_SPK_RESAMPLE_H

#include <stddef.h>
#include <stdint.h>

#define RS_TAPS 16		/* windowed-sinc taps per output sample; even */
#define RS_DELAY (RS_TAPS / 2)	/* group delay, in input samples */
#define RS_BUF 128		/* input kept: RS_TAPS, plus room for what a
				 * short maxout holds back */
#define RS_STEP_MIN 0.99
#define RS_STEP_MAX 1.01

/* Fixed state, for the agent to embed; rs_init before use. */
struct resampler {
	float buf[RS_BUF];	/* the latest input samples, oldest first */
	unsigned len;		/* how many of buf hold input */
	unsigned idx;		/* buf index of the next output's window centre */
	double frac;		/* and its fractional part, in [0, 1) */
};

/* Silence as history, phase 0: the first output is RS_DELAY samples ahead
 * of the first input, so output k is input k - RS_DELAY at step 1.0. */
void rs_init(struct resampler *r);
/* Feed nin input samples and produce output at `step` input samples per
 * output sample (RS_STEP_MIN <= step <= RS_STEP_MAX; assert). Writes at
 * most maxout samples to out (OUT:) and returns how many. All nin input
 * samples are consumed (kept in the state); with maxout >= nin / step + 2
 * nothing is held back beyond the filter's own need. What a smaller maxout
 * holds back comes out on the next calls (nin may be 0), but no more than
 * RS_BUF - RS_TAPS input samples' worth may wait (assert). */
size_t rs_run(struct resampler *r, const int16_t *in, size_t nin, double step,
    int16_t *out, size_t maxout);
/* Where the next output sample lies in the input stream: the number of
 * input samples (fractional) between that position and the end of all
 * input given so far. It includes the filter's group delay, so that
 * "total input given - rs_pending()" is the exact input position (in
 * samples, fractional) that the next output sample represents. Between
 * RS_DELAY - step and RS_DELAY when nothing is held back. */
double rs_pending(const struct resampler *r);

#endif
