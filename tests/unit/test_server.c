/*
 * test_server.c — the broadcaster's server with lightweight receivers on
 * loopback standing in for speakers: HELLO registers a speaker's address
 * (and a bad one does not), a stream reaches exactly the speakers of its
 * zone, a higher-priority stream pre-empts a lower one on the speakers they
 * share (and only there), and the offline timeout applies. NACKs: the very
 * packets come back, once per genuine NACK, only to the speaker's own
 * address, only its zone's, only while playable and within the budgets; a
 * forged or replayed NACK gets nothing.
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
static uint8_t cookies[NSPK][BCAST_COOKIE_LEN];	/* each one's, from the server */

/* A control packet on speaker i's socket: keep its cookie. */
static int
note_ctl(int i, const uint8_t *buf, size_t n)
{
	return bcast_ctl_cookie(buf, n, (uint32_t)i + 1, cookies[i]);
}

struct tally {
	int by_prio[BCAST_PRIO_EMERGENCY + 1];
	int other;
	int challenges;
	int no_ticket;		/* audio without this box's ticket */
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
			if (bcast_audio_parse(buf, (size_t)n, pk, &a) == BCAST_OK) {
				uint8_t tk[BCAST_TICKET_KEY_LEN];
				bcast_ticket_key(keys[i], tk);
				t->by_prio[a.priority]++;
				t->no_ticket += !bcast_ticket_check(tk, buf, (size_t)n);
			} else if (note_ctl(i, buf, (size_t)n) == 2)
				t->challenges++;
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

	memcpy(h.cookie, cookies[i], BCAST_COOKIE_LEN);
	bcast_hello_pack(&h, key, buf, sizeof(buf));
	sendto(fds[i], buf, sizeof(buf), 0, (struct sockaddr *)&srv, sizeof(srv));
}

/* Say HELLO as a box does: answer the server's challenge with its cookie
 * (the first HELLO from an address is never taken). */
static void
join(int i, uint64_t counter, const uint8_t *key)
{
	struct tally t = { .other = 0 };

	hello(i, counter, key);
	drain(i, 100, &t);
	hello(i, counter + 1, key);
	drain(i, 100, &t);
}

/* Every speaker says HELLO, and must get this many signed replies and
 * challenges. */
static void
all_say_hello(uint64_t counter, int replies, int challenges, const char *what)
{
	for (int i = 0; i < NSPK; i++)
		hello(i, counter, keys[i]);
	for (int i = 0; i < NSPK; i++) {
		struct tally t = { .other = 0 };
		drain(i, 200, &t);
		CHECK(t.other == replies && t.challenges == challenges,
		    "speaker %d: %s (%d, %d)", i + 1, what, t.other,
		    t.challenges);
	}
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

/* ---- retransmission ---- */

#define RTX_PKTS 21		/* 20 frames and the END */

static uint8_t sent_pkt[RTX_PKTS][BCAST_MAX_PACKET];
static size_t sent_len[RTX_PKTS];

/* Audio packets waiting on fd within ms: how many, and how many of them
 * are byte for byte what the stream sent first (into *same). */
static int
take_audio(int fd, int ms, int *same)
{
	uint8_t buf[2048];
	struct bcast_audio a;
	int got = 0;

	if (same)
		*same = 0;
	for (int waited = 0; waited < ms; waited += 10) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, 10) <= 0)
			continue;
		ssize_t n;
		while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
			if (bcast_audio_parse(buf, (size_t)n, pk, &a) != BCAST_OK) {
				for (int i = 0; i < NSPK; i++)
					if (fds[i] == fd)
						note_ctl(i, buf, (size_t)n);
				continue;
			}
			got++;
			if (same && a.seq < RTX_PKTS && sent_len[a.seq] == (size_t)n &&
			    memcmp(sent_pkt[a.seq], buf, (size_t)n) == 0)
				(*same)++;
		}
	}
	return got;
}

static void
nack_from(int fd, uint32_t id, const uint8_t *key, uint64_t counter,
    uint32_t ssrc, uint64_t base, uint32_t bitmap, uint8_t *copy)
{
	struct bcast_nack n = { .speaker_id = id, .counter = counter,
	    .ssrc = ssrc, .base = base, .bitmap = bitmap };
	uint8_t buf[BCAST_NACK_LEN];

	bcast_nack_pack(&n, key, buf, sizeof(buf));
	if (copy)
		memcpy(copy, buf, sizeof(buf));
	sendto(fd, buf, sizeof(buf), 0, (struct sockaddr *)&srv, sizeof(srv));
}

static double
secs_now(void)
{
	return (double)bcast_mono_now_us() / 1e6;
}

