/*
 * bench/speakers_sim.c — many simulated loudspeakers for a real dalabad:
 * N UDP sockets on loopback that say a signed HELLO every two seconds (as
 * boxes do) and count the audio packets that reach them. For loading the
 * server while something else is measured (bench/web.sh).
 *
 *   speakers_sim PORT N KEYHEX SECONDS [SERVER_PUBKEY_HEX]
 *       [--server ADDRESS] [--multicast]
 *   (speaker ids 1..N, one key; the server at 127.0.0.1 unless --server
 *   names another IPv4 address, as in bench/province.sh's namespaces;
 *   --multicast: join the group the server names for a box's zone)
 *
 * With the server's public key the simulated boxes also confirm as real
 * ones do (bench/page.sh): the first packet of a new stream is verified,
 * the box "starts playing" at its presentation time and says so in a
 * HELLO at once, and says it stopped when the stream's END packet is due,
 * or once the stream has been quiet STREAM_IDLE_S (the agent's stall: a
 * stopped-and-started box under a loaded machine's delays would be a
 * HELLO storm no real box makes).
 * Prints "received <packets> speakers_heard <k>" at the end (or on
 * SIGTERM).
 */
#include <signal.h>
#include <stdbool.h>
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

/* What a box plays, in confirm mode. */
struct box {
	uint32_t ssrc;		/* the stream it follows; 0 none */
	double play_at;		/* realtime s its first frame is due */
	double last_rx;
	double end_at;		/* realtime s its END packet is due; 0 none */
	uint32_t over;		/* the stream that ended: late copies ignored */
	bool playing;
	int group;		/* its zone's multicast group; -1 none */
	double group_rx;	/* audio last came on the group */
	bool said_group;	/* what its last HELLO said of it */
};

/* --multicast: the groups the server announced, joined once each (the
 * boxes of one zone share a socket, as a village's share a wire). */
#define SIM_GROUPS 64
struct group {
	uint8_t announce[BCAST_ANNOUNCE_LEN];
	int fd;
	uint32_t ssrc;		/* the stream last verified on it */
	double play_at;
};
static struct group groups[SIM_GROUPS];
static int ngroups;

#define STREAM_IDLE_S 1.5	/* speakers/agent_int.h STREAM_IDLE_US */

/* The END packet's presentation time, or 0 (read, not verified: the
 * stream was verified once, and the simulation must stay cheap). */
static double
end_of(const uint8_t *buf, size_t len)
{
	uint64_t pts = 0;

	if (len <= BCAST_AUDIO_OFF_FLAGS ||
	    !(buf[BCAST_AUDIO_OFF_FLAGS] & BCAST_FLAG_END))
		return 0;
	for (int i = 0; i < 8; i++)
		pts = pts << 8 | buf[BCAST_AUDIO_OFF_PTS + i];
	return (double)pts / 1e6;
}

/* The server's wire clock minus ours, from the last reply (unverified, as
 * cheap as a simulation must be; on loopback the round trip is ~0). */
static int64_t server_offset_us;
static bool have_offset;

static double
real_s(void)
{
	if (!have_offset)
		return (double)bcast_server_now_us() / 1e6;
	return (double)(bcast_mono_now_us() + server_offset_us) / 1e6;
}

static void
note_reply(const uint8_t *buf)
{
	uint64_t t3 = 0;

	for (int i = 0; i < 8; i++)
		t3 = t3 << 8 | buf[BCAST_REPLY_OFF_T3 + i];
	server_offset_us = (int64_t)t3 - bcast_mono_now_us();
	have_offset = true;
}

static uint8_t (*cookies)[BCAST_COOKIE_LEN];	/* each box's, from the server */

static bool hears_group(const struct box *b, double now);
static struct box *boxes;

static void
hello(int fd, const struct sockaddr_in *srv, const uint8_t *key, uint32_t id,
    uint64_t counter, uint32_t playing)
{
	struct bcast_hello h = { .speaker_id = id, .counter = counter,
	    .t1_us = bcast_mono_now_us() };
	uint8_t hb[BCAST_HELLO_LEN];

	memcpy(h.cookie, cookies[id - 1], BCAST_COOKIE_LEN);
	h.st.playing_ssrc = playing;
	h.st.state = playing ? BCAST_STATE_PLAYING : BCAST_STATE_IDLE;
	if (boxes) {
		boxes[id - 1].said_group = hears_group(&boxes[id - 1], real_s());
		h.st.multicast = boxes[id - 1].said_group;
	}
	bcast_hello_pack(&h, key, hb, sizeof(hb));
	sendto(fd, hb, sizeof(hb), 0, (const struct sockaddr *)srv, sizeof(*srv));
}

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

