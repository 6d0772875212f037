/*
 * lexicon.c — pronunciation overrides for what eSpeak NG reads wrong:
 * village and people's names, 多音字 (重庆 chong2 qing4, 银行 yin2 hang2).
 * The Mandarin voice reads pinyin with tone digits natively, so an override
 * is a plain substitution in the text, longest word first.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "tts/norm.h"
#include "tts/polyphone.h"
#include "tts/text.h"
#include "tts/tts.h"

#define LEX_MAX_WORD 64		/* bytes */
#define LEX_MAX_PINYIN 256	/* bytes */
#define LEX_MAX_ENTRIES 100000
#define LEX_MAX_LINE 1022	/* bytes before the newline */
#define LEX_MAX_FILE (16 * 1024 * 1024)

struct lex_entry {
	char *word;
	char *pinyin;
	size_t wlen;
};

struct tts_lexicon {
	struct lex_entry *e;
	size_t n, cap;
	char version[17];
	size_t longest;		/* longest word, bytes */
};

struct tts_lexicon *
tts_lexicon_new(void)
{
	struct tts_lexicon *lex;

	if (sodium_init() < 0)
		return NULL;
	lex = calloc(1, sizeof(*lex));

	if (lex != NULL)
		strcpy(lex->version, "0000000000000000");
	return lex;
}

void
tts_lexicon_free(struct tts_lexicon *lex)
{
	if (lex == NULL)
		return;
	for (size_t i = 0; i < lex->n; i++) {
		free(lex->e[i].word);
		free(lex->e[i].pinyin);
	}
	free(lex->e);
	free(lex);
}

size_t
tts_lexicon_count(const struct tts_lexicon *lex)
{
	return lex ? lex->n : 0;
}

const char *
tts_lexicon_version(const struct tts_lexicon *lex)
{
	return lex ? lex->version : "0000000000000000";
}

/* Hash every entry in order; entries are kept sorted by word, so two
 * lexicons with the same content have the same version. */
static void
update_version(struct tts_lexicon *lex)
{
	crypto_generichash_state st;
	unsigned char h[8];

	crypto_generichash_init(&st, NULL, 0, sizeof(h));
	for (size_t i = 0; i < lex->n; i++) {
		crypto_generichash_update(&st,
		    (const unsigned char *)lex->e[i].word, lex->e[i].wlen + 1);
		crypto_generichash_update(&st,
		    (const unsigned char *)lex->e[i].pinyin,
		    strlen(lex->e[i].pinyin) + 1);
	}
	crypto_generichash_final(&st, h, sizeof(h));
	sodium_bin2hex(lex->version, sizeof(lex->version), h, sizeof(h));
}

/*
 * Check pinyin: syllables of letters (ü written v or ü) each ending in a
 * tone digit 1-5, separated by spaces. Writes the canonical form (single
 * spaces, lower case) to out.
 */
static int
canon_pinyin(const char *in, char *out, size_t outlen, char *err, size_t errlen)
{
	size_t o = 0, syl = 0;
	const char *p = in;

	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		size_t letters = 0;
		if (syl > 0 && o + 1 < outlen)
			out[o++] = ' ';
		while (*p && *p != ' ' && *p != '\t' && !(*p >= '1' && *p <= '5')) {
			if (strncmp(p, "ü", 2) == 0) {
				if (o + 1 < outlen)
					out[o++] = 'v';
				p += 2;
			} else if (isalpha((unsigned char)*p)) {
				if (o + 1 < outlen)
					out[o++] = (char)tolower((unsigned char)*p);
				p++;
			} else {
				snprintf(err, errlen, "pinyin \"%s\": unexpected "
				    "character; write syllables with tone "
				    "digits, e.g. \"chong2 qing4\"", in);
				return -1;
			}
			letters++;
		}
		if (letters == 0 || letters > 6 || !(*p >= '1' && *p <= '5')) {
			snprintf(err, errlen, "pinyin \"%s\": each syllable "
			    "needs letters and a tone digit 1-5, e.g. "
			    "\"chong2 qing4\"", in);
			return -1;
		}
		if (o + 1 < outlen)
			out[o++] = *p;
		p++;
		syl++;
	}
	if (syl == 0) {
		snprintf(err, errlen, "empty pinyin");
		return -1;
	}
	if (o + 1 >= outlen) {
		snprintf(err, errlen, "pinyin is too long (limit %d bytes)",
		    LEX_MAX_PINYIN);
		return -1;
	}
	out[o] = '\0';
	return 0;
}

static int
entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct lex_entry *)a)->word,
	    ((const struct lex_entry *)b)->word);
}

