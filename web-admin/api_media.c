/*
 * api_media.c — what people hear and read before anything airs: the
 * pronunciation lexicon, previews ("读法预览": the exact words eSpeak NG
 * will be given, and the rendered audio as Ogg Opus for a browser), the
 * audio a broadcast aired, and the timetable of the coming days. Rendering
 * happens on the TTS worker; the request waits (paused) meanwhile, so the
 * loop never does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include <glib/gstdio.h>

#include "web-admin/api_int.h"
#include "broadcaster/log.h"
#include "tts/tts.h"

/* ---- lexicon ------------------------------------------------------------- */

void
api_get_lexicon(struct api_req *r)
{
	JsonNode *rows = api_rows(r->wa, DB_LIST_LEXICON, DB_NO_ARGS);

	if (rows)
		api_reply(r, 200, rows);
	else
		api_error(r, 500, "database", "cannot read the lexicon");
}

static void
lexicon_changed(struct api_req *r, int status, const char *word)
{
	char err[256];

	if (dalabad_lexicon_changed(r->wa->d, err, sizeof(err)) != 0)
		dlog(LOG_ERR, "lexicon: %s", err);
	JsonObject *o = json_object_new();
	json_object_set_string_member(o, "word", word);
	api_reply(r, status, api_object(o));
}

void
api_post_lexicon(struct api_req *r)
{
	static const char *const fields[] = { "word", "pinyin", NULL };
	const char *word, *pinyin;
	char err[256];

	if (!api_need_county(r) || api_only(r, r->body, fields) ||
	    api_str(r, "word", true, 32 * 4, &word) ||
	    api_str(r, "pinyin", true, 256, &pinyin))
		return;
	if (g_utf8_strlen(word, -1) > 32) {
		r->err_field = "word";
		api_error(r, 400, "too_long", "a word is at most 32 characters");
		return;
	}
	if (!api_begin(r))
		return;
	if (db_lexicon_set(r->wa->db, word, pinyin, err, sizeof(err)) != 0) {
		api_rollback(r);
		r->err_field = "pinyin";
		api_error(r, 400, "bad_pinyin", "%s", err);
		return;
	}
	api_audit(r, "lexicon.set", "%s = %s", word, pinyin);
	if (api_commit(r) != 0)
		return;
	lexicon_changed(r, 200, word);
}

void
api_delete_lexicon(struct api_req *r)
{
	const char *word = r->query ? g_hash_table_lookup(r->query, "word") : NULL;
	char err[256];

	if (!api_need_county(r))
		return;
	if (word == NULL || !g_utf8_validate(word, -1, NULL)) {
		api_error(r, 400, "missing_field", "say which: ?word=...");
		return;
	}
	JsonNode *rows = api_rows(r->wa, DB_LIST_LEXICON_WORD,
	    DB_ARGS(word));
	bool there = rows && json_array_get_length(json_node_get_array(rows));
	if (rows)
		json_node_unref(rows);
	if (!there) {
		api_error(r, 404, "not_found", "\"%.64s\" is not in the lexicon", word);
		return;
	}
	if (!api_begin(r))
		return;
	if (db_lexicon_delete(r->wa->db, word, err, sizeof(err)) != 0) {
		api_rollback(r);
		api_error(r, 500, "database", "%s", err);
		return;
	}
	api_audit(r, "lexicon.delete", "%s", word);
	if (api_commit(r) != 0)
		return;
	lexicon_changed(r, 200, word);
}

/* ---- rendering for people --------------------------------------------------- */

enum { WANT_PREVIEW, WANT_FILE };

/* Renders asked for by people, not yet done: bounded, so a flood of
 * previews cannot hold up the renders of what is due to air. */
#define PREVIEWS_MAX 4
static int previews_pending;

/* And per user: one at a time, and an hour of audio an hour. Twelve tabs
 * of one cadre calling speak pushed a page's first audio to 2-4 s. The
 * machine's token (the server's own CLI) has only the total bound. */