/* A packet for a box: a new stream is verified once (as the box would)
 * and followed; more of the same one keeps it alive. */
static void
follow(struct box *b, const uint8_t *buf, size_t len, const uint8_t *pk,
    double now)
{
	struct bcast_audio p;

	if (len < BCAST_AUDIO_OFF_SSRC + 4)
		return;
	const uint8_t *s = buf + BCAST_AUDIO_OFF_SSRC;
	uint32_t ssrc = (uint32_t)s[0] << 24 | (uint32_t)s[1] << 16 |
	    (uint32_t)s[2] << 8 | s[3];
	if (ssrc == b->over)
		return;
	if (ssrc == b->ssrc) {
		b->last_rx = now;
		if (b->end_at == 0)
			b->end_at = end_of(buf, len);
		return;
	}
	if (bcast_audio_parse(buf, len, pk, &p) != BCAST_OK)
		return;
	b->ssrc = p.ssrc;
	b->play_at = (double)p.pts_us / 1e6;
	b->last_rx = now;
	b->end_at = end_of(buf, len);
	b->playing = false;
}

static bool
hears_group(const struct box *b, double now)
{
	return b->group >= 0 && b->group_rx > 0 && now - b->group_rx < 1.5;
}

/* An ANNOUNCE for box b: its group, joined if new (checked once per
 * distinct announcement). */
static void
announced(struct box *b, const uint8_t *buf, size_t len, const uint8_t *pk,
    int ep)
{
	struct bcast_announce an;

	for (int g = 0; g < ngroups; g++)
		if (memcmp(groups[g].announce, buf, len) == 0) {
			b->group = g;
			return;
		}
	if (ngroups == SIM_GROUPS || bcast_announce_parse(buf, len, pk, &an) !=
	    BCAST_OK)
		return;
	struct sockaddr_in at = { .sin_family = AF_INET,
	    .sin_port = htons(an.port) };
	struct ip_mreq mr;
	int one = 1, fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	memcpy(&at.sin_addr, an.group, 4);
	mr.imr_multiaddr = at.sin_addr;
	mr.imr_interface.s_addr = htonl(INADDR_ANY);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof(one)) || bind(fd, (struct sockaddr *)&at, sizeof(at)) ||
	    setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr))) {
		fprintf(stderr, "speakers_sim: cannot join the group of zone %s\n",
		    an.zone);
		if (fd >= 0)
			close(fd);
		return;
	}
	struct epoll_event ev = { .events = EPOLLIN,
	    .data.u32 = 0x80000000u | (uint32_t)ngroups };
	epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	memcpy(groups[ngroups].announce, buf, len);
	groups[ngroups].fd = fd;
	b->group = ngroups++;
}

/* A packet on group g: verified once per stream, then it is every one of
 * the group's boxes' packet. */
static void
on_group(int g, const uint8_t *buf, size_t len, const uint8_t *pk, int n,
    double now)
{
	struct bcast_audio p;

	if (len < BCAST_AUDIO_OFF_SSRC + 4)
		return;
	const uint8_t *s = buf + BCAST_AUDIO_OFF_SSRC;
	uint32_t ssrc = (uint32_t)s[0] << 24 | (uint32_t)s[1] << 16 |
	    (uint32_t)s[2] << 8 | s[3];
	if (ssrc != groups[g].ssrc) {
		if (bcast_audio_parse(buf, len, pk, &p) != BCAST_OK)
			return;
		groups[g].ssrc = ssrc;
		groups[g].play_at = (double)p.pts_us / 1e6;
	}
	double end = end_of(buf, len);
	for (int i = 0; i < n; i++) {
		struct box *b = &boxes[i];
		if (b->group != g || b->over == ssrc)
			continue;
		if (b->ssrc != ssrc) {
			b->ssrc = ssrc;
			b->play_at = groups[g].play_at;
			b->end_at = 0;
			b->playing = false;
		}
		if (end > 0)
			b->end_at = end;
		b->last_rx = now;
		b->group_rx = now;
	}
}

