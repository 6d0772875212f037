/*
 * recording.h — inside tts/: FFmpeg's decoder behind one call (recording_
 * decode.c), shared by the import (recording.c), the archive's playback
 * and the render of a voice notice (render.c).
 */
#ifndef DALABA_TTS_RECORDING_H
#define DALABA_TTS_RECORDING_H

#include <stdio.h>

#include "tts/tts.h"

/* Where the bytes come from: memory (an upload) or an open file (an
 * archive). Exactly one of data and f is set. */
struct rec_source {
	const unsigned char *data;
	size_t len;
	FILE *f;
};

struct rec_bounds {
	int max_seconds;	/* of decoded audio; 0: none */
	int max_wall_ms;	/* 0: none (playback paces itself) */
	const atomic_int *cancel;	/* NULL, or set: stop (as a timeout) */
};

/* Decoded audio: mono floats at TTS_OUTPUT_RATE, 1.0 full scale. Return
 * non-zero to stop the decode (rec_decode then returns TTS_REC_OK with
 * *stopped set). */
typedef int (*rec_sink_fn)(const float *x, size_t n, void *arg);

/*
 * Decode src: probe it among the formats allowed, take its best audio
 * stream, decode it with the codecs allowed, mix to mono and resample,
 * handing the audio to fn as it comes. info (may be NULL) gets the format,
 * codec, input rate and channels. Returns TTS_REC_OK or why not, err set.
 */
enum tts_recording_error rec_decode(const struct rec_source *src,
    const struct rec_bounds *b, rec_sink_fn fn, void *arg, int *stopped,
    struct tts_recording_info *info, char *err, size_t errlen);

#endif
