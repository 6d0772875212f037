/*
 * http_gate.c — see http_gate.h. Each accepted connection is tracked from
 * its connect until libsoup has closed it; a sweep every SWEEP_MS notices
 * the closed ones (libsoup tells nobody) and the slow ones.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "web-admin/http_gate.h"
#include "broadcaster/log.h"

#define SWEEP_MS 200
/* A connection shut for being slow that libsoup still holds after this
 * (it was waiting on nothing the shutdown woke) is closed under it. */
#define SHUT_GRACE_US (5 * G_USEC_PER_SEC)

struct gate_conn {
	GIOStream *stream;	/* what libsoup was given */
	GSocket *socket;
	char source[48];	/* the address (an IPv6 one by its /64) */
	char peer[64];		/* address and port: this connection */
	gint64 deadline_us;	/* the request must be read by then; 0: it was */
	gint64 shut_us;		/* when it was shut for being slow; 0: not */
};

struct http_gate {
	SoupServer *server;
	GSocketService *service;
	struct http_gate_limits lim;
	char what[32];
	int port;
	GPtrArray *conns;	/* struct gate_conn * */
	GHashTable *per_source;	/* source → count (GINT_TO_POINTER) */
	GHashTable *by_peer;	/* peer → struct gate_conn * (not owned) */
	GTlsCertificate *tls;
	guint sweep_id;
	gulong started_id, read_id;
	struct http_gate_stats stats;
};

void
http_gate_source_key(GSocketAddress *sa, char *source, size_t slen,
    bool *loopback)
{
	GInetAddress *ia = g_inet_socket_address_get_address(
	    G_INET_SOCKET_ADDRESS(sa));
	gchar *text = g_inet_address_to_string(ia);
	bool lo = g_inet_address_get_is_loopback(ia) &&
	    (strcmp(text, "127.0.0.1") == 0 || strcmp(text, "::1") == 0);

	if (loopback)
		*loopback = lo;
	if (g_inet_address_get_family(ia) == G_SOCKET_FAMILY_IPV6 && !lo) {
		const guint8 *b = g_inet_address_to_bytes(ia);
		bool v4mapped = true;
		for (int i = 0; i < 10; i++)
			v4mapped = v4mapped && b[i] == 0;
		v4mapped = v4mapped && b[10] == 0xff && b[11] == 0xff;
		if (v4mapped)
			snprintf(source, slen, "%u.%u.%u.%u", b[12], b[13], b[14],
			    b[15]);
		else
			snprintf(source, slen, "%02x%02x:%02x%02x:%02x%02x:"
			    "%02x%02x::/64", b[0], b[1], b[2], b[3], b[4], b[5],
			    b[6], b[7]);
	} else {
		snprintf(source, slen, "%s", text);
	}
	g_free(text);
}

/* The source's key, and the peer's (the address with its port). */
static void
address_keys(GSocketAddress *sa, char *source, size_t slen, char *peer,
    size_t plen, bool *loopback)
{
	GInetAddress *ia = g_inet_socket_address_get_address(
	    G_INET_SOCKET_ADDRESS(sa));
	gchar *text = g_inet_address_to_string(ia);

	http_gate_source_key(sa, source, slen, loopback);
	snprintf(peer, plen, "%s|%u", text, g_inet_socket_address_get_port(
	    G_INET_SOCKET_ADDRESS(sa)));
	g_free(text);
}

static int
source_count(struct http_gate *g, const char *source)
{
	return GPOINTER_TO_INT(g_hash_table_lookup(g->per_source, source));
}

static void
source_add(struct http_gate *g, const char *source, int by)
{
	int n = source_count(g, source) + by;

	if (n <= 0)
		g_hash_table_remove(g->per_source, source);
	else
		g_hash_table_replace(g->per_source, g_strdup(source),
		    GINT_TO_POINTER(n));
}

static void
conn_free(struct http_gate *g, struct gate_conn *c)
{
	source_add(g, c->source, -1);
	if (g_hash_table_lookup(g->by_peer, c->peer) == c)
		g_hash_table_remove(g->by_peer, c->peer);
	g_object_unref(c->socket);
	g_object_unref(c->stream);
	g_free(c);
	g->stats.open--;
}

/* Refused: a short answer, sent without waiting, and closed. */
static void
refuse(GSocketConnection *conn, const char *why)
{
	GSocket *s = g_socket_connection_get_socket(conn);
	gchar *answer = g_strdup_printf("HTTP/1.1 503 Service Unavailable\r\n"
	    "Retry-After: 5\r\nConnection: close\r\nContent-Type: text/plain; "
	    "charset=utf-8\r\nContent-Length: %zu\r\n\r\n%s", strlen(why), why);

	g_socket_set_blocking(s, FALSE);
	(void)g_socket_send(s, answer, strlen(answer), NULL, NULL);
	g_free(answer);
	g_io_stream_close(G_IO_STREAM(conn), NULL, NULL);
}

