/*
 * page_pages.c — 紧急广播: the county duty officer's emergency page. Three
 * steps, so a mis-tap never pages a county: write it (text, zones, times
 * read, volume), confirm it (the exact words that will be read, the zones
 * by name and how many loudspeakers, one red button), then watch it: how
 * many of the target loudspeakers confirm playing, which have not, and
 * cancel. The live counts come from /static/page.js polling the API once
 * a second; without script the page shows them as of its loading. The
 * form offers ready texts (alert_texts.c) and chooses zones among a
 * county's hundreds (zone_pick.c); the same script narrows that list
 * as one types, where the form's own search button does it without.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web-admin/api_int.h"
#include "web-admin/web_int.h"

static bool
may_page(struct web_ctx *c)
{
	return web_may_page(&c->who, c->wa->cfg->pages_township);
}

/* The form's zone field: one checkbox per zone (zone_pick.c), so the
 * decoder's joining of a repeated name makes it "CODE,CODE"; the confirm
 * step carries it on as one hidden field of the same name. */
#define ZONE_FIELD "zone"

/* The template buttons: links that work without script (GET
 * ?template=KEY fills the box); with it, page.js fills the box in place
 * from data-text, keeping what is ticked below. */
static void
template_links(struct web_ctx *c, GString *g)
{
	g_string_append(g, "<p class=\"tpl-head\">常用内容（点一下填进下面的"
	    "框，再把【】换成实际情况）：</p><div class=\"tpl\" id=\"tpl\">");
	for (size_t i = 0; i < web_alert_ntexts; i++)
		g_string_append_printf(g, "<a class=\"button plain\" href=\""
		    "/pages/new?template=%s\" data-text=\"%s\">%s</a>",
		    web_alert_texts[i].key, web_esc(c, web_alert_texts[i].text),
		    web_alert_texts[i].label);
	g_string_append(g, "</div>");
}

static void
write_form(struct web_ctx *c, const char *error)
{
	JsonNode *zn = web_get(c, "zones");
	JsonArray *zones = zn ? json_node_get_array(zn) : NULL;
	GPtrArray *ticked = web_zone_ticked(c, zones, ZONE_FIELD);
	const char *tpl = web_alert_text(web_qarg(c, "template", NULL));
	GString *g = html_begin(c, "发布紧急广播", "pages");
	const char *rec = web_field(c, "recording", web_qarg(c, "recording", ""));

	if (error)
		html_notice_box(g, "err", web_esc(c, error));
	if (!*rec)
		g_string_append(g, "<p><a class=\"button plain\" href=\"/notices/"
		    "new/voice?for=page\">改用录音发布</a></p>");
	g_string_append(g, "<form method=\"post\" action=\"/pages/confirm\" "
	    "class=\"card err\" id=\"pageform\">");
	html_csrf(c, g);
	if (*rec) {
		/* A recorded alert: the recording is heard, the text shown. */
		g_string_append_printf(g, "<input type=\"hidden\" name=\"recording\" "
		    "value=\"%s\"><p>录音（警报音之后放这段录音）：</p><audio "
		    "controls preload=\"metadata\" src=\"/api/v1/recordings/%s/"
		    "audio\"></audio><label for=\"text\">文字说明（可不填；只显示，"
		    "不播读）</label><textarea id=\"text\" name=\"text\" "
		    "maxlength=\"2700\">%s</textarea>", web_esc(c, rec),
		    web_esc(c, rec), web_esc(c, web_field(c, "text", "")));
	} else {
		template_links(c, g);
		g_string_append_printf(g, "<label for=\"text\">广播内容（原文照读）"
		    "</label><textarea id=\"text\" name=\"text\" required "
		    "maxlength=\"2700\">%s</textarea>", web_esc(c, web_field(c,
		    "text", tpl ? tpl : "")));
	}
	web_zone_pick(c, g, zones, ZONE_FIELD, "/pages/new", ticked);
	g_string_append_printf(g, "<label for=\"repeat\">%s</label>"
	    "<input id=\"repeat\" name=\"repeat\" inputmode=\"numeric\" "
	    "maxlength=\"4\" value=\"%s\"><label for=\"volume\">音量（0–100）</label>"
	    "<input id=\"volume\" name=\"volume\" inputmode=\"numeric\" "
	    "maxlength=\"5\" value=\"%s\"><label for=\"expires\">最多播多久（分钟）"
	    "</label><input id=\"expires\" name=\"expires\" "
	    "inputmode=\"numeric\" maxlength=\"6\" value=\"%s\"><button type=\"submit\" "
	    "class=\"danger\">下一步：确认</button></form><script src=\""
	    "/static/page.js\"></script>", *rec ? "播几遍" : "读几遍",
	    web_esc(c, web_field(c, "repeat", "2")), web_esc(c, web_field(c, "volume",
	    "100")), web_esc(c, web_field(c, "expires", "30")));
	html_end(c, g, error ? 400 : 200);
	g_ptr_array_unref(ticked);
	if (zn)
		json_node_unref(zn);
}

