/*
 * polyphone.h — inside tts/: the built-in readings of polyphonic words
 * (polyphone.c), applied to normalised Mandarin text after the lexicon.
 */
#ifndef DALABA_TTS_POLYPHONE_H
#define DALABA_TTS_POLYPHONE_H

#include <stddef.h>

/* text with each known word replaced by its pinyin; malloc'd, NULL only
 * on out of memory. */
char *tts_polyphone_apply(const char *text);
/* 16 hex digits that change whenever the table does (part of cache keys). */
const char *tts_polyphone_version(void);
size_t tts_polyphone_count(void);
/* Entry i (0 <= i < count, in sorted order): its word, and its pinyin in
 * *pinyin. Both static. */
const char *tts_polyphone_entry(size_t i, const char **pinyin);

#endif
