/*
 * page_speaker.c — one loudspeaker, /speakers/ID: what a technician asks
 * before driving out (online, last heard, the box's own report of its
 * amplifier, volume, uptime, version, errors and storage), and a new
 * enrolment token for it, after a second tap. Only a user whose area
 * holds the box sees it: to anyone else it does not exist (404).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web-admin/web_int.h"

/* The box with id s as the API lists it (within the user's zone), or
 * NULL: no such id, not a number, or not in the user's area. *node is
 * the answer to unref. */
static JsonObject *
speaker_get(struct web_ctx *c, const char *s, JsonNode **node)
{
	size_t n = strlen(s);
	char path[96];

	*node = NULL;
	if (n == 0 || n > 10 || strspn(s, "0123456789") != n)
		return NULL;
	int64_t id = g_ascii_strtoll(s, NULL, 10);
	if (id < 1 || id > UINT32_MAX)
		return NULL;
	/* The list's own call, one row from just before the id: the same
	 * zone check and health as the cards. */
	snprintf(path, sizeof(path), "speakers?after=%lld&limit=1",
	    (long long)(id - 1));
	*node = web_get(c, path);
	JsonArray *a = *node ? json_node_get_array(*node) : NULL;
	if (a == NULL || json_array_get_length(a) != 1)
		return NULL;
	JsonObject *o = json_array_get_object_element(a, 0);
	return web_jnum(o, "id") == id ? o : NULL;
}

static const char *
name_of(JsonObject *s)
{
	const char *n = web_jstr(s, "name");

	return n && *n ? n : "喇叭";
}

static void
fact(GString *g, const char *what, const char *id, const char *value)
{
	g_string_append_printf(g, "<dt>%s</dt><dd id=\"%s\">%s</dd>", what, id,
	    value);
}

static const char *
uptime_zh(struct web_ctx *c, int64_t up)
{
	gchar *s = up >= 86400 ? g_strdup_printf("%lld 天 %lld 小时",
	    (long long)(up / 86400), (long long)(up % 86400 / 3600)) :
	    up >= 3600 ? g_strdup_printf("%lld 小时 %lld 分钟", (long long)(up /
	    3600), (long long)(up % 3600 / 60)) : g_strdup_printf("%lld 分钟",
	    (long long)(up / 60));

	g_ptr_array_add(c->keep, s);
	return s;
}

/* The box's own report, from its last heartbeat. */
static void
health(struct web_ctx *c, GString *g, JsonObject *s, bool on)
{
	JsonObject *h = json_object_has_member(s, "health") ?
	    json_object_get_object_member(s, "health") : NULL;
	char v[64];

	if (h == NULL) {
		g_string_append(g, "<p id=\"health\">这个喇叭自服务器开机以来还没有"
		    "联系过，没有它的情况。</p>");
		return;
	}
	g_string_append_printf(g, "<h2>喇叭报告的情况</h2>%s<dl class=\"facts "
	    "card\" id=\"health\">", on ? "" : "<p>下面是它最后一次联系时的"
	    "情况。</p>");
	if (json_object_has_member(s, "silent_when_due") &&
	    json_object_get_boolean_member(s, "silent_when_due"))
		fact(g, "该播未播", "silent", "<span class=\"badge silent\">本村正"
		    "在广播，这个喇叭没有在播</span>");
	fact(g, "功放", "amplifier", json_object_has_member(s, "amplifier") &&
	    json_object_get_boolean_member(s, "amplifier") ? "开着" : "关着");
	snprintf(v, sizeof(v), "%lld", (long long)web_jnum(s, "volume"));
	fact(g, "音量", "volume", v);
	fact(g, "已运行", "uptime", uptime_zh(c, web_jnum(h, "uptime_s")));
	const char *ver = web_jstr(h, "version");
	fact(g, "软件版本", "version", ver && *ver ? web_esc(c, ver) : "不知道");
	int64_t audio = web_jnum(h, "audio_errors"), amp = web_jnum(h,
	    "amp_errors"), mb = web_jnum(h, "free_mb");
	snprintf(v, sizeof(v), audio ? "<b>%lld 次</b>" : "没有", (long long)audio);
	fact(g, "声卡出错", "audio-errors", v);
	snprintf(v, sizeof(v), amp ? "<b>%lld 次</b>" : "没有", (long long)amp);
	fact(g, "功放开关出错", "amp-errors", v);
	if (mb < 0)
		snprintf(v, sizeof(v), "不知道");
	else
		snprintf(v, sizeof(v), mb < 100 ? "<b>只剩 %lld 兆，快满了</b>" :
		    "%lld 兆", (long long)mb);
	fact(g, "存储空间还剩", "free", v);
	/* Store and forward: what it would air by itself if its link failed. */
	snprintf(v, sizeof(v), "%lld 条", (long long)web_jnum(h, "carried"));
	fact(g, "存着待播的节目", "carried", v);
	int64_t rx = web_jnum(s, "received"), lost = web_jnum(s, "lost");
	if (rx + lost > 0) {
		snprintf(v, sizeof(v), "%.1f%%", 100.0 * (double)lost /
		    (double)(rx + lost));
		fact(g, "丢包", "loss", v);
	}
	g_string_append(g, "</dl>");
}

