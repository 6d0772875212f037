/*
 * test_hello.c — HELLOs are taken by cookie (broadcaster/README.md): the
 * same HELLO sent again is not taken, from the box's address or from a
 * spoofed one (whose victim gets fewer bytes than were sent, at most 4
 * challenges a second); a box moves only to an address that answered its
 * challenge; no counter, far ahead or far behind, locks a box out.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "broadcaster/broadcaster.h"
#include "tests/unit/harness.h"

static uint8_t key[32], cookie[BCAST_COOKIE_LEN];
static int fd0;
static struct sockaddr_in srv;

/* What one socket got for up to ms: packets, bytes, replies, challenges. */
static void
got_on(int fd, int ms, int *pkts, int *bytes, int *replies, int *challenges,
    uint8_t *ck)
{
	uint8_t buf[2048];

	*pkts = *bytes = *replies = *challenges = 0;
	for (int waited = 0; waited < ms; waited += 10) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, 10) <= 0)
			continue;
		ssize_t n;
		while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
			(*pkts)++;
			*bytes += (int)n;
			int k = bcast_ctl_cookie(buf, (size_t)n, 1, ck);
			*replies += k == 1;
			*challenges += k == 2;
		}
	}
}

static const char *
addr_of(struct bcast_server *s, int i, struct bcast_speaker_info *info)
{
	memset(&info[i], 0, sizeof(info[i]));
	bcast_registry_get(s, (uint32_t)i + 1, &info[i]);
	return info[i].addr;
}

/* Speaker 1 says HELLO from fd with counter, echoing cookie. */
static void
hello(int fd, uint64_t counter)
{
	struct bcast_hello h = { .speaker_id = 1, .counter = counter };
	uint8_t buf[BCAST_HELLO_LEN];

	memcpy(h.cookie, cookie, BCAST_COOKIE_LEN);
	bcast_hello_pack(&h, key, buf, sizeof(buf));
	sendto(fd, buf, sizeof(buf), 0, (struct sockaddr *)&srv, sizeof(srv));
}

/* As a box joins: a challenge first, then the HELLO with its cookie. */
static int
join(uint64_t counter)
{
	int pkts, bytes, replies, challenges;

	hello(fd0, counter);
	got_on(fd0, 150, &pkts, &bytes, &replies, &challenges, cookie);
	hello(fd0, counter + 1);
	got_on(fd0, 150, &pkts, &bytes, &replies, &challenges, cookie);
	return replies;
}

/* HELLOs seen and sent again: not taken, from the box's address or any
 * other; a box moves only to an address that proved it receives; no
 * counter locks a box out, nor needs the box's clock. */
