/*
 * loudness.c — every item airs at the same loudness: an EBU R128 meter
 * (libebur128), the gains that bring speech and tones to the target, and
 * the true-peak limiter every render ends in. The gains are fixed for a
 * render, calibrated before its first word, so a render still streams
 * sample by sample: an emergency page airs while it is synthesised and
 * cannot wait for the end of its text to be measured (see tts/README.md).
 */
#include <assert.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ebur128.h>
#include <espeak-ng/speak_lib.h>

#include "tts/engine.h"

/*
 * Tones relative to the speech, in LU. A bell decays, so its integrated
 * loudness sits about 2 LU under its strikes: at -1 LU the strikes land at
 * the speech's own level, heard as part of the notice rather than over it.
 * The alert warble is steady (its momentary loudness is its integrated) and
 * must cut through: +1 LU, a little over the speech, where before it was
 * 10 LU over and startled more than it warned. Both stay close to 0 so an
 * item that is mostly tone (a one-line notice, a short page) still measures
 * within a LU of the target as a whole.
 */
#define CHIME_LU (-1.0)
#define ALERT_LU (1.0)

/* The limiter acts this far under the ceiling: its 4x interpolation, a
 * reference meter's other one and rounding to 16 bits each differ by a few
 * hundredths of a dB; 0.3 dB covers them with room to spare. */
#define LIMIT_MARGIN_DB 0.3
#define LOOKAHEAD_S 0.002	/* 2 ms: a clean attack on a syllable's onset */
#define RELEASE_S 0.080		/* back to unity between syllables, no pumping */
#define MAX_GAIN_DB 30.0	/* what silence (volume 0) cannot talk us into */
/* The render's own speech takes over from the calibration as it is heard:
 * wholly after this much of it, and never more than ADAPT_MAX_DB away. */
#define ADAPT_FULL_S 20.0
#define ADAPT_MAX_DB 3.0

/* The calibration passage: about twenty seconds of an ordinary notice at
 * the default rate, without digits (how they are read is the normaliser's
 * business, not the level's). */
static const char calibration_text[] =
	"各位村民请注意，明天上午在村委会开会，请各组组长准时参加。"
	"今天下午停电，请大家做好准备，出门前关好门窗，照顾好家里的老人和孩子。";

/* ---- the meter --------------------------------------------------------------- */

struct tts_meter {
	ebur128_state *st;
};

struct tts_meter *
tts_meter_new(int rate)
{
	struct tts_meter *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	m->st = ebur128_init(1, (unsigned long)rate,
	    EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK);
	if (m->st == NULL) {
		free(m);
		return NULL;
	}
	return m;
}

int
tts_meter_add(struct tts_meter *m, const int16_t *pcm, size_t frames)
{
	return ebur128_add_frames_short(m->st, pcm, frames) == EBUR128_SUCCESS ?
	    0 : -1;
}

int
tts_meter_pcm_fn(const int16_t *pcm, size_t frames, void *arg)
{
	return tts_meter_add(arg, pcm, frames) == 0 ? 0 : 1;
}

void
tts_meter_read(struct tts_meter *m, double *lufs, double *dbtp)
{
	double l = -HUGE_VAL, tp = 0;

	if (ebur128_loudness_global(m->st, &l) != EBUR128_SUCCESS)
		l = -HUGE_VAL;
	if (ebur128_true_peak(m->st, 0, &tp) != EBUR128_SUCCESS)
		tp = 0;
	*lufs = l;
	*dbtp = tp > 0 ? 20 * log10(tp) : -HUGE_VAL;
}

void
tts_meter_free(struct tts_meter *m)
{
	if (m == NULL)
		return;
	ebur128_destroy(&m->st);
	free(m);
}

/* Integrated loudness of floats (1.0 full scale); -HUGE_VAL for silence. */
static double
lufs_of(const float *x, size_t n, int rate)
{
	ebur128_state *st = ebur128_init(1, (unsigned long)rate, EBUR128_MODE_I);
	double l = -HUGE_VAL;

	if (st == NULL)
		return -HUGE_VAL;
	if (ebur128_add_frames_float(st, x, n) != EBUR128_SUCCESS ||
	    ebur128_loudness_global(st, &l) != EBUR128_SUCCESS)
		l = -HUGE_VAL;
	ebur128_destroy(&st);
	return l;
}

/* ---- the true-peak limiter ------------------------------------------------------ */

