/*
 * page_public.c — listening again (issue 19): what anyone may hear of a
 * village, without a login. /v/CODE is the village's page (what aired
 * there lately with a player, what is due next), /v/CODE/feed.xml its
 * podcast (public_feed.c) with its cover.png, /v/CODE/ID.mp3 and .ogg the
 * audio that aired.
 *
 * Apart from the session pages on purpose: these are reached from a QR
 * code on a house's door by anybody, so they never read or set the
 * session cookie, carry nothing a notice itself does not (no loudspeaker,
 * no user, no id of a person), are cacheable (ETag, Last-Modified, 304)
 * and limited per address ([listen] requests_per_minute) rather than by
 * the loop share the cadres' pages get. No script: WeChat's own browser,
 * where a scanned code opens, plays <audio controls> as it is.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web-admin/api_int.h"
#include "web-admin/http_gate.h"
#include "web-admin/loop_share.h"
#include "web-admin/public.h"
#include "web-admin/web_int.h"

#define PUB_DAYS 60		/* what aired this long ago is still listed */
#define PUB_NEXT 8		/* upcoming slots shown */
#define PUB_MAX_AGE 300		/* the page and feed may be kept 5 minutes */

/* The page's own style sheet, inline, allowed by its hash (the pages'
 * Content-Security-Policy allows no inline style; this one page is made
 * to be opened once from a QR code, without a second request). */
static const char pub_css[] =
    "body{margin:0;font:22px/1.6 sans-serif;color:#111;background:#fffdf6}"
    "header{background:#b3261e;color:#fff;padding:14px 16px}"
    "h1{font-size:30px;margin:0}h2{font-size:26px;margin:22px 16px 8px}"
    "main{padding:0 0 24px}article{background:#fff;margin:10px 12px;"
    "padding:12px 14px;border:1px solid #ddd;border-radius:10px}"
    "h3{font-size:24px;margin:0 0 4px}.when{color:#555;font-size:19px;"
    "margin:0 0 6px}audio{width:100%;margin:8px 0}.text{white-space:"
    "pre-wrap;margin:6px 0 0}ul{padding:0 16px 0 36px}li{margin:6px 0}"
    ".feed{margin:10px 12px;padding:12px 14px;background:#f1f6ff;"
    "border-radius:10px;word-break:break-all}.empty{margin:10px 16px;"
    "color:#555}";

/* ---- answers ---- */

/* Answer msg with body, cacheable: ETag (a hash of it), Last-Modified
 * (when that ETag was first seen for key), 304 when the client has it. */
void
pub_answer(struct web_admin *wa, SoupServerMessage *msg, const char *key,
    const char *type, GString *body)
{
	static GHashTable *seen;	/* key -> "etag\nunix time" */
	SoupMessageHeaders *rq = soup_server_message_get_request_headers(msg);
	gchar *sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256,
	    (const guchar *)body->str, body->len);
	gchar *etag = g_strdup_printf("\"%.32s\"", sum);
	int64_t since = dalabad_now();

	(void)wa;
	if (seen == NULL)
		seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
		    g_free);
	const char *was = g_hash_table_lookup(seen, key);
	size_t elen = strlen(etag);
	if (was && strncmp(was, etag, elen) == 0 && was[elen] == '\n')
		since = strtoll(was + elen + 1, NULL, 10);
	else
		g_hash_table_replace(seen, g_strdup(key), g_strdup_printf("%s\n%lld",
		    etag, (long long)since));
	pub_cache_headers(msg, etag, since, PUB_MAX_AGE);
	if (pub_not_modified(rq, etag, since)) {
		soup_server_message_set_status(msg, 304, NULL);
	} else {
		/* HEAD: libsoup sends the headers alone, Content-Length kept. */
		soup_server_message_set_status(msg, 200, NULL);
		soup_server_message_set_response(msg, type, SOUP_MEMORY_COPY,
		    body->str, body->len);
	}
	g_free(etag);
	g_free(sum);
}

