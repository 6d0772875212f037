/*
 * render.c — a notice as a village hears it: attention chime, title, body,
 * the body again after a short lead-in as many times as asked, closing
 * chime. Emergencies get the alert tone instead, always. A voice notice
 * has its recording where the title and body would be. All text is
 * prepared, and a recording found to decode, before the first sample, so
 * bad input fails without any audio.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <espeak-ng/speak_lib.h>

#include "tts/engine.h"

#define LEAD_SILENCE_MS 150
#define AFTER_CHIME_MS 500
#define AFTER_TITLE_MS 700
#define BEFORE_REPEAT_MS 1000
#define AFTER_LEAD_IN_MS 300
#define BEFORE_CLOSING_MS 600
#define TAIL_SILENCE_MS 200
#define MAX_REPEAT 10

/* The recording's audio into the pipe, at the output rate. */
static int
recording_fn(const int16_t *pcm, size_t frames, void *arg)
{
	return eng_push_out(arg, pcm, frames) == -1 ? 1 : 0;
}

static int
first_piece(const int16_t *pcm, size_t frames, void *arg)
{
	(void)pcm;
	*(size_t *)arg += frames;
	return 1;
}

/* Whether the recording opens and decodes, before any audio goes out. */
static int
recording_check(const char *path, char *err, size_t errlen)
{
	size_t got = 0;
	int rc = tts_recording_stream(path, first_piece, &got, err, errlen);

	if (rc == 0 && got == 0) {
		snprintf(err, errlen, "%s: the recording holds no audio", path);
		return -1;
	}
	return rc == -1 ? -1 : 0;
}

/* The recording once, through the pipe. -1 with err set if it fails
 * midway (eng->stopped tells a stop from a failure). */
static int
play_recording(struct tts_engine *eng, const char *path, char *err,
    size_t errlen)
{
	int rc = tts_recording_stream(path, recording_fn, eng, err, errlen);

	return rc == 0 ? 0 : -1;
}

static const char *
lead_in(enum tts_dialect d)
{
	return d == TTS_CANTONESE ? "再播一次。" : "再播一遍。";
}

/*
 * Speak normalised text one sentence at a time (split after 。) with our own
 * pause between sentences: the pause is then a setting, not eSpeak's guess.
 */
static int
speak_sentences(struct tts_engine *eng, const char *text, int pause_ms,
    char *err, size_t errlen)
{
	const char *p = text;
	char *buf = malloc(strlen(text) + 1);

	if (buf == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	while (*p) {
		const char *end = strstr(p, "。");
		size_t n = end ? (size_t)(end - p) + strlen("。") : strlen(p);
		memcpy(buf, p, n);
		buf[n] = '\0';
		p += n;
		if (eng_speak(eng, buf, err, errlen) == -1)
			goto fail;
		if (*p && eng_silence(eng, pause_ms) == -1)
			goto fail;
	}
	free(buf);
	return 0;
fail:
	free(buf);
	return -1;
}

int
tts_render(struct tts_engine *eng, const struct tts_notice *n, tts_pcm_fn fn,
    void *arg, char *err, size_t errlen)
{
	struct tts_params p;
	char *title = NULL, *body = NULL;
	int rc = -1;

	if (n == NULL || (n->body == NULL && n->recording == NULL)) {
		snprintf(err, errlen, "a notice needs a body or a recording");
		return -1;
	}
	if (n->repeat < 1 || n->repeat > MAX_REPEAT) {
		snprintf(err, errlen, "repeat %d is out of range (1-%d)",
		    n->repeat, MAX_REPEAT);
		return -1;
	}
	if (eng_params(&n->params, &p, err, errlen) == -1)
		return -1;
	if (n->recording != NULL) {
		/* The title and body are not heard, so not prepared. */
		if (recording_check(n->recording, err, errlen) == -1)
			return -1;
	} else {
		if (n->title && n->title[0]) {
			title = tts_spoken_text(n->title, strlen(n->title),
			    p.voice, eng->lex, err, errlen);
			if (title == NULL)
				return -1;
		}
		body = tts_spoken_text(n->body, strlen(n->body), p.voice,
		    eng->lex, err, errlen);
		if (body == NULL)
			goto out;
	}
	if (eng_configure(eng, &p, err, errlen) == -1)
		goto out;

	eng_begin(eng, fn, arg);
	if (eng_silence(eng, LEAD_SILENCE_MS) == -1)
		goto stopped;
	if (n->emergency || n->chime) {
		if (eng_tone(eng, n->emergency ? TTS_TONE_ALERT :
		    TTS_TONE_ATTENTION) == -1 ||
		    eng_silence(eng, AFTER_CHIME_MS) == -1)
			goto stopped;
	}
	if (title) {
		if (speak_sentences(eng, title, p.sentence_pause_ms, err,
		    errlen) == -1 || eng_silence(eng, AFTER_TITLE_MS) == -1)
			goto stopped;
	}
	for (int r = 0; r < n->repeat; r++) {
		if (r > 0) {
			if (eng_silence(eng, BEFORE_REPEAT_MS) == -1 ||
			    eng_speak(eng, lead_in(p.voice->dialect), err,
			    errlen) == -1 ||
			    eng_silence(eng, AFTER_LEAD_IN_MS) == -1)
				goto stopped;
		}
		if (n->recording != NULL) {
			if (play_recording(eng, n->recording, err, errlen) == -1)
				goto stopped;
		} else if (speak_sentences(eng, body, p.sentence_pause_ms, err,
		    errlen) == -1)
			goto stopped;
	}
	if (n->emergency || n->chime) {
		if (eng_silence(eng, BEFORE_CLOSING_MS) == -1 ||
		    eng_tone(eng, n->emergency ? TTS_TONE_ALERT_END :
		    TTS_TONE_CLOSING) == -1)
			goto stopped;
	}
	if (eng_silence(eng, TAIL_SILENCE_MS) == -1 || eng_flush(eng) == -1)
		goto stopped;
	rc = 0;
	goto out;
stopped:
	/* Either the sink asked to stop (not an error) or eSpeak or the
	 * recording's decoder failed. */
	rc = eng->stopped ? 1 : -1;
out:
	free(title);
	free(body);
	return rc;
}

int
tts_explain(struct tts_engine *eng, const char *text,
    const struct tts_params *pin, char **spoken, char **phonemes, char *err,
    size_t errlen)
{
	struct tts_params p;
	char *trace = NULL;
	size_t tlen = 0;
	FILE *mem;

	*spoken = *phonemes = NULL;
	if (eng_params(pin, &p, err, errlen) == -1)
		return -1;
	*spoken = tts_spoken_text(text, strlen(text), p.voice, eng->lex, err,
	    errlen);
	if (*spoken == NULL)
		return -1;
	if (eng_configure(eng, &p, err, errlen) == -1)
		goto fail;
	if ((mem = open_memstream(&trace, &tlen)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	eng_begin(eng, NULL, NULL);
	eng->discard = 1;
	espeak_SetPhonemeTrace(espeakPHONEMES_SHOW, mem);
	int rc = eng_speak(eng, *spoken, err, errlen);
	espeak_SetPhonemeTrace(0, NULL);
	eng->discard = 0;
	fclose(mem);
	if (rc == -1) {
		free(trace);
		goto fail;
	}
	*phonemes = trace;
	return 0;
fail:
	free(*spoken);
	*spoken = NULL;
	return -1;
}