/* Speaker 3 (village ...002) is online, its heartbeat running. */
static void
test_retransmit(struct bcast_server *s)
{
	static int16_t pcm[BCAST_FRAME_SAMPLES];
	struct bcast_rtx_stats rs, rs0;
	uint8_t buf[2048], replay[BCAST_NACK_LEN], wrong[32];
	struct bcast_audio a;
	char err[256];
	int same, got = 0;

	memset(sent_len, 0, sizeof(sent_len));
	for (int i = 0; i < NSPK; i++)
		take_audio(fds[i], 50, NULL);	/* what earlier tests left */
	bcast_server_rtx_stats(s, &rs0);
	/* A 6 s play-out delay: each packet stays playable 6 s after it
	 * leaves. 20 frames are queued at once and leave in real time. */
	struct bcast_stream *st = bcast_stream_open(s, "110101001002",
	    BCAST_PRIO_VILLAGE, -1, 6000, err, sizeof(err));
	uint32_t ssrc = bcast_stream_ssrc(st);
	for (int i = 0; i < 20; i++)
		bcast_stream_write(st, pcm, BCAST_FRAME_SAMPLES);
	bcast_stream_close(st);		/* returns when all is sent */
	double t_first = secs_now();
	for (int waited = 0; waited < 200; waited += 10) {
		struct pollfd p = { .fd = fds[2], .events = POLLIN };
		if (poll(&p, 1, 10) <= 0)
			continue;
		ssize_t n;
		while ((n = recv(fds[2], buf, sizeof(buf), MSG_DONTWAIT)) > 0)
			if (bcast_audio_parse(buf, (size_t)n, pk, &a) == BCAST_OK &&
			    a.ssrc == ssrc && a.seq < RTX_PKTS) {
				memcpy(sent_pkt[a.seq], buf, (size_t)n);
				sent_len[a.seq] = (size_t)n;
				got++;
			}
	}
	CHECK(got == RTX_PKTS, "the stream's %d packets arrived first (%d)",
	    RTX_PKTS, got);
	if (got != RTX_PKTS)
		return;

	/* A genuine NACK for 3, 4 and 5 (a closed stream's history is kept). */
	nack_from(fds[2], 3, keys[2], 1000, ssrc, 3, 0x3, replay);
	int r1 = take_audio(fds[2], 300, &same);
	CHECK(r1 == 3 && same == 3, "a NACK for 3 packets gets those 3 again, "
	    "byte for byte (%d, %d the same)", r1, same);
	/* The same NACK again, as a sniffer would send it. */
	sendto(fds[2], replay, sizeof(replay), 0, (struct sockaddr *)&srv,
	    sizeof(srv));
	CHECK(take_audio(fds[2], 300, NULL) == 0, "a replayed NACK gets nothing");
	randombytes_buf(wrong, sizeof(wrong));
	nack_from(fds[2], 3, wrong, 1001, ssrc, 3, 0x3, NULL);
	CHECK(take_audio(fds[2], 300, NULL) == 0, "a NACK with a wrong key gets "
	    "nothing");
	nack_from(fds[2], 99, keys[2], 1002, ssrc, 3, 0x3, NULL);
	CHECK(take_audio(fds[2], 200, NULL) == 0, "a NACK from an unknown "
	    "speaker gets nothing");
	bcast_server_rtx_stats(s, &rs);
	CHECK(rs.refused - rs0.refused == 3 && rs.nacks - rs0.nacks == 1 &&
	    rs.resent - rs0.resent == 3, "counted: 1 NACK answered, 3 refused, "
	    "3 packets resent (%llu, %llu, %llu)",
	    (unsigned long long)(rs.nacks - rs0.nacks),
	    (unsigned long long)(rs.refused - rs0.refused),
	    (unsigned long long)(rs.resent - rs0.resent));

	/* Genuine, but from another address: the packets go to the address
	 * the speaker's HELLOs come from, not to the asker. */
	struct sockaddr_in la = { .sin_family = AF_INET };
	inet_pton(AF_INET, "127.0.0.1", &la.sin_addr);
	int other = socket(AF_INET, SOCK_DGRAM, 0);
	bind(other, (struct sockaddr *)&la, sizeof(la));
	nack_from(other, 3, keys[2], 1003, ssrc, 7, 0, NULL);
	int r_other = take_audio(other, 200, NULL);
	int r_own = take_audio(fds[2], 100, &same);
	CHECK(r_other == 0 && r_own == 1 && same == 1, "a NACK from another "
	    "address is answered to the speaker's own (%d to it, %d to the asker)",
	    r_own, r_other);
	close(other);

	/* Another village's speaker may not have this stream. */
	nack_from(fds[0], 1, keys[0], 1004, ssrc, 3, 0x3, NULL);
	CHECK(take_audio(fds[0], 200, NULL) == 0, "a speaker outside the "
	    "stream's zone gets none of it");

	/* Everything at once, over and over: no more than the speaker's
	 * budget (a burst, then 5 a second) whatever it asks. */
	int total = r1 + r_own, asked = 4;
	for (int k = 0; k < 6; k++) {
		nack_from(fds[2], 3, keys[2], 1010 + (uint64_t)k, ssrc, 0,
		    0x000FFFFF, NULL);
		asked += RTX_PKTS;
		total += take_audio(fds[2], 100, NULL);
	}
	double elapsed = secs_now() - t_first;
	CHECK(total <= BCAST_RTX_BOX_BURST + BCAST_RTX_BOX_PPS * elapsed + 1 &&
	    total >= BCAST_RTX_BOX_BURST, "asked for %d packets in %.1f s, got "
	    "%d: within the speaker's budget (%d + %d/s)", asked, elapsed, total,
	    BCAST_RTX_BOX_BURST, BCAST_RTX_BOX_PPS);
	bcast_server_rtx_stats(s, &rs);
	CHECK(rs.limited > rs0.limited, "and the rest counted as over budget "
	    "(%llu)", (unsigned long long)(rs.limited - rs0.limited));

	/* Once every packet has been heard, nothing is sent again. */
	while (secs_now() < t_first + 6.2)
		usleep(100000);
	nack_from(fds[2], 3, keys[2], 1020, ssrc, 10, 0, NULL);
	CHECK(take_audio(fds[2], 300, NULL) == 0, "a NACK for a packet past its "
	    "presentation time gets nothing");
}

