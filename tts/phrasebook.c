/*
 * phrasebook.c — the phrase dictionary: ~237,000 words of written Chinese
 * with their frequency (from Rime's essay), which cut text into words, and
 * for ~39,000 of them, those with a polyphonic character, their mainland
 * reading (重要 zhong4 yao4, 还是 hai2 shi4, 调查 diao4 cha2); made at build
 * time by tts/phrasebook_main.c from Rime's data and Unihan, and read here
 * once per process.
 *
 * A data file, not compiled in: the data is LGPL-3 and stays replaceable,
 * and a county can read it with grep. Found, first that exists:
 *   $DALABA_PHRASES (set to "" to run without it),
 *   <program's directory>/../share/dalaba/phrases.txt  (installed; and
 *       build/tests, build/bench),
 *   <program's directory>/share/dalaba/phrases.txt     (build/).
 * Read whole (about 4 MB), checked line by line ("word<TAB>freq<TAB>
 * pinyin": 1-8 Hanzi, a decimal count, nothing or one syllable with a
 * tone digit per character; sorted strictly by bytes): a file that fails
 * any check is not used at all, and the reason is kept for `say --explain`
 * and dalabad's log. Without it dalaba still speaks, with its own tables
 * and eSpeak NG's dictionary.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "tts/polyphone.h"
#include "tts/text.h"
#include "tts/tts.h"

#define PHRASEBOOK_MAX_BYTES (16u << 20)
#define PHRASEBOOK_MAX_WORD_CHARS 8

struct phrase {
	const char *word, *pinyin;	/* pinyin NULL: read by characters */
	unsigned long freq;
};
static struct {
	char *text;		/* the file, tabs and newlines made NULs */
	struct phrase *e;
	size_t n;
	double total;		/* sum of the frequencies */
	struct tts_phrasebook_info info;
} book;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static int
exists(const char *path)
{
	return access(path, R_OK) == 0;
}

/* dir + tail in out if it fits and the file is readable. */
static int
try_path(char *out, size_t n, const char *dir, const char *tail)
{
	int r = snprintf(out, n, "%s%s", dir, tail);
	return r > 0 && (size_t)r < n && exists(out);
}

static void
find_path(char *out, size_t n)
{
	const char *env = getenv("DALABA_PHRASES");
	char exe[PATH_MAX];

	out[0] = '\0';
	if (env != NULL) {
		snprintf(out, n, "%s", env);
		return;
	}
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len <= 0)
		return;
	exe[len] = '\0';
	char *slash = strrchr(exe, '/');
	if (slash == NULL)
		return;
	*slash = '\0';
	if (!try_path(out, n, exe, "/../share/dalaba/phrases.txt") &&
	    !try_path(out, n, exe, "/share/dalaba/phrases.txt"))
		(void)!try_path(out, n, exe, "/../share/dalaba/phrases.txt");
}

/* Syllables of a-z ending in a tone digit 1-5, one space between: how
 * many, or -1. */
static int
pinyin_syllables(const char *p)
{
	size_t letters = 0;
	int n = 0;

	for (; *p != '\0'; p++) {
		if (*p >= 'a' && *p <= 'z') {
			if (++letters > 6)
				return -1;
		} else if (*p >= '1' && *p <= '5' && letters > 0) {
			letters = 0;
			n++;
			if (p[1] == ' ' && p[2] != '\0')
				p++;
			else if (p[1] != '\0')
				return -1;
		} else {
			return -1;
		}
	}
	return letters == 0 ? n : -1;
}

static int
fail(const char *why, size_t line)
{
	if (line > 0)
		snprintf(book.info.error, sizeof(book.info.error), "line %zu: %s",
		    line, why);
	else
		snprintf(book.info.error, sizeof(book.info.error), "%s", why);
	return -1;
}

