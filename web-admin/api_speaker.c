/*
 * api_speaker.c — one loudspeaker's own resources: its volume (set by a
 * cadre of its area, stored, audited, told to the box in its replies),
 * a test tone to it alone, and its health history. Outside the caller's
 * area the box does not exist (404), as in the list.
 *   POST speakers/ID/volume {"volume": 0-100 | null}
 *   POST speakers/ID/tone {}
 *   GET  speakers/ID/history?days=1-30
 */
#include <stdio.h>
#include <string.h>

#include "web-admin/api_int.h"

#define HISTORY_MAX_DAYS 30
#define HISTORY_MAX_ROWS 200	/* a page's timeline, however the box flapped */

/* The box of parts[1] in the caller's area: 0 with its zone (13 bytes),
 * or -1 having answered 404. */
static int
speaker_in_area(struct api_req *r, uint32_t *id, char zone[13])
{
	int64_t n;

	if (api_path_id(r, &n) != 0)
		return -1;
	JsonNode *rows = n > 0 && n <= UINT32_MAX ? api_rows(r->wa,
	    DB_LIST_SPEAKER_ZONE, DB_ARGS(n, r->who.zone)) : NULL;
	JsonArray *a = rows ? json_node_get_array(rows) : NULL;
	if (a == NULL || json_array_get_length(a) == 0) {
		if (rows)
			json_node_unref(rows);
		api_error(r, 404, "not_found", "no speaker %lld", (long long)n);
		return -1;
	}
	snprintf(zone, 13, "%s", json_object_get_string_member(
	    json_array_get_object_element(a, 0), "zone"));
	json_node_unref(rows);
	*id = (uint32_t)n;
	api_audit_about(r, zone);
	return 0;
}

void
api_post_speaker_volume(struct api_req *r)
{
	static const char *const fields[] = { "volume", NULL };
	uint32_t id;
	char zone[13], err[256];
	int volume = -1;

	if (speaker_in_area(r, &id, zone) != 0 || api_only(r, r->body, fields))
		return;
	/* null: back to the volume in the box's own configuration */
	bool clear = json_object_has_member(r->body, "volume") &&
	    JSON_NODE_HOLDS_NULL(json_object_get_member(r->body, "volume"));
	if (!clear && api_int(r, "volume", 0, 100, -1, &volume))
		return;
	if (!clear && volume < 0) {
		r->err_field = "volume";
		api_error(r, 400, "out_of_range", "\"volume\" must be from 0 to "
		    "100, or null");
		return;
	}
	if (!api_begin(r))
		return;
	if (db_speaker_set_volume(r->wa->db, id, volume, err, sizeof(err)) != 0) {
		api_rollback(r);
		api_error(r, 500, "database", "%s", err);
		return;
	}
	if (clear)
		api_audit(r, "speaker.volume", "喇叭 %u，音量改回喇叭自己设的", id);
	else
		api_audit(r, "speaker.volume", "喇叭 %u，音量 %d", id, volume);
	if (api_commit(r) != 0)
		return;
	dalabad_speaker_volume_changed(r->wa->d, id, volume);
	JsonObject *o = json_object_new();
	json_object_set_int_member(o, "id", id);
	if (clear)
		json_object_set_null_member(o, "volume");
	else
		json_object_set_int_member(o, "volume", volume);
	api_reply(r, 200, api_object(o));
}

static const char *const tone_states[] = { "making", "on_air", "done", "cut",
    "lost" };

static JsonObject *
tone_object(const struct dalabad_tone_info *t)
{
	JsonObject *o = json_object_new();

	json_object_set_int_member(o, "at", t->at);
	json_object_set_string_member(o, "state", tone_states[t->state]);
	json_object_set_boolean_member(o, "confirmed", t->confirmed);
	return o;
}

void
api_post_speaker_tone(struct api_req *r)
{
	static const char *const fields[] = { NULL };
	uint32_t id;
	char zone[13];

	if (speaker_in_area(r, &id, zone) != 0 ||
	    (r->body && api_only(r, r->body, fields)))
		return;
	switch (dalabad_speaker_tone(r->wa->d, id)) {
	case DALABAD_TONE_STARTED:
		break;
	case DALABAD_TONE_OFFLINE:
		api_error(r, 409, "tone_offline", "speaker %u is not online", id);
		return;
	case DALABAD_TONE_BUSY:
		api_error(r, 409, "tone_busy", "a broadcast is on air at speaker "
		    "%u", id);
		return;
	case DALABAD_TONE_PAGE:
		api_error(r, 409, "tone_page", "an emergency page is on air at "
		    "speaker %u", id);
		return;
	case DALABAD_TONE_AGAIN:
		api_error(r, 409, "tone_again", "a test tone is under way at "
		    "speaker %u", id);
		return;
	default:
		api_error(r, 500, "internal", "the test tone could not be made");
		return;
	}
	/* Audited after it started, as a page is: a tone refused is not an
	 * action taken. If the entry cannot be written it is taken back. */
	if (!api_begin(r)) {
		dalabad_speaker_tone_cancel(r->wa->d, id);
		return;
	}
	api_audit(r, "speaker.tone", "喇叭 %u", id);
	if (api_commit(r) != 0) {
		dalabad_speaker_tone_cancel(r->wa->d, id);
		return;
	}
	struct dalabad_tone_info t;
	JsonObject *o = json_object_new();
	json_object_set_int_member(o, "id", id);
	if (dalabad_speaker_tone_last(r->wa->d, id, &t))
		json_object_set_object_member(o, "tone", tone_object(&t));
	api_reply(r, 202, api_object(o));
}

static const char *const kind_names[DB_EV_MAX] = { "online", "restart",
    "audio_errors", "amp_errors", "loss", "tone" };

static void
one_event(const struct db_speaker_event *e, void *arg)
{
	JsonObject *o = json_object_new();

	json_object_set_int_member(o, "at", e->at);
	json_object_set_string_member(o, "kind", kind_names[e->kind]);
	json_object_set_int_member(o, "value", e->value);
	json_array_add_object_element(arg, o);
}

void
api_get_speaker_history(struct api_req *r)
{
	const char *v = r->query ? g_hash_table_lookup(r->query, "days") : NULL;
	uint32_t id;
	char zone[13], *end;
	int64_t days = 7;

	if (speaker_in_area(r, &id, zone) != 0)
		return;
	if (v != NULL && ((days = g_ascii_strtoll(v, &end, 10)) < 1 ||
	    days > HISTORY_MAX_DAYS || *v == '\0' || *end != '\0')) {
		api_error(r, 400, "out_of_range", "\"days\" must be from 1 to %d",
		    HISTORY_MAX_DAYS);
		return;
	}
	JsonObject *o = json_object_new();
	JsonArray *ev = json_array_new();
	struct dalabad_tone_info t;
	int vol = db_speaker_volume(r->wa->db, id);

	json_object_set_int_member(o, "id", id);
	json_object_set_string_member(o, "zone", zone);
	if (vol >= 0)
		json_object_set_int_member(o, "volume", vol);
	else
		json_object_set_null_member(o, "volume");
	db_speaker_events_each(r->wa->db, id, dalabad_now() - days * 86400,
	    HISTORY_MAX_ROWS, one_event, ev);
	json_object_set_array_member(o, "events", ev);
	if (dalabad_speaker_tone_last(r->wa->d, id, &t))
		json_object_set_object_member(o, "tone", tone_object(&t));
	else
		json_object_set_null_member(o, "tone");
	api_reply(r, 200, api_object(o));
}
