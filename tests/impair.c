/*
 * impair.c — a UDP impairment proxy for tests: speakers talk to it as if it
 * were the server; it forwards to the real server from one socket per
 * speaker (as a carrier NAT would), and on the way back drops, delays
 * (uniformly between two bounds, which also reorders) and duplicates
 * packets, all from a seeded random generator so a failure can be replayed.
 * It stops by itself after --seconds and prints what it did.
 *
 *   impair LISTEN_PORT SERVER_PORT SECONDS LOSS_PCT DELAY_MIN_MS DELAY_MAX_MS
 *          DUP_PCT SEED [BLACKOUT_AT_MS BLACKOUT_MS [REPLY_COPIES REPLY_DELAY_MS
 *          [NACK_ABUSE]]]
 *
 * A blackout drops everything, both ways, for BLACKOUT_MS from
 * BLACKOUT_AT_MS after the proxy starts (a 4G link gone for a moment).
 * REPLY_COPIES more copies of each reply to a HELLO are sent
 * REPLY_DELAY_MS late (a sniffer re-sending what it saw). With NACK_ABUSE
 * 1, each NACK a speaker sends goes up as it is, then again (replayed) and
 * once more with a byte of its MAC changed and its counter moved on
 * (forged), all from the speaker's own address.
 *
 * It counts the audio it forwards down per speaker that repeats a (stream,
 * sequence number) it already forwarded there: resent packets (or the
 * duplicates it made itself), measured on the wire.
 *
 * Options NAME=VALUE may follow the positional arguments:
 *   ge=P,R[,H]   burst loss, the Gilbert-Elliott model, per speaker's link:
 *                each audio packet down first moves the link from good to
 *                bad with P %, from bad to good with R % (bursts of 100/R
 *                packets on average); a bad link loses H % (default 100),
 *                a good one LOSS_PCT.
 *   up=MIN,MAX   delay speaker -> server packets (HELLOs, NACKs) uniformly
 *                by MIN..MAX ms: the asymmetric paths of a 4G uplink. The
 *                positional delay is the downlink's.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_CLIENTS 32
#define MAX_PENDING 4096

#define SEEN 1024		/* recent (SSRC, seq) per speaker, for repeats */

struct client {
	struct sockaddr_in addr;
	int up;			/* socket towards the server */
	int bad;		/* Gilbert-Elliott state of its link */
	uint32_t seen_ssrc[SEEN];
	uint32_t seen_seq1[SEEN];	/* RTP seq + 1; 0 empty */
};

struct pending {
	int64_t due;
	int client;
	int towards_server;	/* an up packet held by up=MIN,MAX */
	int len;
	unsigned char d[1500];
};

static uint64_t rng;
static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;	/* stop early, still print the counters */
}
static struct pending pend[MAX_PENDING];
static int npend;

static double
uniform(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (double)(rng >> 11) / (double)(1ULL << 53);
}

