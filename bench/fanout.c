/*
 * bench/fanout.c — how many loudspeakers one sender thread feeds. A real
 * bcast_server streams to N lightweight receivers on loopback (UDP sockets
 * that said HELLO and count what arrives); the sender thread's own CPU time
 * over the audio's duration gives speakers per core.
 *
 *   BENCH fanout_speakers_per_core   at the largest N (10 000)
 *   BENCH fanout_cpu_pct_per_1000    sender CPU per 1000 speakers
 *   BENCH icecast_listeners_per_core the same stream through Icecast2 to
 *                                    COMPARE_N HTTP listeners (bench/icecast.c)
 *   BENCH fanout_vs_icecast_ratio    speakers per core / listeners per core,
 *                                    both at COMPARE_N, in this run
 *
 * A figure is printed only when measured (bench/figure.h): every receiver
 * online, sender CPU time counted, packets delivered.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <sodium.h>

#include "bench/figure.h"
#include "bench/icecast.h"
#include "broadcaster/broadcaster.h"

#define AUDIO_SECONDS 4
#define COMPARE_N 300		/* speakers / listeners for the Icecast ratio;
				 * Icecast admits ~20 listeners/s here */
#define ICECAST_SECONDS 10

struct rx {
	int ep, *fds, n;
	uint8_t (*cookies)[BCAST_COOKIE_LEN];	/* each one's, for its HELLO */
	volatile long got;
	volatile int stop;
};

static void *
rx_main(void *arg)
{
	struct rx *r = arg;
	struct epoll_event ev[512];
	uint8_t buf[2048];

	while (!r->stop) {
		int k = epoll_wait(r->ep, ev, 512, 50);
		for (int i = 0; i < k; i++) {
			uint32_t at = ev[i].data.u32;
			ssize_t m;
			while ((m = recv(r->fds[at], buf, sizeof(buf),
			    MSG_DONTWAIT)) > 0) {
				if (m >= 12 && (buf[0] & 0xC0) == 0x80)
					r->got++;	/* RTP: audio */
				else
					bcast_ctl_cookie(buf, (size_t)m, at + 1,
					    r->cookies[at]);
			}
		}
	}
	return NULL;
}

