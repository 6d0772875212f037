/*
 * test_polyphone.c — every built-in reading checked against a reference we
 * did not write: the phoneme trace dalaba's pipeline gives a word (table,
 * lexicon, normaliser, eSpeak NG, all of it) must equal the trace eSpeak NG
 * itself gives the word's correct pinyin, as `espeak-ng -v cmn-latn-pinyin
 * -x -q "cun1 zhang3"` prints it. Both readings of a character appear: the
 * table's (村长 zhang3) and those left to eSpeak NG's own dictionary (长江
 * chang2), so a table entry that is wrong, missing or over-reaching fails.
 *
 * The pinyin below is the standard reading (现代汉语词典), typed for this
 * test, not copied from the table at run time: comparing the table with
 * itself would prove nothing.
 *
 * Like with like: the engine speaks with eSpeak NG's cmn-latn-pinyin voice,
 * and so does the reference, through the same C API call and the same
 * phoneme trace (espeakPHONEMES_SHOW, what -x prints); where the espeak-ng
 * program is installed, a few references are also checked against it.
 * Traces are compared with runs of white space folded to one space (eSpeak
 * breaks the trace's lines by clause, not by word).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <espeak-ng/speak_lib.h>

#include "tests/unit/harness.h"
#include "tts/polyphone.h"
#include "tts/tts.h"

struct reading {
	const char *word, *pinyin;
};

/* Every word of tts/polyphone.c and tts/deflex.c. */
static const struct reading table[] = {
	{ "村长", "cun1 zhang3" }, { "组长", "zu3 zhang3" },
	{ "镇长", "zhen4 zhang3" }, { "乡长", "xiang1 zhang3" },
	{ "县长", "xian4 zhang3" }, { "市长", "shi4 zhang3" },
	{ "省长", "sheng3 zhang3" }, { "区长", "qu1 zhang3" },
	{ "家长", "jia1 zhang3" }, { "校长", "xiao4 zhang3" },
	{ "院长", "yuan4 zhang3" }, { "所长", "suo3 zhang3" },
	{ "站长", "zhan4 zhang3" }, { "局长", "ju2 zhang3" },
	{ "处长", "chu4 zhang3" }, { "科长", "ke1 zhang3" },
	{ "厂长", "chang3 zhang3" }, { "队长", "dui4 zhang3" },
	{ "班长", "ban1 zhang3" }, { "部长", "bu4 zhang3" },
	{ "社长", "she4 zhang3" }, { "行长", "hang2 zhang3" },
	{ "会长", "hui4 zhang3" }, { "董事长", "dong3 shi4 zhang3" },
	{ "理事长", "li3 shi4 zhang3" }, { "秘书长", "mi4 shu1 zhang3" },
	{ "警长", "jing3 zhang3" }, { "网格长", "wang3 ge2 zhang3" },
	{ "河长", "he2 zhang3" }, { "林长", "lin2 zhang3" },
	{ "路长", "lu4 zhang3" }, { "户长", "hu4 zhang3" },
	{ "成长", "cheng2 zhang3" }, { "生长", "sheng1 zhang3" },
	{ "增长", "zeng1 zhang3" }, { "长大", "zhang3 da4" },
	{ "长辈", "zhang3 bei4" }, { "长势", "zhang3 shi4" },
	{ "助长", "zhu4 zhang3" }, { "长期", "chang2 qi1" },
	{ "长效", "chang2 xiao4" }, { "长远", "chang2 yuan3" },
	{ "长时间", "chang2 shi2 jian1" }, { "银行", "yin2 hang2" },
	{ "行业", "hang2 ye4" }, { "内行", "nei4 hang2" },
	{ "外行", "wai4 hang2" }, { "商行", "shang1 hang2" },
	{ "农行", "nong2 hang2" }, { "工行", "gong1 hang2" },
	{ "建行", "jian4 hang2" }, { "行情", "hang2 qing2" },
	{ "排行", "pai2 hang2" }, { "干部", "gan4 bu4" },
	{ "干活", "gan4 huo2" }, { "干事", "gan4 shi4" },
	{ "干劲", "gan4 jin4" }, { "能干", "neng2 gan4" },
	{ "实干", "shi2 gan4" }, { "苦干", "ku3 gan4" },
	{ "骨干", "gu3 gan4" }, { "干线", "gan4 xian4" },
	{ "树干", "shu4 gan4" }, { "音乐", "yin1 yue4" },
	{ "乐器", "yue4 qi4" }, { "乐队", "yue4 dui4" },
	{ "乐团", "yue4 tuan2" }, { "民乐", "min2 yue4" },
	{ "声乐", "sheng1 yue4" }, { "重新", "chong2 xin1" },
	{ "重庆", "chong2 qing4" }, { "重复", "chong2 fu4" },
	{ "重阳", "chong2 yang2" }, { "重建", "chong2 jian4" },
	{ "重播", "chong2 bo1" }, { "重申", "chong2 shen1" },
	{ "重组", "chong2 zu3" }, { "重叠", "chong2 die2" },
	{ "双重", "shuang1 chong2" }, { "重返", "chong2 fan3" },
	{ "种地", "zhong4 di4" }, { "种植", "zhong4 zhi2" },
	{ "种田", "zhong4 tian2" }, { "种养", "zhong4 yang3" },
	{ "耕种", "geng1 zhong4" }, { "抢种", "qiang3 zhong4" },
	{ "复种", "fu4 zhong4" }, { "种粮大户", "zhong4 liang2 da4 hu4" },
	{ "着火", "zhao2 huo3" }, { "着急", "zhao2 ji2" },
	{ "着凉", "zhao2 liang2" }, { "睡着", "shui4 zhao2" },
	{ "着手", "zhuo2 shou3" }, { "着力", "zhuo2 li4" },
	{ "着重", "zhuo2 zhong4" }, { "着眼", "zhuo2 yan3" },
	{ "着想", "zhuo2 xiang3" }, { "着装", "zhuo2 zhuang1" },
	{ "衣着", "yi1 zhuo2" }, { "沉着", "chen2 zhuo2" },
	{ "着陆", "zhuo2 lu4" }, { "供应", "gong1 ying4" },
	{ "应急", "ying4 ji2" }, { "应对", "ying4 dui4" },
	{ "响应", "xiang3 ying4" }, { "适应", "shi4 ying4" },
	{ "反应", "fan3 ying4" }, { "应用", "ying4 yong4" },
	{ "对应", "dui4 ying4" }, { "相应", "xiang1 ying4" },
	{ "回应", "hui2 ying4" }, { "答应", "da1 ying5" },
	{ "处理", "chu3 li3" }, { "处置", "chu3 zhi4" },
	{ "处罚", "chu3 fa2" }, { "处分", "chu3 fen4" },
	{ "处于", "chu3 yu2" }, { "相处", "xiang1 chu3" },
	{ "判处", "pan4 chu3" }, { "处方", "chu3 fang1" },
	{ "调整", "tiao2 zheng3" }, { "空调", "kong1 tiao2" },
	{ "调解", "tiao2 jie3" }, { "调节", "tiao2 jie2" },
	{ "协调", "xie2 tiao2" }, { "调控", "tiao2 kong4" },
	{ "调剂", "tiao2 ji4" }, { "调价", "tiao2 jia4" },
	{ "调休", "tiao2 xiu1" }, { "还款", "huan2 kuan3" },
	{ "还钱", "huan2 qian2" }, { "还贷", "huan2 dai4" },
	{ "还清", "huan2 qing1" }, { "归还", "gui1 huan2" },
	{ "偿还", "chang2 huan2" }, { "退还", "tui4 huan2" },
	{ "返还", "fan3 huan2" }, { "会计", "kuai4 ji4" },
	{ "财会", "cai2 kuai4" }, { "出差", "chu1 chai1" },
	{ "差旅", "chai1 lv3" }, { "差别", "cha1 bie2" },
	{ "差异", "cha1 yi4" }, { "差距", "cha1 ju4" },
	{ "误差", "wu4 cha1" }, { "偏差", "pian1 cha1" },
	{ "温差", "wen1 cha1" }, { "请假", "qing3 jia4" },
	{ "放假", "fang4 jia4" }, { "假期", "jia4 qi1" },
	{ "暑假", "shu3 jia4" }, { "寒假", "han2 jia4" },
	{ "休假", "xiu1 jia4" }, { "病假", "bing4 jia4" },
	{ "节假日", "jie2 jia4 ri4" }, { "假日", "jia4 ri4" },
	{ "地震", "di4 zhen4" }, { "天地", "tian1 di4" },
	{ "都市", "du1 shi4" }, { "中暑", "zhong4 shu3" },
	{ "中毒", "zhong4 du2" }, { "中奖", "zhong4 jiang3" },
	{ "中标", "zhong4 biao1" }, { "正月", "zheng1 yue4" },
	{ "呕吐", "ou3 tu4" }, { "了解", "liao3 jie3" },
	{ "供给", "gong1 ji3" }, { "给予", "ji3 yu3" },
	{ "尽快", "jin3 kuai4" }, { "尽量", "jin3 liang4" },
	{ "尽早", "jin3 zao3" }, { "尽管", "jin3 guan3" },
	{ "率先", "shuai4 xian1" }, { "效率", "xiao4 lv4" },
	{ "利率", "li4 lv4" }, { "闷热", "men1 re4" },
	{ "堵塞", "du3 se4" }, { "暖和", "nuan3 huo5" },
	{ "便宜", "pian2 yi5" }, { "睡觉", "shui4 jiao4" },
	{ "避难", "bi4 nan4" }, { "遇难", "yu4 nan4" },
	{ "灾难", "zai1 nan4" }, { "空闲", "kong4 xian2" },
	{ "疏散", "shu1 san4" }, { "目的", "mu4 di4" },
	{ "首都", "shou3 du1" }, { "成都", "cheng2 du1" },
	{ "计划", "ji4 hua4" }, { "计算", "ji4 suan4" },
	{ "长达", "chang2 da2" }, { "地方", "di4 fang1" },
	{ "地区", "di4 qu1" }, { "地点", "di4 dian3" },
	{ "地面", "di4 mian4" }, { "田间", "tian2 jian1" },
	{ "植物", "zhi2 wu4" }, { "手机", "shou3 ji1" },
	{ "眼睛", "yan3 jing5" }, { "差错", "cha1 cuo4" },
	{ "分发", "fen1 fa1" }, { "都是", "dou1 shi4" },
	{ "作为", "zuo4 wei2" }, { "成为", "cheng2 wei2" },
	{ "认为", "ren4 wei2" }, { "以为", "yi3 wei2" },
	{ "称为", "cheng1 wei2" }, { "分为", "fen1 wei2" },
	{ "改为", "gai3 wei2" }, { "定为", "ding4 wei2" },
	{ "视为", "shi4 wei2" }, { "评为", "ping2 wei2" },
	{ "更为", "geng4 wei2" }, { "较为", "jiao4 wei2" },
	{ "极为", "ji2 wei2" }, { "最为", "zui4 wei2" },
	{ "为期", "wei2 qi1" }, { "为止", "wei2 zhi3" },
	{ "为主", "wei2 zhu3" }, { "为准", "wei2 zhun3" },
	{ "行为", "xing2 wei2" }, { "因为", "yin1 wei4" },
	{ "为了", "wei4 le5" }, { "为什么", "wei4 shen2 me5" },
	{ "为此", "wei4 ci3" }, { "种子", "zhong3 zi5" },
	{ "流血", "liu2 xue4" }, { "大夫", "dai4 fu5" },
	{ "大都", "da4 dou1" }, { "薄饼", "bao2 bing3" },
	{ "一模一样", "yi4 mu2 yi2 yang4" },
	/* the default lexicon */
	{ "蚌埠", "beng4 bu4" }, { "六安", "lu4 an1" },
	{ "枞阳", "zong1 yang2" }, { "歙县", "she4 xian4" },
	{ "涡阳", "guo1 yang2" }, { "亳州", "bo2 zhou1" },
	{ "丽水", "li2 shui3" }, { "台州", "tai1 zhou1" },
	{ "天台", "tian1 tai1" }, { "乐清", "yue4 qing1" },
	{ "厦门", "xia4 men2" }, { "番禺", "pan1 yu2" },
	{ "铅山", "yan2 shan1" }, { "句容", "ju4 rong2" },
	{ "六合", "lu4 he2" }, { "莘庄", "xin1 zhuang1" },
	{ "莘县", "shen1 xian4" }, { "东阿", "dong1 e1" },
	{ "单县", "shan4 xian4" }, { "曲阜", "qu1 fu4" },
	{ "济南", "ji3 nan2" }, { "济宁", "ji3 ning2" },
	{ "牟平", "mu4 ping2" }, { "乐亭", "lao4 ting2" },
	{ "蔚县", "yu4 xian4" }, { "浚县", "xun4 xian4" },
	{ "睢县", "sui1 xian4" }, { "荥阳", "xing2 yang2" },
	{ "尉氏", "wei4 shi4" }, { "泌阳", "bi4 yang2" },
	{ "中牟", "zhong1 mu4" }, { "洪洞", "hong2 tong2" },
	{ "繁峙", "fan2 shi4" }, { "长治", "chang2 zhi4" },
	{ "吴堡", "wu2 bu3" }, { "黄陂", "huang2 pi2" },
	{ "长沙", "chang2 sha1" }, { "涪陵", "fu2 ling2" },
	{ "阆中", "lang4 zhong1" }, { "犍为", "qian2 wei2" },
	{ "筠连", "jun1 lian2" }, { "珲春", "hun1 chun1" },
	{ "吐鲁番", "tu3 lu3 fan1" }, { "牲畜", "sheng1 chu4" },
	{ "家畜", "jia1 chu4" }, { "畜禽", "chu4 qin2" },
	{ "畜牧", "xu4 mu4" }, { "场院", "chang2 yuan4" },
	{ "打场", "da3 chang2" }, { "供销社", "gong1 xiao1 she4" },
	{ "血吸虫", "xue4 xi1 chong2" }, { "宅基地", "zhai2 ji1 di4" },
	{ "秸秆", "jie1 gan3" }, { "喷洒", "pen1 sa3" },
	{ "粪便", "fen4 bian4" },
};

