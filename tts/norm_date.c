/*
 * norm_date.c — numbers that are dates, clock times and scores. Notices
 * copy dates from forms (2019-02-10, 2008/08, 12/10前, 2019·2·10), times
 * from English sources (8:30 a.m.) and results from sports news (中国1-2);
 * each reads as a broadcaster says it, never as a quantity or a range.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "tts/cn_number.h"
#include "tts/norm.h"

static bool
is_date_sep(uint32_t c)
{
	/* - / . and the middle dots · ・ ‧ */
	return c == '-' || c == '/' || c == '.' || c == 0xB7 || c == 0x30FB ||
	    c == 0x2027 || c == 0x2022;
}

static void
put_int(struct norm *z, int v, int flags)
{
	char buf[12];

	snprintf(buf, sizeof(buf), "%d", v);
	cn_cardinal(&z->out, buf, strlen(buf), flags);
}

/* 月 and 日 after a date, unless the writer wrote them (2019-12月). */
static void
put_month_day(struct norm *z, int mv, int dv, size_t end)
{
	put_int(z, mv, 0);
	if (dv < 0) {
		if (!match(z, end, "月"))
			sbuf_puts(&z->out, "月");
		return;
	}
	sbuf_puts(&z->out, "月");
	put_int(z, dv, 0);
	if (!match(z, end, "日") && !match(z, end, "号"))
		sbuf_puts(&z->out, "日");
}

/* Words after M/D that make it a date, not a fraction (12/10前). */
static const char *const date_after[] = {
	"前", "后", "起", "止", "至", "到", "当天", "开始", "截止", "上午",
	"下午", "晚上", "早上", "凌晨", "中午", "星期", "周", "零时", "全天",
	"(", "（", NULL,
};

/* Words shortly before M/D that make it a date. */
static const char *const date_before[] = {
	"于", "截至", "截止", "日期", "时间", "自", "定于", "将在", "从",
	"今年", "明年", "去年", NULL,
};

static size_t read_clock(struct norm *z, size_t i, bool emit_it, int *hour);

/* M/D: a date only when something says so; 1/3 is a fraction. */
static size_t
try_month_day(struct norm *z, size_t i)
{
	size_t m = norm_scan_digits(z, i, (char[4]){0}, 4), d, end;

	if (m < 1 || m > 2 || at(z, i + m) != '/')
		return 0;
	d = norm_scan_digits(z, i + m + 1, (char[4]){0}, 4);
	end = i + m + 1 + d;
	if (d < 1 || d > 2 || at(z, end) == '/' || at(z, end) == '.' ||
	    at(z, end) == '%')
		return 0;
	if (i > 0 && (is_digit(at(z, i - 1)) || at(z, i - 1) == '/' ||
	    is_minus(at(z, i - 1))))
		return 0;
	int mv = digits_value(z, i, m), dv = digits_value(z, i + m + 1, d);
	if (mv < 1 || mv > 12 || dv < 1 || dv > 31)
		return 0;
	bool padded = (m == 2 && at(z, i) == '0') ||
	    (d == 2 && at(z, i + m + 1) == '0');
	size_t after = skip_space(z, end);
	bool cue = padded || match_any(z, after, date_after) ||
	    norm_word_before(z, i, 6, date_before) ||
	    read_clock(z, after, false, NULL) != 0 ||
	    (is_range_sep(at(z, end)) && at(z, end + 2) == '/');
	if (!cue)
		return 0;
	flush_pause(z);
	put_month_day(z, mv, dv, end);
	return end;
}

size_t
norm_try_date(struct norm *z, size_t i)
{
	uint32_t sep = at(z, i + 4);
	size_t m, d;

	if (norm_scan_digits(z, i, (char[8]){0}, 8) != 4 || !is_date_sep(sep))
		return try_month_day(z, i);
	m = norm_scan_digits(z, i + 5, (char[8]){0}, 8);
	if (m < 1 || m > 2)
		return 0;
	int yv = digits_value(z, i, 4), mv = digits_value(z, i + 5, m), dv = -1;
	if (mv < 1 || mv > 12)
		return 0;
	size_t end = i + 5 + m;
	if (at(z, end) == sep) {
		d = norm_scan_digits(z, end + 1, (char[8]){0}, 8);
		if (d < 1 || d > 2)
			return 0;
		dv = digits_value(z, end + 1, d);
		if (dv < 1 || dv > 31)
			return 0;
		end += 1 + d;
	} else {
		/* YYYY-MM: only a plausible year, and 2019.5 only when no
		 * unit makes it a quantity (2019.5吨). */
		if (yv < 1900 || yv > 2099 || is_digit(at(z, end)) ||
		    (sep == '.' && (m != 2 || norm_count_follows(z, end))) ||
		    (sep == '-' && m != 2 && !match(z, end, "月")))
			return 0;
	}
	if (is_digit(at(z, end)))
		return 0;

	char y[4];
	for (int k = 0; k < 4; k++)
		y[k] = (char)at(z, i + (size_t)k);
	flush_pause(z);
	cn_digits(&z->out, y, 4, 0);
	sbuf_puts(&z->out, "年");
	put_month_day(z, mv, dv, end);
	return end;
}

