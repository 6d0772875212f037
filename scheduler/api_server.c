/*
 * api_server.c — the HTTP side of dalabad's API and web admin (libsoup 3,
 * on the main loop): listening (HTTPS when given a certificate), bodies
 * refused from their headers when too large, who is asking and the CSRF
 * check, then routing to the resources; the machine's API token; and
 * enrolment, on its own listener, for loudspeaker boxes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <sodium.h>

#include "scheduler/api_int.h"
#include "scheduler/cap.h"
#include "scheduler/http_gate.h"
#include "scheduler/loop_share.h"
#include "scheduler/log.h"
#include "web-admin/web_int.h"

static bool
read_body(struct api_req *r)
{
	SoupMessageBody *mb = soup_server_message_get_request_body(r->msg);
	SoupMessageHeaders *h = soup_server_message_get_request_headers(r->msg);
	const char *ctype = soup_message_headers_get_content_type(h, NULL);
	const char *code;
	char msg[512];

	if (mb->length > API_MAX_BODY) {
		api_error(r, 413, "too_large", "the body is larger than %d bytes",
		    API_MAX_BODY);
		return false;
	}
	if (mb->length == 0) {
		r->body = json_object_new();
		return true;
	}
	if (ctype == NULL || strcmp(ctype, "application/json") != 0) {
		api_error(r, 415, "not_json", "send the body as application/json");
		return false;
	}
	GBytes *bytes = soup_message_body_flatten(mb);
	gsize len;
	const char *data = g_bytes_get_data(bytes, &len);
	bool ok = api_parse_body(data, len, &r->body, &code, msg,
	    sizeof(msg)) == 0;
	if (!ok)
		api_error(r, 400, code, "%s", msg);
	g_bytes_unref(bytes);
	return ok;
}

static void api_handle(struct api_req *r, const char *path, gchar **parts);

static void
api_handler(SoupServer *server, SoupServerMessage *msg, const char *path,
    GHashTable *query, gpointer data)
{
	struct api_req r = { .d = data, .msg = msg, .query = query };
	gchar **parts;

	(void)server;
	r.method = soup_server_message_get_method(msg);
	parts = g_strsplit(path + strlen("/api/v1/"), "/", 0);
	for (r.nparts = 0; parts[r.nparts] && r.nparts < 6; r.nparts++)
		r.parts[r.nparts] = parts[r.nparts];
	int64_t t0 = g_get_monotonic_time();
	api_handle(&r, path, parts);
	if (!r.share_exempt)
		api_share_charge(r.d, msg, t0);
	if (r.body)
		json_object_unref(r.body);
	g_strfreev(parts);
}

static void
api_handle(struct api_req *r, const char *path, gchar **parts)
{
	SoupServerMessage *msg = r->msg;

	snprintf(r->source, sizeof(r->source), "api:%s",
	    soup_server_message_get_remote_host(msg));
	/* Times in answers are unix seconds; this says in which zone they
	 * are local (the CLI prints them there, not in its own machine's). */
	soup_message_headers_replace(soup_server_message_get_response_headers(
	    msg), "X-Dalaba-Timezone", r->d->cfg.timezone);
	/* Logging in is the one thing done without credentials. */
	bool login = strcmp(r->method, "POST") == 0 && r->nparts == 1 &&
	    strcmp(r->parts[0], "login") == 0;
	if (!login && !web_authenticate(r->d, msg, &r->who)) {
		api_error(r, 401, "unauthorised", "log in (POST /api/v1/login), "
		    "or send \"Authorization: Bearer TOKEN\" with a user's API "
		    "token or the state directory's api.token");
		goto out;
	}
	r->share_exempt = api_share_exempt(r, login);
	if (!r->share_exempt && !api_share_allow(r->d, msg, false)) {
		r->answered = true;
		goto out;
	}
	/* A browser sends the cookie on its own; only our page knows the
	 * CSRF token, so a write without it came from elsewhere. */
	if (strcmp(r->method, "GET") != 0 && !web_csrf_ok(&r->who,
	    soup_message_headers_get_one(soup_server_message_get_request_headers(
	    msg), "X-CSRF-Token"))) {
		api_error(r, 403, "csrf", "a write from a session needs its "
		    "X-CSRF-Token header (from GET /api/v1/me)");
		goto out;
	}
	if (strcmp(r->method, "POST") == 0 && r->nparts == 1 &&
	    strcmp(r->parts[0], "cap") == 0) {
		api_post_cap(r);	/* XML, not JSON */
		goto out;
	}
	if (strcmp(r->method, "POST") == 0 && !read_body(r))
		goto out;
	if (parts[r->nparts] != NULL || (api_route(r) != 0 &&
	    web_api_route(r) != 0)) {
		if (!r->answered)
			api_error(r, 404, "not_found", "no such resource: %s %.200s",
			    r->method, path);
	}
	if (r->in_txn) {
		/* A handler that left its transaction open: nothing of it
		 * is kept, and the log says where. */
		dlog(LOG_ERR, "api: %s %s left a transaction open; rolled back",
		    r->method, path);
		api_rollback(r);
		if (!r->paused)
			api_error(r, 500, "internal", "the change was not made");
	}
	if (!r->answered && !r->paused)
		api_error(r, 500, "internal", "the request was not answered");