/*
 * Words in none of dalaba's own tables that eSpeak NG alone misreads and
 * the phrase dictionary (tts/phrasebook.c, from Rime's data) reads right:
 * the standard reading, typed for this test from 现代汉语词典.
 */
static const struct reading dictionary[] = {
	{ "获得", "huo4 de2" }, { "取得", "qu3 de2" },
	{ "得到", "de2 dao4" }, { "难得", "nan2 de2" },
	{ "欢乐", "huan1 le4" }, { "人参", "ren2 shen1" },
	{ "看守", "kan1 shou3" }, { "爱好", "ai4 hao4" },
	{ "背包", "bei1 bao1" }, { "土地", "tu3 di4" },
	{ "几乎", "ji1 hu1" }, { "发卡", "fa4 qia3" },
	{ "薄弱", "bo2 ruo4" }, { "勉强", "mian3 qiang3" },
	{ "投降", "tou2 xiang2" }, { "要求", "yao1 qiu2" },
	{ "弹奏", "tan2 zou4" }, { "恐吓", "kong3 he4" },
	{ "中签", "zhong4 qian1" }, { "乐章", "yue4 zhang1" },
	{ "反省", "fan3 xing3" }, { "露面", "lou4 mian4" },
	{ "参与", "can1 yu4" }, { "参差", "cen1 ci1" },
	{ "重担", "zhong4 dan4" }, { "好客", "hao4 ke4" },
	{ "兴奋", "xing1 fen4" }, { "难民", "nan4 min2" },
	{ "当天", "dang4 tian1" }, { "上当", "shang4 dang4" },
	{ "恰当", "qia4 dang4" }, { "适当", "shi4 dang4" },
	{ "当作", "dang4 zuo4" }, { "强迫", "qiang3 po4" },
	{ "倔强", "jue2 jiang4" }, { "称职", "chen4 zhi2" },
	{ "称心", "chen4 xin1" }, { "对称", "dui4 chen4" },
	{ "相称", "xiang1 chen4" }, { "稀薄", "xi1 bo2" },
	{ "边塞", "bian1 sai4" }, { "要塞", "yao4 sai4" },
	{ "藏族", "zang4 zu2" }, { "歌曲", "ge1 qu3" },
	{ "泊车", "bo2 che1" }, { "不禁", "bu4 jin1" },
	{ "量杯", "liang2 bei1" }, { "测量", "ce4 liang2" },
};

