/*
 * page_speaker_tools.c — what a cadre or technician does on one
 * loudspeaker's page, /speakers/ID, beside its facts (page_speaker.c):
 * its health history (a 24-hour strip and a short timeline in Chinese:
 * 12月3日 08:10 掉线，09:42 恢复), its own volume, and a test tone on it
 * alone, after a second tap (it makes a noise in a village). Each goes
 * through the API (api_speaker.c) as the page's user.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web-admin/web_int.h"

#define TIMELINE_MAX 30		/* lines shown: about a week of a bad box */
#define STRIP_HOURS 24

/* "12月3日 08:10" in the daemon's zone (day omitted: "08:10"); owned by c. */
static const char *
when_zh(struct web_ctx *c, int64_t t, bool day)
{
	GDateTime *dt = g_date_time_new_from_unix_utc(t);
	GDateTime *local = dt ? g_date_time_to_timezone(dt,
	    dalabad_tz(c->wa->d)) : NULL;
	gchar *s = local ? day ? g_strdup_printf("%d月%d日 %02d:%02d",
	    g_date_time_get_month(local), g_date_time_get_day_of_month(local),
	    g_date_time_get_hour(local), g_date_time_get_minute(local)) :
	    g_strdup_printf("%02d:%02d", g_date_time_get_hour(local),
	    g_date_time_get_minute(local)) : g_strdup("?");

	if (dt)
		g_date_time_unref(dt);
	if (local)
		g_date_time_unref(local);
	g_ptr_array_add(c->keep, s);
	return s;
}

static int
day_of(struct web_ctx *c, int64_t t)
{
	GDateTime *dt = g_date_time_new_from_unix_utc(t);
	GDateTime *local = dt ? g_date_time_to_timezone(dt,
	    dalabad_tz(c->wa->d)) : NULL;
	int d = local ? g_date_time_get_year(local) * 400 +
	    g_date_time_get_day_of_year(local) : 0;

	if (dt)
		g_date_time_unref(dt);
	if (local)
		g_date_time_unref(local);
	return d;
}

/* "1 小时 32 分", "3 天 2 小时", "40 秒"; owned by c. */
static const char *
span_zh(struct web_ctx *c, int64_t s)
{
	gchar *v = s >= 86400 ? g_strdup_printf("%lld 天 %lld 小时",
	    (long long)(s / 86400), (long long)(s % 86400 / 3600)) :
	    s >= 3600 ? g_strdup_printf("%lld 小时 %lld 分", (long long)(s / 3600),
	    (long long)(s % 3600 / 60)) : s >= 60 ? g_strdup_printf("%lld 分钟",
	    (long long)(s / 60)) : g_strdup_printf("%lld 秒", (long long)s);

	g_ptr_array_add(c->keep, v);
	return v;
}

struct ev { int64_t at, value; const char *kind; };

/* The events oldest first (the API gives them newest first). */
static GArray *
events_of(JsonObject *h)
{
	GArray *v = g_array_new(FALSE, FALSE, sizeof(struct ev));
	JsonArray *a = h && json_object_has_member(h, "events") ?
	    json_object_get_array_member(h, "events") : NULL;

	for (guint i = a ? json_array_get_length(a) : 0; i-- > 0; ) {
		JsonObject *o = json_array_get_object_element(a, i);
		struct ev e = { web_jnum(o, "at"), web_jnum(o, "value"),
		    web_jstr(o, "kind") };
		if (e.kind)
			g_array_append_val(v, e);
	}
	return v;
}

/* Online or not at t from the transitions (-1: not known). */
static int
online_at(GArray *v, int64_t t)
{
	int st = -1;

	for (guint i = 0; i < v->len; i++) {
		struct ev *e = &g_array_index(v, struct ev, i);
		if (e->at > t)
			break;
		if (strcmp(e->kind, "online") == 0)
			st = e->value != 0;
	}
	return st;
}

/* The last 24 hours, an hour a cell: green online throughout, red
 * offline some of it, grey not known (before its history began). */