out:
	return;
}

/* A paused request run again from its start, by whichever handler it
 * first reached (web_int.h: password work). */
void
web_rerun(struct dalabad *d, SoupServerMessage *msg)
{
	GUri *uri = soup_server_message_get_uri(msg);
	const char *path = g_uri_get_path(uri), *q = g_uri_get_query(uri);
	GHashTable *query = q ? soup_form_decode(q) : NULL;

	if (g_str_has_prefix(path, "/api/v1/"))
		api_handler(d->api, msg, path, query, d);
	else
		web_page_handler(d->api, msg, path, query, d);
	if (query)
		g_hash_table_unref(query);
}

/* ---- enrolment: loudspeaker boxes fetch their configuration ---------------- */

static void
enroll_refuse(SoupServerMessage *msg, int status, const char *why,
    const char *from)
{
	soup_server_message_set_status(msg, (guint)status, NULL);
	soup_server_message_set_response(msg, "text/plain", SOUP_MEMORY_COPY,
	    why, strlen(why));
	dlog(LOG_WARNING, "enrolment refused from %s: %s", from, why);
}

/* GET /enroll?token=T: a box redeems its one-time token for its key and
 * configuration. The token is spent, the key stored and the enrolment
 * audited in one transaction; only then does the key reach the registry
 * and the box. */
static void
enroll_handler(SoupServer *server, SoupServerMessage *msg, const char *path,
    GHashTable *query, gpointer data)
{
	struct dalabad *d = data;
	struct bcast_enrolled e;
	char conf[2048], err[256], keyhex[2 * BCAST_SPEAKER_KEY_LEN + 1];
	char hash[65], zone[13];
	const char *token = query ? g_hash_table_lookup(query, "token") : NULL;
	const char *from = soup_server_message_get_remote_host(msg);
	uint32_t id;
	int rc;

	(void)server;
	(void)path;
	if (strcmp(soup_server_message_get_method(msg), "GET") != 0) {
		soup_server_message_set_status(msg, 405, NULL);
		return;
	}
	if (token == NULL || strlen(token) != BCAST_TOKEN_LEN) {
		enroll_refuse(msg, 403, "no token, or not a token", from);
		return;
	}
	web_secret_hash(token, hash);
	if (db_begin(d->db) != 0) {
		enroll_refuse(msg, 503, "the server is busy; try again", from);
		return;
	}
	rc = db_enroll_token_take(d->db, hash, dalabad_now(), &id, zone);
	if (rc != 1) {
		db_rollback(d->db);
		enroll_refuse(msg, rc == 0 ? 403 : 500, rc == 0 ? "unknown, used "
		    "or expired token" : "the store could not be read", from);
		return;
	}
	if (bcast_enroll_answer(d->srv, id, zone, d->cfg.advertise,
	    bcast_server_port(d->srv), &e, conf, sizeof(conf), err,
	    sizeof(err)) != 0) {
		db_rollback(d->db);
		enroll_refuse(msg, 500, err, from);
		return;
	}
	bcast_hex_encode(e.key, sizeof(e.key), keyhex);
	rc = db_speaker_set_key(d->db, e.id, keyhex, err, sizeof(err)) == 0 &&
	    db_audit(d->db, 0, from, e.zone, "speaker.enrolled", e.zone) == 0 &&
	    db_commit(d->db) == 0 ? 0 : -1;
	sodium_memzero(keyhex, sizeof(keyhex));
	if (rc != 0) {
		db_rollback(d->db);
		sodium_memzero(&e, sizeof(e));
		sodium_memzero(conf, sizeof(conf));
		dlog(LOG_ERR, "enrolment of speaker %u: the store refused it", id);
		soup_server_message_set_status(msg, 500, NULL);
		return;
	}
	if (bcast_registry_add(d->srv, e.id, e.zone, e.key, err, sizeof(err)) != 0)
		dlog(LOG_ERR, "speaker %u enrolled but not registered: %s", e.id,
		    err);
	sodium_memzero(e.key, sizeof(e.key));
	dlog(LOG_NOTICE, "speaker %u enrolled in zone %s from %s", e.id, e.zone,
	    from);
	soup_server_message_set_status(msg, 200, NULL);
	soup_server_message_set_response(msg, "text/plain", SOUP_MEMORY_COPY,
	    conf, strlen(conf));
	sodium_memzero(conf, sizeof(conf));
}

