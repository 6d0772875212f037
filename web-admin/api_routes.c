/*
 * api_routes.c — the resources of dalabad's JSON API (see README "JSON
 * API"): status, zones, speakers and broadcasts here, notices and
 * schedules in api_notices.c, and the table that routes requests to them.
 * Every write is validated in full before anything is stored, runs in one
 * transaction, and is audited with its source address.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "web-admin/api_int.h"
#include "broadcaster/log.h"

/* ---- status ------------------------------------------------------------- */

struct status_on_air {
	const struct web_principal *who;
	JsonArray *on;
	int waiting;
};

static void
status_airing(const struct dalabad_airing_info *a, void *arg)
{
	struct status_on_air *soa = arg;

	if (!web_sees(soa->who, a->zone))
		return;
	if (!a->on_air) {
		soa->waiting++;
		return;
	}
	JsonObject *x = json_object_new();
	json_object_set_int_member(x, "broadcast", a->broadcast_id);
	json_object_set_int_member(x, "notice", a->notice_id);
	json_object_set_string_member(x, "title", a->title);
	json_object_set_string_member(x, "zone", a->zone);
	json_object_set_string_member(x, "class", dalabad_class_names[a->prio]);
	json_object_set_int_member(x, "since", a->on_air_at);
	json_object_set_int_member(x, "targets", a->targets);
	json_object_set_int_member(x, "confirmed", a->confirmed);
	json_array_add_object_element(soa->on, x);
}

void
api_get_status(struct api_req *r)
{
	struct web_admin *wa = r->wa;
	const struct web_reg_view *rv = web_reg_view(wa);
	JsonObject *o = json_object_new(), *spk = json_object_new();
	JsonArray *on = json_array_new();
	int online = 0, playing = 0, waiting = 0;

	size_t known = 0;
	for (size_t i = 0; i < rv->nzones; i++) {
		if (!web_within(&r->who, rv->zones[i].zone))
			continue;
		known += (size_t)rv->zones[i].known;
		online += rv->zones[i].online;
		playing += rv->zones[i].playing;
	}
	struct status_on_air soa = { .who = &r->who, .on = on };
	dalabad_airings_each(wa->d, status_airing, &soa);
	waiting = soa.waiting;
	json_object_set_string_member(o, "version", DALABAD_VERSION);
	json_object_set_int_member(o, "now", dalabad_now());
	json_object_set_string_member(o, "timezone", wa->cfg->timezone);
	json_object_set_int_member(spk, "known", (gint64)known);
	json_object_set_int_member(spk, "online", online);
	json_object_set_int_member(spk, "playing", playing);
	json_object_set_object_member(o, "speakers", spk);
	json_object_set_array_member(o, "on_air", on);
	json_object_set_int_member(o, "waiting", waiting);
	api_reply(r, 200, api_object(o));
}

/* ---- zones ----------------------------------------------------------------- */

/* Every page names zones from this list, and a county's few hundred made
 * into JSON afresh were a fifth of what a village's speakers page cost:
 * the last answer is kept, sealed (its copies share it), for the one
 * user zone it was for, until a zone changes. */
void
api_get_zones(struct api_req *r)
{
	struct web_admin *wa = r->wa;

	if (wa->zones_rows == NULL || wa->zones_gen != wa->db->zones_gen ||
	    strcmp(wa->zones_who, r->who.zone) != 0) {
		uint64_t gen = wa->db->zones_gen;
		JsonNode *rows = api_rows(wa, DB_LIST_ZONES, DB_ARGS(r->who.zone));
		if (rows == NULL) {
			api_error(r, 500, "database", "cannot read zones");
			return;
		}
		json_node_seal(rows);
		if (wa->zones_rows)
			json_node_unref(wa->zones_rows);
		wa->zones_rows = rows;
		wa->zones_gen = gen;
		snprintf(wa->zones_who, sizeof(wa->zones_who), "%s", r->who.zone);
	}
	api_reply(r, 200, json_node_ref(wa->zones_rows));
}

