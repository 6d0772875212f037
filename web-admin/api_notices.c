/*
 * api_notices.c — the notices of dalabad's JSON API: what is read, and how
 * a cadre's request becomes stored rows (all checked before anything is
 * written, one transaction, audited). Their schedules: api_schedules.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web-admin/api_int.h"
#include "tts/tts.h"

/* ---- notices ------------------------------------------------------------------- */

void
api_notice_zones(JsonObject *o)
{
	const char *list = json_object_has_member(o, "zones") ?
	    json_object_get_string_member(o, "zones") : NULL;
	JsonArray *a = json_array_new();

	if (list && *list) {
		gchar **v = g_strsplit(list, ",", DB_NOTICE_MAX_ZONES);
		for (int i = 0; v[i]; i++)
			json_array_add_string_element(a, v[i]);
		g_strfreev(v);
	} else if (json_object_has_member(o, "zone")) {
		json_array_add_string_element(a,
		    json_object_get_string_member(o, "zone"));
	}
	json_object_set_array_member(o, "zones", a);
}

void
api_get_notice(struct api_req *r)
{
	int64_t id;

	if (api_path_id(r, &id) != 0 || !api_notice_allowed(r, id, false))
		return;
	JsonNode *rows = api_rows(r->wa, DB_LIST_NOTICE, DB_ARGS(id));
	if (rows == NULL || json_array_get_length(json_node_get_array(rows)) == 0) {
		if (rows)
			json_node_unref(rows);
		api_error(r, 404, "not_found", "no notice %lld", (long long)id);
		return;
	}
	JsonObject *o = json_object_ref(json_array_get_object_element(
	    json_node_get_array(rows), 0));
	json_node_unref(rows);
	api_notice_zones(o);
	JsonNode *sched = api_rows(r->wa, DB_LIST_NOTICE_SCHEDULES, DB_ARGS(id));
	JsonNode *bc = api_rows(r->wa, DB_LIST_NOTICE_BROADCASTS,
	    DB_ARGS(id));
	if (sched)
		json_object_set_member(o, "schedules", sched);
	if (bc)
		json_object_set_member(o, "broadcasts", bc);
	api_reply(r, 200, api_object(o));
}

static int
class_of(const char *s, const char *zone)
{
	if (s == NULL)		/* by the size of the target */
		return strlen(zone) == 12 ? 0 : strlen(zone) == 9 ? 1 : 2;
	for (int i = 0; i < 3; i++)
		if (strcmp(s, dalabad_class_names[i]) == 0)
			return i;
	return -1;
}

/* May the caller have this notice read news from feed? Folders only
 * inside the news root; web addresses only county staff, or one of the
 * allowed prefixes ([news] allow): a village cadre must not make the
 * loudspeakers read any file on the server, or make dalabad fetch an
 * address inside the county's network. */
static int
feed_allowed(struct api_req *r, const char *feed)
{
	if (g_str_has_prefix(feed, "dir:")) {
		gchar *root = dalabad_news_root(r->wa->cfg);
		gchar *dir = news_folder(feed, root);
		bool ok = dir != NULL;
		if (!ok)
			api_error(r, 400, "bad_feed", "\"feed\": %s is not a folder "
			    "inside the news root %s", feed + 4, root);
		g_free(dir);
		g_free(root);
		return ok ? 0 : -1;
	}
	if (web_is_county(&r->who) || news_url_allowed(feed,
	    r->wa->cfg->news_allow))
		return 0;
	api_error(r, 403, "feed_not_allowed", "\"feed\": only county staff may "
	    "read news from an address not in [news] allow");
	return -1;
}

/* "zones": the notice's targets, when the body names several (the web's
 * villages ticked). n->zone becomes the zone holding them all, and
 * n->zones their list, pointing into the body (NULL for one target).
 * 0, or -1 having answered. */
