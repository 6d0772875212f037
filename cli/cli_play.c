/*
 * cli_play.c — `dalaba say` without -o plays on the sound card, so a cadre
 * can hear a reading at once. Blocking ALSA writes are right here: the CLI
 * has nothing else to do while it plays.
 */
#include <stdio.h>
#include <stdlib.h>

#include <alsa/asoundlib.h>

#include "cli/cli.h"

struct cli_player {
	snd_pcm_t *pcm;
};

struct cli_player *
cli_player_open(const char *device, int rate, char *err, size_t errlen)
{
	struct cli_player *p = calloc(1, sizeof(*p));
	int e;

	if (p == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if ((e = snd_pcm_open(&p->pcm, device, SND_PCM_STREAM_PLAYBACK, 0)) < 0) {
		snprintf(err, errlen, "cannot open sound device \"%s\": %s "
		    "(use -o FILE.ogg to write a file instead)", device,
		    snd_strerror(e));
		free(p);
		return NULL;
	}
	e = snd_pcm_set_params(p->pcm, SND_PCM_FORMAT_S16, SND_PCM_ACCESS_RW_INTERLEAVED,
	    1, (unsigned)rate, 1, 200000);
	if (e < 0) {
		snprintf(err, errlen, "sound device \"%s\": %s", device,
		    snd_strerror(e));
		snd_pcm_close(p->pcm);
		free(p);
		return NULL;
	}
	return p;
}

int
cli_player_write(const int16_t *pcm, size_t frames, void *arg)
{
	struct cli_player *p = arg;

	while (frames > 0) {
		snd_pcm_sframes_t n = snd_pcm_writei(p->pcm, pcm, frames);
		if (n < 0) {
			/* Underrun or suspend: recover and go on. */
			if (snd_pcm_recover(p->pcm, (int)n, 1) < 0)
				return 1;
			continue;
		}
		pcm += n;
		frames -= (size_t)n;
	}
	return 0;
}

int
cli_player_close(struct cli_player *p)
{
	if (p == NULL)
		return 0;
	snd_pcm_drain(p->pcm);
	snd_pcm_close(p->pcm);
	free(p);
	return 0;
}