/* The other reading of the same characters, which eSpeak NG's own
 * dictionary must give (and the table must leave alone). */
static const struct reading other[] = {
	{ "长江", "chang2 jiang1" }, { "长城", "chang2 cheng2" },
	{ "长度", "chang2 du4" }, { "特长", "te4 chang2" },
	{ "行走", "xing2 zou3" }, { "步行", "bu4 xing2" },
	{ "进行", "jin4 xing2" }, { "执行", "zhi2 xing2" },
	{ "出行", "chu1 xing2" }, { "重要", "zhong4 yao4" },
	{ "重点", "zhong4 dian3" }, { "严重", "yan2 zhong4" },
	{ "体重", "ti3 zhong4" }, { "干净", "gan1 jing4" },
	{ "干旱", "gan1 han4" }, { "饼干", "bing3 gan1" },
	{ "快乐", "kuai4 le4" }, { "娱乐", "yu2 le4" },
	{ "品种", "pin3 zhong3" }, { "开会", "kai1 hui4" },
	{ "应该", "ying1 gai1" }, { "到处", "dao4 chu4" },
	{ "还是", "hai2 shi4" }, { "假如", "jia3 ru2" },
	{ "中国", "zhong1 guo2" }, { "中午", "zhong1 wu3" },
	{ "调查", "diao4 cha2" }, { "好处", "hao3 chu4" },
	{ "给你", "gei2 ni3" }, { "长处", "chang2 chu4" },
};

