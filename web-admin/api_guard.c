/*
 * api_guard.c — what the HTTP side refuses before doing any work: a
 * request naming a host that is not ours (DNS rebinding), a body too large
 * or of no stated length (both from the headers, in libsoup's early
 * handler), and a source that has spent its share of the main loop
 * (loop_share.h).
 */
#include <stdio.h>
#include <string.h>

#include "web-admin/api_int.h"
#include "web-admin/cap.h"
#include "web-admin/http_gate.h"
#include "web-admin/loop_share.h"
#include "tts/tts.h"

/* Each source's share of the loop (loop_share.h): one second at once,
 * a quarter of every second after that. A cadre's phone spends about a
 * millisecond a request. */
#define SHARE_BURST_MS 1000
#define SHARE_MS_PER_S 250

struct loop_share *
api_share_new(void)
{
	return loop_share_new(SHARE_BURST_MS, SHARE_MS_PER_S);
}

/* The source a request is charged to; false for this machine's own
 * 127.0.0.1 and ::1, held to no share (the county's terminal; behind a
 * reverse proxy on this machine every user would be one source). */
static bool
share_key(SoupServerMessage *msg, char *key, size_t n)
{
	GSocketAddress *sa = soup_server_message_get_remote_address(msg);
	bool loopback = false;

	if (sa && G_IS_INET_SOCKET_ADDRESS(sa))
		http_gate_source_key(sa, key, n, &loopback);
	else
		snprintf(key, n, "?");
	return !loopback;
}

static void
refuse_share(SoupServerMessage *msg, bool html)
{
	static const char zh[] = "<!doctype html><meta charset=\"utf-8\">"
	    "<p>您这边的请求太多太快，服务器先照顾其他人和紧急广播。请过几秒再试。</p>";

	api_retry_after(msg, 2);
	if (html) {
		soup_server_message_set_status(msg, 429, NULL);
		soup_server_message_set_response(msg, "text/html; charset=utf-8",
		    SOUP_MEMORY_STATIC, zh, strlen(zh));
	} else {
		api_send(msg, 429, api_error_node(429, "slow_down", "this address "
		    "has used its share of the server for now; try again in a "
		    "few seconds"));
	}
}

/* Does this request skip the share? Emergency pages, CAP alerts and their
 * live views never wait; nor does the server's own token (the CLI). */
bool
api_share_exempt(const struct api_req *r, bool login)
{
	return (!login && r->who.user_id == 0) || (r->nparts > 0 &&
	    (strcmp(r->parts[0], "pages") == 0 || strcmp(r->parts[0], "cap") ==
	    0));
}

bool
api_share_allow(struct web_admin *wa, SoupServerMessage *msg, bool html)
{
	char key[64];

	if (wa->api_share == NULL || !share_key(msg, key, sizeof(key)))
		return true;
	if (loop_share_allow(wa->api_share, key, g_get_monotonic_time()))
		return true;
	refuse_share(msg, html);
	return false;
}

void
api_share_charge(struct web_admin *wa, SoupServerMessage *msg, int64_t t0)
{
	char key[64];
	int64_t t1 = g_get_monotonic_time();

	if (wa->api_share == NULL || !share_key(msg, key, sizeof(key)))
		return;
	loop_share_charge(wa->api_share, key, t1 - t0, t1);
}

/* Is the name the request was sent to one of ours? A page on another
 * site can point its own DNS name at this server (DNS rebinding) and so
 * reach it from a browser inside the township's network: such a request
 * names that site's host. IP addresses, localhost, this machine's name,
 * [api] names and the host of [listen] public_url are ours; no Host
 * (HTTP/1.0, not a browser) too. */
static bool
host_allowed(struct web_admin *wa, const char *host)
{
	gchar *name;
	bool ok = false;

	if (host == NULL || host[0] == '[')
		return true;	/* none, or an IPv6 literal */
	const char *colon = strchr(host, ':');
	name = g_ascii_strdown(host, colon ? colon - host : -1);
	size_t n = strlen(name);
	if (n > 0 && name[n - 1] == '.')
		name[--n] = '\0';
	if (g_hostname_is_ip_address(name) || strcmp(name, "localhost") == 0 ||
	    g_ascii_strcasecmp(name, g_get_host_name()) == 0)
		ok = true;
	gchar **names = g_strsplit_set(strcmp(wa->cfg->api_names, "none") == 0 ?
	    "" : wa->cfg->api_names, ", ", -1);
	for (int i = 0; !ok && names[i]; i++)
		ok = names[i][0] && g_ascii_strcasecmp(g_strstrip(names[i]), name) == 0;
	g_strfreev(names);
	/* And the host of [listen] public_url, printed on the plates. */
	GUri *pu = ok || strcmp(wa->cfg->public_url, "auto") == 0 ? NULL :
	    g_uri_parse(wa->cfg->public_url, G_URI_FLAGS_NONE, NULL);
	if (pu && g_uri_get_host(pu))
		ok = g_ascii_strcasecmp(g_uri_get_host(pu), name) == 0;
	if (pu)
		g_uri_unref(pu);
	g_free(name);
	return ok;
}

