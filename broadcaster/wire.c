/*
 * wire.c — the bytes on the wire between dalabad and the loudspeakers:
 * packing, parsing and authenticating audio (RTP + RFC 8285 extension) and
 * control (HELLO / reply) packets. Every field read is bounds-checked
 * first; a packet is trusted only after its signature or MAC verifies.
 */
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "broadcaster/broadcaster.h"

#define EXT_PROFILE_TWO_BYTE 0x1000	/* RFC 8285 section 4.3 */
#define EXT_ID_META 1
#define EXT_ID_SIG 2
/* The extension's length in 32-bit words, as RFC 8285 counts it. */
#define EXT_WORDS ((BCAST_HDR_LEN - BCAST_AUDIO_OFF_META) / 4)
/* V=2, P=1 (the ticket rides in the padding), X=1, no CSRCs. */
#define RTP_FIRST_BYTE 0xB0
/* The sizes speakers already in the field expect: the layout in
 * broadcaster.h may be renamed, never moved. */
_Static_assert(BCAST_HDR_LEN == 108 &&
    (BCAST_HDR_LEN - BCAST_AUDIO_OFF_META) % 4 == 0, "audio header layout");
/* The reply grew from 124 bytes (0.4) to 128 with the box's volume
 * (BCAST_PROTOCOL's next version); never past the HELLO's size, so that
 * an answer amplifies nothing. */
_Static_assert(BCAST_HELLO_LEN == 128 && BCAST_REPLY_LEN == 128 &&
    BCAST_REPLY_LEN <= BCAST_HELLO_LEN &&
    BCAST_CHALLENGE_LEN == 32 && BCAST_CHALLENGE_LEN < BCAST_HELLO_LEN &&
    BCAST_NACK_LEN == 64,
    "control packet layout");
_Static_assert(crypto_shorthash_KEYBYTES == BCAST_TICKET_KEY_LEN &&
    crypto_shorthash_BYTES >= BCAST_TICKET_LEN, "the ticket is SipHash's");

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static void
put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)(v >> 32));
	put32(p + 4, (uint32_t)v);
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static uint64_t
get64(const uint8_t *p)
{
	return (uint64_t)get32(p) << 32 | get32(p + 4);
}

const char *
bcast_verdict_name(enum bcast_verdict v)
{
	static const char *const names[BCAST_VERDICT_MAX] = {
		"ok", "bad_format", "bad_signature", "replayed", "stale",
		"wrong_zone", "bad_ticket",
	};
	return (unsigned)v < BCAST_VERDICT_MAX ? names[v] : "unknown";
}

/* ---- zones ---------------------------------------------------------------- */

int
bcast_zone_parse(const char *s, struct bcast_zone *z)
{
	size_t n = strlen(s);

	z->code = 0;
	z->digits = 0;
	if (n == 0 || strcmp(s, "*") == 0)
		return 0;
	if (n != 6 && n != 9 && n != 12)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		z->code = z->code * 10 + (uint64_t)(s[i] - '0');
	}
	z->digits = (uint8_t)n;
	return 0;
}

bool
bcast_zone_covers(const struct bcast_zone *target, const struct bcast_zone *zone)
{
	uint64_t c = zone->code;

	if (target->digits == 0)
		return true;
	if (zone->digits < target->digits)
		return false;
	for (int d = zone->digits; d > target->digits; d--)
		c /= 10;
	return c == target->code;
}

void
bcast_zone_format(const struct bcast_zone *z, char out[13])
{
	uint64_t c = z->code;

	if (z->digits == 0 || z->digits > 12) {
		strcpy(out, "*");
		return;
	}
	out[z->digits] = '\0';
	for (int i = z->digits - 1; i >= 0; i--) {
		out[i] = (char)('0' + c % 10);
		c /= 10;
	}
}

/* ---- audio ------------------------------------------------------------------- */

/* The priority byte keeps the numbering it had before the urgent class
 * (0 village .. 3 emergency): an urgent cut-in goes as county with
 * BCAST_FLAG_URGENT, and a page is 3 as it always was. */
#define WIRE_EMERGENCY 3