/*
 * Why a limiter, not a smaller gain: eSpeak NG's speech has a peak-to-
 * loudness ratio of 18-21 dB, so at -16 LUFS its loudest glottal pulses
 * would reach +2..+5 dBTP. Lowering the whole item's gain until its peak
 * fits would leave it 3-6 LU under the target, and every item at a
 * different level, which is what this file exists to prevent. The limiter
 * takes those few milliseconds down instead, and leaves the rest alone.
 *
 * It looks ahead LOOKAHEAD_S, so the gain is already down when a peak
 * arrives (no overshoot, no clipping), and detects the true peak, not the
 * sample peak: each sample and three points between it and the next,
 * interpolated 4x as BS.1770 Annex 2 does, because the horn's DAC (and a
 * meter) sees the continuous wave. The required gain r is held for the
 * look-ahead and smoothed with a box of the same length: at the sample
 * it is applied to, the smoothed gain is at most r (each value the box
 * averages is a minimum over a window holding that sample). It releases
 * exponentially over RELEASE_S.
 */
#define TAPS 12			/* per phase of the interpolator */
#define HALF 6			/* its delay, in samples */

static float interp[3][TAPS];	/* phases 1/4, 2/4, 3/4 */
/* Made once, whichever thread first needs it: the engine's, or one
 * importing a recording (recording.c), which may run at the same time. */
static pthread_once_t interp_once = PTHREAD_ONCE_INIT;

static void
interp_make(void)
{
	for (int k = 1; k <= 3; k++) {
		double f = k / 4.0, sum = 0;
		for (int j = 0; j < TAPS; j++) {
			double t = f - (j - (HALF - 1));	/* taps x[c-5..c+6] */
			double s = t == 0 ? 1 : sin(M_PI * t) / (M_PI * t);
			double w = 0.5 * (1 + cos(M_PI * t / (HALF + 0.5)));
			interp[k - 1][j] = (float)(s * w);
			sum += s * w;
		}
		for (int j = 0; j < TAPS; j++)
			interp[k - 1][j] = (float)(interp[k - 1][j] / sum);
	}
}

void
lim_init(struct eng_limiter *l, int rate, double ceiling_dbtp)
{
	pthread_once(&interp_once, interp_make);
	memset(l, 0, sizeof(*l));
	l->n = (int)lrint(LOOKAHEAD_S * rate);
	if (l->n < 1)
		l->n = 1;
	if (l->n > LIM_MAX_LOOKAHEAD)
		l->n = LIM_MAX_LOOKAHEAD;
	l->thr = (float)pow(10, (ceiling_dbtp - LIMIT_MARGIN_DB) / 20);
	l->rel = (float)(1 - exp(-1.0 / (RELEASE_S * rate)));
	lim_reset(l);
}

void
lim_reset(struct eng_limiter *l)
{
	memset(l->x, 0, sizeof(l->x));
	l->pos = 0;
	l->env = 1;
	for (int i = 0; i < l->n; i++)
		l->box[i] = 1;
	l->sum = l->n;
	l->qh = l->qt = 0;
}

int
lim_delay(const struct eng_limiter *l)
{
	return l->n + HALF - 1;
}

void
lim_process(struct eng_limiter *l, float *buf, size_t count)
{
	const size_t M = LIM_RING - 1;

	for (size_t i = 0; i < count; i++) {
		size_t t = l->pos++;
		l->x[t & M] = buf[i];
		/* The detector's sample c = t - HALF, its taps c-5 .. c+6. */
		size_t c = t - HALF;
		float p = fabsf(l->x[c & M]);
		for (int k = 0; k < 3; k++) {
			float v = 0;
			for (int j = 0; j < TAPS; j++)
				v += interp[k][j] * l->x[(c - (HALF - 1) + j) & M];
			if (fabsf(v) > p)
				p = fabsf(v);
		}
		float r = p > l->thr ? l->thr / p : 1;
		float e = l->env + (1 - l->env) * l->rel;
		if (r < e)
			e = r;
		l->env = e;
		/* The minimum of e over the last n samples, by a monotonic
		 * queue of (value, time): amortised O(1) a sample. */
		while (l->qt != l->qh && l->qv[(l->qt - 1) & M] >= e)
			l->qt--;
		l->qv[l->qt & M] = e;
		l->qi[l->qt & M] = t;
		l->qt++;
		while (l->qi[l->qh & M] + (size_t)l->n <= t)
			l->qh++;
		float h = l->qv[l->qh & M];
		size_t b = t % (size_t)l->n;
		l->sum += h - l->box[b];
		l->box[b] = h;
		double s = l->sum / l->n;
		if (s > 1)
			s = 1;
		buf[i] = (float)(l->x[(t - HALF - (size_t)l->n + 1) & M] * s);
	}
}

