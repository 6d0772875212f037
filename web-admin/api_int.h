/*
 * api_int.h — inside web-admin/: what the JSON API's files share.
 * api_server.c owns the HTTP side (listening, who asks, size limits,
 * routing), api.c JSON in and out; api_routes.c and its neighbours the
 * resources.
 *
 * Conventions: JSON bodies in and out; 200/201 on success; errors are
 * {"error": {"status": N, "code": "...", "message": "..."}} with a 4xx/5xx
 * status; unknown fields in a body are an error, never ignored.
 */
#ifndef DALABA_WEB_API_INT_H
#define DALABA_WEB_API_INT_H

#include <json-glib/json-glib.h>

#include "scheduler/scheduler.h"
#include "web-admin/web_int.h"

#define API_MAX_BODY (64 * 1024)
#define ENROLL_TOKEN_TTL_S 86400	/* a printed enrolment command: a day */
/* Enrolment tokens one user may make in an hour: a township's boxes in an
 * afternoon, not a table filled by a script (the machine's token and the
 * CLI on the server are not limited). */
#define ENROLL_TOKENS_PER_HOUR 300

struct api_req {
	struct web_admin *wa;
	SoupServerMessage *msg;
	const char *method;
	char *parts[6];		/* path components after /api/v1/ */
	int nparts;
	GHashTable *query;	/* may be NULL */
	JsonObject *body;	/* POST bodies; NULL otherwise */
	char source[96];	/* "api:ADDRESS", for the audit log */
	struct web_principal who;	/* authenticated before routing */
	bool answered;
	/* Called in process by a page (web_call): the reply is kept here
	 * instead of being sent. */
	bool capture;
	int status;
	JsonNode *result;
	const char *err_field;	/* the body field an error is about */
	bool paused;		/* answered later (render jobs) */
	bool share_exempt;	/* not charged to its source (loop_share.h) */
	bool in_txn;		/* between api_begin and api_commit */
	const char *audit_zone;	/* what api_audit's entries are about; NULL:
				 * the caller's own zone */
	char zone_buf[13];	/* audit_zone's, when set by the checks */
	bool audit_failed;	/* an audit row of this transaction failed */
	/* A notice's targets as read from the body (pointing into it), and
	 * the zone holding them: struct db_notice points here. */
	char *zone_list[DB_NOTICE_MAX_ZONES];
	char zone_common[13];
};

/* Parse a JSON body: 0 with *out (json_object_unref), or -1 with the
 * error's code and message. Refuses invalid UTF-8, \u0000 and anything
 * but an object. The fuzz target's entry point. */
int api_parse_body(const char *data, size_t len, JsonObject **out,
    const char **code, char *msg, size_t msglen);

void api_reply(struct api_req *r, int status, JsonNode *node);
/* Send node (taken) as the JSON answer of msg, for answers made outside
 * a struct api_req (after a pause, before a body is read). */
void api_send(SoupServerMessage *msg, int status, JsonNode *node);
/* "Retry-After: seconds" (at least 1) on msg's answer. */
void api_retry_after(SoupServerMessage *msg, int seconds);
/* Answer msg with the file at path (api_download.c): in chunks read off
 * the loop, one Range honoured. msg may be paused (an answer made later):
 * it is unpaused as the file is read. 410 if it cannot be opened. */
void api_send_file(SoupServerMessage *msg, const char *path,
    const char *type);