static int
add_entry(struct tts_lexicon *lex, const char *word, const char *pinyin,
    int resort, char *err, size_t errlen)
{
	char canon[LEX_MAX_PINYIN];
	size_t wlen = word ? strlen(word) : 0;

	if (wlen == 0 || wlen > LEX_MAX_WORD || !utf8_valid(word, wlen)) {
		snprintf(err, errlen, "word must be 1-%d bytes of UTF-8",
		    LEX_MAX_WORD);
		return -1;
	}
	for (const char *c = word; *c; c++) {
		if ((unsigned char)*c < 0x80) {
			snprintf(err, errlen, "word \"%s\": only Chinese "
			    "characters can have a pronunciation", word);
			return -1;
		}
	}
	if (canon_pinyin(pinyin ? pinyin : "", canon, sizeof(canon), err,
	    errlen) == -1)
		return -1;

	for (size_t i = 0; i < lex->n; i++) {
		if (strcmp(lex->e[i].word, word) == 0) {
			char *np = strdup(canon);
			if (np == NULL)
				goto oom;
			free(lex->e[i].pinyin);
			lex->e[i].pinyin = np;
			update_version(lex);
			return 0;
		}
	}
	if (lex->n >= LEX_MAX_ENTRIES) {
		snprintf(err, errlen, "lexicon is full (%d entries)",
		    LEX_MAX_ENTRIES);
		return -1;
	}
	if (lex->n == lex->cap) {
		size_t cap = lex->cap ? lex->cap * 2 : 32;
		struct lex_entry *ne = realloc(lex->e, cap * sizeof(*ne));
		if (ne == NULL)
			goto oom;
		lex->e = ne;
		lex->cap = cap;
	}
	struct lex_entry *e = &lex->e[lex->n];
	e->word = strdup(word);
	e->pinyin = strdup(canon);
	e->wlen = wlen;
	if (e->word == NULL || e->pinyin == NULL) {
		free(e->word);
		free(e->pinyin);
		goto oom;
	}
	lex->n++;
	if (wlen > lex->longest)
		lex->longest = wlen;
	if (resort) {
		qsort(lex->e, lex->n, sizeof(*lex->e), entry_cmp);
		update_version(lex);
	}
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
	return -1;
}

int
tts_lexicon_add(struct tts_lexicon *lex, const char *word, const char *pinyin,
    char *err, size_t errlen)
{
	return add_entry(lex, word, pinyin, 1, err, errlen);
}

int
tts_lexicon_parse(struct tts_lexicon *lex, const char *text, size_t len,
    const char *name, char *err, size_t errlen)
{
	const char *p = text, *end = text + len;
	char line[LEX_MAX_LINE + 1], e2[256];
	struct tts_lexicon *tmp;
	int rc = -1;

	/* Load into a scratch lexicon first: a bad line adds nothing. */
	if ((tmp = tts_lexicon_new()) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (int lineno = 1; p < end; lineno++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		if (n > LEX_MAX_LINE) {
			snprintf(err, errlen, "%s:%d: line too long", name, lineno);
			goto out;
		}
		/* A NUL would end the line early and hide the rest of it. */
		if (memchr(p, '\0', n) != NULL) {
			snprintf(err, errlen, "%s:%d: a NUL byte (not a text "
			    "file?)", name, lineno);
			goto out;
		}
		memcpy(line, p, n);
		line[n] = '\0';
		p += n + (nl != NULL);
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char *w = line;
		while (*w == ' ' || *w == '\t')
			w++;
		w[strcspn(w, "\r")] = '\0';
		if (*w == '\0')
			continue;
		char *sp = w + strcspn(w, " \t");
		if (*sp == '\0') {
			snprintf(err, errlen, "%s:%d: expected \"WORD PINYIN\"",
			    name, lineno);
			goto out;
		}
		*sp++ = '\0';
		if (add_entry(tmp, w, sp, 0, e2, sizeof(e2)) == -1) {
			snprintf(err, errlen, "%s:%d: %s", name, lineno, e2);
			goto out;
		}
	}
	/* Room for every new word before the first is added, so a full
	 * lexicon refuses the file whole rather than half of it. */
	size_t fresh = 0;
	for (size_t i = 0; i < tmp->n; i++) {
		size_t k = 0;
		while (k < lex->n && strcmp(lex->e[k].word, tmp->e[i].word) != 0)
			k++;
		fresh += k == lex->n;
	}
	if (lex->n + fresh > LEX_MAX_ENTRIES) {
		snprintf(err, errlen, "%s: the lexicon would pass %d entries",
		    name, LEX_MAX_ENTRIES);
		goto out;
	}
	for (size_t i = 0; i < tmp->n; i++) {
		if (add_entry(lex, tmp->e[i].word, tmp->e[i].pinyin, 0, e2,
		    sizeof(e2)) == -1) {
			snprintf(err, errlen, "%s: %s", name, e2);
			goto out;
		}
	}
	qsort(lex->e, lex->n, sizeof(*lex->e), entry_cmp);
	update_version(lex);
	rc = 0;
out:
	tts_lexicon_free(tmp);
	return rc;
}

int
tts_lexicon_load(struct tts_lexicon *lex, const char *path, char *err,
    size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t len = 0, cap = 0;
	int rc = -1;

	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (len == cap) {
			if (cap >= LEX_MAX_FILE) {
				snprintf(err, errlen, "%s: larger than %d bytes",
				    path, LEX_MAX_FILE);
				goto out;
			}
			char *t = realloc(text, cap = cap ? cap * 2 : 65536);
			if (t == NULL) {
				snprintf(err, errlen, "%s: out of memory", path);
				goto out;
			}
			text = t;
		}
		size_t n = fread(text + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f))
		snprintf(err, errlen, "%s: read error", path);
	else
		rc = tts_lexicon_parse(lex, text, len, path, err, errlen);
out:
	free(text);
	fclose(f);
	return rc;
}

