/*
 * api_pages.c — emergency pages in the JSON API: page (POST pages), the
 * live view's counts (GET pages/ID, polled by the page and the CLI),
 * the list, and cancel. CAP alerts (api_cap.c) become pages through the
 * same api_page_create, so every source is checked and audited alike.
 *
 * Who may page: county staff (and the machine token) within their zone;
 * township staff within their township when [pages] township = 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web-admin/api_int.h"
#include "broadcaster/log.h"
#include "tts/tts.h"

#define PAGE_MAX_TEXT 8192

bool
api_may_page(struct api_req *r)
{
	if (web_may_page(&r->who, r->wa->cfg->pages_township))
		return true;
	api_error(r, 403, "forbidden", "%s", r->who.role == WEB_TOWNSHIP ?
	    "township staff may not page here ([pages] township = 0): ask the "
	    "county duty officer" : "only county staff may page");
	return false;
}

int
api_page_zones_check(struct api_req *r, const char **zones, int n)
{
	if (n < 1 || n > PAGE_MAX_ZONES) {
		api_error(r, 400, "bad_zones", "a page needs 1 to %d target zones",
		    PAGE_MAX_ZONES);
		return -1;
	}
	return api_zones_ok(r, zones, n);
}

/* The zone a page's audit entries are about: what all its zones share
 * (the township of two of its villages), so each reader of the audit
 * log who may see the page sees them. */
static void
audit_about_zones(struct api_req *r, const char *zones)
{
	gchar **zs = g_strsplit(zones, " ", 0);
	char common[13];
	int n = 0;

	for (int i = 0; zs[i]; i++)
		if (zs[i][0])
			zs[n++] = zs[i];
	api_zones_common((const char *const *)zs, n, common);
	g_strfreev(zs);
	api_audit_about(r, common);
}

int
api_page_cancel_stored(struct api_req *r, int64_t id, const char *why)
{
	struct db_page p;
	char err[256];
	int rc;

	if (db_page_get(r->wa->db, id, &p) != 1) {
		api_error(r, 500, "database", "page %lld cannot be read",
		    (long long)id);
		return -1;
	}
	rc = db_page_cancel(r->wa->db, id, err, sizeof(err));
	/* Over here but still on the air in counties below: cancelled, so
	 * the federation takes it off there. */
	if (rc == 1 && fed_live(r->wa, id))
		rc = db_page_cancel_ended(r->wa->db, id, err, sizeof(err));
	audit_about_zones(r, p.zones);
	if (rc == 0)
		api_audit(r, "page.cancel", "紧急广播 %lld，播给 %s%s%s：%s",
		    (long long)id, p.zones, why ? "，" : "", why ? why : "",
		    p.body);
	else if (rc < 0)
		api_error(r, 500, "database", "page %lld: %s", (long long)id, err);
	db_page_clear(&p);
	return rc;
}

bool
api_page_speaks(const char *text, const char *voice, char *err, size_t errlen)
{
	const struct tts_voice *v = tts_voice_find(voice ? voice : "mandarin");
	char *spoken = v ? tts_spoken_text(text, strlen(text), v, NULL, err,
	    errlen) : NULL;

	if (v == NULL)
		snprintf(err, errlen, "no voice \"%.32s\"", voice);
	free(spoken);
	return spoken != NULL;
}

