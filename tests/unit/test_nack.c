/*
 * test_nack.c — the speaker's rules for asking again (speakers/nack.c),
 * with a fake clock: a missing packet is asked for only while a resend can
 * come before its frame's turn, at most three times, one try at a time,
 * and the NACK built from the asks lists exactly them (base + bitmap).
 */
#include <string.h>

#include <sodium.h>

#include "speakers/nack.h"
#include "tests/unit/harness.h"

static void
test_when(void)
{
	struct nack_miss m = { 0 };
	const int64_t ms = 1000, rtt_min = 20 * ms, rtt_max = 80 * ms;
	int64_t now = 1000 * ms, due = now + 600 * ms;	/* a programme */
	int asks = 0;

	CHECK(nack_should_ask(&m, 7, now, due, rtt_min, rtt_max) == 1 &&
	    m.tries == 1, "a missing packet with 600 ms to go is asked for");
	CHECK(nack_should_ask(&m, 7, now + 50 * ms, due, rtt_min, rtt_max) == 0,
	    "not again while the last try can still be answered");
	CHECK(nack_should_ask(&m, 7, now + 101 * ms, due, rtt_min, rtt_max) == 1,
	    "again once the slowest round trip and the margin have passed");
	/* Every 10 ms until its turn: 3 asks in all, never a fourth. */
	asks = 2;
	for (int64_t t = now + 110 * ms; t < due; t += 10 * ms)
		asks += nack_should_ask(&m, 7, t, due, rtt_min, rtt_max);
	CHECK(asks == NACK_TRIES && m.tries == NACK_TRIES, "at most %d asks per "
	    "packet (%d)", NACK_TRIES, asks);

	/* The same slot about another packet (a lap of the ring later)
	 * starts afresh. */
	CHECK(nack_should_ask(&m, 7 + 192, now, due, rtt_min, rtt_max) == 1 &&
	    m.tries == 1, "another packet in the slot starts afresh");

	/* Too late: its turn comes before a resend could, even at the
	 * fastest round trip seen. */
	struct nack_miss l = { 0 };
	CHECK(nack_should_ask(&l, 9, now, now + 15 * ms, rtt_min, rtt_max) == 0 &&
	    nack_should_ask(&l, 9, now, now + 20 * ms, rtt_min, rtt_max) == 0,
	    "a packet due sooner than the fastest round trip is not asked for");
	CHECK(nack_should_ask(&l, 9, now, now + 21 * ms, rtt_min, rtt_max) == 1,
	    "one due just after it is");
	/* An emergency page's 200 ms: asked for while it can come, given up
	 * after. */
	struct nack_miss e = { 0 };
	int64_t edue = now + 120 * ms;
	asks = 0;
	for (int64_t t = now; t < edue + 50 * ms; t += 5 * ms)
		asks += nack_should_ask(&e, 11, t, edue, rtt_min, rtt_max);
	CHECK(asks == 1, "with 120 ms to its turn and an 80 ms slowest round "
	    "trip there is time for one ask only (%d)", asks);
	CHECK(nack_should_ask(&e, 11, edue - 19 * ms, edue, rtt_min, rtt_max) == 0,
	    "and none in its last round trip");
}

static void
test_build(void)
{
	struct bcast_nack n, g;
	uint8_t key[32], buf[BCAST_NACK_LEN];
	int have = 0;
	const uint64_t want[] = { 1000, 1001, 1005, 1032 };

	memset(&n, 0, sizeof(n));
	randombytes_buf(key, sizeof(key));
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		CHECK(!have || nack_fits(&n, want[i]), "%llu fits",
		    (unsigned long long)want[i]);
		nack_add(&n, &have, want[i]);
	}
	CHECK(!nack_fits(&n, 1033) && !nack_fits(&n, 999) && nack_fits(&n, 1032),
	    "a NACK spans its base and the 32 after it");
	CHECK(n.base == 1000 && n.bitmap == (1u | 1u << 4 | 1u << 31),
	    "base %llu, bitmap %08x", (unsigned long long)n.base, n.bitmap);
	bcast_nack_pack(&n, key, buf, sizeof(buf));
	CHECK(bcast_nack_parse(buf, sizeof(buf), key, &g) == BCAST_OK &&
	    g.base == 1000 && g.bitmap == n.bitmap, "and goes on the wire as built");
	int listed = 0;
	for (int i = 0; i < BCAST_NACK_SPAN; i++)
		if (i == 0 || (g.bitmap & (1u << (i - 1))))
			listed += g.base + (uint64_t)i == want[listed] ? 1 : 100;
	CHECK(listed == 4, "it lists exactly the packets asked for");
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	test_when();
	test_build();
	return t_done();
}
