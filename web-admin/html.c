/*
 * html.c — how every page looks: one layout (header, navigation, main),
 * one style sheet made for a 360 px phone and eyes that are not young
 * (19 px type, 48 px tap targets, high contrast), and escaping. Anything
 * that came from outside goes through web_esc() before it reaches a page.
 */
#include <stdio.h>
#include <string.h>

#include "web-admin/api_int.h"
#include "web-admin/web_int.h"

const char web_css[] =
    "*{box-sizing:border-box}"
    "html{-webkit-text-size-adjust:100%}"
    "body{margin:0;font:19px/1.6 system-ui,'Noto Sans CJK SC','WenQuanYi "
    "Micro Hei',sans-serif;color:#111;background:#f4f4f0}"
    "header{background:#b3261e;color:#fff;padding:8px 12px;display:flex;"
    "flex-wrap:wrap;justify-content:space-between;align-items:center;gap:4px}"
    "header a.home{color:#fff;font-size:24px;font-weight:bold;"
    "text-decoration:none;min-height:44px;display:inline-flex;"
    "align-items:center}"
    ".who{font-size:16px;flex-basis:100%;order:3}"
    /* 退出 apart from the buttons below: outlined on the red band. */
    ".logout{margin:0}.logout button{margin:0;min-height:44px;min-width:"
    "64px;padding:0 14px;background:transparent;border:2px solid #fff;"
    "color:#fff;font-size:18px}"
    /* Six big buttons, two rows of three on a phone; one row when wide. */
    "nav{display:grid;grid-template-columns:repeat(3,1fr);gap:6px;"
    "padding:8px;background:#fff;border-bottom:1px solid #ccc}"
    "@media(min-width:720px){nav{grid-template-columns:repeat(6,1fr)}}"
    "nav a{display:flex;align-items:center;justify-content:center;"
    "min-height:52px;padding:0 4px;border-radius:8px;background:#e6e6e6;"
    "color:#111;text-decoration:none;font-size:19px;font-weight:bold;"
    "text-align:center}"
    "nav a.on{background:#1f5fa8;color:#fff}"
    ".more a{display:block;background:#fff;border:2px solid #1f5fa8;"
    "border-radius:10px;padding:10px 14px;margin:10px 0;min-height:64px;"
    "color:#111;text-decoration:none}"
    ".more strong{display:block;font-size:22px;color:#1f5fa8}"
    ".more span{font-size:17px;color:#444}"
    "main .logout button{background:#fff;color:#b3261e;border-color:#b3261e;"
    "min-height:52px;font-weight:bold}"
    "main{max-width:960px;margin:0 auto;padding:12px}"
    "h1{font-size:26px;margin:8px 0 12px}h2{font-size:22px;margin:18px 0 8px}"
    "label{display:block;margin:12px 0 4px;font-weight:bold}"
    "input,select,textarea{width:100%;font:inherit;padding:10px;min-height:48px;"
    "border:2px solid #888;border-radius:8px;background:#fff}"
    "input[type=checkbox],input[type=radio]{width:28px;min-height:28px;flex:none;"
    "vertical-align:middle}"
    /* a box and its word, one tap target of a finger's height */
    ".inline label{display:inline-flex;align-items:center;gap:6px;"
    "min-height:48px;margin:0 14px 0 0;font-weight:normal}"
    "fieldset{border:0;padding:0;margin:6px 0}legend{font-weight:bold}"
    /* the schedule form: only the chosen kind's fields, where :has()
     * is known (everything shows where it is not) */
    "form:has(#kind option[value=once]:checked) :is(.f-times,.f-week),"
    "form:has(#kind option[value=daily]:checked) :is(.f-once,.f-week),"
    "form:has(#kind option[value=weekly]:checked) .f-once{display:none}"
    "textarea{min-height:9em}"
    "details{margin:14px 0;background:#fff;border:1px solid #ccc;"
    "border-radius:10px;padding:0 12px}"
    "summary{min-height:48px;display:flex;align-items:center;cursor:pointer;"
    "font-weight:bold}"
    "button,.button{display:inline-block;font:inherit;font-weight:bold;"
    "min-height:52px;padding:10px 20px;margin:12px 8px 0 0;border:0;"
    "border-radius:10px;background:#1f5fa8;color:#fff;text-decoration:none;"
    "cursor:pointer}"
    "button.danger{background:#b3261e}button.urgent{background:#b35c00}button.plain,.button.plain{background:"
    "#555}"
    ".card{background:#fff;border:1px solid #ccc;border-radius:10px;"
    "padding:12px 14px;margin:10px 0}"
    ".card h3{margin:0 0 6px;font-size:20px}"
    /* A card's link is a whole line, a target a finger finds. */
    ".card h3 a,.card>a{display:flex;align-items:center;min-height:44px}"
    ".at{color:#111;margin-right:10px}"
    ".meta{color:#444;font-size:17px}"
    ".ok{background:#e3f4e1;border-color:#2e7d32}"
    ".err{background:#fde7e5;border-color:#b3261e}"
    ".badge{display:inline-block;padding:2px 10px;border-radius:12px;"
    "font-size:16px;background:#ddd;margin-right:6px}"
    ".on-line{background:#2e7d32;color:#fff}.off-line{background:#5f5f5f;"
    "color:#fff}.playing{background:#1f5fa8;color:#fff}"
    ".silent{background:#b3261e;color:#fff}"
    ".reading{font-size:22px;background:#fffbe6;border:2px dashed #c9a400;"
    "padding:12px;border-radius:10px;white-space:pre-wrap}"
    "audio{width:100%;margin:8px 0}"
    "code,.code{font-family:monospace;font-size:16px;word-break:break-all;"
    "background:#eee;padding:6px;border-radius:6px;display:block}"
    ".qr svg{width:260px;height:260px;background:#fff}"
    "table{border-collapse:collapse;width:100%;background:#fff}"
    "td,th{border-bottom:1px solid #ddd;padding:8px;text-align:left;"
    "vertical-align:top}"
    /* a province's counties: the name and the count never broken */
    "#counties td:first-child,#counties td.n,#counties th{white-space:nowrap}"
    "#counties .bad{color:#b3261e}"
    ".small{font-size:16px}.wrap{overflow-wrap:anywhere}"
    ".big{font-size:28px;margin:6px 0}.quiet{color:#444}"
    /* A notice's state at a glance; the search and filters above a list. */
    ".st-pending{background:#1f5fa8;color:#fff}.st-aired{background:#2e7d32;"
    "color:#fff}.st-cancelled{background:#5f5f5f;color:#fff}"
    ".filters label{margin-top:8px}"
    /* The emergency form: the ready texts, then where it airs (zone_pick.c):
     * a whole row is the target for each box, townships fold their
     * villages, two columns of villages on a phone. */
    "[hidden]{display:none!important}"
    ".tpl{display:flex;flex-wrap:wrap;gap:8px}.tpl .button{margin:0;"
    "padding:10px 16px}"
    ".zpick{border:0;padding:0;margin:14px 0 0;min-width:0}.zpick legend{"
    "font-weight:bold;padding:0}.zsum{margin:4px 0}"
    ".zfind{display:flex;gap:8px}.zfind input{flex:1;min-width:0}"
    ".zfind button,.zpick p button{margin:0}"
    ".zpick label{display:flex;align-items:center;gap:10px;min-height:48px;"
    "margin:0;font-weight:normal}"
    ".zpick label.zall,.zpick .zt{font-weight:bold}.zpick label.zall{margin:10px 0}"
    ".zpick input[type=checkbox]{width:30px;min-height:30px;flex:none;margin:0}"
    ".zall,.ztown{background:#fff;border:1px solid #ccc;border-radius:10px;"
    "padding:2px 12px;margin:8px 0}"
    ".ztown details{margin:0 0 4px;border:0;padding:0;background:none}"
    ".ztown summary{color:#1f5fa8;font-weight:normal;text-decoration:underline}"
    ".zv{display:grid;grid-template-columns:repeat(auto-fill,minmax(140px,1fr));"
    "column-gap:8px}"
    /* One loudspeaker's facts, a line each. */
    ".facts{margin:0}.facts dt{font-weight:bold;margin-top:8px}.facts dd"
    "{margin:0}"
    /* 上一页 第N页，共M页 下一页: one row on a phone, the buttons apart. */
    ".pager{display:flex;align-items:center;justify-content:space-between;"
    "flex-wrap:wrap;gap:8px;margin:12px 0}.pager .button{margin:0}"
    /* One loudspeaker's last 24 hours, an hour a cell; its timeline;
     * the volume's one-tap choices, four across a phone. */
    ".strip{display:flex;gap:2px;margin:8px 0 2px}.strip span{flex:1;"
    "height:32px;border-radius:3px;background:#ccc}.strip .up{background:"
    "#2e7d32}.strip .down{background:#b3261e}"
    ".strip-legend{display:flex;justify-content:space-between;font-size:16px;"
    "color:#444}"
    ".timeline{list-style:none;padding:4px 14px}.timeline li{padding:8px 0;"
    "border-bottom:1px solid #ddd}.timeline li:last-child{border:0}"
    ".presets{display:grid;grid-template-columns:repeat(4,1fr);gap:8px}"
    ".presets form{margin:0}.presets button{width:100%;margin:0;padding:10px 0}";

