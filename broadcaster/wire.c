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
#define META_LEN 24
#define EXT_WORDS ((2 + META_LEN + 2 + BCAST_SIG_LEN) / 4)
#define SIG_OFFSET (12 + 4 + 2 + META_LEN + 2)

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
		"wrong_zone",
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

int
bcast_audio_pack(const struct bcast_audio *a, const uint8_t *sk, uint8_t *buf,
    size_t cap)
{
	size_t len = BCAST_HDR_LEN + a->opus_len;
	uint8_t msg[BCAST_MAX_PACKET];

	if (len > cap || len > BCAST_MAX_PACKET || a->opus_len == 0 ||
	    a->zone.digits > 12)
		return -1;
	buf[0] = 0x90;					/* V=2, X=1 */
	buf[1] = (uint8_t)((a->marker ? 0x80 : 0) | BCAST_PT);
	put16(buf + 2, (uint16_t)a->seq);
	put32(buf + 4, a->timestamp);
	put32(buf + 8, a->ssrc);
	put16(buf + 12, EXT_PROFILE_TWO_BYTE);
	put16(buf + 14, EXT_WORDS);
	uint8_t *m = buf + 16;
	m[0] = EXT_ID_META;
	m[1] = META_LEN;
	put64(m + 2, (uint64_t)a->pts_us);
	put64(m + 10, a->zone.code);
	m[18] = a->zone.digits;
	m[19] = a->priority;
	m[20] = a->flags;
	m[21] = a->volume;
	put32(m + 22, (uint32_t)(a->seq >> 16));
	uint8_t *s = m + 2 + META_LEN;
	s[0] = EXT_ID_SIG;
	s[1] = BCAST_SIG_LEN;
	memcpy(buf + BCAST_HDR_LEN, a->opus, a->opus_len);

	/* Sign the packet as if the signature element were absent. */
	memcpy(msg, buf, SIG_OFFSET - 2);
	memcpy(msg + SIG_OFFSET - 2, buf + BCAST_HDR_LEN, a->opus_len);
	crypto_sign_detached(s + 2, NULL, msg, SIG_OFFSET - 2 + a->opus_len, sk);
	return (int)len;
}

enum bcast_verdict
bcast_audio_parse(const uint8_t *buf, size_t len, const uint8_t *pk,
    struct bcast_audio *a)
{
	uint8_t msg[BCAST_MAX_PACKET];

	if (len <= BCAST_HDR_LEN || len > BCAST_MAX_PACKET)
		return BCAST_BAD_FORMAT;
	/* Exactly our shape: V=2, no padding, X=1, no CSRCs, PT 96, the
	 * two-byte extension profile with our two elements in order. */
	if (buf[0] != 0x90 || (buf[1] & 0x7F) != BCAST_PT ||
	    get16(buf + 12) != EXT_PROFILE_TWO_BYTE ||
	    get16(buf + 14) != EXT_WORDS || buf[16] != EXT_ID_META ||
	    buf[17] != META_LEN || buf[SIG_OFFSET - 2] != EXT_ID_SIG ||
	    buf[SIG_OFFSET - 1] != BCAST_SIG_LEN)
		return BCAST_BAD_FORMAT;
	size_t opus_len = len - BCAST_HDR_LEN;
	memcpy(msg, buf, SIG_OFFSET - 2);
	memcpy(msg + SIG_OFFSET - 2, buf + BCAST_HDR_LEN, opus_len);
	if (crypto_sign_verify_detached(buf + SIG_OFFSET, msg,
	    SIG_OFFSET - 2 + opus_len, pk) != 0)
		return BCAST_BAD_SIGNATURE;

	const uint8_t *m = buf + 18;
	memset(a, 0, sizeof(*a));
	a->marker = (buf[1] & 0x80) != 0;
	a->timestamp = get32(buf + 4);
	a->ssrc = get32(buf + 8);
	a->pts_us = (int64_t)get64(m);
	a->zone.code = get64(m + 8);
	a->zone.digits = m[16];
	a->priority = m[17];
	a->flags = m[18];
	a->volume = m[19];
	a->seq = (uint64_t)get32(m + 20) << 16 | get16(buf + 2);
	a->opus = buf + BCAST_HDR_LEN;
	a->opus_len = opus_len;
	if ((a->zone.digits != 0 && a->zone.digits != 6 && a->zone.digits != 9 &&
	    a->zone.digits != 12) || a->priority > BCAST_PRIO_EMERGENCY)
		return BCAST_BAD_FORMAT;	/* signed, but not by our rules */
	return BCAST_OK;
}

