/*
 * fuzz_normalize.c — libFuzzer target for the text normaliser and the
 * lexicon applied after it: any bytes in, either a clear refusal or a
 * valid UTF-8 string out, never a crash, overread or leak.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tts/tts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct tts_lexicon *lex;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];

	if (lex == NULL) {
		lex = tts_lexicon_new();
		tts_lexicon_add(lex, "重庆", "chong2 qing4", err, sizeof(err));
		tts_lexicon_add(lex, "一百", "yi4 bai3", err, sizeof(err));
	}
	for (int d = 0; d < 2; d++) {
		char *s = tts_normalize((const char *)data, size,
		    d ? TTS_CANTONESE : TTS_MANDARIN, err, sizeof(err));
		if (s == NULL) {
			if (err[0] == '\0')
				abort();	/* a refusal must say why */
			continue;
		}
		/* Output is never empty and never longer than a sane bound:
		 * each input code point yields at most a few dozen bytes. */
		size_t n = strlen(s);
		if (n == 0 || n > 64 * size + 64)
			abort();
		char *l = tts_lexicon_apply(lex, s);
		free(l);
		free(s);
	}
	return 0;
}
