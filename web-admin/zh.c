/*
 * zh.c — the Chinese a cadre reads for what the API and the store say in
 * machine words: an error's code (and the field it is about), an audit
 * action, where a change came from, why a broadcast did not air whole.
 * The JSON API keeps its codes and English messages for scripts (doc/
 * api.md); the pages show only these.
 */
#include <stdio.h>
#include <string.h>

#include "web-admin/web_int.h"

static const struct { const char *field, *zh, *eg; } field_names[] = {
	{ "title", "标题", NULL }, { "body", "正文", NULL },
	{ "zone", "地区", NULL }, { "class", "级别", NULL },
	{ "repeat", "读几遍", "1 到 10" }, { "voice", "语音", NULL },
	{ "rate", "语速", NULL }, { "at", "播出时间", "2026-12-01 09:00" },
	{ "times", "几点播", "12:00,18:30" },
	{ "weekdays", "星期几", "勾上一到五" },
	{ "from", "开始日期", "2026-12-01" }, { "to", "结束日期", "2026-12-31" },
	{ "volume", "音量", "0 到 100" }, { "name", "名称", NULL },
	{ "code", "地区代码", NULL }, { "password", "密码", NULL },
	{ "role", "角色", NULL }, { "word", "词语", NULL },
	{ "pinyin", "拼音", "chong2 qing4" }, { "id", "编号", NULL },
	{ "kind", "播出方式", NULL }, { "quiet_start", "静音开始", "21:30" },
	{ "quiet_end", "静音结束", "06:00" }, { "current", "现在的密码", NULL },
	{ "text", "广播内容", NULL }, { "expires_minutes", "最多播多久", NULL },
	{ "feed", "新闻来源", NULL }, { "feed_items", "新闻条数", NULL },
	{ "every_weeks", "隔几周", NULL }, { "label", "用途", NULL },
	{ "notice", "通知", NULL }, { "zones", "地区", NULL },
};

/* A %s in a message is the field's name. */
static const struct { const char *code, *zh; } codes[] = {
	{ "missing_field", "请填写「%s」。" },
	{ "too_long", "「%s」太长了。" },
	{ "bad_field", "「%s」的格式不对。" },
	{ "out_of_range", "「%s」超出了允许的范围。" },
	{ "bad_zone", "地区代码不对：县是 6 位，乡镇 9 位，村 12 位。" },
	{ "unknown_zone", "这个地区还没有建立。" },
	{ "forbidden", "您没有权限在这个地区做这件事。" },
	{ "class_not_allowed", "您的角色不能发这个级别的通知。" },
	{ "exists", "已经有了，不能重复建立。" },
	{ "in_the_past", "这个时间已经过去了，请选以后的时间。" },
	{ "never", "按这个安排已经没有可以播出的时间了。" },
	{ "bad_text", "正文里有不能朗读的内容。" },
	{ "bad_class", "这个级别不能用。" },
	{ "bad_voice", "没有这种语音。" },
	{ "bad_role", "角色要和地区相符：县里的用户选县，乡镇干部选乡镇，村干部选村。" },
	{ "weak_password", "密码至少要 8 个字符。" },
	{ "bad_pinyin", "拼音写法不对：每个字写拼音加声调数字，中间空格，例如 chong2 qing4。" },
	{ "not_found", "找不到，可能已被删除或不在您的地区。" },
	{ "cancelled", "这条通知已经取消了。" },
	{ "aired", "这条通知已经开始播出，不能再修改；请另写一条。" },
	{ "self", "不能停用自己的账号。" },
	{ "busy", "系统正忙，请稍后再试。" },
	{ "too_many", "密码错的次数太多，请过一会儿再试。" },
	{ "too_many_schedules", "安排的播出时间太多了：一条通知最多 20 个，一个人的通知一共最多 500 个。请先删掉不用的。" },
	{ "too_many_tokens", "您的程序口令已经有 20 个了，请先撤销不用的。" },
	{ "too_many_enrolments", "一小时内生成的接入口令太多了，请过一会儿再试。" },
	{ "csrf", "页面已过期，请刷新后再试。" },
	{ "bad_login", "密码不对。" },
	{ "bad_zones", "请选择播到哪里（最多 16 个地区）。" },
	{ "overlapping_zones", "选的地区互相包含：只选大的那个就行。" },
	{ "bad_notice_zones", "请选择播到哪里（一条通知最多 100 个地区）。" },
	{ "zones_apart", "选的地区要在同一个县里。" },
	{ "urgent_once", "插播只能马上播或定一个时间播一次，不能每天重复。" },
	{ "empty_text", "请写上广播内容。" },
	{ "too_long_spoken", "这条太长了：连重复一起读完要超过规定的时间（一般每条最多 15 分钟）。请删短一些，或者少重复几遍。" },
	{ "preview_busy", "上一次试听还在生成，请等它好了再试。" },
	{ "preview_storage", "您今天试听生成的声音已经太多，占满了分给您的硬盘空间，请明天再试。" },
	{ "preview_budget", "这一小时里试听得太多了，请过一会儿再试。" },
	{ "no_speech", "这段文字里没有能读出来的字（只有标点或表情），请写上要广播的话。" },
	{ "not_active", "这个紧急广播已经停了。" },
	{ "refused", "没有保存，请检查后再试。" },
	{ "page", "这是紧急广播的一部分，请到「紧急广播」里操作。" },
	{ "bad_feed", "新闻来源要写网址（http:// 或 https:// 开头），或 dir: 加新闻文件夹里的文件夹。" },
	{ "feed_not_allowed", "这个网址不在允许的新闻来源里，请找县里的管理员。" },
	{ "audit", "操作日志写不进去，这次修改没有保存；请稍后再试，或告诉县里的管理员。" },
	{ "disk_full", "服务器的硬盘满了，新的通知暂时存不进去（已经安排的照常播出）。请告诉县里的管理员。" },
	{ "disabled", "这个账号已经停用了。" },
	{ "unknown_field", "表格里有不认识的项目，请刷新页面后再试。" },
	{ "unauthorised", "请重新登录。" },
	{ "too_large", "提交的内容太多了。" },
	{ "not_json", "提交的格式不对，请刷新页面后再试。" },
	{ "no_user", "这件事要用自己的账号登录后才能做。" },
	{ "no_audio", "这次播出没有留下录音。" },
	{ "gone", "这次播出的录音已经过了保存期限，删掉了。" },
	{ "foreign_origin", "这个请求不是从本系统的网页发来的，没有办。" },
	{ "bad_user", "用户没有建立，请检查用户名、角色和地区。" },
	{ "bad_speaker", "喇叭没有建立，请检查编号、名称和所在村。" },
	{ "bad_schedule", "播出安排不对，请检查时间和日期。" },
	{ "bad_notice", "通知没有保存，请检查后再试。" },
	{ "token", "口令没能保存，请再试一次。" },
	{ "tone_offline", "这个喇叭现在不在线，试音听不到。等它在线了再试。" },
	{ "tone_busy", "这个喇叭正在广播，现在不能试音，免得打断广播。等播完了再试。" },
	{ "tone_page", "这个喇叭正在播紧急广播，现在不能试音。等紧急广播停了再试。" },
	{ "tone_again", "这个喇叭正在试音，请等这一次播完。" },
	{ "database", "服务器读写数据出了问题，请稍后再试；还不行请告诉县里的管理员。" },
	{ "internal", "服务器出了问题，这次没有办成；请告诉县里的管理员。" },
};