void
api_post_zone(struct api_req *r)
{
	static const char *const fields[] = { "code", "name", "quiet_start",
	    "quiet_end", "drills", "volume", NULL };
	const char *code, *name, *qs, *qe;
	char err[256] = "";
	bool drills;
	int volume;

	if (api_only(r, r->body, fields) || api_str(r, "code", true, 12, &code) ||
	    api_str(r, "name", true, 64 * 4, &name) ||
	    api_str(r, "quiet_start", false, 5, &qs) ||
	    api_str(r, "quiet_end", false, 5, &qe) ||
	    api_bool(r, "drills", false, &drills) ||
	    api_int(r, "volume", 0, 100, -1, &volume) != 0)
		return;
	if (!api_zone_code_ok(code)) {
		api_error(r, 400, "bad_zone", "a zone code is 6 (county), 9 "
		    "(township) or 12 (village) digits, not \"%s\"", code);
		return;
	}
	if (g_utf8_strlen(name, -1) > 64) {
		api_error(r, 400, "too_long", "a zone name is at most 64 characters");
		return;
	}
	if (!api_need_county(r) || !api_need_within(r, code))
		return;
	if (!api_begin(r))
		return;
	if (db_zone_add(r->wa->db, code, name, err, sizeof(err)) != 0 ||
	    ((qs || qe) && db_zone_set_quiet(r->wa->db, code, qs ? qs : "21:30",
	    qe ? qe : "06:00", err, sizeof(err)) != 0) || (drills &&
	    db_zone_set_drills(r->wa->db, code, true, err, sizeof(err)) != 0) ||
	    (volume >= 0 && db_zone_set_volume(r->wa->db, code, volume, err,
	    sizeof(err)) != 0)) {
		api_rollback(r);
		if (strstr(err, "UNIQUE"))
			api_error(r, 409, "exists", "zone %s exists already", code);
		else
			api_error(r, 400, "bad_zone", "%s", err);
		return;
	}
	api_audit(r, "zone.add", "%s %s", code, name);
	if (api_commit(r) != 0)
		return;
	JsonNode *rows = api_rows(r->wa, DB_LIST_ZONE, DB_ARGS(code));
	JsonNode *one = json_array_get_element(json_node_get_array(rows), 0);
	api_reply(r, 201, json_node_copy(one));
	json_node_unref(rows);
}

/* ---- speakers ----------------------------------------------------------------------- */

/* A query's whole-number argument, def when absent; -1 if not one in
 * [lo, hi] (400 answered). */
static int64_t
query_num(struct api_req *r, const char *name, int64_t lo, int64_t hi,
    int64_t def)
{
	const char *v = r->query ? g_hash_table_lookup(r->query, name) : NULL;
	char *end;

	if (v == NULL)
		return def;
	int64_t n = g_ascii_strtoll(v, &end, 10);
	if (*v == '\0' || *end != '\0' || n < lo || n > hi) {
		api_error(r, 400, "out_of_range", "\"%s\" must be from %lld to "
		    "%lld", name, (long long)lo, (long long)hi);
		return -1;
	}
	return n;
}

/* What a technician asks before driving out: the box's own report (its
 * last heartbeat) and whether it is silent when it should play. */
static void
speaker_health(JsonObject *o, const struct bcast_speaker_info *in)
{
	const struct bcast_status *st = &in->st;
	char v[16];
	bool playing = in->online && st->playing_ssrc != 0;

	snprintf(v, sizeof(v), "%u.%u.%u", st->version >> 16 & 0xff,
	    st->version >> 8 & 0xff, st->version & 0xff);
	JsonObject *h = json_object_new();
	json_object_set_int_member(h, "uptime_s", st->uptime_s);
	json_object_set_string_member(h, "version", st->version ? v : "");
	json_object_set_int_member(h, "audio_errors", st->audio_errors);
	/* -1: the box does not know (it has no storage to report) */
	json_object_set_int_member(h, "free_mb", st->free_mb == UINT32_MAX ? -1 :
	    (gint64)st->free_mb);
	json_object_set_int_member(h, "amp_errors", st->amp_errors);
	/* items carried ahead of their slot it holds: what it airs if cut off */
	json_object_set_int_member(h, "carried", in->carried);
	json_object_set_object_member(o, "health", h);
	json_object_set_boolean_member(o, "due", in->due);
	json_object_set_boolean_member(o, "silent_when_due",
	    in->online && in->due && !playing);
}

/* The ?zone= filter of a list, inside what the caller may act on ("" for
 * all of it); NULL having answered 400. */
