/*
 * phrasebook_main.c — build tool, run by make: derives dalaba's phrase
 * dictionary from data Debian packages: the words of written Chinese with
 * their frequency (to cut text into words), and the reading of every word
 * with a polyphonic character. Sorted lines "word<TAB>freq<TAB>pinyin",
 * pinyin empty where eSpeak NG reads the word by its characters.
 *
 *   phrasebook TERRA LUNA ESSAY UNIHAN_READINGS UNIHAN_VARIANTS > phrases.txt
 *
 * Inputs, none of them ours:
 *   terra_pinyin.dict.yaml (rime-data-terra-pinyin, LGPL-3): 52,000
 *     phrases in traditional characters with toned pinyin. Its readings
 *     follow Taiwan's standard in places (危險 wei2, 星期 qi2, 研究 jiu4).
 *   luna_pinyin.dict.yaml (rime-data-luna-pinyin, LGPL-3): 22,000 phrases,
 *     toneless, weighted, mainland readings; breaks terra's ties.
 *   Unihan_Readings.txt (unicode-data): each character's mainland readings
 *     from 现代汉语词典 (kXHC1983) and 通用规范汉字字典 (kTGHZ2013).
 *   Unihan_Variants.txt: kSimplifiedVariant, traditional to simplified.
 *   essay.txt (rime-essay, LGPL-3): 313,000 words with their frequency
 *     in a corpus, Rime's own language model; the words cut a sentence
 *     (每天都要 is 每天 都要, not 每 天都 要, whatever 天都 reads).
 *
 * A phrase is kept when every syllable is a mainland reading of its
 * character (which drops Taiwan-only readings: 危 has no wei2 in 现代汉语
 * 词典), it has a polyphonic character (two or more mainland readings;
 * the others eSpeak NG reads right by the character), and its readings
 * agree: where terra gives several, luna's first choice must pick one,
 * else the phrase is left out and eSpeak NG decides. Luna's phrases
 * whose tones follow from their characters (one mainland reading with
 * that spelling) are kept too. Several traditional characters map to one
 * simplified one (發 髮 → 发); where a character has several simplified
 * forms, the one whose readings include the syllable wins, preferring a
 * real simplification (乾燥 gan1 is 干燥, 乾坤 qian2 stays 乾坤).
 *
 * Memory and time are those of a build tool (a table for every code
 * point, everything read whole); the output is what dalaba loads.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXCP 0x110000
#define MAXSYL 8		/* syllables of a phrase we keep */
#define MAXREAD 12		/* readings of one character */

struct readings {
	int n;
	char syl[MAXREAD][8];
};
static struct readings *readings[MAXCP];
static uint32_t *simplified[MAXCP];	/* 0-terminated list */
/* In 通用规范汉字表 (has kTGHZ2013): a character simplified text uses. */
static unsigned char standard[MAXCP];

static void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);
	if (p == NULL) {
		perror("phrasebook");
		exit(1);
	}
	return p;
}

/* One UTF-8 character at *s (advanced); 0 at the end or on bad input. */
static uint32_t
utf8_next(const char **s)
{
	const unsigned char *p = (const unsigned char *)*s;
	uint32_t c;
	int n;

	if (*p == 0)
		return 0;
	if (*p < 0x80) {
		c = *p;
		n = 0;
	} else if ((*p & 0xE0) == 0xC0) {
		c = *p & 0x1F;
		n = 1;
	} else if ((*p & 0xF0) == 0xE0) {
		c = *p & 0x0F;
		n = 2;
	} else if ((*p & 0xF8) == 0xF0) {
		c = *p & 0x07;
		n = 3;
	} else
		return 0;
	for (int i = 1; i <= n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3F);
	}
	*s += n + 1;
	return c < MAXCP ? c : 0;
}