/* The server's total budget: two speakers whose own budgets are ample
 * share a total of 2 a second. */
static void
test_retransmit_total(void)
{
	static int16_t pcm[BCAST_FRAME_SAMPLES];
	char err[256];
	struct bcast_config cfg = { .bind_addr = "127.0.0.1", .port = -1,
	    .sk = sk, .rtx_box_pps = 1000, .rtx_total_pps = 2 };
	struct bcast_server *s = bcast_server_new(&cfg, err, sizeof(err));
	struct sockaddr_in keep = srv;
	int got = 0;

	CHECK(s != NULL, "a second server starts: %s", s ? "ok" : err);
	if (s == NULL)
		return;
	srv.sin_port = htons((uint16_t)bcast_server_port(s));
	for (int i = 0; i < 2; i++) {
		bcast_registry_add(s, (uint32_t)i + 1, zones[i], keys[i], err,
		    sizeof(err));
		join(i, 1, keys[i]);
	}
	struct bcast_stream *st = bcast_stream_open(s, "110101001001",
	    BCAST_PRIO_VILLAGE, -1, 3000, err, sizeof(err));
	uint32_t ssrc = bcast_stream_ssrc(st);
	for (int i = 0; i < 10; i++)
		bcast_stream_write(st, pcm, BCAST_FRAME_SAMPLES);
	bcast_stream_close(st);
	double t0 = secs_now();
	for (int i = 0; i < 2; i++)
		take_audio(fds[i], 100, NULL);	/* the stream itself */
	for (int k = 0; k < 3; k++)
		for (int i = 0; i < 2; i++)
			nack_from(fds[i], (uint32_t)i + 1, keys[i], 10 + (uint64_t)k,
			    ssrc, 0, 0x1FF, NULL);
	for (int i = 0; i < 2; i++)
		got += take_audio(fds[i], 200, NULL);
	double elapsed = secs_now() - t0;
	CHECK(got >= 2 && got <= 2 + 2 * elapsed + 1, "2 speakers asked for 60 "
	    "packets in %.1f s and got %d: the server's total budget", elapsed,
	    got);
	bcast_server_free(s);
	srv = keep;
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
	all_say_hello(10, 0, 1, "its first HELLO gets one challenge, no reply");
	bcast_registry_list(s, info, NSPK);
	CHECK(!info[0].online && !info[1].online && !info[2].online,
	    "and is not taken: no speaker is online");
	all_say_hello(11, 1, 0, "with the cookie, it gets one signed reply");
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
	CHECK(a[0].no_ticket == 0 && a[1].no_ticket == 0, "each packet carries "
	    "its box's own ticket (%d, %d without)", a[0].no_ticket,
	    a[1].no_ticket);

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

	test_retransmit(s);

	/* Silent speakers go offline after offline_after_ms. */
	beating = 0;
	pthread_join(hb, NULL);
	usleep(1800000);
	bcast_registry_list(s, info, NSPK);
	CHECK(!info[0].online && !info[2].online && info[0].last_heard_us > 0,
	    "speakers silent past the timeout are offline, last heard kept");
	CHECK(bcast_server_sender_cpu_us(s) > 0, "the sender's CPU time is known");
	bcast_server_free(s);
	test_retransmit_total();
	bcast_server_free(NULL);
	return t_done();
}
