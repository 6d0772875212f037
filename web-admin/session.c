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

#include "scheduler/log.h"
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
web_principal_load(struct dalabad *d, int64_t user_id, struct web_principal *p)
{
	struct db_user u;

	if (db_user_by_id(d->db, user_id, &u) != 1 || u.disabled ||
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
web_authenticate(struct dalabad *d, SoupServerMessage *msg,
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
		if (sodium_memcmp(secret, d->token, 64) == 0) {
			snprintf(p->name, sizeof(p->name), "%s", "(api.token)");
			p->role = WEB_COUNTY;
			return 1;
		}
		web_secret_hash(secret, hash);
		return db_token_get(d->db, hash, &uid) == 1 &&
		    web_principal_load(d, uid, p) == 0;
	}
	if (!web_cookie_secret(soup_message_headers_get_list(h, "Cookie"),
	    secret))
		return 0;
	web_secret_hash(secret, hash);
	char csrf[33];
	if (db_session_get(d->db, hash, dalabad_now(), &uid, csrf) != 1 ||
	    web_principal_load(d, uid, p) != 0)
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
web_set_cookie(struct dalabad *d, SoupServerMessage *msg, const char *cookie)
{
	SoupMessageHeaders *h = soup_server_message_get_response_headers(msg);
	gchar *v = g_strdup_printf("%s=%s; Path=/; HttpOnly; SameSite=Strict; "
	    "Max-Age=%d%s", WEB_COOKIE, cookie ? cookie : "", cookie ?
	    WEB_SESSION_S : 0, d->web->tls ? "; Secure" : "");

	soup_message_headers_append(h, "Set-Cookie", v);
	g_free(v);
}

void
web_retry_after(SoupServerMessage *msg, int seconds)
{
	char v[16];

	snprintf(v, sizeof(v), "%d", seconds > 0 ? seconds : 1);
	soup_message_headers_replace(soup_server_message_get_response_headers(
	    msg), "Retry-After", v);
}

void
web_logout(struct dalabad *d, const struct web_principal *p)
{
	if (p->by_session)
		db_session_delete(d->db, p->session_hash);
}

/* ---- logging in ----
 * A login waits, in order, for: the limiter's delay of its name (a timer),
 * a free password-check thread (at most WEB_LOGIN_THREADS hash at once,
 * 64 MiB each; the rest queue, at most WEB_LOGIN_PENDING in all), and the
 * check itself. The request is paused meanwhile. struct web may be
 * stopped while checks are still running: the last one to finish frees it.
 */

struct login {
	struct web *w;
	struct dalabad *d;
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
	g_free(l);
}

static void start_next(struct web *w);

/* The last of a stopped web's logins frees it. */
static void
web_release(struct web *w)
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
	struct web *w = l->w;
	struct dalabad *d = l->d;
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
	web_source(l->msg, "web", source, sizeof(source));
	if (l->ok && l->user_id > 0 && web_principal_load(d, l->user_id, &p) == 0) {
		uint8_t raw[32], c[16];
		char cookie[65], hash[65];
		randombytes_buf(raw, sizeof(raw));
		randombytes_buf(c, sizeof(c));
		sodium_bin2hex(cookie, sizeof(cookie), raw, sizeof(raw));
		sodium_bin2hex(p.csrf, sizeof(p.csrf), c, sizeof(c));
		web_secret_hash(cookie, hash);
		/* A session nobody can account for is not opened: its row and
		 * the audit's go together. */
		if (db_begin(d->db) != 0 || db_session_add(d->db, hash, p.user_id,
		    p.csrf, now + WEB_SESSION_S, source) != 0 ||
		    db_audit(d->db, p.user_id, source, p.zone, "user.login",
		    p.name) != 0 ||
		    db_commit(d->db) != 0) {
			db_rollback(d->db);
			l->done(d, l->msg, WEB_LOGIN_BUSY, NULL, NULL, 0, l->arg);
		} else {
			p.by_session = true;
			memcpy(p.session_hash, hash, sizeof(hash));
			web_limiter_succeeded(w->lim, l->name, l->source);
			l->done(d, l->msg, WEB_LOGIN_OK, &p, cookie, 0, l->arg);
		}
		sodium_memzero(cookie, sizeof(cookie));
	} else {
		web_limiter_failed(w->lim, l->name, l->source, mono_s());
		db_audit(d->db, 0, source, l->zone, "user.login_failed", l->name);
		dlog(LOG_WARNING, "login failed for \"%.64s\" from %s", l->name,
		    source);
		l->done(d, l->msg, WEB_LOGIN_BAD, NULL, NULL, 0, l->arg);
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
start_next(struct web *w)
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

void
web_login(struct dalabad *d, SoupServerMessage *msg, const char *name,
    const char *pw, web_login_fn done, void *arg)
{
	struct web *w = d->web;
	struct login *l;
	struct db_user u;
	const char *from = soup_server_message_get_remote_host(msg);
	int delay_ms, wait_s = web_limiter_check(w->lim, name, from ? from : "",
	    mono_s(), &delay_ms);

	if (wait_s > 0) {
		done(d, msg, WEB_LOGIN_LIMITED, NULL, NULL, wait_s, arg);
		return;
	}
	if (w->verifying + (int)w->queue->length + w->delayed >=
	    WEB_LOGIN_PENDING) {
		done(d, msg, WEB_LOGIN_BUSY, NULL, NULL, 0, arg);
		return;
	}
	l = g_new0(struct login, 1);
	l->w = w;
	l->d = d;
	l->msg = g_object_ref(msg);
	l->done = done;
	l->arg = arg;
	l->pw = g_strdup(pw);
	snprintf(l->name, sizeof(l->name), "%s", name);
	snprintf(l->source, sizeof(l->source), "%s", from ? from : "");
	if (db_user_by_name(d->db, name, &u) == 1) {
		snprintf(l->zone, sizeof(l->zone), "%s", u.zone);
		if (!u.disabled) {
			l->user_id = u.id;
			snprintf(l->hash, sizeof(l->hash), "%s", u.pw_hash);
		}
	}
	soup_server_message_pause(msg);
	if (delay_ms > 0) {
		w->delayed++;
		g_queue_push_tail(w->waiting, l);
		l->timer = g_timeout_add((guint)delay_ms, delay_over, l);
	} else {
		enqueue(l);
	}
}

void
web_logins_stop(struct web *w)
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
