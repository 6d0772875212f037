/*
 * public_feed.c — listening again: a village's podcast feed (RSS 2.0 with
 * the iTunes tags podcast apps read) and the audio of what aired there.
 *
 * Browsers play the archive's Ogg Opus; podcast apps want MP3 (Apple's
 * and many Android ones play nothing else), so each aired render gets an
 * MP3 copy beside it, KEY.mp3, made once from the WAV while it is kept,
 * else from the Ogg archive, on the daemon's slow-work pool (never on the
 * loop), the first time a page, feed or player asks. A feed names each
 * episode's exact length in bytes, so it waits (paused, a few seconds at
 * most) for the copies it lists; an episode still not made is left out
 * and is in the next fetch.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "broadcaster/log.h"
#include "tts/tts.h"
#include "web-admin/api_int.h"
#include "web-admin/public.h"
#include "web-admin/web_int.h"

#define FEED_WAIT_S 20		/* a feed waits this long for its MP3s */
#define RETRY_S 300		/* a failed copy is tried again after this */
#define AUDIO_MAX_AGE 86400	/* what aired does not change */

/* One aired render's MP3 copy, by the render's key (its name less .wav). */
struct mp3 {
	gchar *key;
	int64_t frames;		/* of audio; -1 not known yet */
	bool busy;		/* being made (or measured) on the pool */
	int64_t failed_at;	/* the last try failed then; 0 it did not */
	GPtrArray *waiters;	/* struct waiter: audio requests */
};

struct waiter {
	SoupServerMessage *msg;
	struct web_admin *wa;
	gchar *village, *name;	/* a feed's */
	gchar *file;		/* an audio request's "ID.mp3" */
	int64_t deadline;	/* monotonic us */
};

static GHashTable *mp3s;	/* key -> struct mp3 */
static GPtrArray *feed_waiters;	/* struct waiter */

static void
waiter_free(struct waiter *w)
{
	g_object_unref(w->msg);
	g_free(w->village);
	g_free(w->name);
	g_free(w->file);
	g_free(w);
}

/* STATE_DIR/render/KEY.ext; g_free it. */
static gchar *
render_path(struct web_admin *wa, const char *key, const char *ext)
{
	gchar *f = g_strconcat(key, ext, NULL);
	gchar *p = g_build_filename(wa->cfg->state_dir, "render", f, NULL);

	g_free(f);
	return p;
}

/* The render key of a broadcast's audio ("KEY.wav"); NULL if it is not
 * one (never a path). g_free it. */
static gchar *
audio_key(const char *audio)
{
	size_t n = audio ? strlen(audio) : 0;

	if (n < 5 || strcmp(audio + n - 4, ".wav") != 0 || strchr(audio, '/') ||
	    audio[0] == '.')
		return NULL;
	return g_strndup(audio, n - 4);
}

bool
pub_has_ogg(struct web_admin *wa, const char *audio)
{
	gchar *key = audio_key(audio);
	gchar *p = key ? render_path(wa, key, ".ogg") : NULL;
	bool ok = p && g_file_test(p, G_FILE_TEST_IS_REGULAR);

	g_free(p);
	g_free(key);
	return ok;
}

static void converted(struct render_job *job, void *arg);

/* The copy of key, started (made or measured) if need be. */
static struct mp3 *
mp3_of(struct web_admin *wa, const char *key, const char *title)
{
	if (mp3s == NULL)
		mp3s = g_hash_table_new(g_str_hash, g_str_equal);
	struct mp3 *m = g_hash_table_lookup(mp3s, key);
	if (m == NULL) {
		m = g_new0(struct mp3, 1);
		m->key = g_strdup(key);
		m->frames = -1;
		m->waiters = g_ptr_array_new();
		g_hash_table_insert(mp3s, m->key, m);
	}
	if (m->busy || (m->failed_at && dalabad_now() - m->failed_at < RETRY_S))
		return m;
	gchar *dst = render_path(wa, key, ".mp3");
	if (m->frames >= 0 && g_file_test(dst, G_FILE_TEST_IS_REGULAR)) {
		g_free(dst);
		return m;
	}
	m->frames = -1;		/* never made, or swept since */
	gchar *wav = render_path(wa, key, ".wav");
	gchar *ogg = render_path(wa, key, ".ogg");
	const char *src = g_file_test(wav, G_FILE_TEST_IS_REGULAR) ? wav :
	    g_file_test(ogg, G_FILE_TEST_IS_REGULAR) ? ogg : NULL;
	if (src == NULL) {
		m->failed_at = dalabad_now();	/* no longer kept */
	} else if (dalabad_convert(wa->d, src, dst, title, converted,
	    g_strdup(key)) == 0) {
		m->busy = true;
	}
	g_free(dst);
	g_free(ogg);
	g_free(wav);
	return m;
}

