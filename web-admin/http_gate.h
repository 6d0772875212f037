/*
 * http_gate.h — inside web-admin/: the door in front of a SoupServer.
 * dalabad accepts TCP connections itself (not soup_server_listen) and
 * hands each to libsoup, so that it decides who gets in and for how long:
 *
 *   - at most `max_conns` open at once, and `max_per_source` from any one
 *     address (the CLI on this machine, 127.0.0.1 and ::1, is held only to
 *     the second: the county's own terminal always gets in);
 *   - a whole request (headers and body) within `request_s` of the
 *     connect, or the connection is shut;
 *   - one request per connection, answered "Connection: close". Debian 12's
 *     libsoup 3.2 never closes an idle keep-alive connection that the
 *     client closed (fixed upstream in 3.3, d20c660): every such
 *     connection kept a descriptor until the daemon ran out;
 *   - a listen backlog deep enough that a burst of connects does not
 *     stall in SYN retries.
 *
 * A refused connection gets "503" with Retry-After and is closed at once.
 * TLS is wrapped here (g_tls_server_connection_new) when a certificate is
 * given. Everything runs on the main loop.
 */
#ifndef DALABA_SCHED_HTTP_GATE_H
#define DALABA_SCHED_HTTP_GATE_H

#include <stdbool.h>
#include <stddef.h>

#include <libsoup/soup.h>

struct http_gate_limits {
	int max_conns;		/* open at once, in total */
	int max_per_source;	/* open at once from one address */
	int request_s;		/* to send one whole request */
	int backlog;		/* listen(2) backlog */
};

struct http_gate_stats {
	int open;		/* connections now open */
	int peak;		/* most ever open at once */
	unsigned long accepted;	/* handed to libsoup */
	unsigned long refused;	/* over a cap */
	unsigned long timed_out;	/* shut for a slow request */
};

struct http_gate;

/* Listen on bind:port (port 0: any free one) and feed server. what names
 * the listener in messages. tls may be NULL (plain HTTP). NULL with err on
 * failure. */
struct http_gate *http_gate_open(SoupServer *server, const char *bind,
    int port, GTlsCertificate *tls, const struct http_gate_limits *lim,
    const char *what, char *err, size_t errlen);
/* Give msg's connection seconds from now to send the rest of its
 * request (an upload, allowed longer than a form). */
void http_gate_extend(struct http_gate *g, SoupServerMessage *msg,
    int seconds);
/* The port it listens on. */
int http_gate_port(const struct http_gate *g);
/* New caps for the connections to come (SIGHUP). */
void http_gate_set_limits(struct http_gate *g,
    const struct http_gate_limits *lim);
void http_gate_stats(const struct http_gate *g, struct http_gate_stats *s);
/* Who a connection counts against: "a.b.c.d", or an IPv6 address cut to
 * its /64 (one host can hold a whole /64; counting its addresses one by
 * one would count nothing). *loopback (may be NULL): 127.0.0.1 or ::1. */
void http_gate_source_key(GSocketAddress *sa, char *source, size_t slen,
    bool *loopback);
/* Stop listening and close every connection still open. */
void http_gate_close(struct http_gate *g);

#endif
