/*
 * test_wire.c — the wire protocol: packets round-trip, a standard RTP
 * reader finds the Opus payload, and no mutation, truncation, wrong key or
 * forged signature is ever accepted.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "broadcaster/broadcaster.h"
#include "tests/unit/harness.h"

static uint8_t pk[BCAST_PK_LEN], sk[BCAST_SK_LEN];
static uint8_t pk2[BCAST_PK_LEN], sk2[BCAST_SK_LEN];

static void
test_zones(void)
{
	struct bcast_zone county, town, village, other, all;
	char buf[13];

	CHECK(bcast_zone_parse("110101", &county) == 0 && county.digits == 6,
	    "county code parses");
	CHECK(bcast_zone_parse("110101001", &town) == 0 && town.digits == 9,
	    "township code parses");
	CHECK(bcast_zone_parse("110101001001", &village) == 0, "village code parses");
	CHECK(bcast_zone_parse("110101002001", &other) == 0, "other village parses");
	CHECK(bcast_zone_parse("*", &all) == 0 && all.digits == 0, "* is everywhere");
	CHECK(bcast_zone_parse("1101", &other) == -1 &&
	    bcast_zone_parse("11010100100a", &other) == -1 &&
	    bcast_zone_parse("1101010010011", &other) == -1, "bad codes refused");
	bcast_zone_parse("110101002001", &other);
	CHECK(bcast_zone_covers(&county, &village) && bcast_zone_covers(&town,
	    &village) && bcast_zone_covers(&village, &village) &&
	    bcast_zone_covers(&all, &village), "prefixes cover the village");
	CHECK(!bcast_zone_covers(&town, &other) && !bcast_zone_covers(&village,
	    &other) && !bcast_zone_covers(&village, &town),
	    "other township, other village, and wider zones are not covered");
	bcast_zone_format(&village, buf);
	CHECK(strcmp(buf, "110101001001") == 0, "format round-trips");
	struct bcast_zone lead0;
	bcast_zone_parse("010101", &lead0);
	bcast_zone_format(&lead0, buf);
	CHECK(strcmp(buf, "010101") == 0, "leading zeros survive");
}

static int
make_packet(uint8_t *buf, const uint8_t *key, const char *zone, int64_t pts)
{
	static const uint8_t opus[120] = { 0x0b, 1, 2, 3, 4, 5 };
	struct bcast_audio a = { 0 };

	a.ssrc = 0xdeadbeef;
	a.seq = 0x123456789aULL;
	a.timestamp = 2880 * 7;
	a.pts_us = pts;
	bcast_zone_parse(zone, &a.zone);
	a.priority = BCAST_PRIO_COUNTY;
	a.flags = BCAST_FLAG_START;
	a.volume = 70;
	a.marker = true;
	a.opus = opus;
	a.opus_len = sizeof(opus);
	return bcast_audio_pack(&a, key, buf, BCAST_MAX_PACKET);
}

static void
test_audio(void)
{
	uint8_t buf[BCAST_MAX_PACKET], m[BCAST_MAX_PACKET];
	struct bcast_audio a;
	int len = make_packet(buf, sk, "110101001", 1700000000123456LL);

	CHECK(len == BCAST_HDR_LEN + 120 + BCAST_TRAILER_LEN, "packet is %d bytes",
	    len);
	CHECK(bcast_audio_parse(buf, (size_t)len, pk, &a) == BCAST_OK,
	    "a signed packet verifies");
	char z[13];
	bcast_zone_format(&a.zone, z);
	CHECK(a.ssrc == 0xdeadbeef && a.seq == 0x123456789aULL &&
	    a.timestamp == 2880 * 7 && a.pts_us == 1700000000123456LL &&
	    strcmp(z, "110101001") == 0 && a.priority == BCAST_PRIO_COUNTY &&
	    a.flags == BCAST_FLAG_START && a.volume == 70 && a.marker &&
	    a.opus_len == 120 && a.opus[0] == 0x0b, "every field round-trips");

	/* The priority byte keeps its numbering: 3 is
	 * still a page; a cut-in goes as county with its flag. */
	uint8_t pb[BCAST_MAX_PACKET];
	struct bcast_audio u = a, back;
	static const uint8_t in[3] = { BCAST_PRIO_URGENT, BCAST_PRIO_EMERGENCY,
	    BCAST_PRIO_VILLAGE };
	static const uint8_t byte[3] = { 2, 3, 0 };
	for (int i = 0; i < 3; i++) {
		u.priority = in[i];
		u.flags = BCAST_FLAG_START;
		int pl = bcast_audio_pack(&u, sk, pb, sizeof(pb));
		CHECK(pl > 0 && pb[BCAST_AUDIO_OFF_PRIO] == byte[i] &&
		    !!(pb[BCAST_AUDIO_OFF_FLAGS] & BCAST_FLAG_URGENT) == (i == 0) &&
		    bcast_audio_parse(pb, (size_t)pl, pk, &back) == BCAST_OK &&
		    back.priority == in[i], "class %d goes as byte %d (urgent flag "
		    "%d) and reads back", in[i], pb[BCAST_AUDIO_OFF_PRIO],
		    pb[BCAST_AUDIO_OFF_FLAGS] & BCAST_FLAG_URGENT);
	}
	/* A plain RTP receiver (RFC 3550 5.1): skip 12 + CSRCs, then the
	 * extension by its length field; the padding's last byte says how
	 * much to cut off the end; the rest is the Opus payload. */
	size_t off = 12 + 4 * (buf[0] & 0x0f);
	CHECK((buf[0] >> 6) == 2 && (buf[0] & 0x10) && (buf[0] & 0x20) &&
	    (buf[1] & 0x7f) == 96, "RTP version 2, extension and padding bits, "
	    "PT 96");
	off += 4 + 4 * (size_t)(buf[off + 2] << 8 | buf[off + 3]);
	size_t payload = (size_t)len - off - buf[len - 1];
	CHECK(off == BCAST_HDR_LEN && buf[off] == 0x0b && payload == 120,
	    "a standard RTP reader finds the %zu-byte Opus payload at %zu",
	    payload, off);

	/* The ticket: this box's key passes, another's does not, and it
	 * changes with any byte of the header it covers. */
	uint8_t bk[BCAST_SPEAKER_KEY_LEN] = { 1 }, bk2[BCAST_SPEAKER_KEY_LEN] = { 2 };
	uint8_t tk[BCAST_TICKET_KEY_LEN], tk2[BCAST_TICKET_KEY_LEN];
	bcast_ticket_key(bk, tk);
	bcast_ticket_key(bk2, tk2);
	CHECK(!bcast_ticket_check(tk, buf, (size_t)len),
	    "a packet as packed carries no box's ticket");
	bcast_ticket_set(tk, buf, (size_t)len);
	CHECK(bcast_ticket_check(tk, buf, (size_t)len) &&
	    !bcast_ticket_check(tk2, buf, (size_t)len) &&
	    bcast_audio_parse(buf, (size_t)len, pk, &a) == BCAST_OK,
	    "its box's ticket passes, another box's does not, the signature "
	    "still verifies");

	int mut_ok = 0, mut_fmt = 0, mut_sig = 0, tick_ok = 0, ntick = 0;
	for (int i = 0; i < len; i++) {
		for (int bit = 0; bit < 8; bit++) {
			memcpy(m, buf, (size_t)len);
			m[i] ^= (uint8_t)(1 << bit);
			enum bcast_verdict v = bcast_audio_parse(m, (size_t)len, pk, &a);
			if (i >= len - BCAST_TRAILER_LEN && i < len - 1) {
				/* the ticket is not signed: its own check */
				tick_ok += bcast_ticket_check(tk, m, (size_t)len);
				ntick++;
				continue;
			}
			if (v == BCAST_BAD_SIGNATURE)	/* any byte it covers */
				tick_ok += bcast_ticket_check(tk, m, (size_t)len);
			mut_ok += v == BCAST_OK;
			mut_fmt += v == BCAST_BAD_FORMAT;
			mut_sig += v == BCAST_BAD_SIGNATURE;
		}
	}
	CHECK(mut_ok == 0, "none of %d single-bit mutations is accepted "
	    "(%d bad format, %d bad signature)", len * 8 - ntick, mut_fmt, mut_sig);
	CHECK(ntick == 8 * BCAST_TICKET_LEN && tick_ok == 0, "no packet with a "
	    "byte changed anywhere (header, signature, payload, ticket) passes "
	    "the ticket check (%d passed)", tick_ok);
	int trunc_ok = 0;
	for (int l = 0; l < len; l++)
		trunc_ok += bcast_audio_parse(buf, (size_t)l, pk, &a) == BCAST_OK;
	memcpy(m, buf, (size_t)len);
	m[len] = 0;
	trunc_ok += bcast_audio_parse(m, (size_t)len + 1, pk, &a) == BCAST_OK;
	CHECK(trunc_ok == 0, "no truncated or extended packet is accepted");
	CHECK(bcast_audio_parse(buf, (size_t)len, pk2, &a) == BCAST_BAD_SIGNATURE,
	    "another server's key does not verify it");
	len = make_packet(m, sk2, "110101001", 1);
	CHECK(bcast_audio_parse(m, (size_t)len, pk, &a) == BCAST_BAD_SIGNATURE,
	    "a packet signed by another key is refused");
	memcpy(m, buf, BCAST_MAX_PACKET);
	memset(m + BCAST_AUDIO_OFF_SIG, 0, BCAST_SIG_LEN);
	CHECK(bcast_audio_parse(m, (size_t)make_packet(buf, sk, "110101", 1) ,
	    pk, &a) != BCAST_OK, "an unsigned (zero signature) packet is refused");
	CHECK(bcast_audio_parse(buf, BCAST_MAX_PACKET + 1, pk, &a) ==
	    BCAST_BAD_FORMAT, "oversized length refused before reading");

	/* Wire budget: IPv4 + UDP + our header + a 13 kb/s 60 ms frame. */
	double kbps = (20 + 8 + BCAST_HDR_LEN + BCAST_TRAILER_LEN +
	    BCAST_OPUS_BITRATE / 8.0 *
	    BCAST_FRAME_MS / 1000) * 8 * (1000.0 / BCAST_FRAME_MS) / 1000;
	CHECK(kbps <= 32.0, "nominal wire rate %.1f kb/s is within 32", kbps);
}

