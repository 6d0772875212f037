/*
 * sender_race.c — the broadcaster's sender against streams that end while
 * it sends, built with AddressSanitizer (make check runs it). 320
 * receivers on loopback need two sendmmsg batches per packet; the sender
 * drops its lock between batches, and a stream closed or cancelled then
 * was freed while the sender still read it (bench/page.sh with 1000
 * simulated boxes found a heap-use-after-free in bcast_zone_covers).
 * Four threads open short streams over and over, half of them cancelled
 * at a random moment, for STRESS_ROUNDS rounds (default 40) each; any
 * use after free aborts the run with ASan's report.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "broadcaster/broadcaster.h"

#define NRECV 320		/* more than one batch of 256 */
#define NTHREADS 4

static struct bcast_server *srv;
static int rounds = 40;
static int done_rounds[NTHREADS];

static void *
streamer(void *arg)
{
	int me = (int)(intptr_t)arg;
	int16_t pcm[BCAST_FRAME_SAMPLES];
	char err[256];
	unsigned seed = (unsigned)me * 7919u + 1;

	for (int i = 0; i < BCAST_FRAME_SAMPLES; i++)
		pcm[i] = (int16_t)((i * 37) % 2000 - 1000);
	for (int r = 0; r < rounds; r++) {
		/* Mixed priorities, so higher streams pre-empt lower ones on
		 * the same receivers while they end. */
		enum bcast_priority p = (enum bcast_priority)(rand_r(&seed) %
		    (BCAST_PRIO_EMERGENCY + 1));
		struct bcast_stream *st = bcast_stream_open(srv, "110101",
		    p, 80, 0, err, sizeof(err));
		if (st == NULL) {
			fprintf(stderr, "open: %s\n", err);
			exit(1);
		}
		int frames = 1 + rand_r(&seed) % 3;
		for (int f = 0; f < frames; f++)
			bcast_stream_write(st, pcm, BCAST_FRAME_SAMPLES);
		if (rand_r(&seed) % 2) {
			usleep((useconds_t)(rand_r(&seed) % 60000));
			bcast_stream_cancel(st);
		} else {
			bcast_stream_close(st);
		}
		done_rounds[me]++;
	}
	return NULL;
}

int
main(void)
{
	uint8_t pk[BCAST_PK_LEN], sk[BCAST_SK_LEN], key[32];
	char err[256];
	int fds[NRECV];
	pthread_t th[NTHREADS];
	const char *env = getenv("STRESS_ROUNDS");

	if (env && atoi(env) > 0)
		rounds = atoi(env);
	if (sodium_init() < 0)
		return 1;
	crypto_sign_keypair(pk, sk);
	randombytes_buf(key, sizeof(key));
	struct bcast_config cfg = { .bind_addr = "127.0.0.1", .port = -1,
	    .sk = sk, .offline_after_ms = 600000 };
	srv = bcast_server_new(&cfg, err, sizeof(err));
	if (srv == NULL) {
		printf("FAIL - server: %s\nRESULT 0 1\n", err);
		return 1;
	}
	struct sockaddr_in to = { .sin_family = AF_INET,
	    .sin_port = htons((uint16_t)bcast_server_port(srv)) };
	inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
	for (int i = 0; i < NRECV; i++) {
		struct sockaddr_in a = { .sin_family = AF_INET };
		inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
		fds[i] = socket(AF_INET, SOCK_DGRAM, 0);
		if (fds[i] < 0 || bind(fds[i], (struct sockaddr *)&a,
		    sizeof(a)) != 0 || bcast_registry_add(srv, (uint32_t)i + 1,
		    "110101001001", key, err, sizeof(err)) != 0) {
			printf("FAIL - receiver %d\nRESULT 0 1\n", i);
			return 1;
		}
		struct bcast_hello h = { .speaker_id = (uint32_t)i + 1,
		    .counter = 1 };
		uint8_t hb[BCAST_HELLO_LEN];
		bcast_hello_pack(&h, key, hb, sizeof(hb));
		sendto(fds[i], hb, sizeof(hb), 0, (struct sockaddr *)&to,
		    sizeof(to));
	}
	/* Each answers the server's challenge with its cookie, as a box does. */
	for (int i = 0; i < NRECV; i++) {
		uint8_t cb[256], hb[BCAST_HELLO_LEN];
		struct bcast_hello h = { .speaker_id = (uint32_t)i + 1,
		    .counter = 2 };
		struct pollfd p = { .fd = fds[i], .events = POLLIN };
		ssize_t n = poll(&p, 1, 500) > 0 ? recv(fds[i], cb, sizeof(cb),
		    0) : -1;
		if (n <= 0 || bcast_ctl_cookie(cb, (size_t)n, (uint32_t)i + 1,
		    h.cookie) != 2)
			continue;
		bcast_hello_pack(&h, key, hb, sizeof(hb));
		sendto(fds[i], hb, sizeof(hb), 0, (struct sockaddr *)&to,
		    sizeof(to));
	}
	/* Until every receiver is online. */
	struct bcast_speaker_info *v = NULL;
	size_t n = 0, online = 0;
	for (int tries = 0; tries < 200 && online < NRECV; tries++) {
		usleep(20000);
		free(v);
		v = bcast_registry_snapshot(srv, &n);
		online = 0;
		for (size_t i = 0; v && i < n; i++)
			online += v[i].online;
	}
	free(v);
	printf("%s - %zu of %d receivers online\n", online == NRECV ? "ok" :
	    "FAIL", online, NRECV);
	uint64_t sent0 = bcast_server_packets_sent(srv);
	for (int i = 0; i < NTHREADS; i++)
		pthread_create(&th[i], NULL, streamer, (void *)(intptr_t)i);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	uint64_t sent = bcast_server_packets_sent(srv) - sent0;
	int total = 0;
	for (int i = 0; i < NTHREADS; i++)
		total += done_rounds[i];
	printf("%s - %d streams opened and closed or cancelled while sending\n",
	    total == NTHREADS * rounds ? "ok" : "FAIL", total);
	/* Each stream sends at least its END packet to every receiver. */
	printf("%s - %llu packets sent, more than one batch each\n",
	    sent > (uint64_t)NRECV ? "ok" : "FAIL", (unsigned long long)sent);
	bcast_server_free(srv);
	for (int i = 0; i < NRECV; i++)
		close(fds[i]);
	int fails = (online != NRECV) + (total != NTHREADS * rounds) +
	    (sent <= (uint64_t)NRECV);
	printf("RESULT %d %d\n", 3 - fails, fails);
	return fails != 0;
}