static void
strip(struct web_ctx *c, GString *g, GArray *v, bool on_now)
{
	int64_t now = dalabad_now(), from = now - STRIP_HOURS * 3600;
	int down_hours = 0;

	g_string_append(g, "<div class=\"strip\" id=\"strip\" aria-label=\"最近 "
	    "24 小时在线情况\">");
	for (int h = 0; h < STRIP_HOURS; h++) {
		int64_t a = from + h * 3600, b = a + 3600;
		int st = online_at(v, a), down = st == 0, known = st >= 0;
		for (guint i = 0; i < v->len; i++) {
			struct ev *e = &g_array_index(v, struct ev, i);
			if (e->at <= a || e->at >= b || strcmp(e->kind, "online"))
				continue;
			known = 1;
			down |= e->value == 0;
		}
		/* The last hour: as it is now, as well. */
		if (h == STRIP_HOURS - 1 && !on_now && known)
			down = 1;
		down_hours += down;
		g_string_append_printf(g, "<span class=\"%s\" title=\"%s\"></span>",
		    down ? "down" : known ? "up" : "none", when_zh(c, a, true));
	}
	g_string_append_printf(g, "</div><div class=\"strip-legend\"><span>24 "
	    "小时前</span><span>现在</span></div><p class=\"small quiet\">绿色：一直"
	    "在线；红色：这个小时里掉过线；灰色：还没有记录。%s</p>", down_hours ?
	    "" : "最近 24 小时没有掉线。");
}

/* One line of the timeline, for event e (prev_down: when the box last
 * went offline before it, 0 if not known). */
static void
line(struct web_ctx *c, GString *g, const struct ev *e, int64_t prev_down,
    bool day)
{
	const char *w = when_zh(c, e->at, day);
	char what[160];

	if (strcmp(e->kind, "online") == 0 && e->value == 0)
		snprintf(what, sizeof(what), "<b>掉线</b>");
	else if (strcmp(e->kind, "online") == 0 && prev_down)
		snprintf(what, sizeof(what), "恢复在线（断了 %s）", span_zh(c,
		    e->at - prev_down));
	else if (strcmp(e->kind, "online") == 0)
		snprintf(what, sizeof(what), "上线");
	else if (strcmp(e->kind, "restart") == 0)
		snprintf(what, sizeof(what), "喇叭重新启动了（之前运行了 %s）",
		    span_zh(c, e->value));
	else if (strcmp(e->kind, "audio_errors") == 0)
		snprintf(what, sizeof(what), "<b>声卡出错 %lld 次</b>",
		    (long long)e->value);
	else if (strcmp(e->kind, "amp_errors") == 0)
		snprintf(what, sizeof(what), "<b>功放开关出错 %lld 次</b>",
		    (long long)e->value);
	else if (strcmp(e->kind, "loss") == 0)
		snprintf(what, sizeof(what), "<b>丢包 %.1f%%</b>（信号不好）",
		    (double)e->value / 10.0);
	else if (strcmp(e->kind, "tone") == 0)
		snprintf(what, sizeof(what), e->value ? "试音：喇叭确认播了" :
		    "<b>试音：喇叭没有确认在播</b>");
	else
		return;		/* a kind of a later dalabad */
	g_string_append_printf(g, "<li><span class=\"at\">%s</span>%s</li>", w,
	    what);
}

static void
history(struct web_ctx *c, GString *g, JsonObject *h, bool on_now)
{
	GArray *v = events_of(h);

	g_string_append(g, "<h2 id=\"history-title\">最近的情况</h2>");
	strip(c, g, v, on_now);
	if (v->len == 0) {
		g_string_append(g, "<p id=\"history\">最近 7 天没有记下什么：没有掉线，"
		    "也没有出错。</p>");
		g_array_free(v, TRUE);
		return;
	}
	/* Newest first, each day's first line with its date. */
	int64_t *down = g_new0(int64_t, v->len), last_down = 0;
	for (guint i = 0; i < v->len; i++) {
		struct ev *e = &g_array_index(v, struct ev, i);
		down[i] = last_down;
		if (strcmp(e->kind, "online") == 0)
			last_down = e->value == 0 ? e->at : 0;
	}
	g_string_append(g, "<ul class=\"timeline card\" id=\"history\">");
	int shown = 0, prev_day = -1;
	for (guint i = v->len; i-- > 0 && shown < TIMELINE_MAX; shown++) {
		struct ev *e = &g_array_index(v, struct ev, i);
		int d = day_of(c, e->at);
		line(c, g, e, down[i], d != prev_day);
		prev_day = d;
	}
	g_string_append(g, "</ul>");
	g_free(down);
	g_array_free(v, TRUE);
}

