/*
 * wav.c — the one WAV layout dalaba writes and reads: a canonical 44-byte
 * header over mono 16-bit PCM. It lives in the broadcaster, the lowest
 * module that tts/ (renders, the cache), speakers/ (wav: outputs) and
 * dalaba-broadcast (--wav) can all link: the speaker agent must not link
 * tts/, which brings eSpeak NG.
 */
#include <assert.h>
#include <string.h>

#include "broadcaster/broadcaster.h"

static void
put_le(uint8_t *p, uint32_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t
get_le(const uint8_t *p, int bytes)
{
	uint32_t v = 0;

	for (int i = bytes - 1; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

void
bcast_wav_header(uint8_t h[BCAST_WAV_HEADER_LEN], int rate, uint32_t frames)
{
	uint32_t data = frames * 2;

	assert(rate > 0 && frames <= (UINT32_MAX - 36) / 2);
	memcpy(h, "RIFF", 4);
	put_le(h + 4, 36 + data, 4);
	memcpy(h + 8, "WAVEfmt ", 8);
	put_le(h + 16, 16, 4);			/* fmt chunk length */
	put_le(h + 20, 1, 2);			/* PCM */
	put_le(h + 22, 1, 2);			/* mono */
	put_le(h + 24, (uint32_t)rate, 4);
	put_le(h + 28, (uint32_t)rate * 2, 4);	/* bytes a second */
	put_le(h + 32, 2, 2);			/* bytes a frame */
	put_le(h + 34, 16, 2);			/* bits a sample */
	memcpy(h + 36, "data", 4);
	put_le(h + 40, data, 4);
}

int
bcast_wav_parse(const uint8_t h[BCAST_WAV_HEADER_LEN], int *rate,
    uint32_t *frames)
{
	if (memcmp(h, "RIFF", 4) != 0 || memcmp(h + 8, "WAVEfmt ", 8) != 0 ||
	    get_le(h + 16, 4) != 16 || get_le(h + 20, 2) != 1 ||
	    get_le(h + 22, 2) != 1 || get_le(h + 34, 2) != 16 ||
	    memcmp(h + 36, "data", 4) != 0)
		return -1;
	*rate = (int)get_le(h + 24, 4);
	*frames = get_le(h + 40, 4) / 2;
	return 0;
}