int
api_page_create(struct api_req *r, const struct api_page *pg, int64_t *id)
{
	struct db_page p = { .created_by = r->who.user_id, .source = pg->source,
	    .body = pg->text, .repeat = pg->repeat, .volume = pg->volume,
	    .expires_at = pg->expires_at, .state = pg->aired ? "active" :
	    "logged", .reason = pg->reason, .cap_sender = pg->cap_sender,
	    .cap_identifier = pg->cap_identifier, .cap_sent = pg->cap_sent,
	    .cap_status = pg->cap_status, .cap_msgtype = pg->cap_msgtype };
	char err[256];
	gchar *zones = g_strjoinv(" ", (gchar **)(uintptr_t)pg->zones);
	int64_t nid;

	p.zones = zones;
	if (!api_begin(r)) {
		g_free(zones);
		return -1;
	}
	/* What it replaces goes in the same step: a refused page cancels
	 * nothing, an accepted one leaves no gap. */
	gchar *by = g_strdup_printf("被上级平台的更新 %s 取代",
	    pg->cap_identifier ? pg->cap_identifier : "");
	for (int i = 0; i < pg->nreplaces; i++)
		if (api_page_cancel_stored(r, pg->replaces[i], by) < 0) {
			g_free(by);
			goto refused;
		}
	g_free(by);
	if (db_page_add(r->wa->db, &p, id, err, sizeof(err)) != 0)
		goto fail;
	for (int i = 0; pg->aired && pg->zones[i]; i++) {
		struct db_notice n = { .body = pg->text, .voice = pg->voice,
		    .repeat = pg->repeat, .chime = 1, .priority = pg->priority,
		    .zone = pg->zones[i], .created_by = r->who.user_id,
		    .page_id = *id, .recording = pg->recording };
		if (db_notice_add(r->wa->db, &n, &nid, err, sizeof(err)) != 0)
			goto fail;
	}
	audit_about_zones(r, zones);
	GDateTime *eu = g_date_time_new_from_unix_utc(pg->expires_at);
	GDateTime *el = eu ? g_date_time_to_timezone(eu, dalabad_tz(r->wa->d)) :
	    NULL;
	gchar *exp = el ? g_date_time_format(el, "%Y-%m-%d %H:%M") :
	    g_strdup("?");
	const char *why = web_reason_fixed_zh(pg->reason) ?
	    web_reason_fixed_zh(pg->reason) : pg->reason;
	api_audit(r, pg->aired ? "page.create" : "page.logged", "紧急广播 %lld"
	    "（从%s%s%s%s%s，%s），播给 %s，%s，读 %d 遍，音量 %d，%s 为止%s%s：%s",
	    (long long)*id, web_word_zh(pg->source), pg->cap_msgtype ? "，" : "",
	    pg->cap_msgtype ? web_word_zh(pg->cap_msgtype) : "",
	    pg->cap_identifier ? " " : "", pg->cap_identifier ?
	    pg->cap_identifier : "", web_word_zh(pg->cap_status ? pg->cap_status :
	    "Actual"), zones, html_class_zh(dalabad_class_names[pg->priority]),
	    pg->repeat, pg->volume, exp, why ? "；" : "", why ? why : "",
	    pg->text);
	g_free(exp);
	if (el)
		g_date_time_unref(el);
	if (eu)
		g_date_time_unref(eu);
	if (api_commit(r) != 0) {
		g_free(zones);
		return -1;
	}
	for (int i = 0; i < pg->nreplaces; i++)
		dalabad_alert_off_air(r->wa->d, pg->replaces[i]);
	dlog(LOG_NOTICE, "page %lld %s by %s (%s) to %s: %.200s", (long long)*id,
	    pg->aired ? "issued" : "logged, not aired", r->who.name, pg->source,
	    zones, pg->text);
	g_free(zones);
	if (pg->aired && dalabad_alert_start(r->wa->d, *id, err, sizeof(err)) != 0
	    && r->wa->fed == NULL)
		dlog(LOG_ERR, "%s", err);	/* a province may have no boxes */
	fed_page_new(r->wa, *id, pg);
	return 0;
fail:
	api_error(r, 400, "refused", "the page was not stored: %s", err);
refused:
	api_rollback(r);
	g_free(zones);
	return -1;
}

/* ---- the live view ---------------------------------------------------- */

#define UNCONFIRMED_LISTED 100	/* the rest are counted, not named */

struct unconfirmed {
	JsonArray *a;
	GHashTable *online;	/* speaker id -> 1 when online now */
};

static void
add_unconfirmed(const struct db_speaker_row *s, void *arg)
{
	struct unconfirmed *u = arg;
	JsonObject *o = json_object_new();

	json_object_set_int_member(o, "id", s->id);
	json_object_set_string_member(o, "name", s->name);
	json_object_set_string_member(o, "zone", s->zone);
	json_object_set_boolean_member(o, "enrolled", s->enrolled);
	json_object_set_boolean_member(o, "online", g_hash_table_contains(
	    u->online, GUINT_TO_POINTER(s->id)));
	json_array_add_object_element(u->a, o);
}

/* How each zone is covered right now: its loudspeakers, how many have
 * enrolled, how many are online. A zone where none is online is named in
 * *unheard (a JSON array of codes), so that no page can look complete
 * while a village hears nothing. */
