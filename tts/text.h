/*
 * text.h — tts/'s private text helpers: strict UTF-8 decoding and a growable
 * output buffer. Not part of the public API.
 */
#ifndef DALABA_TTS_TEXT_H
#define DALABA_TTS_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Growable NUL-terminated byte string. A failed allocation sets oom and
 * makes further appends no-ops, so callers check once at the end. */
struct sbuf {
	char *buf;
	size_t len, cap;
	int oom;
};

void sbuf_init(struct sbuf *sb);
void sbuf_free(struct sbuf *sb);
void sbuf_putn(struct sbuf *sb, const char *s, size_t n);
void sbuf_puts(struct sbuf *sb, const char *s);
void sbuf_putcp(struct sbuf *sb, uint32_t cp);	/* as UTF-8 */
/* Hand the string to the caller (malloc'd); NULL if an append failed. */
char *sbuf_take(struct sbuf *sb);

/* Pinyin put in place of a word (the lexicon, the polyphones): spaces on
 * both sides keep eSpeak from gluing it to a Hanzi. */
void sbuf_put_pinyin(struct sbuf *sb, const char *pinyin);
/* One character of text copied after pinyin: no space left before a mark
 * ("di4，", not "di4 ，"). c is its bytes, n of them. */
void sbuf_put_after_pinyin(struct sbuf *sb, const char *c, size_t n);
/* sbuf_take without trailing spaces. */
char *sbuf_take_trimmed(struct sbuf *sb);
/* Bytes of the UTF-8 character whose first byte is c (1 for a stray one). */
size_t utf8_lead_len(unsigned char c);

/*
 * Decode UTF-8 strictly (no overlongs, surrogates or values over U+10FFFF,
 * no NUL bytes). Returns a malloc'd array of code points and its length in
 * *n, or NULL with *bad_offset set to the offending byte (SIZE_MAX on OOM).
 */
uint32_t *utf8_decode(const char *s, size_t len, size_t *n, size_t *bad_offset);
/* Encode one code point; returns bytes written to out[4]. */
size_t utf8_encode(uint32_t cp, char out[4]);
/* Is s a valid UTF-8 string of len bytes? */
int utf8_valid(const char *s, size_t len);

#endif
