/*
 * session.c — who a request is from, and logging in. Three credentials:
 * the machine's own token (state/api.token, for the CLI on the server),
 * a per-user API token, and the session cookie the pages use. Secrets are
 * compared in constant time and stored only as hashes. Password checks run
 * on a GTask thread (argon2id costs ~0.1 s and 64 MiB) so the loop that
 * streams audio never waits for one; failures are counted per address and
 * per name, and a burst is refused before any hashing.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "broadcaster/log.h"
#include "web-admin/web_int.h"

void
web_source(SoupServerMessage *msg, const char *kind, char *out, size_t n)
{
	snprintf(out, n, "%s:%s", kind, soup_server_message_get_remote_host(msg));
}

void
web_secret_hash(const char *secret, char out[65])
{
	uint8_t h[32];

	crypto_generichash(h, sizeof(h), (const uint8_t *)secret, strlen(secret),
	    NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

int
web_principal_load(struct web_admin *wa, int64_t user_id, struct web_principal *p)
{
	struct db_user u;

	if (db_user_by_id(wa->db, user_id, &u) != 1 || u.disabled ||
	    web_role_parse(u.role) < 0)
		return -1;
	memset(p, 0, sizeof(*p));
	p->user_id = u.id;
	snprintf(p->name, sizeof(p->name), "%s", u.name);
	p->role = (enum web_role)web_role_parse(u.role);
	snprintf(p->zone, sizeof(p->zone), "%s", u.zone);
	return 0;
}

int
web_authenticate(struct web_admin *wa, SoupServerMessage *msg,
    struct web_principal *p)
{
	SoupMessageHeaders *h = soup_server_message_get_request_headers(msg);
	const char *auth = soup_message_headers_get_one(h, "Authorization");
	char secret[65], hash[65];
	int64_t uid;

	memset(p, 0, sizeof(*p));
	if (auth != NULL) {
		/* A bearer token decides alone: a bad one is not rescued by
		 * a cookie sent with it. */
		if (!web_bearer_secret(auth, secret))
			return 0;
		if (sodium_memcmp(secret, wa->token, 64) == 0) {
			snprintf(p->name, sizeof(p->name), "%s", "(api.token)");
			p->role = WEB_COUNTY;
			return 1;
		}
		web_secret_hash(secret, hash);
		return db_token_get(wa->db, hash, &uid) == 1 &&
		    web_principal_load(wa, uid, p) == 0;
	}
	if (!web_cookie_secret(soup_message_headers_get_list(h, "Cookie"),
	    secret))
		return 0;
	web_secret_hash(secret, hash);
	char csrf[33];
	if (db_session_get(wa->db, hash, dalabad_now(), &uid, csrf) != 1 ||
	    web_principal_load(wa, uid, p) != 0)
		return 0;
	p->by_session = true;
	memcpy(p->csrf, csrf, sizeof(p->csrf));
	memcpy(p->session_hash, hash, sizeof(p->session_hash));
	return 1;
}

bool
web_csrf_ok(const struct web_principal *p, const char *token)
{
	if (!p->by_session)
		return true;	/* bearer tokens are not sent by browsers */
	return token != NULL && strlen(token) == 32 &&
	    sodium_memcmp(token, p->csrf, 32) == 0;
}

void
web_set_cookie(struct web_admin *wa, SoupServerMessage *msg, const char *cookie)
{
	SoupMessageHeaders *h = soup_server_message_get_response_headers(msg);
	gchar *v = g_strdup_printf("%s=%s; Path=/; HttpOnly; SameSite=Strict; "
	    "Max-Age=%d%s", WEB_COOKIE, cookie ? cookie : "", cookie ?
	    WEB_SESSION_S : 0, wa->logins->tls ? "; Secure" : "");

	soup_message_headers_append(h, "Set-Cookie", v);
	g_free(v);
}

void
web_logout(struct web_admin *wa, const struct web_principal *p)
{
	if (p->by_session)
		db_session_delete(wa->db, p->session_hash);
}

