/*
 * carry_wire.c — the two control packets of store and forward: a box's
 * CARRY REPORT (what it holds or aired from its copy, authenticated with
 * its key like a NACK) and the server's REVOKE (forget an item: signed
 * once for every box, each box's ticket after it so a forged one costs a
 * box no signature check). Layouts in broadcaster.h.
 */
#include <string.h>

#include <sodium.h>

#include "broadcaster/broadcaster.h"

static const uint8_t report_magic[4] = { 'D', 'L', 'B', 'A' };
static const uint8_t revoke_magic[4] = { 'D', 'L', 'B', 'X' };

#define R_OFF_SSRC 16
#define R_OFF_KIND 20
#define R_OFF_HELD 24
#define R_OFF_AIRED 28		/* 8 bytes */
#define R_OFF_PLAYED 36
#define R_OFF_MAC 40
_Static_assert(R_OFF_MAC + 32 == BCAST_CREPORT_LEN, "carry report layout");
#define X_OFF_SSRC 4
#define X_OFF_REASON 8
#define X_OFF_TICKET (BCAST_REVOKE_SIGNED + BCAST_SIG_LEN)

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)(v >> 32));
	put32(p + 4, (uint32_t)v);
}

static uint64_t
get64(const uint8_t *p)
{
	return (uint64_t)get32(p) << 32 | get32(p + 4);
}

int
bcast_creport_pack(const struct bcast_carry_report *r, const uint8_t *key,
    uint8_t *buf, size_t cap)
{
	if (cap < BCAST_CREPORT_LEN)
		return -1;
	memset(buf, 0, BCAST_CREPORT_LEN);
	memcpy(buf, report_magic, 4);
	put32(buf + BCAST_CTL_OFF_ID, r->speaker_id);
	put64(buf + BCAST_CTL_OFF_COUNTER, r->counter);
	put32(buf + R_OFF_SSRC, r->ssrc);
	buf[R_OFF_KIND] = r->kind;
	put32(buf + R_OFF_HELD, r->held);
	put64(buf + R_OFF_AIRED, (uint64_t)r->aired_pts);
	put32(buf + R_OFF_PLAYED, r->played);
	crypto_auth_hmacsha256(buf + R_OFF_MAC, buf, R_OFF_MAC, key);
	return BCAST_CREPORT_LEN;
}

int
bcast_creport_peek_id(const uint8_t *buf, size_t len, uint32_t *id)
{
	if (len != BCAST_CREPORT_LEN || memcmp(buf, report_magic, 4) != 0)
		return -1;
	*id = get32(buf + BCAST_CTL_OFF_ID);
	return 0;
}

enum bcast_verdict
bcast_creport_parse(const uint8_t *buf, size_t len, const uint8_t *key,
    struct bcast_carry_report *r)
{
	if (len != BCAST_CREPORT_LEN || memcmp(buf, report_magic, 4) != 0)
		return BCAST_BAD_FORMAT;
	if (crypto_auth_hmacsha256_verify(buf + R_OFF_MAC, buf, R_OFF_MAC,
	    key) != 0)
		return BCAST_BAD_SIGNATURE;
	if (buf[R_OFF_KIND] < BCAST_CARRY_HELD ||
	    buf[R_OFF_KIND] > BCAST_CARRY_FORGOTTEN || buf[21] || buf[22] ||
	    buf[23])
		return BCAST_BAD_FORMAT;
	r->speaker_id = get32(buf + BCAST_CTL_OFF_ID);
	r->counter = get64(buf + BCAST_CTL_OFF_COUNTER);
	r->ssrc = get32(buf + R_OFF_SSRC);
	r->kind = buf[R_OFF_KIND];
	r->held = get32(buf + R_OFF_HELD);
	r->aired_pts = (int64_t)get64(buf + R_OFF_AIRED);
	r->played = get32(buf + R_OFF_PLAYED);
	return BCAST_OK;
}

void
bcast_revoke_sign(uint32_t ssrc, int reason, const uint8_t *sk,
    uint8_t buf[BCAST_REVOKE_LEN])
{
	memset(buf, 0, BCAST_REVOKE_LEN);
	memcpy(buf, revoke_magic, 4);
	put32(buf + X_OFF_SSRC, ssrc);
	buf[X_OFF_REASON] = (uint8_t)reason;
	crypto_sign_detached(buf + BCAST_REVOKE_SIGNED, NULL, buf,
	    BCAST_REVOKE_SIGNED, sk);
}

enum bcast_verdict
bcast_revoke_parse(const uint8_t *buf, size_t len, const uint8_t *pk,
    const uint8_t tkey[BCAST_TICKET_KEY_LEN], uint32_t *ssrc, int *reason)
{
	uint8_t t[crypto_shorthash_BYTES];

	if (len != BCAST_REVOKE_LEN || memcmp(buf, revoke_magic, 4) != 0 ||
	    buf[9] || buf[10] || buf[11] ||
	    (buf[X_OFF_REASON] != BCAST_REVOKE_CANCELLED &&
	    buf[X_OFF_REASON] != BCAST_REVOKE_DONE))
		return BCAST_BAD_FORMAT;
	if (tkey != NULL) {
		crypto_shorthash(t, buf, X_OFF_TICKET, tkey);
		if (sodium_memcmp(t, buf + X_OFF_TICKET, BCAST_TICKET_LEN) != 0)
			return BCAST_BAD_TICKET;
	}
	if (crypto_sign_verify_detached(buf + BCAST_REVOKE_SIGNED, buf,
	    BCAST_REVOKE_SIGNED, pk) != 0)
		return BCAST_BAD_SIGNATURE;
	*ssrc = get32(buf + X_OFF_SSRC);
	*reason = buf[X_OFF_REASON];
	return BCAST_OK;
}
