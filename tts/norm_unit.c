/*
 * norm_unit.c — units and money: 50kg is 五十公斤, 3w元 三万元, ¥30 三十元,
 * $1.5万 一点五万美元, HK$200 两百港元. Notices copy figures from price
 * lists and news wires, so symbols and ISO codes come both before and
 * after the number.
 */
#include <stdbool.h>
#include <string.h>

#include "tts/cn_number.h"
#include "tts/norm.h"

/* Units written in Latin letters or symbols after a number. The longest
 * match wins, so km² beats km and kWh beats kW. */
static const struct unit units[] = {
	{ "km/h", "公里每小时" }, { "km²", "平方公里" }, { "km2", "平方公里" },
	{ "km", "公里" }, { "KM", "公里" }, { "Km", "公里" },
	{ "kg", "公斤" }, { "KG", "公斤" }, { "Kg", "公斤" },
	{ "mg", "毫克" }, { "μg", "微克" }, { "g", "克" }, { "t", "吨" },
	{ "mm", "毫米" }, { "mm²", "平方毫米" }, { "cm", "厘米" },
	{ "cm²", "平方厘米" }, { "cm³", "立方厘米" }, { "μm", "微米" },
	{ "nm", "纳米" },
	{ "m²", "平方米" }, { "m2", "平方米" }, { "m³", "立方米" },
	{ "m3", "立方米" }, { "m³/s", "立方米每秒" }, { "m/s", "米每秒" },
	{ "m", "米" },
	{ "ml", "毫升" }, { "mL", "毫升" }, { "L", "升" },
	{ "kWh", "千瓦时" }, { "kW·h", "千瓦时" }, { "kw", "千瓦" },
	{ "kW", "千瓦" }, { "KW", "千瓦" }, { "kV", "千伏" }, { "V", "伏" },
	{ "mAh", "毫安时" }, { "mA", "毫安" },
	{ "h", "小时" }, { "min", "分钟" }, { "ms", "毫秒" }, { "s", "秒" },
	{ "MB", "兆" }, { "GB", "吉" }, { "TB", "太" },
	{ "Hz", "赫兹" }, { "kHz", "千赫" }, { "MHz", "兆赫" },
	{ "GHz", "吉赫" }, { "dB", "分贝" },
	{ "Pa", "帕" }, { "hPa", "百帕" }, { "kPa", "千帕" }, { "MPa", "兆帕" },
	{ "kcal", "千卡" }, { "mph", "英里每小时" }, { "ha", "公顷" },
	{ "℃", "摄氏度" }, { "°C", "摄氏度" }, { "°F", "华氏度" },
	{ "℉", "华氏度" },
	{ "°", "度" }, { "㎡", "平方米" }, { "㎞", "公里" }, { "㎏", "公斤" },
	{ "㎜", "毫米" }, { "㎝", "厘米" }, { "㎎", "毫克" }, { "㏄", "毫升" },
	/* money written after the number */
	{ "USD", "美元" }, { "HKD", "港元" }, { "EUR", "欧元" },
	{ "JPY", "日元" }, { "GBP", "英镑" }, { "KRW", "韩元" },
	{ "AUD", "澳元" }, { "CAD", "加元" }, { "CNY", "元人民币" },
	{ "RMB", "元人民币" }, { "€", "欧元" }, { "£", "英镑" },
	{ NULL, NULL },
};

/* After 3w or 3W: 万 before these (3w元, 10w+), 瓦 otherwise (60W灯泡). */
static const char *const wan_next[] = {
	"元", "块", "人", "字", "多", "余", "左右", "以上", "+", "起", "次",
	"台", "辆", "份", "粉", NULL,
};

static const struct unit wan = { "w", "万" }, wa = { "W", "瓦" };

