/*
 * page_find.c — the notice list and the history, each with a search box
 * and filters in a plain GET form (works without JavaScript, can be
 * bookmarked). The query string is anyone's to type: each value is
 * checked here and a bad one is dropped with a Chinese sentence saying
 * why, the page otherwise as usual; the API then limits every row to the
 * user's own area whatever the filters say.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web-admin/web_int.h"

#define FIND_TEXT_MAX 50	/* characters of a search (the API's limit) */
#define FIND_SHOWN 100		/* cards on one page */

struct word {
	const char *value, *zh;
};

static const struct word notice_states[] = {
	{ "pending", "待播" }, { "aired", "已播" }, { "unscheduled", "未安排" },
	{ "cancelled", "已取消" }, { NULL, NULL },
};
static const struct word outcomes[] = {
	{ "aired", "已播出" }, { "interrupted", "被打断" }, { "missed", "错过" },
	{ "cancelled", "已取消" }, { "pending", "等待或正在播出" },
	{ NULL, NULL },
};

static const char *
word_zh(const struct word *w, const char *value)
{
	for (; w->value; w++)
		if (g_strcmp0(w->value, value) == 0)
			return w->zh;
	return "";
}

/* The raw query value (NULL: absent), before any check. */
static const char *
raw(struct web_ctx *c, const char *name)
{
	return c->query ? g_hash_table_lookup(c->query, name) : NULL;
}

/* The search text: trimmed, valid UTF-8, no control characters, at most
 * FIND_TEXT_MAX characters; else "" and why in err. Owned by c. */
static const char *
find_text(struct web_ctx *c, GString *err)
{
	const char *v = raw(c, "q");

	if (v == NULL)
		return "";
	if (!g_utf8_validate(v, -1, NULL)) {
		g_string_append(err, "搜索的字里有乱码，已经去掉了，请重新输入。");
		return "";
	}
	for (const char *p = v; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			g_string_append(err, "搜索的字里有不能用的符号，请重新输入。");
			return "";
		}
	gchar *t = g_strstrip(g_strdup(v));
	g_ptr_array_add(c->keep, t);
	if (g_utf8_strlen(t, -1) > FIND_TEXT_MAX) {
		g_string_append_printf(err, "搜索的字太长了：最多 %d 个字。",
		    FIND_TEXT_MAX);
		return "";
	}
	return t;
}

/* One of words, or "" (absent, or not one of them: said in err). */
static const char *
find_word(struct web_ctx *c, const char *name, const struct word *words,
    const char *what, GString *err)
{
	const char *v = raw(c, name);

	if (v == NULL || *v == '\0')
		return "";
	for (const struct word *w = words; w->value; w++)
		if (strcmp(v, w->value) == 0)
			return w->value;
	g_string_append_printf(err, "没有这种%s，已按全部显示。", what);
	return "";
}

/* A zone inside the user's own, or "" (all of it). A code outside it is
 * refused here for a clear sentence; the API would not show its rows
 * anyway. */
static const char *
find_zone(struct web_ctx *c, GString *err)
{
	const char *v = raw(c, "zone");
	size_t n = v ? strlen(v) : 0;

	if (v == NULL || n == 0)
		return "";
	if ((n != 6 && n != 9 && n != 12) || strspn(v, "0123456789") != n) {
		g_string_append(err, "地区选得不对，已按全部显示。");
		return "";
	}
	if (!web_within(&c->who, v)) {
		g_string_append(err, "只能看您自己地区里的，已按全部显示。");
		return "";
	}
	return v;
}

/* A date as a Chinese keyboard may type it (２０２６－１２－０１),
 * YYYY-MM-DD, a real day; else "" and why in err. Owned by c. */
static const char *
find_day(struct web_ctx *c, const char *name, const char *what, GString *err)
{
	const char *v = raw(c, name);
	int y, m, d, k = 0;

	if (v == NULL || *v == '\0')
		return "";
	if (!g_utf8_validate(v, -1, NULL)) {
		g_string_append_printf(err, "%s的格式不对。", what);
		return "";
	}
	char *f = web_fold_typed(v, false);
	g_ptr_array_add(c->keep, f);
	if (strlen(f) != 10 || sscanf(f, "%4d-%2d-%2d%n", &y, &m, &d, &k) != 3 ||
	    k != 10 || y < 2000 || y > 2100 || m < 1 || m > 12 ||
	    !g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y)) {
		g_string_append_printf(err, "%s的格式不对，例如：2026-12-01。",
		    what);
		return "";
	}
	return f;
}