static int
read_zones(struct api_req *r, struct db_notice *n)
{
	char **v = r->zone_list, *common = r->zone_common;
	JsonNode *zn = json_object_get_member(r->body, "zones");
	JsonArray *za = zn && JSON_NODE_HOLDS_ARRAY(zn) ?
	    json_node_get_array(zn) : NULL;
	guint k = za ? json_array_get_length(za) : 0;

	n->zones = NULL;
	n->nzones = 0;
	if (zn == NULL || JSON_NODE_HOLDS_NULL(zn))
		return 0;
	r->err_field = "zones";
	for (guint i = 0; za && i < k; i++) {
		JsonNode *e = json_array_get_element(za, i);
		if (i == DB_NOTICE_MAX_ZONES || !JSON_NODE_HOLDS_VALUE(e) ||
		    json_node_get_value_type(e) != G_TYPE_STRING) {
			za = NULL;
			break;
		}
		v[i] = (char *)(uintptr_t)json_node_get_string(e);
	}
	if (za == NULL || k == 0) {
		api_error(r, 400, "bad_notice_zones", "\"zones\" is a list of 1 "
		    "to %d zone codes", DB_NOTICE_MAX_ZONES);
		return -1;
	}
	if (api_zones_ok(r, (const char *const *)v, (int)k) != 0)
		return -1;
	api_zones_common((const char *const *)v, (int)k, common);
	if (common[0] == '\0') {
		api_error(r, 400, "zones_apart", "\"zones\" lie in more than one "
		    "county");
		return -1;
	}
	n->zone = k == 1 ? v[0] : common;
	n->zones = k > 1 ? v : NULL;
	n->nzones = k > 1 ? k : 0;
	r->err_field = NULL;
	return 0;
}

/* Read and check a notice's fields from the body (n's strings point into
 * it); 0, or -1 having answered. old_feed: the feed an edited notice had
 * (kept without a new check, whoever edits), NULL for a new notice. */
/* "recording": the key of one the caller may use (POST recordings), or
 * old_rec, the one an edited notice had (kept without a new check,
 * whoever edits, like its feed: a county's recording in a village's
 * notice stays editable by the village). 0 (and *ms its length), or -1
 * having answered. */
static int
read_recording(struct api_req *r, struct db_notice *n, const char *old_rec,
    int64_t *ms)
{
	struct db_recording rec;

	*ms = 0;
	if (api_str(r, "recording", false, DB_RECORDING_KEY_LEN, &n->recording))
		return -1;
	if (n->recording && !n->recording[0])
		n->recording = NULL;
	if (n->recording == NULL)
		return 0;
	if (old_rec && strcmp(n->recording, old_rec) == 0 &&
	    db_recording_get(r->wa->db, old_rec, &rec) == 1) {
		*ms = rec.ms;
		return 0;
	}
	return (*ms = api_recording_usable(r, n->recording)) < 0 ? -1 : 0;
}

/* The rest of a voice notice's checks: its text is shown, not read, so
 * it needs no reading; news is read aloud, so it has none. */
static int
read_voice_notice(struct api_req *r, struct db_notice *n, int64_t rec_ms)
{
	if (n->body == NULL)
		n->body = "";
	if (n->title && !n->title[0])
		n->title = NULL;
	if (n->feed && n->feed[0]) {
		r->err_field = "feed";
		api_error(r, 400, "bad_feed", "a voice notice reads no news: "
		    "leave \"feed\" out");
		return -1;
	}
	n->feed = NULL;
	if (!api_recording_fits(r, rec_ms, n->repeat))
		return -1;
	r->err_field = NULL;
	return 0;
}

