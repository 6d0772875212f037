/*
 * bench/speakers_sim.c — many simulated loudspeakers for a real dalabad:
 * N UDP sockets on loopback that say a signed HELLO every two seconds (as
 * boxes do) and count the audio packets that reach them. For loading the
 * server while something else is measured (bench/web.sh).
 *
 *   speakers_sim PORT N KEYHEX SECONDS   (speaker ids 1..N, one key)
 * Prints "received <packets> speakers_heard <k>" at the end (or on
 * SIGTERM).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <sodium.h>

#include "broadcaster/broadcaster.h"

static volatile sig_atomic_t stop;

static void
on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	uint8_t key[32];

	if (argc != 5 || bcast_hex_decode(argv[3], key, sizeof(key)) != 0) {
		fprintf(stderr, "usage: speakers_sim PORT N KEYHEX SECONDS\n");
		return 2;
	}
	int port = atoi(argv[1]), n = atoi(argv[2]);
	double secs = atof(argv[4]);
	if (n < 1 || n > 20000 || port < 1 || secs <= 0 || secs > 600) {
		fprintf(stderr, "speakers_sim: bad arguments\n");
		return 2;
	}
	if (sodium_init() < 0)
		return 1;
	struct rlimit rl = { (rlim_t)n + 64, (rlim_t)n + 64 };
	setrlimit(RLIMIT_NOFILE, &rl);
	struct sockaddr_in srv = { .sin_family = AF_INET,
	    .sin_port = htons((uint16_t)port) };
	inet_pton(AF_INET, "127.0.0.1", &srv.sin_addr);
	int *fds = calloc((size_t)n, sizeof(int));
	long *got = calloc((size_t)n, sizeof(long));
	int ep = epoll_create1(0);
	for (int i = 0; i < n; i++) {
		struct sockaddr_in a = { .sin_family = AF_INET };
		inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
		fds[i] = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
		if (fds[i] < 0 || bind(fds[i], (struct sockaddr *)&a, sizeof(a))) {
			fprintf(stderr, "speakers_sim: socket %d failed\n", i);
			return 1;
		}
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t)i };
		epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev);
	}
	double start = now_s(), next_hello = start;
	uint64_t counter = (uint64_t)time(NULL) * 1000;
	long total = 0;
	uint8_t buf[2048];
	struct epoll_event ev[512];
	signal(SIGTERM, on_term);
	while (!stop && now_s() - start < secs) {
		if (now_s() >= next_hello) {
			counter++;
			for (int i = 0; i < n; i++) {
				struct bcast_hello h = { .speaker_id = (uint32_t)i + 1,
				    .counter = counter,
				    .t1_us = bcast_mono_now_us() };
				uint8_t hb[BCAST_HELLO_LEN];
				h.st.playing_ssrc = got[i] ? 1 : 0;
				bcast_hello_pack(&h, key, hb, sizeof(hb));
				sendto(fds[i], hb, sizeof(hb), 0, (struct sockaddr *)&srv,
				    sizeof(srv));
				if (i % 200 == 199)
					usleep(500);	/* stay inside the server's buffer */
			}
			next_hello += 2.0;
		}
		int k = epoll_wait(ep, ev, 512, 50);
		for (int i = 0; i < k; i++) {
			int idx = (int)ev[i].data.u32;
			ssize_t m;
			while ((m = recv(fds[idx], buf, sizeof(buf), 0)) > 0)
				if (buf[0] == 0x90) {
					got[idx]++;
					total++;
				}
		}
	}
	int heard = 0;
	for (int i = 0; i < n; i++)
		heard += got[i] > 0;
	printf("received %ld speakers_heard %d\n", total, heard);
	return 0;
}