#define PREVIEWS_PER_USER 1
#define PREVIEW_SECONDS_PER_HOUR 3600
/* And the disk: what one user's previews wrote today (WAV and Ogg, new
 * renders only; the render budget ages them out after a day), within
 * [storage] preview_mb_per_user. */

struct user_budget {
	int pending;
	int64_t window;		/* the hour it counts (dalabad_now / 3600) */
	int seconds;		/* of audio asked for in that hour */
	int64_t day;		/* the day it counts (dalabad_now / 86400) */
	int64_t bytes;		/* written for it that day */
};
static GHashTable *budgets;	/* user id -> struct user_budget */

static struct user_budget *
budget_of(int64_t user_id)
{
	if (budgets == NULL)
		budgets = g_hash_table_new_full(g_int64_hash, g_int64_equal,
		    g_free, g_free);
	struct user_budget *b = g_hash_table_lookup(budgets, &user_id);
	if (b == NULL) {
		int64_t *k = g_new(int64_t, 1);
		*k = user_id;
		b = g_new0(struct user_budget, 1);
		g_hash_table_insert(budgets, k, b);
	}
	return b;
}

struct pending {
	SoupServerMessage *msg;
	int want;
	int64_t user_id;
};

static void
rendered(struct render_job *job, void *arg)
{
	struct pending *p = arg;

	if (job->rc != 0) {
		api_send(p->msg, 500, api_error_node(500, "render", job->err));
	} else if (p->want == WANT_FILE) {
		api_send_file(p->msg, job->ogg, "audio/ogg");	/* unpauses */
	} else {
		JsonObject *o = json_object_new();
		const char *base = strrchr(job->ogg, '/');
		gchar *url = g_strdup_printf("/api/v1/audio/%s", base ? base + 1 :
		    job->ogg);
		json_object_set_string_member(o, "spoken", job->spoken ?
		    job->spoken : "");
		json_object_set_string_member(o, "audio", url);
		api_send(p->msg, 200, api_object(o));
		g_free(url);
	}
	if (job->rc != 0 || p->want != WANT_FILE)
		soup_server_message_unpause(p->msg);
	g_object_unref(p->msg);
	if (p->user_id > 0) {
		struct user_budget *b = budget_of(p->user_id);
		b->pending--;
		/* What this render put on the disk (a cache hit wrote nothing). */
		if (job->rc == 0 && !job->cache_hit) {
			GStatBuf sb;
			if (g_stat(job->path, &sb) == 0)
				b->bytes += sb.st_size;
			if (g_stat(job->ogg, &sb) == 0)
				b->bytes += sb.st_size;
		}
	}
	g_free(p);
	render_job_free(job);
	previews_pending--;
}

/* Hand n (owned strings) to the worker and answer when it is done. */
static void
render_for(struct api_req *r, struct db_notice *n, int want)
{
	struct render_job *job = calloc(1, sizeof(*job));
	struct pending *p = g_new0(struct pending, 1);

	if (!api_room(r)) {
		db_notice_clear(n);
		free(job);
		g_free(p);
		return;
	}
	if (previews_pending >= PREVIEWS_MAX) {
		db_notice_clear(n);
		free(job);
		g_free(p);
		api_error(r, 503, "busy", "%d previews are being made; try again in "
		    "a moment", PREVIEWS_MAX);
		return;
	}
	struct user_budget *b = r->who.user_id > 0 ?
	    budget_of(r->who.user_id) : NULL;
	int64_t hour = dalabad_now() / 3600;
	int secs = api_spoken_seconds(n->title, n->body, n->voice, n->rate,
	    n->repeat);
	if (b && b->window != hour) {
		b->window = hour;
		b->seconds = 0;
	}
	if (b && b->day != dalabad_now() / 86400) {
		b->day = dalabad_now() / 86400;
		b->bytes = 0;
	}
	if (b && b->bytes >= (int64_t)r->wa->cfg->preview_mb_user << 20) {
		db_notice_clear(n);
		free(job);
		g_free(p);
		api_error(r, 429, "preview_storage", "your previews today took "
		    "%lld MB of the server's disk, the most one user's may",
		    (long long)(b->bytes >> 20));
		return;
	}
	if (b && b->pending >= PREVIEWS_PER_USER) {
		db_notice_clear(n);
		free(job);
		g_free(p);
		if (!r->capture)
			api_retry_after(r->msg, 2);
		api_error(r, 429, "preview_busy", "your last preview is still "
		    "being made; wait for it");
		return;
	}
	if (b && b->seconds + secs > PREVIEW_SECONDS_PER_HOUR) {
		db_notice_clear(n);
		free(job);
		g_free(p);
		api_error(r, 429, "preview_budget", "previews of an hour of audio "
		    "were made this hour; try again in %lld minutes",
		    (long long)(60 - dalabad_now() % 3600 / 60));
		return;
	}
	if (r->capture) {	/* a page links to audio instead */
		db_notice_clear(n);
		free(job);
		g_free(p);
		api_error(r, 500, "internal", "rendering is not for pages");
		return;
	}
	job->notice = *n;
	job->want_ogg = true;
	job->want_spoken = want == WANT_PREVIEW;
	job->done = rendered;
	job->arg = p;
	p->msg = g_object_ref(r->msg);
	p->want = want;
	p->user_id = r->who.user_id;
	if (b) {
		b->pending++;
		b->seconds += secs;
	}
	soup_server_message_pause(r->msg);
	r->paused = true;
	previews_pending++;
	dalabad_render(r->wa->d, job);
}

