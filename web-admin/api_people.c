/*
 * api_people.c — the JSON API of people: logging in and out, who am I,
 * users (county staff only, inside their own zone), personal API tokens
 * and the audit log. Same conventions as web-admin/api_routes.c.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "web-admin/api_int.h"
#include "web-admin/web_int.h"

static JsonObject *
principal_json(const struct web_principal *p)
{
	JsonObject *o = json_object_new();

	json_object_set_int_member(o, "id", p->user_id);
	json_object_set_string_member(o, "name", p->name);
	json_object_set_string_member(o, "role", web_role_name(p->role));
	json_object_set_string_member(o, "zone", p->zone);
	if (p->by_session)
		json_object_set_string_member(o, "csrf", p->csrf);
	return o;
}

static void
login_done(struct web_admin *wa, SoupServerMessage *msg,
    enum web_login_outcome outcome, const struct web_principal *p,
    const char *cookie, int wait_s, void *arg)
{
	char m[96];

	(void)arg;
	switch (outcome) {
	case WEB_LOGIN_OK:
		web_set_cookie(wa, msg, cookie);
		api_send(msg, 200, api_object(principal_json(p)));
		break;
	case WEB_LOGIN_BAD:
		api_send(msg, 401, api_error_node(401, "bad_login",
		    "wrong name or password"));
		break;
	case WEB_LOGIN_LIMITED:
		snprintf(m, sizeof(m), "too many failed logins from here; try "
		    "again in %d s", wait_s);
		api_send(msg, 429, api_error_node(429, "too_many", m));
		api_retry_after(msg, wait_s);
		break;
	case WEB_LOGIN_BUSY:
		api_send(msg, 503, api_error_node(503, "busy", "busy; try again"));
		break;
	}
}

void
api_post_login(struct api_req *r)
{
	static const char *const fields[] = { "name", "password", NULL };
	const char *name, *pw;

	if (api_only(r, r->body, fields) ||
	    api_str(r, "name", true, DB_NAME_MAX, &name) ||
	    api_str(r, "password", true, WEB_PASSWORD_MAX, &pw))
		return;
	if (!r->capture && !web_login_origin_ok(r->wa, r->msg)) {
		api_error(r, 403, "foreign_origin", "a login comes from this "
		    "server's own pages");
		return;
	}
	r->paused = true;	/* answered by login_done, now or later */
	web_login(r->wa, r->msg, name, pw, login_done, NULL);
}

void
api_post_logout(struct api_req *r)
{
	if (!api_begin(r))
		return;
	web_logout(r->wa, &r->who);
	api_audit(r, "user.logout", "%s", r->who.name);
	if (api_commit(r) != 0)
		return;
	if (!r->capture)
		web_set_cookie(r->wa, r->msg, NULL);
	JsonObject *o = json_object_new();
	json_object_set_boolean_member(o, "logged_out", TRUE);
	api_reply(r, 200, api_object(o));
}

/* ---- users ---------------------------------------------------------------- */

/* false when password work is not done: the request waits (paused, to
 * be run again) or has been refused. */
static bool
pw_ready(struct api_req *r, enum web_pw st, int wait_s)
{
	switch (st) {
	case WEB_PW_DONE:
		return true;
	case WEB_PW_PENDING:
		r->paused = true;
		return false;
	case WEB_PW_LIMITED:
		if (!r->capture)
			api_retry_after(r->msg, wait_s);
		api_error(r, 429, "too_many", "too many wrong passwords; try "
		    "again in %d s", wait_s);
		return false;
	case WEB_PW_BUSY:
		if (!r->capture)
			api_retry_after(r->msg, 5);
		api_error(r, 503, "busy", "too many passwords are being checked; "
		    "try again in a moment");
		return false;
	}
	return false;
}

