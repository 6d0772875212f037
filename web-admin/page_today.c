/*
 * page_today.c — the landing page: a cadre's day at one glance. The
 * emergency pages in force, what airs next, what aired today with how
 * many loudspeakers confirmed it, and the loudspeakers to look at (silent
 * when they should have played, not online). Everything is of the
 * user's own area only: the API's handlers and the store's listings are
 * asked with the user's zone, as every other page is.
 */
#include <stdio.h>
#include <string.h>

#include "web-admin/api_int.h"
#include "web-admin/web_int.h"

#define NEXT_SLOTS 5		/* what airs next: the next few */

/* Local midnight today, as unix seconds; *date "12月1日 星期二". */
static int64_t
today_start(struct web_ctx *c, const char **date)
{
	static const char *const wd[] = { "", "星期一", "星期二", "星期三",
	    "星期四", "星期五", "星期六", "星期日" };
	GTimeZone *tz = dalabad_tz(c->wa->d);
	GDateTime *u = g_date_time_new_from_unix_utc(dalabad_now());
	GDateTime *now = g_date_time_to_timezone(u, tz);
	GDateTime *mid = g_date_time_new(tz, g_date_time_get_year(now),
	    g_date_time_get_month(now), g_date_time_get_day_of_month(now), 0,
	    0, 0);
	int64_t t = g_date_time_to_unix(mid);
	gchar *d = g_strdup_printf("%d月%d日 %s", g_date_time_get_month(now),
	    g_date_time_get_day_of_month(now),
	    wd[g_date_time_get_day_of_week(now)]);

	g_ptr_array_add(c->keep, d);
	*date = d;
	g_date_time_unref(mid);
	g_date_time_unref(now);
	g_date_time_unref(u);
	return t;
}

/* "HH:MM", with 明天 or the date before it when t is not today. */
static const char *
clock_of(struct web_ctx *c, int64_t t, int64_t midnight)
{
	GDateTime *u = g_date_time_new_from_unix_utc(t);
	GDateTime *l = g_date_time_to_timezone(u, dalabad_tz(c->wa->d));
	gchar *hm = g_date_time_format(l, "%H:%M"), *s;

	if (t >= midnight && t < midnight + 86400)
		s = g_strdup(hm);
	else if (t >= midnight + 86400 && t < midnight + 2 * 86400)
		s = g_strdup_printf("明天 %s", hm);
	else
		s = g_strdup_printf("%d月%d日 %s", g_date_time_get_month(l),
		    g_date_time_get_day_of_month(l), hm);
	g_free(hm);
	g_date_time_unref(l);
	g_date_time_unref(u);
	g_ptr_array_add(c->keep, s);
	return s;
}

static void
alerts_in_force(struct web_ctx *c, GString *g, JsonArray *zones)
{
	JsonNode *pn = web_get(c, "pages");
	JsonArray *pa = pn ? json_node_get_array(pn) : NULL;
	guint n = 0;

	g_string_append(g, "<section id=\"alerts\"><h2>紧急广播</h2>");
	for (guint i = 0; pa && i < json_array_get_length(pa); i++) {
		JsonObject *p = json_array_get_object_element(pa, i);
		if (g_strcmp0(web_jstr(p, "state"), "active") != 0)
			continue;
		GString *where = g_string_new(NULL);
		JsonArray *zs = json_object_has_member(p, "zones") ?
		    json_object_get_array_member(p, "zones") : NULL;
		for (guint k = 0; zs && k < json_array_get_length(zs); k++)
			g_string_append_printf(where, "%s%s", k ? "、" : "",
			    html_zone_name(c, zones, json_array_get_string_element(zs,
			    k)));
		g_string_append_printf(g, "<div class=\"card err alert\"><h3><a "
		    "href=\"/pages/%lld\">%s</a></h3><div class=\"meta\">播给 %s · "
		    "<strong>%lld/%lld</strong> 个喇叭确认在播</div></div>",
		    (long long)web_jnum(p, "id"), web_esc(c, web_jstr(p, "text")),
		    where->str, (long long)web_jnum(p, "confirmed"),
		    (long long)web_jnum(p, "targets"));
		g_string_free(where, TRUE);
		n++;
	}
	if (n == 0)
		g_string_append(g, "<p class=\"quiet\">现在没有紧急广播。</p>");
	g_string_append(g, "</section>");
	if (pn)
		json_node_unref(pn);
}

