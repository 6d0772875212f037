/*
 * page_notices.c — the cadre's main work: write a notice, see exactly what
 * will be read ("读法预览") and hear it, then schedule it or air it now;
 * edit or cancel it before it airs. Every write goes through the JSON API
 * (web_call), so the page can do nothing the API would refuse.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tts/tts.h"
#include "web-admin/web_int.h"

/* ---- write or edit ---- */

static void
option(GString *g, const char *value, const char *label, const char *cur)
{
	g_string_append_printf(g, "<option value=\"%s\"%s>%s</option>", value,
	    cur && strcmp(value, cur) == 0 ? " selected" : "", label);
}

static void
notice_form(struct web_ctx *c, int64_t id, JsonObject *cur, const char *err)
{
	JsonNode *zn = web_get(c, "zones");
	JsonArray *zones = zn ? json_node_get_array(zn) : NULL;
	GString *g = html_begin(c, id ? "修改通知" : "写通知", "notices");
	/* Values: what was just submitted, else the stored notice. */
	const char *title = web_field(c, "title", cur ? web_jstr(cur, "title") : "");
	const char *body = web_field(c, "body", cur ? web_jstr(cur, "body") : "");
	const char *zone = web_field(c, "zone", cur ? web_jstr(cur, "zone") :
	    c->who.zone);
	const char *cls = web_field(c, "class", cur ? web_jstr(cur, "class") : NULL);
	char rep[8], rate[8];

	snprintf(rep, sizeof(rep), "%lld", cur ? (long long)web_jnum(cur, "repeat") : 2);
	snprintf(rate, sizeof(rate), "%lld", cur ? (long long)web_jnum(cur, "rate") :
	    (long long)TTS_DEFAULT_RATE);
	const char *repeat = web_field(c, "repeat", rep);
	const char *rt = web_field(c, "rate", rate);
	bool chime = c->form ? web_field(c, "chime", NULL) != NULL :
	    cur ? web_jnum(cur, "chime") != 0 : true;
	bool priv = c->form ? web_field(c, "private", NULL) != NULL :
	    cur ? web_jnum(cur, "private") != 0 : false;
	/* A voice notice: its recording (brought on /notices/new/voice) is
	 * heard, the text only shown. */
	const char *rec = web_field(c, "recording", cur && web_jstr(cur,
	    "recording") ? web_jstr(cur, "recording") : web_qarg(c,
	    "recording", ""));
	bool voice = rec && *rec;

	if (err)
		html_notice_box(g, "err", web_esc(c, err));
	if (id)
		g_string_append_printf(g, "<form method=\"post\" action=\"/notices/"
		    "%lld/edit\">", (long long)id);
	else
		g_string_append(g, "<form method=\"post\" action=\"/notices/new\">");
	html_csrf(c, g);
	if (voice)
		g_string_append_printf(g, "<input type=\"hidden\" name=\"recording\" "
		    "value=\"%s\"><div class=\"card\"><p>录音（播出时放这段录音，"
		    "不读下面的文字）：</p><audio controls preload=\"metadata\" "
		    "src=\"/api/v1/recordings/%s/audio\"></audio></div>",
		    web_esc(c, rec), web_esc(c, rec));
	g_string_append_printf(g, "<label for=\"title\">标题（可不填）</label>"
	    "<input id=\"title\" name=\"title\" maxlength=\"200\" value=\"%s\">"
	    "<label for=\"body\">%s</label><textarea id=\"body\" name=\"body\" "
	    "%smaxlength=\"8000\">%s</textarea><label for=\"zone\">播给哪里"
	    "</label><select id=\"zone\" name=\"zone\">", web_esc(c, title),
	    voice ? "文字说明（可不填；只显示，不播读）" : "正文",
	    voice ? "" : "required ", web_esc(c, body));
	for (guint i = 0; zones && i < json_array_get_length(zones); i++) {
		JsonObject *z = json_array_get_object_element(zones, i);
		const char *code = web_jstr(z, "code");
		if (!web_within(&c->who, code))
			continue;
		gchar *label = g_strdup_printf("%s（%s）", web_esc(c, web_jstr(z, "name")), code);
		option(g, code, label, zone);
		g_free(label);
	}
	g_string_append(g, "</select>");
	char here[64];
	if (id)
		snprintf(here, sizeof(here), "/notices/%lld/edit?find=1",
		    (long long)id);
	else
		snprintf(here, sizeof(here), "/notices/new?find=1");
	web_targets_field(c, g, zones, cur, here);
	g_string_append(g, "<label for=\"class\">级别</label><select "
	    "id=\"class\" name=\"class\">");
	option(g, "", "按地区（默认）", cls ? cls : "");
	static const char *const classes[] = { "village", "township", "county" };
	for (int i = 0; i <= web_max_class(&c->who); i++)
		option(g, classes[i], html_class_zh(classes[i]), cls);
	g_string_append_printf(g, "</select><label for=\"repeat\">%s</label>"
	    "<select id=\"repeat\" name=\"repeat\">", voice ? "播几遍" : "读几遍");
	for (int i = 1; i <= 5; i++) {
		char v[4], l[16];
		snprintf(v, sizeof(v), "%d", i);
		snprintf(l, sizeof(l), "%d 遍", i);
		option(g, v, l, repeat);
	}
	g_string_append(g, "</select>");
	if (voice)	/* nothing is read: no rate, voice or news */
		goto flags;
	g_string_append(g, "<label for=\"rate\">语速</label><select "
	    "id=\"rate\" name=\"rate\">");
	option(g, "110", "很慢", rt);
	option(g, "130", "慢（适合老人）", rt);
	option(g, "150", "正常", rt);
	option(g, "170", "稍快", rt);
	g_string_append(g, "</select><label for=\"voice\">语音</label><select "
	    "id=\"voice\" name=\"voice\">");
	option(g, "mandarin", "普通话", web_field(c, "voice", cur ? web_jstr(cur,
	    "voice") : "mandarin"));
	option(g, "cantonese", "粤语", web_field(c, "voice", cur ? web_jstr(cur,
	    "voice") : "mandarin"));
	g_string_append(g, "</select>");
flags:
	g_string_append_printf(g, "<div class=\"inline\"><label><input "
	    "type=\"checkbox\" name=\"chime\" value=\"1\"%s> 播前播后响提示音"
	    "</label></div><div class=\"inline\"><label><input type=\"checkbox\" "
	    "name=\"private\" value=\"1\"%s> 不公开（不放到村里的“再听一遍”"
	    "网页和播客上）</label></div>", chime ? " checked" : "",
	    priv ? " checked" : "");
	if (voice)
		goto buttons;
	/* News: read after the text, fetched at air time. Folded away: most
	 * notices have none, and an edit must keep the one it has. */
	const char *feed = web_field(c, "feed", cur ? web_jstr(cur, "feed") : "");
	char items[8];
	snprintf(items, sizeof(items), "%lld", cur && web_jnum(cur, "feed_items") ?
	    (long long)web_jnum(cur, "feed_items") : 3);
	const char *fi = web_field(c, "feed_items", items);
	g_string_append_printf(g, "<details%s><summary>接着读新闻（可不填）"
	    "</summary><label for=\"feed\">新闻来源：网址，或 dir: 加文件夹"
	    "</label><input id=\"feed\" name=\"feed\" maxlength=\"1024\" "
	    "value=\"%s\"><label for=\"feed_items\">读最新的几条</label>"
	    "<select id=\"feed_items\" name=\"feed_items\">", feed && *feed ?
	    " open" : "", web_esc(c, feed ? feed : ""));
	for (int i = 1; i <= 10; i++) {
		char v[4], l[16];
		snprintf(v, sizeof(v), "%d", i);
		snprintf(l, sizeof(l), "%d 条", i);
		option(g, v, l, fi);
	}
	g_string_append(g, "</select></details>");
buttons:
	g_string_append(g, "<button type=\"submit\">保存并预览"
	    "</button> <a class=\"button plain\" href=\"/notices\">返回</a>"
	    "</form><script src=\"/static/page.js\"></script>");
	html_end(c, g, err ? 400 : 200);
	if (zn)
		json_node_unref(zn);
}

