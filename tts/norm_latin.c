/*
 * norm_latin.c — Latin letters and other scripts in Chinese notices. The
 * Mandarin voice reads no English, so a word villagers know by a Chinese
 * name (GOOGLE 谷歌, WIFI 无线网) gets that name, and everything else is
 * spelt with the letter names they use (CCTV 西西提维, APP 诶批批). Kana
 * and hangul cannot be voiced at all; rather than drop them silently we
 * say which language stood there (日文, 韩文), so a preview shows it.
 */
#include <stdbool.h>
#include <string.h>

#include "tts/norm.h"

static const char *const letter_names[26] = {
	"诶", "必", "西", "迪", "伊", "艾弗", "吉", "艾尺", "艾", "杰",
	"开", "艾勒", "艾姆", "恩", "欧", "批", "丘", "阿尔", "艾斯", "提",
	"优", "维", "达布溜", "艾克斯", "歪", "贼",
};

struct word {
	const char *latin;	/* upper case; '-' matches an optional hyphen */
	const char *reading;
};

/* Words with a Chinese name everyone uses. APP is not here: people say
 * the letters (诶批批), and so do we. */
static const struct word words[] = {
	{ "GOOGLE", "谷歌" }, { "ANDROID", "安卓" }, { "WI-FI", "无线网" },
	{ "IPHONE", "苹果手机" }, { "APPLE", "苹果" }, { "MICROSOFT", "微软" },
	{ "WECHAT", "微信" }, { "ALIPAY", "支付宝" }, { "TAOBAO", "淘宝" },
	{ "BAIDU", "百度" }, { "HUAWEI", "华为" }, { "XIAOMI", "小米" },
	{ "E-MAIL", "电子邮件" }, { "BLUETOOTH", "蓝牙" },
	{ "INTERNET", "互联网" }, { "ZIP", "压缩" },
	{ "EMAIL", "电子邮件" }, { "ONLINE", "在线" },
	{ "HELLO", "哈喽" }, { "BYE", "拜拜" },
	{ NULL, NULL },
};

static uint32_t
upper(uint32_t c)
{
	return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

/* Does word w match the Latin run at i, ending there? Returns its length. */
static size_t
word_at(const struct norm *z, size_t i, const char *w)
{
	size_t k = i;

	for (; *w; w++) {
		if (*w == '-') {
			if (at(z, k) == '-' || at(z, k) == ' ')
				k++;
			continue;
		}
		if (upper(at(z, k)) != (uint32_t)(unsigned char)*w)
			return 0;
		k++;
	}
	return is_latin(at(z, k)) ? 0 : k - i;
}

size_t
norm_read_latin(struct norm *z, size_t i)
{
	flush_pause(z);
	z->after_number = false;
	if (i == 0 || !is_latin(at(z, i - 1))) {
		for (const struct word *w = words; w->latin; w++) {
			size_t m = word_at(z, i, w->latin);
			if (m) {
				sbuf_puts(&z->out, w->reading);
				return i + m;
			}
		}
	}
	while (is_latin(at(z, i))) {
		uint32_t c = upper(at(z, i));
		sbuf_puts(&z->out, letter_names[c - 'A']);
		i++;
	}
	return i;
}

/* ---- scripts we cannot voice ------------------------------------------------------ */

bool
norm_is_kana(uint32_t c)
{
	/* hiragana, katakana (not the middle dot ・, a date separator),
	 * katakana extensions, half-width katakana */
	return (c >= 0x3041 && c <= 0x30FF && c != 0x30FB) ||
	    (c >= 0x31F0 && c <= 0x31FF) || (c >= 0xFF66 && c <= 0xFF9F);
}

bool
norm_is_hangul(uint32_t c)
{
	return (c >= 0xAC00 && c <= 0xD7AF) || (c >= 0x1100 && c <= 0x11FF) ||
	    (c >= 0x3130 && c <= 0x318F);
}

/* A run of kana or hangul (spaces inside it included) becomes one
 * placeholder with a pause on each side. */
size_t
norm_read_foreign(struct norm *z, size_t i)
{
	bool kana = norm_is_kana(at(z, i));

	while (kana ? norm_is_kana(at(z, i)) : norm_is_hangul(at(z, i))) {
		i++;
		if (at(z, i) == ' ' && (kana ? norm_is_kana(at(z, i + 1)) :
		    norm_is_hangul(at(z, i + 1))))
			i++;
	}
	pause(z, PAUSE_SHORT);
	emit(z, kana ? "日文" : "韩文");
	pause(z, PAUSE_SHORT);
	return i;
}