static void
airs_next(struct web_ctx *c, GString *g, JsonArray *zones, int64_t midnight)
{
	JsonNode *tn = web_get(c, "timetable?days=2");
	JsonArray *slots = tn ? json_node_get_array(tn) : NULL;
	guint n = 0;

	g_string_append(g, "<section id=\"next\"><h2>接下来播什么</h2>");
	for (guint i = 0; slots && i < json_array_get_length(slots) &&
	    n < NEXT_SLOTS; i++, n++) {
		JsonObject *s = json_array_get_object_element(slots, i);
		g_string_append_printf(g, "<div class=\"card slot\"><h3><a href="
		    "\"/notices/%lld\"><span class=\"at\">%s</span>%s</a></h3><div "
		    "class=\"meta\"><span class=\"badge\">%s</span>%s</div></div>",
		    (long long)web_jnum(s, "notice"), clock_of(c, web_jnum(s, "at"),
		    midnight), web_esc(c, web_jstr(s, "title")), html_class_zh(web_jstr(s, "class")),
		    html_zone_name(c, zones, web_jstr(s, "zone")));
	}
	if (n == 0)
		g_string_append(g, "<p class=\"quiet\">今明两天没有安排播出。</p>");
	else
		g_string_append(g, "<p><a class=\"button plain\" href=\"/timetable\">"
		    "看整个时间表</a></p>");
	g_string_append(g, "</section>");
	if (tn)
		json_node_unref(tn);
}

/* Newest first: what a cadre asks is "did the last one reach everyone?" */
static void
aired_today(struct web_ctx *c, GString *g, JsonArray *zones, int64_t midnight)
{
	JsonNode *bn = api_rows(c->wa, DB_LIST_BROADCASTS_SINCE,
	    DB_ARGS(midnight, c->who.zone));
	JsonArray *bc = bn ? json_node_get_array(bn) : NULL;
	guint n = bc ? json_array_get_length(bc) : 0;

	g_string_append(g, "<section id=\"aired\"><h2>今天播了什么</h2>");
	for (guint i = n; i-- > 0;) {
		JsonObject *b = json_array_get_object_element(bc, i);
		int64_t at = web_jnum(b, "on_air_at") ? web_jnum(b, "on_air_at") :
		    web_jnum(b, "slot_at");
		int64_t conf = web_jnum(b, "confirmed"), tg = web_jnum(b, "targets");
		const char *oc = web_jstr(b, "outcome");
		/* Green when every box confirmed it; red when one did not, or
		 * it was missed, cut short or cancelled; plain while pending. */
		bool done = oc != NULL;
		bool good = done && strcmp(oc, "aired") == 0 && conf == tg && tg > 0;
		g_string_append_printf(g, "<div class=\"card broadcast%s\" "
		    "data-notice=\"%lld\"><h3><a href=\"/notices/%lld\">%s</a></h3>"
		    "<div class=\"meta\"><strong>%s</strong> · %s · %s · <span "
		    "class=\"count\">%lld/%lld</span> 个喇叭确认在播",
		    good ? " ok" : done ? " err" : "",
		    (long long)web_jnum(b, "notice"), (long long)web_jnum(b,
		    "notice"), web_esc(c, web_jstr(b, "title")),
		    clock_of(c, at, midnight), html_zone_name(c, zones, web_jstr(b,
		    "zone")), oc ? html_outcome_zh(oc) : web_jnum(b, "on_air_at") ?
		    "正在播出" : "马上开始", (long long)conf, (long long)tg);
		if (web_reason_zh(c, web_jstr(b, "reason")))
			g_string_append_printf(g, " · %s", web_reason_zh(c, web_jstr(b,
			    "reason")));
		g_string_append(g, "</div></div>");
	}
	if (bn == NULL)
		g_string_append(g, "<p class=\"card err\">播出记录现在读不出来，请稍后再看。"
		    "</p>");
	else if (n == 0)
		g_string_append(g, "<p class=\"quiet\">今天还没有播出。</p>");
	g_string_append(g, "</section>");
	if (bn)
		json_node_unref(bn);
}