/* ---- logging in ----
 * A login waits, in order, for: the limiter's delay of its name (a timer),
 * a free password-check thread (at most WEB_LOGIN_THREADS hash at once,
 * 64 MiB each; the rest queue, at most WEB_LOGIN_PENDING in all), and the
 * check itself. The request is paused meanwhile. struct web_logins may be
 * stopped while checks are still running: the last one to finish frees it.
 */

enum login_kind {
	LOGIN,		/* a login: done() answers */
	PW_VERIFY,	/* a request's password check: the request reruns */
	PW_HASH,	/* a request's new password hashed: the same */
};

struct login {
	enum login_kind kind;
	struct web_logins *w;
	struct web_admin *wa;
	SoupServerMessage *msg;
	web_login_fn done;
	void *arg;
	char hash[DB_PWHASH_MAX + 1];	/* "": an unknown name */
	char *pw;
	bool ok;
	int64_t user_id;
	char zone[13];		/* the name's zone, for the audit ("" unknown) */
	char name[DB_NAME_MAX + 1];
	char source[96];	/* the remote address, for the limiter */
	guint timer;		/* waiting out the name's delay */
	char out[DB_PWHASH_MAX + 1];	/* PW_HASH: the new hash */
};

static int64_t
mono_s(void)
{
	return g_get_monotonic_time() / G_USEC_PER_SEC;
}

static void
verify_thread(GTask *task, gpointer src, gpointer data, GCancellable *cancel)
{
	struct login *l = data;

	(void)src;
	(void)cancel;
	if (l->kind == PW_HASH) {
		l->ok = web_password_hash(l->pw, l->out) == 0;
		g_task_return_boolean(task, TRUE);
		return;
	}
	/* An unknown or disabled name costs one argon2id run too (hashing
	 * the password given), so timing does not tell which names exist. */
	if (l->hash[0] == '\0') {
		char h[DB_PWHASH_MAX + 1];
		if (web_password_hash(l->pw, h) == 0)
			sodium_memzero(h, sizeof(h));
		l->ok = false;
	} else {
		l->ok = crypto_pwhash_str_verify(l->hash, l->pw, strlen(l->pw)) == 0;
	}
	g_task_return_boolean(task, TRUE);
}

static void
login_free(gpointer data)
{
	struct login *l = data;

	sodium_memzero(l->pw, strlen(l->pw));
	g_free(l->pw);
	g_object_unref(l->msg);
	sodium_memzero(l, sizeof(*l));
	g_free(l);
}

static void pw_done(struct login *l);

static void start_next(struct web_logins *w);

/* The last of a stopped web's logins frees it. */
static void
web_release(struct web_logins *w)
{
	if (w->stopped && w->verifying == 0 && w->queue->length == 0 &&
	    w->delayed == 0) {
		g_queue_free(w->queue);
		web_limiter_free(w->lim);
		g_free(w);
	}
}