static int
read_notice(struct api_req *r, struct db_notice *n, const char *old_feed,
    const char *old_rec)
{
	const char *cls, *voice, *given = NULL;
	bool chime, priv;
	int64_t rec_ms;
	char err[256];

	if (read_recording(r, n, old_rec, &rec_ms) ||
	    api_str(r, "title", false, 1024, &n->title) ||
	    api_str(r, "body", n->recording == NULL, TTS_MAX_TEXT_BYTES,
	    &n->body) ||
	    api_bool(r, "private", false, &priv) ||
	    read_zones(r, n) ||
	    api_str(r, "zone", n->zone == NULL, 12, n->zone ? &given : &n->zone) ||
	    api_str(r, "class", false, 16, &cls) ||
	    api_str(r, "voice", false, 32, &voice) ||
	    api_str(r, "feed", false, 1024, &n->feed) ||
	    api_int(r, "repeat", 1, 10, 1, &n->repeat) ||
	    api_int(r, "rate", 80, 450, TTS_DEFAULT_RATE, &n->rate) ||
	    api_int(r, "feed_items", 1, NEWS_MAX_ITEMS, 3, &n->feed_items) ||
	    api_bool(r, "chime", true, &chime))
		return -1;
	n->chime = chime;
	n->is_private = priv;
	r->err_field = "zone";
	if (given && strcmp(given, n->zone) != 0) {
		api_error(r, 400, "bad_zone", "\"zone\" is %s, the zone holding "
		    "all of \"zones\", or left out", n->zone);
		return -1;
	}
	if (!api_zone_code_ok(n->zone)) {
		api_error(r, 400, "bad_zone", "\"zone\" is a 6, 9 or 12-digit "
		    "division code, not \"%s\"", n->zone);
		return -1;
	}
	r->err_field = "class";
	if (cls && strcmp(cls, "emergency") == 0) {
		api_error(r, 400, "bad_class", "emergencies are pages, not notices");
		return -1;
	}
	if ((n->priority = class_of(cls, n->zone)) < 0) {
		api_error(r, 400, "bad_class", "\"class\" is village, township or "
		    "county");
		return -1;
	}
	if (!api_need_within(r, n->zone))
		return -1;
	if (n->priority > web_max_class(&r->who)) {
		api_error(r, 403, "class_not_allowed", "a %s user may send notices "
		    "up to class %s", web_role_name(r->who.role),
		    dalabad_class_names[web_max_class(&r->who)]);
		return -1;
	}
	r->err_field = "voice";
	const struct tts_voice *v = tts_voice_find(voice ? voice : "mandarin");
	if (v == NULL) {
		api_error(r, 400, "bad_voice", "unknown voice \"%s\" (mandarin, "
		    "cantonese)", voice);
		return -1;
	}
	n->voice = v->name;
	if (n->recording)	/* heard, not read: its text is only shown */
		return read_voice_notice(r, n, rec_ms);
	/* Refuse text the speech side cannot read, before storing it. */
	r->err_field = "body";
	char *spoken = tts_spoken_text(n->body, strlen(n->body), v, NULL, err,
	    sizeof(err));
	if (spoken == NULL) {
		api_error(r, 400, "bad_text", "\"body\": %s", err);
		return -1;
	}
	free(spoken);
	r->err_field = "title";
	if (n->title && n->title[0] && (spoken = tts_spoken_text(n->title,
	    strlen(n->title), v, NULL, err, sizeof(err))) == NULL) {
		api_error(r, 400, "bad_text", "\"title\": %s", err);
		return -1;
	}
	free(n->title && n->title[0] ? spoken : NULL);
	if (n->title && !n->title[0])
		n->title = NULL;
	if (!api_spoken_fits(r, n->title, n->body, n->voice, n->rate, n->repeat))
		return -1;
	r->err_field = "feed";
	if (n->feed && !n->feed[0])
		n->feed = NULL;
	if (n->feed && !news_source_valid(n->feed)) {
		api_error(r, 400, "bad_feed", "\"feed\" is an http(s):// address or "
		    "dir:FOLDER (inside the news root)");
		return -1;
	}
	if (n->feed && (old_feed == NULL || strcmp(n->feed, old_feed) != 0) &&
	    feed_allowed(r, n->feed) != 0)
		return -1;
	r->err_field = NULL;
	return 0;
}

/* The targets for the audit log: "110101001001、110101001002" (kept
 * until the next call: requests are served on the one main loop). */
static const char *
targets(const struct db_notice *n)
{
	static GString *g;

	if (n->nzones == 0)
		return n->zone;
	if (g == NULL)
		g = g_string_new(NULL);
	g_string_truncate(g, 0);
	for (size_t i = 0; i < n->nzones; i++)
		g_string_append_printf(g, "%s%s", i ? "、" : "", n->zones[i]);
	return g->str;
}

