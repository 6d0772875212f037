/*
 * phrasebook.c — the phrase dictionary: ~39,000 words with a polyphonic
 * character and their mainland reading (重要 zhong4 yao4, 还是 hai2 shi4,
 * 调查 diao4 cha2), made at build time by tts/phrasebook_main.c from
 * Rime's pinyin dictionaries and Unihan, and read here once per process.
 *
 * A data file, not compiled in: the data is LGPL-3 and stays replaceable,
 * and a county can read it with grep. Found, first that exists:
 *   $DALABA_PHRASES (set to "" to run without it),
 *   <program's directory>/../share/dalaba/phrases.txt  (installed; and
 *       build/tests, build/bench),
 *   <program's directory>/share/dalaba/phrases.txt     (build/).
 * Read whole (about 1 MB), checked line by line (UTF-8 word, a tab, pinyin
 * syllables with tone digits, sorted strictly by bytes): a file that fails
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

static struct {
	char *text;		/* the file, tabs and newlines made NULs */
	const char **word;	/* word[i], its pinyin right after its NUL */
	size_t n;
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

static int
valid_pinyin(const char *p)
{
	/* syllables of a-z ending in a tone digit 1-5, one space between */
	size_t letters = 0;

	for (; *p != '\0'; p++) {
		if (*p >= 'a' && *p <= 'z') {
			if (++letters > 6)
				return 0;
		} else if (*p >= '1' && *p <= '5' && letters > 0) {
			letters = 0;
			if (p[1] == ' ' && p[2] != '\0')
				p++;
			else if (p[1] != '\0')
				return 0;
		} else {
			return 0;
		}
	}
	return letters == 0;
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
	size_t lines = 0, cap = 0, line = 0;

	for (size_t i = 0; i < size; i++)
		lines += text[i] == '\n';
	if (size > 0 && text[size - 1] != '\n')
		return fail("the last line has no newline", lines + 1);
	cap = lines;
	book.word = malloc((cap ? cap : 1) * sizeof(book.word[0]));
	if (book.word == NULL)
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
		char *tab = strchr(p, '\t');
		if (tab == NULL || tab == p)
			return fail("not \"word<TAB>pinyin\"", line);
		*tab = '\0';
		size_t wl = (size_t)(tab - p), chars = 0;
		if (!utf8_valid(p, wl))
			return fail("the word is not UTF-8", line);
		for (size_t k = 0; k < wl; k += utf8_lead_len((unsigned char)p[k])) {
			if ((unsigned char)p[k] < 0x80)
				return fail("the word is not all Hanzi", line);
			chars++;
		}
		if (chars < 2 || chars > PHRASEBOOK_MAX_WORD_CHARS)
			return fail("a word is 2 to 8 characters", line);
		if (!valid_pinyin(tab + 1))
			return fail("the pinyin is not syllables with tone digits",
			    line);
		if (book.n > 0 && strcmp(book.word[book.n - 1], p) >= 0)
			return fail("not sorted, or a word twice", line);
		book.word[book.n++] = p;
		p = nl + 1;
	}
	if (book.n == 0)
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
out:
	if (f != NULL)
		fclose(f);
	if (book.info.words == 0) {
		free(book.word);
		free(book.text);
		book.word = NULL;
		book.text = NULL;
		book.n = 0;
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

/* The exact word of wl bytes at s, or NULL; its pinyin in *pinyin. */
static const char *
find_exact(const char *s, size_t wl, const char **pinyin)
{
	size_t lo = 0, hi = book.n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const char *w = book.word[mid];
		int c = strncmp(w, s, wl);
		if (c == 0 && w[wl] != '\0')
			c = 1;	/* longer than s: after it */
		if (c == 0) {
			*pinyin = w + wl + 1;
			return w;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

size_t
tts_phrasebook_longest_at(const char *text, size_t len, const char **pinyin)
{
	size_t ends[PHRASEBOOK_MAX_WORD_CHARS + 1], n = 0, i = 0;

	pthread_once(&once, load);
	if (book.n == 0)
		return 0;
	/* The byte ends of the next 2..8 characters, then the longest first. */
	while (n < PHRASEBOOK_MAX_WORD_CHARS && i < len) {
		size_t cl = utf8_lead_len((unsigned char)text[i]);
		if ((unsigned char)text[i] < 0x80 || cl > len - i)
			break;
		i += cl;
		ends[++n] = i;
	}
	for (size_t k = n; k >= 2; k--)
		if (find_exact(text, ends[k], pinyin) != NULL)
			return ends[k];
	return 0;
}