static void
list_pages(struct web_ctx *c)
{
	JsonNode *pn = web_get(c, "pages");
	JsonArray *pages = pn ? json_node_get_array(pn) : NULL;
	GString *g = html_begin(c, "紧急广播", "pages");

	if (may_page(c))
		g_string_append(g, "<p><a class=\"button danger\" href=\""
		    "/pages/new\">发布紧急广播</a></p>");
	for (guint i = 0; pages && i < json_array_get_length(pages); i++) {
		JsonObject *p = json_array_get_object_element(pages, i);
		g_string_append_printf(g, "<div class=\"card\"><h3><a href=\""
		    "/pages/%lld\">%s</a></h3><div class=\"meta\"><span "
		    "class=\"badge\">%s</span>%s · 确认 %lld/%lld</div></div>",
		    (long long)web_jnum(p, "id"), web_esc(c, web_jstr(p, "text")),
		    html_page_state_zh(web_jstr(p, "state")), html_time(c, web_jnum(p,
		    "created_at")), (long long)web_jnum(p, "confirmed"),
		    (long long)web_jnum(p, "targets"));
	}
	if (pages == NULL || json_array_get_length(pages) == 0)
		g_string_append(g, "<p>还没有紧急广播。</p>");
	html_end(c, g, 200);
	if (pn)
		json_node_unref(pn);
}

/* Why nobody will hear it in a zone, from its coverage entry. */
static const char *
unheard_why(JsonObject *z)
{
	return web_jnum(z, "speakers") == 0 ? "没有喇叭" : web_jnum(z, "enrolled") == 0 ?
	    "喇叭还没有接入（没有注册）" : "喇叭都不在线";
}

/* A red box naming every zone where nobody will hear the page: it must
 * never look complete while a village hears nothing. */
static void
unheard_box(struct web_ctx *c, GString *g, JsonArray *zones, JsonArray *cov,
    bool sent)
{
	GString *b = g_string_new(NULL);

	for (guint i = 0; cov && i < json_array_get_length(cov); i++) {
		JsonObject *z = json_array_get_object_element(cov, i);
		if (web_jnum(z, "online") > 0)
			continue;
		g_string_append_printf(b, "<li>%s：%s</li>", html_zone_name(c, zones,
		    web_jstr(z, "zone")), unheard_why(z));
	}
	if (b->len)
		g_string_append_printf(g, "<div class=\"card err\" id=\"unheard\">"
		    "<h3>注意：下面这些地方%s听不到！</h3><ul>%s</ul><p>请另想办法"
		    "通知那里的村民（打电话、派人上门）。</p></div>", sent ?
		    "现在" : "会", b->str);
	g_string_free(b, TRUE);
}

/* The zones' coverage from the API (GET coverage); NULL if not known. */
static JsonNode *
coverage_of(struct web_ctx *c, GPtrArray *ticked)
{
	GString *q = g_string_new("coverage?zones=");

	for (guint i = 0; i < ticked->len; i++)
		g_string_append_printf(q, "%s%s", i ? "," : "",
		    (const char *)g_ptr_array_index(ticked, i));
	JsonNode *n = web_get(c, q->str);
	g_string_free(q, TRUE);
	return n;
}

