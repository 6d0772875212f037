/*
 * page_lists.c — what there is to look at: the timetable of the coming
 * week, and the loudspeakers with their health (and enrolling a new
 * one). The history: page_find.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web-admin/web_int.h"

/* ---- timetable ---- */

void
page_timetable(struct web_ctx *c)
{
	static const char *const wd[] = { "", "星期一", "星期二", "星期三",
	    "星期四", "星期五", "星期六", "星期日" };
	const char *zf = web_qarg(c, "zone", "");
	JsonNode *zn = web_get(c, "zones");
	JsonArray *zones = zn ? json_node_get_array(zn) : NULL;
	/* The API filters by zone; a bad value just shows everything. */
	gchar *path = g_strdup_printf("timetable?zone=%s", zf);
	JsonNode *tn = web_get(c, *zf ? path : "timetable");
	g_free(path);
	JsonArray *slots = tn ? json_node_get_array(tn) : NULL;
	GString *g = html_begin(c, "时间表（今天和以后七天）", "timetable");

	g_string_append(g, "<form method=\"get\" action=\"/timetable\"><label "
	    "for=\"zone\">只看</label><select id=\"zone\" name=\"zone\"><option "
	    "value=\"\">全部</option>");
	for (guint i = 0; zones && i < json_array_get_length(zones); i++) {
		JsonObject *z = json_array_get_object_element(zones, i);
		g_string_append_printf(g, "<option value=\"%s\"%s>%s</option>",
		    web_esc(c, web_jstr(z, "code")), strcmp(zf, web_jstr(z, "code")) == 0 ?
		    " selected" : "", web_esc(c, web_jstr(z, "name")));
	}
	g_string_append(g, "</select><button type=\"submit\" class=\"plain\">"
	    "看</button></form>");
	char day[16] = "";
	guint shown = 0;
	for (guint i = 0; slots && i < json_array_get_length(slots); i++) {
		JsonObject *s = json_array_get_object_element(slots, i);
		const char *zone = web_jstr(s, "zone");
		GDateTime *u = g_date_time_new_from_unix_utc(web_jnum(s, "at"));
		GDateTime *t = g_date_time_to_timezone(u, dalabad_tz(c->wa->d));
		gchar *d = g_date_time_format(t, "%Y-%m-%d");
		gchar *hm = g_date_time_format(t, "%H:%M");
		if (strcmp(d, day) != 0) {
			snprintf(day, sizeof(day), "%s", d);
			g_string_append_printf(g, "<h2>%d月%d日 %s</h2>",
			    g_date_time_get_month(t), g_date_time_get_day_of_month(t),
			    wd[g_date_time_get_day_of_week(t)]);
		}
		g_string_append_printf(g, "<div class=\"card slot\"><h3><a href="
		    "\"/notices/%lld\"><span class=\"at\">%s</span>%s</a></h3><div "
		    "class=\"meta\"><span class=\"badge\">%s</span>%s</div></div>",
		    (long long)web_jnum(s, "notice"), hm, web_esc(c, web_jstr(s, "title")),
		    html_class_zh(web_jstr(s, "class")), html_zone_name(c, zones, zone));
		shown++;
		g_free(d);
		g_free(hm);
		g_date_time_unref(t);
		g_date_time_unref(u);
	}
	if (shown == 0)
		g_string_append(g, "<p>这几天没有安排播出。</p>");
	html_end(c, g, 200);
	if (tn)
		json_node_unref(tn);
	if (zn)
		json_node_unref(zn);
}

/* ---- loudspeakers ---- */

/* "正在播放：TITLE" for a speaker in zone: the highest class on air whose
 * zone covers it. */
static const char *
playing_title(struct web_ctx *c, JsonArray *onair, const char *zone)
{
	static const char *const order[] = { "emergency", "county", "township",
	    "village" };

	for (size_t k = 0; onair && k < G_N_ELEMENTS(order); k++)
		for (guint i = 0; i < json_array_get_length(onair); i++) {
			JsonObject *a = json_array_get_object_element(onair, i);
			const char *az = web_jstr(a, "zone");
			if (az && strncmp(zone, az, strlen(az)) == 0 &&
			    g_strcmp0(web_jstr(a, "class"), order[k]) == 0) {
				gchar *t = g_strdup_printf("<span class=\"badge playing\">"
				    "正在播放：%s</span>", web_esc(c, web_jstr(a, "title")));
				g_ptr_array_add(c->keep, t);
				return t;
			}
		}
	return "<span class=\"badge playing\">正在播放</span>";
}

