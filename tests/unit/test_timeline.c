/*
 * test_timeline.c — the wire's clock (broadcaster/timeline.c): a server
 * that sent audio while its system clock was 45 s fast, restarted with the
 * clock corrected, goes on from where it was, so the presentation times on
 * the wire never go back (a packet captured before would otherwise play
 * again 45 s later); a clean restart does not run ahead of the system
 * clock; a damaged or missing file falls back to the system clock.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "broadcaster/broadcaster.h"
#include "tests/unit/harness.h"

static uint8_t pk[BCAST_PK_LEN], sk[BCAST_SK_LEN], key[32];
static char path[64];

static struct bcast_server *
server(const char *timeline)
{
	char err[256];
	struct bcast_config cfg = { .bind_addr = "127.0.0.1", .port = -1,
	    .sk = sk, .offline_after_ms = 600000, .timeline_path = timeline };
	struct bcast_server *s = bcast_server_new(&cfg, err, sizeof(err));

	CHECK(s != NULL, "a server starts: %s", s ? "ok" : err);
	return s;
}

static int64_t
file_value(void)
{
	char line[64] = "";
	FILE *f = fopen(path, "r");

	if (f == NULL || fgets(line, sizeof(line), f) == NULL)
		line[0] = 0;
	if (f)
		fclose(f);
	return strtoll(line, NULL, 10);
}

static void
file_put(const char *text)
{
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
}

/* Join speaker 1 from a loopback socket (challenge, then cookie), stream
 * 10 frames to it, and return the largest presentation time it got. */
static int64_t
stream_pts(struct bcast_server *s)
{
	struct sockaddr_in srv = { .sin_family = AF_INET,
	    .sin_port = htons((uint16_t)bcast_server_port(s)) };
	struct sockaddr_in a = { .sin_family = AF_INET };
	uint8_t buf[2048], hb[BCAST_HELLO_LEN];
	struct bcast_hello h = { .speaker_id = 1 };
	char err[256];
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	int64_t top = 0;

	inet_pton(AF_INET, "127.0.0.1", &srv.sin_addr);
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	bind(fd, (struct sockaddr *)&a, sizeof(a));
	bcast_registry_add(s, 1, "110101001001", key, err, sizeof(err));
	for (int round = 0; round < 2; round++) {
		h.counter++;
		bcast_hello_pack(&h, key, hb, sizeof(hb));
		sendto(fd, hb, sizeof(hb), 0, (struct sockaddr *)&srv,
		    sizeof(srv));
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n = poll(&p, 1, 300) > 0 ? recv(fd, buf, sizeof(buf), 0) : -1;
		if (n > 0)
			bcast_ctl_cookie(buf, (size_t)n, 1, h.cookie);
	}
	struct bcast_stream *st = bcast_stream_open(s, "110101001001",
	    BCAST_PRIO_EMERGENCY, -1, 300, err, sizeof(err));
	static int16_t pcm[BCAST_FRAME_SAMPLES];
	for (int i = 0; st && i < 10; i++)
		bcast_stream_write(st, pcm, BCAST_FRAME_SAMPLES);
	if (st)
		bcast_stream_close(st);
	for (int waited = 0; waited < 500; waited += 10) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, 10) <= 0)
			continue;
		ssize_t n;
		struct bcast_audio au;
		while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
			if (bcast_audio_parse(buf, (size_t)n, pk, &au) == BCAST_OK &&
			    au.pts_us > top)
				top = au.pts_us;
	}
	close(fd);
	return top;
}

int
main(void)
{
	char text[64];
	int fd;

	if (sodium_init() < 0)
		return 1;
	crypto_sign_keypair(pk, sk);
	randombytes_buf(key, sizeof(key));
	snprintf(path, sizeof(path), "/tmp/dalaba-timeline.XXXXXX");
	if ((fd = mkstemp(path)) < 0)
		return 1;
	close(fd);

	/* The clock was 45 s fast while audio went out, then NTP fixed it. */
	int64_t fast = bcast_server_now_us() + 45000000;
	snprintf(text, sizeof(text), "%020lld\n", (long long)fast);
	file_put(text);
	struct bcast_server *s = server(path);
	if (s == NULL)
		return t_done();
	int64_t t = bcast_server_time_us(s);
	CHECK(t >= fast && t < fast + 1000000, "after the correction the wire's "
	    "clock goes on from the last time sent (%+.1f s from it)",
	    (t - fast) / 1e6);
	int64_t top = stream_pts(s);
	CHECK(top > fast, "the presentation times on the wire are past every "
	    "one sent before (%+.1f s)", (top - fast) / 1e6);
	CHECK(file_value() > top, "while it airs, the file is ahead of what "
	    "was sent (%+.1f s)", (file_value() - top) / 1e6);
	bcast_server_free(s);
	int64_t kept = file_value();
	CHECK(kept >= top && kept < top + 1000000, "a clean stop keeps "
	    "the time it stopped at, not the margin (%+.3f s after the last sent)",
	    (kept - top) / 1e6);
	s = server(path);
	if (s) {
		t = bcast_server_time_us(s);
		CHECK(t >= kept, "started again, it does not go back (%+.3f s)",
		    (t - kept) / 1e6);
		bcast_server_free(s);
	}

	/* Kept times in the past: the system clock it is. */
	snprintf(text, sizeof(text), "%020lld\n",
	    (long long)(bcast_server_now_us() - 3600000000LL));
	file_put(text);
	s = server(path);
	if (s) {
		t = bcast_server_time_us(s) - bcast_server_now_us();
		CHECK(t > -100000 && t < 100000, "a time kept from an hour ago "
		    "leaves the system clock (%+.3f s)", t / 1e6);
		bcast_server_free(s);
	}
	file_put("garbage\n");
	s = server(path);
	if (s) {
		t = bcast_server_time_us(s) - bcast_server_now_us();
		CHECK(t > -100000 && t < 100000, "a damaged file: the system "
		    "clock (%+.3f s)", t / 1e6);
		bcast_server_free(s);
	}
	CHECK(file_value() > 0, "and is written anew at stop");
	s = server(NULL);
	if (s) {
		t = bcast_server_time_us(s) - bcast_server_now_us();
		CHECK(t > -100000 && t < 100000, "no file: the system clock "
		    "(%+.3f s)", t / 1e6);
		bcast_server_free(s);
	}
	unlink(path);
	return t_done();
}
