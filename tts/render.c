/*
 * render.c — a notice as a village hears it: attention chime, title, body,
 * the body again after a short lead-in as many times as asked, closing
 * chime. Emergencies get the alert tone instead, always. All text is
 * prepared before the first sample so bad input fails without any audio.
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

	if (n == NULL || n->body == NULL) {
		snprintf(err, errlen, "a notice needs a body");
		return -1;
	}
	if (n->repeat < 1 || n->repeat > MAX_REPEAT) {
		snprintf(err, errlen, "repeat %d is out of range (1-%d)",
		    n->repeat, MAX_REPEAT);
		return -1;
	}
	if (eng_params(&n->params, &p, err, errlen) == -1)
		return -1;
	if (n->title && n->title[0]) {
		title = tts_spoken_text(n->title, strlen(n->title), p.voice,
		    eng->lex, err, errlen);
		if (title == NULL)
			return -1;
	}
	body = tts_spoken_text(n->body, strlen(n->body), p.voice, eng->lex,
	    err, errlen);
	if (body == NULL)
		goto out;
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
		if (speak_sentences(eng, body, p.sentence_pause_ms, err,
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
	/* Either the sink asked to stop (not an error) or eSpeak failed. */
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