static void
enrol_result(struct web_ctx *c, JsonObject *o)
{
	GString *g = html_begin(c, "新喇叭：请在喇叭上运行这条命令", "speakers");
	const char *cmd = web_jstr(o, "command");

	g_string_append_printf(g, "<div class=\"card ok\">喇叭 %lld 已建立。"
	    "这个一次性口令 24 小时内有效：</div><code id=\"command\">%s</code>"
	    "<p>用手机扫描：</p><div class=\"qr\">", (long long)web_jnum(o, "id"),
	    web_esc(c, cmd));
	html_qr_svg(g, cmd);
	/* The command ends with the server key's fingerprint: the box trusts
	 * only that key, so a command read out over the phone can be
	 * checked against this line. */
	g_string_append_printf(g, "</div><p>命令最后一段是本服务器密钥的指纹，"
	    "喇叭只信任这把密钥：<code id=\"fingerprint\">%s</code></p>",
	    web_esc(c, web_jstr(o, "fingerprint")));
	/* What a cadre does next: the command is for the box, not for
	 * them. */
	g_string_append(g, "<h2>下一步</h2><ol class=\"steps\"><li>把这个二维码"
	    "或这条命令交给装喇叭的技术员。</li><li>技术员在喇叭盒子上运行这条"
	    "命令（或让盒子扫这个码）。</li><li>喇叭接上以后，喇叭列表里它会显示"
	    "「在线」。</li></ol><p class=\"small\">口令只能用一次，24 小时内"
	    "有效。过期了，到这个喇叭的页面上重新生成一个。</p>");
	g_string_append(g, "<p><a class=\"button plain\" href=\"/speakers\">"
	    "返回喇叭列表</a></p>");
	html_end(c, g, 201);
}

#define SPEAKERS_PER_PAGE 50

/* The box's last heartbeat, in words: the warnings first (a box silent
 * when its village is on the air is the one to drive out to). */
static void
speaker_health(struct web_ctx *c, GString *g, JsonObject *s)
{
	if (json_object_has_member(s, "silent_when_due") &&
	    json_object_get_boolean_member(s, "silent_when_due"))
		g_string_append(g, "<br><span class=\"badge silent\">该播未播</span>"
		    "本村正在广播，这个喇叭没有在播");
	if (json_object_has_member(s, "amplifier") &&
	    json_object_get_boolean_member(s, "amplifier"))
		g_string_append(g, " · 功放开");
	JsonObject *h = json_object_has_member(s, "health") ?
	    json_object_get_object_member(s, "health") : NULL;
	if (h == NULL)
		return;
	int64_t up = web_jnum(h, "uptime_s"), audio = web_jnum(h, "audio_errors");
	int64_t amp = web_jnum(h, "amp_errors"), mb = web_jnum(h, "free_mb");
	if (audio > 0)
		g_string_append_printf(g, " · <b>声卡出错 %lld 次</b>", (long long)audio);
	if (amp > 0)
		g_string_append_printf(g, " · <b>功放开关出错 %lld 次</b>",
		    (long long)amp);
	if (up >= 86400)
		g_string_append_printf(g, " · 已运行 %lld 天", (long long)(up / 86400));
	else if (up >= 3600)
		g_string_append_printf(g, " · 已运行 %lld 小时", (long long)(up / 3600));
	else
		g_string_append_printf(g, " · 已运行 %lld 分钟", (long long)(up / 60));
	if (json_object_has_member(h, "free_mb") && mb >= 0 && mb < 100)
		g_string_append_printf(g,  " · <b>存储只剩 %lld 兆</b>", (long long)mb);
	if (*web_jstr(h, "version"))
		g_string_append_printf(g, " · 版本 %s", web_esc(c,
		    web_jstr(h, "version")));
}

