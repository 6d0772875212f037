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
	"摄氏度", "层", "室", "路", "届", "号线", "类", "周岁", "之间", "不等",
	NULL,
};

/* Words that announce a phone number within a few characters before it. */
static const char *const phone_words[] = {
	"电话", "热线", "拨打", "致电", "报警", "手机", "号码", "咨询",
	"举报", "求助", "急救", "火警", "联系", "tel", "Tel", "TEL", NULL,
};

/* Words that announce a code (read digit by digit, even two digits). */
static const char *const code_words[] = {
	"尾号", "编号", "工号", "车次", "航班", "邮编", "邮政编码", "密码",
	"验证码", "QQ", "qq", "账号", "帐号", "卡号", "单号", "学号", "房号",
	"房间号", "批号", "代码", "证号", "车牌", "分机", "口令", "序列号",
	"客服", "微信号", "工单", "准考证", NULL,
};

/* Numbers read digit by digit wherever they stand alone. */
static const char *const service_numbers[] = {
	"110", "119", "120", "122", "12345", "12315", "12369", "12320",
	"12350", "12348", "12395", "12319", "12333", "12356", "95598",
	"96110", "12110", "12121", "12379", "12306", "12366", "12365",
	"12358", "12380", "12388", "12355", "12338", "12310", "10086",
	"10010", "10000", "95588", "95533", "95599", "95566", NULL,
};

/* ---- numbers ------------------------------------------------------------------------- */

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

/* Parse [-]digits[,ddd...][.digits] at i. Returns false if there is no number
 * or it is too long to hold (the caller reads such runs digit by digit). */
bool
norm_parse_number(const struct norm *z, size_t i, struct num *nm)
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


bool
norm_word_before(const struct norm *z, size_t i, size_t back,
    const char *const *list)
{
	size_t from = i > back ? i - back : 0;

	for (size_t k = i; k-- > from;) {
		if (is_sentence_end(at(z, k)) && at(z, k) != '.')
			return false;
		if (match_any(z, k, list))
			return true;
	}
	return false;
}

bool
norm_count_follows(const struct norm *z, size_t i)
{
	size_t ulen;

	i = skip_space(z, i);
	return match_any(z, i, liang_words) || match_any(z, i, count_words) ||
	    norm_unit_at(z, i, &ulen) != NULL;
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
	if (is_range_sep(at(z, i)) && norm_parse_number(z, i + 1, &nm))
		return temperature_follows(z, nm.end);
	return false;
}

static bool
percent_follows_range(const struct norm *z, size_t i)
{
	struct num nm;

	return is_range_sep(at(z, i)) && norm_parse_number(z, i + 1, &nm) &&
	    at(z, nm.end) == '%';
}

/* Digits one by one, as a listener writes them down: 幺 for 1 in Mandarin. */
static void
put_digits(struct norm *z, const char *d, size_t n)
{
	cn_digits(&z->out, d, n, z->dialect == TTS_MANDARIN);
}

/* An unbroken phone number with the pauses a broadcaster makes: a mobile
 * 3-4-4 (幺三八，幺二三四，五六七八), 400/800 lines 3-3-4, a landline
 * with its area code (010 and 02x have three digits, the rest four). */
static void
put_phone(struct norm *z, const char *d, size_t n)
{
	size_t g[3] = { n, 0, 0 };

	if (n == 11 && d[0] == '1') {
		g[0] = 3; g[1] = 4; g[2] = 4;
	} else if (n == 10 && (d[0] == '4' || d[0] == '8') && d[1] == '0' &&
	    d[2] == '0') {
		g[0] = 3; g[1] = 3; g[2] = 4;
	} else if (n >= 10 && n <= 12 && d[0] == '0' && d[1] != '0') {
		g[0] = d[1] == '1' || d[1] == '2' ? 3 : 4;
		g[1] = n - g[0];
	}
	for (size_t k = 0, p = 0; k < 3 && g[k]; p += g[k], k++) {
		if (k > 0)
			sbuf_puts(&z->out, "，");
		put_digits(z, d + p, g[k]);
	}
}

