/*
 * enroll.c — `dalaba-speaker --enroll URL TOKEN`: trade a one-time token for
 * this box's configuration (its id, zone and key, and the server's address
 * and public key). Plain HTTP/1.0 over a socket, because the box carries no
 * HTTP library; the answer is checked as a configuration before it is
 * written (0600, atomically), so a bad answer leaves nothing behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

int
spk_enroll(const char *url, const char *token, const char *conf_path,
    const char *output, char *err, size_t errlen)
{
	char host[256], port[16], path[512], req[1024], tmp[600];
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res;
	static char resp[MAX_RESPONSE + 1];
	size_t got = 0;
	int fd = -1, e;

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
	while (got < MAX_RESPONSE && (r = read(fd, resp + got, MAX_RESPONSE - got)) > 0)
		got += (size_t)r;
	close(fd);
	resp[got] = '\0';
	int status = 0;
	if (sscanf(resp, "HTTP/1.%*d %d", &status) != 1) {
		snprintf(err, errlen, "no HTTP answer from %s", url);
		return -1;
	}
	char *body = strstr(resp, "\r\n\r\n");
	body = body ? body + 4 : resp + got;
	if (status != 200) {
		body[strcspn(body, "\r\n")] = '\0';
		snprintf(err, errlen, "the server refused (HTTP %d): %.200s", status,
		    body);
		return -1;
	}

	/* Write PATH.new, check it as a configuration, then rename. */
	snprintf(tmp, sizeof(tmp), "%s.new", conf_path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	fprintf(f, "%s[audio]\noutput = %s\n", body, output);
	int bad = fflush(f) != 0 || fsync(fileno(f)) != 0;
	fclose(f);
	struct spk_config c;
	char e2[256];
	spk_config_default(&c);
	if (bad || spk_config_load(&c, tmp, e2, sizeof(e2)) != 0 ||
	    spk_config_check(&c, e2, sizeof(e2)) != 0) {
		snprintf(err, errlen, "the server's answer is not a usable "
		    "configuration%s%s", bad ? "" : ": ", bad ? "" : e2);
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, conf_path) != 0) {
		snprintf(err, errlen, "%s: %s", conf_path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	printf("enrolled as speaker %u in zone %s; configuration written to %s\n",
	    c.id, c.zone, conf_path);
	return 0;
}