/* The longest entry matching text at i (len bytes in all), or NULL. */
static const struct lex_entry *
lex_longest_at(const struct tts_lexicon *lex, const char *text, size_t i,
    size_t len)
{
	const struct lex_entry *best = NULL;

	/* Entries are few; a linear scan is fine for the sizes a county
	 * keeps and keeps the code obvious. */
	for (size_t k = 0; lex && k < lex->n; k++) {
		const struct lex_entry *e = &lex->e[k];
		if (e->wlen <= len - i && memcmp(text + i, e->word, e->wlen) == 0 &&
		    (best == NULL || e->wlen > best->wlen))
			best = e;
	}
	return best;
}

char *
tts_lexicon_apply(const struct tts_lexicon *lex, const char *text)
{
	struct sbuf sb;
	size_t i = 0, len = strlen(text);

	sbuf_init(&sb);
	while (i < len) {
		const struct lex_entry *best = lex_longest_at(lex, text, i, len);
		if (best != NULL) {
			sbuf_put_pinyin(&sb, best->pinyin);
			i += best->wlen;
			continue;
		}
		size_t cl = utf8_lead_len((unsigned char)text[i]);
		if (cl > len - i)
			cl = len - i;
		sbuf_putn(&sb, text + i, cl);
		i += cl;
	}
	return sbuf_take_trimmed(&sb);
}

char *
tts_spoken_text(const char *text, size_t len, const struct tts_voice *voice,
    const struct tts_lexicon *lex, char *err, size_t errlen)
{
	if (voice == NULL)
		voice = tts_voice_default();
	char *norm = tts_normalize(text, len, voice->dialect, err, errlen);
	if (norm == NULL || voice->dialect != TTS_MANDARIN)
		return norm;
	/* The county's own entries first: what they turned into pinyin the
	 * built-in readings leave alone. */
	char *out = lex && lex->n ? tts_lexicon_apply(lex, norm) : norm;
	if (out != norm)
		free(norm);
	char *poly = out ? tts_polyphone_apply(out) : NULL;
	free(out);
	if (poly == NULL)
		snprintf(err, errlen, "out of memory");
	return poly;
}

/* ---- where each reading came from (say --explain) ---------------------- */

struct readings {
	struct sbuf out;
	struct sbuf run;	/* Hanzi left to eSpeak NG, not yet told */
};

static void
tell(struct readings *r, const char *word, size_t n, const char *pinyin,
    const char *source)
{
	sbuf_puts(&r->out, "\n  ");
	sbuf_putn(&r->out, word, n);
	if (pinyin != NULL) {
		sbuf_puts(&r->out, " → ");
		sbuf_puts(&r->out, pinyin);
	}
	sbuf_puts(&r->out, " (");
	sbuf_puts(&r->out, source);
	sbuf_puts(&r->out, ")");
}

static void
tell_run(struct readings *r)
{
	if (r->run.len > 0)
		tell(r, r->run.buf, r->run.len, NULL, "eSpeak NG's dictionary");
	r->run.len = 0;
}

