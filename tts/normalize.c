/*
 * normalize.c — turns notice text into the words a native broadcaster reads.
 * eSpeak NG reads 2022年 as a quantity and 12:00 as nonsense; villagers judge
 * us on exactly these, so every digit, symbol and Latin letter is rewritten
 * into Hanzi (numbers in norm_number.c, dates and times in norm_date.c,
 * units and money in norm_unit.c, letters in norm_latin.c), and
 * punctuation becomes the two pauses eSpeak honours (，short, 。long).
 * Input is hostile: decoded strictly, bounded, never read past its end.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tts/cn_number.h"
#include "tts/norm.h"

/* ---- formulas ------------------------------------------------------------------ */

static bool
is_relation(uint32_t c)
{
	/* = < > ≤ ≥ ≠ ≈ ⩽ ⩾ */
	return c == '=' || c == '<' || c == '>' || c == 0x2264 ||
	    c == 0x2265 || c == 0x2260 || c == 0x2248 || c == 0x2A7D ||
	    c == 0x2A7E;
}

static bool
is_formula_char(uint32_t c)
{
	return is_digit(c) || is_latin(c) || is_relation(c) || c == '+' ||
	    c == '-' || c == 0x2212 || c == 0xD7 || c == 0xF7 || c == '*' ||
	    c == '/' || c == 0xB1 || c == '(' || c == ')' || c == '.' ||
	    c == '%' || c == ' ' || c == '^';
}

/*
 * 1+2=3, 5 - 3 = 2, PM2.5<35, x≥60: a run of operands and operators with a
 * relation in it is a formula, where - is 减 and 3-5 no range. Each part
 * of the text is looked at once (formula_seen), so this stays linear.
 */
static void
find_formula(struct norm *z, size_t i)
{
	bool rel = false, digit = false;
	size_t k = i;

	if (i < z->formula_seen)
		return;
	while (k < z->n && is_formula_char(z->cp[k])) {
		digit |= is_digit(z->cp[k]);
		rel |= is_relation(z->cp[k]);
		k++;
	}
	z->formula_seen = k > i ? k : i + 1;
	if (rel && digit)
		z->formula_end = k;
}

/* Is there an operand just before i (through spaces)? */
static bool
operand_before(const struct norm *z, size_t i)
{
	while (i > 0 && at(z, i - 1) == ' ')
		i--;
	if (i == 0)
		return false;
	uint32_t c = at(z, i - 1);
	return is_digit(c) || is_latin(c) || c == ')' || c == '%';
}

static bool
operand_after(const struct norm *z, size_t i)
{
	uint32_t c = at(z, skip_space(z, i));

	return is_digit(c) || is_latin(c) || c == '(' ||
	    (is_minus(c) && is_digit(at(z, skip_space(z, i) + 1)));
}

size_t
norm_read_math(struct norm *z, size_t i)
{
	uint32_t c = at(z, i);
	bool f = in_formula(z, i);
	const char *say = NULL;
	size_t len = 1;

	if ((c == '<' || c == '>') && at(z, i + 1) == '=') {
		say = c == '<' ? "小于等于" : "大于等于";
		len = 2;
	} else if (c == '!' && at(z, i + 1) == '=' && f) {
		say = "不等于";
		len = 2;
	} else if (c == 0x2264 || c == 0x2A7D) {
		say = "小于等于";
	} else if (c == 0x2265 || c == 0x2A7E) {
		say = "大于等于";
	} else if (c == 0x2260) {
		say = "不等于";
	} else if (c == 0x2248 && (f || operand_after(z, i + 1))) {
		say = "约等于";
	} else if (c == '=') {
		say = "等于";
	} else if ((c == '<' || c == '>') && (f || operand_after(z, i + 1))) {
		say = c == '<' ? "小于" : "大于";
	} else if (c == 0xB1 && operand_after(z, i + 1)) {
		say = "正负";
	} else if (c == 0xD7) {
		say = "乘";
	} else if (c == 0xF7) {
		say = "除以";
	} else if (c == '*' && f && operand_before(z, i)) {
		say = "乘";
	} else if (c == '+' && operand_before(z, i) &&
	    operand_after(z, i + 1)) {
		/* 1+1, x+y, and K12+500 (a road's chainage) */
		say = "加";
	} else if (is_minus(c) && f) {
		if (!operand_before(z, i))
			return is_digit(at(z, skip_space(z, i + 1))) ?
			    norm_read_number(z, i) : 0;
		say = "减";
	}
	if (say == NULL)
		return 0;
	emit(z, say);
	z->after_number = false;
	return i + len;
}