static void
speaker_card(struct web_ctx *c, GString *g, JsonObject *s, JsonArray *zones,
    JsonArray *onair)
{
	const char *zone = web_jstr(s, "zone");
	bool on = json_object_get_boolean_member(s, "online");
	bool playing = json_object_has_member(s, "playing") &&
	    json_object_get_boolean_member(s, "playing");
	int64_t rx = web_jnum(s, "received"), lost = web_jnum(s, "lost");

	g_string_append_printf(g, "<div class=\"card speaker\"><h3><a href=\""
	    "/speakers/%lld\">%s&nbsp;<span class=\"small\">#%lld</span></a>"
	    "</h3><div class=\"meta\"><span class=\"badge %s\">%s</span>%s%s · %s",
	    (long long)web_jnum(s, "id"), web_esc(c, *web_jstr(s, "name") ?
	    web_jstr(s, "name") : "喇叭"), (long long)web_jnum(s, "id"),
	    on ? "on-line" : "off-line", on ? "在线" : "离线",
	    playing ? playing_title(c, onair, zone) : "",
	    html_zone_name(c, zones, zone), json_object_get_boolean_member(s,
	    "enrolled") ? "已接入" : "未接入");
	if (web_jnum(s, "last_heard"))
		g_string_append_printf(g, " · 上次联系 %s", html_time(c,
		    web_jnum(s, "last_heard")));
	if (rx + lost > 0)
		g_string_append_printf(g, " · 丢包 %.1f%%", 100.0 *
		    (double)lost / (double)(rx + lost));
	if (json_object_has_member(s, "volume"))
		g_string_append_printf(g, " · 音量 %lld", (long long)web_jnum(s,
		    "volume"));
	if (on)
		speaker_health(c, g, s);
	g_string_append(g, "</div>");
	if (!json_object_get_boolean_member(s, "enrolled")) {
		char to[64];
		snprintf(to, sizeof(to), "/speakers/%lld/token",
		    (long long)web_jnum(s, "id"));
		html_action(c, g, to, "重新生成接入口令", "plain", NULL, NULL);
	}
	g_string_append(g, "</div>");
}

/* The page number asked for ("?page=N", what a Chinese keyboard types
 * read too), 1 when there is none or it is not a number; the last page
 * past the end. */
static int64_t
page_asked(struct web_ctx *c, int64_t pages)
{
	char *v = web_fold_typed(web_qarg(c, "page", ""), false), *end;
	int64_t p = g_ascii_strtoll(v, &end, 10);
	bool ok = *v != '\0' && *end == '\0' && p >= 1;

	g_free(v);
	if (!ok)
		return 1;
	return p > pages ? pages : p;
}

/* 上一页 · 第N页，共M页 · 下一页 (a button only where there is a page to go
 * to). */
static void
pager(GString *g, const char *zone, int64_t page, int64_t pages)
{
	g_string_append(g, "<nav class=\"pager\" id=\"pager\">");
	if (page > 1)
		g_string_append_printf(g, "<a class=\"button plain\" rel=\"prev\" "
		    "href=\"/speakers?zone=%s&amp;page=%lld\">上一页</a>", zone,
		    (long long)(page - 1));
	g_string_append_printf(g, "<span id=\"pageof\">第%lld页，共%lld页</span>",
	    (long long)page, (long long)pages);
	if (page < pages)
		g_string_append_printf(g, "<a class=\"button plain\" rel=\"next\" "
		    "href=\"/speakers?zone=%s&amp;page=%lld\">下一页</a>", zone,
		    (long long)(page + 1));
	g_string_append(g, "</nav>");
}

/* A village's own boxes, SPEAKERS_PER_PAGE to a page by id, of the total
 * its summary counted; what each plays from one status. */
