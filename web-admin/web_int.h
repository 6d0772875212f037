/*
 * web_int.h — inside web-admin/: what its files share. session.c keeps
 * logins and the limiter, html.c writes pages (escaping everything that
 * came from outside), page_*.c are the pages, web.c routes to them.
 */
#ifndef DALABA_WEB_INT_H
#define DALABA_WEB_INT_H

#include <json-glib/json-glib.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libsoup/soup.h>

#include "scheduler/scheduler.h"
#include "web-admin/web.h"

struct api_req;
struct http_gate;
struct loop_share;
struct web_logins;

/* The registry counted by zone (reg_view.c): what the pages and the API
 * read about many boxes at once. */
struct web_reg_tally {
	char zone[13];			/* a box's zone, as the registry has it */
	int known, online, playing;
};
struct web_reg_view {
	struct bcast_speaker_info *v;	/* the snapshot, in registry order */
	size_t n;
	struct web_reg_tally *zones;	/* by zone, in code order */
	size_t nzones;
	int64_t at_us, cost_us;		/* when taken (monotonic), and its cost */
};
/* The current view: taken afresh when the last is older than a few times
 * what it cost (at most a second). Owned by wa; valid until the next
 * call, so read it within one callback of the loop. */
const struct web_reg_view *web_reg_view(struct web_admin *wa);
void web_reg_view_clear(struct web_admin *wa);

/* The HTTP side's state: the scheduler it serves and its listeners. */
struct web_admin {
	struct dalabad *d;		/* scheduler/scheduler.h */
	struct db *db;			/* the scheduler's store */
	const struct dalabad_config *cfg;	/* current across reloads */
	SoupServer *api, *enroll;
	struct http_gate *api_gate, *enroll_gate;	/* who gets in */
	struct loop_share *api_share;	/* each source's share of the loop */
	char token[65];			/* the machine's API bearer token */
	char metrics_token[65];		/* /metrics's, and nothing else's */
	/* Answers the API's listener gave, by status (100..599; metrics.c). */
	uint64_t http_answers[600];
	struct web_logins *logins;	/* password work in flight */
	struct web_reg_view reg_view;	/* reg_view.c */
	/* GET zones as last answered (sealed), for zones_who, while the
	 * store's zones_gen is zones_gen (api_routes.c). */
	JsonNode *zones_rows;
	char zones_who[13];
	uint64_t zones_gen;
	/* The today page's costly sections by user zone (page_today.c). */
	GHashTable *today_parts;
	/* Uploads waiting on their import (api_recordings.c). */
	GHashTable *uploads;
	/* A province's or city's counties below (fed.c); NULL for a county. */
	struct fed *fed;
};


enum web_role { WEB_VILLAGE = 0, WEB_TOWNSHIP = 1, WEB_COUNTY = 2 };

/* Who is asking. */
struct web_principal {
	int64_t user_id;		/* 0: the machine's own token (api.token) */
	char name[DB_NAME_MAX + 1];
	enum web_role role;
	char zone[13];			/* "" for the machine's token: everywhere */
	bool by_session;		/* a cookie: writes must carry csrf */
	char csrf[33];
	char session_hash[65];
};

/* ---- roles and zones (authz.c; pure) ----
 * A zone is a division code; a longer code lies inside every code that is
 * its prefix (county 6 digits > township 9 > village 12). */
const char *web_role_name(enum web_role r);
int web_role_parse(const char *s);	/* -1 if unknown */
/* May p act on something in zone (zone inside p's own)? */
bool web_within(const struct web_principal *p, const char *zone);
/* May p see it (inside p's zone, or an area that contains p's zone, such
 * as the township notice that airs in p's village)? */
bool web_sees(const struct web_principal *p, const char *zone);
/* The highest notice class (0 village .. 2 county) p may send. */
int web_max_class(const struct web_principal *p);
bool web_is_county(const struct web_principal *p);
/* May p issue emergency pages (inside their zone)? County staff may;
 * township staff when township_pages ([pages] township) is on. */