/* POST preview {"body", "title", "voice", "rate", "repeat", "chime"} ->
 * {"spoken": the words read, "audio": URL of the Ogg Opus}. */
void
api_post_preview(struct api_req *r)
{
	static const char *const fields[] = { "title", "body", "voice", "rate",
	    "repeat", "chime", NULL };
	const char *title, *body, *voice;
	int rate, repeat;
	bool chime;

	if (api_only(r, r->body, fields) ||
	    api_str(r, "title", false, 1024, &title) ||
	    api_str(r, "body", true, 4096, &body) ||
	    api_str(r, "voice", false, 32, &voice) ||
	    api_int(r, "rate", 80, 450, TTS_DEFAULT_RATE, &rate) ||
	    api_int(r, "repeat", 1, 10, 1, &repeat) ||
	    api_bool(r, "chime", true, &chime))
		return;
	const struct tts_voice *v = tts_voice_find(voice ? voice : "mandarin");
	if (v == NULL) {
		r->err_field = "voice";
		api_error(r, 400, "bad_voice", "unknown voice \"%s\"", voice);
		return;
	}
	char err[256];
	char *spoken = tts_spoken_text(body, strlen(body), v, NULL, err,
	    sizeof(err));
	if (spoken == NULL) {
		r->err_field = "body";
		api_error(r, 400, "bad_text", "\"body\": %s", err);
		return;
	}
	free(spoken);
	if (!api_spoken_fits(r, title, body, v->name, rate, repeat))
		return;
	struct db_notice n = { .title = title && *title ? strdup(title) : NULL,
	    .body = strdup(body), .voice = strdup(v->name), .repeat = repeat,
	    .chime = chime, .rate = rate, .zone = strdup("") };
	render_for(r, &n, WANT_PREVIEW);
}

void
api_get_notice_audio(struct api_req *r)
{
	int64_t id;
	struct db_notice n;
	bool cancelled;

	if (api_path_id(r, &id) != 0 || !api_notice_allowed(r, id, false))
		return;
	if (db_notice_get(r->wa->db, id, &n, &cancelled) != 1) {
		api_error(r, 404, "not_found", "no notice %lld", (long long)id);
		return;
	}
	/* A news notice previews its own text; the news is read at air time. */
	free((void *)(uintptr_t)n.feed);
	n.feed = NULL;
	render_for(r, &n, WANT_FILE);
}

/* GET speak?text=...[&voice=&rate=]: any short text as Ogg Opus, no
 * chime, for trying out a pronunciation. */