void
web_error_zh(const char *code, const char *field, char *out, size_t n)
{
	const char *fz = "这一项", *eg = NULL;

	for (size_t i = 0; field && i < G_N_ELEMENTS(field_names); i++)
		if (strcmp(field, field_names[i].field) == 0) {
			fz = field_names[i].zh;
			eg = field_names[i].eg;
		}
	for (size_t i = 0; code && i < G_N_ELEMENTS(codes); i++) {
		if (strcmp(code, codes[i].code) != 0)
			continue;
		/* Each message has at most one %s, the field's name. */
		const char *pct = strstr(codes[i].zh, "%s");
		int k = pct ? snprintf(out, n, "%.*s%s%s", (int)(pct - codes[i].zh),
		    codes[i].zh, fz, pct + 2) : snprintf(out, n, "%s", codes[i].zh);
		/* How it should look, where a wrong one is a matter of form. */
		if (eg && k > 0 && (size_t)k < n && (strcmp(code, "bad_field") == 0 ||
		    strcmp(code, "out_of_range") == 0 || strcmp(code,
		    "bad_pinyin") == 0) && strstr(out, eg) == NULL)
			snprintf(out + k, n - (size_t)k, "例如：%s", eg);
		return;
	}
	snprintf(out, n, "没有办成，请稍后再试；还不行请告诉县里的管理员。");
}