static int64_t
now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int
main(int argc, char **argv)
{
	/* NAME=VALUE options out of the way, the positional ones after. */
	double ge_p = -1, ge_r = 0, ge_h = 1, up_min = 0, up_max = 0;
	int npos = 1;
	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], "ge=", 3) == 0) {
			double a, b, h = 100;
			int k = sscanf(argv[i] + 3, "%lf,%lf,%lf", &a, &b, &h);
			if (k < 2 || a < 0 || a > 100 || b <= 0 || b > 100 || h < 0 ||
			    h > 100) {
				fprintf(stderr, "impair: ge=P,R[,H] in percent\n");
				return 2;
			}
			ge_p = a / 100;
			ge_r = b / 100;
			ge_h = h / 100;
		} else if (strncmp(argv[i], "up=", 3) == 0) {
			if (sscanf(argv[i] + 3, "%lf,%lf", &up_min, &up_max) != 2 ||
			    up_min < 0 || up_max < up_min) {
				fprintf(stderr, "impair: up=MIN,MAX in ms\n");
				return 2;
			}
			up_min *= 1000;
			up_max *= 1000;
		} else {
			argv[npos++] = argv[i];
		}
	}
	argc = npos;
	if (argc != 9 && argc != 11 && argc != 13 && argc != 14) {
		fprintf(stderr, "usage: impair LISTEN_PORT SERVER_PORT SECONDS "
		    "LOSS_PCT DELAY_MIN_MS DELAY_MAX_MS DUP_PCT SEED "
		    "[BLACKOUT_AT_MS BLACKOUT_MS [REPLY_COPIES REPLY_DELAY_MS "
		    "[NACK_ABUSE]]] [ge=P,R[,H]] [up=MIN,MAX]\n");
		return 2;
	}
	int nack_abuse = argc > 13 ? atoi(argv[13]) : 0;
	int64_t bo_at = argc > 9 ? atoll(argv[9]) * 1000 : 0;
	int64_t bo_len = argc > 9 ? atoll(argv[10]) * 1000 : 0;
	int reply_copies = argc > 11 ? atoi(argv[11]) : 0;
	int64_t reply_delay = argc > 11 ? atoll(argv[12]) * 1000 : 0;
	int lport = atoi(argv[1]), sport = atoi(argv[2]);
	double seconds = atof(argv[3]), loss = atof(argv[4]) / 100;
	double dmin = atof(argv[5]) * 1000, dmax = atof(argv[6]) * 1000;
	double dup = atof(argv[7]) / 100;
	rng = strtoull(argv[8], NULL, 10) * 2654435761u | 1;

	static struct client cl[MAX_CLIENTS];
	int ncl = 0;
	struct sockaddr_in srv = { .sin_family = AF_INET,
	    .sin_port = htons((uint16_t)sport) }, la = srv;
	inet_pton(AF_INET, "127.0.0.1", &srv.sin_addr);
	la.sin_port = htons((uint16_t)lport);
	inet_pton(AF_INET, "127.0.0.1", &la.sin_addr);
	int lfd = socket(AF_INET, SOCK_DGRAM, 0);
	if (bind(lfd, (struct sockaddr *)&la, sizeof(la)) != 0) {
		perror("impair: bind");
		return 1;
	}
	long fwd_up = 0, fwd_down = 0, dropped = 0, duplicated = 0, blacked = 0;
	long replayed = 0;
	long nacks_up = 0, nacks_replayed = 0, nacks_forged = 0;
	long repeat_pkts = 0, repeat_bytes = 0;
	long bursts = 0, burst_dropped = 0, blacked_audio = 0, held_up = 0;
	long audio_pkts = 0, audio_bytes = 0;	/* offered by the server */
	int64_t start = now_us(), end = start + (int64_t)(seconds * 1e6);
	unsigned char buf[1500];

	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	while (now_us() < end && !stop) {
		struct pollfd p[MAX_CLIENTS + 1];
		p[0].fd = lfd;
		p[0].events = POLLIN;
		for (int i = 0; i < ncl; i++) {
			p[i + 1].fd = cl[i].up;
			p[i + 1].events = POLLIN;
		}
		int64_t wait = 10000;
		for (int i = 0; i < npend; i++)
			if (pend[i].due - now_us() < wait)
				wait = pend[i].due - now_us();
		poll(p, (nfds_t)(ncl + 1), wait > 0 ? (int)(wait / 1000) : 0);

		if (p[0].revents & POLLIN) {
			/* speaker -> server, unimpaired (HELLOs) */
			struct sockaddr_in from;
			socklen_t fl = sizeof(from);
			ssize_t n = recvfrom(lfd, buf, sizeof(buf), 0,
			    (struct sockaddr *)&from, &fl);
			int c;
			for (c = 0; c < ncl; c++)
				if (cl[c].addr.sin_port == from.sin_port &&
				    cl[c].addr.sin_addr.s_addr == from.sin_addr.s_addr)
					break;
			if (c == ncl && ncl < MAX_CLIENTS) {
				cl[c].addr = from;
				cl[c].up = socket(AF_INET, SOCK_DGRAM, 0);
				ncl++;
			}
			int64_t since = now_us() - start;
			if (bo_len && since >= bo_at && since < bo_at + bo_len) {
				blacked++;
				continue;
			}
			if (n > 0 && c < ncl && up_max > 0 && npend < MAX_PENDING) {
				struct pending *q = &pend[npend++];
				q->due = now_us() + (int64_t)(up_min + (up_max - up_min) *
				    uniform());
				q->client = c;
				q->towards_server = 1;
				q->len = (int)n;
				memcpy(q->d, buf, (size_t)n);
				held_up++;
			} else if (n > 0 && c < ncl) {
				sendto(cl[c].up, buf, (size_t)n, 0,
				    (struct sockaddr *)&srv, sizeof(srv));
				fwd_up++;
			}
			/* A NACK (64 bytes, "DLBN"): counted; abused if asked. */
			if (n == 64 && memcmp(buf, "DLBN", 4) == 0 && c < ncl) {
				nacks_up++;
				if (nack_abuse) {
					sendto(cl[c].up, buf, (size_t)n, 0,
					    (struct sockaddr *)&srv, sizeof(srv));
					nacks_replayed++;
					buf[15] ^= 1;	/* counter: not a replay */
					buf[40] ^= 0x20;	/* MAC: forged */
					sendto(cl[c].up, buf, (size_t)n, 0,
					    (struct sockaddr *)&srv, sizeof(srv));
					nacks_forged++;
				}
			}
		}
		for (int i = 0; i < ncl; i++) {
			if (!(p[i + 1].revents & POLLIN))
				continue;
			ssize_t n = recv(cl[i].up, buf, sizeof(buf), 0);
			if (n <= 0)
				continue;
			/* server -> speaker: the impaired direction. Control
			 * packets (replies to HELLO, challenges) pass with delay
			 * but are never dropped, so the clock still syncs; audio
			 * (RTP, version 2) gets everything. */
			int audio = n >= 12 && (buf[0] & 0xC0) == 0x80;
			int reply = n >= 4 && memcmp(buf, "DLBR", 4) == 0;
			int64_t since = now_us() - start;
			if (bo_len && since >= bo_at && since < bo_at + bo_len) {
				blacked++;
				blacked_audio += audio;
				continue;
			}
			for (int k = 0; reply && k < reply_copies &&
			    npend < MAX_PENDING; k++) {
				struct pending *q = &pend[npend++];
				q->due = now_us() + reply_delay;
				q->client = i;
				q->towards_server = 0;
				q->len = (int)n;
				memcpy(q->d, buf, (size_t)n);
				replayed++;
			}
			if (audio) {
				audio_pkts++;
				audio_bytes += n;
			}
			if (audio && n >= 12) {
				uint32_t ssrc = (uint32_t)buf[8] << 24 |
				    (uint32_t)buf[9] << 16 | (uint32_t)buf[10] << 8 |
				    buf[11];
				uint32_t seq = (uint32_t)buf[2] << 8 | buf[3];
				struct client *w = &cl[i];
				if (w->seen_seq1[seq % SEEN] == seq + 1 &&
				    w->seen_ssrc[seq % SEEN] == ssrc) {
					repeat_pkts++;
					repeat_bytes += n;
				}
				w->seen_seq1[seq % SEEN] = seq + 1;
				w->seen_ssrc[seq % SEEN] = ssrc;
			}
			if (audio && ge_p >= 0) {
				/* The link's state moves first, then decides. */
				struct client *w = &cl[i];
				if (!w->bad && uniform() < ge_p) {
					w->bad = 1;
					bursts++;
				} else if (w->bad && uniform() < ge_r) {
					w->bad = 0;
				}
				if (uniform() < (w->bad ? ge_h : loss)) {
					dropped++;
					burst_dropped += w->bad;
					continue;
				}
			} else if (audio && uniform() < loss) {
				dropped++;
				continue;
			}
			int copies = audio && uniform() < dup ? 2 : 1;
			duplicated += copies - 1;
			for (int k = 0; k < copies && npend < MAX_PENDING; k++) {
				struct pending *q = &pend[npend++];
				q->due = now_us() + (int64_t)(dmin + (dmax - dmin) * uniform());
				q->client = i;
				q->towards_server = 0;
				q->len = (int)n;
				memcpy(q->d, buf, (size_t)n);
			}
		}
		int64_t t = now_us();
		for (int i = 0; i < npend;) {
			if (pend[i].due <= t) {
				struct client *c = &cl[pend[i].client];
				if (pend[i].towards_server) {
					sendto(c->up, pend[i].d, (size_t)pend[i].len, 0,
					    (struct sockaddr *)&srv, sizeof(srv));
					fwd_up++;
				} else {
					sendto(lfd, pend[i].d, (size_t)pend[i].len, 0,
					    (struct sockaddr *)&c->addr, sizeof(c->addr));
					fwd_down++;
				}
				pend[i] = pend[--npend];
			} else {
				i++;
			}
		}
	}
	printf("up %ld\ndown %ld\ndropped %ld\nduplicated %ld\n"
	    "audio_pkts %ld\naudio_bytes %ld\nblacked_out %ld\n"
	    "replies_replayed %ld\nnacks_up %ld\nnacks_replayed %ld\n"
	    "nacks_forged %ld\nrepeat_pkts %ld\nrepeat_bytes %ld\n"
	    "bursts %ld\nburst_dropped %ld\nblacked_audio %ld\nheld_up %ld\n",
	    fwd_up, fwd_down, dropped, duplicated, audio_pkts, audio_bytes,
	    blacked, replayed, nacks_up, nacks_replayed, nacks_forged,
	    repeat_pkts, repeat_bytes, bursts, burst_dropped, blacked_audio,
	    held_up);
	return 0;
}
