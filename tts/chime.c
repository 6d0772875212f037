/*
 * chime.c — the tones around a notice, generated rather than shipped as
 * samples: a rising three-note bell before a notice, a falling one after,
 * and for emergencies a hi-lo two-tone warble nobody mistakes for a notice.
 * Each sample is a pure function of its index, so a tone can be produced in
 * pieces while it streams.
 */
#include <math.h>

#include "tts/tts.h"

#define NOTE_SPACING 0.42	/* seconds between bell strikes */
#define NOTE_DECAY 0.55		/* seconds for a strike to fall by 1/e */
#define BELL_TAIL 1.2		/* seconds the last strike rings */
#define ALERT_HALF 0.25		/* seconds per pitch of the warble */
#define ALERT_LEN 3.0
#define ALERT_END_LEN 1.0
#define ALERT_RAMP 0.006	/* seconds of fade at each pitch change */

/* C5 E5 G5: a major triad, the ding-dong-ding of a station chime. */
static const double triad[3] = { 523.25, 659.25, 783.99 };

static double
tone_seconds(enum tts_tone tone)
{
	switch (tone) {
	case TTS_TONE_ATTENTION:
	case TTS_TONE_CLOSING:
		return 2 * NOTE_SPACING + BELL_TAIL;
	case TTS_TONE_ALERT:
		return ALERT_LEN;
	case TTS_TONE_ALERT_END:
		return ALERT_END_LEN;
	}
	return 0;
}

size_t
tts_tone_frames(enum tts_tone tone, int rate)
{
	return (size_t)(tone_seconds(tone) * rate);
}

static double
bell(double t, double f)
{
	if (t < 0)
		return 0;
	double attack = t < 0.004 ? t / 0.004 : 1.0;
	double env = attack * exp(-t / NOTE_DECAY);
	/* A few inharmonic partials make it a bell rather than a beep. */
	return env * (sin(2 * M_PI * f * t) +
	    0.35 * sin(2 * M_PI * 2.0 * f * t) * exp(-t / 0.25) +
	    0.12 * sin(2 * M_PI * 2.76 * f * t) * exp(-t / 0.15));
}

static double
sample(enum tts_tone tone, double t, double total)
{
	double v = 0;

	switch (tone) {
	case TTS_TONE_ATTENTION:
	case TTS_TONE_CLOSING:
		for (int k = 0; k < 3; k++) {
			double f = tone == TTS_TONE_ATTENTION ?
			    triad[k] : triad[2 - k];
			v += bell(t - k * NOTE_SPACING, f);
		}
		v *= 0.30;
		break;
	case TTS_TONE_ALERT:
	case TTS_TONE_ALERT_END: {
		/* 960 / 770 Hz, the hi-lo pair of public warning sirens,
		 * with a third harmonic so it cuts through on small horns. */
		int half = (int)(t / ALERT_HALF);
		double f = (half % 2 == 0) ? 960.0 : 770.0;
		double in = t - half * ALERT_HALF;
		double ramp = 1.0;
		if (in < ALERT_RAMP)
			ramp = in / ALERT_RAMP;
		else if (ALERT_HALF - in < ALERT_RAMP)
			ramp = (ALERT_HALF - in) / ALERT_RAMP;
		v = 0.55 * ramp * (sin(2 * M_PI * f * t) +
		    0.25 * sin(2 * M_PI * 3 * f * t));
		break;
	}
	}
	/* Fade the last 20 ms so nothing clicks. */
	if (total - t < 0.02)
		v *= (total - t) / 0.02;
	return v;
}

void
tts_tone_render(enum tts_tone tone, int rate, size_t from, size_t count,
    int16_t *out)
{
	double total = tone_seconds(tone);

	for (size_t i = 0; i < count; i++) {
		double t = (double)(from + i) / rate;
		double v = t < total ? sample(tone, t, total) : 0;
		if (v > 1)
			v = 1;
		if (v < -1)
			v = -1;
		out[i] = (int16_t)lrint(v * 32000);
	}
}
