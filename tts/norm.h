/*
 * norm.h — inside tts/: the normaliser's scanner state and the small helpers
 * both of its halves use: normalize.c (the scanner, letters, punctuation)
 * and norm_number.c (numbers read in their context).
 */
#ifndef DALABA_TTS_NORM_H
#define DALABA_TTS_NORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tts/text.h"
#include "tts/tts.h"

enum pause { PAUSE_NONE, PAUSE_SHORT, PAUSE_LONG };

struct norm {
	uint32_t *cp;
	size_t n;
	struct sbuf out;
	enum tts_dialect dialect;
	enum pause pending;
	bool after_number;	/* last thing emitted was a number (or its unit) */
	bool skip_percent;	/* range 10-20%: 百分之 already said */
	bool force_temp;	/* range -5~3℃: the start is a temperature */
};

/* ---- character classes ------------------------------------------------------ */

static inline bool
is_digit(uint32_t c)
{
	return c >= '0' && c <= '9';
}

static inline bool
is_latin(uint32_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static inline bool
is_hanzi(uint32_t c)
{
	return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
	    (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x2FFFF);
}

static inline bool
is_space(uint32_t c)
{
	return c == ' ' || c == '\t' || c == 0x3000 || c == 0xA0;
}

static inline bool
is_range_sep(uint32_t c)
{
	/* - ~ 〜 ‐ ‒ – — ― − */
	return c == '-' || c == '~' || c == 0x301C || c == 0x2010 ||
	    c == 0x2012 || c == 0x2013 || c == 0x2014 || c == 0x2015 ||
	    c == 0x2212;
}

static inline bool
is_minus(uint32_t c)
{
	return c == '-' || c == 0x2212;
}

static inline uint32_t
at(const struct norm *z, size_t i)
{
	return i < z->n ? z->cp[i] : 0;
}

/* Does the UTF-8 literal s occur at code point i? Returns its length in code
 * points, or 0. */
static inline size_t
match(const struct norm *z, size_t i, const char *s)
{
	size_t k = 0;
	const unsigned char *u = (const unsigned char *)s;

	while (*u) {
		uint32_t c;
		if (*u < 0x80) {
			c = *u++;
		} else if ((*u & 0xE0) == 0xC0) {
			c = ((uint32_t)(u[0] & 0x1F) << 6) | (u[1] & 0x3F);
			u += 2;
		} else if ((*u & 0xF0) == 0xE0) {
			c = ((uint32_t)(u[0] & 0x0F) << 12) |
			    ((uint32_t)(u[1] & 0x3F) << 6) | (u[2] & 0x3F);
			u += 3;
		} else {
			c = ((uint32_t)(u[0] & 0x07) << 18) |
			    ((uint32_t)(u[1] & 0x3F) << 12) |
			    ((uint32_t)(u[2] & 0x3F) << 6) | (u[3] & 0x3F);
			u += 4;
		}
		if (at(z, i + k) != c)
			return 0;
		k++;
	}
	return k;
}

static inline size_t
match_any(const struct norm *z, size_t i, const char *const *list)
{
	size_t best = 0;

	for (; *list; list++) {
		size_t m = match(z, i, *list);
		if (m > best)
			best = m;
	}
	return best;
}

/* ---- output ---------------------------------------------------------------------- */

static inline void
pause(struct norm *z, enum pause p)
{
	if (p > z->pending)
		z->pending = p;
	z->after_number = false;
}

static inline void
flush_pause(struct norm *z)
{
	if (z->pending != PAUSE_NONE && z->out.len > 0)
		sbuf_puts(&z->out, z->pending == PAUSE_LONG ? "。" : "，");
	z->pending = PAUSE_NONE;
}

static inline void
emit(struct norm *z, const char *s)
{
	flush_pause(z);
	sbuf_puts(&z->out, s);
}

static inline void
emit_cp(struct norm *z, uint32_t c)
{
	flush_pause(z);
	sbuf_putcp(&z->out, c);
}

/* Skip one ASCII space (as in "100 人"). */
static inline size_t
skip_space(const struct norm *z, size_t i)
{
	return at(z, i) == ' ' ? i + 1 : i;
}

/* norm_number.c: read the number (or date, time, phone number, range) that
 * starts at i; returns where to go on. */
size_t norm_read_number(struct norm *z, size_t i);
/* Count the digits at i, copying up to cap of them into d. */
size_t norm_scan_digits(const struct norm *z, size_t i, char *d, size_t cap);

#endif
