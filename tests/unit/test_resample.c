/*
 * test_resample.c — the agent's rate follower (speakers/resample.c): step
 * 1.0 is the input delayed, chunks do not matter, a sine comes out at the
 * stepped frequency and clean, a step changing each frame leaves no seam,
 * and rs_pending tells exactly which input the next output is.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "speakers/resample.h"
#include "tests/unit/harness.h"

#define FS 48000
#define FRAME 2880		/* 60 ms, the agent's Opus frame */
#define AMP (0.5 * 32767)

static int16_t inb[FS * 20 + FRAME], outb[FS * 20 + 2 * FRAME];	/* 20 s */

static int16_t
sine_at(double f, long n)
{
	/* n * f is exact: the phase keeps its precision over 10 s. */
	return (int16_t)lrint(AMP * sin(2 * M_PI * fmod((double)n * f / FS, 1.0)));
}

static void
test_unity(void)
{
	struct resampler r;
	uint32_t seed = 12345;
	size_t n = 10000, got = 0, bad = 0;

	for (size_t i = 0; i < n; i++) {
		seed = seed * 1664525u + 1013904223u;
		inb[i] = (int16_t)(seed >> 16);
	}
	rs_init(&r);
	CHECK(rs_pending(&r) == RS_DELAY, "a fresh resampler is RS_DELAY "
	    "(%d) samples behind (%g)", RS_DELAY, rs_pending(&r));
	/* Odd chunks, to cross the state's compaction at every offset. */
	for (size_t i = 0, c = 1; i < n; i += c, c = c % 97 + 13) {
		size_t m = i + c > n ? n - i : c;
		got += rs_run(&r, inb + i, m, 1.0, outb + got, m + 2);
	}
	for (size_t k = 0; k < got; k++)
		bad += outb[k] != (k < RS_DELAY ? 0 : inb[k - RS_DELAY]);
	CHECK(got == n && bad == 0, "step 1.0: %zu out of %zu in, %zu differ "
	    "from the input %d samples late", got, n, bad, RS_DELAY);
	CHECK(rs_pending(&r) == RS_DELAY, "and still RS_DELAY behind (%g)",
	    rs_pending(&r));
}

static void
test_chunks(void)
{
	struct resampler a, b, c;
	size_t n = FS, na, nb = 0, nc = 0;
	static int16_t ob[FS + 100], oc[FS + 100];
	const double step = 1.0007;

	for (size_t i = 0; i < n; i++)
		inb[i] = sine_at(1234, (long)i);
	rs_init(&a);
	na = rs_run(&a, inb, n, step, outb, n + 100);
	rs_init(&b);
	for (size_t i = 0, k = 1; i < n; i += k, k = k * 7 % 200 + 1) {
		size_t m = i + k > n ? n - i : k;
		nb += rs_run(&b, inb + i, m, step, ob + nb, m + 2);
	}
	CHECK(na == nb && memcmp(outb, ob, na * sizeof(outb[0])) == 0 &&
	    rs_pending(&a) == rs_pending(&b), "in chunks of 1 to 200 as in one "
	    "call (%zu and %zu samples)", na, nb);
	/* A maxout too short holds output back; a call with no input gives
	 * it, and nothing is lost or changed. */
	rs_init(&c);
	for (size_t i = 0; i < n; i += 50) {
		size_t m = i + 50 > n ? n - i : 50;
		nc += rs_run(&c, inb + i, m, step, oc + nc, 30);
		nc += rs_run(&c, NULL, 0, step, oc + nc, 100);
	}
	CHECK(na == nc && memcmp(outb, oc, na * sizeof(outb[0])) == 0,
	    "output held back by a short maxout comes later, the same (%zu)", nc);
}

struct run {
	size_t nin, nout;
	double snr_db;		/* signal against residual from the ideal */
	double freq;		/* by rising zero crossings */
	int max_diff;		/* the largest sample-to-sample step */
	double pos_err;		/* N - rs_pending against the steps' sum */
	double pend_min, pend_max;
	double sum_in_per_step;	/* the outputs the steps call for */
};

/* A sine of f Hz through nblocks frames, frame b at steps[b]; the ideal
 * output is the sine at positions summed from the steps, not from
 * rs_pending, so the two check each other. */
