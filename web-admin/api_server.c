/*
 * api_server.c — the HTTP side of dalabad's API and web admin (libsoup 3,
 * on the main loop): listening (HTTPS when given a certificate), bodies
 * refused from their headers when too large, who is asking and the CSRF
 * check, then routing to the resources; the machine's API token; and
 * enrolment, on its own listener, for loudspeaker boxes.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <sodium.h>

#include "web-admin/api_int.h"
#include "web-admin/cap.h"
#include "web-admin/http_gate.h"
#include "web-admin/loop_share.h"
#include "web-admin/metrics.h"
#include "broadcaster/log.h"
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
	struct api_req r = { .wa = data, .msg = msg, .query = query };
	gchar **parts;

	(void)server;
	r.method = soup_server_message_get_method(msg);
	parts = g_strsplit(path + strlen("/api/v1/"), "/", 0);
	for (r.nparts = 0; parts[r.nparts] && r.nparts < 6; r.nparts++)
		r.parts[r.nparts] = parts[r.nparts];
	int64_t t0 = g_get_monotonic_time();
	api_handle(&r, path, parts);
	if (!r.share_exempt)
		api_share_charge(r.wa, msg, t0);
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
	    msg), "X-Dalaba-Timezone", r->wa->cfg->timezone);
	/* Logging in is the one thing done without credentials. */
	bool login = strcmp(r->method, "POST") == 0 && r->nparts == 1 &&
	    strcmp(r->parts[0], "login") == 0;
	if (!login && !web_authenticate(r->wa, msg, &r->who)) {
		api_error(r, 401, "unauthorised", "log in (POST /api/v1/login), "
		    "or send \"Authorization: Bearer TOKEN\" with a user's API "
		    "token or the state directory's api.token");
		goto out;
	}
	r->share_exempt = api_share_exempt(r, login);
	if (!r->share_exempt && !api_share_allow(r->wa, msg, false)) {
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
	if (strcmp(r->method, "POST") == 0 && r->nparts == 1 &&
	    strcmp(r->parts[0], "recordings") == 0) {
		api_post_recording(r);	/* the file itself, not JSON */
		goto out;
	}
	if (strcmp(r->method, "POST") == 0 && !read_body(r))
		goto out;
	if (parts[r->nparts] != NULL || web_route_api(r) != 0) {
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
web_rerun(struct web_admin *wa, SoupServerMessage *msg)
{
	GUri *uri = soup_server_message_get_uri(msg);
	const char *path = g_uri_get_path(uri), *q = g_uri_get_query(uri);
	GHashTable *query = q ? soup_form_decode(q) : NULL;

	if (g_str_has_prefix(path, "/api/v1/"))
		api_handler(wa->api, msg, path, query, wa);
	else
		web_page_handler(wa->api, msg, path, query, wa);
	if (query)
		g_hash_table_unref(query);
}

/* ---- enrolment: loudspeaker boxes fetch their configuration ---------------- */

/* The store as an enrolment keeper (broadcaster.h): the token is spent,
 * the key stored and the enrolment audited in one transaction. */
struct enroll_keeper {
	struct web_admin *wa;
	const char *from;
	uint32_t kept;		/* the speaker whose key was kept, 0 none */
};

static int
keeper_take(void *arg, const char *token, uint32_t *id, char zone[13])
{
	struct enroll_keeper *k = arg;
	char hash[65];

	web_secret_hash(token, hash);
	if (db_begin(k->wa->db) != 0)
		return -1;
	int rc = db_enroll_token_take(k->wa->db, hash, dalabad_now(), id, zone);
	if (rc != 1)
		db_rollback(k->wa->db);
	return rc;
}

static int
keeper_keep(void *arg, const struct bcast_enrolled *e)
{
	struct enroll_keeper *k = arg;
	char keyhex[2 * BCAST_SPEAKER_KEY_LEN + 1], err[256];

	bcast_hex_encode(e->key, sizeof(e->key), keyhex);
	int rc = db_speaker_set_key(k->wa->db, e->id, keyhex, err,
	    sizeof(err)) == 0 && db_audit(k->wa->db, 0, k->from, e->zone,
	    "speaker.enrolled", e->zone) == 0 && db_commit(k->wa->db) == 0 ?
	    0 : -1;
	sodium_memzero(keyhex, sizeof(keyhex));
	if (rc != 0)
		dlog(LOG_ERR, "enrolment of speaker %u: the store refused it",
		    e->id);
	else
		k->kept = e->id;
	return rc;
}

static void
keeper_undo(void *arg)
{
	struct enroll_keeper *k = arg;

	db_rollback(k->wa->db);
}

/* GET /enroll: the server's public key; GET /enroll?sealed=S: a box
 * redeems its sealed one-time token and key for its signed configuration
 * (bcast_enroll_serve). */
static void
enroll_handler(SoupServer *server, SoupServerMessage *msg, const char *path,
    GHashTable *query, gpointer data)
{
	static const struct bcast_enroll_keeper keeper = { keeper_take,
	    keeper_keep, keeper_undo };
	struct web_admin *wa = data;
	struct enroll_keeper k = { .wa = wa,
	    .from = soup_server_message_get_remote_host(msg) };
	struct bcast_server *srv = dalabad_broadcaster(wa->d);
	char out[2048];

	(void)server;
	(void)path;
	int status = bcast_enroll_serve(srv, &keeper, &k,
	    soup_server_message_get_method(msg), query ?
	    g_hash_table_lookup(query, "sealed") : NULL, query ?
	    g_hash_table_lookup(query, "token") : NULL, wa->cfg->advertise,
	    bcast_server_port(srv), k.from, out, sizeof(out));
	/* A volume set on its page before the box enrolled: told from its
	 * first reply (the registry entry is new now). */
	int vol = status == 200 && k.kept ? db_speaker_volume(wa->db, k.kept) : -1;
	if (vol >= 0)
		dalabad_speaker_volume_changed(wa->d, k.kept, vol);
	soup_server_message_set_status(msg, (guint)status, NULL);
	if (status != 405)
		soup_server_message_set_response(msg, "text/plain",
		    SOUP_MEMORY_COPY, out, strlen(out));
	sodium_memzero(out, sizeof(out));
}

/* ---- start and stop ------------------------------------------------------------ */

/* A token of the state dir (api.token, read by the dalaba CLI;
 * metrics.token, by a scraper): made once, kept there (0600). */
int
web_token_load(struct web_admin *wa, const char *name, char token[65],
    char *err, size_t errlen)
{
	gchar *path = g_build_filename(wa->cfg->state_dir, name, NULL);
	gchar *text = NULL;
	int rc = 0;

	if (g_file_get_contents(path, &text, NULL, NULL) &&
	    strlen(g_strstrip(text)) == 64) {
		snprintf(token, 65, "%s", text);
	} else {
		uint8_t raw[32];
		randombytes_buf(raw, sizeof(raw));
		bcast_hex_encode(raw, sizeof(raw), token);
		gchar *line = g_strdup_printf("%s\n", token);
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
api_limits(const struct web_admin *wa, struct http_gate_limits *lim)
{
	lim->max_conns = wa->cfg->api_connections;
	lim->max_per_source = wa->cfg->api_connections_per_source;
	lim->request_s = wa->cfg->api_request_s;
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
tls_on(const struct web_admin *wa)
{
	return strcmp(wa->cfg->api_tls_cert, "off") != 0;
}

/* Descriptors for every connection the caps allow, and the rest of
 * the daemon (the store, sockets, files being rendered): the soft limit
 * raised to the hard one, and a warning if that is still short. */
static void
fd_room(const struct web_admin *wa)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)wa->cfg->api_connections +
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
		    (unsigned long long)rl.rlim_cur, wa->cfg->api_connections,
		    (unsigned long long)want);
}

static int
listen_all(struct web_admin *wa, char *err, size_t errlen)
{
	char e2[256];

	fd_room(wa);

	if (web_token_load(wa, "api.token", wa->token, e2, sizeof(e2)) != 0) {
		snprintf(err, errlen, "API token: %s", e2);
		return -1;
	}
	GTlsCertificate *tls = NULL;
	if (strcmp(wa->cfg->api_tls_cert, "off") != 0) {
		GError *gerr = NULL;
		tls = g_tls_certificate_new_from_files(wa->cfg->api_tls_cert,
		    wa->cfg->api_tls_key, &gerr);
		if (tls == NULL) {
			snprintf(err, errlen, "TLS certificate %s / key %s: %s",
			    wa->cfg->api_tls_cert, wa->cfg->api_tls_key, gerr->message);
			g_error_free(gerr);
			return -1;
		}
		/* The CLI on this machine trusts exactly this certificate. */
		gchar *pem = NULL, *cpath = g_build_filename(wa->cfg->state_dir,
		    "api.cert", NULL);
		g_object_get(tls, "certificate-pem", &pem, NULL);
		g_file_set_contents(cpath, pem ? pem : "", -1, NULL);
		g_free(pem);
		g_free(cpath);
	}
	struct http_gate_limits lim;
	api_limits(wa, &lim);
	wa->api = listen_on(wa->cfg->api_bind, wa->cfg->api_port, "JSON API", tls,
	    &lim, &wa->api_gate, err, errlen);
	if (tls)
		g_object_unref(tls);
	if (wa->api == NULL)
		return -1;
	wa->api_share = api_share_new();
	soup_server_add_handler(wa->api, "/api/v1/", api_handler, wa, NULL);
	soup_server_add_early_handler(wa->api, "/api/v1/", api_early_checks, wa, NULL);
	soup_server_add_early_handler(wa->api, "/", api_early_checks, wa, NULL);
	if (web_start(wa, err, errlen) != 0 ||
	    web_metrics_start(wa, err, errlen) != 0)
		return -1;
	int port = http_gate_port(wa->api_gate);
	/* Where the CLI finds us (port 0 means any free port). */
	gchar *url = g_strdup_printf("%s://%s:%d\n", tls_on(wa) ? "https" : "http",
	    strchr(wa->cfg->api_bind, ':') ? "[::1]" : strcmp(wa->cfg->api_bind,
	    "0.0.0.0") == 0 ? "127.0.0.1" : wa->cfg->api_bind, port);
	gchar *path = g_build_filename(wa->cfg->state_dir, "api.url", NULL);
	g_file_set_contents(path, url, -1, NULL);
	g_free(path);
	dlog(LOG_NOTICE, "JSON API on %.*s (token in %s/api.token)",
	    (int)strlen(url) - 1, url, wa->cfg->state_dir);
	g_free(url);
	if (strcmp(wa->cfg->enroll_bind, "off") != 0) {
		wa->enroll = listen_on(wa->cfg->enroll_bind, wa->cfg->enroll_port,
		    "enrolment", NULL, &enroll_limits, &wa->enroll_gate, err,
		    errlen);
		if (wa->enroll == NULL)
			return -1;
		soup_server_add_handler(wa->enroll, "/enroll", enroll_handler, wa,
		    NULL);
		/* What a box is told to fetch, for `dalaba speaker token`. */
		url = g_strdup_printf("http://%s:%d/enroll\n", wa->cfg->advertise,
		    http_gate_port(wa->enroll_gate));
		path = g_build_filename(wa->cfg->state_dir, "enroll.url", NULL);
		g_file_set_contents(path, url, -1, NULL);
		g_free(path);
		dlog(LOG_NOTICE, "enrolment on %s:%d (boxes fetch %.*s)",
		    wa->cfg->enroll_bind, http_gate_port(wa->enroll_gate),
		    (int)strlen(url) - 1, url);
		g_free(url);
	}
	return 0;
}

struct web_admin *
web_admin_start(struct dalabad *d, char *err, size_t errlen)
{
	assert(d != NULL);	/* a started scheduler */
	struct web_admin *wa = g_new0(struct web_admin, 1);

	wa->d = d;
	wa->db = dalabad_store(d);
	wa->cfg = dalabad_config(d);
	if (listen_all(wa, err, errlen) != 0 || fed_start(wa, err, errlen) != 0) {
		web_admin_stop(wa);
		return NULL;
	}
	return wa;
}

void
web_admin_stop(struct web_admin *wa)
{
	if (wa == NULL)
		return;
	fed_stop(wa);
	api_recordings_stop(wa);
	web_stop(wa);
	if (wa->api) {
		soup_server_disconnect(wa->api);
		http_gate_close(wa->api_gate);
		g_object_unref(wa->api);
	}
	if (wa->enroll) {
		soup_server_disconnect(wa->enroll);
		http_gate_close(wa->enroll_gate);
		g_object_unref(wa->enroll);
	}
	wa->api = wa->enroll = NULL;
	wa->api_gate = wa->enroll_gate = NULL;
	loop_share_free(wa->api_share);
	web_reg_view_clear(wa);
	web_today_clear(wa);
	if (wa->zones_rows)
		json_node_unref(wa->zones_rows);
	sodium_memzero(wa->token, sizeof(wa->token));
	sodium_memzero(wa->metrics_token, sizeof(wa->metrics_token));
	g_free(wa);
}

void
web_admin_reconfigure(struct web_admin *wa)
{
	struct http_gate_limits lim;

	api_limits(wa, &lim);
	if (wa && wa->api_gate)
		http_gate_set_limits(wa->api_gate, &lim);
}
