/*
 * norm_number.c — numbers as a broadcaster reads them, decided by what
 * stands around them: 2022年 digit by digit, 2个 as 两, 12:00 as a clock,
 * 13812345678 with 幺, -5℃ as 零下, 10-20% as a range of percentages.
 * Every look-ahead goes through at(), which never reads past the text.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tts/cn_number.h"
#include "tts/norm.h"

/* ---- vocabulary -------------------------------------------------------------------- */

/* Measure words and units after which the number 2 reads 两 (两个人, 两公里).
 * Not 月/日/号/楼/组/级/期: those count positions (二月, 二号楼). */
static const char *const liang_words[] = {
	"个", "位", "名", "人", "次", "天", "年", "周", "星期", "小时", "分钟",
	"秒", "辆", "台", "头", "只", "条", "件", "张", "本", "斤", "公斤",
	"吨", "亩", "户", "家", "间", "所", "座", "趟", "遍", "场", "批",
	"种", "项", "份", "套", "箱", "袋", "包", "瓶", "米", "公里", "千米",
	"千克", "克", "升", "块", "元", "角", "毛", "万", "亿", "千", "百",
	"岁", "倍", "点", "株", "棵", "把", "双", "对", "句", "篇", "段",
	"轮", "公顷", "平方", "立方", "车", "口", "辆次", "例", "起", "处",
	"里", "尺", "寸", "丈", "分", NULL,
};

/* Words after which a number is a count or a measure, not a phone number. */
static const char *const count_words[] = {
	"年", "月", "日", "号", "楼", "组", "级", "期", "度", "%", "元",
	"多", "余", "来", "几", "左右", "以上", "以下", "以内", "周年",
	"摄氏度", "层", "室", "路", "届", "号线", "类", NULL,
};

/* Words that announce a phone number within a few characters before it. */
static const char *const phone_words[] = {
	"电话", "热线", "拨打", "致电", "报警", "手机", "号码", "咨询",
	"举报", "求助", "急救", "火警", "联系", "tel", "Tel", "TEL", NULL,
};

/* Numbers read digit by digit wherever they stand alone. */
static const char *const service_numbers[] = {
	"110", "119", "120", "122", "12345", "12315", "12369", "12320",
	"12350", "12348", "12395", "12319", "12333", "12356", "95598",
	"96110", "12110", "12121", "12379", NULL,
};

struct unit {
	const char *text;
	const char *reading;
};

/* Units written in Latin letters or symbols after a number. Longest first
 * where one is a prefix of another. */
static const struct unit units[] = {
	{ "km/h", "公里每小时" }, { "km²", "平方公里" }, { "km2", "平方公里" },
	{ "km", "公里" }, { "kg", "公斤" }, { "mg", "毫克" }, { "g", "克" },
	{ "t", "吨" }, { "mm", "毫米" }, { "cm", "厘米" },
	{ "m²", "平方米" }, { "m2", "平方米" }, { "m³", "立方米" },
	{ "m3", "立方米" }, { "m/s", "米每秒" }, { "m", "米" },
	{ "ml", "毫升" }, { "mL", "毫升" }, { "L", "升" },
	{ "kWh", "千瓦时" }, { "kW·h", "千瓦时" }, { "kW", "千瓦" },
	{ "W", "瓦" }, { "kV", "千伏" }, { "V", "伏" }, { "h", "小时" },
	{ "min", "分钟" }, { "s", "秒" }, { "MB", "兆" }, { "GB", "G" },
	{ "mph", "英里每小时" }, { "ha", "公顷" },
	{ "℃", "摄氏度" }, { "°C", "摄氏度" }, { "°F", "华氏度" },
	{ "°", "度" }, { "㎡", "平方米" }, { "㎞", "公里" }, { "㎏", "公斤" },
	{ "㎜", "毫米" }, { "㎝", "厘米" }, { "㎎", "毫克" }, { "㏄", "毫升" },
	{ NULL, NULL },
};