int
main(int argc, char **argv)
{
	uint8_t key[32];

	uint8_t pk[BCAST_PK_LEN];
	const char *server = NULL;
	bool multicast = false, bad = false;

	/* Options after the positional arguments. */
	while (argc > 5 && !bad) {
		if (strcmp(argv[argc - 1], "--multicast") == 0) {
			multicast = true;
			argc--;
		} else if (strcmp(argv[argc - 2], "--server") == 0) {
			server = argv[argc - 1];
			argc -= 2;
		} else {
			break;
		}
	}
	bool confirm = argc == 6;
	struct in_addr server_addr;
	if (server && inet_pton(AF_INET, server, &server_addr) != 1)
		bad = true;
	if (bad || (argc != 5 && argc != 6) || bcast_hex_decode(argv[3], key,
	    sizeof(key)) != 0 || (confirm && bcast_hex_decode(argv[5], pk,
	    sizeof(pk)) != 0)) {
		fprintf(stderr, "usage: speakers_sim PORT N KEYHEX SECONDS "
		    "[SERVER_PUBKEY_HEX] [--server ADDRESS] [--multicast]\n");
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
	if (server)
		srv.sin_addr = server_addr;
	int *fds = calloc((size_t)n, sizeof(int));
	long *got = calloc((size_t)n, sizeof(long));
	struct box *bx = calloc((size_t)n, sizeof(*bx));
	for (int i = 0; i < n; i++)
		bx[i].group = -1;
	boxes = bx;
	cookies = calloc((size_t)n, sizeof(*cookies));
	int ep = epoll_create1(0);
	for (int i = 0; i < n; i++) {
		struct sockaddr_in a = { .sin_family = AF_INET };
		if (server == NULL)
			inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
		else
			a.sin_addr.s_addr = htonl(INADDR_ANY);
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
				hello(fds[i], &srv, key, (uint32_t)i + 1, counter,
				    confirm ? (bx[i].playing ? bx[i].ssrc : 0) :
				    got[i] ? 1 : 0);
				if (i % 200 == 199)
					usleep(500);	/* stay inside the server's buffer */
			}
			next_hello += 2.0;
		}
		int k = epoll_wait(ep, ev, 512, confirm ? 5 : 50);
		double now = real_s();
		for (int i = 0; i < k; i++) {
			ssize_t m;
			int k2;
			if (ev[i].data.u32 & 0x80000000u) {
				int g = (int)(ev[i].data.u32 & 0xFFFF);
				while ((m = recv(groups[g].fd, buf, sizeof(buf), 0)) > 0)
					if (confirm && m >= 12 && (buf[0] & 0xC0) == 0x80) {
						total++;
						on_group(g, buf, (size_t)m, pk, n, now);
					}
				continue;
			}
			int idx = (int)ev[i].data.u32;
			while ((m = recv(fds[idx], buf, sizeof(buf), 0)) > 0) {
				if (m >= 12 && (buf[0] & 0xC0) == 0x80) {	/* RTP */
					got[idx]++;
					total++;
					if (confirm)
						follow(&bx[idx], buf, (size_t)m, pk, now);
				} else if (multicast && confirm &&
				    bcast_announce_peek(buf, (size_t)m) == 0) {
					announced(&bx[idx], buf, (size_t)m, pk, ep);
				} else if ((k2 = bcast_ctl_cookie(buf, (size_t)m,
				    (uint32_t)idx + 1, cookies[idx])) == 1) {
					note_reply(buf);
				} else if (k2 == 2) {
					/* Not taken (the first, or after a
					 * restart): at once with the cookie. */
					hello(fds[idx], &srv, key, (uint32_t)idx + 1,
					    ++counter, confirm ? (bx[idx].playing ?
					    bx[idx].ssrc : 0) : got[idx] ? 1 : 0);
				}
			}
		}
		/* Start and stop as a box would, and say so at once. */
		for (int i = 0; confirm && i < n; i++) {
			struct box *b = &bx[i];
			bool was = b->playing;
			bool ended = b->end_at > 0 && now >= b->end_at;
			if (b->ssrc && !b->playing && !ended && now >= b->play_at)
				b->playing = true;
			else if (b->ssrc && (ended || now - b->last_rx >
			    STREAM_IDLE_S)) {
				b->playing = false;
				if (ended)
					b->over = b->ssrc;
				b->ssrc = 0;
				b->end_at = 0;
			}
			if (b->playing != was || hears_group(b, now) != b->said_group)
				hello(fds[i], &srv, key, (uint32_t)i + 1, ++counter,
				    b->playing ? b->ssrc : 0);
		}
	}
	int heard = 0;
	for (int i = 0; i < n; i++)
		heard += got[i] > 0;
	printf("received %ld speakers_heard %d\n", total, heard);
	return 0;
}