static uint8_t
wire_class(uint8_t prio)
{
	return prio == BCAST_PRIO_EMERGENCY ? WIRE_EMERGENCY :
	    prio == BCAST_PRIO_URGENT ? BCAST_PRIO_COUNTY : prio;
}

int
bcast_audio_pack(const struct bcast_audio *a, const uint8_t *sk, uint8_t *buf,
    size_t cap)
{
	size_t len = BCAST_HDR_LEN + a->opus_len + BCAST_TRAILER_LEN;
	uint8_t msg[BCAST_MAX_PACKET];

	if (len > cap || len > BCAST_MAX_PACKET || a->opus_len == 0 ||
	    a->zone.digits > 12)
		return -1;
	buf[0] = RTP_FIRST_BYTE;
	buf[1] = (uint8_t)((a->marker ? 0x80 : 0) | BCAST_PT);
	put16(buf + BCAST_AUDIO_OFF_SEQ, (uint16_t)a->seq);
	put32(buf + BCAST_AUDIO_OFF_TS, a->timestamp);
	put32(buf + BCAST_AUDIO_OFF_SSRC, a->ssrc);
	put16(buf + BCAST_AUDIO_OFF_EXT, EXT_PROFILE_TWO_BYTE);
	put16(buf + BCAST_AUDIO_OFF_EXT + 2, EXT_WORDS);
	buf[BCAST_AUDIO_OFF_META] = EXT_ID_META;
	buf[BCAST_AUDIO_OFF_META + 1] = BCAST_META_LEN;
	put64(buf + BCAST_AUDIO_OFF_PTS, (uint64_t)a->pts_us);
	put64(buf + BCAST_AUDIO_OFF_ZONE, a->zone.code);
	buf[BCAST_AUDIO_OFF_DIGITS] = a->zone.digits;
	buf[BCAST_AUDIO_OFF_PRIO] = wire_class(a->priority);
	buf[BCAST_AUDIO_OFF_FLAGS] = (uint8_t)((a->flags & ~BCAST_FLAG_URGENT) |
	    (a->priority == BCAST_PRIO_URGENT ? BCAST_FLAG_URGENT : 0));
	buf[BCAST_AUDIO_OFF_VOLUME] = a->volume;
	put32(buf + BCAST_AUDIO_OFF_SEQ_HI, (uint32_t)(a->seq >> 16));
	buf[BCAST_AUDIO_OFF_SIG_ELEM] = EXT_ID_SIG;
	buf[BCAST_AUDIO_OFF_SIG_ELEM + 1] = BCAST_SIG_LEN;
	memcpy(buf + BCAST_HDR_LEN, a->opus, a->opus_len);
	memset(buf + len - BCAST_TRAILER_LEN, 0, BCAST_TICKET_LEN);
	buf[len - 1] = BCAST_TRAILER_LEN;

	/* Sign the packet as if the signature element and the padding were
	 * absent. */
	memcpy(msg, buf, BCAST_AUDIO_OFF_SIG_ELEM);
	memcpy(msg + BCAST_AUDIO_OFF_SIG_ELEM, buf + BCAST_HDR_LEN, a->opus_len);
	crypto_sign_detached(buf + BCAST_AUDIO_OFF_SIG, NULL, msg,
	    BCAST_AUDIO_OFF_SIG_ELEM + a->opus_len, sk);
	return (int)len;
}

/* Exactly our shape: V=2, padding, X=1, no CSRCs, PT 96, the two-byte
 * extension profile with our two elements in order, and our padding. */
static bool
audio_shape_ok(const uint8_t *buf, size_t len)
{
	return len > BCAST_HDR_LEN + BCAST_TRAILER_LEN &&
	    len <= BCAST_MAX_PACKET &&
	    buf[0] == RTP_FIRST_BYTE && (buf[1] & 0x7F) == BCAST_PT &&
	    get16(buf + BCAST_AUDIO_OFF_EXT) == EXT_PROFILE_TWO_BYTE &&
	    get16(buf + BCAST_AUDIO_OFF_EXT + 2) == EXT_WORDS &&
	    buf[BCAST_AUDIO_OFF_META] == EXT_ID_META &&
	    buf[BCAST_AUDIO_OFF_META + 1] == BCAST_META_LEN &&
	    buf[BCAST_AUDIO_OFF_SIG_ELEM] == EXT_ID_SIG &&
	    buf[BCAST_AUDIO_OFF_SIG_ELEM + 1] == BCAST_SIG_LEN &&
	    buf[len - 1] == BCAST_TRAILER_LEN;
}