static gboolean sweep(gpointer data);

/* The TLS side of a connection. Not g_tls_server_connection_new: that
 * gives the connection the system's certificate database, and
 * glib-networking 2.74 builds a trust list from it for each connection,
 * parsing every CA in /etc/ssl/certs on the main loop (6.4 ms of CPU here,
 * for each request, since each has a connection of its own). A server that
 * asks no client for a certificate has nothing to check against it. */
static GIOStream *
tls_server_wrap(GIOStream *base, GTlsCertificate *cert, GError **err)
{
	return g_initable_new(g_tls_backend_get_server_connection_type(
	    g_tls_backend_get_default()), NULL, err, "base-io-stream", base,
	    "certificate", cert, "database", NULL, NULL);
}

static gboolean
on_incoming(GSocketService *service, GSocketConnection *conn,
    GObject *source_object, gpointer data)
{
	struct http_gate *g = data;
	GSocketAddress *remote = g_socket_connection_get_remote_address(conn,
	    NULL);
	GSocketAddress *local = g_socket_connection_get_local_address(conn,
	    NULL);
	char source[48], peer[64];
	bool loopback;

	(void)service;
	(void)source_object;
	if (remote == NULL || local == NULL) {
		g_io_stream_close(G_IO_STREAM(conn), NULL, NULL);
		goto out;
	}
	address_keys(remote, source, sizeof(source), peer, sizeof(peer),
	    &loopback);
	/* Near a cap, count again: those libsoup closed since the last
	 * sweep are not open any more (a client can make hundreds of short
	 * requests in one sweep's time). */
	if (source_count(g, source) >= g->lim.max_per_source ||
	    (!loopback && g->stats.open >= g->lim.max_conns))
		sweep(g);
	if (source_count(g, source) >= g->lim.max_per_source) {
		g->stats.refused++;
		refuse(conn, "从您这里来的连接太多，请过一会儿再试。\n"
		    "Too many connections from your address; try again.\n");
		goto out;
	}
	if (!loopback && g->stats.open >= g->lim.max_conns) {
		g->stats.refused++;
		refuse(conn, "服务器正忙，请过一会儿再试。\n"
		    "The server is busy; try again.\n");
		goto out;
	}
	GIOStream *stream = G_IO_STREAM(g_object_ref(conn));
	if (g->tls) {
		GError *gerr = NULL;
		GIOStream *tls = tls_server_wrap(stream, g->tls, &gerr);
		g_object_unref(stream);
		if (tls == NULL) {
			dlog(LOG_ERR, "%s: TLS for %s: %s", g->what, source,
			    gerr->message);
			g_error_free(gerr);
			g_io_stream_close(G_IO_STREAM(conn), NULL, NULL);
			goto out;
		}
		stream = tls;
	}
	struct gate_conn *c = g_new0(struct gate_conn, 1);
	c->stream = stream;
	c->socket = g_object_ref(g_socket_connection_get_socket(conn));
	snprintf(c->source, sizeof(c->source), "%s", source);
	snprintf(c->peer, sizeof(c->peer), "%s", peer);
	c->deadline_us = g_get_monotonic_time() + (gint64)g->lim.request_s *
	    G_USEC_PER_SEC;
	g_ptr_array_add(g->conns, c);
	g_hash_table_replace(g->by_peer, c->peer, c);
	source_add(g, source, 1);
	if (++g->stats.open > g->stats.peak)
		g->stats.peak = g->stats.open;
	g->stats.accepted++;
	GError *gerr = NULL;
	if (!soup_server_accept_iostream(g->server, stream, local, remote,
	    &gerr)) {
		dlog(LOG_ERR, "%s: %s", g->what, gerr->message);
		g_error_free(gerr);
		g_io_stream_close(stream, NULL, NULL);
	}
out:
	if (remote)
		g_object_unref(remote);
	if (local)
		g_object_unref(local);
	return TRUE;
}

static struct gate_conn *
conn_of(struct http_gate *g, SoupServerMessage *msg)
{
	GSocketAddress *sa = soup_server_message_get_remote_address(msg);
	char source[48], peer[64];
	bool loopback;

	if (sa == NULL || !G_IS_INET_SOCKET_ADDRESS(sa))
		return NULL;
	address_keys(sa, source, sizeof(source), peer, sizeof(peer), &loopback);
	return g_hash_table_lookup(g->by_peer, peer);
}

void
http_gate_extend(struct http_gate *g, SoupServerMessage *msg, int seconds)
{
	struct gate_conn *c = g ? conn_of(g, msg) : NULL;

	if (c && c->deadline_us != 0)
		c->deadline_us = g_get_monotonic_time() + (gint64)seconds *
		    G_USEC_PER_SEC;
}

