/*
 * engine.c — eSpeak NG behind a small interface. eSpeak runs synchronously
 * on the caller's thread and hands audio to a callback every few tens of
 * milliseconds; we resample each piece and pass it straight on, which is
 * what lets an emergency page start playing while its text is still being
 * synthesised. Every piece goes through the same gain and limiter
 * (loudness.c) on its way, so nothing has to wait for the end to be
 * brought to the target loudness.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ebur128.h>
#include <espeak-ng/speak_lib.h>

#include "tts/engine.h"

#define ESPEAK_BUF_MS 40		/* size of the pieces eSpeak hands over */
#define RESAMPLE_QUALITY 6		/* speexdsp 0..10; 6 is transparent for speech */
/* eSpeak NG's own volume, whatever the notice's: at its default of 100
 * its Mandarin already clips at full scale (measured: sample peaks at
 * 0 dBFS, true peaks above). At 50 it never does; our gain, in floats,
 * then brings it to the target and the limiter keeps the peaks. */
#define ESPEAK_VOLUME 50

/* eSpeak NG is one per process, and once: 1.51 deadlocks in espeak_Terminate
 * after a second espeak_Initialize (seen in bench/tts), so an engine can be
 * made once per process lifetime. */
static int engine_made;

static int
synth_cb(short *wav, int n, espeak_EVENT *ev)
{
	struct tts_engine *eng = ev ? ev->user_data : NULL;

	if (eng == NULL || wav == NULL || n <= 0)
		return 0;
	if (eng->capturing)
		return loud_capture(eng, wav, (size_t)n) == -1 ? 1 : 0;
	if (eng->discard)
		return 0;
	loud_heard(eng, wav, (size_t)n);
	return eng_push(eng, wav, (size_t)n) == -1 ? 1 : 0;
}

struct tts_engine *
tts_engine_new(int out_rate, char *err, size_t errlen)
{
	struct tts_engine *eng = NULL;
	int rate, rerr;

	if (engine_made) {
		snprintf(err, errlen, "eSpeak NG can be started once per "
		    "process, and it already was");
		return NULL;
	}
	if (out_rate < 8000 || out_rate > 192000) {
		snprintf(err, errlen, "output rate %d Hz is out of range",
		    out_rate);
		return NULL;
	}
	rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, ESPEAK_BUF_MS, NULL,
	    espeakINITIALIZE_DONT_EXIT);
	if (rate <= 0) {
		snprintf(err, errlen, "eSpeak NG failed to start (is "
		    "espeak-ng-data installed?)");
		return NULL;
	}
	if ((eng = calloc(1, sizeof(*eng))) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto err;
	}
	eng->in_rate = rate;
	eng->out_rate = out_rate;
	if (rate != out_rate) {
		eng->rs = speex_resampler_init(1, (spx_uint32_t)rate,
		    (spx_uint32_t)out_rate, RESAMPLE_QUALITY, &rerr);
		if (eng->rs == NULL) {
			snprintf(err, errlen, "resampler: %s",
			    speex_resampler_strerror(rerr));
			goto err;
		}
	}
	loud_configure(eng, TTS_DEFAULT_LOUDNESS_LUFS, TTS_DEFAULT_TRUE_PEAK_DBTP);
	espeak_SetSynthCallback(synth_cb);
	if (espeak_SetVoiceByName(tts_voice_default()->espeak_name) !=
	    EE_OK) {
		snprintf(err, errlen, "eSpeak NG has no voice \"%s\"",
		    tts_voice_default()->espeak_name);
		goto err;
	}
	engine_made = 1;
	return eng;
err:
	if (eng && eng->rs)
		speex_resampler_destroy(eng->rs);
	free(eng);
	engine_made = 1;	/* eSpeak was initialised: no second try */
	espeak_Terminate();
	return NULL;
}

void
tts_engine_free(struct tts_engine *eng)
{
	if (eng == NULL)
		return;
	if (eng->rs)
		speex_resampler_destroy(eng->rs);
	free(eng->cap);
	if (eng->heard)
		ebur128_destroy(&eng->heard);
	free(eng);
	espeak_Terminate();
}

void
tts_engine_set_lexicon(struct tts_engine *eng, const struct tts_lexicon *lex)
{
	eng->lex = lex;
}