void
pub_cache_headers(SoupServerMessage *msg, const char *etag, int64_t since,
    int max_age)
{
	SoupMessageHeaders *h = soup_server_message_get_response_headers(msg);
	GDateTime *dt = g_date_time_new_from_unix_utc(since);
	char *lm = dt ? soup_date_time_to_string(dt, SOUP_DATE_HTTP) : NULL;
	gchar *cc = g_strdup_printf("public, max-age=%d", max_age);

	soup_message_headers_replace(h, "ETag", etag);
	if (lm)
		soup_message_headers_replace(h, "Last-Modified", lm);
	soup_message_headers_replace(h, "Cache-Control", cc);
	g_free(cc);
	g_free(lm);
	if (dt)
		g_date_time_unref(dt);
}

/* If-None-Match decides when it is there (RFC 9110 13.2.2); else
 * If-Modified-Since. */
bool
pub_not_modified(SoupMessageHeaders *rq, const char *etag, int64_t since)
{
	const char *inm = soup_message_headers_get_one(rq, "If-None-Match");
	const char *ims = soup_message_headers_get_one(rq, "If-Modified-Since");

	if (inm) {
		bool hit = false;
		gchar **tags = g_strsplit(inm, ",", 64);
		for (int i = 0; !hit && tags[i]; i++) {
			const char *t = g_strstrip(tags[i]);
			if (g_str_has_prefix(t, "W/"))
				t += 2;
			hit = strcmp(t, "*") == 0 || strcmp(t, etag) == 0;
		}
		g_strfreev(tags);
		return hit;
	}
	if (ims) {
		GDateTime *dt = soup_date_time_new_from_http_string(ims);
		bool hit = dt && g_date_time_to_unix(dt) >= since;
		if (dt)
			g_date_time_unref(dt);
		return hit;
	}
	return false;
}

/* A plain page in Chinese: 404, 429. */
void
pub_error(SoupServerMessage *msg, int status, const char *what)
{
	GString *g = g_string_new("<!doctype html><html lang=\"zh-CN\"><meta "
	    "charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-"
	    "width,initial-scale=1\"><title>大喇叭</title>");
	g_string_append_printf(g, "<p style=\"font:22px/1.6 sans-serif;margin:"
	    "24px 16px\">%s</p>", what);
	SoupMessageHeaders *h = soup_server_message_get_response_headers(msg);
	soup_message_headers_replace(h, "Cache-Control", "no-store");
	soup_message_headers_replace(h, "Content-Security-Policy",
	    "default-src 'none'; style-src 'unsafe-inline'");
	soup_server_message_set_status(msg, status, NULL);
	soup_server_message_set_response(msg, "text/html; charset=utf-8",
	    SOUP_MEMORY_COPY, g->str, g->len);
	g_string_free(g, TRUE);
}

/* ---- the limit per address ---- */

/* Each request costs 60 "ms" of a loop_share bucket holding a minute's
 * worth: requests_per_minute in a burst, refilled at as many a minute.
 * Loopback counts too: the limit is the county's promise to the village,
 * not a share of this machine's loop. */
static bool
pub_allowed(struct web_admin *wa, SoupServerMessage *msg)
{
	static struct loop_share *ls;
	static int ls_rate;
	int rate = wa->cfg->public_per_min;
	GSocketAddress *sa = soup_server_message_get_remote_address(msg);
	char key[64];
	int64_t now = g_get_monotonic_time();

	if (rate <= 0)
		return true;
	if (ls == NULL || ls_rate != rate) {	/* first, or after a reload */
		loop_share_free(ls);
		ls = loop_share_new(rate * 60, rate);
		ls_rate = rate;
	}
	if (sa && G_IS_INET_SOCKET_ADDRESS(sa))
		http_gate_source_key(sa, key, sizeof(key), NULL);
	else
		snprintf(key, sizeof(key), "?");
	if (!loop_share_allow(ls, key, now)) {
		api_retry_after(msg, 60 / rate + 1);
		pub_error(msg, 429, "这边打开得太频繁了，请过一会儿再听。");
		return false;
	}
	loop_share_charge(ls, key, 60 * 1000, now);
	return true;
}

/* ---- what a village has ---- */