void
pub_want_mp3(struct web_admin *wa, JsonObject *o)
{
	gchar *key = audio_key(web_jstr(o, "audio"));
	char tb[200];

	if (key)
		mp3_of(wa, key, pub_title(o, tb, sizeof(tb)));
	g_free(key);
}

/* ---- sending a file ---- */

/* The file at path (type), cacheable for a day, HEAD answered from its
 * size; 404 in Chinese if it is not there. true: sent by api_send_file,
 * which unpauses msg itself as it reads. */
static bool
send_audio(SoupServerMessage *msg, const char *path, const char *type)
{
	SoupMessageHeaders *rq = soup_server_message_get_request_headers(msg);
	SoupMessageHeaders *h = soup_server_message_get_response_headers(msg);
	GStatBuf sb;

	bool streamed = false;

	if (g_stat(path, &sb) != 0) {
		pub_error(msg, 404, "这条广播的录音已经不在了。");
		return false;
	}
	gchar *etag = g_strdup_printf("\"%llx-%llx\"", (unsigned long long)
	    sb.st_size, (unsigned long long)sb.st_mtime);
	pub_cache_headers(msg, etag, (int64_t)sb.st_mtime, AUDIO_MAX_AGE);
	if (pub_not_modified(rq, etag, (int64_t)sb.st_mtime)) {
		soup_server_message_set_status(msg, 304, NULL);
	} else if (strcmp(soup_server_message_get_method(msg), "HEAD") == 0) {
		soup_server_message_set_status(msg, 200, NULL);
		soup_message_headers_set_content_type(h, type, NULL);
		soup_message_headers_replace(h, "Accept-Ranges", "bytes");
		soup_message_headers_set_content_length(h, sb.st_size);
	} else {
		api_send_file(msg, path, type);	/* Range, in chunks, paced */
		streamed = true;
		gchar *cc = g_strdup_printf("public, max-age=%d", AUDIO_MAX_AGE);
		soup_message_headers_replace(h, "Cache-Control", cc);
		g_free(cc);
	}
	g_free(etag);
	return streamed;
}

/* The MP3 of m, made: send it; as send_audio. */
static bool
send_mp3(struct web_admin *wa, SoupServerMessage *msg, struct mp3 *m)
{
	gchar *p = render_path(wa, m->key, ".mp3");
	bool streamed = false;

	if (m->frames < 0)
		pub_error(msg, 404, "这条广播的录音已经不在了。");
	else
		streamed = send_audio(msg, p, "audio/mpeg");
	g_free(p);
	return streamed;
}

/* Each feed waiting looks again (and waits on, if a copy it lists is
 * not made yet and its time is not up). */
static void
rerun_feeds(void)
{
	GPtrArray *fw = feed_waiters;

	feed_waiters = NULL;
	for (guint i = 0; fw && i < fw->len; i++) {
		struct waiter *w = g_ptr_array_index(fw, i);
		pub_feed(w->wa, w->msg, w->village, w->name);
		waiter_free(w);
	}
	if (fw)
		g_ptr_array_unref(fw);
}

/* A feed's time is up even if no copy finished meanwhile. */
static gboolean
feed_deadline(gpointer data)
{
	(void)data;
	rerun_feeds();
	return G_SOURCE_REMOVE;
}