static int
run(int n, double *per_core, double *delivered)
{
	uint8_t pk[BCAST_PK_LEN], sk[BCAST_SK_LEN], key[32];
	char err[256];
	struct bcast_config cfg = { .bind_addr = "127.0.0.1", .port = -1 };
	struct rx r = { 0 };

	crypto_sign_keypair(pk, sk);
	randombytes_buf(key, sizeof(key));
	cfg.sk = sk;
	struct bcast_server *s = bcast_server_new(&cfg, err, sizeof(err));
	if (s == NULL) {
		fprintf(stderr, "fanout: %s\n", err);
		return -1;
	}
	struct sockaddr_in srv = { .sin_family = AF_INET,
	    .sin_port = htons((uint16_t)bcast_server_port(s)) };
	inet_pton(AF_INET, "127.0.0.1", &srv.sin_addr);
	r.fds = calloc((size_t)n, sizeof(int));
	r.cookies = calloc((size_t)n, sizeof(*r.cookies));
	r.ep = epoll_create1(0);
	for (int i = 0; i < n; i++) {
		struct sockaddr_in a = { .sin_family = AF_INET };
		inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
		r.fds[i] = socket(AF_INET, SOCK_DGRAM, 0);
		if (r.fds[i] < 0 || bind(r.fds[i], (struct sockaddr *)&a, sizeof(a))) {
			fprintf(stderr, "fanout: socket %d: out of descriptors?\n", i);
			return -1;
		}
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t)i };
		epoll_ctl(r.ep, EPOLL_CTL_ADD, r.fds[i], &ev);
		bcast_registry_add(s, (uint32_t)i + 1, "110101001001", key, err,
		    sizeof(err));
	}
	r.n = n;
	pthread_t t;
	pthread_create(&t, NULL, rx_main, &r);
	/* Every receiver says HELLO, as a speaker behind NAT would, and says
	 * it again while the server has not heard it (speakers retry too). */
	struct bcast_speaker_info *info = calloc((size_t)n, sizeof(*info));
	for (int round = 1; round <= 50; round++) {
		int online = 0;
		bcast_registry_list(s, info, (size_t)n);
		for (int i = 0; i < n; i++) {
			if (info[i].online) {
				online++;
				continue;
			}
			struct bcast_hello h = { .speaker_id = (uint32_t)i + 1,
			    .counter = (uint64_t)round };
			uint8_t buf[BCAST_HELLO_LEN];
			memcpy(h.cookie, r.cookies[i], BCAST_COOKIE_LEN);
			bcast_hello_pack(&h, key, buf, sizeof(buf));
			sendto(r.fds[i], buf, sizeof(buf), 0,
			    (struct sockaddr *)&srv, sizeof(srv));
			if (i % 200 == 199)
				usleep(1000);
		}
		if (online == n)
			break;
		usleep(100000);
	}
	struct bcast_stream *st = bcast_stream_open(s, "110101", BCAST_PRIO_COUNTY,
	    -1, 300, err, sizeof(err));
	int on = 0;
	bcast_registry_list(s, info, (size_t)n);
	for (int i = 0; i < n; i++)
		on += info[i].online;
	uint64_t sent0 = bcast_server_packets_sent(s);
	int64_t cpu0 = bcast_server_sender_cpu_us(s);
	static int16_t pcm[BCAST_RATE];
	long frames = 0;
	for (int sec = 0; sec < AUDIO_SECONDS; sec++) {
		for (int i = 0; i < BCAST_RATE; i++, frames++)
			pcm[i] = (int16_t)(6000 * sin(2 * M_PI * (300 + 200 *
			    sin(frames / 9000.0)) * frames / BCAST_RATE));
		bcast_stream_write(st, pcm, BCAST_RATE);
	}
	bcast_stream_close(st);
	int64_t cpu = bcast_server_sender_cpu_us(s) - cpu0;
	uint64_t sent = bcast_server_packets_sent(s) - sent0;
	usleep(300000);
	r.stop = 1;
	pthread_join(t, NULL);
	long pkts = (long)(AUDIO_SECONDS * 1000 / BCAST_FRAME_MS) + 1;
	/* No figure from a run where not all said HELLO, the sender's CPU
	 * was not counted, or nothing arrived. */
	int measured = on == n && cpu > 0 && r.got > 0;
	*per_core = cpu > 0 ? on / (cpu / 1e6 / AUDIO_SECONDS) : 0;
	*delivered = on > 0 ? 100.0 * r.got / ((double)pkts * on) : 0;
	if (!measured)
		fprintf(stderr, "fanout: %d speakers: %d online, sender CPU %lld us, "
		    "%ld packets received: not measured\n", n, on, (long long)cpu,
		    r.got);
	printf("# %5d speakers, %d online: sender CPU %.3f s for %d s of audio "
	    "(%.2f %% of a core), %llu packets sent, %.1f %% received\n", n, on,
	    cpu / 1e6, AUDIO_SECONDS, cpu / 1e4 / AUDIO_SECONDS,
	    (unsigned long long)sent, *delivered);
	bcast_server_free(s);
	for (int i = 0; i < n; i++)
		close(r.fds[i]);
	close(r.ep);
	free(r.fds);
	free(r.cookies);
	free(info);
	return measured ? 0 : -1;
}

int
main(void)
{
	static const int sizes[] = { 100, COMPARE_N, 1000, 10000 };
	const size_t nsizes = sizeof(sizes) / sizeof(sizes[0]);
	struct rlimit rl;
	double per_core = 0, delivered = 0, at_compare = -1, largest = -1;
	int rc = 0;

	if (sodium_init() < 0)
		return 1;
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	for (size_t i = 0; i < nsizes; i++) {
		if (run(sizes[i], &per_core, &delivered) != 0)
			continue;	/* it said why; no figure rests on it */
		if (sizes[i] == COMPARE_N)
			at_compare = per_core;
		if (i == nsizes - 1)
			largest = per_core;
	}
	if (largest < 0) {
		rc |= bench_unmeasured("fanout_speakers_per_core",
		    "the 10 000-speaker run was not measured");
		rc |= bench_unmeasured("fanout_cpu_pct_per_1000",
		    "the 10 000-speaker run was not measured");
	} else {
		rc |= bench_figure("fanout_speakers_per_core", largest, 0,
		    "speakers", 1, 1e8);
		rc |= bench_figure("fanout_cpu_pct_per_1000", 1000.0 / largest * 100,
		    3, "%", 1e-6, 1e5);
	}
	double ice_delivered;
	double ice = icecast_listeners_per_core(COMPARE_N, ICECAST_SECONDS,
	    &ice_delivered);
	if (ice <= 0)
		rc |= bench_unmeasured("icecast_listeners_per_core", "icecast2 "
		    "could not be run, or no listener joined (make bench "
		    "installs it as root)");
	else
		rc |= bench_figure("icecast_listeners_per_core", ice, 0,
		    "listeners", 1, 1e8);
	if (ice <= 0 || at_compare < 0)
		rc |= bench_unmeasured("fanout_vs_icecast_ratio", "one side of "
		    "the comparison was not measured");
	else
		rc |= bench_figure("fanout_vs_icecast_ratio", at_compare / ice, 2,
		    "ratio", 1e-3, 1e3);
	return rc ? 1 : 0;
}