bool web_may_page(const struct web_principal *p, bool township_pages);
/* Does a role fit a zone code's length? */
bool web_role_fits(enum web_role r, const char *zone);

/* ---- authentication (session.c) ---- */
/* 1 with *p filled if the request carries a valid credential, else 0. */
int web_authenticate(struct web_admin *wa, SoupServerMessage *msg,
    struct web_principal *p);
/* The hex BLAKE2b hash under which a secret (session, API or enrolment
 * token) is stored: a copy of the database lets nobody in. */
void web_secret_hash(const char *secret, char out[65]);
/* The CSRF token a cookie-authenticated write must carry. */
bool web_csrf_ok(const struct web_principal *p, const char *token);

/* ---- passwords (password.c) ---- */
#define WEB_PASSWORD_MIN 8
#define WEB_PASSWORD_MAX 128
#define WEB_PASSWORD_GEN 16	/* characters of a password dalaba makes */
#define WEB_TOKENS_MAX 20	/* live API tokens per user */
/* argon2id (crypto_pwhash_str). 0, or -1 out of memory. */
int web_password_hash(const char *pw, char out[DB_PWHASH_MAX + 1]);
/* A readable random password of n - 1 characters. */
void web_password_generate(char *out, size_t n);
/* Create a user (the CLI's bootstrap path and the API's). role/zone are
 * checked; pw NULL makes one, returned in gen (if non-NULL). */
int web_user_create(struct db *db, const char *name, const char *role,
    const char *zone, const char *pw, char *gen, size_t genlen,
    int64_t *id, char *err, size_t errlen);


/* ---- form bodies (form.c): strict application/x-www-form-urlencoded.
 * At most WEB_FORM_MAX_FIELDS fields, names [a-z0-9_] up to 32 bytes,
 * values valid UTF-8 without NUL; a repeated name joins its values with
 * ','. Returns a table name -> value (g_hash_table_unref), or NULL with
 * err set. */
#define WEB_FORM_MAX_FIELDS 64
#define WEB_FORM_MAX_BYTES (64 * 1024)
GHashTable *web_form_parse(const char *data, size_t len, char *err,
    size_t errlen);
/* ---- typed.c: a Chinese keyboard's digits and punctuation ----
 * s (valid UTF-8) with full-width ASCII, the ideographic space, 、 and
 * dashes made ASCII and the ends trimmed; a list's items (list true)
 * joined by single commas whatever separated them. g_free the result. */
char *web_fold_typed(const char *s, bool list);
/* web_fold_typed on a page form's time, date, number and list fields;
 * each as typed is kept under "=NAME" (web_field_typed). */
void web_form_fold(GHashTable *form);


#define WEB_COOKIE "dalaba_session"
#define WEB_SESSION_S (12 * 3600)	/* a working day, then log in again */
#define WEB_LOGIN_THREADS 4		/* password checks at once (64 MiB each) */
#define WEB_LOGIN_PENDING 64		/* logins checking, queued or delayed */

/* ---- the limiter (limiter.c): guessing slowed, never a lock-out ---- */
struct web_limiter;
struct web_limiter *web_limiter_new(void);
void web_limiter_free(struct web_limiter *l);	/* NULL is a no-op */
/* May name's password be tried from source at now (seconds, any clock)?
 * 0: yes, after *delay_ms (a name many sources are failing on is slowed
 * for all); else the seconds to wait first. */
int web_limiter_check(struct web_limiter *l, const char *name,
    const char *source, int64_t now, int *delay_ms);
void web_limiter_failed(struct web_limiter *l, const char *name,
    const char *source, int64_t now);
void web_limiter_succeeded(struct web_limiter *l, const char *name,
    const char *source);
/* A try is counted as failed before it is checked (tries made at once
 * are all counted); one that was right is taken back with refund. */