/* One request a connection (see http_gate.h for why): say so. */
static void
on_request_started(SoupServer *server, SoupServerMessage *msg, gpointer data)
{
	(void)server;
	(void)data;
	soup_message_headers_replace(soup_server_message_get_response_headers(
	    msg), "Connection", "close");
}

static void
on_request_read(SoupServer *server, SoupServerMessage *msg, gpointer data)
{
	struct gate_conn *c = conn_of(data, msg);

	(void)server;
	if (c)
		c->deadline_us = 0;
}

static gboolean
sweep(gpointer data)
{
	struct http_gate *g = data;
	gint64 now = g_get_monotonic_time();

	for (guint i = 0; i < g->conns->len;) {
		struct gate_conn *c = g_ptr_array_index(g->conns, i);
		if (g_io_stream_is_closed(c->stream) ||
		    g_socket_is_closed(c->socket)) {
			conn_free(g, c);
			g_ptr_array_remove_index_fast(g->conns, i);
			continue;
		}
		if (c->deadline_us && now > c->deadline_us && !c->shut_us) {
			/* Both ways: libsoup's read or write fails at once
			 * and it disconnects, closing the descriptor. */
			g_socket_shutdown(c->socket, TRUE, TRUE, NULL);
			c->shut_us = now;
			g->stats.timed_out++;
		} else if (c->shut_us && now - c->shut_us > SHUT_GRACE_US) {
			g_socket_close(c->socket, NULL);
		}
		i++;
	}
	return G_SOURCE_CONTINUE;
}

struct http_gate *
http_gate_open(SoupServer *server, const char *bind, int port,
    GTlsCertificate *tls, const struct http_gate_limits *lim,
    const char *what, char *err, size_t errlen)
{
	GInetAddress *ia = g_inet_address_new_from_string(bind);
	GSocketAddress *effective = NULL;
	GError *gerr = NULL;

	if (ia == NULL) {
		snprintf(err, errlen, "%s: \"%s\" is not an IP address", what, bind);
		return NULL;
	}
	struct http_gate *g = g_new0(struct http_gate, 1);
	g->server = g_object_ref(server);
	g->lim = *lim;
	snprintf(g->what, sizeof(g->what), "%s", what);
	g->conns = g_ptr_array_new();
	g->per_source = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    NULL);
	g->by_peer = g_hash_table_new(g_str_hash, g_str_equal);
	g->tls = tls ? g_object_ref(tls) : NULL;
	g->service = g_socket_service_new();
	g_socket_listener_set_backlog(G_SOCKET_LISTENER(g->service),
	    lim->backlog);
	GSocketAddress *sa = g_inet_socket_address_new(ia, (guint16)port);
	g_object_unref(ia);
	bool ok = g_socket_listener_add_address(G_SOCKET_LISTENER(g->service),
	    sa, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL, &effective,
	    &gerr);
	g_object_unref(sa);
	if (!ok) {
		snprintf(err, errlen, "%s on %s:%d: %s", what, bind, port,
		    gerr->message);
		g_error_free(gerr);
		http_gate_close(g);
		return NULL;
	}
	g->port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(
	    effective));
	g_object_unref(effective);
	g_signal_connect(g->service, "incoming", G_CALLBACK(on_incoming), g);
	g->started_id = g_signal_connect(server, "request-started",
	    G_CALLBACK(on_request_started), g);
	g->read_id = g_signal_connect(server, "request-read",
	    G_CALLBACK(on_request_read), g);
	g->sweep_id = g_timeout_add(SWEEP_MS, sweep, g);
	g_socket_service_start(g->service);
	return g;
}

int
http_gate_port(const struct http_gate *g)
{
	return g->port;
}

void
http_gate_set_limits(struct http_gate *g, const struct http_gate_limits *lim)
{
	g->lim.max_conns = lim->max_conns;
	g->lim.max_per_source = lim->max_per_source;
	g->lim.request_s = lim->request_s;
}

void
http_gate_stats(const struct http_gate *g, struct http_gate_stats *s)
{
	*s = g->stats;
}

void
http_gate_close(struct http_gate *g)
{
	if (g == NULL)
		return;
	if (g->sweep_id)
		g_source_remove(g->sweep_id);
	if (g->started_id)
		g_signal_handler_disconnect(g->server, g->started_id);
	if (g->read_id)
		g_signal_handler_disconnect(g->server, g->read_id);
	g_socket_service_stop(g->service);
	g_socket_listener_close(G_SOCKET_LISTENER(g->service));
	g_object_unref(g->service);
	for (guint i = 0; i < g->conns->len; i++) {
		struct gate_conn *c = g_ptr_array_index(g->conns, i);
		g_socket_close(c->socket, NULL);
		conn_free(g, c);
	}
	g_ptr_array_free(g->conns, TRUE);
	g_hash_table_destroy(g->per_source);
	g_hash_table_destroy(g->by_peer);
	if (g->tls)
		g_object_unref(g->tls);
	g_object_unref(g->server);
	g_free(g);
}