/* A unit at i; the Latin ones must not run on into a longer word. */
static const struct unit *
unit_at(const struct norm *z, size_t i, size_t *len)
{
	const struct unit *best = NULL;
	size_t bestlen = 0;

	for (const struct unit *u = units; u->text; u++) {
		size_t m = match(z, i, u->text);
		if (m == 0 || m <= bestlen)
			continue;
		if (is_latin(at(z, i + m - 1)) && is_latin(at(z, i + m)))
			continue;
		best = u;
		bestlen = m;
	}
	*len = bestlen;
	return best;
}

/* Latin letters as Chinese listeners say them. */
/* ---- numbers ------------------------------------------------------------------------- */

struct num {
	size_t start, end;	/* code points [start, end) incl. sign */
	bool neg;
	char ip[64];		/* integer digits, grouping commas removed */
	size_t ni;
	char fp[32];		/* fraction digits */
	size_t nf;
	bool grouped;		/* written with thousands separators */
};

/* Scan an unsigned run of digits at i into d; returns the count (0: none). */
size_t
norm_scan_digits(const struct norm *z, size_t i, char *d, size_t cap)
{
	size_t k = 0;

	while (is_digit(at(z, i + k))) {
		if (k < cap)
			d[k] = (char)at(z, i + k);
		k++;
	}
	return k;
}

static int
digits_value(const struct norm *z, size_t i, size_t n)
{
	int v = 0;

	for (size_t k = 0; k < n; k++)
		v = v * 10 + (int)(at(z, i + k) - '0');
	return v;
}

/* Parse [-]digits[,ddd...][.digits] at i. Returns false if there is no number
 * or it is too long to hold (the caller reads such runs digit by digit). */
static bool
parse_number(const struct norm *z, size_t i, struct num *nm)
{
	memset(nm, 0, sizeof(*nm));
	nm->start = i;
	if (is_minus(at(z, i))) {
		nm->neg = true;
		i++;
	}
	size_t k = norm_scan_digits(z, i, nm->ip, sizeof(nm->ip));
	if (k == 0 || k > sizeof(nm->ip))
		return false;
	nm->ni = k;
	i += k;
	/* 12,000 and 1,234,567: groups of exactly three after a short head. */
	while (nm->ni <= sizeof(nm->ip) - 3 && at(z, i) == ',' &&
	    (nm->grouped || k <= 3) && norm_scan_digits(z, i + 1, nm->ip + nm->ni, 3) == 3) {
		nm->ni += 3;
		nm->grouped = true;
		i += 4;
	}
	if (at(z, i) == '.' && is_digit(at(z, i + 1))) {
		size_t f = norm_scan_digits(z, i + 1, nm->fp, sizeof(nm->fp));
		if (f > sizeof(nm->fp))
			return false;
		nm->nf = f;
		i += 1 + f;
	}
	nm->end = i;
	return true;
}


static bool
phone_context(const struct norm *z, size_t i)
{
	size_t from = i > 10 ? i - 10 : 0;

	for (size_t k = from; k < i; k++)
		if (match_any(z, k, phone_words))
			return true;
	return false;
}

static bool
count_follows(const struct norm *z, size_t i)
{
	size_t ulen;

	i = skip_space(z, i);
	return match_any(z, i, liang_words) || match_any(z, i, count_words) ||
	    unit_at(z, i, &ulen) != NULL;
}

/* Is the number ending at i followed, possibly through a range, by a
 * temperature unit? Decides 零下 vs 负 for "-5~3℃". */
static bool
temperature_follows(const struct norm *z, size_t i)
{
	struct num nm;

	i = skip_space(z, i);
	if (match(z, i, "℃") || match(z, i, "°") || match(z, i, "度") ||
	    match(z, i, "摄氏度"))
		return true;
	if (is_range_sep(at(z, i)) && parse_number(z, i + 1, &nm))
		return temperature_follows(z, nm.end);
	return false;
}

static bool
percent_follows_range(const struct norm *z, size_t i)
{
	struct num nm;

	return is_range_sep(at(z, i)) && parse_number(z, i + 1, &nm) &&
	    at(z, nm.end) == '%';
}

/* YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD → 二零二六年十一月二十三日. */
static size_t
try_date(struct norm *z, size_t i)
{
	uint32_t sep = at(z, i + 4);
	size_t m, d;

	if (norm_scan_digits(z, i, (char[8]){0}, 8) != 4 ||
	    (sep != '-' && sep != '/' && sep != '.'))
		return 0;
	m = norm_scan_digits(z, i + 5, (char[8]){0}, 8);
	if (m < 1 || m > 2 || at(z, i + 5 + m) != sep)
		return 0;
	d = norm_scan_digits(z, i + 6 + m, (char[8]){0}, 8);
	if (d < 1 || d > 2)
		return 0;
	int mv = digits_value(z, i + 5, m), dv = digits_value(z, i + 6 + m, d);
	if (mv < 1 || mv > 12 || dv < 1 || dv > 31)
		return 0;

	char y[4], buf[12];
	for (int k = 0; k < 4; k++)
		y[k] = (char)at(z, i + (size_t)k);
	flush_pause(z);
	cn_digits(&z->out, y, 4, 0);
	sbuf_puts(&z->out, "年");
	snprintf(buf, sizeof(buf), "%d", mv);
	cn_cardinal(&z->out, buf, strlen(buf), 0);
	sbuf_puts(&z->out, "月");
	snprintf(buf, sizeof(buf), "%d", dv);
	cn_cardinal(&z->out, buf, strlen(buf), 0);
	/* The writer may add 日/号 themselves: "2026-11-23日" is rare, skip. */
	sbuf_puts(&z->out, "日");
	return i + 6 + m + d;
}

/* Read a clock time H:MM[:SS] at i into the output. Returns the end, or 0. */
static size_t
read_clock(struct norm *z, size_t i, bool emit_it)
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
	if (at(z, end) == ':' && norm_scan_digits(z, end + 1, (char[8]){0}, 8) == 2) {
		sv = digits_value(z, end + 1, 2);
		if (sv > 59)
			return 0;
		s = 3;
	}
	end += s;
	if (is_digit(at(z, end)))
		return 0;
	if (!emit_it)
		return end;

	char buf[12];
	flush_pause(z);
	snprintf(buf, sizeof(buf), "%d", hv);
	cn_cardinal(&z->out, buf, strlen(buf), CN_LIANG_ALONE);
	sbuf_puts(&z->out, "点");
	if (mv > 0 || sv > 0) {
		if (mv < 10)
			sbuf_puts(&z->out, "零");
		snprintf(buf, sizeof(buf), "%d", mv);
		cn_cardinal(&z->out, buf, strlen(buf), 0);
		sbuf_puts(&z->out, "分");
	}
	if (sv > 0) {
		snprintf(buf, sizeof(buf), "%d", sv);
		cn_cardinal(&z->out, buf, strlen(buf), 0);
		sbuf_puts(&z->out, "秒");
	}
	return end;
}

/* 12:00, 8:30, 16:00-16:30, and 3:2 (a score) → 三比二. */
static size_t
try_clock(struct norm *z, size_t i)
{
	size_t end = read_clock(z, i, true);

	if (end == 0) {
		size_t a = norm_scan_digits(z, i, (char[8]){0}, 8);
		char da[8], db[8];
		if (a == 0 || a > 4 || at(z, i + a) != ':')
			return 0;
		size_t b = norm_scan_digits(z, i + a + 1, db, sizeof(db));
		if (b == 0 || b > sizeof(db))
			return 0;
		norm_scan_digits(z, i, da, sizeof(da));
		flush_pause(z);
		cn_cardinal(&z->out, da, a, 0);
		sbuf_puts(&z->out, "比");
		cn_cardinal(&z->out, db, b, 0);
		return i + a + 1 + b;
	}
	if (is_range_sep(at(z, end)) && read_clock(z, end + 1, false)) {
		sbuf_puts(&z->out, "至");
		end = read_clock(z, end + 1, true);
	}
	return end;
}