static enum bcast_verdict
audio_fields(const uint8_t *buf, size_t len, struct bcast_audio *a)
{
	memset(a, 0, sizeof(*a));
	a->marker = (buf[1] & 0x80) != 0;
	a->timestamp = get32(buf + BCAST_AUDIO_OFF_TS);
	a->ssrc = get32(buf + BCAST_AUDIO_OFF_SSRC);
	a->pts_us = (int64_t)get64(buf + BCAST_AUDIO_OFF_PTS);
	a->zone.code = get64(buf + BCAST_AUDIO_OFF_ZONE);
	a->zone.digits = buf[BCAST_AUDIO_OFF_DIGITS];
	a->flags = buf[BCAST_AUDIO_OFF_FLAGS];
	if (buf[BCAST_AUDIO_OFF_PRIO] > WIRE_EMERGENCY)
		return BCAST_BAD_FORMAT;	/* not by our rules */
	a->priority = buf[BCAST_AUDIO_OFF_PRIO] == WIRE_EMERGENCY ?
	    BCAST_PRIO_EMERGENCY : a->flags & BCAST_FLAG_URGENT ?
	    BCAST_PRIO_URGENT : buf[BCAST_AUDIO_OFF_PRIO];
	a->volume = buf[BCAST_AUDIO_OFF_VOLUME];
	a->seq = (uint64_t)get32(buf + BCAST_AUDIO_OFF_SEQ_HI) << 16 |
	    get16(buf + BCAST_AUDIO_OFF_SEQ);
	a->opus = buf + BCAST_HDR_LEN;
	a->opus_len = len - BCAST_HDR_LEN - BCAST_TRAILER_LEN;
	if ((a->zone.digits != 0 && a->zone.digits != 6 && a->zone.digits != 9 &&
	    a->zone.digits != 12))
		return BCAST_BAD_FORMAT;	/* not by our rules */
	return BCAST_OK;
}

enum bcast_verdict
bcast_audio_peek(const uint8_t *buf, size_t len, struct bcast_audio *a)
{
	if (!audio_shape_ok(buf, len))
		return BCAST_BAD_FORMAT;
	return audio_fields(buf, len, a);
}

enum bcast_verdict
bcast_audio_verify(const uint8_t *buf, size_t len, const uint8_t *pk)
{
	uint8_t msg[BCAST_MAX_PACKET];
	size_t opus_len;

	if (!audio_shape_ok(buf, len))
		return BCAST_BAD_FORMAT;
	opus_len = len - BCAST_HDR_LEN - BCAST_TRAILER_LEN;
	memcpy(msg, buf, BCAST_AUDIO_OFF_SIG_ELEM);
	memcpy(msg + BCAST_AUDIO_OFF_SIG_ELEM, buf + BCAST_HDR_LEN, opus_len);
	if (crypto_sign_verify_detached(buf + BCAST_AUDIO_OFF_SIG, msg,
	    BCAST_AUDIO_OFF_SIG_ELEM + opus_len, pk) != 0)
		return BCAST_BAD_SIGNATURE;
	return BCAST_OK;
}

enum bcast_verdict
bcast_audio_parse(const uint8_t *buf, size_t len, const uint8_t *pk,
    struct bcast_audio *a)
{
	enum bcast_verdict v = bcast_audio_verify(buf, len, pk);

	return v != BCAST_OK ? v : audio_fields(buf, len, a);
}

/* ---- tickets ------------------------------------------------------------------- */

void
bcast_ticket_key(const uint8_t box_key[BCAST_SPEAKER_KEY_LEN],
    uint8_t tkey[BCAST_TICKET_KEY_LEN])
{
	static const char label[] = "dalaba packet ticket v1";

	crypto_generichash(tkey, BCAST_TICKET_KEY_LEN, (const uint8_t *)label,
	    sizeof(label) - 1, box_key, BCAST_SPEAKER_KEY_LEN);
}

