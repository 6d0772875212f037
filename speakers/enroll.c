/*
 * enroll.c — `dalaba-speaker --enroll URL TOKEN`: trade a one-time token for
 * this box's configuration (its id, zone and key, and the server's address
 * and public key). Plain HTTP/1.0 over a socket, because the box carries no
 * HTTP library. The box's configuration is built from the answer's parsed
 * fields only (spk_enroll_answer, fuzzed) and written (0600, atomically),
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

int
spk_enroll_answer(const char *resp, size_t len, struct spk_config *c,
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

	/* The box's configuration takes the answer's [speaker] and [server]
	 * fields, each parsed and checked, and nothing else: an answer that
	 * names an output or a stats file is refused, not copied. */
	struct spk_config a;
	char e2[200];
	memset(&a, 0, sizeof(a));
	if (spk_config_parse(&a, body, blen, "answer", SPK_CONF_SPEAKER |
	    SPK_CONF_SERVER, e2, sizeof(e2)) != 0) {
		printable(e2);	/* it may quote a key or section */
		snprintf(err, errlen, "the server's answer is not a usable "
		    "configuration: %s", e2);
		return -1;	/* a is as it was: nothing of the answer */
	}
	static const uint8_t zero[BCAST_PK_LEN];
	const char *missing = a.id == 0 ? "[speaker] id" : a.zone[0] == '\0' ?
	    "[speaker] zone" : memcmp(a.key, zero, sizeof(a.key)) == 0 ?
	    "[speaker] key" : a.server[0] == '\0' ? "[server] address" :
	    a.port == 0 ? "[server] port" : memcmp(a.server_pk, zero,
	    sizeof(a.server_pk)) == 0 ? "[server] public_key" : NULL;
	if (missing != NULL) {
		snprintf(err, errlen, "the server's answer is not a usable "
		    "configuration: %s is missing", missing);
		explicit_bzero(&a, sizeof(a));
		return -1;
	}
	c->id = a.id;
	memcpy(c->zone, a.zone, sizeof(c->zone));
	memcpy(c->key, a.key, sizeof(c->key));
	memcpy(c->server, a.server, sizeof(c->server));
	c->port = a.port;
	memcpy(c->server_pk, a.server_pk, sizeof(c->server_pk));
	explicit_bzero(&a, sizeof(a));
	return 0;
}

int
spk_enroll(const char *url, const char *token, const char *conf_path,
    const char *output, char *err, size_t errlen)
{
	char host[256], port[16], path[512], req[1024], tmp[600];
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res;
	static char resp[MAX_RESPONSE + 1];
	size_t got = 0;
	int fd = -1, e;
	struct spk_config c;

	spk_config_default(&c);
	if (strlen(output) >= sizeof(c.output)) {
		snprintf(err, errlen, "output \"%.40s...\" is too long", output);
		return -1;
	}
	strcpy(c.output, output);
	if (strncmp(url, "https://", 8) == 0) {
		snprintf(err, errlen, "https enrolment is not supported by this "
		    "build yet; use http:// on a trusted network");
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
	int n = snprintf(req, sizeof(req), "GET %s%stoken=%s HTTP/1.0\r\n"
	    "Host: %s\r\nUser-Agent: dalaba-speaker\r\n\r\n", path,
	    strchr(path, '?') ? "&" : "?", token, host);
	if (n >= (int)sizeof(req) || write(fd, req, (size_t)n) != n) {
		snprintf(err, errlen, "sending the request failed");
		close(fd);
		return -1;
	}
	ssize_t r;
	/* One byte more than an answer may have, to tell "too long". */
	while (got <= MAX_RESPONSE && (r = read(fd, resp + got,
	    MAX_RESPONSE + 1 - got)) > 0)
		got += (size_t)r;
	close(fd);
	if (got > MAX_RESPONSE) {
		snprintf(err, errlen, "the answer from %s is larger than %d bytes",
		    url, MAX_RESPONSE);
		return -1;
	}
	if (spk_enroll_answer(resp, got, &c, err, errlen) != 0) {
		explicit_bzero(resp, sizeof(resp));
		return -1;
	}
	explicit_bzero(resp, sizeof(resp));

	/* Write PATH.new from the parsed fields, read it back as the agent
	 * will, then rename: a bad answer leaves nothing behind. */
	snprintf(tmp, sizeof(tmp), "%s.new", conf_path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
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
		return -1;
	}
	explicit_bzero(&back, sizeof(back));
	if (rename(tmp, conf_path) != 0) {
		snprintf(err, errlen, "%s: %s", conf_path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	printf("enrolled as speaker %u in zone %s; configuration written to %s\n",
	    c.id, c.zone, conf_path);
	explicit_bzero(&c, sizeof(c));
	return 0;
}