/* Step 2: nothing is sent yet; show exactly what will happen. */
static void
confirm_page(struct web_ctx *c)
{
	JsonNode *zn = web_get(c, "zones");
	JsonArray *zones = zn ? json_node_get_array(zn) : NULL;
	GPtrArray *ticked = web_zone_ticked(c, zones, ZONE_FIELD);
	const char *text = web_field(c, "text", "");
	const char *rec = web_field(c, "recording", "");
	char err[256];
	char *reading = NULL;

	if ((!*rec && text[strspn(text, " \t\r\n")] == '\0') ||
	    ticked->len == 0) {
		write_form(c, ticked->len == 0 ? "请选择播到哪里。" :
		    "请写上广播内容。");
		goto out;
	}
	/* A template's 【地点】 read aloud is worse than no template. */
	if (strstr(text, "【") || strstr(text, "】")) {
		write_form(c, "广播内容里还有【】没有填好：请把【】和里面的字换成"
		    "实际的地点、时间、电话，再按“下一步”。");
		goto out;
	}
	if (ticked->len > PAGE_MAX_ZONES) {
		char m[160];
		snprintf(m, sizeof(m), "一次最多选 %d 处。要播的村多，请勾选整个镇"
		    "或全县。", PAGE_MAX_ZONES);
		write_form(c, m);
		goto out;
	}
	reading = *rec ? strdup(text) : web_reading(c, text, "mandarin", err,
	    sizeof(err));
	if (reading == NULL) {
		/* (err is the normaliser's English, for the log.) */
		write_form(c, "这段文字读不出来（可能太长，或有不能朗读的字符），"
		    "请检查后再试。");
		goto out;
	}
	JsonNode *cn = coverage_of(c, ticked);
	JsonArray *cov = cn ? json_object_get_array_member(json_node_get_object(
	    cn), "coverage") : NULL;
	gint64 total = 0, online = 0;
	for (guint i = 0; cov && i < json_array_get_length(cov); i++) {
		total += web_jnum(json_array_get_object_element(cov, i), "speakers");
		online += web_jnum(json_array_get_object_element(cov, i), "online");
	}
	GString *g = html_begin(c, "确认发布紧急广播", "pages");
	unheard_box(c, g, zones, cov, false);
	if (*rec)
		g_string_append_printf(g, "<div class=\"card err\"><h3>请核对。按"
		    "“确认发布”后，下面这些喇叭会立即停下正在播的内容，先响警报音，"
		    "再放这段录音。</h3><audio controls preload=\"metadata\" "
		    "src=\"/api/v1/recordings/%s/audio\"></audio>%s%s%s<p>播到：</p>",
		    web_esc(c, rec), *reading ? "<div class=\"reading\" "
		    "id=\"reading\">" : "", *reading ? web_esc(c, reading) : "",
		    *reading ? "</div>" : "");
	else
		g_string_append_printf(g, "<div class=\"card err\"><h3>请核对。按"
		    "“确认发布”后，下面这些喇叭会立即停下正在播的内容，先响警报音，"
		    "再读这段话。</h3><div class=\"reading\" id=\"reading\">%s</div>"
		    "<p>播到：</p>", web_esc(c, reading));
	web_zone_pick_summary(c, g, zones, ticked);
	g_string_append(g, "<ul id=\"zones\">");
	for (guint i = 0; cov && i < json_array_get_length(cov); i++) {
		JsonObject *z = json_array_get_object_element(cov, i);
		g_string_append_printf(g, "<li>%s：%lld 个喇叭，%lld 个在线</li>",
		    html_zone_name(c, zones, web_jstr(z, "zone")),
		    (long long)web_jnum(z, "speakers"), (long long)web_jnum(z, "online"));
	}
	g_string_append_printf(g, "</ul><p>共 <strong id=\"count\">%lld</strong> "
	    "个喇叭，<strong id=\"online\">%lld</strong> 个在线。</p><p>%s %s 遍，"
	    "音量 %s，最多播 %s 分钟。</p></div>", (long long)total,
	    (long long)online, *rec ? "播" : "读", web_esc(c, web_field(c, "repeat",
	    "2")),
	    web_esc(c, web_field(c, "volume", "100")), web_esc(c, web_field(c, "expires",
	    "30")));
	if (cn)
		json_node_unref(cn);
	/* Everything again, hidden, for the real send; "back" keeps it. */
	GString *hidden = g_string_new(NULL);
	g_string_append_printf(hidden, "<input type=\"hidden\" name=\"text\" "
	    "value=\"%s\"><input type=\"hidden\" name=\"repeat\" value=\"%s\">"
	    "<input type=\"hidden\" name=\"volume\" value=\"%s\"><input "
	    "type=\"hidden\" name=\"expires\" value=\"%s\">", web_esc(c, text),
	    web_esc(c, web_field(c, "repeat", "2")), web_esc(c, web_field(c, "volume",
	    "100")), web_esc(c, web_field(c, "expires", "30")));
	if (*rec)
		g_string_append_printf(hidden, "<input type=\"hidden\" "
		    "name=\"recording\" value=\"%s\">", web_esc(c, rec));
	GString *zs = g_string_new(NULL);
	for (guint i = 0; i < ticked->len; i++)
		g_string_append_printf(zs, "%s%s", i ? "," : "",
		    (const char *)g_ptr_array_index(ticked, i));
	g_string_append_printf(hidden, "<input type=\"hidden\" name=\""
	    ZONE_FIELD "\" value=\"%s\">", web_esc(c, zs->str));
	g_string_free(zs, TRUE);
	g_string_append(g, "<form method=\"post\" action=\"/pages/send\">");
	html_csrf(c, g);
	g_string_append_printf(g, "%s<button type=\"submit\" class=\"danger\" "
	    "id=\"send\">确认发布</button></form><form method=\"post\" "
	    "action=\"/pages/new\">", hidden->str);
	html_csrf(c, g);
	g_string_append_printf(g, "%s<button type=\"submit\" class=\"plain\">"
	    "返回修改</button></form>", hidden->str);
	g_string_free(hidden, TRUE);
	html_end(c, g, 200);
out:
	free(reading);
	g_ptr_array_unref(ticked);
	if (zn)
		json_node_unref(zn);
}