/* Over the whole packet but its trailer: a packet that passes is byte for
 * byte the one the server sent this box (a sniffer who changes a payload
 * byte of a packet the box missed gets no signature check for it), and
 * its first copy verifies and makes the rest replays. ~0.2 µs for 200
 * bytes. */
void
bcast_ticket_make(const uint8_t tkey[BCAST_TICKET_KEY_LEN], const uint8_t *pkt,
    size_t len, uint8_t trailer[BCAST_TRAILER_LEN])
{
	uint8_t h[crypto_shorthash_BYTES];

	if (len < BCAST_HDR_LEN + BCAST_TRAILER_LEN) {
		memset(trailer, 0, BCAST_TRAILER_LEN);	/* never a packet's */
		return;
	}
	crypto_shorthash(h, pkt, len - BCAST_TRAILER_LEN, tkey);
	memcpy(trailer, h, BCAST_TICKET_LEN);
	trailer[BCAST_TICKET_LEN] = BCAST_TRAILER_LEN;
}

void
bcast_ticket_set(const uint8_t tkey[BCAST_TICKET_KEY_LEN], uint8_t *pkt,
    size_t len)
{
	if (len >= BCAST_HDR_LEN + BCAST_TRAILER_LEN)
		bcast_ticket_make(tkey, pkt, len, pkt + len - BCAST_TRAILER_LEN);
}

int
bcast_ticket_check(const uint8_t tkey[BCAST_TICKET_KEY_LEN], const uint8_t *pkt,
    size_t len)
{
	uint8_t t[BCAST_TRAILER_LEN];

	if (len < BCAST_HDR_LEN + BCAST_TRAILER_LEN)
		return 0;
	bcast_ticket_make(tkey, pkt, len, t);
	return sodium_memcmp(t, pkt + len - BCAST_TRAILER_LEN,
	    BCAST_TICKET_LEN) == 0;
}

/* ---- control ------------------------------------------------------------------- */

static const uint8_t hello_magic[4] = { 'D', 'L', 'B', 'H' };
static const uint8_t reply_magic[4] = { 'D', 'L', 'B', 'R' };
static const uint8_t nack_magic[4] = { 'D', 'L', 'B', 'N' };
static const uint8_t challenge_magic[4] = { 'D', 'L', 'B', 'C' };

int
bcast_hello_pack(const struct bcast_hello *h, const uint8_t *key, uint8_t *buf,
    size_t cap)
{
	if (cap < BCAST_HELLO_LEN)
		return -1;
	memcpy(buf, hello_magic, 4);
	put32(buf + BCAST_CTL_OFF_ID, h->speaker_id);
	put64(buf + BCAST_CTL_OFF_COUNTER, h->counter);
	put64(buf + BCAST_CTL_OFF_T1, (uint64_t)h->t1_us);
	buf[BCAST_HELLO_OFF_STATE] = (uint8_t)((h->st.state & 0x7F) |
	    (h->st.multicast ? 0x80 : 0));
	buf[BCAST_HELLO_OFF_PRIO] = h->st.priority;
	buf[BCAST_HELLO_OFF_VOLUME] = h->st.volume;
	buf[BCAST_HELLO_OFF_AMP] = h->st.amp_on;
	put32(buf + BCAST_HELLO_OFF_SSRC, h->st.playing_ssrc);
	put32(buf + BCAST_HELLO_OFF_BUFFER, h->st.buffer_ms);
	put32(buf + BCAST_HELLO_OFF_RECEIVED, h->st.received);
	put32(buf + BCAST_HELLO_OFF_LOST, h->st.lost);
	put32(buf + BCAST_HELLO_OFF_FEC, h->st.fec_recovered);
	put32(buf + BCAST_HELLO_OFF_CONCEALED, h->st.concealed);
	put32(buf + BCAST_HELLO_OFF_DROPPED, h->st.dropped);
	put32(buf + BCAST_HELLO_OFF_CLOCK, (uint32_t)h->st.clock_offset_ms);
	memcpy(buf + BCAST_HELLO_OFF_COOKIE, h->cookie, BCAST_COOKIE_LEN);
	put32(buf + BCAST_HELLO_OFF_UPTIME, h->st.uptime_s);
	put32(buf + BCAST_HELLO_OFF_VERSION, h->st.version);
	put32(buf + BCAST_HELLO_OFF_AUDIO_ERRORS, h->st.audio_errors);
	put32(buf + BCAST_HELLO_OFF_FREE_MB, h->st.free_mb);
	put32(buf + BCAST_HELLO_OFF_AMP_ERRORS, h->st.amp_errors);
	crypto_auth_hmacsha256(buf + BCAST_HELLO_OFF_MAC, buf, BCAST_HELLO_OFF_MAC,
	    key);
	return BCAST_HELLO_LEN;
}