void web_limiter_refund(struct web_limiter *l, const char *name,
    const char *source, int64_t now);
size_t web_limiter_size(const struct web_limiter *l);	/* entries kept */

struct web_logins {
	struct web_limiter *lim;
	int verifying;		/* password checks in flight */
	GQueue *queue;		/* logins waiting for a check thread */
	GQueue *waiting;	/* logins waiting out a delay */
	int delayed;
	bool stopped;		/* freed by the last check to finish */
	bool tls;
};

/* ---- logins (session.c) ---- */
enum web_login_outcome { WEB_LOGIN_OK, WEB_LOGIN_BAD, WEB_LOGIN_LIMITED,
    WEB_LOGIN_BUSY };
/* cookie is the new session's secret (OK only); wait_s how long to wait
 * before trying again (LIMITED only). */
typedef void (*web_login_fn)(struct web_admin *wa, SoupServerMessage *msg,
    enum web_login_outcome outcome, const struct web_principal *p,
    const char *cookie, int wait_s, void *arg);
/* Check a name and password off the loop; done runs on the loop, at once
 * for a refusal by the limiter, else later with msg paused meanwhile. */
void web_login(struct web_admin *wa, SoupServerMessage *msg, const char *name,
    const char *pw, web_login_fn done, void *arg);
void web_logout(struct web_admin *wa, const struct web_principal *p);
/* May this request log in? A browser's Origin (or Sec-Fetch-Site) must
 * be this server's own: an auto-submitting form on another site must not
 * log a victim in as someone else (login CSRF). Programs that send no
 * Origin, such as the CLI and curl, may. */
bool web_login_origin_ok(struct web_admin *wa, SoupServerMessage *msg);
/* A request's password work, off the loop on the login threads: the
 * current password checked against hash (throttled per name and source
 * like logins), or a new one hashed. PENDING: msg is paused and will be
 * run again from its start (web_rerun) once the result is known; the
 * caller returns at once having answered nothing. DONE: *ok / out hold
 * the result. LIMITED: wait *wait_s (answer 429); BUSY: too much work
 * waiting (answer 503). */
enum web_pw { WEB_PW_DONE, WEB_PW_PENDING, WEB_PW_LIMITED, WEB_PW_BUSY };
enum web_pw web_pw_verify(struct web_admin *wa, SoupServerMessage *msg,
    const char *name, const char *hash, const char *pw, bool *ok,
    int *wait_s);
enum web_pw web_pw_hash(struct web_admin *wa, SoupServerMessage *msg,
    const char *pw, char out[DB_PWHASH_MAX + 1]);
/* A password made for this request, the same on each of its runs. */
const char *web_pw_generated(SoupServerMessage *msg);
/* Run a paused request again from its start (api_server.c: the API's
 * handler or the pages'). */
void web_rerun(struct web_admin *wa, SoupServerMessage *msg);
/* At stop: drop the logins not yet checking; w is freed once the last
 * check running on a thread is back. */
void web_logins_stop(struct web_logins *w);
/* The pages' handler on wa->api, and the logins' state (web.c). */
int web_start(struct web_admin *wa, char *err, size_t errlen);
/* libsoup's handler of the pages (its data is the struct web_admin). */
void web_page_handler(SoupServer *server, SoupServerMessage *msg,
    const char *path, GHashTable *query, gpointer data);
void web_stop(struct web_admin *wa);
/* Set-Cookie for a session secret; NULL clears it. */
void web_set_cookie(struct web_admin *wa, SoupServerMessage *msg,
    const char *cookie);
/* Fill p from the user's row. 0, or -1 if gone or disabled. */
int web_principal_load(struct web_admin *wa, int64_t user_id,
    struct web_principal *p);
/* STATE_DIR/name's token (64 hex digits) into token, made and written
 * there (0600) if there is none (api_server.c). 0, or -1 with err. */
