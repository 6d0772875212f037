/*
 * engine.h — inside tts/: the eSpeak NG engine and the audio pipe every
 * render flows through (eSpeak's rate → speexdsp → the sink's rate).
 */
#ifndef DALABA_TTS_ENGINE_H
#define DALABA_TTS_ENGINE_H

#include <speex/speex_resampler.h>

#include "tts/tts.h"

struct tts_engine {
	int in_rate;			/* eSpeak NG's own rate (22050) */
	int out_rate;
	SpeexResamplerState *rs;	/* NULL when the rates agree */
	const struct tts_lexicon *lex;

	/* the render in progress */
	tts_pcm_fn fn;
	void *arg;
	int stopped;			/* the sink asked to stop */
	int discard;			/* tts_explain: audio not wanted */
	int16_t out[4096];
};

/* Feed frames at in_rate into the pipe; returns -1 once the sink stopped. */
int eng_push(struct tts_engine *eng, const int16_t *pcm, size_t frames);
int eng_silence(struct tts_engine *eng, int ms);
int eng_tone(struct tts_engine *eng, enum tts_tone tone);
/* Push what the resampler still holds; call at the end of a render. */
int eng_flush(struct tts_engine *eng);
/* Select voice and parameters in eSpeak NG. */
int eng_configure(struct tts_engine *eng, const struct tts_params *p,
    char *err, size_t errlen);
/* Speak UTF-8 text that is already normalised. */
int eng_speak(struct tts_engine *eng, const char *text, char *err,
    size_t errlen);
/* Start a render: sink, fresh resampler state. */
void eng_begin(struct tts_engine *eng, tts_pcm_fn fn, void *arg);
/* Resolve defaults in p into out (voice, rate, ...); -1 if out of range. */
int eng_params(const struct tts_params *p, struct tts_params *out, char *err,
    size_t errlen);

#endif