int
bcast_hello_peek_id(const uint8_t *buf, size_t len, uint32_t *id)
{
	if (len != BCAST_HELLO_LEN || memcmp(buf, hello_magic, 4) != 0)
		return -1;
	*id = get32(buf + BCAST_CTL_OFF_ID);
	return 0;
}

enum bcast_verdict
bcast_hello_parse(const uint8_t *buf, size_t len, const uint8_t *key,
    struct bcast_hello *h)
{
	if (len != BCAST_HELLO_LEN || memcmp(buf, hello_magic, 4) != 0)
		return BCAST_BAD_FORMAT;
	if (crypto_auth_hmacsha256_verify(buf + BCAST_HELLO_OFF_MAC, buf,
	    BCAST_HELLO_OFF_MAC, key) != 0)
		return BCAST_BAD_SIGNATURE;
	memset(h, 0, sizeof(*h));
	h->speaker_id = get32(buf + BCAST_CTL_OFF_ID);
	h->counter = get64(buf + BCAST_CTL_OFF_COUNTER);
	h->t1_us = (int64_t)get64(buf + BCAST_CTL_OFF_T1);
	h->st.state = buf[BCAST_HELLO_OFF_STATE] & 0x7F;
	h->st.multicast = buf[BCAST_HELLO_OFF_STATE] >> 7;
	h->st.priority = buf[BCAST_HELLO_OFF_PRIO];
	h->st.volume = buf[BCAST_HELLO_OFF_VOLUME];
	h->st.amp_on = buf[BCAST_HELLO_OFF_AMP];
	h->st.playing_ssrc = get32(buf + BCAST_HELLO_OFF_SSRC);
	h->st.buffer_ms = get32(buf + BCAST_HELLO_OFF_BUFFER);
	h->st.received = get32(buf + BCAST_HELLO_OFF_RECEIVED);
	h->st.lost = get32(buf + BCAST_HELLO_OFF_LOST);
	h->st.fec_recovered = get32(buf + BCAST_HELLO_OFF_FEC);
	h->st.concealed = get32(buf + BCAST_HELLO_OFF_CONCEALED);
	h->st.dropped = get32(buf + BCAST_HELLO_OFF_DROPPED);
	h->st.clock_offset_ms = (int32_t)get32(buf + BCAST_HELLO_OFF_CLOCK);
	memcpy(h->cookie, buf + BCAST_HELLO_OFF_COOKIE, BCAST_COOKIE_LEN);
	h->st.uptime_s = get32(buf + BCAST_HELLO_OFF_UPTIME);
	h->st.version = get32(buf + BCAST_HELLO_OFF_VERSION);
	h->st.audio_errors = get32(buf + BCAST_HELLO_OFF_AUDIO_ERRORS);
	h->st.free_mb = get32(buf + BCAST_HELLO_OFF_FREE_MB);
	h->st.amp_errors = get32(buf + BCAST_HELLO_OFF_AMP_ERRORS);
	return BCAST_OK;
}