/* ---- start and stop ------------------------------------------------------------ */

/* The API token: made once, kept in the state dir (0600), read by the
 * dalaba CLI. */
static int
load_token(struct dalabad *d, char *err, size_t errlen)
{
	gchar *path = g_build_filename(d->cfg.state_dir, "api.token", NULL);
	gchar *text = NULL;
	int rc = 0;

	if (g_file_get_contents(path, &text, NULL, NULL) &&
	    strlen(g_strstrip(text)) == 64) {
		snprintf(d->token, sizeof(d->token), "%s", text);
	} else {
		uint8_t raw[32];
		randombytes_buf(raw, sizeof(raw));
		bcast_hex_encode(raw, sizeof(raw), d->token);
		gchar *line = g_strdup_printf("%s\n", d->token);
		GError *gerr = NULL;
		mode_t old = umask(077);
		if (!g_file_set_contents_full(path, line, -1,
		    G_FILE_SET_CONTENTS_CONSISTENT, 0600, &gerr)) {
			snprintf(err, errlen, "%s", gerr->message);
			g_error_free(gerr);
			rc = -1;
		}
		umask(old);
		g_free(line);
	}
	g_free(text);
	g_free(path);
	return rc;
}

static const struct http_gate_limits enroll_limits = {
	.max_conns = 64, .max_per_source = 8, .request_s = 10, .backlog = 128,
};

static void
api_limits(const struct dalabad *d, struct http_gate_limits *lim)
{
	lim->max_conns = d->cfg.api_connections;
	lim->max_per_source = d->cfg.api_connections_per_source;
	lim->request_s = d->cfg.api_request_s;
	lim->backlog = 512;
}

/* A server of our own, fed by a gate (http_gate.h) on bind:port. */
static SoupServer *
listen_on(const char *bind, int port, const char *what, GTlsCertificate *tls,
    const struct http_gate_limits *lim, struct http_gate **gate, char *err,
    size_t errlen)
{
	SoupServer *s = soup_server_new("server-header", "dalabad", NULL);

	*gate = http_gate_open(s, bind, port, tls, lim, what, err, errlen);
	if (*gate == NULL) {
		g_object_unref(s);
		return NULL;
	}
	return s;
}

static bool
tls_on(const struct dalabad *d)
{
	return strcmp(d->cfg.api_tls_cert, "off") != 0;
}

/* Descriptors for every connection the caps allow, and the rest of
 * the daemon (the store, sockets, files being rendered): the soft limit
 * raised to the hard one, and a warning if that is still short. */
static void
fd_room(const struct dalabad *d)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)d->cfg.api_connections +
	    (rlim_t)enroll_limits.max_conns + 256;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want)
		dlog(LOG_WARNING, "only %llu open files allowed; [api] connections "
		    "= %d wants about %llu (raise LimitNOFILE, or lower it)",
		    (unsigned long long)rl.rlim_cur, d->cfg.api_connections,
		    (unsigned long long)want);
}