JsonArray *
api_coverage(struct web_admin *wa, const char *const *zones, int n,
    JsonArray **unheard)
{
	const struct web_reg_view *rv = web_reg_view(wa);
	JsonArray *a = json_array_new();

	*unheard = json_array_new();
	for (int i = 0; i < n; i++) {
		struct bcast_zone z, sz;
		int total = 0, enrolled = 0, online = 0;
		db_zone_speakers(wa->db, zones[i], &total, &enrolled);
		bcast_zone_parse(zones[i], &z);
		for (size_t k = 0; k < rv->nzones; k++)
			if (rv->zones[k].online &&
			    bcast_zone_parse(rv->zones[k].zone, &sz) == 0 &&
			    bcast_zone_covers(&z, &sz))
				online += rv->zones[k].online;
		JsonObject *o = json_object_new();
		json_object_set_string_member(o, "zone", zones[i]);
		json_object_set_int_member(o, "speakers", total);
		json_object_set_int_member(o, "enrolled", enrolled);
		json_object_set_int_member(o, "online", online);
		json_array_add_object_element(a, o);
		if (online == 0)
			json_array_add_string_element(*unheard, zones[i]);
	}
	return a;
}

/* The page as the API shows it (detail: its coverage now, and which
 * targets have not confirmed). */
static JsonObject *
page_json(struct web_admin *wa, const struct db_page *p, bool detail)
{
	int64_t id = p->id;
	int targets, confirmed;
	JsonObject *o;

	db_page_counts(wa->db, id, &targets, &confirmed);
	o = json_object_new();
	json_object_set_int_member(o, "id", p->id);
	json_object_set_string_member(o, "state", p->state);
	json_object_set_boolean_member(o, "on_air", dalabad_alert_live(wa->d, id));
	json_object_set_string_member(o, "source", p->source);
	json_object_set_string_member(o, "text", p->body);
	JsonArray *z = json_array_new();
	gchar **zs = g_strsplit(p->zones, " ", 0);
	for (int i = 0; zs[i]; i++)
		if (zs[i][0])
			json_array_add_string_element(z, zs[i]);
	json_object_set_array_member(o, "zones", z);
	json_object_set_int_member(o, "repeat", p->repeat);
	json_object_set_int_member(o, "volume", p->volume);
	json_object_set_int_member(o, "created_at", p->created_at);
	json_object_set_int_member(o, "expires_at", p->expires_at);
	if (p->ended_at)
		json_object_set_int_member(o, "ended_at", p->ended_at);
	if (p->reason)
		json_object_set_string_member(o, "reason", p->reason);
	json_object_set_int_member(o, "targets", targets);
	json_object_set_int_member(o, "confirmed", confirmed);
	json_object_set_int_member(o, "playing", dalabad_alert_playing(wa->d, id));
	if (p->cap_identifier) {
		JsonObject *c = json_object_new();
		json_object_set_string_member(c, "sender", p->cap_sender);
		json_object_set_string_member(c, "identifier", p->cap_identifier);
		json_object_set_string_member(c, "sent", p->cap_sent);
		json_object_set_string_member(c, "status", p->cap_status);
		json_object_set_string_member(c, "msgType", p->cap_msgtype);
		json_object_set_object_member(o, "cap", c);
	}
	fed_page_json(wa, id, o);
	if (detail) {
		JsonArray *unheard;
		json_object_set_array_member(o, "coverage", api_coverage(wa,
		    (const char *const *)zs, (int)g_strv_length(zs), &unheard));
		json_object_set_array_member(o, "unheard", unheard);
		const struct web_reg_view *rv = web_reg_view(wa);
		const struct bcast_speaker_info *v = rv->v;
		struct unconfirmed u = { json_array_new(),
		    g_hash_table_new(g_direct_hash, g_direct_equal) };
		for (size_t k = 0; v && k < rv->n; k++)
			if (v[k].online)
				g_hash_table_add(u.online, GUINT_TO_POINTER(v[k].id));
		db_page_unconfirmed_each(wa->db, id, UNCONFIRMED_LISTED,
		    add_unconfirmed, &u);
		json_object_set_array_member(o, "unconfirmed", u.a);
		json_object_set_int_member(o, "unconfirmed_count",
		    targets - confirmed);
		g_hash_table_destroy(u.online);
	}
	g_strfreev(zs);
	return o;
}

/* The same, read from the store first. */
static JsonObject *
page_json_by_id(struct web_admin *wa, int64_t id, bool detail)
{
	struct db_page p;
	JsonObject *o;

	if (db_page_get(wa->db, id, &p) != 1)
		return NULL;
	o = page_json(wa, &p, detail);
	db_page_clear(&p);
	return o;
}

