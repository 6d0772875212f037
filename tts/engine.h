/*
 * engine.h — inside tts/: the eSpeak NG engine and the audio pipe every
 * render flows through (eSpeak's rate → gain → speexdsp → the sink's rate
 * → true-peak limiter), and the loudness that sets its gains (loudness.c).
 */
#ifndef DALABA_TTS_ENGINE_H
#define DALABA_TTS_ENGINE_H

#include <ebur128.h>
#include <speex/speex_resampler.h>

#include "tts/tts.h"

#define LIM_RING 1024			/* power of two, > look-ahead + taps */
#define LIM_MAX_LOOKAHEAD 512

/* The true-peak limiter's state (loudness.c); mono floats, 1.0 full scale. */
struct eng_limiter {
	int n;				/* look-ahead, samples */
	float thr;			/* linear ceiling, less the margin */
	float rel;			/* release coefficient a sample */
	float env;			/* the released gain */
	float x[LIM_RING];		/* the signal, delayed */
	size_t pos;
	float qv[LIM_RING];		/* monotonic queue: the window's minimum */
	size_t qi[LIM_RING];
	size_t qh, qt;
	float box[LIM_MAX_LOOKAHEAD];	/* the held gains being averaged */
	double sum;
};

#define ENG_NCAL 8			/* speech settings remembered */

/* A calibrated speech gain for one voice, rate and pitch. */
struct eng_cal {
	const struct tts_voice *voice;
	int rate, pitch;
	double gain_db;
	double limit_db;		/* what the limiter took off the passage */
};

struct tts_engine {
	int in_rate;			/* eSpeak NG's own rate (22050) */
	int out_rate;
	SpeexResamplerState *rs;	/* NULL when the rates agree */
	int rs_pending;			/* rs holds audio not yet out */
	const struct tts_lexicon *lex;

	/* loudness (loudness.c) */
	double target_lufs, ceiling_dbtp;
	struct eng_cal cal[ENG_NCAL];
	int ncal, cal_next;
	double tone_lufs[4];		/* each tone as synthesised, measured */
	int tone_measured[4];
	struct eng_limiter lim;		/* at out_rate, on every render */
	/* calibrating: eSpeak's audio is kept here, not pushed */
	int capturing, cap_failed;
	float *cap;
	size_t cap_n, cap_max;

	/* the render in progress */
	tts_pcm_fn fn;
	void *arg;
	int stopped;			/* the sink asked to stop */
	int discard;			/* tts_explain: audio not wanted */
	struct tts_params params;	/* what eng_configure set */
	float gain;			/* linear, on what is pushed now */
	int speech_gain_set;		/* gain is the speech's for params */
	const struct eng_cal *cal_in_use;	/* the speech gain's calibration */
	ebur128_state *heard;	/* this render's speech, as synthesised */
	size_t heard_frames;
	float in[1024];
	float out[4096];
	int16_t pcm[4096];
};

/* Feed frames at in_rate into the pipe, at eng->gain; returns -1 once the
 * sink stopped. */
int eng_push(struct tts_engine *eng, const int16_t *pcm, size_t frames);
/* Feed frames already at out_rate and at the target loudness (a voice
 * notice's recording) past the resampler and the speech gain, into the
 * limiter and the sink, scaled only by the notice's volume; -1 once the
 * sink stopped. */
int eng_push_out(struct tts_engine *eng, const int16_t *pcm, size_t frames);
int eng_silence(struct tts_engine *eng, int ms);
int eng_tone(struct tts_engine *eng, enum tts_tone tone);
/* Push what the resampler and the limiter still hold; call at the end of a
 * render. */
int eng_flush(struct tts_engine *eng);
/* Select voice and parameters in eSpeak NG. */
int eng_configure(struct tts_engine *eng, const struct tts_params *p,
    char *err, size_t errlen);
/* Speak UTF-8 text that is already normalised, at the speech gain. */
int eng_speak(struct tts_engine *eng, const char *text, char *err,
    size_t errlen);
/* Start a render: sink, fresh resampler and limiter state. */
void eng_begin(struct tts_engine *eng, tts_pcm_fn fn, void *arg);
/* Resolve defaults in p into out (voice, rate, ...); -1 if out of range. */
int eng_params(const struct tts_params *p, struct tts_params *out, char *err,
    size_t errlen);

/* loudness.c */
void loud_configure(struct tts_engine *eng, double lufs, double ceiling_dbtp);
/* The linear gains that bring a tone, or eSpeak's speech at p's voice,
 * rate and pitch (calibrated on first use: eSpeak synthesises), to their
 * level under the target. p's volume scales the speech about it. */
float loud_tone_gain(struct tts_engine *eng, enum tts_tone tone);
float loud_speech_gain(struct tts_engine *eng, const struct tts_params *p);
/* The speech gain as the render goes: the calibration's, drawn toward what
 * this render's own speech measures as more of it is heard. */
float loud_speech_gain_now(struct tts_engine *eng);
/* eSpeak's speech for the render, before any gain. */
void loud_heard(struct tts_engine *eng, const int16_t *pcm, size_t n);
void loud_begin(struct tts_engine *eng);
/* synth_cb while calibrating; -1 out of memory. */
int loud_capture(struct tts_engine *eng, const int16_t *pcm, size_t n);
void lim_init(struct eng_limiter *l, int rate, double ceiling_dbtp);
void lim_reset(struct eng_limiter *l);
/* In place; the output lags the input by lim_delay samples. */
void lim_process(struct eng_limiter *l, float *buf, size_t count);
int lim_delay(const struct eng_limiter *l);

#endif