/* 0571-88886666, 400-800-1234, 138-1234-5678, 0371-6543 2100, 138 1234
 * 5678: grouped phone numbers, a pause between the groups. */
static size_t
try_grouped_phone(struct norm *z, size_t i)
{
	size_t g[4], ng = 0, k = i, total = 0;
	bool spaced = false;

	while (ng < 4) {
		g[ng] = norm_scan_digits(z, k, (char[16]){0}, 16);
		if (g[ng] == 0)
			break;
		if (g[ng] > 8 || (ng > 0 && spaced && g[ng] < 3))
			return 0;	/* no phone number has such a group */
		total += g[ng];
		k += g[ng];
		ng++;
		if (at(z, k) == ' ' && is_digit(at(z, k + 1)) && g[ng - 1] >= 3) {
			spaced = true;
		} else if (at(z, k) != '-' || !is_digit(at(z, k + 1))) {
			break;
		}
		k++;
	}
	if (ng < 2 || is_digit(at(z, k)))
		return 0;
	if (spaced) {
		/* 100 200 is two numbers; a phone number starts 0, 1, 4, 8. */
		uint32_t c = at(z, i);
		if (total < 10 || total > 13 || !(c == '0' || c == '1' ||
		    c == '4' || c == '8'))
			return 0;
	}
	bool area = at(z, i) == '0' && g[0] >= 3 && g[0] <= 4 && g[1] >= 7;
	bool three = ng >= 3 && total >= 10;
	bool mobile = spaced && at(z, i) == '1' && total == 11;
	if (!area && !three && !mobile)
		return 0;

	flush_pause(z);
	size_t p = i;
	for (size_t gi = 0; gi < ng; gi++) {
		char d[16];
		norm_scan_digits(z, p, d, sizeof(d));
		if (gi > 0)
			sbuf_puts(&z->out, "，");
		put_digits(z, d, g[gi]);
		p += g[gi] + 1;
	}
	z->after_number = true;
	return k;
}