static void
converted(struct render_job *job, void *arg)
{
	gchar *key = arg;
	struct mp3 *m = mp3s ? g_hash_table_lookup(mp3s, key) : NULL;

	if (m) {
		m->busy = false;
		if (job->rc == 0) {
			m->frames = job->frames;
			m->failed_at = 0;
		} else {
			dlog(LOG_WARNING, "listen: the MP3 of %s: %s", key, job->err);
			m->failed_at = dalabad_now();
		}
		GPtrArray *ws = m->waiters;
		m->waiters = g_ptr_array_new();
		for (guint i = 0; i < ws->len; i++) {
			struct waiter *w = g_ptr_array_index(ws, i);
			if (!send_mp3(w->wa, w->msg, m))
				soup_server_message_unpause(w->msg);
			waiter_free(w);
		}
		g_ptr_array_unref(ws);
	}
	rerun_feeds();
	g_free(key);
	render_job_free(job);
}

/* ---- audio ---- */

void
pub_audio(struct web_admin *wa, SoupServerMessage *msg, const char *village,
    const char *file)
{
	char *end;
	long long id = strtoll(file, &end, 10);
	bool mp3 = strcmp(end, ".mp3") == 0, ogg = strcmp(end, ".ogg") == 0;

	if (end == file || file[0] == '0' || file[0] == '-' || id <= 0 ||
	    (!mp3 && !ogg)) {
		pub_error(msg, 404, "没有这条广播。");
		return;
	}
	JsonNode *rows = api_rows(wa, DB_LIST_PUBLIC_NOTICE,
	    DB_ARGS(village, (int64_t)id));
	JsonArray *a = rows ? json_node_get_array(rows) : NULL;
	JsonObject *o = a && json_array_get_length(a) == 1 ?
	    json_array_get_object_element(a, 0) : NULL;
	gchar *key = o ? audio_key(web_jstr(o, "audio")) : NULL;
	char tb[200];

	if (key == NULL) {
		/* Private, a page's, another village's, or none: the same. */
		pub_error(msg, 404, "没有这条广播。");
	} else if (ogg) {
		gchar *p = render_path(wa, key, ".ogg");
		send_audio(msg, p, "audio/ogg");
		g_free(p);
	} else {
		struct mp3 *m = mp3_of(wa, key, pub_title(o, tb, sizeof(tb)));
		if (!m->busy) {
			send_mp3(wa, msg, m);
		} else {
			struct waiter *w = g_new0(struct waiter, 1);
			w->msg = g_object_ref(msg);
			w->wa = wa;
			g_ptr_array_add(m->waiters, w);
			soup_server_message_pause(msg);
		}
	}
	g_free(key);
	if (rows)
		json_node_unref(rows);
}

/* ---- the cover ---- */

#define COVERS_KEPT 32		/* villages' covers kept drawn */

/* Drawn once per village and name (off the loop: plates.c), then kept;
 * the table is emptied when it holds COVERS_KEPT. */
static GHashTable *covers;	/* "CODE\nname" -> GByteArray */

struct cover_req {
	SoupServerMessage *msg;
	struct web_admin *wa;
	gchar *key;
};

static void
cover_send(struct web_admin *wa, SoupServerMessage *msg, const char *key,
    GByteArray *png)
{
	GString *body = g_string_new_len((const char *)png->data, png->len);
	gchar *ck = g_strdup_printf("cover/%.12s", key);

	pub_answer(wa, msg, ck, "image/png", body);
	g_free(ck);
	g_string_free(body, TRUE);
}

static void
cover_drawn(GByteArray *png, void *arg)
{
	struct cover_req *r = arg;

	if (png == NULL) {
		pub_error(r->msg, 500, "封面没能画出来。");
	} else {
		if (g_hash_table_size(covers) >= COVERS_KEPT)
			g_hash_table_remove_all(covers);
		g_hash_table_replace(covers, g_strdup(r->key),
		    g_byte_array_ref(png));
		cover_send(r->wa, r->msg, r->key, png);
	}
	soup_server_message_unpause(r->msg);
	g_object_unref(r->msg);
	g_free(r->key);
	g_free(r);
}