/* GET /speakers/ID. */
void
page_speaker(struct web_ctx *c)
{
	const char *done = web_qarg(c, "done", "");

	page_speaker_show(c, strcmp(done, "volume") == 0 ? "ok" : NULL,
	    "音量保存好了。喇叭几秒钟内就用上新的音量；不在线的，一联系上就用。",
	    NULL);
}

/* The page, with a box saying msg (kind "ok" or "err"; NULL: none) and
 * the volume field as typed (NULL: the one set). */
void
page_speaker_show(struct web_ctx *c, const char *kind, const char *msg,
    const char *typed_volume)
{
	JsonNode *sn, *zn;
	JsonObject *s = speaker_get(c, c->parts[1], &sn);

	if (s == NULL) {
		if (sn)
			json_node_unref(sn);
		html_error_page(c, 404, "没有这个喇叭，或不在您的地区。");
		return;
	}
	zn = web_get(c, "zones");
	JsonArray *zones = zn ? json_node_get_array(zn) : NULL;
	const char *zone = web_jstr(s, "zone");
	bool on = json_object_get_boolean_member(s, "online");
	bool enrolled = json_object_get_boolean_member(s, "enrolled");
	JsonNode *hn = page_speaker_history(c, web_jnum(s, "id"));
	JsonObject *h = hn ? json_node_get_object(hn) : NULL;
	/* A test tone under way: its answer comes within seconds. */
	if (page_speaker_tone_going(h)) {
		/* Another address each time (n), or the browser takes it for
		 * the same page and only scrolls to the fragment. */
		int n = atoi(web_qarg(c, "n", "0"));
		gchar *to = g_strdup_printf("/speakers/%lld?done=tone&amp;n=%d"
		    "#tone-title", (long long)web_jnum(s, "id"), n > 0 && n < 1000 ?
		    n + 1 : 1);
		g_ptr_array_add(c->keep, to);
		c->refresh_s = 2;
		c->refresh_to = to;
	}
	gchar *title = g_strdup_printf("喇叭：%s", name_of(s));
	GString *g = html_begin(c, title, "speakers");
	char v[256], to[64];

	g_free(title);
	if (kind)
		html_notice_box(g, kind, web_esc(c, msg));
	g_string_append(g, "<dl class=\"facts card\" id=\"facts\">");
	snprintf(v, sizeof(v), "%lld", (long long)web_jnum(s, "id"));
	fact(g, "编号", "sid", v);
	/* The village with its township: two villages may share a name. */
	if (strlen(zone) == 12) {
		char up[10];
		snprintf(up, sizeof(up), "%.9s", zone);
		snprintf(v, sizeof(v), "%s · %s", html_zone_name(c, zones, up),
		    html_zone_name(c, zones, zone));
	} else {
		snprintf(v, sizeof(v), "%s", html_zone_name(c, zones, zone));
	}
	fact(g, "所在地区", "zone", v);
	snprintf(v, sizeof(v), "<span class=\"badge %s\">%s</span>%s", on ?
	    "on-line" : "off-line", on ? "在线" : "不在线", json_object_has_member(s,
	    "playing") && json_object_get_boolean_member(s, "playing") ?
	    "<span class=\"badge playing\">正在播</span>" : "");
	fact(g, "现在", "state", v);
	fact(g, "接入", "enrolled", enrolled ? "已接入" : "还没有接入（要在喇叭上"
	    "运行接入命令）");
	fact(g, "上次联系", "heard", web_jnum(s, "last_heard") ? html_time(c,
	    web_jnum(s, "last_heard")) : "自服务器开机以来没有联系过");
	g_string_append(g, "</dl>");
	health(c, g, s, on);
	page_speaker_tools(c, g, s, h, on, typed_volume);
	g_string_append(g, "<h2>接入口令</h2><p>喇叭换了板子、重装了系统，或者还没"
	    "接入，就生成一个新的接入口令，在喇叭上运行。</p>");
	snprintf(to, sizeof(to), "/speakers/%lld/token", (long long)web_jnum(s, "id"));
	html_action(c, g, to, enrolled ? "生成新的接入口令" : "生成接入口令",
	    "plain", NULL, NULL);
	g_string_append_printf(g, "<p><a class=\"button plain\" href=\"/speakers?"
	    "zone=%s\">返回%s的喇叭</a></p>", web_esc(c, zone),
	    html_zone_name(c, zones, zone));
	html_end(c, g, 200);
	json_node_unref(sn);
	if (zn)
		json_node_unref(zn);
	if (hn)
		json_node_unref(hn);
}

