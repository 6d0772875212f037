/*
 * api_recordings.c — recordings a cadre brings for a voice notice, by the
 * API (POST /api/v1/recordings, the file as the body) or by the page's
 * form (POST /recordings, multipart: page_record.c). The file is decoded,
 * trimmed, normalised and archived on dalabad's import thread while the
 * request waits, paused; then its row is stored and audited, and the
 * answer is its key, which a notice names as "recording". A file that
 * does not import leaves nothing behind: no row, no archive.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <sodium.h>

#include "web-admin/api_int.h"
#include "broadcaster/log.h"
#include "tts/tts.h"

/* A request waiting on its import. */
struct upload {
	struct web_admin *wa;
	SoupServerMessage *msg;		/* a reference */
	bool page;			/* answer with a redirect, not JSON */
	bool for_alert;			/* the page goes on to an alert's form */
	int64_t user_id;
	char zone[13];
	char source[96];
	char key[DB_RECORDING_KEY_LEN + 1];
	size_t bytes;
	struct import_job *job;		/* the pool's; its arg is this */
};

/* Whoever asked is gone (the client hung up, or dalabad is stopping and
 * its listeners with it): the import goes on, but its archive is removed
 * when it ends (imported, arg NULL), and nothing here is touched again. */
static void
abandon(struct upload *u)
{
	g_signal_handlers_disconnect_by_data(u->msg, u);
	u->job->arg = NULL;
	g_hash_table_remove(u->wa->uploads, u);
	g_object_unref(u->msg);
	g_free(u);
}

static void
client_gone(SoupServerMessage *msg, gpointer data)
{
	(void)msg;
	abandon(data);
}

void
api_recordings_stop(struct web_admin *wa)
{
	GHashTableIter it;
	gpointer u;

	if (wa->uploads == NULL)
		return;
	while (g_hash_table_iter_init(&it, wa->uploads),
	    g_hash_table_iter_next(&it, &u, NULL))
		abandon(u);
	g_hash_table_unref(wa->uploads);
	wa->uploads = NULL;
}

/* The HTTP status for a refusal: the file's fault (4xx), or ours. */
static int
status_of(enum tts_recording_error e)
{
	switch (e) {
	case TTS_REC_TOO_BIG:
		return 413;
	case TTS_REC_NOT_AUDIO:
		return 415;
	case TTS_REC_TOO_LONG:
	case TTS_REC_CORRUPT:
	case TTS_REC_SILENT:
	case TTS_REC_TOO_SLOW:
		return 422;
	case TTS_REC_CANCELLED:
		return 503;
	case TTS_REC_IO:
	case TTS_REC_OK:
		break;
	}
	return 500;
}

static const char *
code_of(enum tts_recording_error e)
{
	static const char *const codes[] = { [TTS_REC_OK] = "ok",
	    [TTS_REC_TOO_BIG] = "too_large", [TTS_REC_TOO_LONG] = "too_long",
	    [TTS_REC_NOT_AUDIO] = "not_audio", [TTS_REC_CORRUPT] = "corrupt",
	    [TTS_REC_SILENT] = "silent", [TTS_REC_TOO_SLOW] = "too_slow",
	    [TTS_REC_IO] = "storage", [TTS_REC_CANCELLED] = "cancelled" };

	return (size_t)e < G_N_ELEMENTS(codes) && codes[e] ? codes[e] :
	    "storage";
}

/* The row and its audit entry, one transaction. */
static int
keep(struct upload *u, const struct import_job *job, char *err, size_t n)
{
	struct db_recording rec = { .created_by = u->user_id,
	    .created_at = dalabad_now(), .bytes = (int64_t)u->bytes,
	    .ms = (int64_t)(job->info.seconds * 1000 + 0.5) };
	char detail[256];

	snprintf(rec.key, sizeof(rec.key), "%s", u->key);
	snprintf(rec.zone, sizeof(rec.zone), "%s", u->zone);
	snprintf(rec.format, sizeof(rec.format), "%s", job->info.format);
	snprintf(rec.codec, sizeof(rec.codec), "%s", job->info.codec);
	if (rec.ms <= 0)
		rec.ms = 1;
	snprintf(detail, sizeof(detail), "录音 %s，%.1f 秒（%s/%s，%zu 字节）",
	    u->key, job->info.seconds, rec.format, rec.codec, u->bytes);
	if (db_begin(u->wa->db) != 0) {
		snprintf(err, n, "the store is busy");
		return -1;
	}
	if (db_recording_add(u->wa->db, &rec, err, n) != 0 ||
	    db_audit(u->wa->db, u->user_id, u->source, u->zone,
	    "recording.add", detail) != 0 || db_commit(u->wa->db) != 0) {
		db_rollback(u->wa->db);
		if (!*err)
			snprintf(err, n, "the store refused it");
		return -1;
	}
	return 0;
}