static size_t
utf8_put(char *out, uint32_t c)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xC0 | c >> 6);
		out[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xE0 | c >> 12);
		out[1] = (char)(0x80 | (c >> 6 & 0x3F));
		out[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | c >> 18);
	out[1] = (char)(0x80 | (c >> 12 & 0x3F));
	out[2] = (char)(0x80 | (c >> 6 & 0x3F));
	out[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

/* Unihan's marked pinyin ("zhǎng", "lüè") as dalaba writes it ("zhang3",
 * "lve4"); 0 if it holds a letter we do not know. */
static int
toned(const char *marked, char out[8])
{
	static const struct {
		uint32_t cp;
		char base, tone;
	} marks[] = {
		{ 0x101, 'a', 1 }, { 0xE1, 'a', 2 }, { 0x1CE, 'a', 3 }, { 0xE0, 'a', 4 },
		{ 0x113, 'e', 1 }, { 0xE9, 'e', 2 }, { 0x11B, 'e', 3 }, { 0xE8, 'e', 4 },
		{ 0x12B, 'i', 1 }, { 0xED, 'i', 2 }, { 0x1D0, 'i', 3 }, { 0xEC, 'i', 4 },
		{ 0x14D, 'o', 1 }, { 0xF3, 'o', 2 }, { 0x1D2, 'o', 3 }, { 0xF2, 'o', 4 },
		{ 0x16B, 'u', 1 }, { 0xFA, 'u', 2 }, { 0x1D4, 'u', 3 }, { 0xF9, 'u', 4 },
		{ 0x1D6, 'v', 1 }, { 0x1D8, 'v', 2 }, { 0x1DA, 'v', 3 }, { 0x1DC, 'v', 4 },
		{ 0xFC, 'v', 0 },
	};
	const char *s = marked;
	size_t n = 0;
	int tone = 5;
	uint32_t c;

	while ((c = utf8_next(&s)) != 0) {
		char base = 0;
		if (c >= 'a' && c <= 'z')
			base = (char)c;
		for (size_t i = 0; base == 0 && i < sizeof(marks) / sizeof(marks[0]);
		    i++)
			if (marks[i].cp == c) {
				base = marks[i].base;
				if (marks[i].tone != 0)
					tone = marks[i].tone;
			}
		if (base == 0 || n + 2 >= 8)
			return 0;
		out[n++] = base;
	}
	if (n == 0)
		return 0;
	out[n++] = (char)('0' + tone);
	out[n] = 0;
	return 1;
}

static void
add_reading(uint32_t cp, const char *syl)
{
	struct readings *r = readings[cp];
	if (r == NULL)
		r = readings[cp] = xcalloc(1, sizeof(*r));
	for (int i = 0; i < r->n; i++)
		if (strcmp(r->syl[i], syl) == 0)
			return;
	if (r->n < MAXREAD)
		strcpy(r->syl[r->n++], syl);
}

static FILE *
open_or_die(const char *path)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		fprintf(stderr, "phrasebook: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	return f;
}

/* "U+957F<TAB>kXHC1983<TAB>0121.040:cháng 1456.020:zhǎng" */
static void
load_unihan_readings(const char *path)
{
	FILE *f = open_or_die(path);
	char line[4096];
	size_t kept = 0;

	while (fgets(line, sizeof(line), f) != NULL) {
		char *cp = strtok(line, "\t\n"), *key = strtok(NULL, "\t\n"),
		    *val = strtok(NULL, "\t\n");
		if (cp == NULL || key == NULL || val == NULL || cp[0] != 'U' ||
		    (strcmp(key, "kXHC1983") != 0 && strcmp(key, "kTGHZ2013") != 0))
			continue;
		unsigned long c = strtoul(cp + 2, NULL, 16);
		if (c >= MAXCP)
			continue;
		if (strcmp(key, "kTGHZ2013") == 0)
			standard[c] = 1;
		for (char *item = strtok(val, " "); item != NULL;
		    item = strtok(NULL, " ")) {
			char *colon = strchr(item, ':'), syl[8];
			if (colon != NULL && toned(colon + 1, syl)) {
				add_reading((uint32_t)c, syl);
				kept++;
			}
		}
	}
	fclose(f);
	if (kept < 10000) {
		fprintf(stderr, "phrasebook: %s: only %zu readings; not Unihan?\n",
		    path, kept);
		exit(1);
	}
}

/* "U+9577<TAB>kSimplifiedVariant<TAB>U+957F" */
static void
load_unihan_variants(const char *path)
{
	FILE *f = open_or_die(path);
	char line[4096];

	while (fgets(line, sizeof(line), f) != NULL) {
		char *cp = strtok(line, "\t\n"), *key = strtok(NULL, "\t\n"),
		    *val = strtok(NULL, "\t\n");
		if (cp == NULL || key == NULL || val == NULL || cp[0] != 'U' ||
		    strcmp(key, "kSimplifiedVariant") != 0)
			continue;
		unsigned long c = strtoul(cp + 2, NULL, 16);
		if (c >= MAXCP)
			continue;
		uint32_t *list = xcalloc(8, sizeof(uint32_t));
		int n = 0;
		for (char *item = strtok(val, " "); item != NULL && n < 7;
		    item = strtok(NULL, " "))
			if (item[0] == 'U' && item[1] == '+') {
				unsigned long s = strtoul(item + 2, NULL, 16);
				if (s < MAXCP)
					list[n++] = (uint32_t)s;
			}
		simplified[c] = list;
	}
	fclose(f);
}

/* A Rime dictionary's entries: "word<TAB>syl syl<TAB>weight", after the
 * YAML header ending in "...". */
struct rime {
	char *word;		/* traditional */
	uint32_t cp[MAXSYL];
	char syl[MAXSYL][8];
	int n;
	double weight;
};
struct rime_dict {
	struct rime *e;
	size_t n, cap;
};

static int
by_rime_word(const void *a, const void *b)
{
	const struct rime *x = a, *y = b;
	int c = strcmp(x->word, y->word);
	if (c != 0)
		return c;
	return (x->weight < y->weight) - (x->weight > y->weight);
}

static void
load_rime(const char *path, struct rime_dict *d)
{
	FILE *f = open_or_die(path);
	char line[4096];
	int body = 0;

	while (fgets(line, sizeof(line), f) != NULL) {
		if (!body) {
			body = strncmp(line, "...", 3) == 0;
			continue;
		}
		if (line[0] == '#')
			continue;
		char *word = strtok(line, "\t\n"), *pin = strtok(NULL, "\t\n"),
		    *w = strtok(NULL, "\t\n");
		if (word == NULL || pin == NULL)
			continue;
		struct rime e = { .weight = 100 };
		const char *s = word;
		uint32_t c;
		while ((c = utf8_next(&s)) != 0 && e.n < MAXSYL + 1)
			if (e.n < MAXSYL)
				e.cp[e.n++] = c;
			else
				e.n++;
		if (*s != 0 || e.n < 2 || e.n > MAXSYL)
			continue;
		int k = 0;
		for (char *p = strtok(pin, " "); p != NULL; p = strtok(NULL, " ")) {
			if (k == MAXSYL || strlen(p) >= 8) {
				k = -1;
				break;
			}
			strcpy(e.syl[k++], p);
		}
		if (k != e.n)
			continue;
		if (w != NULL)
			e.weight = strtod(w, NULL);
		e.word = strdup(word);
		if (d->n == d->cap) {
			d->cap = d->cap ? d->cap * 2 : 4096;
			d->e = realloc(d->e, d->cap * sizeof(d->e[0]));
			if (d->e == NULL) {
				perror("phrasebook");
				exit(1);
			}
		}
		d->e[d->n++] = e;
	}
	fclose(f);
	if (d->n < 10000) {
		fprintf(stderr, "phrasebook: %s: only %zu phrases; not a Rime "
		    "pinyin dictionary?\n", path, d->n);
		exit(1);
	}
	/* By word, the heaviest reading first. */
	qsort(d->e, d->n, sizeof(d->e[0]), by_rime_word);
}

static const struct rime *
rime_find(const struct rime_dict *d, const char *word)
{
	size_t lo = 0, hi = d->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(d->e[mid].word, word);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < d->n && strcmp(d->e[lo].word, word) == 0 ? &d->e[lo] : NULL;
}

static int
has_reading(uint32_t cp, const char *syl)
{
	const struct readings *r = readings[cp];
	for (int i = 0; r != NULL && i < r->n; i++)
		if (strcmp(r->syl[i], syl) == 0)
			return 1;
	return 0;
}

/* Same spelling, any tone. */
static int
same_toneless(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 0 && a[la - 1] >= '1' && a[la - 1] <= '5')
		la--;
	if (lb > 0 && b[lb - 1] >= '1' && b[lb - 1] <= '5')
		lb--;
	return la == lb && memcmp(a, b, la) == 0;
}