/* 192.168.1.1: an address, digit by digit with 点 between the parts. */
static size_t
try_ip(struct norm *z, size_t i)
{
	size_t len[4], k = i;

	for (int p = 0; p < 4; p++) {
		len[p] = norm_scan_digits(z, k, (char[4]){0}, 4);
		if (len[p] < 1 || len[p] > 3 || digits_value(z, k, len[p]) > 255)
			return 0;
		k += len[p];
		if (p < 3 && at(z, k) != '.')
			return 0;
		k += p < 3;
	}
	if (is_digit(at(z, k)) || (at(z, k) == '.' && is_digit(at(z, k + 1))))
		return 0;
	flush_pause(z);
	for (size_t p = 0, s = i; p < 4; s += len[p] + 1, p++) {
		char d[4];
		norm_scan_digits(z, s, d, sizeof(d));
		if (p > 0)
			sbuf_puts(&z->out, "点");
		put_digits(z, d, len[p]);
	}
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
enum reading {
	READ_CARDINAL, READ_PHONE, READ_YEAR, READ_ZERO_PADDED, READ_UNPADDED,
};
/* READ_YEAR also serves 80后 / 90后: a decade of birth is read 八零后.
 * READ_UNPADDED: 08月, 05日, 09时 drop the zero a form put there. */

static enum reading
classify_integer(const struct norm *z, const struct num *nm, bool ordinal)
{
	size_t after = skip_space(z, nm->end);
	bool counted = norm_count_follows(z, nm->end);

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
	if (nm->ip[0] == '0' && nm->ni == 2 && nm->ip[1] != '0' &&
	    (match(z, after, "月") || match(z, after, "日") ||
	    match(z, after, "号") || match(z, after, "时") ||
	    match(z, after, "点")))
		return READ_UNPADDED;
	if (nm->ip[0] == '0' && nm->ni == 2 && counted)
		return READ_ZERO_PADDED;	/* 05分 */
	if (nm->ip[0] == '0' && nm->ni >= 2)
		return READ_PHONE;
	if (nm->ni == 11 && nm->ip[0] == '1')
		return READ_PHONE;
	if (nm->ni > 8 && !counted)
		return READ_PHONE;	/* ID, account and order numbers */
	if (nm->ni >= 12)
		return READ_PHONE;
	if (nm->ni >= 3 && !counted &&
	    norm_word_before(z, nm->start, 10, phone_words))
		return READ_PHONE;
	if (nm->ni >= 2 && !counted &&
	    norm_word_before(z, nm->start, 8, code_words))
		return READ_PHONE;
	if (is_service_number(nm) && !counted)
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

	if (!is_range_sep(at(z, j)) || in_formula(z, j))
		return j;
	if (at(z, k) == at(z, j) && !is_digit(at(z, k)))
		k++;	/* —— */
	if (!norm_parse_number(z, k, &next))
		return j;
	sbuf_puts(&z->out, "至");
	z->skip_percent = range_percent;
	z->force_temp = next.neg && temperature_follows(z, next.end);
	z->after_number = false;	/* so a minus that follows is a sign */
	return k;
}

/* 1/3, 1 / 2, -1/3 → 三分之一, 负三分之一. Returns the end, or 0. */
static size_t
try_fraction(struct norm *z, const struct num *nm)
{
	size_t k = skip_space(z, nm->end);
	struct num den;

	if (nm->nf || at(z, k) != '/')
		return 0;
	k = skip_space(z, k + 1);
	if (!is_digit(at(z, k)) || !norm_parse_number(z, k, &den) || den.nf ||
	    (den.ni == 1 && den.ip[0] == '0'))
		return 0;
	if (nm->neg)
		sbuf_puts(&z->out, "负");
	cn_cardinal(&z->out, den.ip, den.ni, CN_LIANG_LEADING);
	sbuf_puts(&z->out, "分之");
	cn_cardinal(&z->out, nm->ip, nm->ni, CN_LIANG_LEADING);
	z->after_number = true;
	return den.end;
}

size_t
norm_read_number(struct norm *z, size_t i)
{
	struct num nm;
	bool ordinal = i > 0 && match(z, i - 1, "第");
	size_t j;

	if (!is_minus(at(z, i)) && !in_formula(z, i)) {
		if ((j = try_ip(z, i)) || (j = norm_try_date(z, i)) ||
		    (j = norm_try_clock(z, i)) || (j = try_grouped_phone(z, i)) ||
		    (j = norm_try_score(z, i))) {
			z->after_number = true;
			return j;
		}
	}
	if (!norm_parse_number(z, i, &nm)) {
		/* Too long to be a number: read it digit by digit. */
		char d[16];
		size_t k = i + (is_minus(at(z, i)) ? 1 : 0);
		flush_pause(z);
		while (is_digit(at(z, k))) {
			size_t c = norm_scan_digits(z, k, d, sizeof(d));
			if (c > sizeof(d))
				c = sizeof(d);
			put_digits(z, d, c);
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
		put_phone(z, nm.ip, nm.ni);
		z->after_number = true;
		return j;
	case READ_ZERO_PADDED:
		sbuf_puts(&z->out, "零");
		cn_digits(&z->out, nm.ip + 1, 1, 0);
		z->after_number = true;
		return j;
	case READ_UNPADDED:
		cn_digits(&z->out, nm.ip + 1, 1, 0);
		z->after_number = true;
		return j;
	case READ_CARDINAL:
		break;
	}

	if ((j = try_fraction(z, &nm)) != 0)
		return j;
	j = nm.end;
	size_t after = skip_space(z, j);
	bool percent = at(z, j) == '%' || at(z, j) == 0x2030;
	bool range_percent = !percent && percent_follows_range(z, j);

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
		    (norm_unit_at(z, after, &ulen) && !match(z, after, "℃") &&
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
		const struct unit *u = norm_unit_at(z, after, &ulen);
		if (u != NULL && !(in_formula(z, after) && ulen == 1 &&
		    is_latin(at(z, after)))) {
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