static void
replay_checks(struct bcast_server *s, struct bcast_speaker_info *info)
{
	struct bcast_hello h = { .speaker_id = 1, .counter = 20 };
	uint8_t seen[BCAST_HELLO_LEN], ck[BCAST_COOKIE_LEN];
	int pkts, bytes, replies, challenges;
	char home[64];
	struct sockaddr_in a = { .sin_family = AF_INET };
	int x = socket(AF_INET, SOCK_DGRAM, 0);

	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	bind(x, (struct sockaddr *)&a, sizeof(a));
	memcpy(h.cookie, cookie, BCAST_COOKIE_LEN);
	bcast_hello_pack(&h, key, seen, sizeof(seen));
	sendto(fd0, seen, sizeof(seen), 0, (struct sockaddr *)&srv,
	    sizeof(srv));
	got_on(fd0, 150, &pkts, &bytes, &replies, &challenges, cookie);
	CHECK(replies == 1, "a HELLO with the cookie is taken");
	snprintf(home, sizeof(home), "%s", addr_of(s, 0, info));
	CHECK(home[0] != 0, "its address is known (%s)", home);

	/* The same bytes again, from the box's address: a challenge only. */
	sendto(fd0, seen, sizeof(seen), 0, (struct sockaddr *)&srv,
	    sizeof(srv));
	got_on(fd0, 150, &pkts, &bytes, &replies, &challenges, cookie);
	CHECK(replies == 0 && challenges == 1, "the same HELLO again is not "
	    "taken (%d replies, %d challenges)", replies, challenges);

	/* From elsewhere (a spoofed source: the victim is x): 10 copies get
	 * fewer bytes back than they are, and the box stays where it is. */
	for (int k = 0; k < 10; k++)
		sendto(x, seen, sizeof(seen), 0, (struct sockaddr *)&srv,
		    sizeof(srv));
	got_on(x, 150, &pkts, &bytes, &replies, &challenges, ck);
	CHECK(replies == 0 && bytes <= 10 * (int)sizeof(seen) / 2,
	    "a HELLO replayed from elsewhere gets no reply, %d bytes for %d "
	    "(ratio %.2f)", bytes, 10 * (int)sizeof(seen),
	    bytes / (10.0 * sizeof(seen)));
	CHECK(challenges <= 4, "at most 4 challenges a second to one box's "
	    "name (%d)", challenges);
	CHECK(strcmp(addr_of(s, 0, info), home) == 0, "the box's address is "
	    "unchanged (%s)", info[0].addr);

	/* A counter far ahead (a stolen key's 2^63) is taken once the
	 * cookie is right, and a counter far behind after it too: a box
	 * that boots into 1970 is not locked out. */
	hello(fd0, (uint64_t)1 << 63);
	got_on(fd0, 150, &pkts, &bytes, &replies, &challenges, cookie);
	CHECK(replies == 1, "a HELLO with counter 2^63 is taken");
	hello(fd0, 5);
	got_on(fd0, 150, &pkts, &bytes, &replies, &challenges, cookie);
	CHECK(replies == 1, "after counter 2^63, counter 5 is taken too");

	/* A box that moves (NAT rebinding) proves its new address first.
	 * (In a new second: the replays above used up this one's
	 * challenges to the box's name.) */
	usleep(1100000);
	struct bcast_hello m = { .speaker_id = 1, .counter = 6 };
	uint8_t mb[BCAST_HELLO_LEN], buf[256];
	memcpy(m.cookie, cookie, BCAST_COOKIE_LEN);
	bcast_hello_pack(&m, key, mb, sizeof(mb));
	sendto(x, mb, sizeof(mb), 0, (struct sockaddr *)&srv, sizeof(srv));
	struct pollfd p = { .fd = x, .events = POLLIN };
	ssize_t n = poll(&p, 1, 200) > 0 ? recv(x, buf, sizeof(buf), 0) : -1;
	int k = n > 0 ? bcast_ctl_cookie(buf, (size_t)n, 1, ck) : 0;
	CHECK(k == 2 && strcmp(addr_of(s, 0, info), home) == 0,
	    "a HELLO from a new address is challenged, the box not moved");
	m.counter = 7;
	memcpy(m.cookie, ck, BCAST_COOKIE_LEN);
	bcast_hello_pack(&m, key, mb, sizeof(mb));
	sendto(x, mb, sizeof(mb), 0, (struct sockaddr *)&srv, sizeof(srv));
	got_on(x, 150, &pkts, &bytes, &replies, &challenges, cookie);
	CHECK(replies == 1 && strcmp(addr_of(s, 0, info), home) != 0,
	    "with the new address's cookie it moves (%s)", info[0].addr);
	close(x);
	join(8);
	CHECK(strcmp(addr_of(s, 0, info), home) == 0, "and back (%s)",
	    info[0].addr);
}


int
main(void)
{
	uint8_t pk[BCAST_PK_LEN], sk[BCAST_SK_LEN];
	char err[256];
	struct bcast_speaker_info info[1];

	if (sodium_init() < 0)
		return 1;
	crypto_sign_keypair(pk, sk);
	randombytes_buf(key, sizeof(key));
	struct bcast_config cfg = { .bind_addr = "127.0.0.1", .port = -1,
	    .sk = sk, .offline_after_ms = 600000 };
	struct bcast_server *s = bcast_server_new(&cfg, err, sizeof(err));
	CHECK(s != NULL, "the server starts: %s", s ? "ok" : err);
	if (s == NULL)
		return t_done();
	srv.sin_family = AF_INET;
	srv.sin_port = htons((uint16_t)bcast_server_port(s));
	inet_pton(AF_INET, "127.0.0.1", &srv.sin_addr);
	struct sockaddr_in a = { .sin_family = AF_INET };
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	fd0 = socket(AF_INET, SOCK_DGRAM, 0);
	bind(fd0, (struct sockaddr *)&a, sizeof(a));
	bcast_registry_add(s, 1, "110101001001", key, err, sizeof(err));
	CHECK(join(1) == 1, "a box joins: challenged, then taken");
	replay_checks(s, info);
	bcast_server_free(s);
	close(fd0);
	return t_done();
}