static void
village_page(struct web_ctx *c, GString *g, const char *zone, int64_t total,
    JsonArray *zones)
{
	int64_t pages = total > 0 ? (total + SPEAKERS_PER_PAGE - 1) /
	    SPEAKERS_PER_PAGE : 1;
	int64_t page = page_asked(c, pages);
	char path[160];

	snprintf(path, sizeof(path), "speakers?zone=%s&limit=%d&offset=%lld",
	    zone, SPEAKERS_PER_PAGE, (long long)((page - 1) * SPEAKERS_PER_PAGE));
	JsonNode *sn = web_get(c, path), *stn = web_get(c, "status");
	JsonArray *onair = stn && json_object_has_member(
	    json_node_get_object(stn), "on_air") ?
	    json_object_get_array_member(json_node_get_object(stn), "on_air") :
	    NULL;
	JsonArray *spk = sn ? json_node_get_array(sn) : NULL;
	guint n = spk ? json_array_get_length(spk) : 0;

	g_string_append_printf(g, "<h2>%s</h2>", html_zone_name(c, zones, zone));
	if (strlen(zone) == 12)	/* listening again (page_public.c, plates.c) */
		g_string_append_printf(g, "<p class=\"listen\"><a class=\"button "
		    "plain\" href=\"/v/%s\">村民收听页（不用登录）</a> <a class=\""
		    "button plain\" href=\"/zones/%s/plates.pdf\">打印二维码门牌</a> "
		    "<a class=\"button plain\" href=\"/zones/%s/plates.png\">门牌"
		    "图片</a></p>", zone, zone, zone);
	if (n == 0)
		g_string_append(g, "<p>这里还没有喇叭。</p>");
	for (guint i = 0; i < n; i++)
		speaker_card(c, g, json_array_get_object_element(spk, i), zones,
		    onair);
	if (pages > 1)
		pager(g, zone, page, pages);
	if (sn)
		json_node_unref(sn);
	if (stn)
		json_node_unref(stn);
}