/* The simplified form of traditional t read as syl: a standard character
 * (通用规范汉字表) that t simplifies to and whose readings hold syl,
 * preferring a real simplification; t itself where it is standard, reads
 * so, and simplifies to itself or to nothing. 0 if none: 聽 ting4 is a
 * Taiwan reading, 听 has only ting1; 淨 is no standard character. */
static uint32_t
simplify(uint32_t t, const char *syl)
{
	int self = simplified[t] == NULL;

	for (const uint32_t *s = simplified[t]; s != NULL && *s != 0; s++) {
		if (*s == t)
			self = 1;
		else if (standard[*s] && has_reading(*s, syl))
			return *s;
	}
	return self && standard[t] && has_reading(t, syl) ? t : 0;
}

/* A candidate: simplified word, toned pinyin, the traditional word. */
struct cand {
	char word[MAXSYL * 4 + 1];
	char pinyin[MAXSYL * 8];
	const char *trad;
};
static struct cand *cands;
static size_t ncands, capcands;

static void
add_cand(const struct rime *e, char syl[][8])
{
	struct cand c = { .trad = e->word };
	size_t w = 0, p = 0;
	int poly = 0;

	for (int i = 0; i < e->n; i++) {
		uint32_t s = simplify(e->cp[i], syl[i]);
		if (s == 0)
			return;	/* not a mainland reading */
		if (readings[s]->n > 1)
			poly = 1;
		w += utf8_put(c.word + w, s);
		p += (size_t)sprintf(c.pinyin + p, "%s%s", i ? " " : "", syl[i]);
	}
	if (!poly)
		return;
	c.word[w] = 0;
	if (ncands == capcands) {
		capcands = capcands ? capcands * 2 : 4096;
		cands = realloc(cands, capcands * sizeof(cands[0]));
		if (cands == NULL) {
			perror("phrasebook");
			exit(1);
		}
	}
	cands[ncands++] = c;
}