static void
refuse_host(SoupServerMessage *msg, const char *path, const char *host)
{
	char m[400];

	soup_message_headers_replace(soup_server_message_get_response_headers(
	    msg), "Connection", "close");
	if (g_str_has_prefix(path, "/api/")) {
		snprintf(m, sizeof(m), "this server does not answer to the name "
		    "\"%.100s\"; add it to [api] names if it is ours", host);
		api_send(msg, 421, api_error_node(421, "unknown_host", m));
		return;
	}
	snprintf(m, sizeof(m), "本服务器不认这个地址（%.100s）。请用县里给的网址打开；"
	    "如果这个地址是对的，请管理员把它写进 dalabad 配置 [api] names。\n"
	    "This server does not answer to that name; add it to [api] names.\n",
	    host);
	soup_server_message_set_status(msg, 421, NULL);
	soup_server_message_set_response(msg, "text/plain; charset=utf-8",
	    SOUP_MEMORY_COPY, m, strlen(m));
}

/* A recording of 10 MB from a phone on a village's uplink (1 Mbit/s
 * takes 80 s) needs longer than a form's request_seconds. */
#define UPLOAD_SECONDS 150

static void
api_upload_started(struct web_admin *wa, SoupServerMessage *msg)
{
	http_gate_extend(wa->api_gate, msg, UPLOAD_SECONDS);
}

/* Before a body is read: refuse a foreign host name (host_allowed); then
 * refuse a body that is too large or of no stated
 * length, and keep none of it, so a hostile client cannot make us hold a
 * gigabyte. (Registered with each normal handler's path: libsoup runs the
 * early handler of the same, most specific, path only.) */
void
api_early_checks(SoupServer *server, SoupServerMessage *msg, const char *path,
    GHashTable *query, gpointer data)
{
	SoupMessageHeaders *h = soup_server_message_get_request_headers(msg);
	const char *host = soup_message_headers_get_one(h, "Host");

	if (!host_allowed(data, host)) {
		soup_message_body_set_accumulate(
		    soup_server_message_get_request_body(msg), FALSE);
		refuse_host(msg, path, host);
		return;
	}
	SoupEncoding enc = soup_message_headers_get_encoding(h);
	goffset len = soup_message_headers_get_content_length(h);

	/* CAP alerts may be larger than JSON bodies (long texts, several
	 * languages, many area codes); cap.c caps them again. */
	goffset max = strcmp(path, "/api/v1/cap") == 0 ? CAP_MAX_BYTES :
	    API_MAX_BODY;
	/* A recording is the one large body: the file, or the page's form
	 * holding it. It may take a phone's link longer than a form. Only
	 * for those who may bring one: anyone else's body would be held,
	 * 10 MB a connection for minutes, before the handler refused it. */
	struct web_principal who;
	bool upload = (strcmp(path, "/api/v1/recordings") == 0 ||
	    strcmp(path, "/recordings") == 0) && web_authenticate(data, msg,
	    &who) == 1;
	if (upload) {
		max = TTS_RECORDING_MAX_BYTES + (path[1] == 'r' ? API_MAX_BODY : 0);
		api_upload_started(data, msg);
	}
	char why[64];

	(void)server;
	(void)query;
	if (enc == SOUP_ENCODING_CONTENT_LENGTH && len <= max)
		return;
	if (enc == SOUP_ENCODING_NONE)
		return;
	soup_message_body_set_accumulate(soup_server_message_get_request_body(
	    msg), FALSE);
	soup_message_headers_replace(soup_server_message_get_response_headers(
	    msg), "Connection", "close");
	bool big = enc == SOUP_ENCODING_CONTENT_LENGTH;
	snprintf(why, sizeof(why), "the body is larger than %lld KB",
	    (long long)max / 1024);
	api_send(msg, big ? 413 : 411, api_error_node(big ? 413 : 411,
	    big ? "too_large" : "length_required", big ? why :
	    "send the body with a Content-Length"));
}

/* Who may hold the enrolment port, which listens on every address:
 * boxes enrol one at a time, each in one short request. */