void
pub_cover(struct web_admin *wa, SoupServerMessage *msg, const char *village,
    const char *name)
{
	gchar *key = g_strdup_printf("%s\n%s", village, name);

	if (covers == NULL)
		covers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
		    (GDestroyNotify)g_byte_array_unref);
	GByteArray *png = g_hash_table_lookup(covers, key);
	if (png) {
		cover_send(wa, msg, key, png);
		g_free(key);
		return;
	}
	struct cover_req *r = g_new0(struct cover_req, 1);
	r->msg = g_object_ref(msg);
	r->wa = wa;
	r->key = key;
	if (pub_draw(PUB_COVER, name, NULL, cover_drawn, r)) {
		soup_server_message_pause(msg);
		return;
	}
	g_object_unref(r->msg);
	g_free(r->key);
	g_free(r);
	api_retry_after(msg, 2);
	pub_error(msg, 503, "请过几秒再试。");
}

/* ---- the feed ---- */

static void
xml_el(GString *g, const char *name, const char *text)
{
	gchar *e = g_markup_escape_text(text ? text : "", -1);

	g_string_append_printf(g, "<%s>%s</%s>", name, e, name);
	g_free(e);
}

/* RFC 822 (as RSS 2.0 has it), in UTC, in English whatever the locale. */
static void
rfc822(GString *g, int64_t t)
{
	static const char *const days[] = { "Mon", "Tue", "Wed", "Thu", "Fri",
	    "Sat", "Sun" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	GDateTime *u = g_date_time_new_from_unix_utc(t);

	if (u == NULL)
		return;
	g_string_append_printf(g, "%s, %02d %s %04d %02d:%02d:%02d +0000",
	    days[g_date_time_get_day_of_week(u) - 1],
	    g_date_time_get_day_of_month(u), months[g_date_time_get_month(u) - 1],
	    g_date_time_get_year(u), g_date_time_get_hour(u),
	    g_date_time_get_minute(u), g_date_time_get_second(u));
	g_date_time_unref(u);
}

/* Wait for the copies under way (at most until deadline: 0 now + the
 * wait); false: answer now, with what there is. */
static bool
feed_wait(struct web_admin *wa, SoupServerMessage *msg, const char *village,
    const char *name)
{
	int64_t now = g_get_monotonic_time();
	int64_t *dl = g_object_get_data(G_OBJECT(msg), "dalaba-feed-deadline");

	if (dl == NULL) {
		dl = g_new(int64_t, 1);
		*dl = now + FEED_WAIT_S * G_USEC_PER_SEC;
		g_object_set_data_full(G_OBJECT(msg), "dalaba-feed-deadline", dl,
		    g_free);
		soup_server_message_pause(msg);
		g_timeout_add_seconds(FEED_WAIT_S + 1, feed_deadline, NULL);
	} else if (now > *dl) {
		return false;
	}
	struct waiter *w = g_new0(struct waiter, 1);
	w->msg = g_object_ref(msg);
	w->wa = wa;
	w->village = g_strdup(village);
	w->name = g_strdup(name);
	if (feed_waiters == NULL)
		feed_waiters = g_ptr_array_new();
	g_ptr_array_add(feed_waiters, w);
	return true;
}

void
pub_feed(struct web_admin *wa, SoupServerMessage *msg, const char *village,
    const char *name)
{
	JsonNode *rows = pub_aired(wa, village);
	JsonArray *a = rows ? json_node_get_array(rows) : NULL;
	bool waiting = false, paused = g_object_get_data(G_OBJECT(msg),
	    "dalaba-feed-deadline") != NULL;
	char tb[200];

	/* Every listed notice's MP3, made or under way. */
	for (guint i = 0; a && i < json_array_get_length(a); i++) {
		JsonObject *o = json_array_get_object_element(a, i);
		gchar *key = audio_key(web_jstr(o, "audio"));
		if (key && mp3_of(wa, key, pub_title(o, tb, sizeof(tb)))->busy)
			waiting = true;
		g_free(key);
	}
	if (waiting && feed_wait(wa, msg, village, name)) {
		if (rows)
			json_node_unref(rows);
		return;
	}

	gchar *base = pub_base_esc(wa, msg);
	gchar *title = g_strdup_printf("%s大喇叭", name);
	gchar *link = g_strdup_printf("%s/v/%s", base, village);
	GString *g = g_string_new("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<rss version=\"2.0\" xmlns:itunes=\"http://www.itunes.com/dtds/"
	    "podcast-1.0.dtd\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n"
	    "<channel>\n");
	xml_el(g, "title", title);
	g_string_append_printf(g, "<link>%s</link>", link);	/* escaped */
	g_string_append_printf(g, "\n<atom:link href=\"%s/feed.xml\" rel=\""
	    "self\" type=\"application/rss+xml\"/>\n", link);
	gchar *desc = g_strdup_printf("%s的村广播：村里的通知和提醒，错过了可以"
	    "再听。", name);
	xml_el(g, "description", desc);
	g_string_append(g, "\n<language>zh-cn</language>\n");
	xml_el(g, "itunes:author", title);
	g_string_append(g, "\n<itunes:summary>");
	gchar *e = g_markup_escape_text(desc, -1);
	g_string_append_printf(g, "%s</itunes:summary>\n<itunes:category text="
	    "\"Government\"/>\n<itunes:explicit>false</itunes:explicit>\n"
	    "<itunes:type>episodic</itunes:type>\n<itunes:image href=\"%s/"
	    "cover.png\"/>\n<image><url>%s/cover.png</url>", e, link, link);
	xml_el(g, "title", title);
	g_string_append_printf(g, "<link>%s</link></image>\n", link);
	g_free(e);
	if (a && json_array_get_length(a) > 0) {
		g_string_append(g, "<pubDate>");
		rfc822(g, web_jnum(json_array_get_object_element(a, 0),
		    "aired_at"));
		g_string_append(g, "</pubDate>\n");
	}
	for (guint i = 0; a && i < json_array_get_length(a); i++) {
		JsonObject *o = json_array_get_object_element(a, i);
		gchar *key = audio_key(web_jstr(o, "audio"));
		struct mp3 *m = key ? g_hash_table_lookup(mp3s, key) : NULL;
		gchar *p = key ? render_path(wa, key, ".mp3") : NULL;
		GStatBuf sb;
		int64_t id = web_jnum(o, "id");
		if (m == NULL || m->frames < 0 || g_stat(p, &sb) != 0) {
			g_free(p);
			g_free(key);
			continue;	/* not made (yet): the next fetch has it */
		}
		int64_t s = (m->frames + TTS_OUTPUT_RATE / 2) / TTS_OUTPUT_RATE;
		const char *body = web_jstr(o, "body");
		g_string_append(g, "<item>\n");
		xml_el(g, "title", pub_title(o, tb, sizeof(tb)));
		xml_el(g, "description", body && body[0] ? body :
		    pub_title(o, tb, sizeof(tb)));
		g_string_append_printf(g, "\n<link>%s#n%lld</link>\n<guid "
		    "isPermaLink=\"false\">dalaba:%s:%lld</guid>\n<pubDate>", link,
		    (long long)id, village, (long long)id);
		rfc822(g, web_jnum(o, "aired_at"));
		g_string_append_printf(g, "</pubDate>\n<enclosure url=\"%s/%lld.mp3\" "
		    "length=\"%lld\" type=\"audio/mpeg\"/>\n<itunes:duration>"
		    "%02lld:%02lld:%02lld</itunes:duration>\n</item>\n", link,
		    (long long)id, (long long)sb.st_size, (long long)(s / 3600),
		    (long long)(s / 60 % 60), (long long)(s % 60));
		g_free(p);
		g_free(key);
	}
	g_string_append(g, "</channel>\n</rss>\n");
	gchar *ckey = g_strdup_printf("feed/%s", village);	/* as the page's */
	pub_answer(wa, msg, ckey, "application/rss+xml; charset=utf-8", g);
	if (paused)
		soup_server_message_unpause(msg);
	g_free(ckey);
	g_string_free(g, TRUE);
	g_free(desc);
	g_free(link);
	g_free(title);
	g_free(base);
	if (rows)
		json_node_unref(rows);
}