static const char *
query_zone(struct api_req *r)
{
	const char *z = r->query ? g_hash_table_lookup(r->query, "zone") : NULL;

	if (z == NULL || *z == '\0')
		return r->who.zone;
	if (!api_zone_code_ok(z)) {
		api_error(r, 400, "bad_zone", "\"zone\" is a 6, 9 or 12-digit "
		    "division code");
		return NULL;
	}
	return z;
}

/* GET speakers?zone=PREFIX&after=ID&limit=N&offset=K: the loudspeakers
 * of the caller's area (within zone), by id, at most limit (default 500,
 * at most 1000) after id after, skipping the first offset of those (a
 * page's number: the speakers page's 第N页). Bounded: a county's ten
 * thousand boxes come a page at a time, so no request holds the loop for
 * long. */
void
api_get_speakers(struct api_req *r)
{
	const char *zone = query_zone(r);
	int64_t after = query_num(r, "after", 0, UINT32_MAX, 0);
	int64_t limit = after < 0 ? -1 : query_num(r, "limit", 1, 1000, 500);
	int64_t offset = limit < 0 ? -1 : query_num(r, "offset", 0, 1000000, 0);

	if (zone == NULL || after < 0 || limit < 0 || offset < 0)
		return;
	JsonNode *rows = api_rows(r->wa, DB_LIST_SPEAKERS, DB_ARGS(r->who.zone,
	    zone, after, limit, offset));

	if (rows == NULL) {
		api_error(r, 500, "database", "cannot read speakers");
		return;
	}
	JsonArray *a = json_node_get_array(rows);
	for (guint i = 0; i < json_array_get_length(a); i++) {
		JsonObject *o = json_array_get_object_element(a, i);
		uint32_t id = (uint32_t)json_object_get_int_member(o, "id");
		struct bcast_speaker_info in;
		json_object_set_boolean_member(o, "enrolled",
		    json_object_get_int_member(o, "enrolled") != 0);
		json_object_set_boolean_member(o, "online", FALSE);
		json_object_set_null_member(o, "last_heard");
		if (bcast_registry_get(dalabad_broadcaster(r->wa->d), id, &in) == 0) {
			const struct bcast_status *st = &in.st;
			json_object_set_boolean_member(o, "online", in.online);
			if (in.last_heard_us)
				json_object_set_int_member(o, "last_heard",
				    in.last_heard_us / 1000000);
			json_object_set_string_member(o, "address", in.addr);
			json_object_set_boolean_member(o, "playing",
			    in.online && st->playing_ssrc != 0);
			json_object_set_int_member(o, "volume", st->volume);
			json_object_set_boolean_member(o, "amplifier",
			    in.online && st->amp_on);
			speaker_health(o, &in);
			json_object_set_int_member(o, "received", st->received);
			json_object_set_int_member(o, "lost", st->lost);
			json_object_set_int_member(o, "dropped", st->dropped);
			json_object_set_int_member(o, "clock_offset_ms",
			    st->clock_offset_ms);
		}
	}
	api_reply(r, 200, rows);
}

struct tally {
	char zone[13];
	int64_t speakers, enrolled, online, playing;
};

struct summary {
	GArray *groups;		/* struct tally, in zone order */
	size_t group;		/* digits of a group's code */
};

static struct tally *
group_of(struct summary *s, const char *zone)
{
	struct tally *last = s->groups->len ? &g_array_index(s->groups,
	    struct tally, s->groups->len - 1) : NULL;

	if (last && strncmp(last->zone, zone, s->group) == 0)
		return last;
	for (guint i = 0; i < s->groups->len; i++) {
		struct tally *t = &g_array_index(s->groups, struct tally, i);
		if (strncmp(t->zone, zone, s->group) == 0)
			return t;
	}
	return NULL;
}

static void
add_village(const struct db_village_count *v, void *arg)
{
	struct summary *s = arg;
	struct tally *t = group_of(s, v->zone);

	if (t == NULL) {
		struct tally n = { .speakers = 0 };
		snprintf(n.zone, sizeof(n.zone), "%.*s", (int)s->group, v->zone);
		g_array_append_val(s->groups, n);
		t = &g_array_index(s->groups, struct tally, s->groups->len - 1);
	}
	t->speakers += v->speakers;
	t->enrolled += v->enrolled;
}