/* {"error": {"status", "code", "message"}} */
JsonNode *api_error_node(int status, const char *code, const char *message);
void api_error(struct api_req *r, int status, const char *code,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Body fields. Each returns 0 (value set, or default when absent and not
 * required) or -1 having answered the request with a 400 that names the
 * field. */
int api_str(struct api_req *r, const char *name, bool required,
    size_t max_bytes, const char **out);
int api_int(struct api_req *r, const char *name, int min, int max, int def,
    int *out);
int api_bool(struct api_req *r, const char *name, bool def, bool *out);
/* 400 if the body has a field not in the NULL-terminated list. */
int api_only(struct api_req *r, JsonObject *o, const char *const *fields);

/* A listing of the store (scheduler/store.h: enum db_list) as a JSON array
 * of objects named by column; the values are DB_ARGS(...) or DB_NO_ARGS.
 * NULL on a database error (logged). */
JsonNode *api_rows(struct web_admin *wa, enum db_list which,
    const struct db_arg *args, int nargs);

/* Every change a request makes and its audit entry are one transaction:
 * api_begin (false: 503 answered, the store is busy), the writes and
 * their api_audit, then api_commit — which refuses the whole change (500
 * answered, everything rolled back) if an audit row could not be written
 * or the commit fails. api_rollback after a refused write. Effects beyond
 * the store (taking a notice off the air, starting a page) come after
 * api_commit succeeds. */
bool api_begin(struct api_req *r);
int api_commit(struct api_req *r);
void api_rollback(struct api_req *r);

/* Is there room on the disk for something new (a notice, a preview)?
 * If not, 507 "disk_full" has been answered. Pages never ask. */
bool api_room(struct api_req *r);

/* Would title and body, read repeat times at rate, fit in [dalabad]
 * item_max_minutes (chimes included)? If not, 400 "too_long_spoken" has
 * been answered. (api.c) */
bool api_spoken_fits(struct api_req *r, const char *title, const char *body,
    const char *voice, int rate, int repeat);
/* The same estimate, in seconds: what a CAP alert's repeats are fitted to. */
int api_spoken_seconds(const char *title, const char *body, const char *voice,
    int rate, int repeat);

/* Each source's share of the loop (api_guard.c, loop_share.h): may msg's
 * source start a request now? If not, 429 has been set (a Chinese page
 * when html, else the API's JSON error). Then charge it what it took
 * from t0. */
bool api_share_allow(struct web_admin *wa, SoupServerMessage *msg, bool html);
void api_share_charge(struct web_admin *wa, SoupServerMessage *msg, int64_t t0);
/* Is this API request spared the share (pages, CAP, the server's token)? */
bool api_share_exempt(const struct api_req *r, bool login);
/* libsoup's early handler of the API and the pages (api_guard.c): a
 * foreign host name or a body too large is refused from the headers. */
void api_early_checks(SoupServer *server, SoupServerMessage *msg,
    const char *path, GHashTable *query, gpointer data);
/* Each source's share of the loop: a burst, then a quarter of a second
 * each second (api_guard.c makes it; web_admin_start). */
struct loop_share *api_share_new(void);

/* Small shared pieces (api.c). */
/* Does the request match METHOD p0/ID[/p2] with nparts components? */
bool api_is(struct api_req *r, const char *method, int nparts, const char *p0,
    const char *p2);
/* The id in parts[1]; -1 having answered 404 if it is not one. */
int api_path_id(struct api_req *r, int64_t *id);
bool api_zone_code_ok(const char *s);	/* 6, 9 or 12 digits */
JsonNode *api_object(JsonObject *o);	/* takes o */
/* An audit row. Inside api_begin/api_commit a failure refuses the change;
 * outside (a refusal recorded) it is logged. 0 or -1. */
int api_audit(struct api_req *r, const char *action, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));


/* Authorisation, answering 403/404 itself when it returns false:
 * api_need_within: may the caller act in zone; api_need_county: is the
 * caller county staff. */
bool api_need_within(struct api_req *r, const char *zone);
/* Are zones[0..n) each a zone code, inside the caller's area, set up,
 * and none inside another? 0, or -1 having answered. */
int api_zones_ok(struct api_req *r, const char *const *zones, int n);
/* The smallest zone holding all of zones[0..n) (the township of two of
 * its villages; "" if they share no county). */
void api_zones_common(const char *const *zones, int n, char common[13]);
/* The zone the request's audit entries are about (the checks above set
 * it to what they allowed). */
void api_audit_about(struct api_req *r, const char *zone);
bool api_need_county(struct api_req *r);
/* May the caller see (act false) or act on (act true) something of zone
 * (NULL: there is no such thing)? If not, 404 has been answered when they
 * cannot even see it ("no WHAT ID"), else 403. */