/* Luna's toneless reading with each tone that its characters settle:
 * 0 if a syllable has two mainland tones (种 zhong3 zhong4). */
static int
tones_from_characters(const struct rime *e, char out[][8])
{
	for (int i = 0; i < e->n; i++) {
		int found = 0;
		for (int tone = 1; tone <= 5; tone++) {
			char syl[8];
			if (snprintf(syl, sizeof(syl), "%s%d", e->syl[i], tone) >=
			    (int)sizeof(syl))
				return 0;
			if (simplify(e->cp[i], syl) != 0) {
				found++;
				strcpy(out[i], syl);
			}
		}
		if (found != 1)
			return 0;
	}
	return 1;
}

/* essay.txt: "word<TAB>frequency", traditional; frequencies of words that
 * simplify to one word are summed. */
struct freq {
	char word[MAXSYL * 4 + 1];
	unsigned long n;
};
static struct freq *freqs;
static size_t nfreqs;

static int
by_freq_word(const void *a, const void *b)
{
	return strcmp(((const struct freq *)a)->word,
	    ((const struct freq *)b)->word);
}

/* A traditional character in simplified text: a standard simplification,
 * else itself if standard; 0 if neither. */
static uint32_t
simplify_any(uint32_t t)
{
	int self = simplified[t] == NULL;
	for (const uint32_t *s = simplified[t]; s != NULL && *s != 0; s++) {
		if (*s == t)
			self = 1;
		else if (standard[*s])
			return *s;
	}
	return self && standard[t] ? t : 0;
}

static void
load_essay(const char *path)
{
	FILE *f = open_or_die(path);
	char line[512];
	size_t cap = 0;

	while (fgets(line, sizeof(line), f) != NULL) {
		char *word = strtok(line, "\t\n"), *n = strtok(NULL, "\t\n");
		if (word == NULL || n == NULL)
			continue;
		struct freq e = { .n = strtoul(n, NULL, 10) };
		const char *s = word;
		size_t w = 0;
		int chars = 0;
		uint32_t c;
		while ((c = utf8_next(&s)) != 0 && chars < MAXSYL + 1) {
			uint32_t simp = simplify_any(c);
			chars++;
			if (simp == 0 || chars > MAXSYL) {
				chars = 0;
				break;
			}
			w += utf8_put(e.word + w, simp);
		}
		if (chars == 0 || *s != 0 || e.n == 0)
			continue;
		e.word[w] = 0;
		if (nfreqs == cap) {
			cap = cap ? cap * 2 : 65536;
			freqs = realloc(freqs, cap * sizeof(freqs[0]));
			if (freqs == NULL) {
				perror("phrasebook");
				exit(1);
			}
		}
		freqs[nfreqs++] = e;
	}
	fclose(f);
	if (nfreqs < 100000) {
		fprintf(stderr, "phrasebook: %s: only %zu words; not Rime's "
		    "essay?\n", path, nfreqs);
		exit(1);
	}
	qsort(freqs, nfreqs, sizeof(freqs[0]), by_freq_word);
	size_t o = 0;
	for (size_t i = 0; i < nfreqs; i++) {
		if (o > 0 && strcmp(freqs[o - 1].word, freqs[i].word) == 0)
			freqs[o - 1].n += freqs[i].n;
		else
			freqs[o++] = freqs[i];
	}
	nfreqs = o;
}

static int
by_cand(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	int c = strcmp(x->word, y->word);
	return c != 0 ? c : strcmp(x->pinyin, y->pinyin);
}