static void
volume(struct web_ctx *c, GString *g, JsonObject *s, JsonObject *h, bool on,
    const char *typed)
{
	int64_t id = web_jnum(s, "id"), said = web_jnum(s, "volume");
	bool own = h && json_object_has_member(h, "volume") &&
	    !json_object_get_null_member(h, "volume");
	int64_t set = own ? web_jnum(h, "volume") : -1;
	char to[64], v[8];

	g_string_append(g, "<h2 id=\"volume-title\">音量</h2><div class=\"card\" "
	    "id=\"volume-card\">");
	if (own)
		g_string_append_printf(g, "<p>这个喇叭的音量设的是 <b id=\"volume-set\">"
		    "%lld</b>（0 最小，100 最大）。</p>", (long long)set);
	else
		g_string_append(g, "<p id=\"volume-set\">还没有在这里设过，用的是喇叭"
		    "自己的设置。</p>");
	if (on && own && said < set)
		/* It may not have heard the new one yet (its next reply, a
		 * second away), or it has a ceiling of its own. */
		g_string_append_printf(g, "<p>喇叭还按 <b>%lld</b> 播。刚改的音量几秒"
		    "钟内就用上；过一会儿还比设的小，就是喇叭自己最大只能到这么大"
		    "（装喇叭时定的，保护附近的学校、卫生院）。</p>",
		    (long long)said);
	else if (on && own && said > set)
		g_string_append_printf(g, "<p>喇叭还按 <b>%lld</b> 播：几秒钟内就换成"
		    "新的音量（刷新一下就能看到）。</p>", (long long)said);
	else if (on)
		g_string_append_printf(g, "<p class=\"quiet\">喇叭报告它现在的音量："
		    "%lld。</p>", (long long)said);
	g_string_append(g, "<p class=\"small quiet\">通知或本村另外定了音量的，按"
	    "那个音量播。喇叭不在线也没关系：它一联系上就用新音量，断了网也照样"
	    "用。</p>");
	snprintf(to, sizeof(to), "/speakers/%lld/volume", (long long)id);
	/* novalidate: the server says what is wrong, in Chinese, and keeps
	 * what was typed (the browser's own bubble may be in English). */
	g_string_append_printf(g, "<form method=\"post\" action=\"%s\" "
	    "novalidate>", to);
	html_csrf(c, g);
	/* What it has now; nothing when that is not known (an offline box
	 * reports 0, which is no volume to offer). */
	if (own || on)
		snprintf(v, sizeof(v), "%lld", (long long)(own ? set : said));
	else
		v[0] = '\0';
	g_string_append_printf(g, "<label for=\"volume-input\">新的音量（0 到 100）"
	    "</label><input id=\"volume-input\" name=\"volume\" type=\"number\" "
	    "inputmode=\"numeric\" min=\"0\" max=\"100\" step=\"1\" value=\"%s\">"
	    "<button type=\"submit\" id=\"volume-save\">保存音量</button></form>",
	    web_esc(c, typed ? typed : v));
	/* One tap for the usual choices, each its own form. */
	g_string_append(g, "<p class=\"small quiet\">或者直接选：</p><div class="
	    "\"presets\" id=\"volume-presets\">");
	static const char *const presets[] = { "30", "50", "70", "90" };
	for (size_t i = 0; i < G_N_ELEMENTS(presets); i++)
		html_action(c, g, to, presets[i], "plain", "volume", presets[i]);
	g_string_append(g, "</div></div>");
}

static void
tone(struct web_ctx *c, GString *g, JsonObject *s, JsonObject *h, bool on)
{
	JsonObject *t = h && json_object_has_member(h, "tone") &&
	    !json_object_get_null_member(h, "tone") ?
	    json_object_get_object_member(h, "tone") : NULL;
	const char *st = t ? web_jstr(t, "state") : NULL;
	bool confirmed = t && json_object_get_boolean_member(t, "confirmed");
	char to[64];

	g_string_append(g, "<h2 id=\"tone-title\">试音</h2><div class=\"card\" "
	    "id=\"tone-card\"><p>让这一个喇叭响几秒钟（“叮咚”和“这是测试”），"
	    "同村别的喇叭不响。正在广播时不能试音。</p>");
	if (st != NULL) {
		const char *w = when_zh(c, web_jnum(t, "at"), true);
		bool going = strcmp(st, "making") == 0 || strcmp(st, "on_air") == 0;
		if (going) {
			/* The page looks again by itself (page_speaker_tone_going). */
			g_string_append_printf(g, "<p id=\"tone-state\" class=\"big\">"
			    "正在试音……%s</p><p class=\"small quiet\">页面会自己刷新。"
			    "</p></div>", confirmed ? "喇叭已确认在播" : "");
			return;	/* no second tone while this one plays */
		} else if (strcmp(st, "done") == 0 && confirmed) {
			g_string_append_printf(g, "<p id=\"tone-state\" class=\"card ok\">"
			    "%s 试音：<b>喇叭确认播了。</b>请问问附近的人有没有听到。"
			    "</p>", w);
		} else if (strcmp(st, "done") == 0) {
			g_string_append_printf(g, "<p id=\"tone-state\" class=\"card err\">"
			    "%s 试音发出去了，但<b>喇叭没有确认在播</b>：可能是网络不好，"
			    "或者喇叭坏了。</p>", w);
		} else if (strcmp(st, "cut") == 0) {
			g_string_append_printf(g, "<p id=\"tone-state\" class=\"card\">"
			    "%s 试音让给了广播，没有播完%s。</p>", w, confirmed ?
			    "（喇叭确认播了一部分）" : "");
		} else {
			g_string_append_printf(g, "<p id=\"tone-state\" class=\"card err\">"
			    "%s 试音没有播出去，请稍后再试。</p>", w);
		}
	}
	if (!on) {
		g_string_append(g, "<p>喇叭现在不在线，试音听不到。</p></div>");
		return;
	}
	snprintf(to, sizeof(to), "/speakers/%lld/tone", (long long)web_jnum(s,
	    "id"));
	html_action(c, g, to, "试音", "", NULL, NULL);
	g_string_append(g, "</div>");
}