/* Step 3: send it through the API (its checks, its audit). */
static void
send_page(struct web_ctx *c)
{
	JsonNode *zn = web_get(c, "zones"), *out = NULL;
	JsonArray *zones = zn ? json_node_get_array(zn) : NULL;
	GPtrArray *ticked = web_zone_ticked(c, zones, ZONE_FIELD);
	JsonObject *b = json_object_new();
	JsonArray *za = json_array_new();
	char msg[512], *end;
	const char *nums[] = { "repeat", "volume", "expires" };
	const char *keys[] = { "repeat", "volume", "expires_minutes" };

	const char *rec = web_field(c, "recording", "");

	if (*rec)
		json_object_set_string_member(b, "recording", rec);
	json_object_set_string_member(b, "text", web_field(c, "text", ""));
	for (guint i = 0; i < ticked->len; i++)
		json_array_add_string_element(za, g_ptr_array_index(ticked, i));
	json_object_set_array_member(b, "zones", za);
	for (size_t i = 0; i < G_N_ELEMENTS(nums); i++) {
		const char *v = web_field(c, nums[i], "");
		long n = strtol(v, &end, 10);
		if (*v && *end == '\0')
			json_object_set_int_member(b, keys[i], n);
	}
	int st = web_call(c, "POST", "pages", b, &out, msg, sizeof(msg));
	if (st == 201) {
		gchar *to = g_strdup_printf("/pages/%lld", (long long)web_jnum(
		    json_node_get_object(out), "id"));
		html_redirect(c, to);
		g_free(to);
	} else {
		write_form(c, msg);
	}
	if (out)
		json_node_unref(out);
	g_ptr_array_unref(ticked);
	if (zn)
		json_node_unref(zn);
}

