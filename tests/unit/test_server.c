/*
 * test_server.c — the broadcaster's server with lightweight receivers on
 * loopback standing in for speakers: HELLO registers a speaker's address
 * (and a bad one does not), a stream reaches exactly the speakers of its
 * zone, a higher-priority stream pre-empts a lower one on the speakers they
 * share (and only there), and the offline timeout applies.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "broadcaster/broadcaster.h"
#include "tests/unit/harness.h"

#define NSPK 3	/* 1, 2 in village ...001; 3 in village ...002 */

static const char *const zones[NSPK] = { "110101001001", "110101001001",
    "110101001002" };
static uint8_t pk[BCAST_PK_LEN], sk[BCAST_SK_LEN], keys[NSPK][32];
static int fds[NSPK];
static struct sockaddr_in srv;

struct tally {
	int by_prio[4];
	int other;
};

/* Read everything waiting on speaker i for up to ms, verifying it. */
static void
drain(int i, int ms, struct tally *t)
{
	uint8_t buf[2048];
	struct bcast_audio a;

	for (int waited = 0; waited < ms; waited += 10) {
		struct pollfd p = { .fd = fds[i], .events = POLLIN };
		if (poll(&p, 1, 10) <= 0)
			continue;
		ssize_t n;
		while ((n = recv(fds[i], buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
				if (bcast_audio_parse(buf, (size_t)n, pk, &a) == BCAST_OK)
				t->by_prio[a.priority]++;
			else
				t->other++;	/* replies */
		}
	}
}

static void
hello(int i, uint64_t counter, const uint8_t *key)
{
	struct bcast_hello h = { .speaker_id = (uint32_t)i + 1, .counter = counter };
	uint8_t buf[BCAST_HELLO_LEN];

	bcast_hello_pack(&h, key, buf, sizeof(buf));
	sendto(fds[i], buf, sizeof(buf), 0, (struct sockaddr *)&srv, sizeof(srv));
}

/* Speakers keep saying HELLO while they live, as dalaba-speaker does. */
static volatile int beating;
static uint64_t beat_counter = 100;

static void *
heartbeat(void *arg)
{
	(void)arg;
	while (beating) {
		beat_counter++;
		for (int i = 0; i < NSPK; i++)
			hello(i, beat_counter, keys[i]);
		usleep(300000);
	}
	return NULL;
}

struct writer {
	struct bcast_stream *st;
	int ms;
};

static void *
write_for(void *arg)
{
	struct writer *w = arg;
	static int16_t pcm[BCAST_FRAME_SAMPLES];

	for (int i = 0; i < BCAST_FRAME_SAMPLES; i++)
		pcm[i] = (int16_t)((i % 100) * 100 - 5000);
	for (int t = 0; t < w->ms; t += BCAST_FRAME_MS)
		bcast_stream_write(w->st, pcm, BCAST_FRAME_SAMPLES);
	bcast_stream_close(w->st);
	return NULL;
}

int
main(void)
{
	char err[256];
	struct bcast_speaker_info info[NSPK];

	if (sodium_init() < 0)
		return 1;
	crypto_sign_keypair(pk, sk);
	struct bcast_config cfg = { .bind_addr = "127.0.0.1", .port = -1, .sk = sk,
	    .offline_after_ms = 1500 };
	struct bcast_server *s = bcast_server_new(&cfg, err, sizeof(err));
	CHECK(s != NULL, "server starts on a free port: %s", s ? "ok" : err);
	if (s == NULL)
		return t_done();
	srv.sin_family = AF_INET;
	srv.sin_port = htons((uint16_t)bcast_server_port(s));
	inet_pton(AF_INET, "127.0.0.1", &srv.sin_addr);
	for (int i = 0; i < NSPK; i++) {
		struct sockaddr_in a = { .sin_family = AF_INET };
		inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
		fds[i] = socket(AF_INET, SOCK_DGRAM, 0);
		bind(fds[i], (struct sockaddr *)&a, sizeof(a));
		randombytes_buf(keys[i], 32);
		bcast_registry_add(s, (uint32_t)i + 1, zones[i], keys[i], err,
		    sizeof(err));
	}
	CHECK(bcast_registry_add(s, 9, "1101", keys[0], err, sizeof(err)) == -1,
	    "a speaker with a bad zone is refused: %s", err);

	/* A HELLO with the wrong key registers nothing; the right one does. */
	uint8_t wrong[32];
	randombytes_buf(wrong, sizeof(wrong));
	hello(0, 1, wrong);
	struct tally t0 = { .other = 0 };
	drain(0, 200, &t0);
	bcast_registry_list(s, info, NSPK);
	CHECK(!info[0].online && t0.other == 0,
	    "a HELLO with a wrong key gets no reply and no registration");
	for (int i = 0; i < NSPK; i++)
		hello(i, 10, keys[i]);
	for (int i = 0; i < NSPK; i++) {
		struct tally t = { .other = 0 };
		drain(i, 200, &t);
		CHECK(t.other == 1, "speaker %d got one signed reply", i + 1);
	}
	hello(0, 10, keys[0]);
	struct tally tr = { .other = 0 };
	drain(0, 200, &tr);
	CHECK(tr.other == 0, "a replayed HELLO (old counter) is ignored");
	bcast_registry_list(s, info, NSPK);
	CHECK(info[0].online && info[1].online && info[2].online,
	    "all three speakers are online");

	/* A village stream reaches its village only. */
	struct bcast_stream *v = bcast_stream_open(s, "110101001001",
	    BCAST_PRIO_VILLAGE, -1, 300, err, sizeof(err));
	struct writer wv = { v, 600 };
	pthread_t tv;
	pthread_create(&tv, NULL, write_for, &wv);
	pthread_join(tv, NULL);
	struct tally a[NSPK];
	memset(a, 0, sizeof(a));
	for (int i = 0; i < NSPK; i++)
		drain(i, 100, &a[i]);
	CHECK(a[0].by_prio[0] >= 10 && a[0].by_prio[0] == a[1].by_prio[0],
	    "both speakers of the village got the stream (%d, %d packets)",
	    a[0].by_prio[0], a[1].by_prio[0]);
	CHECK(a[2].by_prio[0] == 0, "the other village got none");

	/* A long village stream; a township (higher) stream starts during it
	 * and covers both villages: while it runs, village packets stop on
	 * the shared speakers, and both villages hear the township. */
	pthread_t hb;
	beating = 1;
	pthread_create(&hb, NULL, heartbeat, NULL);
	usleep(100000);
	for (int i = 0; i < NSPK; i++) {
		struct tally x = { .other = 0 };
		drain(i, 50, &x);
	}
	v = bcast_stream_open(s, "110101001001", BCAST_PRIO_VILLAGE, -1, 300, err,
	    sizeof(err));
	struct bcast_stream *tw = bcast_stream_open(s, "110101001",
	    BCAST_PRIO_TOWNSHIP, -1, 300, err, sizeof(err));
	struct writer w1 = { v, 3000 }, w2 = { tw, 900 };
	pthread_t t1, t2;
	pthread_create(&t1, NULL, write_for, &w1);
	struct tally before = { .other = 0 };
	drain(0, 900, &before);		/* village only so far */
	pthread_create(&t2, NULL, write_for, &w2);
	struct tally during[NSPK];
	memset(during, 0, sizeof(during));
	usleep(100000);			/* the township stream is under way */
	for (int i = 0; i < NSPK; i++)
		drain(i, i == 0 ? 600 : 10, &during[i]);
	pthread_join(t2, NULL);
	struct tally after = { .other = 0 };
	drain(0, 1200, &after);
	pthread_join(t1, NULL);
	CHECK(before.by_prio[0] > 5, "the village stream played first (%d)",
	    before.by_prio[0]);
	CHECK(during[0].by_prio[1] > 5 && during[0].by_prio[0] == 0,
	    "the township stream pre-empts it on the shared speaker (%d township, "
	    "%d village packets)", during[0].by_prio[1], during[0].by_prio[0]);
	drain(2, 300, &during[2]);
	CHECK(during[2].by_prio[1] > 5, "the other village hears the township "
	    "stream too (%d)", during[2].by_prio[1]);
	CHECK(after.by_prio[0] > 5, "after the township stream the village stream "
	    "resumes (%d)", after.by_prio[0]);

	/* Cancel mid-stream: what was queued but not sent is dropped, and
	 * the END frame follows the last frame sent (no gap for a speaker
	 * to fill with concealment before it stops). */
	{
		static int16_t pcm[BCAST_FRAME_SAMPLES];
		struct bcast_stream *c = bcast_stream_open(s, "110101001002",
		    BCAST_PRIO_EMERGENCY, -1, 300, err, sizeof(err));
		uint8_t buf[2048];
		struct bcast_audio pa;
		uint64_t last_seq = 0, end_seq = 0;
		int got = 0, ends = 0;
		for (int i = 0; i < 20; i++)	/* 1.2 s, queued at once */
			bcast_stream_write(c, pcm, BCAST_FRAME_SAMPLES);
		usleep(400000);
		bcast_stream_cancel(c);
		for (int waited = 0; waited < 500; waited += 10) {
			struct pollfd p = { .fd = fds[2], .events = POLLIN };
			if (poll(&p, 1, 10) <= 0)
				continue;
			ssize_t n;
			while ((n = recv(fds[2], buf, sizeof(buf), MSG_DONTWAIT)) > 0)
				if (bcast_audio_parse(buf, (size_t)n, pk, &pa) ==
				    BCAST_OK && pa.priority == BCAST_PRIO_EMERGENCY) {
					got++;
					if (pa.flags & BCAST_FLAG_END) {
						ends++;
						end_seq = pa.seq;
					} else if (pa.seq > last_seq) {
						last_seq = pa.seq;
					}
				}
		}
		CHECK(got > 2 && got < 20, "a cancelled stream sent only part of "
		    "what was queued (%d of 20 packets)", got);
		CHECK(ends == 1 && end_seq == last_seq + 1, "and its END frame "
		    "follows the last frame sent (seq %llu after %llu)",
		    (unsigned long long)end_seq, (unsigned long long)last_seq);
	}

	/* Silent speakers go offline after offline_after_ms. */
	beating = 0;
	pthread_join(hb, NULL);
	usleep(1800000);
	bcast_registry_list(s, info, NSPK);
	CHECK(!info[0].online && !info[2].online && info[0].last_heard_us > 0,
	    "speakers silent past the timeout are offline, last heard kept");
	CHECK(bcast_server_sender_cpu_us(s) > 0, "the sender's CPU time is known");
	bcast_server_free(s);
	bcast_server_free(NULL);
	return t_done();
}