/* GET speakers/summary?zone=PREFIX: the loudspeakers of zone counted by
 * the level below it (a county by township, a township by village, a
 * village as itself): how many, enrolled, online, playing now. What a
 * county's speakers page shows first, whatever its size; the counts come
 * from the store's village cache and the registry's (reg_view.c). */
void
api_get_speakers_summary(struct api_req *r)
{
	const char *zone = query_zone(r);

	if (zone == NULL)
		return;
	if (!web_within(&r->who, zone)) {
		api_error(r, 404, "not_found", "no zone %s in your area", zone);
		return;
	}
	size_t len = strlen(zone);
	struct summary s = { g_array_new(FALSE, FALSE, sizeof(struct tally)),
	    len == 0 ? 6 : len == 6 ? 9 : 12 };
	if (db_village_counts_each(r->wa->db, zone, add_village, &s) != 0) {
		g_array_free(s.groups, TRUE);
		api_error(r, 500, "database", "cannot read speakers");
		return;
	}
	/* Online and playing from the registry's tallies by zone: a pass
	 * over villages, not over boxes. */
	const struct web_reg_view *rv = web_reg_view(r->wa);
	for (size_t k = 0; k < rv->nzones; k++) {
		const struct web_reg_tally *z = &rv->zones[k];
		struct tally *t;
		if (strncmp(z->zone, zone, len) == 0 &&
		    (t = group_of(&s, z->zone)) != NULL) {
			t->online += z->online;
			t->playing += z->playing;
		}
	}
	JsonArray *a = json_array_new();
	for (guint i = 0; i < s.groups->len; i++) {
		struct tally *t = &g_array_index(s.groups, struct tally, i);
		JsonObject *o = json_object_new();
		json_object_set_string_member(o, "zone", t->zone);
		json_object_set_int_member(o, "speakers", t->speakers);
		json_object_set_int_member(o, "enrolled", t->enrolled);
		json_object_set_int_member(o, "online", t->online);
		json_object_set_int_member(o, "playing", t->playing);
		json_array_add_object_element(a, o);
	}
	g_array_free(s.groups, TRUE);
	JsonNode *node = json_node_new(JSON_NODE_ARRAY);
	json_node_take_array(node, a);
	api_reply(r, 200, node);
}

/* A new one-time enrolment token for speaker id, stored (as a hash,
 * revoking the speaker's earlier ones) and audited inside the caller's
 * transaction; the token goes in *o for the answer. -1 having answered. */
static int
new_token(struct api_req *r, uint32_t id, const char *zone, JsonObject *o)
{
	char token[BCAST_TOKEN_LEN + 1], hash[65], err[256];
	uint8_t raw[BCAST_TOKEN_LEN / 2];
	int64_t expires = dalabad_now() + ENROLL_TOKEN_TTL_S;
	gchar *url_path = g_build_filename(r->wa->cfg->state_dir, "enroll.url",
	    NULL);
	gchar *url = NULL;

	int made = r->who.user_id > 0 ? db_enroll_tokens_made(r->wa->db,
	    r->who.user_id, dalabad_now() - 3600) : 0;
	if (made >= ENROLL_TOKENS_PER_HOUR) {
		g_free(url_path);
		if (!r->capture)
			api_retry_after(r->msg, 600);
		api_error(r, 429, "too_many_enrolments", "%d enrolment tokens made "
		    "in the last hour; the most is %d", made,
		    ENROLL_TOKENS_PER_HOUR);
		return -1;
	}
	randombytes_buf(raw, sizeof(raw));
	bcast_hex_encode(raw, sizeof(raw), token);
	web_secret_hash(token, hash);
	if (db_enroll_token_add(r->wa->db, hash, id, r->who.user_id, expires, err,
	    sizeof(err)) != 0) {
		g_free(url_path);
		api_error(r, 500, "token", "the token could not be stored: %s", err);
		return -1;
	}
	api_audit(r, "speaker.token", "喇叭 %u", id);
	if (!g_file_get_contents(url_path, &url, NULL, NULL))
		url = g_strdup("http://SERVER:8081/enroll");
	g_strstrip(url);
	json_object_set_int_member(o, "id", id);
	json_object_set_string_member(o, "zone", zone);
	json_object_set_string_member(o, "token", token);
	json_object_set_int_member(o, "expires", expires);
	/* The fingerprint makes the command a trust anchor: the box takes
	 * the server's key only if it hashes to this (bcast_enroll_serve). */
	char fp[BCAST_FP_LEN + 1];
	bcast_server_public_key(dalabad_broadcaster(r->wa->d), NULL, fp);
	json_object_set_string_member(o, "fingerprint", fp);
	gchar *cmd = g_strdup_printf("dalaba-speaker --enroll %s %s %s -c "
	    "/etc/dalaba/speaker.conf", url, token, fp);
	json_object_set_string_member(o, "command", cmd);
	sodium_memzero(token, sizeof(token));
	g_free(cmd);
	g_free(url);
	g_free(url_path);
	return 0;
}