/* The live view. */
static void
show_page(struct web_ctx *c)
{
	gchar *path = g_strdup_printf("pages/%s", c->parts[1]);
	JsonNode *pn = web_get(c, path), *zn;
	JsonObject *p;
	JsonArray *zones, *pz, *u;
	GString *g;

	g_free(path);
	if (pn == NULL) {
		html_error_page(c, 404, "没有这个紧急广播。");
		return;
	}
	p = json_node_get_object(pn);
	zn = web_get(c, "zones");
	zones = zn ? json_node_get_array(zn) : NULL;
	g = html_begin(c, "紧急广播", "pages");
	/* A province's page: its counties say how they are covered. */
	JsonObject *fed = json_object_has_member(p, "federated") ?
	    json_object_get_object_member(p, "federated") : NULL;
	if (strcmp(web_jstr(p, "state"), "active") == 0 && fed == NULL)
		unheard_box(c, g, zones, json_object_has_member(p, "coverage") ?
		    json_object_get_array_member(p, "coverage") : NULL, true);
	u = json_object_has_member(p, "unconfirmed") ?
	    json_object_get_array_member(p, "unconfirmed") : NULL;
	guint nu = u ? json_array_get_length(u) : 0;
	g_string_append_printf(g, "<section id=\"live\" data-page=\"%lld\" "
	    "data-state=\"%s\" class=\"card err\"><h3>状态：<span id=\"state\">"
	    "%s</span></h3><p class=\"big\">已确认在播："
	    "<strong id=\"confirmed\">%lld</strong> / <strong id=\"targets\">"
	    "%lld</strong> 个喇叭</p><p>此刻正在播：<strong id=\"playing\">%lld"
	    "</strong> 个</p><h3 id=\"missing-head\"%s>还没有确认的喇叭</h3>"
	    "<ul id=\"missing\">", (long long)web_jnum(p, "id"),
	    web_esc(c, web_jstr(p, "state")), html_page_state_zh(web_jstr(p, "state")),
	    (long long)(web_jnum(p, "confirmed") + (fed ? web_jnum(fed,
	    "confirmed") : 0)), (long long)(web_jnum(p, "targets") + (fed ?
	    web_jnum(fed, "targets") : 0)), (long long)(web_jnum(p, "playing") +
	    (fed ? web_jnum(fed, "playing") : 0)), nu ? "" : " hidden");
	for (guint i = 0; i < nu; i++) {
		JsonObject *s = json_array_get_object_element(u, i);
		bool on = json_object_has_member(s, "online") &&
		    json_object_get_boolean_member(s, "online");
		bool en = !json_object_has_member(s, "enrolled") ||
		    json_object_get_boolean_member(s, "enrolled");
		g_string_append_printf(g, "<li>%s（%s）</li>", web_esc(c, web_jstr(s, "name")),
		    !en ? "没有注册" : on ? "在线" : "离线");
	}
	g_string_append(g, "</ul>");
	if (web_jnum(p, "unconfirmed_count") > (gint64)nu)
		g_string_append_printf(g, "<p id=\"missing-more\">还有 %lld 个没有"
		    "确认。</p>", (long long)(web_jnum(p, "unconfirmed_count") - nu));
	g_string_append(g, "</section>");
	page_fed_card(c, g, p);
	if ((strcmp(web_jstr(p, "state"), "active") == 0 || (fed &&
	    web_jnum(fed, "on_air") > 0)) && may_page(c)) {
		gchar *act = g_strdup_printf("/pages/%lld/cancel",
		    (long long)web_jnum(p, "id"));
		g_string_append(g, "<div id=\"cancel\">");
		html_action(c, g, act, "立即停止这个紧急广播", "danger", NULL, NULL);
		g_string_append(g, "</div>");
		g_free(act);
	}
	g_string_append_printf(g, "<div class=\"card\"><div class=\"reading\">%s"
	    "</div><p class=\"meta\">播到：", web_esc(c, web_jstr(p, "text")));
	pz = json_object_get_array_member(p, "zones");
	for (guint i = 0; pz && i < json_array_get_length(pz); i++)
		g_string_append_printf(g, "%s%s", i ? "、" : "", html_zone_name(c,
		    zones, json_array_get_string_element(pz, i)));
	g_string_append_printf(g, "<br>发布：%s（从%s），读 %lld 遍，音量 %lld，"
	    "到 %s 为止", html_time(c, web_jnum(p, "created_at")),
	    web_source_zh(c, web_jstr(p, "source")),
	    (long long)web_jnum(p, "repeat"), (long long)web_jnum(p, "volume"),
	    html_time(c, web_jnum(p, "expires_at")));
	if (web_reason_zh(c, web_jstr(p, "reason")))
		g_string_append_printf(g, "<br>%s", web_reason_zh(c, web_jstr(p,
		    "reason")));
	g_string_append(g, "</p></div><script src=\"/static/page.js\"></script>");
	html_end(c, g, 200);
	json_node_unref(pn);
	if (zn)
		json_node_unref(zn);
}

static void
cancel_page(struct web_ctx *c)
{
	gchar *path = g_strdup_printf("pages/%s/cancel", c->parts[1]);
	gchar *to = g_strdup_printf("/pages/%s", c->parts[1]);
	char msg[512];
	int st = web_call(c, "POST", path, NULL, NULL, msg, sizeof(msg));

	if (st == 200)
		html_redirect(c, to);
	else
		html_error_page(c, st, msg);
	g_free(path);
	g_free(to);
}

void
page_pages(struct web_ctx *c)
{
	bool get = strcmp(c->method, "GET") == 0;
	const char *p1 = c->nparts > 1 ? c->parts[1] : "";

	if (c->nparts == 1 && get) {
		list_pages(c);
	} else if (c->nparts == 2 && strcmp(p1, "new") == 0) {
		if (may_page(c))
			write_form(c, NULL);
		else
			html_error_page(c, 403, "只有县里的值班人员可以发布紧急广播。");
	} else if (c->nparts == 2 && !get && strcmp(p1, "confirm") == 0) {
		if (may_page(c))
			confirm_page(c);
		else
			html_error_page(c, 403, "只有县里的值班人员可以发布紧急广播。");
	} else if (c->nparts == 2 && !get && strcmp(p1, "send") == 0) {
		send_page(c);	/* the API decides who may */
	} else if (c->nparts == 2 && get && p1[strspn(p1, "0123456789")] ==
	    '\0' && *p1) {
		show_page(c);
	} else if (c->nparts == 3 && !get && strcmp(c->parts[2], "cancel") == 0 &&
	    *p1 && p1[strspn(p1, "0123456789")] == '\0') {
		cancel_page(c);
	} else {
		html_error_page(c, 404, "没有这个页面。");
	}
}