int
api_start(struct dalabad *d, char *err, size_t errlen)
{
	char e2[256];

	fd_room(d);

	if (load_token(d, e2, sizeof(e2)) != 0) {
		snprintf(err, errlen, "API token: %s", e2);
		return -1;
	}
	GTlsCertificate *tls = NULL;
	if (strcmp(d->cfg.api_tls_cert, "off") != 0) {
		GError *gerr = NULL;
		tls = g_tls_certificate_new_from_files(d->cfg.api_tls_cert,
		    d->cfg.api_tls_key, &gerr);
		if (tls == NULL) {
			snprintf(err, errlen, "TLS certificate %s / key %s: %s",
			    d->cfg.api_tls_cert, d->cfg.api_tls_key, gerr->message);
			g_error_free(gerr);
			return -1;
		}
		/* The CLI on this machine trusts exactly this certificate. */
		gchar *pem = NULL, *cpath = g_build_filename(d->cfg.state_dir,
		    "api.cert", NULL);
		g_object_get(tls, "certificate-pem", &pem, NULL);
		g_file_set_contents(cpath, pem ? pem : "", -1, NULL);
		g_free(pem);
		g_free(cpath);
	}
	struct http_gate_limits lim;
	api_limits(d, &lim);
	d->api = listen_on(d->cfg.api_bind, d->cfg.api_port, "JSON API", tls,
	    &lim, &d->api_gate, err, errlen);
	if (tls)
		g_object_unref(tls);
	if (d->api == NULL)
		return -1;
	d->api_share = api_share_new();
	soup_server_add_handler(d->api, "/api/v1/", api_handler, d, NULL);
	soup_server_add_early_handler(d->api, "/api/v1/", api_early_checks, d, NULL);
	soup_server_add_early_handler(d->api, "/", api_early_checks, d, NULL);
	if (web_start(d, err, errlen) != 0)
		return -1;
	int port = http_gate_port(d->api_gate);
	/* Where the CLI finds us (port 0 means any free port). */
	gchar *url = g_strdup_printf("%s://%s:%d\n", tls_on(d) ? "https" : "http",
	    strchr(d->cfg.api_bind, ':') ? "[::1]" : strcmp(d->cfg.api_bind,
	    "0.0.0.0") == 0 ? "127.0.0.1" : d->cfg.api_bind, port);
	gchar *path = g_build_filename(d->cfg.state_dir, "api.url", NULL);
	g_file_set_contents(path, url, -1, NULL);
	g_free(path);
	dlog(LOG_NOTICE, "JSON API on %.*s (token in %s/api.token)",
	    (int)strlen(url) - 1, url, d->cfg.state_dir);
	g_free(url);
	if (strcmp(d->cfg.enroll_bind, "off") != 0) {
		d->enroll = listen_on(d->cfg.enroll_bind, d->cfg.enroll_port,
		    "enrolment", NULL, &enroll_limits, &d->enroll_gate, err,
		    errlen);
		if (d->enroll == NULL)
			return -1;
		soup_server_add_handler(d->enroll, "/enroll", enroll_handler, d,
		    NULL);
		/* What a box is told to fetch, for `dalaba speaker token`. */
		url = g_strdup_printf("http://%s:%d/enroll\n", d->cfg.advertise,
		    http_gate_port(d->enroll_gate));
		path = g_build_filename(d->cfg.state_dir, "enroll.url", NULL);
		g_file_set_contents(path, url, -1, NULL);
		g_free(path);
		dlog(LOG_NOTICE, "enrolment on %s:%d (boxes fetch %.*s)",
		    d->cfg.enroll_bind, http_gate_port(d->enroll_gate),
		    (int)strlen(url) - 1, url);
		g_free(url);
	}
	return 0;
}

void
api_stop(struct dalabad *d)
{
	web_stop(d);
	if (d->api) {
		soup_server_disconnect(d->api);
		http_gate_close(d->api_gate);
		g_object_unref(d->api);
	}
	if (d->enroll) {
		soup_server_disconnect(d->enroll);
		http_gate_close(d->enroll_gate);
		g_object_unref(d->enroll);
	}
	d->api = d->enroll = NULL;
	d->api_gate = d->enroll_gate = NULL;
	loop_share_free(d->api_share);
	d->api_share = NULL;
}

void
api_reconfigure(struct dalabad *d)
{
	struct http_gate_limits lim;

	api_limits(d, &lim);
	if (d->api_gate)
		http_gate_set_limits(d->api_gate, &lim);
}
