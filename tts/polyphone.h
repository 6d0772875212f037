/*
 * polyphone.h — inside tts/: dalaba's built-in readings, applied to
 * normalised Mandarin text after the county's lexicon: the polyphonic
 * words of notices (polyphone.c), the default lexicon of place names and
 * village words (deflex.c) and the phrase dictionary (phrasebook.c),
 * matched as one table (the first two win a tie).
 */
#ifndef DALABA_TTS_POLYPHONE_H
#define DALABA_TTS_POLYPHONE_H

#include <stddef.h>

enum poly_source {
	POLY_WORDS,		/* polyphone.c: 村长 cun1 zhang3 */
	POLY_DEFAULT_LEXICON,	/* deflex.c: 蚌埠 beng4 bu4 */
	POLY_PHRASEBOOK,	/* phrasebook.c: 重要 zhong4 yao4 */
	POLY_RULE,		/* polyphone.c's rules: 时间为 wei2 */
};

struct poly {
	const char *word, *pinyin;
};

/* deflex.c */
extern const struct poly tts_deflex[];
extern const size_t tts_deflex_count;

/* The phrase dictionary's entry for exactly the wl bytes at s (1-8 Hanzi):
 * 1, with its frequency and its pinyin (NULL: read by its characters), or
 * 0. The frequencies' sum is tts_phrasebook_total: 0 when the dictionary
 * is not in use. */
int tts_phrasebook_find(const char *s, size_t wl, unsigned long *freq,
    const char **pinyin);
double tts_phrasebook_total(void);

/* text with each known word replaced by its pinyin; malloc'd, NULL only
 * on out of memory. */
char *tts_polyphone_apply(const char *text);
/*
 * The same match, piece by piece, in order: fn gets each matched word
 * (n bytes at s) with its pinyin and table, and every other character
 * with pinyin NULL. tts_polyphone_apply is this walk writing the pinyin.
 */
typedef void (*poly_walk_fn)(const char *s, size_t n, const char *pinyin,
    enum poly_source source, void *arg);
void tts_polyphone_walk(const char *text, poly_walk_fn fn, void *arg);
/* 16 hex digits that change whenever the tables or the phrase dictionary
 * do (part of cache keys). */
const char *tts_polyphone_version(void);
/* Words in dalaba's own two tables (not the phrase dictionary). */
size_t tts_polyphone_count(void);
/* Entry i (0 <= i < count, sorted by word): its word, and its pinyin in
 * *pinyin and table in *source (may be NULL). All static. */
const char *tts_polyphone_entry(size_t i, const char **pinyin,
    enum poly_source *source);

#endif