void
api_get_users(struct api_req *r)
{
	if (!api_need_county(r))
		return;
	JsonNode *rows = api_rows(r->wa, DB_LIST_USERS, DB_ARGS(r->who.zone));
	if (rows)
		api_reply(r, 200, rows);
	else
		api_error(r, 500, "database", "cannot read users");
}

void
api_post_user(struct api_req *r)
{
	static const char *const fields[] = { "name", "role", "zone", "password",
	    NULL };
	const char *name, *role, *zone, *pw, *gen = NULL;
	char err[256];
	int64_t id;

	if (!api_need_county(r) || api_only(r, r->body, fields) ||
	    api_str(r, "name", true, DB_NAME_MAX, &name) ||
	    api_str(r, "role", true, 16, &role) ||
	    api_str(r, "zone", true, 12, &zone) ||
	    api_str(r, "password", false, WEB_PASSWORD_MAX, &pw))
		return;
	if (g_utf8_strlen(name, -1) > 64 || strpbrk(name, "\r\n\t") != NULL) {
		r->err_field = "name";
		api_error(r, 400, "bad_field", "a name is 1 to 64 characters on one "
		    "line");
		return;
	}
	r->err_field = "zone";
	if (!api_zone_code_ok(zone)) {
		api_error(r, 400, "bad_zone", "a zone code is 6, 9 or 12 digits");
		return;
	}
	if (!api_need_within(r, zone))
		return;
	r->err_field = "role";
	int ro = web_role_parse(role);
	if (ro < 0 || !web_role_fits((enum web_role)ro, zone)) {
		api_error(r, 400, "bad_role", "the role must fit the zone: county "
		    "6 digits, township 9, village 12");
		return;
	}
	r->err_field = "password";
	if (pw && (g_utf8_strlen(pw, -1) < WEB_PASSWORD_MIN)) {
		api_error(r, 400, "weak_password", "a password has at least %d "
		    "characters", WEB_PASSWORD_MIN);
		return;
	}
	r->err_field = NULL;
	struct db_user u;
	if (db_user_by_name(r->wa->db, name, &u) == 1) {
		api_error(r, 409, "exists", "user \"%s\" exists already", name);
		return;
	}
	/* Hashed off the loop: this request runs again once it is. */
	char hash[DB_PWHASH_MAX + 1];
	if (pw == NULL)
		pw = gen = web_pw_generated(r->msg);
	if (!pw_ready(r, web_pw_hash(r->wa, r->msg, pw, hash), 0))
		return;
	if (!api_begin(r))
		return;
	if (db_user_add(r->wa->db, name, role, zone, hash, &id, err,
	    sizeof(err)) != 0) {
		api_rollback(r);
		sodium_memzero(hash, sizeof(hash));
		if (strstr(err, "FOREIGN KEY"))
			api_error(r, 400, "unknown_zone", "zone %s is not set up", zone);
		else
			api_error(r, 400, "bad_user", "%s", err);
		return;
	}
	sodium_memzero(hash, sizeof(hash));
	api_audit(r, "user.add", "%s（%s，%s）", name,
	    html_role_zh((enum web_role)ro), zone);
	if (api_commit(r) != 0)
		return;
	JsonObject *o = json_object_new();
	json_object_set_int_member(o, "id", id);
	json_object_set_string_member(o, "name", name);
	json_object_set_string_member(o, "role", role);
	json_object_set_string_member(o, "zone", zone);
	if (gen)	/* shown once, never stored */
		json_object_set_string_member(o, "password", gen);
	api_reply(r, 201, api_object(o));
}

/* The user in parts[1] if the caller may manage them; NULL answered. */
static bool
target_user(struct api_req *r, struct db_user *u)
{
	int64_t id;

	if (api_path_id(r, &id) != 0)
		return false;
	if (db_user_by_id(r->wa->db, id, u) != 1 ||
	    (id != r->who.user_id && !web_within(&r->who, u->zone))) {
		api_error(r, 404, "not_found", "no user %lld", (long long)id);
		return false;
	}
	api_audit_about(r, u->zone);
	return true;
}