int web_token_load(struct web_admin *wa, const char *name, char token[65],
    char *err, size_t errlen);

/* "web:ADDR" / "api:ADDR" for the audit log. */
void web_source(SoupServerMessage *msg, const char *kind, char *out,
    size_t n);

/* ---- credentials in headers (credential.c, fuzzed) ---- */
/* The session secret (64 hex digits) of a Cookie header's value
 * ("a=b; dalaba_session=HEX; ..."; NULL: none), into out. */
bool web_cookie_secret(const char *header, char out[65]);
/* The token of an Authorization header's value, "Bearer " and 64 hex
 * digits exactly (NULL: none), into out. */
bool web_bearer_secret(const char *header, char out[65]);

/* ---- a page request (web.c) ---- */
struct web_ctx {
	struct web_admin *wa;
	SoupServerMessage *msg;
	const char *method;
	char *parts[6];
	int nparts;
	GHashTable *query;	/* may be NULL */
	GHashTable *form;	/* POST fields; NULL otherwise */
	struct web_principal who;
	GPtrArray *keep;	/* strings freed with the request */
	struct tts_lexicon *lex;	/* loaded by the first web_reading */
	char source[96];
	bool pending;		/* waiting on password work or an import:
				 * answer nothing */
	GBytes *upload;		/* a multipart form's file (POST recordings) */
	int refresh_s;		/* >0: the page looks again by itself after
				 * this long (a test tone's answer; no script) */
	const char *refresh_to;	/* at this address (escaped); NULL itself */
};

/* Escape s for HTML text and attributes; owned by c. NULL gives "". */
const char *web_esc(struct web_ctx *c, const char *s);
/* A form field or query value, or def. */
const char *web_field(struct web_ctx *c, const char *name, const char *def);
/* A form field as it was typed, before web_form_fold; for showing a
 * refused form again. */
const char *web_field_typed(struct web_ctx *c, const char *name,
    const char *def);
const char *web_qarg(struct web_ctx *c, const char *name, const char *def);

/* Call the JSON API as the page's user, in process. *out (may be NULL) is
 * the reply (json_node_unref); the status is returned. On an error, msg
 * gets the reason in Chinese. WEB_PENDING: the call waits on password
 * work (c->pending): the page must answer nothing, as it will run again
 * from its start (web_rerun). */
#define WEB_PENDING 0
int web_call(struct web_ctx *c, const char *method, const char *path,
    JsonObject *body, JsonNode **out, char *msg, size_t msglen);

/* GET an API resource as the page's user; NULL unless 200. */
JsonNode *web_get(struct web_ctx *c, const char *path);
/* A member of an API answer: NULL / 0 when absent or null. */
const char *web_jstr(JsonObject *o, const char *name);
int64_t web_jnum(JsonObject *o, const char *name);
/* The rows of a speakers/summary answer (a may be NULL) added up. */
struct web_speaker_totals { int64_t speakers, online, playing, enrolled; };
void web_speaker_totals(JsonArray *a, struct web_speaker_totals *t);

/* The words eSpeak NG will be given for text (normalised, the store's
 * lexicon applied), malloc'd; NULL with err. */
char *web_reading(struct web_ctx *c, const char *text, const char *voice,
    char *err, size_t errlen);

/* ---- html.c ---- */
GString *html_begin(struct web_ctx *c, const char *title, const char *nav);
void html_end(struct web_ctx *c, GString *g, int status);
void html_redirect(struct web_ctx *c, const char *to);
void html_error_page(struct web_ctx *c, int status, const char *what);
/* The second tap before what cannot be undone: what_esc says what will
 * happen; a red button (label) posts action again with confirm=1; a
 * plain one goes back to back. Works without JavaScript. */
void html_confirm_page(struct web_ctx *c, const char *title,
    const char *what_esc, const char *action, const char *label,
    const char *back);