gchar *
pub_village_name(struct web_admin *wa, const char *code)
{
	gchar *name = NULL;

	if (strlen(code) != 12 || !api_zone_code_ok(code))
		return NULL;
	JsonNode *rows = api_rows(wa, DB_LIST_ZONE, DB_ARGS(code));
	JsonArray *a = rows ? json_node_get_array(rows) : NULL;
	if (a && json_array_get_length(a) == 1)
		name = g_strdup(web_jstr(json_array_get_object_element(a, 0),
		    "name"));
	if (rows)
		json_node_unref(rows);
	return name;
}

JsonNode *
pub_aired(struct web_admin *wa, const char *village)
{
	int64_t since = dalabad_now() - (int64_t)PUB_DAYS * 86400;

	return api_rows(wa, DB_LIST_PUBLIC_AIRED, DB_ARGS(village, since,
	    (int64_t)PUB_ITEMS));
}

const char *
pub_title(JsonObject *o, char *buf, size_t n)
{
	const char *t = web_jstr(o, "title");
	const char *b = web_jstr(o, "body");

	if (t && t[0])
		return t;
	if (b == NULL || b[0] == '\0')
		return "村里的广播";	/* a voice notice with no words */
	/* The first words: up to 20 characters, cut at a full stop. */
	const char *p = b;
	for (int i = 0; *p && i < 20; i++, p += g_utf8_skip[*(const guchar *)p]) {
		gunichar ch = g_utf8_get_char(p);
		if (ch == 0x3002 || ch == 0xff0c || ch == '\n' || ch == 0xff01)
			break;
	}
	snprintf(buf, n, "%.*s%s", (int)(p - b), b, *p ? "……" : "");
	return buf;
}

/* "12月3日 周四 08:10" in the county's time zone; owned by keep. */
const char *
pub_when(struct web_admin *wa, int64_t t, GPtrArray *keep)
{
	static const char *const wd[] = { "", "一", "二", "三", "四", "五",
	    "六", "日" };
	GDateTime *u = g_date_time_new_from_unix_utc(t);
	GDateTime *l = u ? g_date_time_to_timezone(u, dalabad_tz(wa->d)) : NULL;
	gchar *s = l ? g_strdup_printf("%d月%d日 周%s %02d:%02d",
	    g_date_time_get_month(l), g_date_time_get_day_of_month(l),
	    wd[g_date_time_get_day_of_week(l)], g_date_time_get_hour(l),
	    g_date_time_get_minute(l)) : g_strdup("");

	if (u)
		g_date_time_unref(u);
	if (l)
		g_date_time_unref(l);
	g_ptr_array_add(keep, s);
	return s;
}

/* http(s)://host: [listen] public_url, else the host this request was
 * sent to. g_free it. */
gchar *
pub_base(struct web_admin *wa, SoupServerMessage *msg)
{
	const char *u = wa->cfg->public_url;

	if (u && strcmp(u, "auto") != 0 && u[0]) {
		size_t n = strlen(u);
		while (n > 0 && u[n - 1] == '/')
			n--;
		return g_strndup(u, n);
	}
	SoupMessageHeaders *rq = soup_server_message_get_request_headers(msg);
	const char *host = soup_message_headers_get_one(rq, "Host");
	GUri *uri = soup_server_message_get_uri(msg);
	bool tls = strcmp(wa->cfg->api_tls_cert, "off") != 0;
	/* Host was checked (api_guard.c: one of ours); a stray character
	 * in it still never reaches a page unescaped. */
	if (host == NULL || host[0] == '\0' || strpbrk(host, "\"'<>& /\\"))
		host = uri ? g_uri_get_host(uri) : "localhost";
	return g_strdup_printf("%s://%s", tls ? "https" : "http", host);
}

gchar *
pub_base_esc(struct web_admin *wa, SoupServerMessage *msg)
{
	gchar *b = pub_base(wa, msg);
	gchar *e = g_markup_escape_text(b, -1);

	g_free(b);
	return e;
}

/* ---- the page ---- */

struct next_slot { int64_t at; int64_t notice; gchar *title; };

static void
slot_of(int64_t schedule_id, int64_t next, void *arg)
{
	GHashTable *t = arg;

	if (next > 0)
		g_hash_table_insert(t, g_memdup2(&schedule_id, sizeof(schedule_id)),
		    g_memdup2(&next, sizeof(next)));
}

static gint
by_at(gconstpointer a, gconstpointer b)
{
	const struct next_slot *x = a, *y = b;

	return x->at < y->at ? -1 : x->at > y->at;
}