void
api_get_speak(struct api_req *r)
{
	const char *text = r->query ? g_hash_table_lookup(r->query, "text") : NULL;
	const char *voice = r->query ? g_hash_table_lookup(r->query, "voice") :
	    NULL;
	const char *rs = r->query ? g_hash_table_lookup(r->query, "rate") : NULL;
	int rate = rs ? atoi(rs) : TTS_DEFAULT_RATE;
	char err[256];

	if (text == NULL || !*text || strlen(text) > 600 ||
	    !g_utf8_validate(text, -1, NULL)) {
		api_error(r, 400, "bad_field", "\"text\" is 1 to 600 bytes of UTF-8");
		return;
	}
	const struct tts_voice *v = tts_voice_find(voice ? voice : "mandarin");
	if (v == NULL || rate < 80 || rate > 450) {
		api_error(r, 400, "bad_field", "unknown voice or rate out of range");
		return;
	}
	char *sp = tts_spoken_text(text, strlen(text), v, NULL, err, sizeof(err));
	if (sp == NULL) {
		api_error(r, 400, "bad_text", "%s", err);
		return;
	}
	free(sp);
	struct db_notice n = { .body = strdup(text), .voice = strdup(v->name),
	    .repeat = 1, .chime = 0, .rate = rate, .zone = strdup("") };
	render_for(r, &n, WANT_FILE);
}

/* GET audio/KEY.ogg: a preview rendered before (names are content hashes). */
void
api_get_cached_audio(struct api_req *r)
{
	const char *name = r->parts[1];
	size_t n = strlen(name);

	if (n != 68 || strcmp(name + 64, ".ogg") != 0 ||
	    strspn(name, "0123456789abcdef") != 64) {
		api_error(r, 404, "not_found", "no such audio");
		return;
	}
	gchar *path = g_build_filename(r->wa->cfg->state_dir, "render", name, NULL);
	if (g_file_test(path, G_FILE_TEST_IS_REGULAR) && !r->capture) {
		api_send_file(r->msg, path, "audio/ogg");
		r->answered = true;
	} else {
		api_error(r, 404, "not_found", "no such audio (render it first)");
	}
	g_free(path);
}

/* GET broadcasts/ID/audio: the WAV a broadcast aired. */
void
api_get_broadcast_audio(struct api_req *r)
{
	int64_t id;

	if (api_path_id(r, &id) != 0)
		return;
	JsonNode *rows = api_rows(r->wa, DB_LIST_BROADCAST_AUDIO,
	    DB_ARGS(id));
	JsonArray *a = rows ? json_node_get_array(rows) : NULL;
	JsonObject *o = a && json_array_get_length(a) == 1 ?
	    json_array_get_object_element(a, 0) : NULL;
	const char *audio = o ? json_object_get_string_member(o, "audio") : NULL;
	if (!api_zone_allowed(r, o ? json_object_get_string_member(o, "zone") :
	    NULL, "broadcast", id, false)) {
		/* answered */
	} else if (audio == NULL || strchr(audio, '/') || audio[0] == '.') {
		api_error(r, 404, "no_audio", "broadcast %lld never went on air",
		    (long long)id);
	} else {
		/* The WAV while it is still kept (it aired a moment ago),
		 * else the archive's Ogg Opus copy. */
		gchar *path = g_build_filename(r->wa->cfg->state_dir, "render", audio,
		    NULL);
		bool wav = g_file_test(path, G_FILE_TEST_IS_REGULAR);
		if (!wav && strlen(path) > 4)
			strcpy(path + strlen(path) - 4, ".ogg");
		if (!r->capture && (wav || g_file_test(path,
		    G_FILE_TEST_IS_REGULAR))) {
			api_send_file(r->msg, path, wav ? "audio/wav" : "audio/ogg");
			SoupMessageHeaders *h =
			    soup_server_message_get_response_headers(r->msg);
			gchar *cd = g_strdup_printf("attachment; filename=\"broadcast-"
			    "%lld.%s\"", (long long)id, wav ? "wav" : "ogg");
			soup_message_headers_replace(h, "Content-Disposition", cd);
			g_free(cd);
			r->answered = true;
		} else {
			api_error(r, 410, "gone", "the audio of broadcast %lld is no "
			    "longer kept", (long long)id);
		}
		g_free(path);
	}
	if (rows)
		json_node_unref(rows);
}