/* Does luna's first reading of trad match pinyin, tones aside? */
static int
luna_agrees(const struct rime_dict *luna, const char *trad, const char *pinyin)
{
	const struct rime *e = rime_find(luna, trad);
	char buf[MAXSYL * 8], *save = NULL;

	if (e == NULL)
		return 0;
	snprintf(buf, sizeof(buf), "%s", pinyin);
	int i = 0;
	for (char *p = strtok_r(buf, " ", &save); p != NULL;
	    p = strtok_r(NULL, " ", &save), i++)
		if (i >= e->n || !same_toneless(p, e->syl[i]))
			return 0;
	return i == e->n;
}

int
main(int argc, char **argv)
{
	struct rime_dict terra = { 0 }, luna = { 0 };
	size_t kept = 0, ambiguous = 0;

	if (argc != 6) {
		fprintf(stderr, "usage: phrasebook TERRA_DICT LUNA_DICT ESSAY "
		    "UNIHAN_READINGS UNIHAN_VARIANTS > phrases.txt\n");
		return 2;
	}
	load_unihan_readings(argv[4]);
	load_unihan_variants(argv[5]);
	load_rime(argv[1], &terra);
	load_rime(argv[2], &luna);
	load_essay(argv[3]);

	for (size_t i = 0; i < terra.n; i++)
		add_cand(&terra.e[i], terra.e[i].syl);
	for (size_t i = 0; i < luna.n; i++) {
		char syl[MAXSYL][8];
		/* Only the heaviest reading of each word (sorted first). */
		if (i > 0 && strcmp(luna.e[i - 1].word, luna.e[i].word) == 0)
			continue;
		if (tones_from_characters(&luna.e[i], syl))
			add_cand(&luna.e[i], syl);
	}
	qsort(cands, ncands, sizeof(cands[0]), by_cand);

	/* The readings first, one per word. */
	struct freq *read = calloc(ncands ? ncands : 1, sizeof(*read));
	const char **read_py = calloc(ncands ? ncands : 1, sizeof(*read_py));
	size_t nread = 0;
	if (read == NULL || read_py == NULL) {
		perror("phrasebook");
		return 1;
	}
	for (size_t i = 0; i < ncands;) {
		size_t j = i, distinct = 0, agreeing = 0, pick = i;
		for (; j < ncands && strcmp(cands[j].word, cands[i].word) == 0; j++)
			if (j == i || strcmp(cands[j].pinyin, cands[j - 1].pinyin) != 0)
				distinct++;
		if (distinct > 1) {
			/* Several readings: luna's first choice must single one out. */
			const char *last = NULL;
			for (size_t k = i; k < j; k++) {
				if (last != NULL && strcmp(last, cands[k].pinyin) == 0)
					continue;
				int agrees = 0;
				for (size_t m = i; m < j && !agrees; m++)
					if (strcmp(cands[m].pinyin, cands[k].pinyin) == 0)
						agrees = luna_agrees(&luna, cands[m].trad,
						    cands[k].pinyin);
				if (agrees) {
					agreeing++;
					pick = k;
				}
				last = cands[k].pinyin;
			}
		}
		if (distinct == 1 || agreeing == 1) {
			strcpy(read[nread].word, cands[pick].word);
			read_py[nread++] = cands[pick].pinyin;
			kept++;
		} else
			ambiguous++;
		i = j;
	}

	printf("# dalaba's phrase dictionary, made by tts/phrasebook_main.c from\n"
	    "# rime-data-terra-pinyin, rime-data-luna-pinyin and rime-essay\n"
	    "# (LGPL-3) and Unihan (unicode-data, Unicode licence). One word a\n"
	    "# line: simplified word, TAB, its frequency in Rime's essay (0: not\n"
	    "# in it), TAB, its pinyin with tone digits, or nothing where eSpeak\n"
	    "# NG reads it by its characters. Sorted by bytes.\n");
	/* Merge the two sorted lists. */
	size_t a = 0, b = 0, lines = 0;
	while (a < nfreqs || b < nread) {
		int c = a == nfreqs ? 1 : b == nread ? -1 :
		    strcmp(freqs[a].word, read[b].word);
		if (c < 0) {
			printf("%s\t%lu\t\n", freqs[a].word, freqs[a].n);
			a++;
		} else if (c > 0) {
			printf("%s\t0\t%s\n", read[b].word, read_py[b]);
			b++;
		} else {
			printf("%s\t%lu\t%s\n", read[b].word, freqs[a].n,
			    read_py[b]);
			a++;
			b++;
		}
		lines++;
	}
	fprintf(stderr, "phrasebook: %zu words, %zu of them with a reading\n",
	    lines, kept);
	fprintf(stderr, "phrasebook: %zu readings left to eSpeak NG (they "
	    "disagree)\n", ambiguous);
	return kept > 10000 ? 0 : 1;
}