void
page_speakers(struct web_ctx *c)
{
	char err[512] = "";

	if (strcmp(c->method, "GET") == 0 && c->nparts == 2 &&
	    strcmp(c->parts[1], "new") != 0) {
		page_speaker(c);	/* one box; 404 outside one's area */
		return;
	}
	if (strcmp(c->method, "POST") == 0 && c->nparts == 3 &&
	    (strcmp(c->parts[2], "volume") == 0 ||
	    strcmp(c->parts[2], "tone") == 0)) {
		page_speaker_post(c);	/* one box's volume, its test tone */
		return;
	}
	if (strcmp(c->method, "POST") == 0) {
		JsonNode *res = NULL;
		int st;
		if (c->nparts == 3 && strcmp(c->parts[2], "token") == 0) {
			char path[64];
			if (!page_speaker_token_confirmed(c))
				return;
			snprintf(path, sizeof(path), "speakers/%s/token", c->parts[1]);
			st = web_call(c, "POST", path, NULL, &res, err, sizeof(err));
		} else {
			JsonObject *b = json_object_new();
			if (*web_field(c, "id", ""))
				json_object_set_int_member(b, "id", atoi(web_field(c, "id",
				    "0")));
			json_object_set_string_member(b, "zone", web_field(c, "zone", ""));
			json_object_set_string_member(b, "name", web_field(c, "name", ""));
			st = web_call(c, "POST", "speakers", b, &res, err, sizeof(err));
			json_object_unref(b);
		}
		if (st < 300)
			enrol_result(c, json_node_get_object(res));
		if (res)
			json_node_unref(res);
		if (st < 300)
			return;
	}
	/* Bounded whatever the county's size: above a village, counts by
	 * township or village; a village's own boxes, 50 to a page (an old
	 * "?after=ID" address shows the first). */
	const char *zone = web_qarg(c, "zone", c->who.zone);
	if (*zone && (!web_within(&c->who, zone) || strspn(zone, "0123456789") !=
	    strlen(zone))) {
		html_error_page(c, 404, "没有这个地区，或不在您的地区。");
		return;
	}
	if (*zone == '\0')
		zone = "";
	JsonNode *zn = web_get(c, "zones"), *sum = NULL;
	JsonArray *zones = zn ? json_node_get_array(zn) : NULL;
	GString *g = html_begin(c, "喇叭", "speakers");
	char path[128];

	if (err[0])
		html_notice_box(g, "err", web_esc(c, err));
	if (strlen(zone) > strlen(c->who.zone) && strlen(zone) >= 9) {
		char up[16];
		snprintf(up, sizeof(up), "%.*s", strlen(zone) == 12 ? 9 : 6, zone);
		g_string_append_printf(g, "<p><a class=\"button plain\" href=\""
		    "/speakers?zone=%s\">返回%s</a></p>", up, html_zone_name(c, zones,
		    up));
	}
	/* The counts first, at every level: a village's from its own row. */
	snprintf(path, sizeof(path), "speakers/summary?zone=%s", zone);
	sum = web_get(c, path);
	JsonArray *a = sum ? json_node_get_array(sum) : NULL;
	struct web_speaker_totals t;
	web_speaker_totals(a, &t);
	g_string_append_printf(g, "<p id=\"summary\">%s：共 %lld 个喇叭，"
	    "%lld 个在线，%lld 个正在播。</p>", *zone ? html_zone_name(c,
	    zones, zone) : "全部", (long long)t.speakers, (long long)t.online,
	    (long long)t.playing);
	if (strlen(zone) < 12) {
		for (guint i = 0; a && i < json_array_get_length(a); i++) {
			JsonObject *o = json_array_get_object_element(a, i);
			int64_t off = web_jnum(o, "speakers") - web_jnum(o, "online");
			g_string_append_printf(g, "<div class=\"card area\"><h3><a "
			    "href=\"/speakers?zone=%s\">%s</a></h3><div class=\"meta\">"
			    "%lld 个喇叭 · <span class=\"badge on-line\">在线 %lld</span>",
			    web_esc(c, web_jstr(o, "zone")), html_zone_name(c, zones, web_jstr(o,
			    "zone")), (long long)web_jnum(o, "speakers"),
			    (long long)web_jnum(o, "online"));
			if (off)
				g_string_append_printf(g, "<span class=\"badge off-line\">"
				    "不在线 %lld</span>", (long long)off);
			if (web_jnum(o, "playing"))
				g_string_append_printf(g, "<span class=\"badge playing\">"
				    "正在播 %lld</span>", (long long)web_jnum(o, "playing"));
			g_string_append(g, "</div></div>");
		}
		if (a == NULL || json_array_get_length(a) == 0)
			g_string_append(g, "<p>这里还没有喇叭。</p>");
	} else
		village_page(c, g, zone, t.speakers, zones);
	g_string_append(g, "<h2>接入新喇叭</h2><form method=\"post\" action=\""
	    "/speakers/new\" class=\"card\">");
	html_csrf(c, g);
	/* Refused, the form comes back as it was typed. */
	bool back = err[0] && c->nparts == 2 && strcmp(c->parts[1], "new") == 0;
	const char *szone = back ? web_field(c, "zone", "") : "";
	if (back)	/* also where the eye is */
		html_notice_box(g, "err", web_esc(c, err));
	g_string_append_printf(g, "<label for=\"sid\">编号（可不填，自动分配）"
	    "</label><input id=\"sid\" name=\"id\" inputmode=\"numeric\" "
	    "maxlength=\"10\" value=\"%s\"><label for=\"sname\">名称（如：村委会"
	    "门口）</label><input id=\"sname\" name=\"name\" maxlength=\"64\" "
	    "value=\"%s\"><label for=\"szone\">所在村</label><select id=\"szone\" "
	    "name=\"zone\">", web_esc(c, back ? web_field_typed(c, "id", "") : ""),
	    web_esc(c, back ? web_field(c, "name", "") : ""));
	for (guint i = 0; zones && i < json_array_get_length(zones); i++) {
		JsonObject *z = json_array_get_object_element(zones, i);
		const char *code = web_jstr(z, "code");
		if (strlen(code) == 12 && web_within(&c->who, code) &&
		    g_str_has_prefix(code, zone))
			g_string_append_printf(g, "<option value=\"%s\"%s>%s</option>",
			    code, strcmp(code, szone) == 0 ? " selected" : "",
			    web_esc(c, web_jstr(z, "name")));
	}
	g_string_append(g, "</select><button type=\"submit\">建立并生成接入口令"
	    "</button></form>");
	html_end(c, g, err[0] ? 400 : 200);
	if (zn)
		json_node_unref(zn);
	if (sum)
		json_node_unref(sum);
}