static void
norm_told(const uint32_t *in, size_t nin, const char *out, size_t nout,
    void *arg)
{
	struct readings *r = arg;
	const char *rule = "normalisation: symbols";
	struct sbuf w;

	for (size_t k = 0; k < nin; k++) {
		if (in[k] >= '0' && in[k] <= '9') {
			rule = "normalisation: numbers, dates, times, units";
			break;
		}
		if ((in[k] | 0x20) >= 'a' && (in[k] | 0x20) <= 'z')
			rule = "normalisation: Latin letters";
	}
	sbuf_init(&w);
	for (size_t k = 0; k < nin; k++)
		sbuf_putcp(&w, in[k]);
	while (w.len > 0 && w.buf[w.len - 1] == ' ')
		w.len--;
	sbuf_puts(&r->out, "\n  ");
	sbuf_putn(&r->out, w.buf ? w.buf : "", w.len);
	sbuf_puts(&r->out, " → ");
	sbuf_putn(&r->out, out, nout);
	sbuf_puts(&r->out, " (");
	sbuf_puts(&r->out, rule);
	sbuf_puts(&r->out, ")");
	sbuf_free(&w);
}

static void
poly_told(const char *s, size_t n, const char *pinyin, enum poly_source src,
    void *arg)
{
	struct readings *r = arg;

	if (pinyin != NULL) {
		tell_run(r);
		tell(r, s, n, pinyin, src == POLY_DEFAULT_LEXICON ?
		    "default lexicon" : src == POLY_PHRASEBOOK ?
		    "phrase dictionary" : src == POLY_RULE ?
		    "rule: 为 after a quantity is wei2" : "polyphone table");
	} else if (n == 4 || (n == 3 && (unsigned char)s[0] >= 0xE3 &&
	    (unsigned char)s[0] <= 0xE9 && !((unsigned char)s[0] == 0xE3 &&
	    (unsigned char)s[1] < 0x90))) {
		/* Hanzi: U+3400-U+9FFF, or beyond the BMP (a pause mark
		 * such as ，U+FF0C or 。U+3002 is not one) */
		sbuf_putn(&r->run, s, n);
	} else {
		tell_run(r);
	}
}

char *
tts_readings(const char *text, size_t len, const struct tts_voice *voice,
    const struct tts_lexicon *lex, char *err, size_t errlen)
{
	struct readings r;

	if (voice == NULL)
		voice = tts_voice_default();
	sbuf_init(&r.out);
	sbuf_init(&r.run);
	sbuf_puts(&r.out, "readings:");
	char *norm = norm_traced(text, len, voice->dialect, norm_told, &r, err,
	    errlen);
	if (norm == NULL)
		goto fail;
	/* The walk tts_spoken_text makes: the county's entries, longest
	 * first, then the built-in tables on what lies between them (no
	 * built-in word reaches across an entry: those are all Hanzi). */
	size_t i = 0, seg = 0, n = strlen(norm);
	const bool mandarin = voice->dialect == TTS_MANDARIN;
	while (i <= n) {
		const struct lex_entry *e = i < n && mandarin ?
		    lex_longest_at(lex, norm, i, n) : NULL;
		if (e == NULL && i < n) {
			i += utf8_lead_len((unsigned char)norm[i]);
			continue;
		}
		char c = norm[i];
		norm[i] = '\0';
		if (mandarin) {
			tts_polyphone_walk(norm + seg, poly_told, &r);
		} else {
			for (size_t k = seg; k < i; ) {
				size_t cl = utf8_lead_len((unsigned char)norm[k]);
				poly_told(norm + k, cl, NULL, POLY_WORDS, &r);
				k += cl;
			}
		}
		norm[i] = c;
		tell_run(&r);
		if (e == NULL)
			break;
		tell(&r, e->word, e->wlen, e->pinyin, "county lexicon");
		i += e->wlen;
		seg = i;
	}
	free(norm);
	sbuf_free(&r.run);
	char *s = sbuf_take(&r.out);
	if (s == NULL)
		snprintf(err, errlen, "out of memory");
	return s;
fail:
	sbuf_free(&r.run);
	sbuf_free(&r.out);
	return NULL;
}

int
tts_estimate_seconds(const char *spoken, int rate)
{
	long n = 0;

	if (rate <= 0)
		rate = TTS_DEFAULT_RATE;
	/* Code points that are not spaces (lead bytes, not continuations);
	 * a run of ASCII letters and digits is one syllable of pinyin (the
	 * lexicon's and the polyphones'; numbers and letters are Hanzi by
	 * now). */
	for (const unsigned char *p = (const unsigned char *)spoken; p && *p; p++) {
		if (isalnum(*p)) {
			while (isalnum(p[1]))
				p++;
			n++;
		} else if ((*p & 0xC0) != 0x80 && !isspace(*p)) {
			n++;
		}
	}
	long s = (n * 48 + rate - 1) / rate;
	return s > INT_MAX ? INT_MAX : (int)s;
}