/* The zone filter: the user's own area and what lies inside it. */
static void
zone_select(struct web_ctx *c, GString *g, JsonArray *zones, const char *cur,
    const char *label)
{
	g_string_append_printf(g, "<label for=\"fzone\">%s</label><select "
	    "id=\"fzone\" name=\"zone\"><option value=\"\">全部</option>", label);
	for (guint i = 0; zones && i < json_array_get_length(zones); i++) {
		JsonObject *z = json_array_get_object_element(zones, i);
		const char *code = web_jstr(z, "code");
		if (web_within(&c->who, code))
			g_string_append_printf(g, "<option value=\"%s\"%s>%s</option>",
			    web_esc(c, code), strcmp(code, cur) == 0 ? " selected" : "",
			    web_esc(c, web_jstr(z, "name")));
	}
	g_string_append(g, "</select>");
}

static void
word_select(GString *g, const char *id, const char *label,
    const struct word *words, const char *cur)
{
	g_string_append_printf(g, "<label for=\"%s\">%s</label><select id=\"%s\" "
	    "name=\"%s\"><option value=\"\">全部</option>", id, label, id, id);
	for (const struct word *w = words; w->value; w++)
		g_string_append_printf(g, "<option value=\"%s\"%s>%s</option>",
		    w->value, strcmp(w->value, cur) == 0 ? " selected" : "", w->zh);
	g_string_append(g, "</select>");
}

static void
text_input(struct web_ctx *c, GString *g, const char *label, const char *q)
{
	g_string_append_printf(g, "<label for=\"q\">%s</label><input id=\"q\" "
	    "name=\"q\" type=\"search\" maxlength=\"%d\" value=\"%s\">", label,
	    FIND_TEXT_MAX, web_esc(c, q));
}

/* The filters other than the text, folded away (the list, not the form,
 * is what most visits are for) unless one is in use. */
static void
more_begin(GString *g, bool open, const char *summary)
{
	g_string_append_printf(g, "<details id=\"more\"%s><summary>▸ %s</summary>",
	    open ? " open" : "", summary);
}

static void
form_end(GString *g, const char *page, bool filtered)
{
	g_string_append(g, "</details><button type=\"submit\">查找</button>");
	if (filtered)
		g_string_append_printf(g, "<a class=\"button plain\" href=\"%s\">"
		    "清除条件</a>", page);
	g_string_append(g, "</form>");
}

/* "?zone=..&q=.." for the API: each value escaped. */
static void
api_arg(GString *p, const char *name, const char *v)
{
	if (*v == '\0')
		return;
	gchar *e = g_uri_escape_string(v, NULL, FALSE);
	g_string_append_printf(p, "&%s=%s", name, e);
	g_free(e);
}

/* How many were found, and that there are more than a page shows. */
static void
found(GString *g, guint n, bool filtered, const char *none)
{
	if (n == 0)
		g_string_append_printf(g, "<p id=\"found\">%s</p>", filtered ?
		    "没有找到。可以少选几个条件再找。" : none);
	else if (n > FIND_SHOWN)
		g_string_append_printf(g, "<p id=\"found\">找到很多条，这里是最新"
		    "的 %d 条。要找更早的，请加上条件。</p>", FIND_SHOWN);
	else
		g_string_append_printf(g, "<p id=\"found\">%s %u 条。</p>",
		    filtered ? "找到" : "共", n);
}

/* ---- the notice list ---- */