/* ---- the gains ------------------------------------------------------------------- */

static double
db_to_lin(double db)
{
	return pow(10, db / 20);
}

static double
clamp_gain_db(double g)
{
	return g > MAX_GAIN_DB ? MAX_GAIN_DB : g;
}

void
loud_configure(struct tts_engine *eng, double lufs, double ceiling_dbtp)
{
	eng->target_lufs = lufs;
	eng->ceiling_dbtp = ceiling_dbtp;
	eng->ncal = 0;		/* speech gains were for the old target */
	lim_init(&eng->lim, eng->out_rate, ceiling_dbtp);
}

int
tts_engine_set_loudness(struct tts_engine *eng, double lufs,
    double ceiling_dbtp, char *err, size_t errlen)
{
	if (!(lufs >= TTS_LOUDNESS_MIN && lufs <= TTS_LOUDNESS_MAX)) {
		snprintf(err, errlen, "loudness %.1f LUFS is out of range "
		    "(%d to %d)", lufs, TTS_LOUDNESS_MIN, TTS_LOUDNESS_MAX);
		return -1;
	}
	if (!(ceiling_dbtp >= TTS_TRUE_PEAK_MIN &&
	    ceiling_dbtp <= TTS_TRUE_PEAK_MAX)) {
		snprintf(err, errlen, "true peak %.1f dBTP is out of range "
		    "(%d to %d)", ceiling_dbtp, TTS_TRUE_PEAK_MIN,
		    TTS_TRUE_PEAK_MAX);
		return -1;
	}
	loud_configure(eng, lufs, ceiling_dbtp);
	return 0;
}

float
loud_tone_gain(struct tts_engine *eng, enum tts_tone tone)
{
	int i = (int)tone;

	assert(i >= 0 && i < 4);
	if (!eng->tone_measured[i]) {
		/* A pure function of the tone: measured once per process. */
		size_t n = tts_tone_frames(tone, eng->in_rate);
		int16_t *s = malloc(n * sizeof(*s));
		float *f = malloc(n * sizeof(*f));
		if (s == NULL || f == NULL) {
			free(s);
			free(f);
			return 1;	/* out of memory: unnormalised, not lost */
		}
		tts_tone_render(tone, eng->in_rate, 0, n, s);
		for (size_t k = 0; k < n; k++)
			f[k] = s[k] / 32768.0f;
		eng->tone_lufs[i] = lufs_of(f, n, eng->in_rate);
		eng->tone_measured[i] = 1;
		free(s);
		free(f);
	}
	double rel = tone == TTS_TONE_ALERT || tone == TTS_TONE_ALERT_END ?
	    ALERT_LU : CHIME_LU;
	return (float)db_to_lin(clamp_gain_db(eng->target_lufs + rel -
	    eng->tone_lufs[i]));
}

/*
 * The speech gain for eSpeak NG at these settings. eSpeak's level depends
 * on the voice, the rate and the pitch (measured on 1.51: 80 words a minute
 * is 3 LU louder than 300, pitch 20 1.4 LU quieter than 50) but hardly on
 * the words: ordinary notices at one setting lie within about ±0.5 LU. So
 * the calibration passage is synthesised once per setting, measured, and
 * put through the limiter at that gain and measured again (the limiter
 * takes a few tenths of a LU off the peaks' share of the loudness); two
 * rounds settle it within 0.05 LU.
 */
static double
calibrate(struct tts_engine *eng, const struct tts_params *p, double *limit_db)
{
	char err[128];
	char *spoken = tts_spoken_text(calibration_text,
	    strlen(calibration_text), p->voice, NULL, err, sizeof(err));
	double g = 0;

	*limit_db = 0;
	if (spoken == NULL)
		return 0;
	eng->cap_n = 0;
	eng->capturing = 1;
	espeak_Synth(spoken, strlen(spoken) + 1, 0, POS_CHARACTER, 0,
	    espeakCHARS_UTF8, NULL, eng);
	eng->capturing = 0;
	free(spoken);
	if (eng->cap_failed || eng->cap_n == 0)
		goto out;
	double l = lufs_of(eng->cap, eng->cap_n, eng->in_rate);
	if (!isfinite(l))
		goto out;	/* silent (volume 0): nothing to bring up */
	g = clamp_gain_db(eng->target_lufs - l);
	float *y = malloc(eng->cap_n * sizeof(*y));
	if (y == NULL)
		goto out;
	struct eng_limiter *lim = malloc(sizeof(*lim));
	for (int round = 0; lim && round < 2; round++) {
		float k = (float)db_to_lin(g);
		for (size_t i = 0; i < eng->cap_n; i++)
			y[i] = eng->cap[i] * k;
		lim_init(lim, eng->in_rate, eng->ceiling_dbtp);
		lim_process(lim, y, eng->cap_n);
		double ly = lufs_of(y + lim_delay(lim), eng->cap_n -
		    (size_t)lim_delay(lim), eng->in_rate);
		if (isfinite(ly))
			g = clamp_gain_db(g + eng->target_lufs - ly);
	}
	*limit_db = l + g - eng->target_lufs;
	free(lim);
	free(y);
out:
	free(eng->cap);
	eng->cap = NULL;
	eng->cap_n = eng->cap_max = 0;
	eng->cap_failed = 0;
	return g;
}

