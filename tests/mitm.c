/*
 * mitm.c — a man in the middle of enrolment, for tests: a box's HTTP
 * requests come to it as if it were the server; it relays each to the real
 * server and, on the way back, changes the answer as an attacker on the
 * village network would (fixing Content-Length so the change is not given
 * away by the length). Every byte both ways is appended to a log, so a test
 * can show what a sniffer saw. One connection at a time; runs until killed.
 *
 *   mitm LISTEN_PORT SERVER_PORT LOG MODE [ARG]
 *
 * MODE: relay                 change nothing
 *       key HEX               every "public_key = ..." line gets HEX
 *       key-answer HEX        the same, only in answers to requests with a
 *                             query (the enrolment answer, not the key)
 *       address HOST PORT     the "address" and "port" lines get these
 *       append TEXT           TEXT added at the end of answers to requests
 *                             with a query (the enrolment answer)
 *       save FILE             relay, and keep the last answer to a request
 *                             with a query in FILE
 *       replay FILE           answer every request with a query with FILE
 *                             (a captured answer), not asking the server
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_MSG 65536

static const char *mode, *arg1, *arg2;

static void
log_bytes(const char *path, const char *dir, const char *d, size_t n)
{
	FILE *f = fopen(path, "a");

	if (f == NULL)
		return;
	fprintf(f, "--- %s %zu bytes\n", dir, n);
	fwrite(d, 1, n, f);
	fputc('\n', f);
	fclose(f);
}

/* Read until the end of the request's head (a GET has no body). */
static size_t
read_request(int fd, char *buf, size_t cap)
{
	size_t got = 0;
	ssize_t r;

	while (got < cap - 1 && (r = read(fd, buf + got, cap - 1 - got)) > 0) {
		got += (size_t)r;
		buf[got] = '\0';
		if (strstr(buf, "\r\n\r\n") != NULL)
			break;
	}
	return got;
}

static size_t
read_all(int fd, char *buf, size_t cap)
{
	size_t got = 0;
	ssize_t r;

	while (got < cap - 1 && (r = read(fd, buf + got, cap - 1 - got)) > 0)
		got += (size_t)r;
	buf[got] = '\0';
	return got;
}

/* In body, the value of every line "name = ..." becomes value. */
static void
set_value(char *body, size_t cap, const char *name, const char *value)
{
	char key[64], out[MAX_MSG];
	size_t o = 0;
	char *p = body;

	snprintf(key, sizeof(key), "%s = ", name);
	while (*p && o < sizeof(out) - 1) {
		char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		if (strncmp(p, key, strlen(key)) == 0)
			o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%s", key,
			    value);
		else
			o += (size_t)snprintf(out + o, sizeof(out) - o, "%.*s",
			    (int)len, p);
		if (eol && o < sizeof(out) - 1)
			out[o++] = '\n';
		p = eol ? eol + 1 : p + len;
	}
	out[o] = '\0';
	snprintf(body, cap, "%s", out);
}

/* Change the answer in ans (HTTP head and body) as the mode says. */
static size_t
tamper(char *ans, size_t len, size_t cap, int has_query)
{
	char *sep = strstr(ans, "\r\n\r\n");
	char head[8192], body[MAX_MSG];

	if (sep == NULL || strcmp(mode, "relay") == 0 ||
	    strcmp(mode, "save") == 0)
		return len;
	snprintf(head, sizeof(head), "%.*s", (int)(sep - ans), ans);
	snprintf(body, sizeof(body), "%s", sep + 4);
	if (strcmp(mode, "key") == 0 || (strcmp(mode, "key-answer") == 0 &&
	    has_query))
		set_value(body, sizeof(body), "public_key", arg1);
	else if (strcmp(mode, "address") == 0) {
		set_value(body, sizeof(body), "address", arg1);
		set_value(body, sizeof(body), "port", arg2);
	} else if (strcmp(mode, "append") == 0 && has_query)
		strncat(body, arg1, sizeof(body) - strlen(body) - 1);
	/* Content-Length follows the new body. */
	char newhead[8192];
	size_t o = 0;
	for (char *p = head; *p;) {
		char *eol = strstr(p, "\r\n");
		size_t l = eol ? (size_t)(eol - p) : strlen(p);
		if (strncasecmp(p, "Content-Length:", 15) == 0)
			o += (size_t)snprintf(newhead + o, sizeof(newhead) - o,
			    "Content-Length: %zu\r\n", strlen(body));
		else
			o += (size_t)snprintf(newhead + o, sizeof(newhead) - o,
			    "%.*s\r\n", (int)l, p);
		p = eol ? eol + 2 : p + l;
	}
	return (size_t)snprintf(ans, cap, "%s\r\n%s", newhead, body);
}

int
main(int argc, char **argv)
{
	static char req[8192], ans[MAX_MSG];

	if (argc < 5) {
		fprintf(stderr, "usage: mitm LISTEN_PORT SERVER_PORT LOG MODE "
		    "[ARG...]\n");
		return 2;
	}
	const char *logpath = argv[3];
	mode = argv[4];
	arg1 = argc > 5 ? argv[5] : "";
	arg2 = argc > 6 ? argv[6] : "";
	int ls = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	struct sockaddr_in a = { .sin_family = AF_INET,
	    .sin_port = htons((uint16_t)atoi(argv[1])) };
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(ls, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(ls, 8)) {
		perror("mitm: listen");
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	for (;;) {
		int c = accept(ls, NULL, NULL);
		if (c < 0)
			continue;
		size_t n = read_request(c, req, sizeof(req));
		log_bytes(logpath, "box->server", req, n);
		int has_query = strstr(req, "?") != NULL &&
		    strstr(req, "?") < strstr(req, " HTTP/");
		size_t m = 0;
		if (strcmp(mode, "replay") == 0 && has_query) {
			FILE *f = fopen(arg1, "r");
			m = f ? fread(ans, 1, sizeof(ans) - 1, f) : 0;
			if (f)
				fclose(f);
		} else {
			int u = socket(AF_INET, SOCK_STREAM, 0);
			struct sockaddr_in s = { .sin_family = AF_INET,
			    .sin_port = htons((uint16_t)atoi(argv[2])) };
			inet_pton(AF_INET, "127.0.0.1", &s.sin_addr);
			if (connect(u, (struct sockaddr *)&s, sizeof(s)) == 0 &&
			    write(u, req, n) == (ssize_t)n)
				m = read_all(u, ans, sizeof(ans));
			close(u);
			log_bytes(logpath, "server->mitm", ans, m);
			if (strcmp(mode, "save") == 0 && has_query) {
				FILE *f = fopen(arg1, "w");
				if (f) {
					fwrite(ans, 1, m, f);
					fclose(f);
				}
			}
			m = tamper(ans, m, sizeof(ans), has_query);
		}
		log_bytes(logpath, "mitm->box", ans, m);
		if (write(c, ans, m) != (ssize_t)m)
			perror("mitm: write");
		close(c);
	}
}
