/*
 * output.c — where a speaker's audio goes: ALSA (the horn), a WAV file
 * (tests, recording), or nowhere (null). The agent paces writes by
 * presentation time itself; ALSA's own delay is reported so a frame is
 * written early by exactly what the device still holds.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <alsa/asoundlib.h>

#include "speakers/speaker.h"

enum out_kind { OUT_NULL, OUT_WAV, OUT_ALSA };

struct spk_output {
	enum out_kind kind;
	int rate;
	FILE *f;
	uint32_t frames;
	snd_pcm_t *pcm;
	uint64_t underruns;
};

static void
wav_header(FILE *f, int rate, uint32_t frames)
{
	uint8_t h[44];
	uint32_t data = frames * 2, v[] = { 36 + data, 16, (uint32_t)rate,
	    (uint32_t)rate * 2, data };

	memcpy(h, "RIFF", 4);
	memcpy(h + 8, "WAVEfmt ", 8);
	memcpy(h + 36, "data", 4);
	for (int i = 0; i < 4; i++) {
		h[4 + i] = (uint8_t)(v[0] >> (8 * i));
		h[16 + i] = (uint8_t)(v[1] >> (8 * i));
		h[24 + i] = (uint8_t)(v[2] >> (8 * i));
		h[28 + i] = (uint8_t)(v[3] >> (8 * i));
		h[40 + i] = (uint8_t)(v[4] >> (8 * i));
	}
	h[20] = 1; h[21] = 0;	/* PCM */
	h[22] = 1; h[23] = 0;	/* mono */
	h[32] = 2; h[33] = 0;
	h[34] = 16; h[35] = 0;
	fwrite(h, 1, sizeof(h), f);
}

struct spk_output *
spk_output_open(const char *spec, int rate, char *err, size_t errlen)
{
	struct spk_output *o = calloc(1, sizeof(*o));
	int e;

	if (o == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	o->rate = rate;
	if (strcmp(spec, "null") == 0) {
		o->kind = OUT_NULL;
	} else if (strncmp(spec, "wav:", 4) == 0) {
		o->kind = OUT_WAV;
		if ((o->f = fopen(spec + 4, "wb")) == NULL) {
			snprintf(err, errlen, "%s: %s", spec + 4, strerror(errno));
			goto fail;
		}
		wav_header(o->f, rate, 0);
	} else if (strncmp(spec, "alsa:", 5) == 0) {
		o->kind = OUT_ALSA;
		if ((e = snd_pcm_open(&o->pcm, spec + 5, SND_PCM_STREAM_PLAYBACK,
		    SND_PCM_NONBLOCK)) < 0) {
			snprintf(err, errlen, "ALSA device \"%s\": %s", spec + 5,
			    snd_strerror(e));
			goto fail;
		}
		/* 500 ms of device buffer: room for the agent's pacing. */
		if ((e = snd_pcm_set_params(o->pcm, SND_PCM_FORMAT_S16,
		    SND_PCM_ACCESS_RW_INTERLEAVED, 1, (unsigned)rate, 1,
		    500000)) < 0) {
			snprintf(err, errlen, "ALSA device \"%s\": %s", spec + 5,
			    snd_strerror(e));
			snd_pcm_close(o->pcm);
			goto fail;
		}
	} else {
		snprintf(err, errlen, "output \"%s\": use alsa:NAME, wav:PATH "
		    "or null", spec);
		goto fail;
	}
	return o;
fail:
	free(o);
	return NULL;
}

int
spk_output_write(struct spk_output *o, const int16_t *pcm, size_t frames)
{
	switch (o->kind) {
	case OUT_NULL:
		return 0;
	case OUT_WAV:
		if (fwrite(pcm, 2, frames, o->f) != frames)
			return -1;
		o->frames += (uint32_t)frames;
		return 0;
	case OUT_ALSA:
		while (frames > 0) {
			snd_pcm_sframes_t n = snd_pcm_writei(o->pcm, pcm, frames);
			if (n == -EAGAIN)
				return 0;	/* device full: drop, the clock rules */
			if (n < 0) {
				/* Underrun or suspend: recover and carry on. */
				o->underruns++;
				if (snd_pcm_recover(o->pcm, (int)n, 1) < 0)
					return -1;
				continue;
			}
			pcm += n;
			frames -= (size_t)n;
		}
		return 0;
	}
	return -1;
}

int64_t
spk_output_delay_us(struct spk_output *o)
{
	snd_pcm_sframes_t d;

	if (o->kind != OUT_ALSA || snd_pcm_delay(o->pcm, &d) < 0 || d < 0)
		return 0;
	return (int64_t)d * 1000000 / o->rate;
}

uint64_t
spk_output_underruns(const struct spk_output *o)
{
	return o->underruns;
}

void
spk_output_close(struct spk_output *o)
{
	if (o == NULL)
		return;
	if (o->kind == OUT_WAV) {
		fflush(o->f);
		rewind(o->f);
		wav_header(o->f, o->rate, o->frames);
		fclose(o->f);
	} else if (o->kind == OUT_ALSA) {
		snd_pcm_nonblock(o->pcm, 0);	/* drain must wait */
		snd_pcm_drain(o->pcm);
		snd_pcm_close(o->pcm);
	}
	free(o);
}