int
bcast_reply_pack(const struct bcast_reply *r, const uint8_t *sk,
    const uint8_t tkey[BCAST_TICKET_KEY_LEN], uint8_t *buf, size_t cap)
{
	if (cap < BCAST_REPLY_LEN)
		return -1;
	memcpy(buf, reply_magic, 4);
	put32(buf + BCAST_CTL_OFF_ID, r->speaker_id);
	put64(buf + BCAST_CTL_OFF_COUNTER, r->counter);
	put64(buf + BCAST_CTL_OFF_T1, (uint64_t)r->t1_us);
	put64(buf + BCAST_REPLY_OFF_T2, (uint64_t)r->t2_us);
	put64(buf + BCAST_REPLY_OFF_T3, (uint64_t)r->t3_us);
	memcpy(buf + BCAST_REPLY_OFF_COOKIE, r->cookie, BCAST_COOKIE_LEN);
	buf[BCAST_REPLY_OFF_VOLUME] = r->volume;
	memset(buf + BCAST_REPLY_OFF_VOLUME + 1, 0, BCAST_REPLY_OFF_SIG -
	    BCAST_REPLY_OFF_VOLUME - 1);
	crypto_sign_detached(buf + BCAST_REPLY_OFF_SIG, NULL, buf,
	    BCAST_REPLY_OFF_SIG, sk);
	uint8_t h[crypto_shorthash_BYTES];

	crypto_shorthash(h, buf, BCAST_REPLY_OFF_TICKET, tkey);
	memcpy(buf + BCAST_REPLY_OFF_TICKET, h, BCAST_TICKET_LEN);
	return BCAST_REPLY_LEN;
}

enum bcast_verdict
bcast_reply_parse(const uint8_t *buf, size_t len, const uint8_t *pk,
    const uint8_t tkey[BCAST_TICKET_KEY_LEN], struct bcast_reply *r)
{
	uint8_t t[crypto_shorthash_BYTES];

	if (len != BCAST_REPLY_LEN || memcmp(buf, reply_magic, 4) != 0)
		return BCAST_BAD_FORMAT;
	if (tkey != NULL) {
		crypto_shorthash(t, buf, BCAST_REPLY_OFF_TICKET, tkey);
		if (sodium_memcmp(t, buf + BCAST_REPLY_OFF_TICKET,
		    BCAST_TICKET_LEN) != 0)
			return BCAST_BAD_TICKET;
	}
	if (crypto_sign_verify_detached(buf + BCAST_REPLY_OFF_SIG, buf,
	    BCAST_REPLY_OFF_SIG, pk) != 0)
		return BCAST_BAD_SIGNATURE;
	r->speaker_id = get32(buf + BCAST_CTL_OFF_ID);
	r->counter = get64(buf + BCAST_CTL_OFF_COUNTER);
	r->t1_us = (int64_t)get64(buf + BCAST_CTL_OFF_T1);
	r->t2_us = (int64_t)get64(buf + BCAST_REPLY_OFF_T2);
	r->t3_us = (int64_t)get64(buf + BCAST_REPLY_OFF_T3);
	memcpy(r->cookie, buf + BCAST_REPLY_OFF_COOKIE, BCAST_COOKIE_LEN);
	/* Signed, but still checked: a volume past 100 that is not the
	 * default means "keep your own", never a louder box. */
	r->volume = buf[BCAST_REPLY_OFF_VOLUME];
	if (r->volume > 100)
		r->volume = BCAST_VOLUME_DEFAULT;
	return BCAST_OK;
}

int
bcast_reply_peek(const uint8_t *buf, size_t len, uint32_t *id,
    uint64_t *counter)
{
	if (len != BCAST_REPLY_LEN || memcmp(buf, reply_magic, 4) != 0)
		return -1;
	*id = get32(buf + BCAST_CTL_OFF_ID);
	*counter = get64(buf + BCAST_CTL_OFF_COUNTER);
	return 0;
}

int
bcast_ctl_cookie(const uint8_t *buf, size_t len, uint32_t id,
    uint8_t cookie[BCAST_COOKIE_LEN])
{
	if (len == BCAST_REPLY_LEN && memcmp(buf, reply_magic, 4) == 0 &&
	    get32(buf + BCAST_CTL_OFF_ID) == id) {
		memcpy(cookie, buf + BCAST_REPLY_OFF_COOKIE, BCAST_COOKIE_LEN);
		return 1;
	}
	if (len == BCAST_CHALLENGE_LEN && memcmp(buf, challenge_magic, 4) == 0 &&
	    get32(buf + BCAST_CTL_OFF_ID) == id) {
		memcpy(cookie, buf + BCAST_CHALLENGE_OFF_COOKIE, BCAST_COOKIE_LEN);
		return 2;
	}
	return 0;
}