/* The second tap of an action on one box (POST /speakers/ID/WHAT
 * without confirm=1): "ASK喇叭「NAME」（编号 ID）DOES？", why, and a form
 * that asks again. true: confirmed, go on; false: a page was answered
 * (the question, or 404: outside one's area the box does not exist,
 * asked or confirmed). */
static bool
speaker_confirmed(struct web_ctx *c, const char *what, const char *title,
    const char *ask, const char *does, const char *why, const char *yes,
    const char *no)
{
	JsonNode *sn;
	JsonObject *s;

	if ((s = speaker_get(c, c->parts[1], &sn)) == NULL) {
		if (sn)
			json_node_unref(sn);
		html_error_page(c, 404, "没有这个喇叭，或不在您的地区。");
		return false;
	}
	if (web_field(c, "confirm", NULL)) {
		json_node_unref(sn);
		return true;
	}
	char action[64], back[48];
	long long id = (long long)web_jnum(s, "id");
	snprintf(action, sizeof(action), "/speakers/%lld/%s", id, what);
	snprintf(back, sizeof(back), "/speakers/%lld", id);
	GString *g = html_begin(c, title, "speakers");
	g_string_append_printf(g, "<div class=\"card\" id=\"confirm\"><p class="
	    "\"big\">%s喇叭「%s」（编号 %lld）%s？</p><p>%s</p><form method="
	    "\"post\" action=\"%s\">", ask, web_esc(c, name_of(s)), id, does,
	    why, action);
	html_csrf(c, g);
	g_string_append_printf(g, "<input type=\"hidden\" name=\"confirm\" "
	    "value=\"1\"><button type=\"submit\" id=\"confirm-yes\">%s"
	    "</button></form><p><a class=\"button plain\" href=\"%s\">%s</a>"
	    "</p></div>", yes, back, no);
	html_end(c, g, 200);
	json_node_unref(sn);
	return false;
}

/* Not the red box of what cannot be undone: a token changes nothing
 * until it is used on a box, but it is a secret worth one more tap. */
bool
page_speaker_token_confirmed(struct web_ctx *c)
{
	return speaker_confirmed(c, "token", "生成新的接入口令？", "给",
	    "生成新的接入口令", "生成口令不会改变什么，喇叭的接入照旧。新口令 "
	    "24 小时内有效；只有在喇叭上用它接入以后，这个编号才换成新接入的"
	    "那台喇叭。", "生成口令", "不做了，返回");
}

/* A tone makes a noise in a village: one more tap, said plainly. */
bool
page_speaker_tone_confirmed(struct web_ctx *c)
{
	return speaker_confirmed(c, "tone", "试音？", "让", "响一下",
	    "它会播几秒钟的“叮咚”和“这是测试”，附近的村民能听到。同村别的"
	    "喇叭不响。要是这时有广播，就不试。", "试音", "不试了，返回");
}