static void
squash(char *s)
{
	char *o = s, *start = s;
	int sp = 1;

	for (; *s; s++) {
		if (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r') {
			if (!sp)
				*o++ = ' ';
			sp = 1;
		} else {
			*o++ = *s;
			sp = 0;
		}
	}
	*o = '\0';
	if (o > start && o[-1] == ' ')
		o[-1] = '\0';
}

/* eSpeak NG's own trace of pinyin, with the engine's voice. The engine's
 * callback ignores audio that carries no user data. */
static char *
reference(const char *pinyin)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *m = open_memstream(&buf, &n);

	if (m == NULL)
		return NULL;
	espeak_SetVoiceByName(tts_voice_default()->espeak_name);
	espeak_SetPhonemeTrace(espeakPHONEMES_SHOW, m);
	espeak_Synth(pinyin, strlen(pinyin) + 1, 0, POS_CHARACTER, 0,
	    espeakCHARS_UTF8, NULL, NULL);
	espeak_SetPhonemeTrace(0, NULL);
	fclose(m);
	squash(buf);
	return buf;
}

static char *
ours(struct tts_engine *eng, const char *word)
{
	char err[256], *spoken = NULL, *ph = NULL;

	if (tts_explain(eng, word, NULL, &spoken, &ph, err, sizeof(err)) == -1)
		return NULL;
	free(spoken);
	squash(ph);
	return ph;
}

