/*
 * enroll.c — `dalaba-speaker --enroll URL TOKEN FINGERPRINT`: trade a
 * one-time token for this box's configuration. Plain HTTP/1.0 over a
 * socket, because the box carries no HTTP library, and so trusting
 * nothing on the way: the server's key is taken only if it matches the
 * fingerprint the installer was given; the token and the box's own fresh
 * key go sealed to that key; the answer counts only if that key signed it
 * for this very request (broadcaster/enroll_msg.c). The configuration is
 * built from the answer's parsed id, zone, address and port and the box's
 * own key, never from the answer's text, and written (0600, atomically),
 * so a bad or hostile answer leaves nothing behind.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <sodium.h>

#include "speakers/speaker.h"

#define MAX_RESPONSE 16384

static int
parse_url(const char *url, char *host, size_t hcap, char *port, size_t pcap,
    char *path, size_t pathcap)
{
	const char *p;

	if (strncmp(url, "http://", 7) != 0)
		return -1;
	p = url + 7;
	size_t hl = strcspn(p, ":/");
	if (hl == 0 || hl >= hcap)
		return -1;
	memcpy(host, p, hl);
	host[hl] = '\0';
	p += hl;
	snprintf(port, pcap, "80");
	if (*p == ':') {
		size_t pl = strcspn(++p, "/");
		if (pl == 0 || pl >= pcap)
			return -1;
		memcpy(port, p, pl);
		port[pl] = '\0';
		p += pl;
	}
	if (snprintf(path, pathcap, "%s", *p ? p : "/") >= (int)pathcap)
		return -1;
	return 0;
}

/* The value of header `name` (case-insensitive) in the head's lines, or
 * NULL; *vlen its length without blanks at either end. */
static const char *
header(const char *head, size_t len, const char *name, size_t *vlen)
{
	const char *p = head, *end = head + len;
	size_t nl = strlen(name);

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *e = eol ? eol : end;
		if ((size_t)(e - p) > nl && strncasecmp(p, name, nl) == 0 &&
		    p[nl] == ':') {
			const char *v = p + nl + 1;
			while (v < e && (*v == ' ' || *v == '\t'))
				v++;
			while (e > v && (e[-1] == '\r' || e[-1] == ' ' ||
			    e[-1] == '\t'))
				e--;
			*vlen = (size_t)(e - v);
			return v;
		}
		p = eol ? eol + 1 : end;
	}
	return NULL;
}

/* Make s safe to print on the installer's terminal: the answer's bytes
 * may be quoted in it, and control characters (C0, DEL, and C1 as UTF-8)
 * could move the cursor or retitle the window. Each becomes '?'. */