static JsonObject *
notice_body(struct web_ctx *c)
{
	JsonObject *o = json_object_new();
	const char *cls = web_field(c, "class", "");
	JsonNode *zn = web_get(c, "zones");
	JsonArray *zones = zn ? json_node_get_array(zn) : NULL, *t = json_array_new();

	const char *rec = web_field(c, "recording", "");

	if (*rec)
		json_object_set_string_member(o, "recording", rec);
	json_object_set_boolean_member(o, "private", web_field(c, "private",
	    NULL) != NULL);
	json_object_set_string_member(o, "title", web_field(c, "title", ""));
	json_object_set_string_member(o, "body", web_field(c, "body", ""));
	/* Places ticked win over the one zone chosen above them. */
	GPtrArray *ticked = web_zone_ticked(c, zones, WEB_TARGETS);
	for (guint i = 0; i < ticked->len; i++)
		json_array_add_string_element(t, g_ptr_array_index(ticked, i));
	g_ptr_array_unref(ticked);
	if (json_array_get_length(t) > 0)
		json_object_set_array_member(o, "zones", t);
	else {
		json_array_unref(t);
		json_object_set_string_member(o, "zone", web_field(c, "zone", ""));
	}
	if (zn)
		json_node_unref(zn);
	if (*cls)
		json_object_set_string_member(o, "class", cls);
	json_object_set_int_member(o, "repeat", atoi(web_field(c, "repeat", "1")));
	json_object_set_boolean_member(o, "chime", web_field(c, "chime", NULL) !=
	    NULL);
	if (*rec)
		return o;	/* a voice notice: nothing read, so no reading */
	json_object_set_string_member(o, "voice", web_field(c, "voice",
	    "mandarin"));
	json_object_set_int_member(o, "rate", atoi(web_field(c, "rate", "150")));
	/* "" clears the feed (an edit of a notice that had one). */
	json_object_set_string_member(o, "feed", web_field(c, "feed", ""));
	json_object_set_int_member(o, "feed_items", atoi(web_field(c,
	    "feed_items", "3")));
	return o;
}