/* 0 when dalaba reads word as pinyin, by the traces. */
static int
differs(struct tts_engine *eng, const char *word, const char *pinyin,
    char **got, char **want)
{
	*got = ours(eng, word);
	*want = reference(pinyin);
	return *got == NULL || *want == NULL || strcmp(*got, *want) != 0;
}

static void
check_list(struct tts_engine *eng, const struct reading *r, size_t n,
    const char *what)
{
	size_t bad = 0;

	for (size_t i = 0; i < n; i++) {
		char *got, *want;
		int d = differs(eng, r[i].word, r[i].pinyin, &got, &want);
		if (d) {
			bad++;
			CHECK(0, "%s %s is read %s: dalaba's trace [%s], eSpeak "
			    "NG's for the pinyin [%s]", what, r[i].word,
			    r[i].pinyin, got ? got : "?", want ? want : "?");
		}
		free(got);
		free(want);
	}
	CHECK(bad == 0, "%zu of %zu %s read as their pinyin", n - bad, n, what);
}

/* The reference is what the espeak-ng program prints with -x. */
static void
check_cli(void)
{
	static const char *const pin[] = { "cun1 zhang3", "yin2 hang2",
	    "chong2 xin1", "zhong4 liang2 da4 hu4", "nuan3 huo5" };

	if (access("/usr/bin/espeak-ng", X_OK) != 0) {
		printf("# espeak-ng program not installed: the C API is the "
		    "reference\n");
		return;
	}
	for (size_t i = 0; i < sizeof(pin) / sizeof(pin[0]); i++) {
		char cmd[128], line[512], all[1024] = "";
		snprintf(cmd, sizeof(cmd), "/usr/bin/espeak-ng -v %s -x -q '%s'",
		    tts_voice_default()->espeak_name, pin[i]);
		FILE *p = popen(cmd, "r");
		while (p && fgets(line, sizeof(line), p))
			strncat(all, line, sizeof(all) - strlen(all) - 1);
		if (p)
			pclose(p);
		squash(all);
		char *api = reference(pin[i]);
		CHECK(api && strcmp(api, all) == 0, "the C API's trace of %s is "
		    "espeak-ng -x's [%s] [%s]", pin[i], api ? api : "?", all);
		free(api);
	}
}