static void
verified(GObject *src, GAsyncResult *res, gpointer data)
{
	struct login *l = g_task_get_task_data(G_TASK(res));
	struct web_logins *w = l->w;
	struct web_admin *wa = l->wa;
	struct web_principal p;
	char source[96];
	int64_t now = dalabad_now();

	(void)src;
	(void)data;
	w->verifying--;
	if (w->stopped) {
		/* dalabad is stopping: the listener and its requests are
		 * gone, and so may be everything d points at. */
		web_release(w);
		return;
	}
	start_next(w);
	if (l->kind != LOGIN) {
		pw_done(l);
		return;
	}
	web_source(l->msg, "web", source, sizeof(source));
	if (l->ok && l->user_id > 0 && web_principal_load(wa, l->user_id, &p) == 0) {
		uint8_t raw[32], c[16];
		char cookie[65], hash[65];
		randombytes_buf(raw, sizeof(raw));
		randombytes_buf(c, sizeof(c));
		sodium_bin2hex(cookie, sizeof(cookie), raw, sizeof(raw));
		sodium_bin2hex(p.csrf, sizeof(p.csrf), c, sizeof(c));
		web_secret_hash(cookie, hash);
		/* A session nobody can account for is not opened: its row and
		 * the audit's go together. */
		if (db_begin(wa->db) != 0 || db_session_add(wa->db, hash, p.user_id,
		    p.csrf, now + WEB_SESSION_S, source) != 0 ||
		    db_audit(wa->db, p.user_id, source, p.zone, "user.login",
		    p.name) != 0 ||
		    db_commit(wa->db) != 0) {
			db_rollback(wa->db);
			web_limiter_refund(w->lim, l->name, l->source, mono_s());
			l->done(wa, l->msg, WEB_LOGIN_BUSY, NULL, NULL, 0, l->arg);
		} else {
			p.by_session = true;
			memcpy(p.session_hash, hash, sizeof(hash));
			web_limiter_refund(w->lim, l->name, l->source, mono_s());
			l->done(wa, l->msg, WEB_LOGIN_OK, &p, cookie, 0, l->arg);
		}
		sodium_memzero(cookie, sizeof(cookie));
	} else {
		/* (Counted as failed when it started.) */
		db_audit(wa->db, 0, source, l->zone, "user.login_failed", l->name);
		dlog(LOG_WARNING, "login failed for \"%.64s\" from %s", l->name,
		    source);
		l->done(wa, l->msg, WEB_LOGIN_BAD, NULL, NULL, 0, l->arg);
	}
	soup_server_message_unpause(l->msg);
}

static void
verify(struct login *l)
{
	GTask *t = g_task_new(NULL, NULL, verified, NULL);

	l->w->verifying++;
	g_task_set_task_data(t, l, login_free);
	g_task_run_in_thread(t, verify_thread);
	g_object_unref(t);
}

static void
start_next(struct web_logins *w)
{
	while (w->verifying < WEB_LOGIN_THREADS && w->queue->length > 0)
		verify(g_queue_pop_head(w->queue));
}

static void
enqueue(struct login *l)
{
	g_queue_push_tail(l->w->queue, l);
	start_next(l->w);
}

static gboolean
delay_over(gpointer data)
{
	struct login *l = data;

	l->timer = 0;
	l->w->delayed--;
	g_queue_remove(l->w->waiting, l);
	enqueue(l);
	return G_SOURCE_REMOVE;
}

bool
web_login_origin_ok(struct web_admin *wa, SoupServerMessage *msg)
{
	SoupMessageHeaders *h = soup_server_message_get_request_headers(msg);
	const char *origin = soup_message_headers_get_one(h, "Origin");
	const char *site = soup_message_headers_get_one(h, "Sec-Fetch-Site");
	const char *host = soup_message_headers_get_one(h, "Host");

	if (origin == NULL)
		return site == NULL || strcmp(site, "cross-site") != 0;
	if (host == NULL)
		return false;
	gchar *own = g_strdup_printf("%s://%s", wa->logins->tls ? "https" : "http",
	    host);
	bool ok = g_ascii_strcasecmp(origin, own) == 0;
	g_free(own);
	return ok;
}

