/*
 * horn.c — speech made for outdoor horn loudspeakers, applied to the
 * loudspeaker stream only (downloads and previews stay as rendered).
 *
 * A horn driver reproduces little below about 300 Hz, and what it cannot
 * reproduce still costs amplifier headroom and muddies the rest; listeners
 * stand tens of metres away, in wind and traffic, where the quiet
 * syllables of a sentence are lost first. So:
 *
 *   1. a high-pass filter, 4th-order Butterworth (two biquads, 24 dB per
 *      octave) at highpass_hz: 100 Hz comes out 38 dB down at 300 Hz;
 *   2. gentle compression: 2:1 above -24 dBFS with a 6 dB soft knee, a
 *      peak envelope with 5 ms attack and 150 ms release, and a fixed
 *      make-up gain of +6 dB, so the quiet syllables of an item rendered
 *      at -16 LUFS come up about 6 dB and its loud ones go down;
 *   3. a peak limiter at -1 dBFS (instant attack, 50 ms release) so the
 *      make-up gain can never clip.
 *
 * Items arrive loudness-normalised (loudness.c), so fixed settings fit
 * every item. Processing is per sample in float, in place, on the 48 kHz
 * mono stream; state carries across calls so a stream fed in pieces is
 * processed as one.
 */
#include <math.h>
#include <stdlib.h>

#include "tts/tts.h"

#define THRESHOLD_DB (-24.0)
#define RATIO 2.0
#define KNEE_DB 6.0
#define MAKEUP_DB 6.0
#define ATTACK_S 0.005
#define RELEASE_S 0.150
#define CEILING 0.891		/* -1 dBFS */
#define LIMIT_RELEASE_S 0.050

struct biquad {
	double b0, b1, b2, a1, a2;
	double z1, z2;		/* transposed direct form II */
};

struct tts_horn {
	int highpass_hz;
	bool compress;
	struct biquad hp[2];
	double env;		/* peak envelope, linear */
	double att, rel;	/* envelope coefficients */
	double limit;		/* limiter gain, linear */
	double limit_rel;
};

/* A 2nd-order Butterworth-family high-pass section with quality q. */
static void
highpass(struct biquad *f, double fc, double rate, double q)
{
	double w = 2 * M_PI * fc / rate, c = cos(w), alpha = sin(w) / (2 * q);
	double a0 = 1 + alpha;

	f->b0 = (1 + c) / 2 / a0;
	f->b1 = -(1 + c) / a0;
	f->b2 = (1 + c) / 2 / a0;
	f->a1 = -2 * c / a0;
	f->a2 = (1 - alpha) / a0;
	f->z1 = f->z2 = 0;
}

static double
biquad_run(struct biquad *f, double x)
{
	double y = f->b0 * x + f->z1;
	f->z1 = f->b1 * x - f->a1 * y + f->z2;
	f->z2 = f->b2 * x - f->a2 * y;
	return y;
}

struct tts_horn *
tts_horn_new(int rate, int highpass_hz, bool compress)
{
	struct tts_horn *h = calloc(1, sizeof(*h));

	if (h == NULL)
		return NULL;
	if (highpass_hz < 0 || highpass_hz >= rate / 4)
		highpass_hz = 0;
	h->highpass_hz = highpass_hz;
	h->compress = compress;
	if (highpass_hz > 0) {
		/* The two sections' q of a 4th-order Butterworth filter. */
		highpass(&h->hp[0], highpass_hz, rate, 0.54119610);
		highpass(&h->hp[1], highpass_hz, rate, 1.30656296);
	}
	h->att = exp(-1.0 / (ATTACK_S * rate));
	h->rel = exp(-1.0 / (RELEASE_S * rate));
	h->limit = 1;
	h->limit_rel = exp(-1.0 / (LIMIT_RELEASE_S * rate));
	return h;
}

bool
tts_horn_active(const struct tts_horn *h)
{
	return h != NULL && (h->highpass_hz > 0 || h->compress);
}

/* The compressor's gain in dB for an envelope level in dB (soft knee). */
static double
gain_db(double level)
{
	double over = level - THRESHOLD_DB;

	if (2 * over < -KNEE_DB)
		return 0;
	if (2 * over > KNEE_DB)
		return over / RATIO - over;
	double k = over + KNEE_DB / 2;
	return (1 / RATIO - 1) * k * k / (2 * KNEE_DB);
}

void
tts_horn_process(struct tts_horn *h, int16_t *pcm, size_t frames)
{
	static const double makeup = 1.99526231;	/* +6 dB */

	if (!tts_horn_active(h))
		return;
	for (size_t i = 0; i < frames; i++) {
		double x = pcm[i] / 32768.0;
		if (h->highpass_hz > 0)
			x = biquad_run(&h->hp[1], biquad_run(&h->hp[0], x));
		if (h->compress) {
			double a = fabs(x);
			double k = a > h->env ? h->att : h->rel;
			h->env = k * h->env + (1 - k) * a;
			double level = 20 * log10(h->env > 1e-6 ? h->env : 1e-6);
			x *= pow(10, gain_db(level) / 20) * makeup;
			/* The limiter: down at once, back up slowly. */
			double need = fabs(x) > CEILING ? CEILING / fabs(x) : 1;
			h->limit = h->limit_rel * h->limit + (1 - h->limit_rel);
			if (need < h->limit)
				h->limit = need;
			x *= h->limit;
		}
		double s = x * 32768.0;
		pcm[i] = (int16_t)(s > 32767 ? 32767 : s < -32768 ? -32768 :
		    lrint(s));
	}
}

void
tts_horn_free(struct tts_horn *h)
{
	free(h);
}