static void
test_control(void)
{
	uint8_t key[32], bad[32], buf[256];
	struct bcast_hello h = { .speaker_id = 1001, .counter = 42, .t1_us = 7 },
	    g;
	struct bcast_reply r = { .speaker_id = 1001, .counter = 42, .t1_us = 7,
	    .t2_us = 100, .t3_us = 101 }, q;
	uint32_t id;

	randombytes_buf(key, sizeof(key));
	randombytes_buf(bad, sizeof(bad));
	h.st.state = BCAST_STATE_PLAYING;
	h.st.received = 1234;
	h.st.clock_offset_ms = -5;
	int len = bcast_hello_pack(&h, key, buf, sizeof(buf));
	CHECK(len == BCAST_HELLO_LEN, "HELLO is %d bytes", len);
	CHECK(bcast_hello_peek_id(buf, (size_t)len, &id) == 0 && id == 1001,
	    "the speaker id can be read to find its key");
	CHECK(bcast_hello_parse(buf, (size_t)len, key, &g) == BCAST_OK &&
	    g.counter == 42 && g.t1_us == 7 && g.st.received == 1234 &&
	    g.st.clock_offset_ms == -5 && g.st.state == BCAST_STATE_PLAYING,
	    "HELLO round-trips");
	CHECK(bcast_hello_parse(buf, (size_t)len, bad, &g) == BCAST_BAD_SIGNATURE,
	    "HELLO with another speaker's key is refused");
	int bad_hello = 0;
	for (int i = 0; i < len; i++) {
		buf[i] ^= 0x40;
		bad_hello += bcast_hello_parse(buf, (size_t)len, key, &g) == BCAST_OK;
		buf[i] ^= 0x40;
	}
	CHECK(bad_hello == 0, "no mutated HELLO is accepted");
	CHECK(bcast_hello_parse(buf, (size_t)len - 1, key, &g) == BCAST_BAD_FORMAT,
	    "truncated HELLO refused");

	uint8_t tk[BCAST_TICKET_KEY_LEN], tk2[BCAST_TICKET_KEY_LEN];
	bcast_ticket_key(key, tk);
	bcast_ticket_key(bad, tk2);
	len = bcast_reply_pack(&r, sk, tk, buf, sizeof(buf));
	CHECK(len == BCAST_REPLY_LEN && bcast_reply_parse(buf, (size_t)len, pk,
	    tk, &q) == BCAST_OK && q.t2_us == 100 && q.t3_us == 101 &&
	    q.counter == 42, "reply round-trips");
	CHECK(bcast_reply_parse(buf, (size_t)len, pk, tk2, &q) == BCAST_BAD_TICKET,
	    "a reply with another box's ticket is refused before its signature");
	buf[20] ^= 1;
	CHECK(bcast_reply_parse(buf, (size_t)len, pk, tk, &q) == BCAST_BAD_TICKET &&
	    bcast_reply_parse(buf, (size_t)len, pk, NULL, &q) == BCAST_BAD_SIGNATURE,
	    "a tampered reply (forged clock) is refused: ticket and signature");
	buf[20] ^= 1;
	CHECK(bcast_reply_parse(buf, (size_t)len, pk2, tk, &q) != BCAST_OK,
	    "a reply checked with another key is refused");

	/* The box's own volume rides in its reply, signed. */
	r.volume = 35;
	len = bcast_reply_pack(&r, sk, tk, buf, sizeof(buf));
	CHECK(bcast_reply_parse(buf, (size_t)len, pk, tk, &q) == BCAST_OK &&
	    q.volume == 35, "a reply carries the box's volume (%u)", q.volume);
	buf[BCAST_REPLY_OFF_VOLUME] = 100;
	CHECK(bcast_reply_parse(buf, (size_t)len, pk, NULL, &q) ==
	    BCAST_BAD_SIGNATURE, "a volume changed on the way is refused");
	r.volume = 200;
	len = bcast_reply_pack(&r, sk, tk, buf, sizeof(buf));
	CHECK(bcast_reply_parse(buf, (size_t)len, pk, tk, &q) == BCAST_OK &&
	    q.volume == BCAST_VOLUME_DEFAULT, "a volume past 100 reads as the "
	    "box's own, never louder");
}

