/*
 * normalize.c — turns notice text into the words a native broadcaster reads.
 * eSpeak NG reads 2022年 as a quantity and 12:00 as nonsense; villagers judge
 * us on exactly these, so every digit, symbol and Latin letter is rewritten
 * into Hanzi (numbers in norm_number.c), and punctuation becomes the two
 * pauses eSpeak honours (，short, 。long). Input is hostile: decoded
 * strictly, bounded, never read past its end.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tts/cn_number.h"
#include "tts/norm.h"

static const char *const letter_names[26] = {
	"诶", "必", "西", "迪", "伊", "艾弗", "吉", "艾尺", "艾", "杰",
	"开", "艾勒", "艾姆", "恩", "欧", "批", "丘", "阿尔", "艾斯", "提",
	"优", "维", "达布溜", "艾克斯", "歪", "贼",
};

/* ---- letters --------------------------------------------------------------------------- */

static size_t
read_letters(struct norm *z, size_t i)
{
	flush_pause(z);
	while (is_latin(at(z, i))) {
		uint32_t c = at(z, i);
		int idx = c >= 'a' ? (int)(c - 'a') : (int)(c - 'A');
		sbuf_puts(&z->out, letter_names[idx]);
		i++;
	}
	z->after_number = false;
	return i;
}

/* ---- the scanner ---------------------------------------------------------------------- */

/* Fold full-width ASCII (Ａ１２：) to ASCII so one set of rules serves both. */
static void
fold_width(uint32_t *cp, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (cp[i] >= 0xFF01 && cp[i] <= 0xFF5E)
			cp[i] -= 0xFEE0;
		else if (cp[i] == 0x3000)
			cp[i] = ' ';
		else if (cp[i] == 0x3007)
			cp[i] = 0x96F6;	/* 〇 → 零 */
	}
}

/* "1." or "2、" opening a line: a list item, read 一，. */
static bool
list_item_at(const struct norm *z, size_t i)
{
	size_t k = i;

	while (k > 0 && is_space(at(z, k - 1)))
		k--;
	if (k > 0 && at(z, k - 1) != '\n' && at(z, k - 1) != '\r')
		return false;
	size_t d = norm_scan_digits(z, i, (char[4]){0}, 4);
	if (d == 0 || d > 2)
		return false;
	uint32_t c = at(z, i + d);
	return (c == '.' && !is_digit(at(z, i + d + 1))) || c == 0x3001;
}

static void
scan(struct norm *z)
{
	size_t i = 0;

	while (i < z->n) {
		uint32_t c = z->cp[i];
		size_t m;

		if (is_digit(c)) {
			if (list_item_at(z, i)) {
				size_t d = norm_scan_digits(z, i, (char[4]){0}, 4);
				char buf[4];
				norm_scan_digits(z, i, buf, sizeof(buf));
				flush_pause(z);
				cn_cardinal(&z->out, buf, d, 0);
				pause(z, PAUSE_SHORT);
				i += d + 1;
				continue;
			}
			i = norm_read_number(z, i);
			continue;
		}
		if (is_range_sep(c) && is_digit(at(z, i + 1)) && i >= 2 &&
		    is_hanzi(at(z, i - 1)) && is_digit(at(z, i - 2))) {
			emit(z, "至");	/* 23日-25日, 3月~5月 */
			i++;
			continue;
		}
		if (is_minus(c) && is_digit(at(z, i + 1)) && !z->after_number &&
		    !(i > 0 && (is_latin(at(z, i - 1)) || is_digit(at(z, i - 1))))) {
			i = norm_read_number(z, i);
			continue;
		}
		if ((c == 0xA5 || c == 0xFFE5 || c == '$') &&
		    is_digit(at(z, i + 1))) {
			/* ¥1,200 → 一千二百元 */
			i = norm_read_number(z, i + 1);
			if (!match(z, skip_space(z, i), "元"))
				sbuf_puts(&z->out, c == '$' ? "美元" : "元");
			continue;
		}
		if (c == 0x2460 || (c > 0x2460 && c <= 0x2473)) {
			char buf[4];
			snprintf(buf, sizeof(buf), "%u", (unsigned)(c - 0x2460 + 1));
			flush_pause(z);
			cn_cardinal(&z->out, buf, strlen(buf), 0);
			pause(z, PAUSE_SHORT);
			i++;
			continue;
		}
		if (is_hanzi(c)) {
			emit_cp(z, c);
			z->after_number = false;
			i++;
			continue;
		}
		if (is_latin(c)) {
			i = read_letters(z, i);
			continue;
		}
		if ((m = match(z, i, "℃")) || (m = match(z, i, "°C"))) {
			emit(z, "摄氏度");
			i += m;
			continue;
		}
		switch (c) {
		case 0x3002: case '.': case '!': case '?': case ';':
		case 0x2026: case 0x22EF: case '\n': case '\r':
			pause(z, PAUSE_LONG);
			break;
		case ',': case 0x3001: case ':': case '(': case ')':
		case '[': case ']': case 0x3010: case 0x3011: case 0x3014:
		case 0x3015: case '|': case '\t': case '~': case 0x301C:
		case 0x2014: case 0x2013: case 0x2015: case '-':
			pause(z, PAUSE_SHORT);
			break;
		case '/':
			/* 元/斤 → 元每斤; otherwise a short pause. */
			if (i > 0 && (is_hanzi(at(z, i - 1)) || z->after_number) &&
			    is_hanzi(at(z, i + 1)))
				emit(z, "每");
			else
				pause(z, PAUSE_SHORT);
			break;
		case ' ':
			if (at(z, i + 1) == ' ')
				pause(z, PAUSE_SHORT);
			break;
		case '+':
			if (z->after_number && is_digit(at(z, i + 1)))
				emit(z, "加");
			break;
		case '=':
			emit(z, "等于");
			break;
		case 0xD7:	/* × */
			emit(z, "乘");
			break;
		case '&':
			emit(z, "和");
			break;
		case '@':
			emit(z, "艾特");
			break;
		case '%':
			emit(z, "百分号");
			break;
		default:
			/* Quotes, book-title marks, middle dots, emoji and
			 * scripts we cannot voice are dropped silently. */
			break;
		}
		i++;
	}
	/* Keep a final full stop the writer gave, so sentences stay sentences. */
	if (z->pending == PAUSE_LONG)
		flush_pause(z);
}

char *
tts_normalize(const char *text, size_t len, enum tts_dialect dialect,
    char *err, size_t errlen)
{
	struct norm z;
	size_t bad;

	if (text == NULL || len == 0) {
		snprintf(err, errlen, "empty text: nothing to say");
		return NULL;
	}
	if (len > TTS_MAX_TEXT_BYTES) {
		snprintf(err, errlen, "text is %zu bytes; the limit is %d",
		    len, TTS_MAX_TEXT_BYTES);
		return NULL;
	}
	memset(&z, 0, sizeof(z));
	z.dialect = dialect;
	z.cp = utf8_decode(text, len, &z.n, &bad);
	if (z.cp == NULL) {
		if (bad == SIZE_MAX)
			snprintf(err, errlen, "out of memory");
		else
			snprintf(err, errlen,
			    "text is not valid UTF-8 (at byte %zu)", bad);
		return NULL;
	}
	fold_width(z.cp, z.n);
	sbuf_init(&z.out);
	scan(&z);
	free(z.cp);

	char *s = sbuf_take(&z.out);
	if (s == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (s[0] == '\0') {
		free(s);
		snprintf(err, errlen, "nothing to say: the text has no "
		    "readable words");
		return NULL;
	}
	return s;
}
