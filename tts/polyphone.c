/*
 * polyphone.c — the words of notices and news whose polyphonic character
 * (多音字) eSpeak NG 1.51 reads wrongly as dalaba drives it, each with the
 * reading a native broadcaster gives it: 村长 cun1 zhang3 (eSpeak: chang2),
 * 银行 yin2 hang2, 干部 gan4 bu4, 重新 chong2 xin1, 种地 zhong4 di4, ...
 * A substitution in the normalised text, like the lexicon (which is applied
 * first, so a county's own entry wins): the Mandarin voice reads pinyin
 * with tone digits natively, and a word it is given as pinyin is not also
 * matched by eSpeak's own word list, which read 董事长 as "dong3 shi4
 * zhang3 shi4 chang2".
 *
 * Text is cut into words by the phrase dictionary's frequencies (see
 * cut_run), dalaba's own words preferred; without the dictionary, longest
 * match first, with one rule against a greedy match across a word
 * boundary: a match that overlaps a longer-reaching one starting inside it
 * gives way (部队长期: not 部 队长 期 but 部队 长期).
 */
#include <assert.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "tts/polyphone.h"
#include "tts/text.h"
#include "tts/tts.h"

static const struct poly words[] = {
	/* 长 zhang3: heads of a place or body, and growing */
	{ "村长", "cun1 zhang3" },
	{ "组长", "zu3 zhang3" },
	{ "镇长", "zhen4 zhang3" },
	{ "乡长", "xiang1 zhang3" },
	{ "县长", "xian4 zhang3" },
	{ "市长", "shi4 zhang3" },
	{ "省长", "sheng3 zhang3" },
	{ "区长", "qu1 zhang3" },
	{ "家长", "jia1 zhang3" },
	{ "校长", "xiao4 zhang3" },
	{ "院长", "yuan4 zhang3" },
	{ "所长", "suo3 zhang3" },
	{ "站长", "zhan4 zhang3" },
	{ "局长", "ju2 zhang3" },
	{ "处长", "chu4 zhang3" },
	{ "科长", "ke1 zhang3" },
	{ "厂长", "chang3 zhang3" },
	{ "队长", "dui4 zhang3" },
	{ "班长", "ban1 zhang3" },
	{ "部长", "bu4 zhang3" },
	{ "社长", "she4 zhang3" },
	{ "行长", "hang2 zhang3" },
	{ "会长", "hui4 zhang3" },
	{ "董事长", "dong3 shi4 zhang3" },
	{ "理事长", "li3 shi4 zhang3" },
	{ "秘书长", "mi4 shu1 zhang3" },
	{ "警长", "jing3 zhang3" },
	{ "网格长", "wang3 ge2 zhang3" },
	{ "河长", "he2 zhang3" },
	{ "林长", "lin2 zhang3" },
	{ "路长", "lu4 zhang3" },
	{ "户长", "hu4 zhang3" },
	{ "成长", "cheng2 zhang3" },
	{ "生长", "sheng1 zhang3" },
	{ "增长", "zeng1 zhang3" },
	{ "长大", "zhang3 da4" },
	{ "长辈", "zhang3 bei4" },
	{ "长势", "zhang3 shi4" },
	{ "助长", "zhu4 zhang3" },
	/* 长 chang2 where a greedy match could take it for zhang3 */
	{ "长期", "chang2 qi1" },
	{ "长效", "chang2 xiao4" },
	{ "长远", "chang2 yuan3" },
	{ "长时间", "chang2 shi2 jian1" },
	/* 行 hang2 */
	{ "银行", "yin2 hang2" },
	{ "行业", "hang2 ye4" },
	{ "内行", "nei4 hang2" },
	{ "外行", "wai4 hang2" },
	{ "商行", "shang1 hang2" },
	{ "农行", "nong2 hang2" },
	{ "工行", "gong1 hang2" },
	{ "建行", "jian4 hang2" },
	{ "行情", "hang2 qing2" },
	{ "排行", "pai2 hang2" },
	/* 干 gan4 */
	{ "干部", "gan4 bu4" },
	{ "干活", "gan4 huo2" },
	{ "干事", "gan4 shi4" },
	{ "干劲", "gan4 jin4" },
	{ "能干", "neng2 gan4" },
	{ "实干", "shi2 gan4" },
	{ "苦干", "ku3 gan4" },
	{ "骨干", "gu3 gan4" },
	{ "干线", "gan4 xian4" },
	{ "树干", "shu4 gan4" },
	/* 乐 yue4 */
	{ "音乐", "yin1 yue4" },
	{ "乐器", "yue4 qi4" },
	{ "乐队", "yue4 dui4" },
	{ "乐团", "yue4 tuan2" },
	{ "民乐", "min2 yue4" },
	{ "声乐", "sheng1 yue4" },
	/* 重 chong2 */
	{ "重新", "chong2 xin1" },
	{ "重庆", "chong2 qing4" },
	{ "重复", "chong2 fu4" },
	{ "重阳", "chong2 yang2" },
	{ "重建", "chong2 jian4" },
	{ "重播", "chong2 bo1" },
	{ "重申", "chong2 shen1" },
	{ "重组", "chong2 zu3" },
	{ "重叠", "chong2 die2" },
	{ "双重", "shuang1 chong2" },
	{ "重返", "chong2 fan3" },
	/* 种 zhong4: planting */
	{ "种地", "zhong4 di4" },
	{ "种植", "zhong4 zhi2" },
	{ "种田", "zhong4 tian2" },
	{ "种养", "zhong4 yang3" },
	{ "耕种", "geng1 zhong4" },
	{ "抢种", "qiang3 zhong4" },
	{ "复种", "fu4 zhong4" },
	{ "种粮大户", "zhong4 liang2 da4 hu4" },
	/* 着 zhao2 / zhuo2 */
	{ "着火", "zhao2 huo3" },
	{ "着急", "zhao2 ji2" },
	{ "着凉", "zhao2 liang2" },
	{ "睡着", "shui4 zhao2" },
	{ "着手", "zhuo2 shou3" },
	{ "着力", "zhuo2 li4" },
	{ "着重", "zhuo2 zhong4" },
	{ "着眼", "zhuo2 yan3" },
	{ "着想", "zhuo2 xiang3" },
	{ "着装", "zhuo2 zhuang1" },
	{ "衣着", "yi1 zhuo2" },
	{ "沉着", "chen2 zhuo2" },
	{ "着陆", "zhuo2 lu4" },
	/* 应 ying4 */
	{ "供应", "gong1 ying4" },
	{ "应急", "ying4 ji2" },
	{ "应对", "ying4 dui4" },
	{ "响应", "xiang3 ying4" },
	{ "适应", "shi4 ying4" },
	{ "反应", "fan3 ying4" },
	{ "应用", "ying4 yong4" },
	{ "对应", "dui4 ying4" },
	{ "相应", "xiang1 ying4" },
	{ "回应", "hui2 ying4" },
	{ "答应", "da1 ying5" },
	/* 处 chu3 */
	{ "处理", "chu3 li3" },
	{ "处置", "chu3 zhi4" },
	{ "处罚", "chu3 fa2" },
	{ "处分", "chu3 fen4" },
	{ "处于", "chu3 yu2" },
	{ "相处", "xiang1 chu3" },
	{ "判处", "pan4 chu3" },
	{ "处方", "chu3 fang1" },
	/* 调 tiao2 */
	{ "调整", "tiao2 zheng3" },
	{ "空调", "kong1 tiao2" },
	{ "调解", "tiao2 jie3" },
	{ "调节", "tiao2 jie2" },
	{ "协调", "xie2 tiao2" },
	{ "调控", "tiao2 kong4" },
	{ "调剂", "tiao2 ji4" },
	{ "调价", "tiao2 jia4" },
	{ "调休", "tiao2 xiu1" },
	/* 还 huan2 */
	{ "还款", "huan2 kuan3" },
	{ "还钱", "huan2 qian2" },
	{ "还贷", "huan2 dai4" },
	{ "还清", "huan2 qing1" },
	{ "归还", "gui1 huan2" },
	{ "偿还", "chang2 huan2" },
	{ "退还", "tui4 huan2" },
	{ "返还", "fan3 huan2" },
	/* 会 kuai4 */
	{ "会计", "kuai4 ji4" },
	{ "财会", "cai2 kuai4" },
	/* 差 chai1 / cha1 */
	{ "出差", "chu1 chai1" },
	{ "差旅", "chai1 lv3" },
	{ "差别", "cha1 bie2" },
	{ "差异", "cha1 yi4" },
	{ "差距", "cha1 ju4" },
	{ "误差", "wu4 cha1" },
	{ "偏差", "pian1 cha1" },
	{ "温差", "wen1 cha1" },
	/* 假 jia4 */
	{ "请假", "qing3 jia4" },
	{ "放假", "fang4 jia4" },
	{ "假期", "jia4 qi1" },
	{ "暑假", "shu3 jia4" },
	{ "寒假", "han2 jia4" },
	{ "休假", "xiu1 jia4" },
	{ "病假", "bing4 jia4" },
	{ "节假日", "jie2 jia4 ri4" },
	{ "假日", "jia4 ri4" },
	/* 地 di4 (eSpeak NG reads 天地 as tian1 de5) */
	{ "地震", "di4 zhen4" },
	{ "天地", "tian1 di4" },
	/* 中 zhong4 */
	{ "中暑", "zhong4 shu3" },
	{ "中毒", "zhong4 du2" },
	{ "中奖", "zhong4 jiang3" },
	{ "中标", "zhong4 biao1" },
	/* others of notices */
	{ "正月", "zheng1 yue4" },
	{ "呕吐", "ou3 tu4" },
	{ "了解", "liao3 jie3" },
	{ "供给", "gong1 ji3" },
	{ "给予", "ji3 yu3" },
	{ "尽快", "jin3 kuai4" },
	{ "尽量", "jin3 liang4" },
	{ "尽早", "jin3 zao3" },
	{ "尽管", "jin3 guan3" },
	{ "率先", "shuai4 xian1" },
	{ "效率", "xiao4 lv4" },
	{ "利率", "li4 lv4" },
	{ "闷热", "men1 re4" },
	{ "堵塞", "du3 se4" },
	{ "暖和", "nuan3 huo5" },
	{ "便宜", "pian2 yi5" },
	{ "睡觉", "shui4 jiao4" },
	{ "避难", "bi4 nan4" },
	{ "遇难", "yu4 nan4" },
	{ "灾难", "zai1 nan4" },
	{ "空闲", "kong4 xian2" },
	{ "疏散", "shu1 san4" },
	{ "目的", "mu4 di4" },
	{ "首都", "shou3 du1" },
	{ "都市", "du1 shi4" },
	{ "成都", "cheng2 du1" },
	/* 为 wei2 (is, as) and wei4 (for): eSpeak NG says wei4 alone */
	{ "作为", "zuo4 wei2" },
	{ "成为", "cheng2 wei2" },
	{ "认为", "ren4 wei2" },
	{ "以为", "yi3 wei2" },
	{ "称为", "cheng1 wei2" },
	{ "分为", "fen1 wei2" },
	{ "改为", "gai3 wei2" },
	{ "定为", "ding4 wei2" },
	{ "视为", "shi4 wei2" },
	{ "评为", "ping2 wei2" },
	{ "更为", "geng4 wei2" },
	{ "较为", "jiao4 wei2" },
	{ "极为", "ji2 wei2" },
	{ "最为", "zui4 wei2" },
	{ "为期", "wei2 qi1" },
	{ "为止", "wei2 zhi3" },
	{ "为主", "wei2 zhu3" },
	{ "为准", "wei2 zhun3" },
	{ "行为", "xing2 wei2" },
	{ "因为", "yin1 wei4" },
	{ "为了", "wei4 le5" },
	{ "为什么", "wei4 shen2 me5" },
	{ "为此", "wei4 ci3" },
	/* where the phrase dictionary is wrong (Taiwan's neutral tones, or
	 * the rarer sense) */
	{ "种子", "zhong3 zi5" },
	{ "流血", "liu2 xue4" },
	{ "大夫", "dai4 fu5" },
	{ "大都", "da4 dou1" },
	{ "薄饼", "bao2 bing3" },
	{ "一模一样", "yi4 mu2 yi2 yang4" },
	/* Words of their own that a greedy match would break (村委会计划 is
	 * 村委会 计划, not 村委 会计 划; 这种地方 is not 这 种地 方; 拿着手机
	 * is not 拿 着手 机): a word reaching past a match wins over it. */
	{ "计划", "ji4 hua4" },
	{ "计算", "ji4 suan4" },
	{ "长达", "chang2 da2" },
	{ "地方", "di4 fang1" },
	{ "地区", "di4 qu1" },
	{ "地点", "di4 dian3" },
	{ "地面", "di4 mian4" },
	{ "田间", "tian2 jian1" },
	{ "植物", "zhi2 wu4" },
	{ "手机", "shou3 ji1" },
	{ "眼睛", "yan3 jing5" },
	{ "差错", "cha1 cuo4" },
	{ "分发", "fen1 fa1" },
	{ "都是", "dou1 shi4" },
};
#define NWORDS (sizeof(words) / sizeof(words[0]))