/* 0571-88886666, 400-800-1234, 138-1234-5678: grouped phone numbers. */
static size_t
try_grouped_phone(struct norm *z, size_t i)
{
	size_t g[4], ng = 0, k = i, total = 0;

	while (ng < 4) {
		g[ng] = norm_scan_digits(z, k, (char[16]){0}, 16);
		if (g[ng] == 0)
			break;
		if (g[ng] > 8)
			return 0;	/* no phone number has such a group */
		total += g[ng];
		k += g[ng];
		ng++;
		if (at(z, k) != '-' || !is_digit(at(z, k + 1)))
			break;
		k++;
	}
	if (ng < 2 || is_digit(at(z, k)))
		return 0;
	bool area = at(z, i) == '0' && g[0] >= 3 && g[0] <= 4 && g[1] >= 7;
	bool three = ng >= 3 && total >= 10;
	if (!area && !three)
		return 0;

	flush_pause(z);
	size_t p = i;
	for (size_t gi = 0; gi < ng; gi++) {
		char d[16];
		norm_scan_digits(z, p, d, sizeof(d));
		if (gi > 0)
			sbuf_puts(&z->out, "，");
		cn_digits(&z->out, d, g[gi], z->dialect == TTS_MANDARIN);
		p += g[gi] + 1;
	}
	z->after_number = true;
	return k;
}

static bool
is_service_number(const struct num *nm)
{
	for (const char *const *s = service_numbers; *s; s++)
		if (strlen(*s) == nm->ni && memcmp(*s, nm->ip, nm->ni) == 0)
			return true;
	return false;
}

/* How a plain integer should be read when it is not a quantity. */
enum reading { READ_CARDINAL, READ_PHONE, READ_YEAR, READ_ZERO_PADDED };
/* READ_YEAR also serves 80后 / 90后: a decade of birth is read 八零后. */

static enum reading
classify_integer(const struct norm *z, const struct num *nm, bool ordinal)
{
	size_t after = skip_space(z, nm->end);

	if (nm->neg || nm->nf || nm->grouped || ordinal)
		return READ_CARDINAL;
	if (nm->ni == 4 && match(z, after, "年"))
		return READ_YEAR;
	if (nm->ni == 4 && is_range_sep(at(z, nm->end)) &&
	    norm_scan_digits(z, nm->end + 1, (char[8]){0}, 8) == 4 &&
	    match(z, nm->end + 5, "年"))
		return READ_YEAR;
	if (nm->ni == 2 && nm->ip[1] == '0' && match(z, nm->end, "后"))
		return READ_YEAR;
	if (nm->ip[0] == '0' && nm->ni == 2 && count_follows(z, nm->end))
		return READ_ZERO_PADDED;	/* 05分, 09号 */
	if (nm->ip[0] == '0' && nm->ni >= 2)
		return READ_PHONE;
	if (nm->ni == 11 && nm->ip[0] == '1')
		return READ_PHONE;
	if (nm->ni >= 12)
		return READ_PHONE;		/* ID and account numbers */
	if (nm->ni >= 3 && phone_context(z, nm->start) &&
	    !count_follows(z, nm->end))
		return READ_PHONE;
	if (is_service_number(nm) && !count_follows(z, nm->end))
		return READ_PHONE;
	return READ_CARDINAL;
}

/* After a number at j: a range separator and another number read 至
 * (3-5天, 20~30人, -5~-1℃, 10-20%, 8——10级). Returns where to go on. */
static size_t
read_range(struct norm *z, size_t j, bool range_percent)
{
	struct num next;
	size_t k = j + 1;

	if (!is_range_sep(at(z, j)))
		return j;
	if (at(z, k) == at(z, j) && !is_digit(at(z, k)))
		k++;	/* —— */
	if (!parse_number(z, k, &next))
		return j;
	sbuf_puts(&z->out, "至");
	z->skip_percent = range_percent;
	z->force_temp = next.neg && temperature_follows(z, next.end);
	z->after_number = false;	/* so a minus that follows is a sign */
	return k;
}