/* ---- control ------------------------------------------------------------------- */

static const uint8_t hello_magic[4] = { 'D', 'L', 'B', 'H' };
static const uint8_t reply_magic[4] = { 'D', 'L', 'B', 'R' };

int
bcast_hello_pack(const struct bcast_hello *h, const uint8_t *key, uint8_t *buf,
    size_t cap)
{
	if (cap < BCAST_HELLO_LEN)
		return -1;
	memcpy(buf, hello_magic, 4);
	put32(buf + 4, h->speaker_id);
	put64(buf + 8, h->counter);
	put64(buf + 16, (uint64_t)h->t1_us);
	buf[24] = h->st.state;
	buf[25] = h->st.priority;
	buf[26] = h->st.volume;
	buf[27] = h->st.amp_on;
	put32(buf + 28, h->st.playing_ssrc);
	put32(buf + 32, h->st.buffer_ms);
	put32(buf + 36, h->st.received);
	put32(buf + 40, h->st.lost);
	put32(buf + 44, h->st.fec_recovered);
	put32(buf + 48, h->st.concealed);
	put32(buf + 52, h->st.dropped);
	put32(buf + 56, (uint32_t)h->st.clock_offset_ms);
	crypto_auth_hmacsha256(buf + 60, buf, 60, key);
	return BCAST_HELLO_LEN;
}

int
bcast_hello_peek_id(const uint8_t *buf, size_t len, uint32_t *id)
{
	if (len != BCAST_HELLO_LEN || memcmp(buf, hello_magic, 4) != 0)
		return -1;
	*id = get32(buf + 4);
	return 0;
}

enum bcast_verdict
bcast_hello_parse(const uint8_t *buf, size_t len, const uint8_t *key,
    struct bcast_hello *h)
{
	if (len != BCAST_HELLO_LEN || memcmp(buf, hello_magic, 4) != 0)
		return BCAST_BAD_FORMAT;
	if (crypto_auth_hmacsha256_verify(buf + 60, buf, 60, key) != 0)
		return BCAST_BAD_SIGNATURE;
	memset(h, 0, sizeof(*h));
	h->speaker_id = get32(buf + 4);
	h->counter = get64(buf + 8);
	h->t1_us = (int64_t)get64(buf + 16);
	h->st.state = buf[24];
	h->st.priority = buf[25];
	h->st.volume = buf[26];
	h->st.amp_on = buf[27];
	h->st.playing_ssrc = get32(buf + 28);
	h->st.buffer_ms = get32(buf + 32);
	h->st.received = get32(buf + 36);
	h->st.lost = get32(buf + 40);
	h->st.fec_recovered = get32(buf + 44);
	h->st.concealed = get32(buf + 48);
	h->st.dropped = get32(buf + 52);
	h->st.clock_offset_ms = (int32_t)get32(buf + 56);
	return BCAST_OK;
}

int
bcast_reply_pack(const struct bcast_reply *r, const uint8_t *sk, uint8_t *buf,
    size_t cap)
{
	if (cap < BCAST_REPLY_LEN)
		return -1;
	memcpy(buf, reply_magic, 4);
	put32(buf + 4, r->speaker_id);
	put64(buf + 8, r->counter);
	put64(buf + 16, (uint64_t)r->t1_us);
	put64(buf + 24, (uint64_t)r->t2_us);
	put64(buf + 32, (uint64_t)r->t3_us);
	crypto_sign_detached(buf + 40, NULL, buf, 40, sk);
	return BCAST_REPLY_LEN;
}

enum bcast_verdict
bcast_reply_parse(const uint8_t *buf, size_t len, const uint8_t *pk,
    struct bcast_reply *r)
{
	if (len != BCAST_REPLY_LEN || memcmp(buf, reply_magic, 4) != 0)
		return BCAST_BAD_FORMAT;
	if (crypto_sign_verify_detached(buf + 40, buf, 40, pk) != 0)
		return BCAST_BAD_SIGNATURE;
	r->speaker_id = get32(buf + 4);
	r->counter = get64(buf + 8);
	r->t1_us = (int64_t)get64(buf + 16);
	r->t2_us = (int64_t)get64(buf + 24);
	r->t3_us = (int64_t)get64(buf + 32);
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
