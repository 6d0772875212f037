/*
 * fuzz_lexicon.c — libFuzzer target for the lexicon file
 * (tts_lexicon_parse, what tts_lexicon_load runs on the file's text): any
 * bytes in, entries or a refusal out. A refusal says why and adds
 * nothing; an accepted file gives the same lexicon (count and version)
 * however often it is loaded, and applying it keeps text valid UTF-8.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "tts/tts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct tts_lexicon *lex = tts_lexicon_new(), *again = tts_lexicon_new();
	char err[512] = "", v1[17], v2[17];

	if (lex == NULL || again == NULL)
		abort();
	/* A county's lexicon already holds entries when a file is added. */
	if (tts_lexicon_add(lex, "重庆", "chong2 qing4", err, sizeof(err)) != 0)
		abort();
	size_t n0 = tts_lexicon_count(lex);
	snprintf(v1, sizeof(v1), "%s", tts_lexicon_version(lex));
	if (tts_lexicon_parse(lex, text, size, "fuzz.lex", err,
	    sizeof(err)) != 0) {
		if (err[0] == '\0' || tts_lexicon_count(lex) != n0 ||
		    strcmp(tts_lexicon_version(lex), v1) != 0)
			abort();	/* a bad file adds nothing */
		goto out;
	}
	size_t n = tts_lexicon_count(lex), lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (n < n0 || n > n0 + lines)
		abort();	/* at most one entry a line */

	/* Loading the same file again changes nothing... */
	snprintf(v1, sizeof(v1), "%s", tts_lexicon_version(lex));
	if (tts_lexicon_parse(lex, text, size, "fuzz.lex", err,
	    sizeof(err)) != 0 || tts_lexicon_count(lex) != n ||
	    strcmp(tts_lexicon_version(lex), v1) != 0)
		abort();
	/* ...and the same entries give the same version, whatever was there
	 * before (the version keys the render cache). */
	tts_lexicon_add(again, "重庆", "chong2 qing4", err, sizeof(err));
	if (tts_lexicon_parse(again, text, size, "fuzz.lex", err,
	    sizeof(err)) != 0 || tts_lexicon_count(again) != n)
		abort();
	snprintf(v2, sizeof(v2), "%s", tts_lexicon_version(again));
	if (strcmp(v1, v2) != 0)
		abort();

	/* Applied to the file's own text (its words are in it), the result
	 * is still UTF-8. */
	if (g_utf8_validate(text, (gssize)size, NULL) &&
	    memchr(text, '\0', size) == NULL) {
		char *s = g_strndup(text, size);
		char *o = tts_lexicon_apply(lex, s);
		if (o == NULL || !g_utf8_validate(o, -1, NULL))
			abort();
		free(o);
		g_free(s);
	}
out:
	tts_lexicon_free(lex);
	tts_lexicon_free(again);
	return 0;
}