static void
test_nack(void)
{
	uint8_t key[32], bad[32], buf[256], hello[BCAST_HELLO_LEN];
	struct bcast_nack n = { .speaker_id = 1001, .counter = 43,
	    .ssrc = 0xdeadbeef, .base = (UINT64_C(1) << 40) + 5,
	    .bitmap = 0x80000005 }, g;
	struct bcast_hello h = { .speaker_id = 1001, .counter = 44 };
	uint32_t id;

	randombytes_buf(key, sizeof(key));
	randombytes_buf(bad, sizeof(bad));
	int len = bcast_nack_pack(&n, key, buf, sizeof(buf));
	CHECK(len == BCAST_NACK_LEN && len == 64, "NACK is %d bytes", len);
	CHECK(bcast_nack_pack(&n, key, buf, BCAST_NACK_LEN - 1) == -1,
	    "a NACK does not fit a smaller buffer");
	CHECK(bcast_nack_peek_id(buf, (size_t)len, &id) == 0 && id == 1001,
	    "the speaker id of a NACK can be read to find its key");
	memset(&g, 0, sizeof(g));
	CHECK(bcast_nack_parse(buf, (size_t)len, key, &g) == BCAST_OK &&
	    g.speaker_id == 1001 && g.counter == 43 && g.ssrc == 0xdeadbeef &&
	    g.base == n.base && g.bitmap == 0x80000005, "NACK round-trips");
	CHECK(buf[BCAST_NACK_OFF_SSRC] == 0xde &&
	    buf[BCAST_NACK_OFF_BITMAP + 3] == 0x05 &&
	    buf[BCAST_NACK_OFF_BASE + 2] == 0x01, "at the named offsets, big-endian");
	CHECK(bcast_nack_parse(buf, (size_t)len, bad, &g) == BCAST_BAD_SIGNATURE,
	    "a NACK with another speaker's key is refused");
	int bad_nack = 0;
	for (int i = 0; i < len; i++) {
		for (int b = 0; b < 8; b++) {
			buf[i] ^= (uint8_t)(1 << b);
			bad_nack += bcast_nack_parse(buf, (size_t)len, key, &g) ==
			    BCAST_OK;
			buf[i] ^= (uint8_t)(1 << b);
		}
	}
	CHECK(bad_nack == 0, "no NACK with any one bit flipped is accepted");
	CHECK(bcast_nack_parse(buf, (size_t)len - 1, key, &g) == BCAST_BAD_FORMAT &&
	    bcast_nack_peek_id(buf, (size_t)len + 1, &id) == -1,
	    "a NACK of another length is refused");
	/* A HELLO's MAC is no NACK's, and the other way round. */
	bcast_hello_pack(&h, key, hello, sizeof(hello));
	CHECK(bcast_nack_parse(hello, BCAST_NACK_LEN, key, &g) != BCAST_OK &&
	    bcast_nack_peek_id(hello, sizeof(hello), &id) == -1 &&
	    bcast_hello_peek_id(buf, (size_t)len, &id) == -1,
	    "HELLO and NACK are not taken for each other");
	n.base = (UINT64_C(1) << 48) - 1;
	len = bcast_nack_pack(&n, key, buf, sizeof(buf));
	CHECK(bcast_nack_parse(buf, (size_t)len, key, &g) == BCAST_BAD_FORMAT,
	    "a NACK past the 48-bit sequence space is refused");
}