/* The phrase dictionary is loaded and does the reading of its words: each
 * is in none of dalaba's own tables, eSpeak NG alone reads it otherwise,
 * and dalaba reads it as its standard pinyin. */
static void
check_dictionary(struct tts_engine *eng)
{
	const struct tts_phrasebook_info *book = tts_phrasebook();
	const size_t n = sizeof(dictionary) / sizeof(dictionary[0]);
	size_t own = 0, espeak_right = 0;

	CHECK(book->words >= 30000, "the phrase dictionary is in use: %zu "
	    "words from %s (%s)", book->words, book->path, book->error);
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < tts_polyphone_count(); k++) {
			const char *py;
			if (strcmp(tts_polyphone_entry(k, &py, NULL),
			    dictionary[i].word) == 0)
				own++;
		}
		/* reference() of the Hanzi: eSpeak NG with no dalaba table */
		char *alone = reference(dictionary[i].word),
		    *want = reference(dictionary[i].pinyin);
		if (alone && want && strcmp(alone, want) == 0) {
			espeak_right++;
			CHECK(0, "eSpeak NG alone already reads %s as %s",
			    dictionary[i].word, dictionary[i].pinyin);
		}
		free(alone);
		free(want);
	}
	CHECK(own == 0 && espeak_right == 0, "%zu dictionary words: none in "
	    "dalaba's own tables (%zu), none read right by eSpeak NG alone (%zu)",
	    n, own, espeak_right);
	check_list(eng, dictionary, n, "dictionary word");

	/* Own tables win over the dictionary, whatever it holds. */
	static const struct reading own_wins[] = {
		{ "乐亭县", "lao4 ting2 县" },	/* dictionary: le4 ting2 xian4 */
		{ "一模一样", "yi4 mu2 yi2 yang4" },	/* dictionary: mo2 */
		{ "还款时间为下周", "huan2 kuan3 shi2 jian1 wei2 下周" },
	};
	char err[256];
	for (size_t i = 0; i < sizeof(own_wins) / sizeof(own_wins[0]); i++) {
		char *sp = tts_spoken_text(own_wins[i].word,
		    strlen(own_wins[i].word), NULL, NULL, err, sizeof(err));
		CHECK(sp && strcmp(sp, own_wins[i].pinyin) == 0, "%s is given as "
		    "%s (%s)", own_wins[i].word, own_wins[i].pinyin, sp ? sp : err);
		free(sp);
	}
}