const char *
web_esc(struct web_ctx *c, const char *s)
{
	gchar *e = g_markup_escape_text(s ? s : "", -1);

	g_ptr_array_add(c->keep, e);
	return e;
}

const char *
html_time(struct web_ctx *c, int64_t t)
{
	GDateTime *dt = g_date_time_new_from_unix_utc(t);
	GDateTime *local = dt ? g_date_time_to_timezone(dt, dalabad_tz(c->wa->d)) : NULL;
	gchar *s = local ? g_date_time_format(local, "%Y-%m-%d %H:%M") :
	    g_strdup("?");

	if (dt)
		g_date_time_unref(dt);
	if (local)
		g_date_time_unref(local);
	g_ptr_array_add(c->keep, s);
	return s;
}

/* The Chinese for an API word from a table; the word itself if none. */
static const char *
zh(const char *const (*t)[2], size_t n, const char *k)
{
	for (size_t i = 0; k && i < n; i++)
		if (strcmp(k, t[i][0]) == 0)
			return t[i][1];
	return k ? k : "";
}

const char *
html_weekdays_zh(struct web_ctx *c, int64_t mask, int64_t every)
{
	static const char *const zh[] = { "一", "二", "三", "四", "五", "六",
	    "日" };
	static const char *const n[] = { "", "", "两", "三", "四" };
	GString *g = g_string_new(NULL);

	if (every >= 2 && every <= 4)
		g_string_append_printf(g, "每%s周", n[every]);
	else if (every > 4)
		g_string_append_printf(g, "每 %lld 周", (long long)every);
	else
		g_string_append(g, "每周");
	if ((mask & 127) == 127)
		g_string_append(g, "每天");
	else if ((mask & 127) == 31)
		g_string_append(g, "一到五");
	else if ((mask & 127) == 96)
		g_string_append(g, "六、日");
	else
		for (int d = 0, first = 1; d < 7; d++)
			if (mask & (1 << d)) {
				g_string_append_printf(g, "%s%s", first ? "" : "、",
				    zh[d]);
				first = 0;
			}
	gchar *t = g_string_free(g, FALSE);
	g_ptr_array_add(c->keep, t);
	return t;
}