void
api_post_user_disable(struct api_req *r)
{
	struct db_user u;
	char err[256];

	if (!api_need_county(r) || !target_user(r, &u))
		return;
	if (u.id == r->who.user_id) {
		api_error(r, 409, "self", "you cannot disable yourself");
		return;
	}
	if (!api_begin(r))
		return;
	if (db_user_disable(r->wa->db, u.id, err, sizeof(err)) != 0) {
		api_rollback(r);
		api_error(r, 409, "disabled", "%s", err);
		return;
	}
	api_audit(r, "user.disable", "%s", u.name);
	if (api_commit(r) != 0)
		return;
	JsonObject *o = json_object_new();
	json_object_set_int_member(o, "id", u.id);
	json_object_set_boolean_member(o, "disabled", TRUE);
	api_reply(r, 200, api_object(o));
}

/* A new password: your own (with the current one), or as county staff
 * for a user inside your zone (omitted: one is generated and returned
 * once). Every other session of that user ends. */
void
api_post_user_password(struct api_req *r)
{
	static const char *const fields[] = { "password", "current", NULL };
	struct db_user u;
	const char *pw, *cur, *gen = NULL;
	char hash[DB_PWHASH_MAX + 1], err[256];
	bool self;

	if (!target_user(r, &u))
		return;
	self = u.id == r->who.user_id;
	if (!self && !api_need_county(r))
		return;
	if (api_only(r, r->body, fields) ||
	    api_str(r, "password", self, WEB_PASSWORD_MAX, &pw) ||
	    api_str(r, "current", self, WEB_PASSWORD_MAX, &cur))
		return;
	/* Your own needs the current one: a borrowed session is not enough
	 * to lock you out. Checked off the loop, throttled like logins. */
	bool ok;
	int wait_s = 0;
	if (self && !pw_ready(r, web_pw_verify(r->wa, r->msg, u.name, u.pw_hash,
	    cur, &ok, &wait_s), wait_s))
		return;
	if (self && !ok) {
		r->err_field = "current";
		api_audit(r, "user.password_refused", "%s", u.name);
		api_error(r, 403, "bad_login", "the current password is wrong");
		return;
	}
	if (pw == NULL)
		pw = gen = web_pw_generated(r->msg);
	r->err_field = "password";
	if (g_utf8_strlen(pw, -1) < WEB_PASSWORD_MIN) {
		api_error(r, 400, "weak_password", "a password has at least %d "
		    "characters", WEB_PASSWORD_MIN);
		return;
	}
	r->err_field = NULL;
	if (!pw_ready(r, web_pw_hash(r->wa, r->msg, pw, hash), 0))
		return;
	if (!api_begin(r))
		return;
	/* Whoever knew the old password may have made tokens with it: a
	 * change or a reset ends them with the other sessions. */
	int revoked = -1;
	if (db_user_set_password(r->wa->db, u.id, hash, err, sizeof(err)) != 0 ||
	    db_session_delete_user(r->wa->db, u.id, self && r->who.by_session ?
	    r->who.session_hash : NULL) != 0 ||
	    (revoked = db_token_revoke_user(r->wa->db, u.id)) < 0) {
		api_rollback(r);
		api_error(r, 409, "disabled", "cannot set the password");
		return;
	}
	api_audit(r, "user.password", "%s（%d 个程序口令作废）", u.name,
	    revoked);
	sodium_memzero(hash, sizeof(hash));
	if (api_commit(r) != 0)
		return;
	JsonObject *o = json_object_new();
	json_object_set_int_member(o, "id", u.id);
	json_object_set_int_member(o, "tokens_revoked", revoked);
	if (gen)	/* shown once */
		json_object_set_string_member(o, "password", gen);
	api_reply(r, 200, api_object(o));
}