/* Store and forward's two messages (carry_wire.c). */
static void
test_carry(void)
{
	uint8_t key[BCAST_SPEAKER_KEY_LEN], other[BCAST_SPEAKER_KEY_LEN];
	uint8_t tkey[BCAST_TICKET_KEY_LEN], tkey2[BCAST_TICKET_KEY_LEN];
	uint8_t buf[BCAST_REVOKE_LEN + BCAST_CREPORT_LEN], h[crypto_shorthash_BYTES];
	struct bcast_carry_report r = { .speaker_id = 7, .counter = 99,
	    .ssrc = 0xabcdef01, .kind = BCAST_CARRY_AIRED, .held = 213,
	    .aired_pts = 1796216220300000LL, .played = 213 }, got;
	uint32_t id, ssrc;
	int reason;

	randombytes_buf(key, sizeof(key));
	randombytes_buf(other, sizeof(other));
	bcast_ticket_key(key, tkey);
	bcast_ticket_key(other, tkey2);
	CHECK(bcast_creport_pack(&r, key, buf, sizeof(buf)) == BCAST_CREPORT_LEN,
	    "a carry report packs");
	CHECK(bcast_creport_peek_id(buf, BCAST_CREPORT_LEN, &id) == 0 && id == 7,
	    "its speaker id is read before its MAC");
	CHECK(bcast_creport_parse(buf, BCAST_CREPORT_LEN, key, &got) == BCAST_OK &&
	    got.ssrc == r.ssrc && got.kind == r.kind && got.held == 213 &&
	    got.aired_pts == r.aired_pts && got.played == 213 &&
	    got.counter == 99, "and parses back to what was packed");
	CHECK(bcast_creport_parse(buf, BCAST_CREPORT_LEN, other, &got) ==
	    BCAST_BAD_SIGNATURE, "another box's key does not verify it");
	buf[20] = BCAST_CARRY_HELD;
	CHECK(bcast_creport_parse(buf, BCAST_CREPORT_LEN, key, &got) ==
	    BCAST_BAD_SIGNATURE, "a kind changed on the way is refused");
	CHECK(bcast_creport_parse(buf, BCAST_CREPORT_LEN - 1, key, &got) ==
	    BCAST_BAD_FORMAT && bcast_creport_peek_id(buf, 10, &id) == -1,
	    "a short one is not a report");
	r.kind = 9;
	bcast_creport_pack(&r, key, buf, sizeof(buf));
	CHECK(bcast_creport_parse(buf, BCAST_CREPORT_LEN, key, &got) ==
	    BCAST_BAD_FORMAT, "an unknown kind is refused, MAC or not");

	bcast_revoke_sign(0x01020304, BCAST_REVOKE_CANCELLED, sk, buf);
	crypto_shorthash(h, buf, BCAST_REVOKE_SIGNED + BCAST_SIG_LEN, tkey);
	memcpy(buf + BCAST_REVOKE_SIGNED + BCAST_SIG_LEN, h, BCAST_TICKET_LEN);
	CHECK(bcast_revoke_parse(buf, BCAST_REVOKE_LEN, pk, tkey, &ssrc,
	    &reason) == BCAST_OK && ssrc == 0x01020304 &&
	    reason == BCAST_REVOKE_CANCELLED, "a revoke with its box's ticket "
	    "verifies");
	CHECK(bcast_revoke_parse(buf, BCAST_REVOKE_LEN, pk, tkey2, &ssrc,
	    &reason) == BCAST_BAD_TICKET, "another box's ticket is refused "
	    "before the signature");
	CHECK(bcast_revoke_parse(buf, BCAST_REVOKE_LEN, pk2, NULL, &ssrc,
	    &reason) == BCAST_BAD_SIGNATURE, "another server's key does not "
	    "verify it");
	buf[7] ^= 1;	/* another item, the ticket made again to fit */
	crypto_shorthash(h, buf, BCAST_REVOKE_SIGNED + BCAST_SIG_LEN, tkey);
	memcpy(buf + BCAST_REVOKE_SIGNED + BCAST_SIG_LEN, h, BCAST_TICKET_LEN);
	CHECK(bcast_revoke_parse(buf, BCAST_REVOKE_LEN, pk, tkey, &ssrc,
	    &reason) == BCAST_BAD_SIGNATURE, "a revoke moved to another item "
	    "is refused: the ticket is no signature");
	CHECK(bcast_revoke_parse(buf, BCAST_REVOKE_LEN - 1, pk, NULL, &ssrc,
	    &reason) == BCAST_BAD_FORMAT, "a short revoke is refused");
}