size_t
norm_read_number(struct norm *z, size_t i)
{
	struct num nm;
	bool ordinal = i > 0 && match(z, i - 1, "第");
	size_t j;

	if (!is_minus(at(z, i))) {
		if ((j = try_date(z, i)) || (j = try_clock(z, i)) ||
		    (j = try_grouped_phone(z, i))) {
			z->after_number = true;
			return j;
		}
	}
	if (!parse_number(z, i, &nm)) {
		/* Too long to be a number: read it digit by digit. */
		char d[16];
		size_t k = i + (is_minus(at(z, i)) ? 1 : 0);
		flush_pause(z);
		while (is_digit(at(z, k))) {
			size_t c = norm_scan_digits(z, k, d, sizeof(d));
			if (c > sizeof(d))
				c = sizeof(d);
			cn_digits(&z->out, d, c, z->dialect == TTS_MANDARIN);
			k += c;
		}
		z->after_number = true;
		return k;
	}

	flush_pause(z);
	enum reading r = classify_integer(z, &nm, ordinal);
	j = nm.end;
	switch (r) {
	case READ_YEAR:
		cn_digits(&z->out, nm.ip, nm.ni, 0);
		z->after_number = true;
		if (is_range_sep(at(z, j)) && is_digit(at(z, j + 1))) {
			sbuf_puts(&z->out, "至");	/* 2022-2025年 */
			z->after_number = false;
			return j + 1;
		}
		return j;
	case READ_PHONE:
		cn_digits(&z->out, nm.ip, nm.ni, z->dialect == TTS_MANDARIN);
		z->after_number = true;
		return j;
	case READ_ZERO_PADDED:
		sbuf_puts(&z->out, "零");
		cn_digits(&z->out, nm.ip + 1, 1, 0);
		z->after_number = true;
		return j;
	case READ_CARDINAL:
		break;
	}

	size_t after = skip_space(z, j);
	bool percent = at(z, j) == '%' || at(z, j) == 0x2030;
	bool range_percent = !percent && percent_follows_range(z, j);
	bool fraction = !nm.nf && !nm.neg && at(z, j) == '/' &&
	    is_digit(at(z, j + 1));

	if (fraction) {
		struct num den;
		if (parse_number(z, j + 1, &den) && !den.nf && !den.neg) {
			cn_cardinal(&z->out, den.ip, den.ni, CN_LIANG_LEADING);
			sbuf_puts(&z->out, "分之");
			cn_cardinal(&z->out, nm.ip, nm.ni, CN_LIANG_LEADING);
			z->after_number = true;
			return den.end;
		}
	}

	if (nm.neg) {
		bool temp = z->force_temp || temperature_follows(z, j);
		sbuf_puts(&z->out, temp ? "零下" : "负");
	}
	if ((percent || range_percent) && !z->skip_percent)
		sbuf_puts(&z->out, at(z, j) == 0x2030 ? "千分之" : "百分之");
	z->skip_percent = false;
	z->force_temp = false;

	if (nm.nf) {
		cn_decimal(&z->out, nm.ip, nm.ni, nm.fp, nm.nf);
	} else {
		int flags = ordinal ? 0 : CN_LIANG_LEADING;
		size_t ulen;
		if (!ordinal && (match_any(z, after, liang_words) ||
		    (unit_at(z, after, &ulen) && !match(z, after, "℃") &&
		    !match(z, after, "°"))))
			flags |= CN_LIANG_ALONE;
		cn_cardinal(&z->out, nm.ip, nm.ni, flags);
	}
	z->after_number = true;

	if (percent) {
		j++;
	} else {
		/* A unit written in letters or symbols. */
		size_t ulen;
		const struct unit *u = unit_at(z, after, &ulen);
		if (u != NULL) {
			sbuf_puts(&z->out, u->reading);
			j = after + ulen;
		}
		if (at(z, j) == '#') {
			sbuf_puts(&z->out, "号");
			j++;
		}
	}
	return read_range(z, j, range_percent);
}