bool api_zone_allowed(struct api_req *r, const char *zone, const char *what,
    int64_t id, bool act);
/* The same for notice id; acting on a notice of an emergency page is
 * 409 "page" (the page is what is acted on). */
bool api_notice_allowed(struct api_req *r, int64_t id, bool act);
/* One loudspeaker's volume, test tone and history (api_speaker.c). */
void api_post_speaker_volume(struct api_req *r);
void api_post_speaker_tone(struct api_req *r);
void api_get_speaker_history(struct api_req *r);
/* Lexicon, previews, audio and the timetable (api_media.c). */
void api_get_lexicon(struct api_req *r);
void api_post_lexicon(struct api_req *r);
void api_delete_lexicon(struct api_req *r);
void api_post_preview(struct api_req *r);
void api_get_notice_audio(struct api_req *r);
void api_get_broadcast_audio(struct api_req *r);
void api_get_timetable(struct api_req *r);
void api_post_notice_edit(struct api_req *r);

/* Notices (api_notices.c) and their schedules (api_schedules.c). */
void api_get_notices(struct api_req *r);
void api_get_notice(struct api_req *r);
void api_post_notice(struct api_req *r);
void api_cancel_notice(struct api_req *r);
void api_get_schedules(struct api_req *r);
void api_post_schedule(struct api_req *r);
void api_delete_schedule(struct api_req *r);
/* The fields of a schedule, in a POST schedules body or a notice's
 * "schedule" member; read o into s (0, or -1 having answered). */
extern const char *const api_schedule_fields[];
/* A listed notice's "zones" column ("code,code" or null) as the API
 * gives it: the list of its targets, its one zone if it has one. */
void api_notice_zones(JsonObject *o);
int api_read_schedule(struct api_req *r, JsonObject *o, struct db_schedule *s);
/* Store s inside the caller's transaction, within the limits per notice
 * and per user, audited; 0, or -1 having answered. */
int api_store_schedule(struct api_req *r, struct db_schedule *s);

/* Emergency pages (api_pages.c) and CAP alerts (api_cap.c). */
#define PAGE_MAX_ZONES 16
struct api_page {
	const char *text;	/* exactly what is read (a recorded page:
				 * what is shown) */
	const char *recording;	/* a recorded page: the key heard; NULL */
	const char *voice;
	const char *source;	/* "web", "api", "cap" */
	const char **zones;	/* NULL-terminated, checked */
	int repeat, volume, priority;
	int64_t expires_at;
	bool aired;		/* false: stored and logged, never aired */
	const char *reason;	/* why not aired, or what it replaced */
	const char *cap_sender, *cap_identifier, *cap_sent, *cap_status,
	    *cap_msgtype;
	/* Pages it replaces (a CAP Update): cancelled in the same step. */
	const int64_t *replaces;
	int nreplaces;
};
/* May the caller page at all (answers 403 if not)? */
bool api_may_page(struct api_req *r);
/* 1..PAGE_MAX_ZONES known zones within the caller's, none inside another;
 * -1 having answered if not. */
int api_page_zones_check(struct api_req *r, const char **zones, int n);
/* Store (one notice per zone) and audit with the exact text, cancelling
 * what it replaces, in one transaction; then put it on the air if
 * pg->aired. -1 having answered (and nothing changed). */
int api_page_create(struct api_req *r, const struct api_page *pg, int64_t *id);

/* The federation (fed.c), when [federation] is set: each page made here
 * goes down to the counties its area covers as CAP, and their coverage
 * comes back. fed_start 0, or -1 with err (a county's token or CA cannot
 * be read); fed_page_new after a page is stored and on the air (pg as
 * made, for its voice, class and what it replaces); fed_kick when a page
 * has been cancelled here, so the counties hear of it now; fed_page_json
 * adds "counties" and "federated" to a page's JSON (false: it went to no
 * county). */