/* Boxes that were sent something today and never confirmed it. */
static void
silent_today(struct web_ctx *c, GString *g, JsonArray *zones, int64_t midnight)
{
	JsonNode *sn = api_rows(c->wa, DB_LIST_SPEAKERS_SILENT,
	    DB_ARGS(midnight, c->who.zone));
	JsonArray *sa = sn ? json_node_get_array(sn) : NULL;

	for (guint i = 0; sa && i < json_array_get_length(sa); i++) {
		JsonObject *s = json_array_get_object_element(sa, i);
		const char *name = web_jstr(s, "name");
		if (i == 0)
			g_string_append(g, "<h3>该播没播的喇叭</h3>");
		g_string_append_printf(g, "<div class=\"card err silent\"><strong>"
		    "%s</strong> <span class=\"small\">#%lld</span><div class="
		    "\"meta\">%s · 今天有 %lld 次没有播出，最近一次 %s</div></div>",
		    web_esc(c, name && *name ? name : "喇叭"), (long long)web_jnum(s,
		    "id"), html_zone_name(c, zones, web_jstr(s, "zone")),
		    (long long)web_jnum(s, "missed"), clock_of(c, web_jnum(s,
		    "last_at"), midnight));
	}
	if (sn)
		json_node_unref(sn);
}

/* Not online now: a village's own boxes by name; above a village, the
 * areas with any, counted (bounded whatever the county's size). */
static void
offline_now(struct web_ctx *c, GString *g, JsonArray *zones)
{
	char path[128];
	struct web_speaker_totals t;

	snprintf(path, sizeof(path), "speakers/summary?zone=%s", c->who.zone);
	JsonNode *sum = web_get(c, path);
	JsonArray *a = sum ? json_node_get_array(sum) : NULL;
	web_speaker_totals(a, &t);
	int64_t all = t.speakers, on = t.online, enrolled = t.enrolled;
	g_string_append_printf(g, "<p id=\"speakers-count\">共 <strong>%lld"
	    "</strong> 个喇叭，<strong>%lld</strong> 个在线", (long long)all,
	    (long long)on);
	if (enrolled > on)
		g_string_append_printf(g, "，<strong>%lld</strong> 个不在线",
		    (long long)(enrolled - on));
	if (all > enrolled)
		g_string_append_printf(g, "，%lld 个还没接入", (long long)(all -
		    enrolled));
	g_string_append(g, "。</p>");
	if (strlen(c->who.zone) == 12) {
		snprintf(path, sizeof(path), "speakers?zone=%s&limit=50",
		    c->who.zone);
		JsonNode *sn = web_get(c, path);
		JsonArray *sa = sn ? json_node_get_array(sn) : NULL;
		for (guint i = 0; sa && i < json_array_get_length(sa); i++) {
			JsonObject *s = json_array_get_object_element(sa, i);
			const char *name = web_jstr(s, "name");
			if (!json_object_get_boolean_member(s, "enrolled") ||
			    json_object_get_boolean_member(s, "online"))
				continue;
			g_string_append_printf(g, "<div class=\"card offline\"><span "
			    "class=\"badge off-line\">不在线</span><strong>%s</strong> "
			    "<span class=\"small\">#%lld</span>", web_esc(c, name &&
			    *name ? name : "喇叭"), (long long)web_jnum(s, "id"));
			if (web_jnum(s, "last_heard"))
				g_string_append_printf(g, "<div class=\"meta\">上次联系 %s"
				    "</div>", html_time(c, web_jnum(s, "last_heard")));
			g_string_append(g, "</div>");
		}
		if (sn)
			json_node_unref(sn);
	} else {
		for (guint i = 0; a && i < json_array_get_length(a); i++) {
			JsonObject *o = json_array_get_object_element(a, i);
			int64_t off = web_jnum(o, "enrolled") - web_jnum(o, "online");
			if (off <= 0)
				continue;
			g_string_append_printf(g, "<div class=\"card offline\"><a href="
			    "\"/speakers?zone=%s\">%s</a> <span class=\"badge off-line\">"
			    "%lld 个不在线</span></div>", web_esc(c, web_jstr(o, "zone")),
			    html_zone_name(c, zones, web_jstr(o, "zone")),
			    (long long)off);
		}
	}
	if (sum)
		json_node_unref(sum);
}