/* Both built-in tables, sorted by word, matched in one pass: a place name
 * and a polyphonic word compete for the longest match and the boundary
 * rule as one table would (two passes would let the first break a word of
 * the second). */
#define NTABLE_MAX 1024
static struct entry {
	const char *word, *pinyin;
	enum poly_source source;
} table[NTABLE_MAX];
static size_t NTABLE;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char version[17];

static int
by_word(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->word,
	    ((const struct entry *)b)->word);
}

static void
init(void)
{
	crypto_generichash_state st;
	unsigned char h[8];

	assert(NWORDS + tts_deflex_count <= NTABLE_MAX);
	for (size_t i = 0; i < NWORDS; i++)
		table[NTABLE++] = (struct entry){ words[i].word, words[i].pinyin,
		    POLY_WORDS };
	for (size_t i = 0; i < tts_deflex_count; i++)
		table[NTABLE++] = (struct entry){ tts_deflex[i].word,
		    tts_deflex[i].pinyin, POLY_DEFAULT_LEXICON };
	qsort(table, NTABLE, sizeof(table[0]), by_word);
	for (size_t i = 1; i < NTABLE; i++)
		assert(strcmp(table[i - 1].word, table[i].word) != 0);
	if (sodium_init() < 0)
		abort();
	crypto_generichash_init(&st, NULL, 0, sizeof(h));
	for (size_t i = 0; i < NTABLE; i++) {
		crypto_generichash_update(&st, (const unsigned char *)table[i].word,
		    strlen(table[i].word) + 1);
		crypto_generichash_update(&st,
		    (const unsigned char *)table[i].pinyin,
		    strlen(table[i].pinyin) + 1);
	}
	/* The phrase dictionary is part of what a reading depends on. */
	const char *book = tts_phrasebook()->version;
	crypto_generichash_update(&st, (const unsigned char *)book,
	    strlen(book) + 1);
	crypto_generichash_final(&st, h, sizeof(h));
	sodium_bin2hex(version, sizeof(version), h, sizeof(h));
}