void html_notice_box(GString *g, const char *kind, const char *text_esc);
/* ---- nav.c ---- */
/* The six big buttons (on: the page's own, or one behind 更多). */
void html_nav(GString *g, const char *on);
/* 退出: a POST form of its own, outlined, apart from the navigation. */
void html_logout_button(struct web_ctx *c, GString *g);

/* ---- page_targets.c ---- */
/* The write form's field for several places of the user's area (shown
 * for an area of more than one village): zone_pick.c's chooser on the
 * field WEB_TARGETS, ticked as submitted or as the stored notice cur (may
 * be NULL) has them; here: the form's page again (its search). */
#define WEB_TARGETS "targets"
void web_targets_field(struct web_ctx *c, GString *g, JsonArray *zones,
    JsonObject *cur, const char *here);
/* Where notice n airs: its zone's name, or "播给 一村、二村"; owned by c. */
const char *web_targets_text(struct web_ctx *c, JsonArray *zones,
    JsonObject *n);

/* Hidden csrf field for a form. */
void html_csrf(struct web_ctx *c, GString *g);
/* A one-button POST form to action (with its csrf field, and a hidden
 * field name=value when name is not NULL); cls "", "plain" or "danger". */
void html_action(struct web_ctx *c, GString *g, const char *action,
    const char *label, const char *cls, const char *name, const char *value);
/* "2026-11-23 12:00" in the daemon's zone; owned by c. */
const char *html_time(struct web_ctx *c, int64_t t);
const char *html_class_zh(const char *cls);
/* 村干部, 乡镇干部, 县里工作人员. */
const char *html_role_zh(enum web_role r);
/* "每周一、三、五", "每两周一到五": a weekly rule's days; owned by c. */
const char *html_weekdays_zh(struct web_ctx *c, int64_t mask, int64_t every);
/* A zone's name from the zones list (escaped), else its code. */
const char *html_zone_name(struct web_ctx *c, JsonArray *zones,
    const char *code);
const char *html_outcome_zh(const char *outcome);
/* An emergency page's state: 播出中, 已播完, ... */
const char *html_page_state_zh(const char *state);
extern const char web_css[];

/* ---- zh.c: machine words in Chinese ---- */
/* An API error's code (NULL: unknown) and the field it refused (NULL:
 * none), as one Chinese sentence for a page. */
void web_error_zh(const char *code, const char *field, char *out, size_t n);
/* "user.login" -> "登录"; an unknown action -> "其他操作". */
const char *web_audit_action_zh(const char *action);
/* "web:10.0.0.5" -> "网页 10.0.0.5", "api" -> "命令行或接口", a bare
 * address as it is, NULL -> "本机"; escaped. */
const char *web_source_zh(struct web_ctx *c, const char *source);
/* Why a broadcast did not air whole (or a page was only logged), in
 * Chinese; NULL when there is no reason. Escaped. */
const char *web_reason_zh(struct web_ctx *c, const char *reason);
/* The same for the reasons that are fixed words; NULL for others. */
const char *web_reason_fixed_zh(const char *reason);
/* "web" -> "网页", "Alert" -> "预警", "Actual" -> "实际": the words of a
 * page's origin and of CAP; the word itself if unknown. */
const char *web_word_zh(const char *word);

/* ---- pages ---- */
void page_login(struct web_ctx *c);
void page_account(struct web_ctx *c);
void page_notices(struct web_ctx *c);
void page_notice_new(struct web_ctx *c);
void page_record(struct web_ctx *c);
void page_record_post(struct web_ctx *c);
void page_notice(struct web_ctx *c);
/* One notice's page, with a line saying what was done (ok) or refused
 * (err); either may be NULL. */
void page_notice_view(struct web_ctx *c, int64_t id, const char *ok,
    const char *err);
