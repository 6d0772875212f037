/*
 * alert_texts.c — ready texts for the emergencies a county pages most,
 * so a duty officer on a phone starts from words that work on a horn
 * and only fills in the places marked 【】: short sentences, what to do
 * and where to go, the one instruction that matters said twice at the
 * end. They are read as they stand, so they say everything in words
 * (no abbreviations, no brackets left once filled in).
 */
#include <string.h>

#include "web-admin/web_int.h"

const struct web_alert_text web_alert_texts[] = {
	{ "flood", "防汛",
	    "紧急通知！紧急通知！受连续强降雨影响，【河流或水库名】水位快速"
	    "上涨，随时可能发生洪水。请【村名或地段】低洼地带的群众，马上转移"
	    "到【安置地点】。转移时带好身份证和常用药品，照顾好老人、小孩和"
	    "病人。不要在河边、桥上停留，不要涉水过河，不要回家搬东西。请马上"
	    "转移！请马上转移！" },
	{ "fire", "森林防火",
	    "紧急通知！紧急通知！【地点】发生山火，火势正在蔓延。请附近的群众"
	    "马上撤离到【安全地点】。不要上山，不要围观，不要自己去扑火。从现在"
	    "起，严禁一切野外用火。发现火情，请马上拨打火警电话119，或者报告"
	    "村委会。请马上撤离！请马上撤离！" },
	{ "epidemic", "疫情",
	    "紧急通知！【地点】发现【疫情名称】病例。请全体村民待在家里，不要"
	    "外出，不要串门，不要聚集。必须出门的，请戴好口罩，回家马上洗手。"
	    "有发烧、咳嗽等症状的，请马上联系村医【姓名】，电话【电话号码】，"
	    "不要自己去医院。请大家互相转告，配合防控，不要恐慌。" },
	{ "missing", "寻人",
	    "寻人启事。寻人启事。【姓名】，【男或女】，【年龄】岁，身高大约"
	    "【身高】，走失时穿【衣服颜色和样式】。【时间】在【地点】走失。"
	    "请大家留意身边的人。有看到的，请马上联系【联系人】，电话"
	    "【电话号码】，或者告诉村委会。谢谢大家！" },
	{ "typhoon", "台风",
	    "紧急通知！紧急通知！今年第【几】号台风预计【时间】影响我县，将"
	    "带来大风和暴雨。请大家马上回家，关好门窗，收好晒在外面的东西，"
	    "绑牢屋顶和棚子。住危房和低洼地带的群众，请马上转移到【安置地点】。"
	    "不要出海，不要上山，不要靠近河边和大树。请马上做好防范！请马上"
	    "做好防范！" },
	{ "landslide", "山体滑坡",
	    "紧急通知！紧急通知！【地点】出现山体开裂、落石，随时可能发生山体"
	    "滑坡和泥石流。请【村名或地段】的群众马上撤离到【安全地点】。撤离"
	    "时不要走沟底，不要在山脚下停留，雨停了也不要急着回家。请马上撤离！"
	    "请马上撤离！" },
};
const size_t web_alert_ntexts = G_N_ELEMENTS(web_alert_texts);

const char *
web_alert_text(const char *key)
{
	for (size_t i = 0; key && i < web_alert_ntexts; i++)
		if (strcmp(web_alert_texts[i].key, key) == 0)
			return web_alert_texts[i].text;
	return NULL;
}