const char *
tts_polyphone_version(void)
{
	pthread_once(&once, init);
	return version;
}

size_t
tts_polyphone_count(void)
{
	pthread_once(&once, init);
	return NTABLE;
}

const char *
tts_polyphone_entry(size_t i, const char **pinyin, enum poly_source *source)
{
	pthread_once(&once, init);
	assert(i < NTABLE);
	*pinyin = table[i].pinyin;
	if (source != NULL)
		*source = table[i].source;
	return table[i].word;
}

/* A match at one place: its length in bytes (0: none), pinyin, table. */
struct match {
	size_t len;
	const char *pinyin;
	enum poly_source source;
};

/* The longest word of dalaba's own tables matching text at i (len bytes
 * in all). */
static struct match
longest_at(const char *text, size_t i, size_t len)
{
	size_t cl = utf8_lead_len((unsigned char)text[i]);
	size_t lo = 0, hi = NTABLE;
	struct match best = { 0, NULL, POLY_WORDS };

	if (cl > len - i)
		return best;
	/* The first entry not before this character. */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strncmp(table[mid].word, text + i, cl) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t k = lo; k < NTABLE && strncmp(table[k].word, text + i,
	    cl) == 0; k++) {
		size_t wl = strlen(table[k].word);
		if (wl <= len - i && memcmp(text + i, table[k].word, wl) == 0 &&
		    wl > best.len)
			best = (struct match){ wl, table[k].pinyin,
			    table[k].source };
	}
	return best;
}

