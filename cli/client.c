/*
 * client.c — see client.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libsoup/soup.h>

#include "cli/client.h"

/* The server's time zone, as its last answer named it. */
static char *server_tz;

const char *
client_state_dir(const char *flag)
{
	const char *env = getenv("DALABA_STATE_DIR");

	if (flag)
		return flag;
	if (env && env[0])
		return env;
	if (g_file_test("state/api.url", G_FILE_TEST_EXISTS))
		return "state";
	return "/var/lib/dalaba";
}

static char *
read_line(const char *dir, const char *name)
{
	gchar *path = g_build_filename(dir, name, NULL);
	gchar *text = NULL;

	if (!g_file_get_contents(path, &text, NULL, NULL)) {
		g_free(path);
		return NULL;
	}
	g_free(path);
	return g_strstrip(text);
}

static gboolean
accept_pinned(SoupMessage *m, GTlsCertificate *peer, GTlsCertificateFlags errs,
    gpointer pinned)
{
	(void)m;
	(void)errs;
	return g_tls_certificate_is_same(peer, pinned);
}

int
client_call(const char *state_dir, const char *method, const char *path,
    JsonNode *body, JsonNode **out)
{
	GBytes *b = NULL;
	int rc;

	if (body) {
		gchar *text = json_to_string(body, FALSE);
		b = g_bytes_new_take(text, strlen(text));
	}
	rc = client_call_bytes(state_dir, method, path, "application/json", b,
	    out);
	if (b)
		g_bytes_unref(b);
	return rc;
}

int
client_call_bytes(const char *state_dir, const char *method, const char *path,
    const char *type, GBytes *body, JsonNode **out)
{
	char *url = read_line(state_dir, "api.url");
	/* A user's own token (DALABA_TOKEN) acts as that user; the state
	 * directory's api.token is the machine's, with every right. */
	const char *env = getenv("DALABA_TOKEN");
	char *token = env && *env ? g_strdup(env) : read_line(state_dir,
	    "api.token");
	GError *gerr = NULL;
	int rc = CLI_UNREACHABLE;

	*out = NULL;
	if (url == NULL || token == NULL) {
		fprintf(stderr, "dalaba: no dalabad found in %s (%s is missing); "
		    "is dalabad running? (--state-dir or DALABA_STATE_DIR says "
		    "where its state is)\n", state_dir, url ? "api.token" : "api.url");
		goto out;
	}
	gchar *full = g_strconcat(url, "/api/v1/", path, NULL);
	SoupMessage *m = soup_message_new(method, full);
	g_free(full);
	if (m == NULL) {
		fprintf(stderr, "dalaba: bad API address in %s/api.url\n", state_dir);
		goto out;
	}
	gchar *auth = g_strdup_printf("Bearer %s", token);
	soup_message_headers_replace(soup_message_get_request_headers(m),
	    "Authorization", auth);
	g_free(auth);
	if (body)
		soup_message_set_request_body_from_bytes(m, type, body);
	/* With HTTPS, the certificate dalabad wrote beside api.url is the
	 * one we accept (a county's own certificate need not be in the
	 * system's store). */
	gchar *cpath = g_build_filename(state_dir, "api.cert", NULL);
	GTlsCertificate *pinned = g_str_has_prefix(url, "https:") ?
	    g_tls_certificate_new_from_file(cpath, NULL) : NULL;
	g_free(cpath);
	if (pinned)
		g_signal_connect(m, "accept-certificate",
		    G_CALLBACK(accept_pinned), pinned);
	SoupSession *s = soup_session_new_with_options("timeout", 120, NULL);
	GBytes *resp = soup_session_send_and_read(s, m, NULL, &gerr);
	if (resp == NULL) {
		fprintf(stderr, "dalaba: cannot reach dalabad at %s: %s\n", url,
		    gerr->message);
		g_error_free(gerr);
		g_object_unref(s);
		g_object_unref(m);
		if (pinned)
			g_object_unref(pinned);
		goto out;
	}
	guint status = soup_message_get_status(m);
	const char *tz = soup_message_headers_get_one(
	    soup_message_get_response_headers(m), "X-Dalaba-Timezone");
	if (tz && strlen(tz) < 64 && strspn(tz, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789/_+-") == strlen(tz)) {
		g_free(server_tz);
		server_tz = g_strdup(tz);
	}
	gsize len;
	const char *data = g_bytes_get_data(resp, &len);
	JsonParser *p = json_parser_new();
	JsonNode *root = NULL;
	if (len > 0 && json_parser_load_from_data(p, data, (gssize)len, NULL))
		root = json_node_copy(json_parser_get_root(p));
	g_object_unref(p);
	if (SOUP_STATUS_IS_SUCCESSFUL(status)) {
		*out = root ? root : json_node_new(JSON_NODE_NULL);
		rc = CLI_OK;
	} else {
		const char *msg = NULL;
		if (root && JSON_NODE_HOLDS_OBJECT(root)) {
			JsonObject *e = json_object_get_object_member(
			    json_node_get_object(root), "error");
			if (e && json_object_has_member(e, "message"))
				msg = json_object_get_string_member(e, "message");
		}
		fprintf(stderr, "dalaba: %s (HTTP %u)\n", msg ? msg :
		    soup_status_get_phrase(status), status);
		if (root)
			json_node_unref(root);
		rc = CLI_REFUSED;
	}
	g_bytes_unref(resp);
	g_object_unref(s);
	g_object_unref(m);
	if (pinned)
		g_object_unref(pinned);
out:
	g_free(url);
	g_free(token);
	return rc;
}

const char *
client_timezone(void)
{
	return server_tz;
}

void
client_print_json(JsonNode *n)
{
	gchar *s = json_to_string(n, TRUE);

	printf("%s\n", s);
	g_free(s);
}