void
page_notice_new(struct web_ctx *c)
{
	int64_t id = c->nparts == 3 ? g_ascii_strtoll(c->parts[1], NULL, 10) : 0;
	JsonNode *cur = NULL;
	char err[512], path[64];

	if (c->nparts == 3 && id <= 0) {
		html_error_page(c, 404, "没有这条通知。");
		return;
	}
	if (id) {
		snprintf(path, sizeof(path), "notices/%lld", (long long)id);
		if ((cur = web_get(c, path)) == NULL) {
			html_error_page(c, 404, "没有这条通知，或不在您的地区。");
			return;
		}
	}
	/* GET, or the chooser's 查找 (the form drawn again, narrowed, with
	 * what was typed): nothing is saved. */
	if (strcmp(c->method, "GET") == 0 || *web_qarg(c, "find", "")) {
		notice_form(c, id, cur ? json_node_get_object(cur) : NULL, NULL);
	} else {
		JsonObject *body = notice_body(c);
		JsonNode *res = NULL;
		int st = web_call(c, "POST", id ? path : "notices", body, &res, err,
		    sizeof(err));
		json_object_unref(body);
		if (st < 300) {
			char to[64];
			snprintf(to, sizeof(to), "/notices/%lld?ok=saved", (long long)
			    json_object_get_int_member(json_node_get_object(res), "id"));
			html_redirect(c, to);
		} else {
			notice_form(c, id, cur ? json_node_get_object(cur) : NULL, err);
		}
		if (res)
			json_node_unref(res);
	}
	if (cur)
		json_node_unref(cur);
}

/* ---- one notice ---- */

