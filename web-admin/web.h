/*
 * web.h — web-admin/: the people side of dalabad's HTTP server. Who a
 * request comes from (session cookie, per-user API token, or the machine's
 * own token), what each role may do where, passwords, and the Chinese pages
 * cadres use on their phones. Everything runs on dalabad's GLib loop; only
 * password hashing leaves it (a thread, so a login never stalls a page).
 */
#ifndef DALABA_WEB_H
#define DALABA_WEB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libsoup/soup.h>

#include "scheduler/store.h"

struct dalabad;
struct api_req;

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
int web_authenticate(struct dalabad *d, SoupServerMessage *msg,
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

/* ---- life (web.c) ---- */
/* The pages' handler (libsoup's, on d->api). */
void web_page_handler(SoupServer *server, SoupServerMessage *msg,
    const char *path, GHashTable *query, gpointer d);
/* Put the pages on dalabad's API server (d->api). */
int web_start(struct dalabad *d, char *err, size_t errlen);
void web_stop(struct dalabad *d);

/* ---- JSON API of people (api_people.c): users, login, logout, me,
 * tokens, audit. 0 handled, -1 no such route. */
int web_api_route(struct api_req *r);

/* ---- form bodies (form.c): strict application/x-www-form-urlencoded.
 * At most WEB_FORM_MAX_FIELDS fields, names [a-z0-9_] up to 32 bytes,
 * values valid UTF-8 without NUL; a repeated name joins its values with
 * ','. Returns a table name -> value (g_hash_table_unref), or NULL with
 * err set. */
#define WEB_FORM_MAX_FIELDS 64
#define WEB_FORM_MAX_BYTES (64 * 1024)
GHashTable *web_form_parse(const char *data, size_t len, char *err,
    size_t errlen);

#endif