/* The default lexicon is matched with the polyphone table, in one pass,
 * and gives way to the county's own lexicon. */
static void
check_order(void)
{
	static const struct reading cases[] = {
		{ "六安市长讲话", "lu4 an1 shi4 zhang3 讲话" },
		{ "厦门银行", "xia4 men2 yin2 hang2" },
		{ "乐亭县村长", "lao4 ting2 县 cun1 zhang3" },
	};
	char err[256], *sp;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sp = tts_spoken_text(cases[i].word, strlen(cases[i].word), NULL,
		    NULL, err, sizeof(err));
		CHECK(sp && strcmp(sp, cases[i].pinyin) == 0, "%s is given as "
		    "%s (%s)", cases[i].word, cases[i].pinyin, sp ? sp : err);
		free(sp);
	}
	struct tts_lexicon *lex = tts_lexicon_new();
	CHECK(tts_lexicon_add(lex, "乐亭", "le4 ting2", err, sizeof(err)) == 0,
	    "a county entry for a default-lexicon word");
	sp = tts_spoken_text("乐亭县", strlen("乐亭县"), NULL, lex, err,
	    sizeof(err));
	CHECK(sp && strcmp(sp, "le4 ting2 县") == 0, "the county's entry wins "
	    "over the default lexicon (%s)", sp ? sp : err);
	free(sp);
	tts_lexicon_free(lex);
}

int
main(void)
{
	char err[256];
	struct tts_engine *eng = tts_engine_new(TTS_OUTPUT_RATE, err,
	    sizeof(err));
	const size_t ntable = sizeof(table) / sizeof(table[0]);

	CHECK(eng != NULL, "eSpeak NG engine starts: %s", eng ? "ok" : err);
	if (eng == NULL)
		return t_done();
	check_cli();

	/* Every built-in word has its reference reading here. */
	size_t missing = 0;
	for (size_t i = 0; i < tts_polyphone_count(); i++) {
		const char *py, *w = tts_polyphone_entry(i, &py, NULL);
		size_t k = 0;
		while (k < ntable && strcmp(table[k].word, w) != 0)
			k++;
		if (k == ntable) {
			missing++;
			CHECK(0, "built-in word %s (%s) has no reference reading "
			    "in this test", w, py);
		}
	}
	CHECK(missing == 0 && ntable >= 150, "%zu built-in words, %zu "
	    "reference readings", tts_polyphone_count(), ntable);

	check_list(eng, table, ntable, "built-in word");
	check_list(eng, other, sizeof(other) / sizeof(other[0]),
	    "word left to eSpeak NG");

	check_dictionary(eng);

	/* The comparison tells readings apart: a wrong pinyin fails. */
	static const struct reading wrong[] = {
		{ "村长", "cun1 chang2" }, { "长江", "zhang3 jiang1" },
		{ "银行", "yin2 xing2" }, { "重新", "zhong4 xin1" },
	};
	for (size_t i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++) {
		char *got, *want;
		int d = differs(eng, wrong[i].word, wrong[i].pinyin, &got, &want);
		CHECK(d, "%s is not read %s ([%s] vs [%s])", wrong[i].word,
		    wrong[i].pinyin, got ? got : "?", want ? want : "?");
		free(got);
		free(want);
	}

	check_order();
	tts_engine_free(eng);
	return t_done();
}