/* A personal API token, shown once (its hash is kept). */
void
api_post_token(struct api_req *r)
{
	static const char *const fields[] = { "label", NULL };
	const char *label;
	uint8_t raw[32];
	char token[65], hash[65];

	if (api_only(r, r->body, fields) ||
	    api_str(r, "label", false, 64, &label))
		return;
	if (r->who.user_id == 0) {
		api_error(r, 400, "no_user", "api.token is the machine's own; log "
		    "in as a user to make a personal token");
		return;
	}
	int live = db_token_count(r->wa->db, r->who.user_id);
	if (live >= WEB_TOKENS_MAX) {
		api_error(r, 409, "too_many_tokens", "%d API tokens are live; "
		    "revoke one first (DELETE tokens/ID)", live);
		return;
	}
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(token, sizeof(token), raw, sizeof(raw));
	web_secret_hash(token, hash);
	if (!api_begin(r))
		return;
	if (db_token_add(r->wa->db, hash, r->who.user_id, label) != 0) {
		api_rollback(r);
		api_error(r, 500, "database", "the token could not be stored");
		return;
	}
	api_audit(r, "token.add", "%s", label ? label : "");
	if (api_commit(r) != 0) {
		sodium_memzero(token, sizeof(token));
		return;
	}
	JsonObject *o = json_object_new();
	json_object_set_string_member(o, "token", token);
	sodium_memzero(token, sizeof(token));
	api_reply(r, 201, api_object(o));
}

static void
token_one(const struct db_token *t, void *arg)
{
	JsonObject *o = json_object_new();

	json_object_set_int_member(o, "id", t->id);
	json_object_set_string_member(o, "label", t->label);
	json_object_set_int_member(o, "created_at", t->created_at);
	json_array_add_object_element(arg, o);
}

/* Your own tokens: when made and what for, never the secret. */
void
api_get_tokens(struct api_req *r)
{
	JsonArray *a = json_array_new();
	JsonNode *n = json_node_new(JSON_NODE_ARRAY);

	if (r->who.user_id > 0 &&
	    db_token_each(r->wa->db, r->who.user_id, token_one, a) != 0) {
		json_array_unref(a);
		json_node_unref(n);
		api_error(r, 500, "database", "the tokens could not be read");
		return;
	}
	json_node_take_array(n, a);
	api_reply(r, 200, n);
}

void
api_delete_token(struct api_req *r)
{
	int64_t id;
	int rc;

	if (api_path_id(r, &id) != 0 || !api_begin(r))
		return;
	if ((rc = db_token_revoke(r->wa->db, r->who.user_id, id)) != 1) {
		api_rollback(r);
		if (rc == 0)
			api_error(r, 404, "not_found", "no live token %lld of yours",
			    (long long)id);
		else
			api_error(r, 500, "database", "the token was not revoked");
		return;
	}
	api_audit(r, "token.revoke", "口令 %lld", (long long)id);
	if (api_commit(r) != 0)
		return;
	JsonObject *o = json_object_new();
	json_object_set_int_member(o, "id", id);
	json_object_set_boolean_member(o, "revoked", true);
	api_reply(r, 200, api_object(o));
}

void
api_get_audit(struct api_req *r)
{
	const char *bs = r->query ? g_hash_table_lookup(r->query, "before") : NULL;
	int64_t before = bs ? g_ascii_strtoll(bs, NULL, 10) : 0;

	if (!api_need_county(r))
		return;
	/* A reader sees the entries about their own area: a county's
	 * admin not another county's (those about no zone are the
	 * machine's). */
	JsonNode *rows = api_rows(r->wa, DB_LIST_AUDIT, DB_ARGS(before, r->who.zone));
	if (rows)
		api_reply(r, 200, rows);
	else
		api_error(r, 500, "database", "cannot read the audit log");
}

void
api_get_me(struct api_req *r)
{
	api_reply(r, 200, api_object(principal_json(&r->who)));
}