void
page_notices(struct web_ctx *c)
{
	GString *err = g_string_new("");
	const char *q = find_text(c, err);
	const char *state = find_word(c, "state", notice_states, "状态", err);
	const char *zone = find_zone(c, err);
	GString *path = g_string_new("notices?limit=");
	g_string_append_printf(path, "%d", FIND_SHOWN + 1);
	api_arg(path, "q", q);
	api_arg(path, "state", state);
	api_arg(path, "zone", zone);
	JsonNode *rows = web_get(c, path->str), *zn = web_get(c, "zones");
	JsonArray *zones = zn ? json_node_get_array(zn) : NULL;
	JsonArray *a = rows ? json_node_get_array(rows) : NULL;
	GString *g = html_begin(c, "通知", "notices");

	g_string_free(path, TRUE);
	g_string_append(g, "<p><a class=\"button\" href=\"/notices/new\">写通知"
	    "</a> <a class=\"button\" href=\"/notices/new/voice\">录音通知</a></p>");
	if (err->len)	/* first, where the eye is */
		html_notice_box(g, "err", err->str);	/* fixed words only */
	g_string_append(g, "<form method=\"get\" action=\"/notices\" class=\""
	    "card filters\" role=\"search\">");
	text_input(c, g, "找通知（标题或正文里的字）", q);
	more_begin(g, *state || *zone, "更多条件：状态、发给哪里");
	word_select(g, "state", "状态", notice_states, state);
	zone_select(c, g, zones, zone, "发给哪里");
	form_end(g, "/notices", *q || *state || *zone);
	if (rows == NULL)
		html_notice_box(g, "err", "通知没有读出来，请稍后再试。");
	guint n = a ? json_array_get_length(a) : 0;
	found(g, n, *q || *state || *zone, "还没有通知。");
	for (guint i = 0; i < n && i < FIND_SHOWN; i++) {
		JsonObject *o = json_array_get_object_element(a, i);
		const char *title = web_jstr(o, "title"), *st = web_jstr(o, "state");
		g_string_append_printf(g, "<div class=\"card notice\" data-id=\"%lld\" "
		    "data-state=\"%s\"><h3><a href=\"/notices/%lld\">%s</a></h3><div "
		    "class=\"meta\"><span class=\"badge st-%s\">%s</span><span "
		    "class=\"badge\">%s</span>%s", (long long)web_jnum(o, "id"),
		    web_esc(c, st), (long long)web_jnum(o, "id"), web_esc(c, title &&
		    *title ? title : web_jstr(o, "body") && *web_jstr(o, "body") ?
		    web_jstr(o, "body") : "（录音通知）"), web_esc(c, st),
		    word_zh(notice_states, st), html_class_zh(web_jstr(o, "class")),
		    web_targets_text(c, zones, o));
		if (web_jnum(o, "next"))
			g_string_append_printf(g, "<br><strong class=\"next\">下次播出："
			    "%s</strong>", html_time(c, web_jnum(o, "next")));
		if (web_jnum(o, "last_aired"))
			g_string_append_printf(g, "<br>上次播出：%s（共 %lld 次）",
			    html_time(c, web_jnum(o, "last_aired")),
			    (long long)web_jnum(o, "aired"));
		g_string_append_printf(g, "<br>写于 %s</div></div>", html_time(c,
		    web_jnum(o, "created_at")));
	}
	html_end(c, g, err->len ? 400 : 200);
	g_string_free(err, TRUE);
	if (rows)
		json_node_unref(rows);
	if (zn)
		json_node_unref(zn);
}

/* ---- history ---- */