static void
answer(struct upload *u, const struct import_job *job, enum tts_recording_error rc,
    const char *err)
{
	if (u->page) {
		char to[128];
		if (rc == TTS_REC_OK)
			snprintf(to, sizeof(to), "%s?recording=%s", u->for_alert ?
			    "/pages/new" : "/notices/new", u->key);
		else
			snprintf(to, sizeof(to), "/notices/new/voice?err=%s%s",
			    code_of(rc), u->for_alert ? "&for=page" : "");
		soup_server_message_set_redirect(u->msg, 303, to);
		return;
	}
	if (rc != TTS_REC_OK) {
		JsonNode *e = api_error_node(status_of(rc), code_of(rc), err);
		JsonObject *eo = json_object_get_object_member(
		    json_node_get_object(e), "error");
		json_object_set_string_member(eo, "message_zh",
		    tts_recording_error_zh(rc));
		api_send(u->msg, status_of(rc), e);
		return;
	}
	JsonObject *o = json_object_new();
	json_object_set_string_member(o, "recording", u->key);
	json_object_set_string_member(o, "zone", u->zone);
	json_object_set_double_member(o, "seconds", job->info.seconds);
	json_object_set_double_member(o, "seconds_brought", job->info.in_seconds);
	json_object_set_string_member(o, "format", job->info.format);
	json_object_set_string_member(o, "codec", job->info.codec);
	json_object_set_double_member(o, "lufs_brought", job->info.lufs_in);
	json_object_set_double_member(o, "lufs", job->info.lufs);
	api_send(u->msg, 201, api_object(o));
}

static void
imported(struct import_job *job, void *arg)
{
	struct upload *u = arg;
	enum tts_recording_error rc = job->rc;
	char err[256];

	if (u == NULL) {
		g_unlink(job->path);
		dlog(LOG_INFO, "recording dropped: whoever brought it went away");
		import_job_free(job);
		return;
	}
	g_signal_handlers_disconnect_by_data(u->msg, u);
	g_hash_table_remove(u->wa->uploads, u);
	snprintf(err, sizeof(err), "%s", job->err);
	if (rc == TTS_REC_OK) {
		err[0] = '\0';
		if (keep(u, job, err, sizeof(err)) != 0) {
			dlog(LOG_ERR, "recording %s: %s", u->key, err);
			rc = TTS_REC_IO;
		}
	}
	if (rc != TTS_REC_OK) {
		g_unlink(job->path);	/* nothing left behind, whatever happened */
		dlog(LOG_INFO, "recording from %s refused: %s", u->source, err);
	} else {
		dlog(LOG_INFO, "recording %s: %.1f s of %s/%s from %s", u->key,
		    job->info.seconds, job->info.format, job->info.codec,
		    u->source);
	}
	answer(u, job, rc, err);
	soup_server_message_unpause(u->msg);
	g_object_unref(u->msg);
	g_free(u);
	import_job_free(job);
}

int
api_recording_start(struct web_admin *wa, SoupServerMessage *msg,
    const struct web_principal *who, const char *zone, const char *source,
    GBytes *data, int page, char *err, size_t errlen)
{
	gsize len = g_bytes_get_size(data);
	unsigned char rnd[DB_RECORDING_KEY_LEN / 2];
	struct upload *u;
	struct import_job *job;

	if (len > TTS_RECORDING_MAX_BYTES) {
		snprintf(err, errlen, "%s", code_of(TTS_REC_TOO_BIG));
		return 413;
	}
	if (len == 0) {
		snprintf(err, errlen, "%s", code_of(TTS_REC_NOT_AUDIO));
		return 415;
	}
	gchar *dir = g_build_filename(wa->cfg->state_dir, "recordings", NULL);
	int made = g_mkdir_with_parents(dir, 0750);
	g_free(dir);
	if (made != 0) {
		snprintf(err, errlen, "storage");
		return 507;
	}
	u = g_new0(struct upload, 1);
	job = g_new0(struct import_job, 1);
	u->wa = wa;
	u->page = page != API_UPLOAD_JSON;
	u->for_alert = page == API_UPLOAD_ALERT;
	u->user_id = who->user_id;
	u->bytes = len;
	snprintf(u->zone, sizeof(u->zone), "%s", zone);
	snprintf(u->source, sizeof(u->source), "%s", source);
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(u->key, sizeof(u->key), rnd, sizeof(rnd));
	gchar *path = dalabad_recording_path(wa->cfg, u->key);
	snprintf(job->path, sizeof(job->path), "%s", path);
	g_free(path);
	job->data = g_bytes_ref(data);
	job->done = imported;
	job->arg = u;
	if (dalabad_import(wa->d, job) != 0) {
		import_job_free(job);
		g_free(u);
		snprintf(err, errlen, "busy");
		return 503;
	}
	u->msg = g_object_ref(msg);
	u->job = job;
	if (wa->uploads == NULL)
		wa->uploads = g_hash_table_new(NULL, NULL);
	g_hash_table_add(wa->uploads, u);
	g_signal_connect(msg, "disconnected", G_CALLBACK(client_gone), u);
	soup_server_message_pause(msg);
	return 0;
}