const struct unit *
norm_unit_at(const struct norm *z, size_t i, size_t *len)
{
	const struct unit *best = NULL;
	size_t bestlen = 0;

	for (const struct unit *u = units; u->text; u++) {
		size_t m = match(z, i, u->text);
		if (m == 0 || m <= bestlen)
			continue;
		/* A Latin unit must not run on into a longer word (5G, 3D). */
		if (is_latin(at(z, i + m - 1)) && is_latin(at(z, i + m)))
			continue;
		if (m == 1 && at(z, i) == 's' && match(z, i + 1, "店"))
			continue;	/* a 4s店 sells cars, not seconds */
		best = u;
		bestlen = m;
	}
	if (best == NULL && (at(z, i) == 'w' || at(z, i) == 'W') &&
	    !is_latin(at(z, i + 1))) {
		*len = 1;
		return match_any(z, i + 1, wan_next) ? &wan : &wa;
	}
	*len = bestlen;
	return best;
}

/* ---- money ------------------------------------------------------------------ */

struct money {
	const char *text;
	const char *before;	/* said before the amount (人民币一百元) */
	const char *after;	/* said after it */
};

/* Longest first where one is a suffix of another (HK$ before $). */
static const struct money money_prefix[] = {
	{ "HK$", NULL, "港元" }, { "US$", NULL, "美元" }, { "A$", NULL, "澳元" },
	{ "C$", NULL, "加元" }, { "NT$", NULL, "新台币" },
	{ "S$", NULL, "新加坡元" }, { "$", NULL, "美元" },
	{ "¥", NULL, "元" }, { "￥", NULL, "元" }, { "€", NULL, "欧元" },
	{ "£", NULL, "英镑" }, { "₩", NULL, "韩元" }, { "₹", NULL, "卢比" },
	{ "CNY", "人民币", "元" }, { "RMB", "人民币", "元" },
	{ "USD", NULL, "美元" }, { "HKD", NULL, "港元" }, { "EUR", NULL, "欧元" },
	{ "JPY", NULL, "日元" }, { "GBP", NULL, "英镑" }, { "KRW", NULL, "韩元" },
	{ "AUD", NULL, "澳元" }, { "CAD", NULL, "加元" },
	{ NULL, NULL, NULL },
};

/* Magnitudes written in Hanzi after the amount: the currency follows them. */
static const char *const magnitudes[] = {
	"万亿", "千万", "百万", "十万", "万", "亿", "千", "百", NULL,
};

/* The writer named the currency already (¥50元, $5美元). */
static const char *const currency_words[] = {
	"元", "美元", "港元", "澳元", "欧元", "英镑", "韩元", "日元", "块",
	"人民币", NULL,
};

size_t
norm_read_money(struct norm *z, size_t i)
{
	const struct money *mo = NULL;
	size_t len = 0, k;
	struct num nm;

	if (i > 0 && is_latin(at(z, i - 1)))
		return 0;	/* inside a word: ABCUSD is not money */
	for (const struct money *p = money_prefix; p->text; p++) {
		size_t m = match(z, i, p->text);
		if (m > len) {
			mo = p;
			len = m;
		}
	}
	if (mo == NULL)
		return 0;
	k = skip_space(z, i + len);
	if (!is_digit(at(z, k)) || !norm_parse_number(z, k, &nm))
		return 0;

	flush_pause(z);
	if (mo->before)
		sbuf_puts(&z->out, mo->before);
	if (nm.nf)
		cn_decimal(&z->out, nm.ip, nm.ni, nm.fp, nm.nf);
	else
		cn_cardinal(&z->out, nm.ip, nm.ni,
		    CN_LIANG_LEADING | CN_LIANG_ALONE);
	k = nm.end;
	size_t m = match_any(z, k, magnitudes);
	if (m == 0 && (at(z, k) == 'w' || at(z, k) == 'W') &&
	    !is_latin(at(z, k + 1))) {
		sbuf_puts(&z->out, "万");	/* $3w */
		k++;
	}
	for (size_t q = 0; q < m; q++)
		sbuf_putcp(&z->out, at(z, k + q));
	k += m;
	if (!match_any(z, skip_space(z, k), currency_words))
		sbuf_puts(&z->out, mo->after);
	z->after_number = true;
	return k;
}