void
web_login(struct web_admin *wa, SoupServerMessage *msg, const char *name,
    const char *pw, web_login_fn done, void *arg)
{
	struct web_logins *w = wa->logins;
	struct login *l;
	struct db_user u;
	const char *from = soup_server_message_get_remote_host(msg);
	int delay_ms, wait_s = web_limiter_check(w->lim, name, from ? from : "",
	    mono_s(), &delay_ms);

	if (wait_s > 0) {
		done(wa, msg, WEB_LOGIN_LIMITED, NULL, NULL, wait_s, arg);
		return;
	}
	if (w->verifying + (int)w->queue->length + w->delayed >=
	    WEB_LOGIN_PENDING) {
		done(wa, msg, WEB_LOGIN_BUSY, NULL, NULL, 0, arg);
		return;
	}
	l = g_new0(struct login, 1);
	l->w = w;
	l->wa = wa;
	l->msg = g_object_ref(msg);
	l->done = done;
	l->arg = arg;
	l->pw = g_strdup(pw);
	snprintf(l->name, sizeof(l->name), "%s", name);
	snprintf(l->source, sizeof(l->source), "%s", from ? from : "");
	if (db_user_by_name(wa->db, name, &u) == 1) {
		snprintf(l->zone, sizeof(l->zone), "%s", u.zone);
		if (!u.disabled) {
			l->user_id = u.id;
			snprintf(l->hash, sizeof(l->hash), "%s", u.pw_hash);
		}
	}
	soup_server_message_pause(msg);
	/* Counted as failed now, taken back if right: guesses made at once
	 * are each counted before any of them is checked. */
	web_limiter_failed(w->lim, name, l->source, mono_s());
	if (delay_ms > 0) {
		w->delayed++;
		g_queue_push_tail(w->waiting, l);
		l->timer = g_timeout_add((guint)delay_ms, delay_over, l);
	} else {
		enqueue(l);
	}
}

void
web_logins_stop(struct web_logins *w)
{
	struct login *l;

	/* Logins not yet checking are dropped (their requests go with the
	 * listener); those checking finish on their threads, and the last
	 * frees w (web_release). */
	w->stopped = true;
	while ((l = g_queue_pop_head(w->waiting)) != NULL) {
		g_source_remove(l->timer);
		w->delayed--;
		login_free(l);
	}
	while ((l = g_queue_pop_head(w->queue)) != NULL)
		login_free(l);
	g_queue_free(w->waiting);
	w->waiting = NULL;
	web_release(w);
}

/* ---- a request's password work ----
 * Checking a current password, or hashing a new one, for a request other
 * than a login (see web_int.h). It runs on the login threads, queued with
 * the logins and bounded with them; the request is paused meanwhile and
 * then run again from its start, finding the result here, kept on the
 * message and tied to exactly the inputs it was made from. */

#define PW_STASH "dalaba-password-work"
#define PW_RERUNS_MAX 4	/* a handler asking for new work each run: a bug */

struct pw_stash {
	uint8_t key[crypto_generichash_KEYBYTES];	/* binds the digests */
	uint8_t v_digest[32];	/* of (hash, password) checked */
	bool v_have, v_ok;
	uint8_t h_digest[32];	/* of the password hashed */
	bool h_have, h_ok;
	char hash[DB_PWHASH_MAX + 1];
	char gen[WEB_PASSWORD_GEN + 1];	/* a password made for the request */
	int reruns;
	bool queued;		/* work for it waits or runs: it stays paused */
};

static void
stash_free(gpointer p)
{
	sodium_memzero(p, sizeof(struct pw_stash));
	g_free(p);
}

static struct pw_stash *
stash_of(SoupServerMessage *msg)
{
	struct pw_stash *st = g_object_get_data(G_OBJECT(msg), PW_STASH);

	if (st == NULL) {
		st = g_new0(struct pw_stash, 1);
		randombytes_buf(st->key, sizeof(st->key));
		g_object_set_data_full(G_OBJECT(msg), PW_STASH, st, stash_free);
	}
	return st;
}

static void
digest(const struct pw_stash *st, const char *a, const char *b,
    uint8_t out[32])
{
	crypto_generichash_state h;

	crypto_generichash_init(&h, st->key, sizeof(st->key), 32);
	crypto_generichash_update(&h, (const uint8_t *)a, strlen(a) + 1);
	crypto_generichash_update(&h, (const uint8_t *)b, strlen(b) + 1);
	crypto_generichash_final(&h, out, 32);
}

