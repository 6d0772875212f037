/*
 * flood.c — an attacker on the village network flooding a loudspeaker box
 * with well-shaped audio packets: our RTP shape, the box's zone, a
 * presentation time a second ahead, the emergency class, a signature made
 * by a key of its own and a ticket it can only guess. Every one of them
 * would cost the box a signature check if it had no cheaper test first.
 * For the flood test and bench (tests/e2e/35_flood.sh, bench/flood.sh);
 * it sends only to the address it is given (loopback in both).
 *
 *   flood HOST PORT ZONE SECONDS RATE     RATE packets a second, 0: all it can
 *
 * Prints "sent N", "seconds S" and "rate R" when done or stopped (TERM).
 */
#include <endian.h>
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "broadcaster/broadcaster.h"

#define TEMPLATES 256

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}
#define BATCH 64

static int64_t
mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int
main(int argc, char **argv)
{
	if (argc != 6) {
		fprintf(stderr, "usage: flood HOST PORT ZONE SECONDS RATE\n");
		return 2;
	}
	struct bcast_zone zone;
	double seconds = atof(argv[4]), rate = atof(argv[5]);
	if (bcast_zone_parse(argv[3], &zone) != 0 || seconds <= 0 ||
	    seconds > 600 || rate < 0 || sodium_init() < 0) {
		fprintf(stderr, "flood: bad zone, seconds (0-600) or rate\n");
		return 2;
	}
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM }, *res;
	if (getaddrinfo(argv[1], argv[2], &hints, &res) != 0) {
		fprintf(stderr, "flood: cannot resolve %s:%s\n", argv[1], argv[2]);
		return 2;
	}
	int fd = socket(res->ai_family, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, res->ai_addr, res->ai_addrlen) != 0) {
		perror("flood: socket");
		return 1;
	}
	freeaddrinfo(res);
	int sndbuf = 4 << 20;
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));

	/* Templates signed by our own key: the box's check of a signature
	 * costs the same whether it would pass or not. */
	uint8_t pk[BCAST_PK_LEN], sk[BCAST_SK_LEN], opus[80];
	static uint8_t tpl[TEMPLATES][BCAST_MAX_PACKET];
	int len = 0;
	crypto_sign_keypair(pk, sk);
	randombytes_buf(opus, sizeof(opus));
	for (int i = 0; i < TEMPLATES; i++) {
		struct bcast_audio a = { .ssrc = randombytes_random(),
		    .seq = randombytes_uniform(1000), .zone = zone,
		    .priority = BCAST_PRIO_EMERGENCY, .volume = BCAST_VOLUME_DEFAULT,
		    .opus = opus, .opus_len = sizeof(opus) };
		len = bcast_audio_pack(&a, sk, tpl[i], sizeof(tpl[i]));
	}

	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	memset(msgs, 0, sizeof(msgs));
	int64_t start = mono_us(), end = start + (int64_t)(seconds * 1e6);
	uint64_t sent = 0, k = 0;
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	for (int64_t now = start; now < end && !stop; now = mono_us()) {
		/* A second ahead on the wall clock: the server's wire clock is
		 * the system clock (timeline.c), so inside the box's window. */
		int64_t pts = bcast_server_now_us() + 1000000;
		for (int i = 0; i < BATCH; i++, k++) {
			uint8_t *p = tpl[k % TEMPLATES];
			uint64_t be = htobe64((uint64_t)pts);
			memcpy(p + BCAST_AUDIO_OFF_PTS, &be, 8);
			randombytes_buf(p + len - BCAST_TRAILER_LEN, BCAST_TICKET_LEN);
			iov[i].iov_base = p;
			iov[i].iov_len = (size_t)len;
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
		}
		int r = sendmmsg(fd, msgs, BATCH, 0);
		if (r > 0)
			sent += (uint64_t)r;
		else if (r < 0 && errno != ENOBUFS && errno != EAGAIN &&
		    errno != ECONNREFUSED && errno != EINTR) {
			perror("flood: sendmmsg");
			return 1;
		}
		if (rate > 0) {
			int64_t due = start + (int64_t)((double)sent / rate * 1e6);
			int64_t wait = due - mono_us();
			if (wait > 0)
				usleep((useconds_t)(wait > 100000 ? 100000 : wait));
		}
	}
	double took = (double)(mono_us() - start) / 1e6;
	printf("sent %llu\nseconds %.2f\nrate %.0f\n", (unsigned long long)sent,
	    took, (double)sent / took);
	return 0;
}