void page_notice_action(struct web_ctx *c);
void page_timetable(struct web_ctx *c);
void page_speakers(struct web_ctx *c);
void page_speaker(struct web_ctx *c);		/* GET /speakers/ID */
/* POST /speakers/ID/token: true once confirmed, else the question (or a
 * 404) was answered. */
bool page_speaker_token_confirmed(struct web_ctx *c);
/* The page with a box saying msg (kind "ok"/"err"; NULL none), the
 * volume field as typed (NULL: as set). */
void page_speaker_show(struct web_ctx *c, const char *kind, const char *msg,
    const char *typed_volume);
/* POST /speakers/ID/tone without confirm=1: the question (or a 404). */
bool page_speaker_tone_confirmed(struct web_ctx *c);
/* page_speaker_tools.c: the tone, volume and history sections; POST
 * /speakers/ID/volume and /speakers/ID/tone. */
void page_speaker_tools(struct web_ctx *c, GString *g, JsonObject *s,
    JsonObject *history, bool on, const char *typed_volume);
/* GET speakers/ID/history (NULL unless 200); is a test tone under way
 * in it (the page then looks again by itself)? */
JsonNode *page_speaker_history(struct web_ctx *c, int64_t id);
bool page_speaker_tone_going(JsonObject *history);
void page_speaker_post(struct web_ctx *c);
void page_history(struct web_ctx *c);
void page_today(struct web_ctx *c);
void web_today_clear(struct web_admin *wa);	/* its kept sections */
void page_more(struct web_ctx *c);
void page_lexicon(struct web_ctx *c);
void page_users(struct web_ctx *c);
void page_audit(struct web_ctx *c);
void page_pages(struct web_ctx *c);
extern const char web_page_js[];	/* /static/page.js: the live counts */
/* A province's page: the counties below and what each reported
 * (page_fed.c); nothing when p went to none. */
void page_fed_card(struct web_ctx *c, GString *g, JsonObject *p);
extern const char web_record_js[];	/* /static/record.js: the recorder */

/* ---- zone_pick.c: where a form's item airs, among hundreds of zones ----
 * The chooser, into g inside a form: 全县, each township as one box with
 * its villages folded beneath, and a search by name (the field "zq";
 * its button posts the form to here, the form's own page, which draws
 * the chooser again narrowed; /static/page.js narrows as one types).
 * Each chosen zone is a checkbox named field whose value is its code,
 * so the form decoder joins them with ','; ticked (web_zone_ticked) are
 * shown ticked, and kept as hidden fields when a search hides them.
 * zones is GET zones; only zones inside the user's own are offered. */
void web_zone_pick(struct web_ctx *c, GString *g, JsonArray *zones,
    const char *field, const char *here, GPtrArray *ticked);
/* The codes chosen in field (posted, else in the query), in code order:
 * only zones in the list and inside the user's, none inside another
 * chosen one (甲镇 and 甲镇一村 is 甲镇). A new array of g_strdup'd codes
 * (g_ptr_array_unref). */
GPtrArray *web_zone_ticked(struct web_ctx *c, JsonArray *zones,
    const char *field);
/* "选了 3 处：2 个镇、1 个村，一共 31 个村。" for a confirm step
 * (id="zone-count"; the villages reached in id="villages"). */
void web_zone_pick_summary(struct web_ctx *c, GString *g, JsonArray *zones,
    GPtrArray *ticked);

/* ---- alert_texts.c: ready texts for the common emergencies ---- */
struct web_alert_text {
	const char *key;	/* ?template=KEY */
	const char *label;	/* the button's word: 防汛, 森林防火, ... */
	const char *text;	/* what is read, with 【】 to fill in */
};
extern const struct web_alert_text web_alert_texts[];
extern const size_t web_alert_ntexts;
/* The text of key; NULL if there is none. */
const char *web_alert_text(const char *key);

/* qr.c: the text as an SVG QR code (inline), or "" if it cannot be made. */
void html_qr_svg(GString *g, const char *text);

#endif
