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

/* A rewrite by a rule: in code points of the input (after width folding),
 * out the n bytes it became (a pause mark it flushed not included). */
typedef void (*norm_span_fn)(const uint32_t *in, size_t nin, const char *out,
    size_t nout, void *arg);

struct norm {
	uint32_t *cp;
	size_t n;
	struct sbuf out;
	enum tts_dialect dialect;
	enum pause pending;
	bool after_number;	/* last thing emitted was a number (or its unit) */
	bool skip_percent;	/* range 10-20%: 百分之 already said */
	bool force_temp;	/* range -5~3℃: the start is a temperature */
	/* A formula (1+2=3, x≥60) runs up to formula_end: there - reads 减 and
	 * no date, range or score is looked for. formula_seen: scanned up to. */
	size_t formula_end, formula_seen;
	/* Told of each rewrite, for say --explain (NULL: nobody asks). */
	norm_span_fn span_fn;
	void *span_arg;
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

static inline int
digits_value(const struct norm *z, size_t i, size_t n)
{
	int v = 0;

	for (size_t k = 0; k < n && k < 9; k++)
		v = v * 10 + (int)(at(z, i + k) - '0');
	return v;
}

static inline bool
in_formula(const struct norm *z, size_t i)
{
	return i < z->formula_end;
}

/* Full stop, ! ? ; or a line break: where a sentence ends. */
static inline bool
is_sentence_end(uint32_t c)
{
	return c == 0x3002 || c == '.' || c == '!' || c == '?' || c == ';' ||
	    c == '\n' || c == '\r' || c == 0;
}

/* A number as written: [-]digits[,ddd...][.digits]. */
struct num {
	size_t start, end;	/* code points [start, end) incl. sign */
	bool neg;
	char ip[64];		/* integer digits, grouping commas removed */
	size_t ni;
	char fp[32];		/* fraction digits */
	size_t nf;
	bool grouped;		/* written with thousands separators */
};

struct unit {
	const char *text;
	const char *reading;
};

/* norm_number.c: read the number (or date, time, phone number, range) that
 * starts at i; returns where to go on. */
size_t norm_read_number(struct norm *z, size_t i);
/* Count the digits at i, copying up to cap of them into d. */
size_t norm_scan_digits(const struct norm *z, size_t i, char *d, size_t cap);
/* Parse a number at i into *nm (OUT); false if none or too long to hold. */
bool norm_parse_number(const struct norm *z, size_t i, struct num *nm);
/* Is a measure word, count word or unit next (through one space)? */
bool norm_count_follows(const struct norm *z, size_t i);
/* Is one of the words in list within back code points before i, in the
 * same sentence? */
bool norm_word_before(const struct norm *z, size_t i, size_t back,
    const char *const *list);

/* norm_date.c: dates (2026-11-23, 2008/08, 12/10前), clock times with
 * a.m./p.m., scores (3:1, 中国1-2). Each returns the end, or 0 (nothing
 * read, nothing emitted). */
size_t norm_try_date(struct norm *z, size_t i);
size_t norm_try_clock(struct norm *z, size_t i);
size_t norm_try_score(struct norm *z, size_t i);
/* Does a.m./p.m. (am, PM, ...) stand at i? *pm (OUT); returns its length. */
size_t norm_ampm_at(const struct norm *z, size_t i, bool *pm);

/* norm_unit.c: units after a number, money before or after one. */
const struct unit *norm_unit_at(const struct norm *z, size_t i, size_t *len);
/* ¥30, $1.5万, HK$200, RMB 100, €5: returns the end, or 0. */
size_t norm_read_money(struct norm *z, size_t i);

/* norm_latin.c: a run of Latin letters (a known word, else letter by
 * letter), and kana or hangul (a placeholder naming the language). */
size_t norm_read_latin(struct norm *z, size_t i);
bool norm_is_kana(uint32_t c);
bool norm_is_hangul(uint32_t c);
size_t norm_read_foreign(struct norm *z, size_t i);

/* normalize.c: tts_normalize, telling fn (may be NULL) of every rewrite
 * of what is not Hanzi. */
char *norm_traced(const char *text, size_t len, enum tts_dialect dialect,
    norm_span_fn fn, void *arg, char *err, size_t errlen);
/* normalize.c: math symbols; returns the end, or 0 if c is none here. */
size_t norm_read_math(struct norm *z, size_t i);

#endif