const char *
html_class_zh(const char *cls)
{
	static const char *const t[][2] = { { "village", "村级" },
	    { "township", "乡镇级" }, { "county", "县级" },
	    { "urgent", "插播" }, { "emergency", "紧急" } };

	return zh(t, G_N_ELEMENTS(t), cls);
}

const char *
html_zone_name(struct web_ctx *c, JsonArray *zones, const char *code)
{
	for (guint i = 0; zones && i < json_array_get_length(zones); i++) {
		JsonObject *z = json_array_get_object_element(zones, i);
		if (g_strcmp0(web_jstr(z, "code"), code) == 0)
			return web_esc(c, web_jstr(z, "name"));
	}
	return web_esc(c, code);
}

const char *
html_outcome_zh(const char *o)
{
	static const char *const t[][2] = { { "aired", "已播出" },
	    { "interrupted", "被打断" }, { "missed", "错过" },
	    { "cancelled", "已取消" } };

	return o ? zh(t, G_N_ELEMENTS(t), o) : "等待或正在播出";
}

const char *
html_page_state_zh(const char *state)
{
	static const char *const t[][2] = { { "active", "播出中" },
	    { "ended", "已播完" }, { "cancelled", "已取消" },
	    { "expired", "已过期" }, { "logged", "只记录，未播出" } };

	return zh(t, G_N_ELEMENTS(t), state);
}

const char *
html_role_zh(enum web_role r)
{
	return r == WEB_COUNTY ? "县里工作人员" : r == WEB_TOWNSHIP ? "乡镇干部" :
	    "村干部";
}

/* The name of the user's own zone (escaped), "全部地区" for the machine's
 * token; its code if the store cannot say. */
static const char *
own_zone_name(struct web_ctx *c)
{
	const char *name = NULL;

	if (c->who.zone[0] == '\0')
		return "全部地区";
	JsonNode *n = api_rows(c->wa, DB_LIST_ZONE, DB_ARGS(c->who.zone));
	JsonArray *a = n ? json_node_get_array(n) : NULL;
	if (a && json_array_get_length(a) > 0)
		name = web_esc(c, web_jstr(json_array_get_object_element(a, 0),
		    "name"));
	if (n)
		json_node_unref(n);
	return name ? name : web_esc(c, c->who.zone);
}