/* The next public slots in village, soonest first (at most PUB_NEXT). */
static GArray *
next_slots(struct web_admin *wa, const char *village)
{
	GArray *out = g_array_new(FALSE, FALSE, sizeof(struct next_slot));
	GHashTable *next = g_hash_table_new_full(g_int64_hash, g_int64_equal,
	    g_free, g_free);
	JsonNode *rows = api_rows(wa, DB_LIST_PUBLIC_SCHEDULES,
	    DB_ARGS(village));
	JsonArray *a = rows ? json_node_get_array(rows) : NULL;
	int64_t now = dalabad_now();

	dalabad_schedules_each(wa->d, slot_of, next);
	for (guint i = 0; a && i < json_array_get_length(a); i++) {
		JsonObject *o = json_array_get_object_element(a, i);
		int64_t sid = web_jnum(o, "id");
		const int64_t *at = g_hash_table_lookup(next, &sid);
		if (at == NULL || *at < now)
			continue;
		struct next_slot s = { *at, web_jnum(o, "notice"),
		    g_strdup(web_jstr(o, "title")) };
		g_array_append_val(out, s);
	}
	g_array_sort(out, by_at);
	while (out->len > PUB_NEXT) {
		g_free(g_array_index(out, struct next_slot, out->len - 1).title);
		g_array_remove_index(out, out->len - 1);
	}
	if (rows)
		json_node_unref(rows);
	g_hash_table_unref(next);
	return out;
}

static void
village_page(struct web_admin *wa, SoupServerMessage *msg, const char *code,
    const char *name)
{
	GPtrArray *keep = g_ptr_array_new_with_free_func(g_free);
	gchar *base = pub_base_esc(wa, msg);
	gchar *ename = g_markup_escape_text(name, -1);
	GString *g = g_string_new(NULL);
	JsonNode *rows = pub_aired(wa, code);
	JsonArray *a = rows ? json_node_get_array(rows) : NULL;
	GArray *next = next_slots(wa, code);
	char tb[200];

	g_string_append_printf(g, "<!doctype html><html lang=\"zh-CN\"><head>"
	    "<meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width="
	    "device-width,initial-scale=1\"><title>%s大喇叭</title>"
	    "<link rel=\"alternate\" type=\"application/rss+xml\" title=\"%s"
	    "大喇叭\" href=\"%s/v/%s/feed.xml\"><style>%s</style></head><body>"
	    "<header><h1>%s大喇叭</h1><div>村里的广播，错过了可以再听</div>"
	    "</header><main><h2>最近的广播</h2>", ename, ename, base, code,
	    pub_css, ename);
	if (a == NULL || json_array_get_length(a) == 0)
		g_string_append(g, "<p class=\"empty\">最近两个月还没有广播。</p>");
	for (guint i = 0; a && i < json_array_get_length(a); i++) {
		JsonObject *o = json_array_get_object_element(a, i);
		int64_t id = web_jnum(o, "id");
		const char *body = web_jstr(o, "body");
		gchar *t = g_markup_escape_text(pub_title(o, tb, sizeof(tb)), -1);
		gchar *b = g_markup_escape_text(body ? body : "", -1);
		g_string_append_printf(g, "<article id=\"n%lld\"><h3>%s</h3>"
		    "<p class=\"when\">%s 播出</p><audio controls preload=\"none\">",
		    (long long)id, t, pub_when(wa, web_jnum(o, "aired_at"), keep));
		if (pub_has_ogg(wa, web_jstr(o, "audio")))
			g_string_append_printf(g, "<source src=\"/v/%s/%lld.ogg\" "
			    "type=\"audio/ogg; codecs=opus\">", code, (long long)id);
		g_string_append_printf(g, "<source src=\"/v/%s/%lld.mp3\" type=\""
		    "audio/mpeg\"><a href=\"/v/%s/%lld.mp3\">点这里听</a></audio>",
		    code, (long long)id, code, (long long)id);
		if (b[0])
			g_string_append_printf(g, "<p class=\"text\">%s</p>", b);
		g_string_append(g, "</article>");
		pub_want_mp3(wa, o);	/* ready by the first tap on 播放 */
		g_free(t);
		g_free(b);
	}
	g_string_append(g, "<h2>接下来要播的</h2>");
	if (next->len == 0)
		g_string_append(g, "<p class=\"empty\">暂时没有安排。</p>");
	else
		g_string_append(g, "<ul>");
	for (guint i = 0; i < next->len; i++) {
		struct next_slot *s = &g_array_index(next, struct next_slot, i);
		gchar *t = g_markup_escape_text(s->title ? s->title : "村里的广播",
		    -1);
		g_string_append_printf(g, "<li>%s　%s</li>", pub_when(wa, s->at,
		    keep), t);
		g_free(t);
		g_free(s->title);
	}
	if (next->len > 0)
		g_string_append(g, "</ul>");
	g_string_append_printf(g, "<h2>在手机上订阅</h2><div class=\"feed\">"
	    "<p>复制下面的链接，粘贴到“小宇宙”或其他播客应用里订阅，村里每次广播"
	    "都会自动收到。</p><p>在外打工也能听到村里的通知。</p><p><a href=\""
	    "%s/v/%s/feed.xml\">%s/v/%s/feed.xml</a></p></div></main></body>"
	    "</html>", base, code, base, code);

	SoupMessageHeaders *h = soup_server_message_get_response_headers(msg);
	gchar *csp = pub_csp();
	soup_message_headers_replace(h, "Content-Security-Policy", csp);
	g_free(csp);
	/* By village alone: the host a request names is any IP address,
	 * so it must not grow the table (the body, and so the ETag, has it). */
	gchar *key = g_strdup_printf("page/%s", code);
	pub_answer(wa, msg, key, "text/html; charset=utf-8", g);
	g_free(key);
	g_string_free(g, TRUE);
	g_array_unref(next);
	if (rows)
		json_node_unref(rows);
	g_free(ename);
	g_free(base);
	g_ptr_array_unref(keep);
}