void
eng_begin(struct tts_engine *eng, tts_pcm_fn fn, void *arg)
{
	eng->fn = fn;
	eng->arg = arg;
	eng->stopped = 0;
	eng->discard = 0;
	eng->gain = 1;
	eng->speech_gain_set = 0;
	eng->rs_pending = 0;
	if (eng->rs)
		speex_resampler_reset_mem(eng->rs);
	lim_reset(&eng->lim);
	loud_begin(eng);
}

static int
deliver(struct tts_engine *eng, const int16_t *pcm, size_t frames)
{
	if (eng->stopped)
		return -1;
	if (frames > 0 && eng->fn(pcm, frames, eng->arg) != 0) {
		eng->stopped = 1;
		return -1;
	}
	return 0;
}

/* The pipe's last stage, at out_rate: limit, round to 16 bits, hand on. */
static int
emit(struct tts_engine *eng, float *buf, size_t frames)
{
	lim_process(&eng->lim, buf, frames);
	for (size_t i = 0; i < frames; i++) {
		float v = buf[i] * 32768.0f;
		eng->pcm[i] = v >= 32767 ? 32767 : v <= -32768 ? -32768 :
		    (int16_t)lrintf(v);
	}
	return deliver(eng, eng->pcm, frames);
}

int
eng_push(struct tts_engine *eng, const int16_t *pcm, size_t frames)
{
	const size_t cap = sizeof(eng->in) / sizeof(eng->in[0]);
	const float k = eng->gain / 32768.0f;

	if (eng->stopped)
		return -1;
	while (frames > 0) {
		size_t n = frames < cap ? frames : cap;
		for (size_t i = 0; i < n; i++)
			eng->in[i] = pcm[i] * k;
		pcm += n;
		frames -= n;
		eng->rs_pending = eng->rs != NULL;
		if (eng->rs == NULL) {
			if (emit(eng, eng->in, n) == -1)
				return -1;
			continue;
		}
		const float *in = eng->in;
		while (n > 0) {
			spx_uint32_t in_len = (spx_uint32_t)n;
			spx_uint32_t out_len = sizeof(eng->out) / sizeof(eng->out[0]);
			speex_resampler_process_float(eng->rs, 0, in, &in_len,
			    eng->out, &out_len);
			if (emit(eng, eng->out, out_len) == -1)
				return -1;
			in += in_len;
			n -= in_len;
			if (in_len == 0 && out_len == 0)
				break;	/* cannot happen with a sane buffer; never spin */
		}
	}
	return 0;
}

int
eng_silence(struct tts_engine *eng, int ms)
{
	static const int16_t zero[1024];
	size_t frames = (size_t)eng->in_rate * (size_t)ms / 1000;

	while (frames > 0) {
		size_t n = frames < 1024 ? frames : 1024;
		if (eng_push(eng, zero, n) == -1)
			return -1;
		frames -= n;
	}
	return 0;
}

int
eng_tone(struct tts_engine *eng, enum tts_tone tone)
{
	int16_t buf[1024];
	size_t total = tts_tone_frames(tone, eng->in_rate);

	eng->gain = loud_tone_gain(eng, tone);
	eng->speech_gain_set = 0;

	for (size_t at = 0; at < total; at += 1024) {
		size_t n = total - at < 1024 ? total - at : 1024;
		tts_tone_render(tone, eng->in_rate, at, n, buf);
		if (eng_push(eng, buf, n) == -1)
			return -1;
	}
	return 0;
}

/* Push what the resampler holds out to the limiter. */
static int
drain_resampler(struct tts_engine *eng)
{
	if (eng->rs != NULL && eng->rs_pending) {
		/* Zeros for the filter's delay line push the last samples out. */
		int lat = speex_resampler_get_input_latency(eng->rs);
		int16_t zero[256] = { 0 };
		while (lat > 0) {
			size_t n = lat < 256 ? (size_t)lat : 256;
			if (eng_push(eng, zero, n) == -1)
				return -1;
			lat -= (int)n;
		}
	}
	eng->rs_pending = 0;
	return 0;
}

int
eng_push_out(struct tts_engine *eng, const int16_t *pcm, size_t frames)
{
	const size_t cap = sizeof(eng->out) / sizeof(eng->out[0]);
	const float k = eng->params.volume / 100.0f / 32768.0f;

	if (eng->stopped)
		return -1;
	/* What came before at eSpeak's rate (the pause after the chime or
	 * the lead-in) must reach the sink before this does. The zeros
	 * left in the resampler delay what follows by its latency, a few
	 * milliseconds of a pause. */
	if (drain_resampler(eng) == -1)
		return -1;
	while (frames > 0) {
		size_t n = frames < cap ? frames : cap;
		for (size_t i = 0; i < n; i++)
			eng->out[i] = pcm[i] * k;
		if (emit(eng, eng->out, n) == -1)
			return -1;
		pcm += n;
		frames -= n;
	}
	return 0;
}