JsonNode *
page_speaker_history(struct web_ctx *c, int64_t id)
{
	char path[96];

	snprintf(path, sizeof(path), "speakers/%lld/history?days=7",
	    (long long)id);
	return web_get(c, path);
}

bool
page_speaker_tone_going(JsonObject *h)
{
	JsonObject *t = h && json_object_has_member(h, "tone") &&
	    !json_object_get_null_member(h, "tone") ?
	    json_object_get_object_member(h, "tone") : NULL;
	const char *st = t ? web_jstr(t, "state") : NULL;

	return st && (strcmp(st, "making") == 0 || strcmp(st, "on_air") == 0);
}

void
page_speaker_tools(struct web_ctx *c, GString *g, JsonObject *s,
    JsonObject *h, bool on, const char *typed_volume)
{
	tone(c, g, s, h, on);
	volume(c, g, s, h, on, typed_volume);
	history(c, g, h, on);
}

/* "75", "７５" (folded already): a whole number 0-100, else -1. */
static int
volume_field(const char *v)
{
	size_t n = strlen(v);

	while (n > 0 && v[n - 1] == ' ')
		n--;
	while (*v == ' ')
		v++, n--;
	if (n == 0 || n > 3 || strspn(v, "0123456789") < n)
		return -1;
	int x = atoi(v);
	return x <= 100 ? x : -1;
}

/* POST /speakers/ID/volume and /speakers/ID/tone. */
void
page_speaker_post(struct web_ctx *c)
{
	char path[64], err[512] = "", done[96];
	const char *what = c->parts[2];
	JsonNode *res = NULL;
	int st;

	if (strcmp(what, "volume") == 0) {
		const char *typed = web_field_typed(c, "volume", "");
		int v = volume_field(web_field(c, "volume", ""));
		if (v < 0) {
			/* Nothing sent: the box keeps what it has. */
			page_speaker_show(c, "err", "音量要填 0 到 100 之间的整数（例如 "
			    "70），这次没有改。", typed);
			return;
		}
		JsonObject *b = json_object_new();
		json_object_set_int_member(b, "volume", v);
		snprintf(path, sizeof(path), "speakers/%s/volume", c->parts[1]);
		st = web_call(c, "POST", path, b, &res, err, sizeof(err));
		json_object_unref(b);
		snprintf(done, sizeof(done), "/speakers/%s?done=volume#volume-title",
		    c->parts[1]);
	} else {
		if (!page_speaker_tone_confirmed(c))
			return;
		snprintf(path, sizeof(path), "speakers/%s/tone", c->parts[1]);
		st = web_call(c, "POST", path, NULL, &res, err, sizeof(err));
		snprintf(done, sizeof(done), "/speakers/%s?done=tone#tone-title",
		    c->parts[1]);
	}
	if (res)
		json_node_unref(res);
	if (st == WEB_PENDING)
		return;
	if (st == 404) {
		html_error_page(c, 404, "没有这个喇叭，或不在您的地区。");
		return;
	}
	if (st >= 300) {
		page_speaker_show(c, "err", err, NULL);
		return;
	}
	/* After a change, a plain GET: a reload does not post again. */
	html_redirect(c, done);
}
