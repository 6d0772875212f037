/*
 * page_fed.c — on a province's (or city's) emergency page: the counties
 * below it, each as the province last heard from it (web-admin/fed.c):
 * taken and how many of its loudspeakers confirm, still being sent, not
 * answering (and how often it has been tried), or refused and why, in
 * words a duty officer acts on. page.js keeps the rows current.
 */
#include <stdio.h>
#include <string.h>

#include "web-admin/web_int.h"

/* A county's state in Chinese; the same words as page.js's countyZh. */
static void
county_words(GString *g, JsonObject *k)
{
	const char *s = web_jstr(k, "state");
	bool on = json_object_has_member(k, "on_air") &&
	    json_object_get_boolean_member(k, "on_air");

	if (strcmp(s, "unreachable") == 0)
		g_string_append_printf(g, "连不上，正在重试（第 %lld 次）",
		    (long long)web_jnum(k, "tries"));
	else if (strcmp(s, "refused") == 0)
		g_string_append(g, "对方拒收");
	else
		g_string_append(g, strcmp(s, "sending") == 0 ? "正在发送" :
		    strcmp(s, "delivered") == 0 ? (on ? "播出中" : "已播完") :
		    strcmp(s, "cancelling") == 0 ? "正在取消" :
		    strcmp(s, "cancelled") == 0 ? "已取消" :
		    strcmp(s, "withdrawn") == 0 ? "未送达，已撤回" :
		    strcmp(s, "replaced") == 0 ? "已被更新取代" : "情况不明");
}

/* Why a county refused, as the one who must fix it would say it. */
static const char *
refusal_zh(const char *error)
{
	if (error == NULL)
		return "";
	if (strstr(error, "HTTP 401"))
		return "：省里用的令牌不对，请该县重新给省里开一个令牌";
	if (strstr(error, "HTTP 403"))
		return "：该县没有让省里播到这个地区";
	if (strstr(error, "HTTP 422") || strstr(error, "HTTP 404"))
		return "：该县没有这个地区";
	return "：请联系该县查看它的日志";
}

void
page_fed_card(struct web_ctx *c, GString *g, JsonObject *p)
{
	JsonArray *a = json_object_has_member(p, "counties") ?
	    json_object_get_array_member(p, "counties") : NULL;
	JsonObject *f = json_object_has_member(p, "federated") ?
	    json_object_get_object_member(p, "federated") : NULL;
	guint n = a ? json_array_get_length(a) : 0;

	if (f == NULL || n == 0)
		return;
	int64_t down = 0;
	for (guint i = 0; i < n; i++) {
		const char *s = web_jstr(json_array_get_object_element(a, i), "state");
		down += strcmp(s, "unreachable") == 0 || strcmp(s, "refused") == 0;
	}
	g_string_append_printf(g, "<section class=\"card\" id=\"counties\"><h3>"
	    "下级县区（%u 个）</h3><p>已送达 %lld 个", n,
	    (long long)web_jnum(f, "delivered"));
	if (down)
		g_string_append_printf(g, "，<strong class=\"bad\">%lld 个没有收到"
		    "</strong>", (long long)down);
	g_string_append(g, "。每个县区已确认在播的喇叭：</p><table><tr><th>县区"
	    "</th><th>确认</th><th>情况</th></tr>");
	for (guint i = 0; i < n; i++) {
		JsonObject *k = json_array_get_object_element(a, i);
		const char *s = web_jstr(k, "state");
		bool bad = strcmp(s, "unreachable") == 0 || strcmp(s, "refused") == 0;
		g_string_append_printf(g, "<tr id=\"county-%s\"%s><td>%s</td><td "
		    "class=\"n\">%lld / %lld</td><td><span class=\"s\">",
		    web_esc(c, web_jstr(k, "zone")), bad ? " class=\"err\"" : "",
		    web_esc(c, web_jstr(k, "name")[0] ? web_jstr(k, "name") :
		    web_jstr(k, "zone")), (long long)web_jnum(k, "confirmed"),
		    (long long)web_jnum(k, "targets"));
		county_words(g, k);
		g_string_append(g, "</span>");
		if (strcmp(s, "refused") == 0)
			g_string_append(g, refusal_zh(json_object_has_member(k, "error") ?
			    web_jstr(k, "error") : NULL));
		g_string_append(g, "</td></tr>");
	}
	g_string_append(g, "</table><p class=\"meta\">连不上的县区每隔几秒重试一次，"
	    "直到送达或这个广播结束。</p></section>");
}
