/*
 * fuzz_recording.c — libFuzzer target for a cadre's upload
 * (tts_recording_import): any bytes in, an archive or a refusal out. A
 * refusal names a known reason, says why and leaves nothing at the path
 * (nor a .new); an archive is there whole, no longer than what was decoded
 * nor than the limit, and plays back through tts_recording_stream.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tts/tts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}

static int
count(const int16_t *pcm, size_t frames, void *arg)
{
	(void)pcm;
	*(size_t *)arg += frames;
	return frames > 2048;	/* the pieces are at most 2048 frames */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tts_recording_limits lim;
	struct tts_recording_info info;
	char path[64], tmp[80], err[256] = "";

	snprintf(path, sizeof(path), "/tmp/fuzz_recording.%ld.ogg",
	    (long)getpid());
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	unlink(path);
	tts_recording_limits_default(&lim);
	/* Short bounds keep each input quick; the logic is the same. */
	lim.max_seconds = 30;
	lim.max_wall_ms = 5000;
	enum tts_recording_error e = tts_recording_import(data, size, &lim,
	    path, "fuzz", &info, err, sizeof(err));
	if (exists(tmp))
		abort();	/* never a half-written archive */
	if (e != TTS_REC_OK) {
		if (e > TTS_REC_IO || err[0] == '\0' || exists(path) ||
		    tts_recording_error_zh(e)[0] == '\0')
			abort();
		return 0;
	}
	if (!exists(path) || info.seconds <= 0 ||
	    info.seconds > info.in_seconds + 0.01 ||
	    info.in_seconds > lim.max_seconds + 1)
		abort();
	size_t frames = 0;
	if (tts_recording_stream(path, count, &frames, err, sizeof(err)) != 0 ||
	    frames == 0)
		abort();
	unlink(path);
	return 0;
}