const char *
web_audit_action_zh(const char *action)
{
	static const char *const t[][2] = {
		{ "user.login", "登录" }, { "user.logout", "退出" },
		{ "user.login_failed", "登录没成功（密码不对）" },
		{ "user.add", "新建用户" }, { "user.disable", "停用用户" },
		{ "user.password", "改密码" },
		{ "user.password_refused", "改密码没成功（现在的密码不对）" },
		{ "token.add", "生成程序口令" }, { "token.revoke", "撤销程序口令" },
		{ "notice.add", "新建通知" }, { "notice.edit", "修改通知" },
		{ "notice.cancel", "取消通知" }, { "schedule.add", "安排播出" },
		{ "schedule.urgent", "插播" },
		{ "schedule.remove", "删除播出安排" },
		{ "page.create", "发布紧急广播" },
		{ "page.logged", "记录紧急广播（没有播出）" },
		{ "page.cancel", "停止紧急广播" },
		{ "cap.receive", "收到上级平台的预警" },
		{ "cap.refuse", "拒收上级平台的预警" },
		{ "lexicon.set", "设置读音" }, { "lexicon.delete", "删除读音" },
		{ "zone.add", "新建地区" }, { "speaker.add", "新建喇叭" },
		{ "speaker.token", "重新生成喇叭接入口令" },
		{ "speaker.enrolled", "喇叭接入" },
		{ "speaker.volume", "设置喇叭音量" },
		{ "speaker.tone", "喇叭试音" },
	};

	for (size_t i = 0; action && i < G_N_ELEMENTS(t); i++)
		if (strcmp(action, t[i][0]) == 0)
			return t[i][1];
	return "其他操作";
}

const char *
web_source_zh(struct web_ctx *c, const char *source)
{
	static const char *const kinds[] = { "web", "api", "cap" };
	const char *colon = source ? strchr(source, ':') : NULL;

	if (source == NULL || *source == '\0')
		return "本机";
	for (size_t i = 0; colon && i < G_N_ELEMENTS(kinds); i++)
		if ((size_t)(colon - source) == strlen(kinds[i]) &&
		    strncmp(source, kinds[i], strlen(kinds[i])) == 0) {
			gchar *s = g_strdup_printf("%s %s", web_word_zh(kinds[i]),
			    colon + 1);
			g_ptr_array_add(c->keep, s);
			return web_esc(c, s);
		}
	if (strcmp(web_word_zh(source), source) != 0)
		return web_word_zh(source);	/* a page's "web", "cap" */
	return web_esc(c, source);	/* an address alone: a box enrolling */
}

const char *
web_word_zh(const char *word)
{
	static const char *const t[][2] = {
		{ "web", "网页" }, { "api", "命令行或接口" },
		{ "cap", "上级预警平台" }, { "Alert", "预警" },
		{ "Update", "更新" }, { "Cancel", "取消" }, { "Ack", "回执" },
		{ "Error", "出错通知" }, { "Actual", "实际" },
		{ "Exercise", "演练" }, { "Test", "测试" }, { "System", "系统" },
		{ "Draft", "草稿" },
	};

	for (size_t i = 0; word && i < G_N_ELEMENTS(t); i++)
		if (strcmp(word, t[i][0]) == 0)
			return t[i][1];
	return word ? word : "";
}

/* The time at the end of a reason ("... at 2026-11-30 09:00"), or "". */
static const char *
tail_time(const char *s, const char *after)
{
	const char *p = strstr(s, after);

	return p ? p + strlen(after) : "";
}

const char *
web_reason_fixed_zh(const char *reason)
{
	static const char *const t[][2] = {
		{ "the notice was cancelled on air", "播到一半被停下了" },
		{ "the notice was cancelled", "播出前通知被取消了" },
		{ "the page expired on air", "紧急广播到了规定的时长，停了" },
		{ "the notice could not be read", "服务器读不到这条通知" },
		{ "its notice cannot be read", "服务器读不到这条通知" },
		{ "dalabad stopped before it finished", "没播完服务器就停了" },
		{ "status System/Draft: never aired", "上级平台标明是系统消息或草稿，不播出" },
		{ "an exercise/test, and no target zone is set for drills",
		  "是演练或测试，而目标地区没有设为可以演练，不播出" },
		{ "it had expired when it arrived", "收到时已经过期，不播出" },
	};

	for (size_t i = 0; reason && i < G_N_ELEMENTS(t); i++)
		if (strcmp(reason, t[i][0]) == 0)
			return t[i][1];
	return NULL;
}

const char *
web_reason_zh(struct web_ctx *c, const char *reason)
{
	gchar *s = NULL;

	if (reason == NULL || *reason == '\0')
		return NULL;
	if (web_reason_fixed_zh(reason))
		return web_reason_fixed_zh(reason);
	if (g_str_has_prefix(reason, "dalabad was not running at "))
		s = g_strdup_printf("%s 服务器没有运行，错过了",
		    tail_time(reason, " at "));
	else if (g_str_has_prefix(reason, "pre-empted and could not re-air by "))
		s = g_strdup_printf("被更要紧的广播打断，到 %s 还没能重播",
		    tail_time(reason, " by "));
	else if (g_str_has_prefix(reason, "held back and could not re-air by "))
		s = g_strdup_printf("让更要紧的广播先播，到 %s 还没轮到",
		    tail_time(reason, " by "));
	if (s == NULL)	/* the sender's or the synthesiser's own words */
		return "播出出了故障（详情在服务器日志里）";
	g_ptr_array_add(c->keep, s);
	return web_esc(c, s);
}