void
html_csrf(struct web_ctx *c, GString *g)
{
	g_string_append_printf(g, "<input type=\"hidden\" name=\"csrf\" "
	    "value=\"%s\">", web_esc(c, c->who.csrf));
}

void
html_action(struct web_ctx *c, GString *g, const char *action,
    const char *label, const char *cls, const char *name, const char *value)
{
	g_string_append_printf(g, "<form method=\"post\" action=\"%s\">",
	    web_esc(c, action));
	html_csrf(c, g);
	if (name)
		g_string_append_printf(g, "<input type=\"hidden\" name=\"%s\" "
		    "value=\"%s\">", name, web_esc(c, value));
	g_string_append_printf(g, "<button type=\"submit\"%s%s%s>%s</button>"
	    "</form>", *cls ? " class=\"" : "", cls, *cls ? "\"" : "", label);
}

GString *
html_begin(struct web_ctx *c, const char *title, const char *nav)
{
	GString *g = g_string_new(NULL);

	gchar *refresh = c->refresh_s > 0 ? g_strdup_printf("<meta http-equiv="
	    "\"refresh\" content=\"%d%s%s\">", c->refresh_s, c->refresh_to ?
	    "; url=" : "", c->refresh_to ? c->refresh_to : "") : NULL;

	g_string_append_printf(g, "<!doctype html><html lang=\"zh-CN\"><head>"
	    "<meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width="
	    "device-width, initial-scale=1\">%s<title>%s · 大喇叭</title>"
	    "<link rel=\"stylesheet\" href=\"/static/app.css\"></head><body>"
	    "<header><a class=\"home\" href=\"/today\">大喇叭</a>",
	    refresh ? refresh : "", web_esc(c, title));
	g_free(refresh);
	if (nav == NULL) {
		g_string_append(g, "</header><main>");
		return g;
	}
	html_logout_button(c, g);
	g_string_append_printf(g, "<span class=\"who\">%s · %s · %s</span>"
	    "</header>", own_zone_name(c), html_role_zh(c->who.role),
	    web_esc(c, c->who.name));
	html_nav(g, nav);
	g_string_append_printf(g, "<main><h1>%s</h1>", web_esc(c, title));
	return g;
}

void
html_end(struct web_ctx *c, GString *g, int status)
{
	g_string_append(g, "</main></body></html>");
	soup_server_message_set_status(c->msg, (guint)status, NULL);
	soup_server_message_set_response(c->msg, "text/html; charset=utf-8",
	    SOUP_MEMORY_TAKE, g->str, g->len);
	g_string_free(g, FALSE);
}

void
html_redirect(struct web_ctx *c, const char *to)
{
	soup_server_message_set_redirect(c->msg, 303, to);
}

void
html_notice_box(GString *g, const char *kind, const char *text_esc)
{
	g_string_append_printf(g, "<div class=\"card %s\" role=\"%s\">%s</div>",
	    kind, strcmp(kind, "err") == 0 ? "alert" : "status", text_esc);
}

void
html_confirm_page(struct web_ctx *c, const char *title, const char *what_esc,
    const char *action, const char *label, const char *back)
{
	GString *g = html_begin(c, title, "");

	g_string_append_printf(g, "<div class=\"card err\" id=\"confirm\">"
	    "<p class=\"big\">%s</p><p>这一步做了就不能撤回。</p>", what_esc);
	g_string_append_printf(g, "<form method=\"post\" action=\"%s\">",
	    web_esc(c, action));
	html_csrf(c, g);
	g_string_append_printf(g, "<input type=\"hidden\" name=\"confirm\" "
	    "value=\"1\"><button type=\"submit\" class=\"danger\" "
	    "id=\"confirm-yes\">%s</button></form><p><a class=\"button plain\" "
	    "href=\"%s\">不做了，返回</a></p></div>", label, web_esc(c, back));
	html_end(c, g, 200);
}

void
html_error_page(struct web_ctx *c, int status, const char *what)
{
	GString *g = html_begin(c, "出错了", c->who.csrf[0] ? "" : NULL);

	html_notice_box(g, "err", web_esc(c, what));
	g_string_append(g, "<p><a class=\"button plain\" href=\"/today\">"
	    "返回</a></p>");
	html_end(c, g, status);
}