/* The zone a recording is for: ?zone=CODE inside the caller's own, else
 * the caller's own (the machine's token, which has none, must say). */
static const char *
upload_zone(struct api_req *r)
{
	const char *z = r->query ? g_hash_table_lookup(r->query, "zone") : NULL;

	if (z == NULL || *z == '\0')
		z = r->who.zone;
	if (*z == '\0' || !api_zone_code_ok(z)) {
		api_error(r, 400, "bad_zone", "say which zone the recording is "
		    "for: ?zone=CODE (a 6, 9 or 12-digit division code)");
		return NULL;
	}
	if (!api_need_within(r, z))
		return NULL;
	if (db_zone_drills(r->wa->db, z) < 0) {
		api_error(r, 400, "unknown_zone", "zone %s is not set up", z);
		return NULL;
	}
	return z;
}

/* POST recordings[?zone=CODE]: the file itself is the body (any type). */
void
api_post_recording(struct api_req *r)
{
	SoupMessageBody *mb = soup_server_message_get_request_body(r->msg);
	const char *zone;
	char err[64];

	if (r->capture) {
		api_error(r, 500, "internal", "uploads are not for pages");
		return;
	}
	if ((zone = upload_zone(r)) == NULL || !api_room(r))
		return;
	GBytes *data = soup_message_body_flatten(mb);
	int st = api_recording_start(r->wa, r->msg, &r->who, zone, r->source,
	    data, API_UPLOAD_JSON, err, sizeof(err));
	g_bytes_unref(data);
	if (st == 0) {
		r->paused = true;
		return;
	}
	if (st == 503)
		api_retry_after(r->msg, 5);
	api_error(r, st, err, "%s", st == 503 ? "recordings are being "
	    "imported; try again in a moment" : st == 413 ? "the file is larger "
	    "than 10 MB" : st == 415 ? "the body is empty: send the file" :
	    "cannot store recordings");
}

/* GET recordings/KEY/audio: the archive, to hear before saving the
 * notice; for those who see the recording's zone. */
void
api_get_recording_audio(struct api_req *r)
{
	struct db_recording rec;
	const char *key = r->parts[1];
	int rc = strlen(key) == DB_RECORDING_KEY_LEN ?
	    db_recording_get(r->wa->db, key, &rec) : 0;

	if (rc < 0) {
		api_error(r, 500, "database", "cannot read recordings");
		return;
	}
	if (rc == 0 || !web_sees(&r->who, rec.zone)) {
		api_error(r, 404, "not_found", "no recording %.40s", key);
		return;
	}
	if (r->capture) {
		api_error(r, 500, "internal", "audio is not for pages");
		return;
	}
	gchar *path = dalabad_recording_path(r->wa->cfg, rec.key);
	api_send_file(r->msg, path, "audio/ogg");
	g_free(path);
	r->answered = true;
}

int64_t
api_recording_usable(struct api_req *r, const char *key)
{
	struct db_recording rec;

	r->err_field = "recording";
	int rc = db_recording_get(r->wa->db, key, &rec);
	if (rc < 0) {
		api_error(r, 500, "database", "cannot read recording %.40s", key);
		return -1;
	}
	/* Brought by someone inside the caller's zone; else, as far as the
	 * caller knows, there is no such recording. */
	if (rc == 0 || !web_within(&r->who, rec.zone)) {
		api_error(r, 400, "unknown_recording", "no recording \"%.40s\" "
		    "(POST /api/v1/recordings gives the key)", key);
		return -1;
	}
	r->err_field = NULL;
	return rec.ms;
}

bool
api_recording_fits(struct api_req *r, int64_t ms, int repeat)
{
	/* Played repeat times: the chimes, the lead-in before each repeat. */
	int64_t s = (ms * repeat + 999) / 1000 + 6 + 3 * (repeat - 1);
	int max = r->wa->cfg->item_max_s;

	if (s <= max)
		return true;
	r->err_field = "repeat";
	api_error(r, 400, "too_long_spoken", "played %d time%s this recording "
	    "takes about %lld minutes; one item may take %d ([dalabad] "
	    "item_max_minutes)", repeat, repeat == 1 ? "" : "s",
	    (long long)(s + 59) / 60, max / 60);
	return false;
}