/* ---- clock times ------------------------------------------------------------- */

static const char *const ampm_words[] = {
	"a.m.", "A.M.", "p.m.", "P.M.", "a.m", "p.m", "am", "AM", "pm", "PM",
	"Am", "Pm", NULL,
};

size_t
norm_ampm_at(const struct norm *z, size_t i, bool *pm)
{
	size_t m = match_any(z, i, ampm_words);

	if (m == 0 || is_latin(at(z, i + m)))
		return 0;
	*pm = at(z, i) == 'p' || at(z, i) == 'P';
	return m;
}

/* Read H:MM[:SS] at i, saying it if emit_it. Returns the end, or 0. */
static size_t
read_clock(struct norm *z, size_t i, bool emit_it, int *hour)
{
	size_t h = norm_scan_digits(z, i, (char[8]){0}, 8);
	size_t m, s = 0;

	if (h < 1 || h > 2 || at(z, i + h) != ':')
		return 0;
	m = norm_scan_digits(z, i + h + 1, (char[8]){0}, 8);
	if (m != 2)
		return 0;
	int hv = digits_value(z, i, h), mv = digits_value(z, i + h + 1, 2);
	int sv = -1;
	if (hv > 24 || mv > 59)
		return 0;
	size_t end = i + h + 3;
	if (at(z, end) == ':' &&
	    norm_scan_digits(z, end + 1, (char[8]){0}, 8) == 2) {
		sv = digits_value(z, end + 1, 2);
		if (sv > 59)
			return 0;
		s = 3;
	}
	end += s;
	if (is_digit(at(z, end)))
		return 0;
	if (hour)
		*hour = hv;
	if (!emit_it)
		return end;

	put_int(z, hv, CN_LIANG_ALONE);
	sbuf_puts(&z->out, "点");
	if (mv > 0 || sv > 0) {
		if (mv < 10)
			sbuf_puts(&z->out, "零");
		put_int(z, mv, 0);
		sbuf_puts(&z->out, "分");
	}
	if (sv > 0) {
		put_int(z, sv, 0);
		sbuf_puts(&z->out, "秒");
	}
	return end;
}

/* Did the writer already say the part of day (下午3:00 PM)? */
static bool
part_of_day_said(const struct norm *z)
{
	static const char *const said[] = {
		"上午", "下午", "早上", "晚上", "中午", "凌晨", "傍晚", "夜里",
		"清晨", "午后", "深夜", "早晨",
	};
	size_t n = z->out.len;

	for (size_t k = 0; k < sizeof(said) / sizeof(said[0]); k++) {
		size_t l = strlen(said[k]);
		if (n >= l && memcmp(z->out.buf + n - l, said[k], l) == 0)
			return true;
	}
	return false;
}

/* 8:30 a.m. → 上午八点三十分; 3 p.m. 下午三点, 8 p.m. 晚上八点 (as said),
 * 12:15 p.m. 中午十二点十五分. */
static void
put_part_of_day(struct norm *z, int hour, bool pm)
{
	if (part_of_day_said(z))
		return;
	if (pm)
		sbuf_puts(&z->out, hour == 12 ? "中午" : hour >= 6 &&
		    hour < 12 ? "晚上" : "下午");
	else
		sbuf_puts(&z->out, hour == 12 ? "午夜" : "上午");
}

/* Scores written H:M right after these are never clock times (比分2:20). */
static const char *const score_before[] = {
	"比分", "比赛", "战胜", "击败", "负于", "战平", "不敌", "对阵", "迎战",
	"大胜", "小胜", "惜败", "力克", "逆转", "国足", "中国队", "主队", "客队",
	NULL,
};