/* The level of whoever issued a page: a township cadre may stop a page
 * of their township's, never the county's (nor a CAP alert, nor one
 * from the machine's token). */
static int
issuer_role(struct api_req *r, const struct db_page *p)
{
	struct db_user u;
	int role;

	if (p->created_by == 0 || db_user_by_id(r->wa->db, p->created_by, &u) != 1 ||
	    (role = web_role_parse(u.role)) < 0)
		return WEB_COUNTY;
	return role;
}

/* May the caller see (act false) or cancel (act true) page id? If so
 * *p is the page (db_page_clear it); if not, 404/403 has been answered. */
static bool
page_allowed(struct api_req *r, int64_t id, bool act, struct db_page *p)
{
	bool sees = false, within = true;

	if (db_page_get(r->wa->db, id, p) != 1) {
		api_error(r, 404, "not_found", "no page %lld", (long long)id);
		return false;
	}
	gchar **zs = g_strsplit(p->zones, " ", 0);
	for (int i = 0; zs[i]; i++) {
		sees = sees || web_sees(&r->who, zs[i]);
		within = within && web_within(&r->who, zs[i]);
	}
	g_strfreev(zs);
	if (!sees)
		api_error(r, 404, "not_found", "no page %lld", (long long)id);
	else if (act && (!within || !api_may_page(r)) && !r->answered)
		api_error(r, 403, "forbidden", "page %lld reaches beyond your zone",
		    (long long)id);
	else if (act && r->who.user_id != 0 && (int)r->who.role < issuer_role(r, p))
		api_error(r, 403, "forbidden", "page %lld was issued by %s staff: "
		    "only they, or staff above them, may stop it", (long long)id,
		    web_role_name((enum web_role)issuer_role(r, p)));
	if (r->answered)
		db_page_clear(p);
	return !r->answered;
}

/* ---- the resources --------------------------------------------------------- */

void
api_post_alert(struct api_req *r)
{
	static const char *const fields[] = { "text", "zones", "zone", "repeat",
	    "volume", "expires_minutes", "voice", "recording", NULL };
	struct api_page pg = { .source = r->who.by_session ? "web" : "api",
	    .priority = BCAST_PRIO_EMERGENCY, .aired = true };
	const char *zones[PAGE_MAX_ZONES + 1] = { 0 }, *zone = NULL;
	int minutes, n = 0;
	int64_t id;

	int64_t rec_ms = 0;

	if (!api_may_page(r) || api_only(r, r->body, fields) != 0 ||
	    api_str(r, "recording", false, DB_RECORDING_KEY_LEN,
	    &pg.recording) != 0)
		return;
	if (pg.recording && (rec_ms = api_recording_usable(r,
	    pg.recording)) < 0)
		return;
	if (api_str(r, "text", pg.recording == NULL, PAGE_MAX_TEXT,
	    &pg.text) != 0 ||
	    api_str(r, "zone", false, 12, &zone) != 0 ||
	    api_int(r, "repeat", 1, 10, 2, &pg.repeat) != 0 ||
	    api_int(r, "volume", 0, 100, 100, &pg.volume) != 0 ||
	    api_int(r, "expires_minutes", 1, 24 * 60,
	    r->wa->cfg->page_expires_s / 60, &minutes) != 0 ||
	    api_str(r, "voice", false, 32, &pg.voice) != 0)
		return;
	if (pg.voice == NULL)
		pg.voice = "mandarin";
	if (tts_voice_find(pg.voice) == NULL) {
		api_error(r, 400, "bad_voice", "no voice \"%.32s\"", pg.voice);
		return;
	}
	if (pg.recording) {
		/* Heard, not read: the text (if any) is what the live view
		 * and the history show. */
		if (pg.text == NULL || pg.text[strspn(pg.text, " \t\r\n")] ==
		    '\0')
			pg.text = "录音紧急广播";
		if (!api_recording_fits(r, rec_ms, pg.repeat))
			return;
		goto zones;
	}
	if (pg.text[strspn(pg.text, " \t\r\n")] == '\0') {
		api_error(r, 400, "empty_text", "the page has no text");
		return;
	}
	char why[256];
	if (!api_page_speaks(pg.text, pg.voice, why, sizeof(why))) {
		r->err_field = "text";
		api_error(r, 400, "no_speech", "the page has nothing to read "
		    "aloud (%s)", why);
		return;
	}
	if (!api_spoken_fits(r, NULL, pg.text, pg.voice, 0, pg.repeat))
		return;
zones:
	if (json_object_has_member(r->body, "zones")) {
		JsonNode *zn = json_object_get_member(r->body, "zones");
		JsonArray *za = JSON_NODE_HOLDS_ARRAY(zn) ?
		    json_node_get_array(zn) : NULL;
		for (guint i = 0; za && i < json_array_get_length(za); i++) {
			JsonNode *e = json_array_get_element(za, i);
			if (n == PAGE_MAX_ZONES || !JSON_NODE_HOLDS_VALUE(e) ||
			    json_node_get_value_type(e) != G_TYPE_STRING) {
				za = NULL;
				break;
			}
			zones[n++] = json_node_get_string(e);
		}
		if (za == NULL) {
			api_error(r, 400, "bad_zones", "zones: a list of up to %d "
			    "zone codes", PAGE_MAX_ZONES);
			return;
		}
	}
	if (zone != NULL && n < PAGE_MAX_ZONES)
		zones[n++] = zone;
	if (api_page_zones_check(r, zones, n) != 0)
		return;
	pg.zones = zones;
	pg.expires_at = dalabad_now() + minutes * 60;
	if (api_page_create(r, &pg, &id) != 0)
		return;
	api_reply(r, 201, api_object(page_json_by_id(r->wa, id, true)));
}