/* ---- the scanner ---------------------------------------------------------------------- */

/* Fold full-width ASCII (Ａ１２：) to ASCII so one set of rules serves both,
 * and a few look-alikes to the character they stand for. */
static void
fold_width(uint32_t *cp, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (cp[i] >= 0xFF01 && cp[i] <= 0xFF5E)
			cp[i] -= 0xFEE0;
		else if (cp[i] == 0xFFE1)
			cp[i] = 0xA3;	/* ￡ */
		else if (cp[i] == 0xFFE5)
			cp[i] = 0xA5;	/* ￥ */
		else if (cp[i] == 0xFFE6)
			cp[i] = 0x20A9;	/* ￦ */
		else if (cp[i] == 0x2236)
			cp[i] = ':';	/* ∶ the ratio sign, as in 3∶1 */
		else if (cp[i] == 0x2215 || cp[i] == 0x2044)
			cp[i] = '/';	/* ∕ ⁄ */
		else if (cp[i] == 0xFE63)
			cp[i] = '-';	/* ﹣ */
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

/* The step from code point from (out at out0) to i was a rule's if it
 * started on something not Hanzi and said something. */
static void
tell_span(struct norm *z, size_t from, size_t out0, size_t i)
{
	if (z->span_fn == NULL || from >= i || is_hanzi(z->cp[from]) ||
	    z->out.len <= out0)
		return;
	const char *o = z->out.buf + out0;
	size_t n = z->out.len - out0;
	while (n >= 3 && (memcmp(o, "，", 3) == 0 || memcmp(o, "。", 3) == 0)) {
		o += 3;
		n -= 3;
	}
	if (n > 0)
		z->span_fn(z->cp + from, i - from, o, n, z->span_arg);
}

static void
scan(struct norm *z)
{
	size_t i = 0, from = 0, out0 = 0;

	while (i < z->n) {
		uint32_t c = z->cp[i];
		size_t m;

		tell_span(z, from, out0, i);
		from = i;
		out0 = z->out.len;

		if (is_formula_char(c))
			find_formula(z, i);
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
		if ((m = norm_read_math(z, i)) != 0) {
			i = m;
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
		if ((c == '$' || c == 0xA5 || c == 0xA3 || c == 0x20AC ||
		    c == 0x20A9 || c == 0x20B9 || (c >= 'A' && c <= 'Z')) &&
		    (m = norm_read_money(z, i)) != 0) {
			i = m;	/* ¥1,200 一千二百元, HK$5 五港元 */
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
			i = norm_read_latin(z, i);
			continue;
		}
		if (norm_is_kana(c) || norm_is_hangul(c)) {
			i = norm_read_foreign(z, i);
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
			/* Quotes, book-title marks, middle dots and emoji
			 * are dropped (kana and hangul are not: see
			 * norm_latin.c). */
			break;
		}
		i++;
	}
	tell_span(z, from, out0, i);
	/* Keep a final full stop the writer gave, so sentences stay sentences. */
	if (z->pending == PAUSE_LONG)
		flush_pause(z);
}

char *
tts_normalize(const char *text, size_t len, enum tts_dialect dialect,
    char *err, size_t errlen)
{
	return norm_traced(text, len, dialect, NULL, NULL, err, errlen);
}

char *
norm_traced(const char *text, size_t len, enum tts_dialect dialect,
    norm_span_fn fn, void *arg, char *err, size_t errlen)
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
	z.span_fn = fn;
	z.span_arg = arg;
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
