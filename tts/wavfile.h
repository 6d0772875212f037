/* wavfile.h — inside tts/: reading back the WAV files we write (cache hits),
 * with the header layout of broadcaster/wav.c. */
#ifndef DALABA_TTS_WAVFILE_H
#define DALABA_TTS_WAVFILE_H

#include <stdint.h>
#include <stdio.h>

/* Check f holds mono 16-bit PCM and position it at the data. Returns 0 and
 * fills *rate and *frames, or -1 if the file is not one of ours. */
int wav_read_header(FILE *f, int *rate, uint32_t *frames);

#endif