int
bcast_challenge_pack(const struct bcast_challenge *c, uint8_t *buf, size_t cap)
{
	if (cap < BCAST_CHALLENGE_LEN)
		return -1;
	memcpy(buf, challenge_magic, 4);
	put32(buf + BCAST_CTL_OFF_ID, c->speaker_id);
	put64(buf + BCAST_CTL_OFF_COUNTER, c->counter);
	memcpy(buf + BCAST_CHALLENGE_OFF_COOKIE, c->cookie, BCAST_COOKIE_LEN);
	return BCAST_CHALLENGE_LEN;
}

enum bcast_verdict
bcast_challenge_parse(const uint8_t *buf, size_t len, struct bcast_challenge *c)
{
	if (len != BCAST_CHALLENGE_LEN || memcmp(buf, challenge_magic, 4) != 0)
		return BCAST_BAD_FORMAT;
	c->speaker_id = get32(buf + BCAST_CTL_OFF_ID);
	c->counter = get64(buf + BCAST_CTL_OFF_COUNTER);
	memcpy(c->cookie, buf + BCAST_CHALLENGE_OFF_COOKIE, BCAST_COOKIE_LEN);
	return BCAST_OK;
}

int
bcast_nack_pack(const struct bcast_nack *n, const uint8_t *key, uint8_t *buf,
    size_t cap)
{
	if (cap < BCAST_NACK_LEN)
		return -1;
	memcpy(buf, nack_magic, 4);
	put32(buf + BCAST_CTL_OFF_ID, n->speaker_id);
	put64(buf + BCAST_CTL_OFF_COUNTER, n->counter);
	put32(buf + BCAST_NACK_OFF_SSRC, n->ssrc);
	put64(buf + BCAST_NACK_OFF_BASE, n->base);
	put32(buf + BCAST_NACK_OFF_BITMAP, n->bitmap);
	crypto_auth_hmacsha256(buf + BCAST_NACK_OFF_MAC, buf, BCAST_NACK_OFF_MAC,
	    key);
	return BCAST_NACK_LEN;
}

int
bcast_nack_peek_id(const uint8_t *buf, size_t len, uint32_t *id)
{
	if (len != BCAST_NACK_LEN || memcmp(buf, nack_magic, 4) != 0)
		return -1;
	*id = get32(buf + BCAST_CTL_OFF_ID);
	return 0;
}

enum bcast_verdict
bcast_nack_parse(const uint8_t *buf, size_t len, const uint8_t *key,
    struct bcast_nack *n)
{
	if (len != BCAST_NACK_LEN || memcmp(buf, nack_magic, 4) != 0)
		return BCAST_BAD_FORMAT;
	if (crypto_auth_hmacsha256_verify(buf + BCAST_NACK_OFF_MAC, buf,
	    BCAST_NACK_OFF_MAC, key) != 0)
		return BCAST_BAD_SIGNATURE;
	n->speaker_id = get32(buf + BCAST_CTL_OFF_ID);
	n->counter = get64(buf + BCAST_CTL_OFF_COUNTER);
	n->ssrc = get32(buf + BCAST_NACK_OFF_SSRC);
	n->base = get64(buf + BCAST_NACK_OFF_BASE);
	n->bitmap = get32(buf + BCAST_NACK_OFF_BITMAP);
	/* Extended sequence numbers have 48 bits: the span must fit. */
	if (n->base > (UINT64_C(1) << 48) - BCAST_NACK_SPAN)
		return BCAST_BAD_FORMAT;
	return BCAST_OK;
}

/* ---- clocks and hex --------------------------------------------------------------- */

int64_t
bcast_server_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t
bcast_mono_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int
bcast_hex_decode(const char *s, uint8_t *out, size_t len)
{
	size_t bin_len;

	if (strlen(s) != 2 * len)
		return -1;
	if (sodium_hex2bin(out, len, s, 2 * len, NULL, &bin_len, NULL) != 0 ||
	    bin_len != len)
		return -1;
	return 0;
}

void
bcast_hex_encode(const uint8_t *in, size_t len, char *out)
{
	sodium_bin2hex(out, 2 * len + 1, in, len);
}