void
api_post_notice(struct api_req *r)
{
	static const char *const fields[] = { "title", "body", "zone", "zones",
	    "class", "repeat", "chime", "voice", "rate", "feed", "feed_items",
	    "schedule", "recording", "private", NULL };
	struct db_notice n = { 0 };
	char err[256];
	struct db_schedule s;
	JsonNode *sn = json_object_get_member(r->body, "schedule");

	if (api_only(r, r->body, fields) || read_notice(r, &n, NULL, NULL) != 0 ||
	    !api_room(r))
		return;
	if (sn && !JSON_NODE_HOLDS_NULL(sn)) {
		if (!JSON_NODE_HOLDS_OBJECT(sn)) {
			api_error(r, 400, "bad_field", "\"schedule\" is an object");
			return;
		}
		if (api_only(r, json_node_get_object(sn), api_schedule_fields) ||
		    api_read_schedule(r, json_node_get_object(sn), &s) != 0)
			return;
	} else {
		sn = NULL;
	}
	if (!api_begin(r))
		return;
	int64_t id;
	n.created_by = r->who.user_id;
	if (db_notice_add(r->wa->db, &n, &id, err, sizeof(err)) != 0) {
		api_rollback(r);
		if (strstr(err, "FOREIGN KEY"))
			api_error(r, 400, "unknown_zone", "zone %s is not set up "
			    "(dalaba zone add)", n.zone);
		else
			api_error(r, 400, "bad_notice", "%s", err);
		return;
	}
	api_audit(r, "notice.add", "通知 %lld，播给 %s（%s）：%s%s",
	    (long long)id, targets(&n), html_class_zh(
	    dalabad_class_names[n.priority]), n.recording ? "（录音）" : "",
	    n.body);
	if (sn) {
		s.notice_id = id;
		if (api_store_schedule(r, &s) != 0 && !r->audit_failed) {
			api_rollback(r);
			return;
		}
	}
	if (api_commit(r) != 0)
		return;
	JsonObject *o = json_object_new();
	json_object_set_int_member(o, "id", id);
	if (sn)
		json_object_set_int_member(o, "schedule", s.id);
	else
		json_object_set_null_member(o, "schedule");
	api_reply(r, 201, api_object(o));
	if (sn)
		dalabad_schedules_changed(r->wa->d);
}

/* The stored notice as the body of POST notices would give it. */
static JsonObject *
notice_as_body(const struct db_notice *n)
{
	JsonObject *o = json_object_new();

	if (n->title)
		json_object_set_string_member(o, "title", n->title);
	json_object_set_string_member(o, "body", n->body);
	json_object_set_string_member(o, "zone", n->zone);
	if (n->nzones > 0) {
		JsonArray *a = json_array_new();
		for (size_t i = 0; i < n->nzones; i++)
			json_array_add_string_element(a, n->zones[i]);
		json_object_set_array_member(o, "zones", a);
	}
	json_object_set_string_member(o, "class",
	    dalabad_class_names[n->priority]);
	json_object_set_int_member(o, "repeat", n->repeat);
	json_object_set_boolean_member(o, "chime", n->chime != 0);
	json_object_set_string_member(o, "voice", n->voice);
	json_object_set_int_member(o, "rate", n->rate);
	if (n->feed)
		json_object_set_string_member(o, "feed", n->feed);
	json_object_set_int_member(o, "feed_items", n->feed_items);
	if (n->recording)
		json_object_set_string_member(o, "recording", n->recording);
	json_object_set_boolean_member(o, "private", n->is_private);
	return o;
}

/* POST notices/ID: change a notice that has not yet gone on air. The
 * fields given replace the stored ones; those not given stay as they are
 * (null, or "" for the title and the feed, clears them). The result is
 * checked as a new notice would be. */