static void
run_sine(double f, const double *steps, int nblocks, struct run *o)
{
	struct resampler r;
	long double pos = -RS_DELAY;	/* the next output's input position */
	double sig = 0, err = 0, t_first = -1, t_last = 0;
	long crossings = 0;

	memset(o, 0, sizeof(*o));
	o->pend_min = 1e9;
	o->pend_max = -1e9;
	rs_init(&r);
	for (int b = 0; b < nblocks; b++) {
		int16_t *in = inb + o->nin, *out = outb + o->nout;
		size_t got;

		for (int i = 0; i < FRAME; i++)
			in[i] = sine_at(f, (long)o->nin + i);
		got = rs_run(&r, in, FRAME, steps[b], out, FRAME * 1.002 + 2);
		for (size_t k = 0; k < got; k++) {
			double p = (double)(pos + (long double)k * steps[b]);
			double want = AMP * sin(2 * M_PI * fmod(p * f / FS, 1.0));
			size_t j = o->nout + k;

			if (j >= 2 * RS_TAPS) {	/* past the silence before */
				sig += want * want;
				err += (out[k] - want) * (out[k] - want);
			}
			if (j > 0) {
				int d = abs(outb[j] - outb[j - 1]);
				int y0 = outb[j - 1], y1 = outb[j];

				if (d > o->max_diff && j > 2 * RS_TAPS)
					o->max_diff = d;
				if (y0 < 0 && y1 >= 0 && j > 2 * RS_TAPS) {
					double t = j - 1 + (double)y0 / (y0 - y1);
					if (t_first < 0)
						t_first = t;
					t_last = t;
					crossings++;
				}
			}
		}
		pos += (long double)got * steps[b];
		o->nin += FRAME;
		o->nout += got;
		o->sum_in_per_step += FRAME / steps[b];
		double pend = rs_pending(&r);
		double e = fabs((double)((long double)o->nin - pend - pos));
		if (e > o->pos_err)
			o->pos_err = e;
		if (pend < o->pend_min)
			o->pend_min = pend;
		if (pend > o->pend_max)
			o->pend_max = pend;
	}
	o->snr_db = 10 * log10(sig / err);
	o->freq = (crossings - 1) / (t_last - t_first) * FS;
}

static void
test_sines(void)
{
	static double steps[FS * 10 / FRAME];
	int nb = FS * 10 / FRAME;	/* 10 s less a part frame */
	struct run o;

	for (int b = 0; b < nb; b++)
		steps[b] = 1.0005;
	run_sine(1000, steps, nb, &o);
	printf("# 1 kHz at step 1.0005: %.4f Hz, SNR %.1f dB\n", o.freq, o.snr_db);
	CHECK(fabs(o.freq - 1000 * 1.0005) < 0.05, "1 kHz at step 1.0005 comes "
	    "out at %.4f Hz (want 1000.5)", o.freq);
	CHECK(o.snr_db >= 60, "1 kHz: residual %.1f dB below the signal", o.snr_db);
	CHECK(o.pos_err < 1e-6, "rs_pending places every frame's next output "
	    "where the steps put it (off %.2g)", o.pos_err);
	run_sine(6000, steps, nb, &o);
	printf("# 6 kHz at step 1.0005: %.4f Hz, SNR %.1f dB\n", o.freq, o.snr_db);
	CHECK(fabs(o.freq - 6000 * 1.0005) < 0.05, "6 kHz comes out at %.4f Hz",
	    o.freq);
	CHECK(o.snr_db >= 50, "6 kHz: residual %.1f dB below the signal", o.snr_db);
}

static void
test_changing(void)
{
	static double steps[FS * 20 / FRAME];
	int nb = FS * 20 / FRAME;
	double mean = 0, f = 3000, slope;
	uint32_t seed = 99;
	struct run o;

	/* A slow ramp up, back down, jumps between the ends every frame,
	 * then random steps within them. */
	for (int b = 0; b < nb; b++) {
		if (b < 100)
			steps[b] = 0.9995 + 0.0013 * b / 99;
		else if (b < 200)
			steps[b] = 1.0008 - 0.0013 * (b - 100) / 99;
		else if (b < 260)
			steps[b] = b % 2 ? 1.0008 : 0.9995;
		else {
			seed = seed * 1664525u + 1013904223u;
			steps[b] = 0.9995 + 0.0013 * (seed >> 8) / (1u << 24);
		}
		mean += steps[b] / nb;
	}
	run_sine(f, steps, nb, &o);
	/* The sampled sine's largest step, at the fastest step; 3 LSB for
	 * rounding in and out. */
	slope = 2 * AMP * sin(M_PI * f * 1.0008 / FS) + 3;
	printf("# 3 kHz, step changing each frame: SNR %.1f dB, largest step "
	    "%d (bound %.1f), pending %.4f..%.4f\n", o.snr_db, o.max_diff, slope,
	    o.pend_min, o.pend_max);
	CHECK(o.max_diff <= slope, "no seam where the step changes: largest "
	    "sample-to-sample step %d, the sine's own %.1f", o.max_diff, slope);
	CHECK(o.snr_db >= 60, "and the output is the sine at the summed "
	    "positions, %.1f dB clean", o.snr_db);
	CHECK(fabs((double)o.nout - o.sum_in_per_step) <= 2 &&
	    fabs((double)o.nout - (double)o.nin / mean) <= 2, "%zu out for %zu "
	    "in at mean step %.6f (%.1f)", o.nout, o.nin, mean, o.nin / mean);
	CHECK(o.pend_min >= 0 && o.pend_max <= RS_TAPS + 2, "rs_pending "
	    "within [0, %d] (%.4f..%.4f)", RS_TAPS + 2, o.pend_min, o.pend_max);
	CHECK(o.pos_err < 1e-6, "and exact at every frame (off %.2g)", o.pos_err);
}

int
main(void)
{
	test_unity();
	test_chunks();
	test_sines();
	test_changing();
	return t_done();
}