/* default-src 'none', the inline sheet by its hash, audio from here. */
gchar *
pub_csp(void)
{
	static gchar *hash;

	if (hash == NULL) {
		guint8 d[32];
		gsize n = sizeof(d);
		GChecksum *c = g_checksum_new(G_CHECKSUM_SHA256);
		g_checksum_update(c, (const guchar *)pub_css, strlen(pub_css));
		g_checksum_get_digest(c, d, &n);
		g_checksum_free(c);
		hash = g_base64_encode(d, n);
	}
	return g_strdup_printf("default-src 'none'; style-src 'sha256-%s'; "
	    "media-src 'self'; img-src 'self'; frame-ancestors 'none'; "
	    "base-uri 'none'; form-action 'none'", hash);
}

/* GET (and HEAD) /v/CODE, /v/CODE/feed.xml, /v/CODE/ID.mp3, .ogg. Called
 * by web.c before any session is looked at. */
void
page_public(struct web_ctx *c)
{
	struct web_admin *wa = c->wa;
	SoupServerMessage *msg = c->msg;
	SoupMessageHeaders *h = soup_server_message_get_response_headers(msg);

	/* Nothing of the cadres' pages: no cookie is ever set here. */
	soup_message_headers_remove(h, "Set-Cookie");
	if (strcmp(c->method, "GET") != 0 && strcmp(c->method, "HEAD") != 0) {
		soup_message_headers_replace(h, "Allow", "GET, HEAD");
		pub_error(msg, 405, "这里只能看和听。");
		return;
	}
	if (!pub_allowed(wa, msg))
		return;
	gchar *name = c->nparts >= 2 && c->nparts <= 3 ?
	    pub_village_name(wa, c->parts[1]) : NULL;
	if (name == NULL) {
		pub_error(msg, 404, "没有这个村的广播页。请核对门牌上的网址。");
	} else if (c->nparts == 2) {
		village_page(wa, msg, c->parts[1], name);
	} else if (strcmp(c->parts[2], "feed.xml") == 0) {
		pub_feed(wa, msg, c->parts[1], name);
	} else if (strcmp(c->parts[2], "cover.png") == 0) {
		pub_cover(wa, msg, c->parts[1], name);
	} else {
		pub_audio(wa, msg, c->parts[1], c->parts[2]);
	}
	g_free(name);
}