static int
parse(char *text, size_t size)
{
	size_t lines = 0, line = 0;

	for (size_t i = 0; i < size; i++)
		lines += text[i] == '\n';
	if (size > 0 && text[size - 1] != '\n')
		return fail("the last line has no newline", lines + 1);
	book.e = malloc((lines ? lines : 1) * sizeof(book.e[0]));
	if (book.e == NULL)
		return fail("out of memory", 0);
	for (char *p = text, *end = text + size; p < end; ) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		line++;
		*nl = '\0';
		if (*p == '#') {
			if (book.n > 0)
				return fail("a comment after the first word", line);
			p = nl + 1;
			continue;
		}
		char *t1 = strchr(p, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		if (t1 == NULL || t2 == NULL || t1 == p || t2 == t1 + 1)
			return fail("not \"word<TAB>frequency<TAB>pinyin\"", line);
		*t1 = *t2 = '\0';
		size_t wl = (size_t)(t1 - p), chars = 0;
		if (!utf8_valid(p, wl))
			return fail("the word is not UTF-8", line);
		for (size_t k = 0; k < wl; k += utf8_lead_len((unsigned char)p[k])) {
			if ((unsigned char)p[k] < 0x80)
				return fail("the word is not all Hanzi", line);
			chars++;
		}
		if (chars > PHRASEBOOK_MAX_WORD_CHARS)
			return fail("a word is 1 to 8 characters", line);
		char *after;
		errno = 0;
		unsigned long f = strtoul(t1 + 1, &after, 10);
		if (*after != '\0' || errno != 0 || t1[1] < '0' || t1[1] > '9' ||
		    f > 4000000000UL)
			return fail("the frequency is not a count", line);
		const char *py = t2 + 1;
		if (*py != '\0' && pinyin_syllables(py) != (int)chars)
			return fail("the pinyin is not one syllable with a tone "
			    "digit per character", line);
		if (book.n > 0 && strcmp(book.e[book.n - 1].word, p) >= 0)
			return fail("not sorted, or a word twice", line);
		book.e[book.n++] = (struct phrase){ p, *py ? py : NULL, f };
		book.total += (double)f;
		p = nl + 1;
	}
	if (book.n == 0 || book.total <= 0)
		return fail("no words", 0);
	return 0;
}

static void
load(void)
{
	struct timespec t0, t1;
	FILE *f = NULL;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	find_path(book.info.path, sizeof(book.info.path));
	if (book.info.path[0] == '\0') {
		fail("not configured (DALABA_PHRASES is empty)", 0);
		goto out;
	}
	f = fopen(book.info.path, "rb");
	if (f == NULL) {
		fail(strerror(errno), 0);
		goto out;
	}
	if (fseek(f, 0, SEEK_END) != 0) {
		fail(strerror(errno), 0);
		goto out;
	}
	long size = ftell(f);
	if (size < 0 || (unsigned long)size > PHRASEBOOK_MAX_BYTES) {
		fail(size < 0 ? strerror(errno) : "larger than 16 MB", 0);
		goto out;
	}
	rewind(f);
	book.text = malloc((size_t)size + 1);
	if (book.text == NULL) {
		fail("out of memory", 0);
		goto out;
	}
	if (fread(book.text, 1, (size_t)size, f) != (size_t)size) {
		fail("short read", 0);
		goto out;
	}
	book.text[size] = '\0';
	if (memchr(book.text, '\0', (size_t)size) != NULL) {
		fail("holds a NUL byte", 0);
		goto out;
	}
	unsigned char h[8];
	if (sodium_init() < 0)
		abort();
	crypto_generichash(h, sizeof(h), (const unsigned char *)book.text,
	    (size_t)size, NULL, 0);
	if (parse(book.text, (size_t)size) != 0)
		goto out;
	sodium_bin2hex(book.info.version, sizeof(book.info.version), h,
	    sizeof(h));
	book.info.words = book.n;
	for (size_t i = 0; i < book.n; i++)
		book.info.readings += book.e[i].pinyin != NULL;
out:
	if (f != NULL)
		fclose(f);
	if (book.info.words == 0) {
		free(book.e);
		free(book.text);
		book.e = NULL;
		book.text = NULL;
		book.n = 0;
		book.total = 0;
		book.info.readings = 0;
		snprintf(book.info.version, sizeof(book.info.version), "-");
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	book.info.load_ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
}

const struct tts_phrasebook_info *
tts_phrasebook(void)
{
	pthread_once(&once, load);
	return &book.info;
}

int
tts_phrasebook_find(const char *s, size_t wl, unsigned long *freq,
    const char **pinyin)
{
	size_t lo = 0, hi;

	pthread_once(&once, load);
	hi = book.n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const char *w = book.e[mid].word;
		int c = strncmp(w, s, wl);
		if (c == 0 && w[wl] != '\0')
			c = 1;	/* longer than s: after it */
		if (c == 0) {
			*freq = book.e[mid].freq;
			*pinyin = book.e[mid].pinyin;
			return 1;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

double
tts_phrasebook_total(void)
{
	pthread_once(&once, load);
	return book.total;
}