static void
pw_done(struct login *l)
{
	struct web_admin *wa = l->wa;
	struct pw_stash *st = stash_of(l->msg);

	if (l->kind == PW_VERIFY) {
		digest(st, l->hash, l->pw, st->v_digest);
		st->v_have = true;
		st->v_ok = l->ok;
		if (l->ok)
			web_limiter_refund(l->w->lim, l->name, l->source, mono_s());
	} else {
		digest(st, "", l->pw, st->h_digest);
		st->h_have = true;
		st->h_ok = l->ok;
		snprintf(st->hash, sizeof(st->hash), "%s", l->out);
	}
	SoupServerMessage *msg = g_object_ref(l->msg);
	/* (l itself goes with its task.) The run answers, or asks for more
	 * work (a new password hashed after the current one was checked):
	 * then it stays paused until that is done. */
	st->queued = false;
	if (++st->reruns > PW_RERUNS_MAX) {
		soup_server_message_set_status(msg, 500, NULL);
		dlog(LOG_ERR, "web: a request asked for password work %d times",
		    st->reruns);
	} else {
		web_rerun(wa, msg);
	}
	if (!st->queued)
		soup_server_message_unpause(msg);
	g_object_unref(msg);
}

/* Queue kind for msg; WEB_PW_PENDING, or BUSY when too many wait. */
static enum web_pw
pw_queue(struct web_admin *wa, SoupServerMessage *msg, enum login_kind kind,
    const char *name, const char *hash, const char *pw)
{
	struct web_logins *w = wa->logins;
	const char *from = soup_server_message_get_remote_host(msg);

	if (w->verifying + (int)w->queue->length + w->delayed >=
	    WEB_LOGIN_PENDING)
		return WEB_PW_BUSY;
	struct login *l = g_new0(struct login, 1);
	l->kind = kind;
	l->w = w;
	l->wa = wa;
	l->msg = g_object_ref(msg);
	l->pw = g_strdup(pw);
	snprintf(l->name, sizeof(l->name), "%s", name ? name : "");
	snprintf(l->source, sizeof(l->source), "%s", from ? from : "");
	snprintf(l->hash, sizeof(l->hash), "%s", hash ? hash : "");
	soup_server_message_pause(msg);
	stash_of(msg)->queued = true;
	enqueue(l);
	return WEB_PW_PENDING;
}

enum web_pw
web_pw_verify(struct web_admin *wa, SoupServerMessage *msg, const char *name,
    const char *hash, const char *pw, bool *ok, int *wait_s)
{
	struct pw_stash *st = stash_of(msg);
	uint8_t dg[32];
	int delay_ms;
	const char *from = soup_server_message_get_remote_host(msg);

	digest(st, hash, pw, dg);
	if (st->v_have && sodium_memcmp(dg, st->v_digest, sizeof(dg)) == 0) {
		*ok = st->v_ok;
		return WEB_PW_DONE;
	}
	/* Guessing the current password with a borrowed session is slowed
	 * like guessing at the login. */
	*wait_s = web_limiter_check(wa->logins->lim, name, from ? from : "",
	    mono_s(), &delay_ms);
	if (*wait_s > 0)
		return WEB_PW_LIMITED;
	enum web_pw r = pw_queue(wa, msg, PW_VERIFY, name, hash, pw);
	if (r == WEB_PW_PENDING)
		web_limiter_failed(wa->logins->lim, name, from ? from : "", mono_s());
	return r;
}

enum web_pw
web_pw_hash(struct web_admin *wa, SoupServerMessage *msg, const char *pw,
    char out[DB_PWHASH_MAX + 1])
{
	struct pw_stash *st = stash_of(msg);
	uint8_t dg[32];

	digest(st, "", pw, dg);
	if (st->h_have && sodium_memcmp(dg, st->h_digest, sizeof(dg)) == 0) {
		if (!st->h_ok)
			return WEB_PW_BUSY;	/* out of memory */
		snprintf(out, DB_PWHASH_MAX + 1, "%s", st->hash);
		return WEB_PW_DONE;
	}
	return pw_queue(wa, msg, PW_HASH, NULL, NULL, pw);
}

const char *
web_pw_generated(SoupServerMessage *msg)
{
	struct pw_stash *st = stash_of(msg);

	if (st->gen[0] == '\0')
		web_password_generate(st->gen, sizeof(st->gen));
	return st->gen;
}