/* The multicast ANNOUNCE (broadcaster/mcast.c), and the HELLO's flag
 * saying the box hears its group, next to its state. */
static void
test_announce(void)
{
	struct bcast_announce m = { .zone = "110101001001", .group = { 239, 193,
	    0, 1 }, .port = 5004 }, g;
	uint8_t buf[BCAST_ANNOUNCE_LEN + 8], key[32];

	int len = bcast_announce_pack(&m, sk, buf, sizeof(buf));
	CHECK(len == BCAST_ANNOUNCE_LEN, "ANNOUNCE is %d bytes", len);
	CHECK(bcast_announce_peek(buf, (size_t)len) == 0, "its shape is seen");
	CHECK(bcast_announce_parse(buf, (size_t)len, pk, &g) == BCAST_OK &&
	    strcmp(g.zone, "110101001001") == 0 && g.group[0] == 239 &&
	    g.group[3] == 1 && g.port == 5004, "and it reads back");
	CHECK(bcast_announce_parse(buf, (size_t)len, pk2, &g) ==
	    BCAST_BAD_SIGNATURE, "another server's key refuses it");
	buf[BCAST_ANNOUNCE_OFF_GROUP + 3] ^= 1;
	CHECK(bcast_announce_parse(buf, (size_t)len, pk, &g) ==
	    BCAST_BAD_SIGNATURE, "a group changed in flight is refused");
	CHECK(bcast_announce_parse(buf, (size_t)len - 1, pk, &g) ==
	    BCAST_BAD_FORMAT, "a short one is refused");
	m.group[0] = 10;
	len = bcast_announce_pack(&m, sk, buf, sizeof(buf));
	CHECK(bcast_announce_parse(buf, (size_t)len, pk, &g) == BCAST_BAD_FORMAT,
	    "a signed one naming a unicast address is refused");
	m.group[0] = 239;
	snprintf(m.zone, sizeof(m.zone), "1101");
	len = bcast_announce_pack(&m, sk, buf, sizeof(buf));
	CHECK(bcast_announce_parse(buf, (size_t)len, pk, &g) == BCAST_BAD_FORMAT,
	    "and one naming no zone");

	struct bcast_hello h = { .speaker_id = 7, .counter = 1 }, q;
	uint8_t hb[BCAST_HELLO_LEN];
	randombytes_buf(key, sizeof(key));
	for (int mc = 0; mc < 2; mc++) {
		h.st.state = BCAST_STATE_PLAYING;
		h.st.multicast = (uint8_t)mc;
		bcast_hello_pack(&h, key, hb, sizeof(hb));
		CHECK(bcast_hello_parse(hb, sizeof(hb), key, &q) == BCAST_OK &&
		    q.st.state == BCAST_STATE_PLAYING && q.st.multicast == mc,
		    "HELLO: playing, multicast %d, both kept", mc);
	}
}

static void
test_hex(void)
{
	uint8_t b[4];
	char s[9];

	CHECK(bcast_hex_decode("00ff10aB", b, 4) == 0 && b[1] == 0xff &&
	    b[3] == 0xab, "hex decodes");
	CHECK(bcast_hex_decode("00ff10a", b, 4) == -1 &&
	    bcast_hex_decode("00ff10ag", b, 4) == -1 &&
	    bcast_hex_decode("00ff10ab00", b, 4) == -1, "bad hex refused");
	bcast_hex_encode(b, 4, s);
	CHECK(strcmp(s, "00ff10ab") == 0, "hex encodes");
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	crypto_sign_keypair(pk, sk);
	crypto_sign_keypair(pk2, sk2);
	test_zones();
	test_audio();
	test_control();
	test_nack();
	test_carry();
	test_announce();
	test_hex();
	return t_done();
}