/* The entry of dalaba's own tables for exactly the wl bytes at s. */
static const struct entry *
own_exact(const char *s, size_t wl)
{
	size_t lo = 0, hi = NTABLE;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strncmp(table[mid].word, s, wl);
		if (c == 0 && table[mid].word[wl] != '\0')
			c = 1;
		if (c == 0)
			return &table[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * A bare 为 after a word for a quantity, a place or a name is the copula
 * wei2 (时间为下周, 电话为, 密码为, 面积为, 地址为), which eSpeak NG reads
 * wei4 (for). The rule looks at the character before it only.
 */
static int
wei_is(const char *text, size_t i, size_t len)
{
	static const char before[] = "间期点话码格额准限数积度温量位址号率名";

	if (len - i < 3 || memcmp(text + i, "为", 3) != 0 || i < 3)
		return 0;
	for (size_t k = 0; k + 3 <= sizeof(before) - 1; k += 3)
		if (memcmp(text + i - 3, before + k, 3) == 0)
			return 1;
	return 0;
}

/* One character with no word of its own: the 为 rule, else eSpeak NG. */
static void
put_char(const char *text, size_t i, size_t cl, size_t len, poly_walk_fn fn,
    void *arg)
{
	if (wei_is(text, i, len))
		fn(text + i, cl, "wei2", POLY_RULE, arg);
	else
		fn(text + i, cl, NULL, POLY_WORDS, arg);
}

/* Without the phrase dictionary: dalaba's own tables, longest match
 * first, and a match gives way to a longer-reaching word starting inside
 * it (部队长期: not 部 队长 期 but 部队 长期). */
static void
walk_greedy(const char *text, poly_walk_fn fn, void *arg)
{
	size_t i = 0, len = strlen(text);

	while (i < len) {
		unsigned char c = (unsigned char)text[i];
		struct match best = { 0, NULL, POLY_WORDS };
		if (c >= 0x80)
			best = longest_at(text, i, len);
		if (best.len > 0) {
			size_t end = i + best.len;
			for (size_t j = i + utf8_lead_len(c); j < end;
			    j += utf8_lead_len((unsigned char)text[j])) {
				struct match o = longest_at(text, j, len);
				if (o.len > 0 && j + o.len > end) {
					best.len = 0;
					break;
				}
			}
		}
		if (best.len > 0) {
			fn(text + i, best.len, best.pinyin, best.source, arg);
			i += best.len;
			continue;
		}
		size_t cl = utf8_lead_len(c);
		if (cl > len - i)
			cl = len - i;
		put_char(text, i, cl, len, fn, arg);
		i += cl;
	}
}

/* Bytes of the Hanzi at text[i] (CJK unified ideographs, their extension
 * A, compatibility ideographs, planes 2-3), or 0 for anything else. */
static size_t
hanzi_len(const char *text, size_t i, size_t len)
{
	const unsigned char *p = (const unsigned char *)text + i;
	size_t cl = utf8_lead_len(*p);
	uint32_t cp;

	if (cl < 3 || cl > len - i)
		return 0;
	if (cl == 3)
		cp = (uint32_t)(p[0] & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 |
		    (p[2] & 0x3F);
	else
		cp = (uint32_t)(p[0] & 0x07) << 18 | (uint32_t)(p[1] & 0x3F) << 12 |
		    (uint32_t)(p[2] & 0x3F) << 6 | (p[3] & 0x3F);
	return (cp >= 0x3400 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
	    (cp >= 0x20000 && cp <= 0x3FFFF) ? cl : 0;
}

#define SEG_MAX_CHARS 8		/* the longest word tried */
#define OWN_MIN_FREQ 1000.0	/* an own word the essay does not know */
#define READ_MIN_FREQ 200.0	/* a dictionary reading the essay does not
				 * know (人参: as 人蔘 only) */
/* How strongly dalaba's own words are preferred: as if e^10 (22,000)
 * times more frequent, so they are taken wherever they fit and the
 * dictionary's frequencies decide only among the other cuts. */
#define OWN_BONUS 10.0

/*
 * With the phrase dictionary: the run of Hanzi text[from, to) is cut into
 * the words whose frequencies make the likeliest sentence (the sum of
 * -log(frequency / total) least; a unigram model, as Rime and jieba cut),
 * with dalaba's own words preferred, by dynamic programming from the end.
 * 每天都要 is 每天 都要, not 每 天都(tian1 du1) 要. A word with no reading
 * of its own (不要去) is cut once more, as a run of its own that may not
 * be taken whole (inner): into words that have one (不要 bu2 yao4), other
 * words and characters; what has no reading then goes to eSpeak NG.
 */
static void
cut_run(const char *text, size_t from, size_t to, size_t len, double total,
    bool inner, poly_walk_fn fn, void *arg)
{
	size_t n = 0;
	for (size_t i = from; i < to; i += utf8_lead_len((unsigned char)text[i]))
		n++;
	size_t *pos = malloc((n + 1) * sizeof(*pos));
	double *cost = malloc((n + 1) * sizeof(*cost));
	unsigned char *take = malloc(n + 1);
	if (pos == NULL || cost == NULL || take == NULL) {
		/* Out of memory: character by character, still correct text. */
		for (size_t i = from; i < to; ) {
			size_t cl = utf8_lead_len((unsigned char)text[i]);
			put_char(text, i, cl, len, fn, arg);
			i += cl;
		}
		free(pos);
		free(cost);
		free(take);
		return;
	}
	for (size_t i = from, k = 0; k <= n; k++) {
		pos[k] = i;
		if (k < n)
			i += utf8_lead_len((unsigned char)text[i]);
	}
	const double lt = log(total);
	cost[n] = 0;
	for (size_t k = n; k-- > 0; ) {
		cost[k] = INFINITY;
		take[k] = 1;
		for (size_t L = 1; L <= SEG_MAX_CHARS && k + L <= n &&
		    !(inner && L == n); L++) {
			size_t wl = pos[k + L] - pos[k];
			unsigned long f = 0;
			const char *py;
			int known = tts_phrasebook_find(text + pos[k], wl, &f, &py);
			const struct entry *own = L > 1 ? own_exact(text + pos[k], wl) :
			    NULL;
			double c;
			if (own != NULL)
				c = lt - log(f > OWN_MIN_FREQ ? (double)f :
				    OWN_MIN_FREQ) - OWN_BONUS;
			else if (L == 1)
				c = lt - log(f > 0 ? (double)f : 0.5);
			else if (known && py != NULL)
				c = lt - log(f > READ_MIN_FREQ ? (double)f :
				    READ_MIN_FREQ);
			else if (known)
				c = lt - log(f > 0 ? (double)f : 1.0);
			else
				continue;
			/* Ties go to the longer word. */
			if (c + cost[k + L] <= cost[k]) {
				cost[k] = c + cost[k + L];
				take[k] = (unsigned char)L;
			}
		}
	}
	for (size_t k = 0; k < n; ) {
		size_t L = take[k], wl = pos[k + L] - pos[k];
		const struct entry *own = L > 1 ? own_exact(text + pos[k], wl) : NULL;
		unsigned long f;
		const char *py = NULL;
		if (own != NULL)
			fn(text + pos[k], wl, own->pinyin, own->source, arg);
		else if (L > 1 && tts_phrasebook_find(text + pos[k], wl, &f, &py) &&
		    py != NULL)
			fn(text + pos[k], wl, py, POLY_PHRASEBOOK, arg);
		else if (L > 1 && !inner)
			cut_run(text, pos[k], pos[k + L], len, total, true, fn, arg);
		else
			for (size_t j = k; j < k + L; j++)
				put_char(text, pos[j], pos[j + 1] - pos[j], len, fn, arg);
		k += L;
	}
	free(pos);
	free(cost);
	free(take);
}

void
tts_polyphone_walk(const char *text, poly_walk_fn fn, void *arg)
{
	size_t i = 0, len = strlen(text);
	double total;

	pthread_once(&once, init);
	if ((total = tts_phrasebook_total()) <= 0) {
		walk_greedy(text, fn, arg);
		return;
	}
	while (i < len) {
		size_t j = i, hl;
		while (j < len && (hl = hanzi_len(text, j, len)) > 0)
			j += hl;
		if (j > i) {
			cut_run(text, i, j, len, total, false, fn, arg);
			i = j;
			continue;
		}
		size_t cl = utf8_lead_len((unsigned char)text[i]);
		if (cl > len - i)
			cl = len - i;
		fn(text + i, cl, NULL, POLY_WORDS, arg);
		i += cl;
	}
}

static void
put(const char *s, size_t n, const char *pinyin, enum poly_source source,
    void *arg)
{
	(void)source;
	if (pinyin != NULL)
		sbuf_put_pinyin(arg, pinyin);
	else
		sbuf_put_after_pinyin(arg, s, n);
}

char *
tts_polyphone_apply(const char *text)
{
	struct sbuf sb;

	sbuf_init(&sb);
	tts_polyphone_walk(text, put, &sb);
	return sbuf_take_trimmed(&sb);
}