void
api_post_notice_edit(struct api_req *r)
{
	static const char *const fields[] = { "title", "body", "zone", "zones",
	    "class", "repeat", "chime", "voice", "rate", "feed", "feed_items",
	    "recording", "private", NULL };
	struct db_notice n = { 0 }, old;
	char err[256];
	int64_t id;
	bool cancelled;

	if (api_path_id(r, &id) != 0 || !api_notice_allowed(r, id, true) ||
	    api_only(r, r->body, fields) != 0 || !api_room(r))
		return;
	if (db_notice_get(r->wa->db, id, &old, &cancelled) != 1) {
		api_error(r, 404, "not_found", "no notice %lld", (long long)id);
		return;
	}
	JsonObject *merged = notice_as_body(&old), *given = r->body;
	/* New targets replace the old, whichever way they are named. */
	if (json_object_has_member(given, "zones") &&
	    !json_object_has_member(given, "zone"))
		json_object_remove_member(merged, "zone");
	if (json_object_has_member(given, "zone") &&
	    !json_object_has_member(given, "zones"))
		json_object_remove_member(merged, "zones");
	GList *names = json_object_get_members(given);
	for (GList *l = names; l; l = l->next) {
		JsonNode *v = json_object_get_member(given, l->data);
		if (JSON_NODE_HOLDS_NULL(v))
			json_object_remove_member(merged, l->data);
		else
			json_object_set_member(merged, l->data, json_node_copy(v));
	}
	g_list_free(names);
	r->body = merged;
	int rc = read_notice(r, &n, old.feed, old.recording) == 0 && api_begin(r) ? 0 : -1;
	if (rc == 0) {
		n.id = id;
		rc = db_notice_update(r->wa->db, &n, err, sizeof(err));
		if (rc != 0) {
			api_rollback(r);
			if (strstr(err, "FOREIGN KEY"))
				api_error(r, 400, "unknown_zone", "zone %s is not "
				    "set up (dalaba zone add)", n.zone);
			else
				api_error(r, 409, "aired", "%s; write a new notice "
				    "instead", err);
		}
	}
	if (rc == 0) {
		api_audit(r, "notice.edit", "通知 %lld，播给 %s（%s）：%s%s",
		    (long long)id, targets(&n), html_class_zh(
		    dalabad_class_names[n.priority]), n.recording ?
		    "（录音）" : "", n.body);
		rc = api_commit(r);
	}
	if (rc == 0) {
		JsonObject *o = json_object_new();
		json_object_set_int_member(o, "id", id);
		api_reply(r, 200, api_object(o));
		dalabad_schedules_changed(r->wa->d);
	}
	/* n's strings point into merged: answer first, then free. */
	r->body = given;
	json_object_unref(merged);
	db_notice_clear(&old);
}

void
api_cancel_notice(struct api_req *r)
{
	int64_t id;
	char err[256];

	if (api_path_id(r, &id) != 0 || !api_notice_allowed(r, id, true))
		return;
	JsonNode *rows = api_rows(r->wa, DB_LIST_NOTICE_CANCELLED, DB_ARGS(id));
	JsonArray *a = rows ? json_node_get_array(rows) : NULL;
	int state = a == NULL ? -1 : json_array_get_length(a) == 0 ? 0 :
	    json_object_get_int_member(json_array_get_object_element(a, 0),
	    "c") ? 2 : 1;
	if (rows)
		json_node_unref(rows);
	if (state != 1) {
		if (state == 2)
			api_error(r, 409, "cancelled", "notice %lld is already "
			    "cancelled", (long long)id);
		else
			api_error(r, 404, "not_found", "no notice %lld",
			    (long long)id);
		return;
	}
	if (!api_begin(r))
		return;
	if (db_notice_cancel(r->wa->db, id, err, sizeof(err)) != 0) {
		api_rollback(r);
		api_error(r, 500, "database", "%s", err);
		return;
	}
	api_audit(r, "notice.cancel", "通知 %lld", (long long)id);
	if (api_commit(r) != 0)
		return;
	dalabad_notice_cancelled(r->wa->d, id);
	JsonObject *o = json_object_new();
	json_object_set_int_member(o, "id", id);
	json_object_set_boolean_member(o, "cancelled", TRUE);
	api_reply(r, 200, api_object(o));
}
