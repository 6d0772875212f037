/*
 * page_notice_act.c — what a cadre does to one notice from its page: air
 * it now, cut in, schedule it, cancel it, remove a schedule. The acts that
 * cannot be undone ask first (a page of its own, no script needed); every
 * act goes through the JSON API (web_call), and a refusal is shown on the
 * notice's own page with the API's reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web-admin/web_int.h"

/* "2026-11-23T12:00" (datetime-local) -> "2026-11-23 12:00". */
static const char *
local_at(struct web_ctx *c, const char *v)
{
	gchar *s = g_strdup(v);
	char *t = strchr(s, 'T');

	if (t)
		*t = ' ';
	g_ptr_array_add(c->keep, s);
	return s;
}

/* Air now, cut in and cancel cannot be undone: the first tap asks (a
 * page of its own, no script needed), the second (confirm=1) acts.
 * false: the question was answered for this request. */
static bool
confirmed(struct web_ctx *c, int64_t id, const char *what)
{
	char path[64], action[64], back[64];
	bool now = strcmp(what, "now") == 0, urgent = strcmp(what, "urgent") == 0;

	if (web_field(c, "confirm", NULL))
		return true;
	snprintf(path, sizeof(path), "notices/%lld", (long long)id);
	JsonNode *nn = web_get(c, path), *zn = NULL;
	if (nn == NULL)
		return true;	/* the API will say why not */
	JsonObject *n = json_node_get_object(nn);
	zn = web_get(c, "zones");
	const char *t = web_jstr(n, "title") ? web_jstr(n, "title") :
	    web_jstr(n, "body") && *web_jstr(n, "body") ? web_jstr(n, "body") :
	    "录音通知";
	gchar *head = g_utf8_substring(t ? t : "", 0, 28);
	gchar *shortt = g_utf8_strlen(t ? t : "", -1) > 30 ?
	    g_strconcat(head, "……", NULL) : g_strdup(t ? t : "");
	g_free(head);
	const char *zone = web_targets_text(c, zn ? json_node_get_array(zn) : NULL,
	    n);
	gchar *m = now ? g_strdup_printf("现在就把「%s」播给%s的喇叭吗？",
	    web_esc(c, shortt), zone) : urgent ? g_strdup_printf("现在就在%s"
	    "插播「%s」吗？那里正在播的日常广播（县里、乡镇的也算）会先停下，"
	    "插播完再接着播；县里的紧急广播不会被打断。插播会记在操作记录里。",
	    zone, web_esc(c, shortt)) : g_strdup_printf("取消「%s」吗？取消后它"
	    "不会再播出，正在播的也会停下。", web_esc(c, shortt));
	snprintf(action, sizeof(action), "/notices/%lld/%s", (long long)id, what);
	snprintf(back, sizeof(back), "/notices/%lld", (long long)id);
	html_confirm_page(c, now ? "马上播出？" : urgent ? "插播？" :
	    "取消这条通知？", m, action, now ? "确定，马上播出" : urgent ?
	    "确定插播" : "确定取消这条通知", back);
	g_free(m);
	g_free(shortt);
	json_node_unref(nn);
	if (zn)
		json_node_unref(zn);
	return false;
}

void
page_notice_action(struct web_ctx *c)
{
	int64_t id = g_ascii_strtoll(c->parts[1], NULL, 10);
	const char *what = c->parts[2];
	char path[64], err[512], to[96];
	JsonObject *b = json_object_new();
	int st = 404;
	const char *ok = "";
	int64_t notice = id, next = 0;

	err[0] = '\0';
	bool urgent = strcmp(what, "urgent") == 0;

	if (id > 0 && strcmp(c->parts[0], "notices") == 0 &&
	    (strcmp(what, "now") == 0 || strcmp(what, "cancel") == 0 ||
	    urgent) && !confirmed(c, id, what)) {
		json_object_unref(b);
		return;
	}
	if (id <= 0) {
		snprintf(err, sizeof(err), "没有这一项。");
	} else if (strcmp(c->parts[0], "schedules") == 0 &&
	    strcmp(what, "delete") == 0) {
		notice = g_ascii_strtoll(web_field(c, "notice", "0"), NULL, 10);
		snprintf(path, sizeof(path), "schedules/%lld", (long long)id);
		st = web_call(c, "DELETE", path, NULL, NULL, err, sizeof(err));
		ok = "removed";
	} else if (strcmp(what, "cancel") == 0) {
		snprintf(path, sizeof(path), "notices/%lld/cancel", (long long)id);
		st = web_call(c, "POST", path, NULL, NULL, err, sizeof(err));
		ok = "cancelled";
	} else if (strcmp(what, "now") == 0 || strcmp(what, "schedule") == 0 ||
	    urgent) {
		bool now = strcmp(what, "now") == 0 || urgent;
		const char *kind = now ? "once" : web_field(c, "kind", "once");
		json_object_set_int_member(b, "notice", id);
		json_object_set_string_member(b, "kind", kind);
		if (urgent)
			json_object_set_boolean_member(b, "urgent", true);
		if (now) {
			json_object_set_string_member(b, "at", "now");
		} else if (strcmp(kind, "once") == 0) {
			if (*web_field(c, "at", ""))
				json_object_set_string_member(b, "at",
				    local_at(c, web_field(c, "at", "")));
		} else {
			/* The picked time, then any typed after it. */
			const char *t1 = web_field(c, "time1", ""),
			    *more = web_field(c, "times", "");
			gchar *times = g_strdup_printf("%s%s%s", t1, *t1 && *more ?
			    "," : "", more);
			if (*times)
				json_object_set_string_member(b, "times", times);
			g_free(times);
			if (strcmp(kind, "weekly") == 0 && *web_field(c, "wd", ""))
				json_object_set_string_member(b, "weekdays",
				    web_field(c, "wd", ""));
		}
		if (*web_field(c, "from", ""))
			json_object_set_string_member(b, "from", web_field(c, "from",
			    ""));
		if (*web_field(c, "to", ""))
			json_object_set_string_member(b, "to", web_field(c, "to", ""));
		if (*web_field(c, "volume", ""))
			json_object_set_int_member(b, "volume", g_ascii_strtoll(
			    web_field(c, "volume", ""), NULL, 10));
		JsonNode *res = NULL;
		st = web_call(c, "POST", "schedules", b, &res, err, sizeof(err));
		ok = urgent ? "urgent" : strcmp(what, "now") == 0 ? "now" :
		    "scheduled";
		/* When it first airs, for the page to say so. */
		if (res && JSON_NODE_HOLDS_OBJECT(res))
			next = web_jnum(json_node_get_object(res), "next");
		if (res)
			json_node_unref(res);
	} else {
		snprintf(err, sizeof(err), "没有这个操作。");
	}
	json_object_unref(b);
	if (st < 300) {
		if (next > 0)
			snprintf(to, sizeof(to), "/notices/%lld?next=%lld&ok=%s",
			    (long long)notice, (long long)next, ok);
		else
			snprintf(to, sizeof(to), "/notices/%lld?ok=%s",
			    (long long)notice, ok);
		html_redirect(c, to);
	} else if (notice > 0) {
		page_notice_view(c, notice, NULL, err);
	} else {
		html_error_page(c, st >= 400 ? st : 400, err);
	}
}