/* ---- timetable ------------------------------------------------------------------ */

struct tt_collect {
	GArray *scheds;		/* struct db_schedule */
};

static void
collect(const struct db_schedule *s, void *arg)
{
	g_array_append_val(((struct tt_collect *)arg)->scheds, *s);
}

static gint
by_time(gconstpointer a, gconstpointer b)
{
	int64_t x = json_object_get_int_member(*(JsonObject *const *)a, "at");
	int64_t y = json_object_get_int_member(*(JsonObject *const *)b, "at");

	return x < y ? -1 : x > y;
}

/* GET timetable?days=N&zone=Z: every slot from now over the next N days
 * (1-14, default 7) of the schedules the caller can see. */
void
api_get_timetable(struct api_req *r)
{
	const char *ds = r->query ? g_hash_table_lookup(r->query, "days") : NULL;
	const char *zf = r->query ? g_hash_table_lookup(r->query, "zone") : NULL;
	int days = ds ? atoi(ds) : 7;
	int64_t now = dalabad_now(), until;
	struct tt_collect c = { g_array_new(FALSE, FALSE,
	    sizeof(struct db_schedule)) };
	GPtrArray *slots = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)json_object_unref);

	if (days < 1 || days > 14) {
		api_error(r, 400, "out_of_range", "\"days\" is 1 to 14");
		goto done;
	}
	if (zf && !api_zone_code_ok(zf)) {
		api_error(r, 400, "bad_zone", "\"zone\" is a division code");
		goto done;
	}
	until = now + (int64_t)days * 86400;
	/* The notices the caller sees (and the filter picks), read once. */
	JsonNode *rows = api_rows(r->wa, DB_LIST_TIMETABLE_NOTICES, DB_ARGS(r->who.zone, zf ? zf : ""));
	if (rows == NULL) {
		api_error(r, 500, "database", "cannot read notices");
		goto done;
	}
	GHashTable *notices = g_hash_table_new_full(g_int64_hash, g_int64_equal,
	    g_free, NULL);
	JsonArray *na = json_node_get_array(rows);
	for (guint i = 0; i < json_array_get_length(na); i++) {
		JsonObject *n = json_array_get_object_element(na, i);
		gint64 id = json_object_get_int_member(n, "id");
		g_hash_table_insert(notices, g_memdup2(&id, sizeof(id)), n);
	}
	db_schedule_each(r->wa->db, collect, &c);
	for (guint i = 0; i < c.scheds->len; i++) {
		struct db_schedule *s = &g_array_index(c.scheds, struct db_schedule, i);
		JsonObject *n = g_hash_table_lookup(notices, &s->notice_id);
		for (int64_t t = now - 1, k = 0; n && k < 200; k++) {
			t = tt_next(&s->rule, dalabad_tz(r->wa->d), t);
			if (t < 0 || t > until)
				break;
			JsonObject *x = json_object_new();
			json_object_set_int_member(x, "at", t);
			json_object_set_int_member(x, "schedule", s->id);
			json_object_set_int_member(x, "notice", s->notice_id);
			json_object_set_string_member(x, "title",
			    json_object_get_string_member(n, "title"));
			json_object_set_string_member(x, "zone",
			    json_object_get_string_member(n, "zone"));
			json_object_set_string_member(x, "class",
			    json_object_get_string_member(n, "class"));
			g_ptr_array_add(slots, x);
		}
	}
	g_hash_table_unref(notices);
	json_node_unref(rows);
	g_ptr_array_sort(slots, by_time);
	JsonArray *out = json_array_new();
	for (guint i = 0; i < slots->len; i++)
		json_array_add_object_element(out,
		    json_object_ref(g_ptr_array_index(slots, i)));
	JsonNode *node = json_node_new(JSON_NODE_ARRAY);
	json_node_take_array(node, out);
	api_reply(r, 200, node);
done:
	g_ptr_array_free(slots, TRUE);
	g_array_free(c.scheds, TRUE);
}