static void
printable(char *s)
{
	for (unsigned char *p = (unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			*p = '?';
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			p[0] = p[1] = '?';
}

/* The body of an HTTP answer (len bytes, as received) into *bodyp and
 * *blenp: 0 for a whole 200 answer, -1 with the reason (the server's own,
 * made printable, for a refusal) in err. */
static int
http_body(const char *resp, size_t len, const char **bodyp, size_t *blenp,
    char *err, size_t errlen)
{
	const char *body;
	size_t blen, vlen;
	int status;

	/* "HTTP/1.x NNN ...": nothing but the status line is trusted to have
	 * any shape before it is checked. */
	if (len < 12 || memcmp(resp, "HTTP/1.", 7) != 0 || !isdigit((unsigned
	    char)resp[7]) || resp[8] != ' ' || !isdigit((unsigned char)resp[9]) ||
	    !isdigit((unsigned char)resp[10]) || !isdigit((unsigned char)resp[11])) {
		snprintf(err, errlen, "no HTTP answer");
		return -1;
	}
	status = (resp[9] - '0') * 100 + (resp[10] - '0') * 10 + (resp[11] - '0');
	body = memmem(resp, len, "\r\n\r\n", 4);
	if (body == NULL) {
		snprintf(err, errlen, "the answer was cut short (no end of "
		    "its headers)");
		return -1;
	}
	const char *head = resp, *v;
	size_t hlen = (size_t)(body - resp);
	body += 4;
	blen = len - (size_t)(body - resp);
	if (status != 200) {
		/* The server's reason: the first line of the body. */
		char why[201];
		size_t n = 0;
		for (; n < blen && n < sizeof(why) - 1 && body[n] != '\r' &&
		    body[n] != '\n'; n++)
			why[n] = body[n] == '\0' ? '?' : body[n];
		why[n] = '\0';
		printable(why);
		snprintf(err, errlen, "the server refused (HTTP %d): %s", status,
		    why);
		return -1;
	}
	/* HTTP/1.0 ends the body at the end of the connection, so a link that
	 * drops early would look like a shorter answer: Content-Length tells. */
	if ((v = header(head, hlen, "Content-Length", &vlen)) != NULL) {
		size_t want = 0, i;
		for (i = 0; i < vlen && i < 9 && isdigit((unsigned char)v[i]); i++)
			want = want * 10 + (size_t)(v[i] - '0');
		if (i == 0 || i != vlen || want != blen) {
			snprintf(err, errlen, "the answer was cut short (%zu "
			    "bytes, not what its Content-Length says)", blen);
			return -1;
		}
	}
	*bodyp = body;
	*blenp = blen;
	return 0;
}

int
spk_enroll_key(const char *resp, size_t len, const char *fingerprint,
    uint8_t pk[BCAST_PK_LEN], char *err, size_t errlen)
{
	static const char magic[] = "dalaba-enroll-key 1\npublic_key = ";
	const char *body;
	size_t blen;
	char hex[2 * BCAST_PK_LEN + 1], fp[BCAST_FP_LEN + 1];
	uint8_t k[BCAST_PK_LEN];

	if (http_body(resp, len, &body, &blen, err, errlen) != 0)
		return -1;
	if (blen != sizeof(magic) - 1 + 2 * BCAST_PK_LEN + 1 ||
	    memcmp(body, magic, sizeof(magic) - 1) != 0 ||
	    body[blen - 1] != '\n') {
		snprintf(err, errlen, "the server did not send its key (an older "
		    "server, or not a dalaba server)");
		return -1;
	}
	memcpy(hex, body + sizeof(magic) - 1, 2 * BCAST_PK_LEN);
	hex[2 * BCAST_PK_LEN] = '\0';
	if (bcast_hex_decode(hex, k, sizeof(k)) != 0) {
		snprintf(err, errlen, "the server's key is not 64 hex digits");
		return -1;
	}
	bcast_key_fingerprint(k, fp);
	if (strcasecmp(fp, fingerprint) != 0) {
		snprintf(err, errlen, "the server's key does not match the "
		    "fingerprint given (it hashes to %.16s...): a man in the "
		    "middle, or another server; nothing was sent", fp);
		return -1;
	}
	memcpy(pk, k, sizeof(k));
	return 0;
}

int
spk_enroll_answer(const char *resp, size_t len,
    const uint8_t server_pk[BCAST_PK_LEN],
    const uint8_t request[BCAST_ENROLL_REQUEST_LEN], struct spk_config *c,
    char *err, size_t errlen)
{
	const char *body;
	size_t blen;
	struct bcast_enroll_info a;
	char e2[200];

	if (http_body(resp, len, &body, &blen, err, errlen) != 0)
		return -1;
	if (bcast_enroll_answer_verify(body, blen, server_pk, request, &a, e2,
	    sizeof(e2)) != 0) {
		printable(e2);
		snprintf(err, errlen, "%s", e2);
		return -1;	/* c is as it was: nothing of the answer */
	}
	/* Only the parsed fields, each checked by the verifier. */
	c->id = a.id;
	snprintf(c->zone, sizeof(c->zone), "%s", a.zone);
	snprintf(c->server, sizeof(c->server), "%s", a.address);
	c->port = a.port;
	memcpy(c->server_pk, a.server_pk, sizeof(c->server_pk));
	return 0;
}

/* One request (GET path, with query if not NULL) to host:port, its whole
 * answer into resp (*got bytes, at most MAX_RESPONSE). 0, or -1 with err. */
static int
fetch(const char *host, const char *port, const char *path,
    const char *query, char *resp, size_t *got, char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res;
	char req[1024];
	int fd, e;

	*got = 0;
	if ((e = getaddrinfo(host, port, &hints, &res)) != 0) {
		snprintf(err, errlen, "%s: %s", host, gai_strerror(e));
		return -1;
	}
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct timeval tv = { .tv_sec = 10 };
	if (fd >= 0) {
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	}
	if (fd < 0 || connect(fd, res->ai_addr, res->ai_addrlen) != 0) {
		snprintf(err, errlen, "cannot reach %s:%s: %s", host, port,
		    strerror(errno));
		freeaddrinfo(res);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	freeaddrinfo(res);
	int n = snprintf(req, sizeof(req), "GET %s%s%s HTTP/1.0\r\n"
	    "Host: %s\r\nUser-Agent: dalaba-speaker\r\n\r\n", path,
	    query == NULL ? "" : strchr(path, '?') ? "&" : "?",
	    query == NULL ? "" : query, host);
	if (n >= (int)sizeof(req) || write(fd, req, (size_t)n) != n) {
		snprintf(err, errlen, "sending the request failed");
		close(fd);
		return -1;
	}
	ssize_t r;
	/* One byte more than an answer may have, to tell "too long". */
	while (*got <= MAX_RESPONSE && (r = read(fd, resp + *got,
	    MAX_RESPONSE + 1 - *got)) > 0)
		*got += (size_t)r;
	close(fd);
	if (*got > MAX_RESPONSE) {
		snprintf(err, errlen, "the answer from %s:%s is larger than %d "
		    "bytes", host, port, MAX_RESPONSE);
		return -1;
	}
	return 0;
}

int
spk_enroll(const char *url, const char *token, const char *fingerprint,
    const char *conf_path, const char *output, char *err, size_t errlen)
{
	char host[256], port[16], path[512], tmp[600],
	    query[16 + 2 * BCAST_ENROLL_SEALED_LEN];
	static char resp[MAX_RESPONSE + 1];
	uint8_t pk[BCAST_PK_LEN], sealed[BCAST_ENROLL_SEALED_LEN],
	    request[BCAST_ENROLL_REQUEST_LEN];
	size_t got = 0;
	int fd = -1;
	struct spk_config c, old;
	char e0[256];
	int kept = 0;

	spk_config_default(&c);
	/* Enrolled again (a new token, a new server): what the technician set
	 * on the box itself stays (its volumes and ceiling, its amplifier, its
	 * heartbeat and stats); the server's part is new. */
	spk_config_default(&old);
	if (access(conf_path, F_OK) == 0 &&
	    spk_config_load(&old, conf_path, e0, sizeof(e0)) == 0) {
		c.volume = old.volume;
		c.max_volume = old.max_volume;
		c.emergency_volume = old.emergency_volume;
		c.hello_ms = old.hello_ms;
		c.retransmit = old.retransmit;
		memcpy(c.stats, old.stats, sizeof(c.stats));
		memcpy(c.amp_command, old.amp_command, sizeof(c.amp_command));
		c.amp_hold = old.amp_hold;
		c.amp_preroll_ms = old.amp_preroll_ms;
		c.amp_hold_ms = old.amp_hold_ms;
		kept = 1;
	}
	explicit_bzero(&old, sizeof(old));
	if (strlen(output) >= sizeof(c.output)) {
		snprintf(err, errlen, "output \"%.40s...\" is too long", output);
		return -1;
	}
	strcpy(c.output, output);
	if (strncmp(url, "https://", 8) == 0) {
		snprintf(err, errlen, "use an http:// URL: the box trusts the "
		    "server's key by its fingerprint, not by a certificate");
		return -1;
	}
	if (parse_url(url, host, sizeof(host), port, sizeof(port), path,
	    sizeof(path)) != 0) {
		snprintf(err, errlen, "bad URL \"%s\" (want http://HOST[:PORT]/PATH)",
		    url);
		return -1;
	}
	if (strlen(token) != BCAST_TOKEN_LEN ||
	    strspn(token, "0123456789abcdef") != BCAST_TOKEN_LEN) {
		snprintf(err, errlen, "a token is %d hex digits", BCAST_TOKEN_LEN);
		return -1;
	}
	if (strlen(fingerprint) != BCAST_FP_LEN || strspn(fingerprint,
	    "0123456789abcdefABCDEF") != BCAST_FP_LEN) {
		snprintf(err, errlen, "a fingerprint is %d hex digits (the "
		    "server key's, printed with the token)", BCAST_FP_LEN);
		return -1;
	}

	/* 1. The server's key, taken only if it is the one the installer
	 * was told of. Nothing secret has been sent yet. */
	if (fetch(host, port, path, NULL, resp, &got, err, errlen) != 0 ||
	    spk_enroll_key(resp, got, fingerprint, pk, err, errlen) != 0)
		return -1;

	/* 2. This box's own key, made here, and the token, sealed to it. */
	randombytes_buf(c.key, sizeof(c.key));
	if (bcast_enroll_seal(pk, token, c.key, sealed, request) != 0) {
		snprintf(err, errlen, "the request could not be sealed");
		explicit_bzero(&c, sizeof(c));
		return -1;
	}
	memcpy(query, "sealed=", 7);
	bcast_hex_encode(sealed, sizeof(sealed), query + 7);
	int rc = fetch(host, port, path, query, resp, &got, err, errlen);

	/* 3. The answer: signed by that key, for this request. */
	if (rc == 0)
		rc = spk_enroll_answer(resp, got, pk, request, &c, err, errlen);
	explicit_bzero(resp, sizeof(resp));
	if (rc != 0) {
		explicit_bzero(&c, sizeof(c));
		return -1;
	}

	/* Write PATH.new from the parsed fields, read it back as the agent
	 * will, then rename: a bad answer leaves nothing behind. */
	snprintf(tmp, sizeof(tmp), "%s.new", conf_path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		explicit_bzero(&c, sizeof(c));
		return -1;
	}
	fprintf(f, "# dalaba-speaker configuration, written by enrolment\n");
	int bad = spk_config_write(f, &c) != 0;
	bad |= fflush(f) != 0 || fsync(fileno(f)) != 0;
	fclose(f);
	struct spk_config back;
	char e2[256];
	spk_config_default(&back);
	if (bad || spk_config_load(&back, tmp, e2, sizeof(e2)) != 0 ||
	    spk_config_check(&back, e2, sizeof(e2)) != 0) {
		snprintf(err, errlen, "the configuration could not be written%s%s",
		    bad ? "" : ": ", bad ? "" : e2);
		unlink(tmp);
		explicit_bzero(&c, sizeof(c));
		explicit_bzero(&back, sizeof(back));
		return -1;
	}
	explicit_bzero(&back, sizeof(back));
	if (rename(tmp, conf_path) != 0) {
		snprintf(err, errlen, "%s: %s", conf_path, strerror(errno));
		unlink(tmp);
		explicit_bzero(&c, sizeof(c));
		return -1;
	}
	printf("enrolled as speaker %u in zone %s; configuration written to %s%s\n",
	    c.id, c.zone, conf_path, kept ? " (the box's own settings kept: "
	    "volumes, amplifier, heartbeat, stats)" : "");
	explicit_bzero(&c, sizeof(c));
	return 0;
}