int fed_start(struct web_admin *wa, char *err, size_t errlen);
void fed_stop(struct web_admin *wa);
void fed_page_new(struct web_admin *wa, int64_t id, const struct api_page *pg);
void fed_kick(struct web_admin *wa);
/* Does page id still go down to, or play in, a county below? */
bool fed_live(struct web_admin *wa, int64_t id);
bool fed_page_json(struct web_admin *wa, int64_t id, JsonObject *o);
/* Does text give the voice anything to say? A page of "。。。" or emoji
 * alone would go on the air silent and hold its zones until it expired.
 * false with why in err. */
bool api_page_speaks(const char *text, const char *voice, char *err,
    size_t errlen);
/* Inside the caller's transaction: cancel page id in the store and audit
 * it (why: a note for the audit line, may be NULL). 0, 1 it was not
 * active, -1 having answered. dalabad_alert_off_air after the commit. */
int api_page_cancel_stored(struct api_req *r, int64_t id, const char *why);
/* How zones are covered now: [{zone, speakers, enrolled, online}], and
 * in *unheard (taken by the caller) the codes of those none is online in. */
JsonArray *api_coverage(struct web_admin *wa, const char *const *zones, int n,
    JsonArray **unheard);
/* POST /api/v1/cap: the raw XML body, before any JSON parsing. */
void api_post_cap(struct api_req *r);

/* ---- recordings for voice notices (api_recordings.c) ---- */
/* POST recordings[?zone=]: the file as the body, imported, then
 * {"recording": KEY, "seconds", ...}; answered later (paused). */
void api_post_recording(struct api_req *r);
void api_get_recording_audio(struct api_req *r);
/* Forget the uploads waiting on imports: their archives are removed when
 * the imports end. Before the listeners stop. */
void api_recordings_stop(struct web_admin *wa);
/* May r use recording key (brought inside r's zone)? Its length in
 * milliseconds, or -1 having answered (400 unknown_recording). */
int64_t api_recording_usable(struct api_req *r, const char *key);
/* Is a recording of ms played repeat times within the item limit? Else
 * false having answered. */
bool api_recording_fits(struct api_req *r, int64_t ms, int repeat);
/* Import data for who in zone and answer msg when done: JSON, or for a
 * page a redirect to the form that uses it (a notice's, an alert's) or
 * back to the upload form with ?err=CODE. 0: msg paused, answered later;
 * else the HTTP status of a refusal made now, its code in err. */
enum { API_UPLOAD_JSON, API_UPLOAD_NOTICE, API_UPLOAD_ALERT };
int api_recording_start(struct web_admin *wa, SoupServerMessage *msg,
    const struct web_principal *who, const char *zone, const char *source,
    GBytes *data, int answer_as, char *err, size_t errlen);

/* The route table (routes.c): one for the API and the pages. Each API
 * request and page request goes to the first route whose method and path
 * pattern match; 0 handled, -1 no such route (the caller answers 404). */
int web_route_api(struct api_req *r);
int web_route_page(struct web_ctx *c);

/* The API's handlers the table names (each in the file of its resource). */
void api_get_status(struct api_req *r);
void api_get_zones(struct api_req *r);
void api_post_zone(struct api_req *r);
void api_get_speakers(struct api_req *r);
void api_get_speakers_summary(struct api_req *r);
void api_post_speaker(struct api_req *r);
void api_post_speaker_token(struct api_req *r);
void api_get_broadcasts(struct api_req *r);
void api_post_login(struct api_req *r);
void api_post_logout(struct api_req *r);
void api_get_users(struct api_req *r);
void api_post_user(struct api_req *r);
void api_post_user_disable(struct api_req *r);
void api_post_user_password(struct api_req *r);
void api_post_token(struct api_req *r);
void api_get_tokens(struct api_req *r);
void api_delete_token(struct api_req *r);
void api_get_audit(struct api_req *r);
void api_get_cached_audio(struct api_req *r);
void api_get_speak(struct api_req *r);
void api_get_coverage(struct api_req *r);
void api_post_alert(struct api_req *r);
void api_get_alerts(struct api_req *r);
void api_get_alert(struct api_req *r);
void api_cancel_alert(struct api_req *r);
void api_get_me(struct api_req *r);

#endif