/* Words right after a score. */
static const char *const score_after[] = {
	"战胜", "击败", "负于", "告负", "获胜", "取胜", "战平", "逆转", "落败",
	"惜败", "力克", "大胜", "小胜", "不敌", "的比分", "比分", "胜", "负",
	"平", "领先", "落后", "淘汰", "晋级", "完胜", "零封", "送", NULL,
};

static size_t
read_score(struct norm *z, size_t i, size_t a, size_t b)
{
	char da[8], db[8];

	norm_scan_digits(z, i, da, sizeof(da));
	norm_scan_digits(z, i + a + 1, db, sizeof(db));
	flush_pause(z);
	cn_cardinal(&z->out, da, a, 0);
	sbuf_puts(&z->out, "比");
	cn_cardinal(&z->out, db, b, 0);
	return i + a + 1 + b;
}

/* 12:00, 8:30, 16:00-16:30, 8 am, and 3:2 (a ratio or a score) → 三比二. */
size_t
norm_try_clock(struct norm *z, size_t i)
{
	int h1 = 0, h2 = 0;
	bool pm = false;
	size_t end, ap;

	end = read_clock(z, i, false, &h1);
	if (end != 0 && !norm_word_before(z, i, 3, score_before)) {
		size_t e2 = 0;
		if (is_range_sep(at(z, end)))
			e2 = read_clock(z, end + 1, false, &h2);
		size_t last = e2 ? e2 : end;
		ap = norm_ampm_at(z, skip_space(z, last), &pm);
		flush_pause(z);
		if (ap)
			put_part_of_day(z, h1, pm);
		read_clock(z, i, true, NULL);
		if (e2) {
			sbuf_puts(&z->out, "至");
			read_clock(z, end + 1, true, NULL);
		}
		return ap ? skip_space(z, last) + ap : last;
	}
	size_t a = norm_scan_digits(z, i, (char[8]){0}, 8);
	/* 8am, 3 PM */
	if (a >= 1 && a <= 2 && (ap = norm_ampm_at(z, skip_space(z, i + a), &pm))) {
		h1 = digits_value(z, i, a);
		if (h1 > 12)
			return 0;
		flush_pause(z);
		put_part_of_day(z, h1, pm);
		put_int(z, h1, CN_LIANG_ALONE);
		sbuf_puts(&z->out, "点");
		return skip_space(z, i + a) + ap;
	}
	if (a == 0 || a > 4 || at(z, i + a) != ':')
		return 0;
	size_t b = norm_scan_digits(z, i + a + 1, (char[8]){0}, 8);
	if (b == 0 || b > 7)
		return 0;
	return read_score(z, i, a, b);
}

/* 中国1-2, 以3-1战胜, 2-2战平: a dash between two small numbers is a score
 * when no unit follows and the sports context, or the order (3-1 is no
 * range), says so. */
size_t
norm_try_score(struct norm *z, size_t i)
{
	size_t a = norm_scan_digits(z, i, (char[4]){0}, 4), b, end;

	if (a < 1 || a > 3 || at(z, i + a) != '-' || in_formula(z, i))
		return 0;
	b = norm_scan_digits(z, i + a + 1, (char[4]){0}, 4);
	end = i + a + 1 + b;
	if (b < 1 || b > 3 || is_digit(at(z, end)) || at(z, end) == '.' ||
	    at(z, end) == '%' || at(z, end) == '-' || at(z, end) == ':' ||
	    norm_count_follows(z, end))
		return 0;
	if (i > 0 && (match(z, i - 1, "第") || at(z, i - 1) == '.' ||
	    at(z, i - 1) == '-'))
		return 0;
	bool ctx = norm_word_before(z, i, 8, score_before) ||
	    (i > 0 && (match(z, i - 1, "以") || match(z, i - 1, "比"))) ||
	    match_any(z, skip_space(z, end), score_after);
	/* A team right before it (中国1-2, 主队1-0) and nothing after: a
	 * village notice's "时间9-12，" is a range, so any other word
	 * before it is not enough. */
	bool ends = i > 0 && (at(z, i - 1) == 0x961f /* 队 */ ||
	    at(z, i - 1) == 0x56fd /* 国 */) &&
	    (is_sentence_end(at(z, end)) || at(z, end) == ',' ||
	    at(z, end) == 0x3001);
	if (!ctx && !ends)
		return 0;
	return read_score(z, i, a, b);
}