/* What aired today and the silent boxes are two listings over every
 * box's row of today's broadcasts: ten thousand rows for one county
 * notice, and at a county of 10,000 boxes three quarters of the page's
 * cost (perf: the counts of aired_today and the join of silent_today).
 * So they are kept, per user zone, and drawn afresh once older than
 * TODAY_SHARE times what drawing them cost, never past TODAY_MAX_US, as
 * reg_view.c keeps the registry: a county's counts a few tens of
 * milliseconds old, a village's (microseconds to draw) as they are. */
#define TODAY_SHARE 20
#define TODAY_MAX_US 1000000

struct web_today_part {
	int64_t midnight;
	uint64_t zones_gen;
	int64_t at_us, cost_us;
	GString *aired, *silent;
};

static void
part_free(gpointer p)
{
	struct web_today_part *t = p;

	g_string_free(t->aired, TRUE);
	g_string_free(t->silent, TRUE);
	g_free(t);
}

void
web_today_clear(struct web_admin *wa)
{
	if (wa->today_parts)
		g_hash_table_unref(wa->today_parts);
	wa->today_parts = NULL;
}

/* The two sections for c's user, fresh enough; owned by wa. */
static const struct web_today_part *
today_part(struct web_ctx *c, JsonArray *zones, int64_t midnight)
{
	struct web_admin *wa = c->wa;
	int64_t now = g_get_monotonic_time();

	if (wa->today_parts == NULL)
		wa->today_parts = g_hash_table_new_full(g_str_hash, g_str_equal,
		    g_free, part_free);
	struct web_today_part *t = g_hash_table_lookup(wa->today_parts,
	    c->who.zone);
	if (t && t->midnight == midnight && t->zones_gen == wa->db->zones_gen &&
	    now - t->at_us < MIN(TODAY_SHARE * t->cost_us, TODAY_MAX_US))
		return t;
	if (t == NULL) {
		t = g_new0(struct web_today_part, 1);
		t->aired = g_string_new(NULL);
		t->silent = g_string_new(NULL);
		g_hash_table_insert(wa->today_parts, g_strdup(c->who.zone), t);
	}
	g_string_truncate(t->aired, 0);
	g_string_truncate(t->silent, 0);
	aired_today(c, t->aired, zones, midnight);
	silent_today(c, t->silent, zones, midnight);
	t->midnight = midnight;
	t->zones_gen = wa->db->zones_gen;
	t->at_us = g_get_monotonic_time();
	t->cost_us = t->at_us - now;
	return t;
}

void
page_today(struct web_ctx *c)
{
	const char *date;
	int64_t midnight = today_start(c, &date);
	JsonNode *zn = web_get(c, "zones");
	JsonArray *zones = zn ? json_node_get_array(zn) : NULL;
	gchar *title = g_strdup_printf("今天 %s", date);
	GString *g = html_begin(c, title, "today");

	g_free(title);
	g_string_append(g, "<p><a class=\"button\" href=\"/notices/new\">写通知"
	    "</a> <a class=\"button\" href=\"/notices/new/voice\">录音通知</a></p>");
	alerts_in_force(c, g, zones);
	airs_next(c, g, zones, midnight);
	const struct web_today_part *t = today_part(c, zones, midnight);
	g_string_append_len(g, t->aired->str, t->aired->len);
	g_string_append(g, "<section id=\"speakers\"><h2>喇叭</h2>");
	g_string_append_len(g, t->silent->str, t->silent->len);
	offline_now(c, g, zones);
	g_string_append(g, "<p><a class=\"button plain\" href=\"/speakers\">"
	    "看全部喇叭</a></p></section>");
	html_end(c, g, 200);
	if (zn)
		json_node_unref(zn);
}