void
api_get_alert(struct api_req *r)
{
	int64_t id;
	struct db_page p;

	if (api_path_id(r, &id) != 0 || !page_allowed(r, id, false, &p))
		return;
	api_reply(r, 200, api_object(page_json(r->wa, &p, true)));
	db_page_clear(&p);
}

struct list {
	struct api_req *r;
	JsonArray *a;
};

static void
list_one(const struct db_page *p, void *arg)
{
	struct list *l = arg;
	json_array_add_object_element(l->a, page_json(l->r->wa, p, false));
}

void
api_get_alerts(struct api_req *r)
{
	struct list l = { r, json_array_new() };
	JsonNode *n = json_node_new(JSON_NODE_ARRAY);

	db_page_each(r->wa->db, r->who.zone, 50, list_one, &l);
	json_node_take_array(n, l.a);
	api_reply(r, 200, n);
}

void
api_cancel_alert(struct api_req *r)
{
	int64_t id;
	struct db_page p;

	if (api_path_id(r, &id) != 0 || !page_allowed(r, id, true, &p))
		return;
	db_page_clear(&p);
	if (!api_begin(r))
		return;
	int rc = api_page_cancel_stored(r, id, NULL);
	if (rc != 0) {
		api_rollback(r);
		if (rc > 0)
			api_error(r, 409, "not_active", "page %lld is no longer on "
			    "the air", (long long)id);
		return;
	}
	if (api_commit(r) != 0)
		return;
	dalabad_alert_off_air(r->wa->d, id);
	fed_kick(r->wa);
	dlog(LOG_NOTICE, "page %lld cancelled by %s", (long long)id, r->who.name);
	api_reply(r, 200, api_object(page_json_by_id(r->wa, id, true)));
}

/* GET coverage?zones=CODE[,CODE...]: how the zones a page would reach
 * are covered now (the confirm step asks before anything is sent). */
void
api_get_coverage(struct api_req *r)
{
	const char *q = r->query ? g_hash_table_lookup(r->query, "zones") : NULL;
	gchar **zs = g_strsplit(q ? q : "", ",", PAGE_MAX_ZONES + 1);
	int n = (int)g_strv_length(zs);

	if (n < 1 || n > PAGE_MAX_ZONES) {
		api_error(r, 400, "bad_zones", "zones: 1 to %d zone codes, comma "
		    "separated", PAGE_MAX_ZONES);
		goto out;
	}
	for (int i = 0; i < n; i++) {
		if (!api_zone_code_ok(zs[i])) {
			api_error(r, 400, "bad_zone", "\"%.40s\" is not a zone code",
			    zs[i]);
			goto out;
		}
		if (!web_sees(&r->who, zs[i]) || db_zone_drills(r->wa->db,
		    zs[i]) < 0) {
			api_error(r, 404, "not_found", "no zone %s", zs[i]);
			goto out;
		}
	}
	JsonArray *unheard;
	JsonObject *o = json_object_new();
	json_object_set_array_member(o, "coverage", api_coverage(r->wa,
	    (const char *const *)zs, n, &unheard));
	json_object_set_array_member(o, "unheard", unheard);
	api_reply(r, 200, api_object(o));
out:
	g_strfreev(zs);
}

