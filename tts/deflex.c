/*
 * deflex.c — dalaba's default lexicon: place names whose reading is not
 * the everyday one of their characters (蚌埠 beng4 bu4, 六安 lu4 an1, 乐亭
 * lao4 ting2), and village words eSpeak NG may say wrong (牲畜 sheng1 chu4).
 * It ships with dalaba and is matched with the polyphone table; a county's
 * own lexicon is applied first, so its entry for the same word wins.
 *
 * Only readings that are certain (the place's official reading, the
 * standard dictionary's): a wrong entry misleads every county, where a
 * missing one is a line in that county's lexicon. Each one is checked
 * against eSpeak NG's trace of its pinyin in tests/unit/test_polyphone.c.
 */
#include "tts/polyphone.h"

const struct poly tts_deflex[] = {
	/* place names */
	{ "蚌埠", "beng4 bu4" },	/* 安徽 */
	{ "六安", "lu4 an1" },
	{ "枞阳", "zong1 yang2" },
	{ "歙县", "she4 xian4" },
	{ "涡阳", "guo1 yang2" },
	{ "亳州", "bo2 zhou1" },
	{ "丽水", "li2 shui3" },	/* 浙江 */
	{ "台州", "tai1 zhou1" },
	{ "天台", "tian1 tai1" },
	{ "乐清", "yue4 qing1" },
	{ "厦门", "xia4 men2" },	/* 福建 */
	{ "番禺", "pan1 yu2" },		/* 广东 */
	{ "铅山", "yan2 shan1" },	/* 江西 */
	{ "句容", "ju4 rong2" },	/* 江苏 */
	{ "六合", "lu4 he2" },
	{ "莘庄", "xin1 zhuang1" },	/* 上海 */
	{ "莘县", "shen1 xian4" },	/* 山东 */
	{ "东阿", "dong1 e1" },
	{ "单县", "shan4 xian4" },
	{ "曲阜", "qu1 fu4" },
	{ "济南", "ji3 nan2" },
	{ "济宁", "ji3 ning2" },
	{ "牟平", "mu4 ping2" },
	{ "乐亭", "lao4 ting2" },	/* 河北 */
	{ "蔚县", "yu4 xian4" },
	{ "浚县", "xun4 xian4" },	/* 河南 */
	{ "睢县", "sui1 xian4" },
	{ "荥阳", "xing2 yang2" },
	{ "尉氏", "wei4 shi4" },
	{ "泌阳", "bi4 yang2" },
	{ "中牟", "zhong1 mu4" },
	{ "洪洞", "hong2 tong2" },	/* 山西 */
	{ "繁峙", "fan2 shi4" },
	{ "长治", "chang2 zhi4" },
	{ "吴堡", "wu2 bu3" },		/* 陕西 */
	{ "黄陂", "huang2 pi2" },	/* 湖北 */
	{ "长沙", "chang2 sha1" },	/* 湖南 */
	{ "涪陵", "fu2 ling2" },	/* 重庆 */
	{ "阆中", "lang4 zhong1" },	/* 四川 */
	{ "犍为", "qian2 wei2" },
	{ "筠连", "jun1 lian2" },
	{ "珲春", "hun1 chun1" },	/* 吉林 */
	{ "吐鲁番", "tu3 lu3 fan1" },	/* 新疆 */
	/* village words */
	{ "牲畜", "sheng1 chu4" },
	{ "家畜", "jia1 chu4" },
	{ "畜禽", "chu4 qin2" },
	{ "畜牧", "xu4 mu4" },
	{ "场院", "chang2 yuan4" },
	{ "打场", "da3 chang2" },
	{ "供销社", "gong1 xiao1 she4" },
	{ "血吸虫", "xue4 xi1 chong2" },
	{ "宅基地", "zhai2 ji1 di4" },
	{ "秸秆", "jie1 gan3" },
	{ "喷洒", "pen1 sa3" },
	{ "粪便", "fen4 bian4" },
};
const size_t tts_deflex_count = sizeof(tts_deflex) / sizeof(tts_deflex[0]);