void
api_post_speaker(struct api_req *r)
{
	static const char *const fields[] = { "id", "zone", "name", NULL };
	const char *zone, *name;
	int id;
	char err[256];

	if (api_only(r, r->body, fields) ||
	    api_int(r, "id", 1, G_MAXINT, 0, &id) ||
	    api_str(r, "zone", true, 12, &zone) ||
	    api_str(r, "name", false, 64 * 4, &name))
		return;
	if (!api_zone_code_ok(zone) || strlen(zone) != 12) {
		api_error(r, 400, "bad_zone", "a loudspeaker belongs to a village: "
		    "a 12-digit zone, not \"%s\"", zone);
		return;
	}
	if (!api_need_within(r, zone) || !api_begin(r))
		return;
	if (id == 0) {
		/* None given: the lowest free one (a cadre sees only the ids
		 * of their own area, so cannot pick one safely). The lowest,
		 * not the highest plus one: one box given id 2^31-1 must not
		 * leave no id to give, or one past what an id may be. */
		JsonNode *mx = api_rows(r->wa, DB_LIST_SPEAKER_FREE_ID,
		    DB_ARGS((int64_t)G_MAXINT));
		JsonArray *ma = mx ? json_node_get_array(mx) : NULL;
		gint64 next = ma && json_array_get_length(ma) == 1 ?
		    json_object_get_int_member(json_array_get_object_element(ma,
		    0), "next") : -1;
		if (mx)
			json_node_unref(mx);
		if (next <= 0 || next > G_MAXINT) {
			api_rollback(r);
			api_error(r, 500, "database", "no free speaker id");
			return;
		}
		id = (int)next;
	}
	if (db_speaker_add(r->wa->db, (uint32_t)id, zone, name ? name : "", err,
	    sizeof(err)) != 0) {
		api_rollback(r);
		if (strstr(err, "UNIQUE") || strstr(err, "PRIMARY"))
			api_error(r, 409, "exists", "speaker %d exists already", id);
		else if (strstr(err, "FOREIGN KEY"))
			api_error(r, 400, "unknown_zone", "zone %s is not set up", zone);
		else
			api_error(r, 400, "bad_speaker", "%s", err);
		return;
	}
	api_audit(r, "speaker.add", "喇叭 %d，在 %s", id, zone);
	JsonObject *o = json_object_new();
	if (new_token(r, (uint32_t)id, zone, o) != 0) {
		api_rollback(r);
		json_object_unref(o);
		return;
	}
	if (api_commit(r) != 0) {
		json_object_unref(o);
		return;
	}
	api_reply(r, 201, api_object(o));
}

void
api_post_speaker_token(struct api_req *r)
{
	int64_t id;

	if (api_path_id(r, &id) != 0)
		return;
	JsonNode *rows = api_rows(r->wa, DB_LIST_SPEAKER_ZONE, DB_ARGS(id, r->who.zone));
	JsonArray *a = rows ? json_node_get_array(rows) : NULL;
	if (a == NULL || json_array_get_length(a) == 0) {
		if (rows)
			json_node_unref(rows);
		api_error(r, 404, "not_found", "no speaker %lld", (long long)id);
		return;
	}
	gchar *zone = g_strdup(json_object_get_string_member(
	    json_array_get_object_element(a, 0), "zone"));
	json_node_unref(rows);
	api_audit_about(r, zone);
	JsonObject *o = json_object_new();
	if (!api_begin(r) || new_token(r, (uint32_t)id, zone, o) != 0 ||
	    api_commit(r) != 0) {
		api_rollback(r);
		json_object_unref(o);
	} else {
		api_reply(r, 200, api_object(o));
	}
	g_free(zone);
}