float
loud_speech_gain(struct tts_engine *eng, const struct tts_params *p)
{
	struct eng_cal *c = NULL;

	for (int i = 0; i < eng->ncal; i++)
		if (eng->cal[i].voice == p->voice &&
		    eng->cal[i].rate == p->rate && eng->cal[i].pitch == p->pitch)
			c = &eng->cal[i];
	if (c == NULL) {
		double lim_db;
		double g = calibrate(eng, p, &lim_db);
		if (eng->ncal < ENG_NCAL)
			c = &eng->cal[eng->ncal++];
		else
			c = &eng->cal[eng->cal_next++ % ENG_NCAL];
		c->voice = p->voice;
		c->rate = p->rate;
		c->pitch = p->pitch;
		c->gain_db = g;
		c->limit_db = lim_db;
	}
	eng->cal_in_use = c;
	/* volume scales the amplitude about the target: 100 is the target,
	 * 50 half the amplitude (6 dB under), 200 twice (limited). */
	return (float)(db_to_lin(c->gain_db) * p->volume / 100.0);
}

/*
 * The calibration is within about ±0.5 LU for ordinary text, but a notice
 * of phone numbers, say, is read louder (+1.2 LU measured). So the render's
 * own speech is measured as it is synthesised, before any gain, and after
 * each sentence the gain moves toward what would bring all of it so far to
 * the target (less what the limiter takes, as on the passage), weighted by
 * how much has been heard. The gain changes only in the pauses between
 * sentences, by fractions of a dB; nothing waits for the end.
 */
void
loud_begin(struct tts_engine *eng)
{
	if (eng->heard)
		ebur128_destroy(&eng->heard);
	eng->heard = ebur128_init(1, (unsigned long)eng->in_rate, EBUR128_MODE_I);
	eng->heard_frames = 0;
	eng->cal_in_use = NULL;
}

void
loud_heard(struct tts_engine *eng, const int16_t *pcm, size_t n)
{
	if (eng->heard && ebur128_add_frames_short(eng->heard, pcm, n) ==
	    EBUR128_SUCCESS)
		eng->heard_frames += n;
}

float
loud_speech_gain_now(struct tts_engine *eng)
{
	const struct eng_cal *c = eng->cal_in_use;
	double l, g, w;

	if (c == NULL)
		return eng->gain;
	g = c->gain_db;
	if (eng->heard && ebur128_loudness_global(eng->heard, &l) ==
	    EBUR128_SUCCESS && isfinite(l) && c->gain_db < MAX_GAIN_DB) {
		double own = eng->target_lufs - l +
		    c->limit_db;
		if (own > g + ADAPT_MAX_DB)
			own = g + ADAPT_MAX_DB;
		if (own < g - ADAPT_MAX_DB)
			own = g - ADAPT_MAX_DB;
		w = (double)eng->heard_frames / eng->in_rate / ADAPT_FULL_S;
		g += (w < 1 ? w : 1) * (own - g);
	}
	return (float)(db_to_lin(clamp_gain_db(g)) * eng->params.volume / 100.0);
}

int
loud_capture(struct tts_engine *eng, const int16_t *pcm, size_t n)
{
	if (eng->cap_n + n > eng->cap_max) {
		size_t cap = eng->cap_max ? eng->cap_max * 2 : 1 << 18;
		while (cap < eng->cap_n + n)
			cap *= 2;
		float *f = realloc(eng->cap, cap * sizeof(*f));
		if (f == NULL) {
			eng->cap_failed = 1;
			return -1;
		}
		eng->cap = f;
		eng->cap_max = cap;
	}
	for (size_t i = 0; i < n; i++)
		eng->cap[eng->cap_n++] = pcm[i] / 32768.0f;
	return 0;
}