int
eng_flush(struct tts_engine *eng)
{
	if (drain_resampler(eng) == -1)
		return -1;
	/* And the limiter's look-ahead, at the output rate. */
	size_t left = (size_t)lim_delay(&eng->lim);
	while (left > 0) {
		size_t n = left < 1024 ? left : 1024;
		memset(eng->out, 0, n * sizeof(eng->out[0]));
		if (emit(eng, eng->out, n) == -1)
			return -1;
		left -= n;
	}
	return 0;
}

int
eng_params(const struct tts_params *p, struct tts_params *out, char *err,
    size_t errlen)
{
	tts_params_default(out);
	if (p == NULL)
		return 0;
	if (p->voice)
		out->voice = p->voice;
	if (p->rate != 0)
		out->rate = p->rate;
	if (p->pitch >= 0)
		out->pitch = p->pitch;
	if (p->volume >= 0)
		out->volume = p->volume;
	if (p->sentence_pause_ms >= 0)
		out->sentence_pause_ms = p->sentence_pause_ms;
	if (out->rate < espeakRATE_MINIMUM || out->rate > espeakRATE_MAXIMUM) {
		snprintf(err, errlen, "rate %d is out of range (%d-%d words "
		    "a minute)", out->rate, espeakRATE_MINIMUM,
		    espeakRATE_MAXIMUM);
		return -1;
	}
	if (out->pitch > 100) {
		snprintf(err, errlen, "pitch %d is out of range (0-100)",
		    out->pitch);
		return -1;
	}
	if (out->volume > 200) {
		snprintf(err, errlen, "volume %d is out of range (0-200)",
		    out->volume);
		return -1;
	}
	if (out->sentence_pause_ms > 5000) {
		snprintf(err, errlen, "sentence pause %d ms is out of range "
		    "(0-5000)", out->sentence_pause_ms);
		return -1;
	}
	return 0;
}

void
tts_params_default(struct tts_params *p)
{
	p->voice = tts_voice_default();
	p->rate = TTS_DEFAULT_RATE;
	p->pitch = TTS_DEFAULT_PITCH;
	p->volume = TTS_DEFAULT_VOLUME;
	p->sentence_pause_ms = TTS_DEFAULT_SENTENCE_PAUSE_MS;
}

int
eng_configure(struct tts_engine *eng, const struct tts_params *p, char *err,
    size_t errlen)
{
	if (espeak_SetVoiceByName(p->voice->espeak_name) != EE_OK) {
		snprintf(err, errlen, "eSpeak NG has no voice \"%s\"",
		    p->voice->espeak_name);
		return -1;
	}
	espeak_SetParameter(espeakRATE, p->rate, 0);
	espeak_SetParameter(espeakPITCH, p->pitch, 0);
	espeak_SetParameter(espeakVOLUME, ESPEAK_VOLUME, 0);
	eng->params = *p;
	eng->speech_gain_set = 0;
	return 0;
}

int
eng_speak(struct tts_engine *eng, const char *text, char *err, size_t errlen)
{
	espeak_ERROR e;

	if (eng->stopped)
		return -1;
	if (!eng->discard && !eng->speech_gain_set) {
		/* After whatever came before (a page's alert tone has gone
		 * to the sink already): a first calibration, tenths of a
		 * second of eSpeak, delays no first audio. */
		eng->gain = loud_speech_gain(eng, &eng->params);
		eng->speech_gain_set = 1;
	} else if (!eng->discard) {
		/* Between sentences, in their pause: no step is heard. */
		eng->gain = loud_speech_gain_now(eng);
	}
	e = espeak_Synth(text, strlen(text) + 1, 0, POS_CHARACTER, 0,
	    espeakCHARS_UTF8, NULL, eng);
	if (eng->stopped) {
		/* An aborted synthesis leaves eSpeak mid-utterance; Cancel is
		 * its documented way back to "ready for a new message". */
		espeak_Cancel();
		return -1;
	}
	if (e != EE_OK) {
		snprintf(err, errlen, "eSpeak NG synthesis failed (%d)", (int)e);
		return -1;
	}
	return 0;
}
