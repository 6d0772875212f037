/*
 * output.c — where a speaker's audio goes: ALSA (the horn), a WAV file
 * (tests, recording), nowhere (null), or a simulated sound card that plays
 * in real time on a crystal of its own (sim:PPM, tests; output_sim.c). The agent paces writes by
 * presentation time itself; ALSA's own delay is reported so a frame is
 * written early by exactly what the device still holds. `dalaba say` plays
 * through the same code, waiting on the device instead (SPK_OUTPUT_WAIT).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <alsa/asoundlib.h>

#include "speakers/output_sim.h"
#include "speakers/speaker.h"

enum out_kind { OUT_NULL, OUT_WAV, OUT_ALSA, OUT_SIM };

#define WAV_SYNC_US 1000000	/* a running file's header lags by at most this */

struct spk_output {
	enum out_kind kind;
	int rate;
	FILE *f;
	uint32_t frames;	/* handed to f */
	uint32_t frames_hdr;	/* what the header in the file says */
	int64_t hdr_at_us;	/* when that header was written */
	snd_pcm_t *pcm;
	int alsa_clocked;	/* it has shown a delay: it plays in real time */
	uint64_t underruns;
	struct sim_card sim;
};

/* Rewrite the header in place with the sizes of what was written. The data
 * is flushed first, so a reader of the growing file (sox, the tests) never
 * finds a header that claims bytes the file does not hold yet; the header
 * goes in one pwrite, which leaves stdio's position alone. */
static int
wav_sync(struct spk_output *o, int64_t now_us)
{
	uint8_t h[BCAST_WAV_HEADER_LEN];

	o->hdr_at_us = now_us;
	if (fflush(o->f) != 0)
		return -1;
	bcast_wav_header(h, o->rate, o->frames);
	if (pwrite(fileno(o->f), h, sizeof(h), 0) != (ssize_t)sizeof(h))
		return -1;
	o->frames_hdr = o->frames;
	return 0;
}

struct spk_output *
spk_output_open(const char *spec, int rate, unsigned flags, char *err,
    size_t errlen)
{
	struct spk_output *o = calloc(1, sizeof(*o));
	bool blocking = (flags & SPK_OUTPUT_WAIT) != 0;
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
		if ((o->f = fopen(spec + 4, "wbe")) == NULL) {
			snprintf(err, errlen, "%s: %s", spec + 4, strerror(errno));
			goto fail;
		}
		uint8_t h[BCAST_WAV_HEADER_LEN];
		bcast_wav_header(h, rate, 0);
		if (fwrite(h, 1, sizeof(h), o->f) != sizeof(h)) {
			snprintf(err, errlen, "%s: %s", spec + 4, strerror(errno));
			fclose(o->f);
			goto fail;
		}
	} else if (strncmp(spec, "alsa:", 5) == 0) {
		o->kind = OUT_ALSA;
		if ((e = snd_pcm_open(&o->pcm, spec + 5, SND_PCM_STREAM_PLAYBACK,
		    blocking ? 0 : SND_PCM_NONBLOCK)) < 0) {
			snprintf(err, errlen, "ALSA device \"%s\": %s", spec + 5,
			    snd_strerror(e));
			goto fail;
		}
		/* 500 ms of device buffer: room for the agent's pacing. A
		 * player that waits on the device needs only enough to ride
		 * over a scheduling hiccup, and starts and drains sooner. */
		if ((e = snd_pcm_set_params(o->pcm, SND_PCM_FORMAT_S16,
		    SND_PCM_ACCESS_RW_INTERLEAVED, 1, (unsigned)rate, 1,
		    blocking ? 200000 : 500000)) < 0) {
			snprintf(err, errlen, "ALSA device \"%s\": %s", spec + 5,
			    snd_strerror(e));
			snd_pcm_close(o->pcm);
			goto fail;
		}
	} else if (strncmp(spec, "sim:", 4) == 0) {
		char *end;
		double ppm = strtod(spec + 4, &end);
		if (end == spec + 4 || *end != '\0' || !(ppm >= -SIM_CARD_MAX_PPM &&
		    ppm <= SIM_CARD_MAX_PPM)) {
			snprintf(err, errlen, "output \"%s\": sim:PPM takes the "
			    "card's rate error, within %.0f ppm", spec,
			    SIM_CARD_MAX_PPM);
			goto fail;
		}
		o->kind = OUT_SIM;
		sim_card_init(&o->sim, rate, ppm);
	} else {
		snprintf(err, errlen, "output \"%s\": use alsa:NAME, wav:PATH, "
		    "null or sim:PPM", spec);
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
	case OUT_SIM:	/* full: the rest is dropped, as ALSA's below */
		(void)sim_card_write(&o->sim, frames, bcast_mono_now_us());
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

	if (o->kind == OUT_SIM)
		return (int64_t)sim_card_held(&o->sim, bcast_mono_now_us()) *
		    1000000 / o->rate;
	if (o->kind != OUT_ALSA || snd_pcm_delay(o->pcm, &d) < 0 || d < 0)
		return 0;
	if (d > 0)
		o->alsa_clocked = 1;
	return (int64_t)d * 1000000 / o->rate;
}

int
spk_output_clocked(const struct spk_output *o)
{
	return o->kind == OUT_SIM || (o->kind == OUT_ALSA && o->alsa_clocked);
}

int64_t
spk_output_heard_machine_us(struct spk_output *o)
{
	int64_t now = bcast_mono_now_us();

	if (o->kind == OUT_SIM)
		return sim_card_next_heard(&o->sim, now);
	return now + spk_output_delay_us(o);
}

uint64_t
spk_output_underruns(const struct spk_output *o)
{
	return o->kind == OUT_SIM ? o->sim.underruns : o->underruns;
}

int
spk_output_sync(struct spk_output *o, int64_t now_us)
{
	/* Once a second at most: a header rewrite is a flush and a write,
	 * cheap, but not for every 60 ms frame on a slow board's SD card. */
	if (o->kind != OUT_WAV || o->frames == o->frames_hdr ||
	    now_us - o->hdr_at_us < WAV_SYNC_US)
		return 0;
	return wav_sync(o, now_us);
}

void
spk_output_close(struct spk_output *o)
{
	if (o == NULL)
		return;
	if (o->kind == OUT_WAV) {
		(void)wav_sync(o, 0);	/* nobody is left to tell if it fails */
		fclose(o->f);
	} else if (o->kind == OUT_ALSA) {
		snd_pcm_nonblock(o->pcm, 0);	/* drain must wait */
		snd_pcm_drain(o->pcm);
		snd_pcm_close(o->pcm);
	}
	free(o);
}