static void
broadcast_card(struct web_ctx *c, GString *g, JsonObject *b, JsonArray *zones)
{
	int64_t at = web_jnum(b, "on_air_at") ? web_jnum(b, "on_air_at") :
	    web_jnum(b, "slot_at");

	g_string_append_printf(g, "<div class=\"card broadcast\" data-outcome=\""
	    "%s\"><h3><a href=\"/notices/%lld\">%s</a></h3><div class=\"meta\">"
	    "%s · %s · <strong>%s</strong> · %lld/%lld 个喇叭确认在播",
	    web_esc(c, web_jstr(b, "outcome") ? web_jstr(b, "outcome") : "pending"),
	    (long long)web_jnum(b, "notice"), web_esc(c, web_jstr(b, "title")),
	    html_time(c, at), html_zone_name(c, zones, web_jstr(b, "zone")),
	    html_outcome_zh(web_jstr(b, "outcome")), (long long)web_jnum(b,
	    "confirmed"), (long long)web_jnum(b, "targets"));
	if (web_jnum(b, "interruptions"))
		g_string_append_printf(g, " · 被打断 %lld 次",
		    (long long)web_jnum(b, "interruptions"));
	if (web_reason_zh(c, web_jstr(b, "reason")))
		g_string_append_printf(g, " · %s", web_reason_zh(c, web_jstr(b,
		    "reason")));
	g_string_append(g, "</div>");
	/* What aired, to hear on the phone (the route answers Range
	 * requests; nothing is fetched before play is tapped), and to keep. */
	if (web_jnum(b, "has_audio"))
		g_string_append_printf(g, "<audio controls preload=\"none\" "
		    "src=\"/api/v1/broadcasts/%lld/audio\" aria-label=\"播出的"
		    "录音\"></audio><a class=\"button plain\" href=\"/api/v1/"
		    "broadcasts/%lld/audio\" download>下载录音</a>",
		    (long long)web_jnum(b, "id"), (long long)web_jnum(b, "id"));
	g_string_append(g, "</div>");
}

void
page_history(struct web_ctx *c)
{
	GString *err = g_string_new("");
	const char *q = find_text(c, err);
	const char *outcome = find_word(c, "outcome", outcomes, "结果", err);
	const char *zone = find_zone(c, err);
	const char *from = find_day(c, "from", "开始日期", err);
	const char *to = find_day(c, "to", "结束日期", err);

	if (*from && *to && strcmp(to, from) < 0) {
		g_string_append(err, "结束日期在开始日期之前，已按不限日期显示。");
		from = to = "";
	}
	GString *path = g_string_new("broadcasts?limit=");
	g_string_append_printf(path, "%d", FIND_SHOWN + 1);
	api_arg(path, "q", q);
	api_arg(path, "outcome", outcome);
	api_arg(path, "zone", zone);
	api_arg(path, "from", from);
	api_arg(path, "to", to);
	JsonNode *zn = web_get(c, "zones"), *bn = web_get(c, path->str);
	JsonArray *zones = zn ? json_node_get_array(zn) : NULL;
	JsonArray *bc = bn ? json_node_get_array(bn) : NULL;
	GString *g = html_begin(c, "播出记录", "history");

	g_string_free(path, TRUE);
	if (err->len)	/* first, where the eye is */
		html_notice_box(g, "err", err->str);	/* fixed words only */
	g_string_append(g, "<form method=\"get\" action=\"/history\" class=\"card "
	    "filters\" role=\"search\">");
	text_input(c, g, "找播出（标题或正文里的字）", q);
	more_begin(g, *from || *to || *zone || *outcome,
	    "更多条件：日期、地区、结果");
	/* One under the other: side by side, a date picker is too narrow
	 * for 360 px. */
	g_string_append_printf(g, "<label for=\"from\">从哪天（可不填）</label>"
	    "<input id=\"from\" name=\"from\" type=\"date\" value=\"%s\">"
	    "<label for=\"to\">到哪天（可不填）</label><input id=\"to\" "
	    "name=\"to\" type=\"date\" value=\"%s\">",
	    web_esc(c, from), web_esc(c, to));
	zone_select(c, g, zones, zone, "播到哪里");
	word_select(g, "outcome", "结果", outcomes, outcome);
	form_end(g, "/history", *q || *outcome || *zone || *from || *to);
	if (bn == NULL)
		html_notice_box(g, "err", "播出记录没有读出来，请稍后再试。");
	guint n = bc ? json_array_get_length(bc) : 0;
	found(g, n, *q || *outcome || *zone || *from || *to, "还没有播出记录。");
	for (guint i = 0; i < n && i < FIND_SHOWN; i++)
		broadcast_card(c, g, json_array_get_object_element(bc, i), zones);
	html_end(c, g, err->len ? 400 : 200);
	g_string_free(err, TRUE);
	if (zn)
		json_node_unref(zn);
	if (bn)
		json_node_unref(bn);
}