static const char *
schedule_text(struct web_ctx *c, JsonObject *s)
{
	const char *kind = web_jstr(s, "kind");
	gchar *t;

	if (strcmp(kind, "once") == 0)
		t = g_strdup_printf("%s：%s", web_jnum(s, "urgent") ? "插播" : "一次",
		    html_time(c, web_jnum(s, "once_at")));
	else if (strcmp(kind, "daily") == 0)
		t = g_strdup_printf("每天 %s", web_jstr(s, "times"));
	else
		t = g_strdup_printf("%s %s", html_weekdays_zh(c, web_jnum(s,
		    "weekdays"), web_jnum(s, "every_weeks")), web_jstr(s, "times"));
	if (web_jstr(s, "date_from") || web_jstr(s, "date_to")) {
		gchar *u = g_strdup_printf("%s，%s 至 %s", t, web_jstr(s, "date_from") ?
		    web_jstr(s, "date_from") : "", web_jstr(s, "date_to") ? web_jstr(s, "date_to") :
		    "");
		g_free(t);
		t = u;
	}
	g_ptr_array_add(c->keep, t);
	return web_esc(c, t);
}

void
page_notice_view(struct web_ctx *c, int64_t id, const char *ok,
    const char *err)
{
	char path[64];
	JsonNode *nn, *zn = web_get(c, "zones");
	JsonArray *zones = zn ? json_node_get_array(zn) : NULL;

	snprintf(path, sizeof(path), "notices/%lld", (long long)id);
	if ((nn = web_get(c, path)) == NULL) {
		html_error_page(c, 404, "没有这条通知，或不在您的地区。");
		if (zn)
			json_node_unref(zn);
		return;
	}
	JsonObject *n = json_node_get_object(nn);
	const char *title = web_jstr(n, "title");
	bool cancelled = web_jnum(n, "cancelled_at") != 0;
	bool mine = web_within(&c->who, web_jstr(n, "zone"));
	JsonArray *sch = json_object_has_member(n, "schedules") ?
	    json_object_get_array_member(n, "schedules") : NULL;
	JsonArray *bc = json_object_has_member(n, "broadcasts") ?
	    json_object_get_array_member(n, "broadcasts") : NULL;
	GString *g = html_begin(c, title ? title : "通知", "notices");

	if (ok)
		html_notice_box(g, "ok", ok);
	if (err)
		html_notice_box(g, "err", web_esc(c, err));
	bool voice = web_jstr(n, "recording") != NULL;
	g_string_append_printf(g, "<div class=\"meta\"><span class=\"badge\">%s"
	    "</span><span id=\"targets\">%s</span> · %s %lld 遍 · %s%s%s</div>",
	    html_class_zh(web_jstr(n, "class")), web_targets_text(c, zones, n),
	    voice ? "录音，播" : "读", (long long)web_jnum(n, "repeat"),
	    html_time(c, web_jnum(n, "created_at")), web_jnum(n, "private") ?
	    " · 不公开" : "", cancelled ? " · 已取消" : "");
	const char *body = web_jstr(n, "body");
	if (voice && body && *body)
		g_string_append_printf(g, "<h2>文字说明（只显示，不播读）</h2>"
		    "<div class=\"card\" id=\"body-text\">%s</div>",
		    web_esc(c, body));
	else if (!voice)
		g_string_append_printf(g, "<h2>正文</h2><div class=\"card\" "
		    "id=\"body-text\">%s</div>", web_esc(c, body));
	if (voice)
		goto listen;
	char e2[256];
	char *rd = web_reading(c, web_jstr(n, "body"), web_jstr(n, "voice"), e2,
	    sizeof(e2));
	char *rt = title ? web_reading(c, title, web_jstr(n, "voice"), e2,
	    sizeof(e2)) : NULL;
	g_string_append_printf(g, "<h2>读法预览</h2><p class=\"small\">喇叭上"
	    "会一字一字这样读：</p><div class=\"reading\" id=\"reading\">%s%s%s"
	    "</div>", rt ? web_esc(c, rt) : "", rt ? "\n" : "", web_esc(c, rd ? rd : "?"));
	free(rd);
	free(rt);
listen:
	g_string_append_printf(g, "<h2>试听</h2><audio id=\"preview\" controls "
	    "preload=\"auto\" src=\"/api/v1/notices/%lld/audio\"></audio>",
	    (long long)id);
	if (web_jnum(n, "page"))
		g_string_append_printf(g, "<p><a class=\"button danger\" href=\""
		    "/pages/%lld\">这是紧急广播：到紧急广播页面查看和操作</a></p>",
		    (long long)web_jnum(n, "page"));
	else if (mine && !cancelled) {
		if (bc == NULL || json_array_get_length(bc) == 0)
			g_string_append_printf(g, "<p><a class=\"button plain\" "
			    "href=\"/notices/%lld/edit\">修改</a></p>", (long long)id);
		g_string_append_printf(g, "<h2>安排播出</h2><form method=\"post\" "
		    "action=\"/notices/%lld/schedule\" class=\"card\">", (long long)id);
		html_csrf(c, g);
		/* A refused schedule comes back as it was typed, its error
		 * also here, where the eye is (the top is a long way up). */
		bool back = err && c->form && web_field(c, "kind", NULL);
		if (back)
			html_notice_box(g, "err", web_esc(c, err));
		const char *kind = back ? web_field(c, "kind", "once") : "once";
		static const char *const kinds[][2] = { { "once", "播一次" },
		    { "daily", "每天" }, { "weekly", "每周几天" } };
		g_string_append(g, "<label for=\"kind\">怎么播</label><select "
		    "id=\"kind\" name=\"kind\">");
		for (size_t i = 0; i < G_N_ELEMENTS(kinds); i++)
			g_string_append_printf(g, "<option value=\"%s\"%s>%s</option>",
			    kinds[i][0], strcmp(kind, kinds[i][0]) == 0 ? " selected" :
			    "", kinds[i][1]);
		/* Each kind's own fields (f-once, f-times, f-week): the style
		 * sheet shows only the chosen kind's where the browser knows
		 * :has(), and all of them where it does not. */
		g_string_append_printf(g, "</select><div class=\"f-once\">"
		    "<label for=\"at\">日期和时间</label><input id=\"at\" "
		    "name=\"at\" type=\"datetime-local\" value=\"%s\"></div>"
		    "<div class=\"f-times\"><label for=\"time1\">几点（点一下"
		    "选时间）</label><input id=\"time1\" name=\"time1\" "
		    "type=\"time\" value=\"%s\"><label for=\"times\">还有别的"
		    "时间（可不填，如 12:00,18:30）</label><input id=\"times\" "
		    "name=\"times\" placeholder=\"12:00,18:30\" value=\"%s\">"
		    "</div><div class=\"f-week\"><label>星期几</label><div "
		    "class=\"inline\">",
		    web_esc(c, back ? web_field(c, "at", "") : ""),
		    web_esc(c, back ? web_field(c, "time1", "") : ""),
		    web_esc(c, back ? web_field_typed(c, "times", "") : ""));
		static const char *const wd[] = { "一", "二", "三", "四", "五", "六",
		    "日" };
		const char *days = back ? web_field(c, "wd", "") : "";
		for (int i = 0; i < 7; i++)
			g_string_append_printf(g, "<label><input type=\"checkbox\" "
			    "name=\"wd\" value=\"%d\"%s> %s</label>", i + 1,
			    strchr(days, '1' + i) ? " checked" : "", wd[i]);
		g_string_append_printf(g, "</div></div><div class=\"f-times\">"
		    "<label for=\"from\">从哪天开始（可不填）</label><input "
		    "id=\"from\" name=\"from\" type=\"date\" value=\"%s\">"
		    "<label for=\"to\">到哪天为止（可不填）</label><input id=\"to\" "
		    "name=\"to\" type=\"date\" value=\"%s\"></div>"
		    "<label for=\"volume\">音量</label><select id=\"volume\" "
		    "name=\"volume\">",
		    web_esc(c, back ? web_field(c, "from", "") : ""),
		    web_esc(c, back ? web_field(c, "to", "") : ""));
		static const char *const vols[][2] = { { "", "喇叭自己的音量（默认）" },
		    { "100", "最响（100）" }, { "80", "响（80）" },
		    { "60", "中等（60）" }, { "40", "小声（40，早晚）" } };
		for (size_t i = 0; i < G_N_ELEMENTS(vols); i++)
			option(g, vols[i][0], vols[i][1], back ? web_field(c,
			    "volume", "") : "");
		g_string_append(g, "</select><button type=\"submit\">安排播出"
		    "</button></form>");
		char to[64];
		snprintf(to, sizeof(to), "/notices/%lld/now", (long long)id);
		html_action(c, g, to, "马上播出", "", NULL, NULL);
		/* The cut-in: for a cadre whose area has its own routine
		 * items to cut into, never for a page. */
		snprintf(to, sizeof(to), "/notices/%lld/urgent", (long long)id);
		html_action(c, g, to, "插播（打断日常广播，马上播）", "urgent",
		    NULL, NULL);
		snprintf(to, sizeof(to), "/notices/%lld/cancel", (long long)id);
		html_action(c, g, to, "取消这条通知", "danger", NULL, NULL);
	}
	g_string_append(g, "<h2>播出安排</h2>");
	guint shown = 0;
	for (guint i = 0; sch && i < json_array_get_length(sch); i++) {
		JsonObject *s = json_array_get_object_element(sch, i);
		if (web_jnum(s, "removed_at"))
			continue;
		shown++;
		g_string_append_printf(g, "<div class=\"card schedule\">%s",
		    schedule_text(c, s));
		if (mine && !cancelled) {
			char to[64], nid[24];
			snprintf(to, sizeof(to), "/schedules/%lld/delete",
			    (long long)web_jnum(s, "id"));
			snprintf(nid, sizeof(nid), "%lld", (long long)id);
			html_action(c, g, to, "删除这个安排", "plain", "notice", nid);
		}
		g_string_append(g, "</div>");
	}
	if (shown == 0)
		g_string_append(g, "<p>还没有安排。</p>");
	g_string_append(g, "<h2>播出记录</h2>");
	for (guint i = 0; bc && i < json_array_get_length(bc); i++) {
		JsonObject *b = json_array_get_object_element(bc, i);
		const char *bz = web_jstr(b, "zone");
		g_string_append_printf(g, "<div class=\"card aired\">%s%s%s · %s · "
		    "%lld/%lld 个喇叭确认</div>", bz ? html_zone_name(c, zones, bz) :
		    "", bz ? " · " : "", html_time(c, web_jnum(b, "slot_at")),
		    html_outcome_zh(web_jstr(b, "outcome")), (long long)web_jnum(b, "confirmed"),
		    (long long)web_jnum(b, "targets"));
	}
	if (bc == NULL || json_array_get_length(bc) == 0)
		g_string_append(g, "<p>还没有播出过。</p>");
	html_end(c, g, err ? 400 : 200);
	json_node_unref(nn);
	if (zn)
		json_node_unref(zn);
}

void
page_notice(struct web_ctx *c)
{
	int64_t id = g_ascii_strtoll(c->parts[1], NULL, 10);
	const char *ok = web_qarg(c, "ok", "");

	if (id <= 0) {
		html_error_page(c, 404, "没有这条通知。");
		return;
	}
	/* The first slot of what was just scheduled (a number from our own
	 * redirect; shown only as a time). */
	int64_t next = g_ascii_strtoll(web_qarg(c, "next", "0"), NULL, 10);
	gchar *sched = next > 0 ? g_strdup_printf("已安排播出。第一次播出："
	    "%s。", html_time(c, next)) : g_strdup("已安排播出。");
	g_ptr_array_add(c->keep, sched);
	page_notice_view(c, id, strcmp(ok, "saved") == 0 ? "已保存。请听一听，再安排播出。" :
	    strcmp(ok, "scheduled") == 0 ? sched :
	    strcmp(ok, "now") == 0 ? "马上播出。" :
	    strcmp(ok, "urgent") == 0 ? "正在插播。" :
	    strcmp(ok, "cancelled") == 0 ? "已取消。" :
	    strcmp(ok, "removed") == 0 ? "安排已删除。" : NULL, NULL);
}
