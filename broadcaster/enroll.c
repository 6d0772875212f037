/*
 * enroll.c — one-time tokens that turn a fresh loudspeaker box into an
 * enrolled speaker, and the one enrolment step every server serves. Tokens
 * are random, compared in constant time, expire, and are spent on first
 * use, so a token seen later on a sticky note or in a log is worthless.
 * The token and the box's key arrive sealed to this server's key and the
 * answer leaves signed by it (enroll_msg.c).
 */
#include <assert.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "broadcaster/log.h"
#include "broadcaster/server_int.h"

int
bcast_enroll_token_new(struct bcast_server *s, uint32_t id, const char *zone,
    int ttl_s, char token[BCAST_TOKEN_LEN + 1], char *err, size_t errlen)
{
	struct bcast_zone z;
	uint8_t raw[BCAST_TOKEN_LEN / 2];

	if (id == 0 || bcast_zone_parse(zone, &z) != 0 || z.digits == 0) {
		snprintf(err, errlen, "need a speaker id and a 6, 9 or 12 digit zone");
		return -1;
	}
	randombytes_buf(raw, sizeof(raw));
	bcast_hex_encode(raw, sizeof(raw), token);
	pthread_mutex_lock(&s->lock);
	int64_t now = bcast_mono_now_us();
	/* Reuse an expired slot before growing. */
	int slot = -1;
	for (int i = 0; i < s->ntokens; i++)
		if (s->tokens[i].expires_mono < now)
			slot = i;
	if (slot < 0 && s->ntokens < MAX_TOKENS)
		slot = s->ntokens++;
	if (slot < 0) {
		pthread_mutex_unlock(&s->lock);
		snprintf(err, errlen, "too many open enrolment tokens (%d)",
		    MAX_TOKENS);
		return -1;
	}
	struct enroll_token *t = &s->tokens[slot];
	memcpy(t->token, token, sizeof(t->token));
	t->id = id;
	bcast_zone_format(&z, t->zone);
	t->expires_mono = now + (int64_t)(ttl_s > 0 ? ttl_s : 86400) * 1000000;
	pthread_mutex_unlock(&s->lock);
	return 0;
}

void
bcast_server_public_key(struct bcast_server *s, uint8_t pk[BCAST_PK_LEN],
    char fp[BCAST_FP_LEN + 1])
{
	uint8_t p[BCAST_PK_LEN];

	crypto_sign_ed25519_sk_to_pk(p, s->sk);	/* sk is set once, at start */
	if (pk != NULL)
		memcpy(pk, p, sizeof(p));
	if (fp != NULL)
		bcast_key_fingerprint(p, fp);
}

int
bcast_enroll_token_take(struct bcast_server *s, const char *token,
    uint32_t *id, char zone[13])
{
	struct enroll_token found = { .id = 0 };

	pthread_mutex_lock(&s->lock);
	int64_t now = bcast_mono_now_us();
	for (int i = 0; i < s->ntokens; i++) {
		struct enroll_token *t = &s->tokens[i];
		if (t->expires_mono >= now &&
		    sodium_memcmp(t->token, token, BCAST_TOKEN_LEN) == 0) {
			found = *t;
			t->expires_mono = 0;	/* spent */
			sodium_memzero(t->token, sizeof(t->token));
		}
	}
	pthread_mutex_unlock(&s->lock);
	if (found.id == 0)
		return 0;
	*id = found.id;
	memcpy(zone, found.zone, 13);
	sodium_memzero(&found, sizeof(found));
	return 1;
}

static int
refuse(int status, const char *why, char *out, size_t cap)
{
	snprintf(out, cap, "%s", why);
	return status;
}

static int
serve(struct bcast_server *s, const struct bcast_enroll_keeper *k, void *arg,
    const char *method, const char *sealed_hex, const char *clear_token,
    const char *host, int port, char *out, size_t cap, uint32_t *enrolled_id)
{
	struct bcast_enrolled e;
	struct bcast_enroll_info info;
	uint8_t sealed[BCAST_ENROLL_SEALED_LEN];
	char err[256], zone[13], token[BCAST_TOKEN_LEN + 1],
	    pkhex[2 * BCAST_PK_LEN + 1];
	uint32_t id = 0;

	*enrolled_id = 0;
	if (method == NULL || strcmp(method, "GET") != 0)
		return refuse(405, "only GET", out, cap);
	if (sealed_hex == NULL && clear_token != NULL)
		return refuse(400, "this box sent its token in clear, which "
		    "anyone on the way could take; the token is not spent: "
		    "enrol with a newer dalaba-speaker (--enroll URL TOKEN "
		    "FINGERPRINT)", out, cap);
	if (!bcast_enroll_address_ok(host) || port < 1 || port > 65535)
		return refuse(500, "the server's own address or port cannot be "
		    "written into a box's configuration ([enroll] advertise)",
		    out, cap);
	if (sealed_hex == NULL) {
		/* Step 1: the key the box checks against its fingerprint. */
		uint8_t pk[BCAST_PK_LEN];
		bcast_server_public_key(s, pk, NULL);
		bcast_hex_encode(pk, sizeof(pk), pkhex);
		snprintf(out, cap, "dalaba-enroll-key 1\npublic_key = %s\n",
		    pkhex);
		return 200;
	}
	if (bcast_hex_decode(sealed_hex, sealed, sizeof(sealed)) != 0 ||
	    bcast_enroll_open(s->sk, sealed, token, e.key) != 0)
		return refuse(403, "not a request sealed to this server's key",
		    out, cap);
	int rc = k->take(arg, token, &id, zone);
	sodium_memzero(token, sizeof(token));
	if (rc != 1) {
		sodium_memzero(e.key, sizeof(e.key));
		if (rc == 0)
			return refuse(403, "unknown, used or expired token", out,
			    cap);
		return refuse(503, "the server could not read its tokens; try "
		    "again", out, cap);
	}
	e.id = id;
	memcpy(e.zone, zone, sizeof(e.zone));
	memset(&info, 0, sizeof(info));
	bcast_enroll_request_id(sealed, info.request);
	info.id = id;
	memcpy(info.zone, zone, sizeof(info.zone));
	snprintf(info.address, sizeof(info.address), "%s", host);
	info.port = port;
	bcast_server_public_key(s, info.server_pk, NULL);
	/* host fits: bcast_enroll_address_ok checked it above. */
	if (bcast_enroll_answer_sign(s->sk, &info, out, cap, err,
	    sizeof(err)) != 0) {
		k->undo(arg);
		sodium_memzero(e.key, sizeof(e.key));
		return refuse(500, err, out, cap);
	}
	if (k->keep(arg, &e) != 0) {
		k->undo(arg);
		sodium_memzero(&e, sizeof(e));
		return refuse(500, "the server could not keep the new key", out,
		    cap);
	}
	/* Only a key that is kept plays: a box enrolled and then forgotten
	 * by a restart would be silent with nothing to say why. */
	if (bcast_registry_add(s, e.id, e.zone, e.key, err, sizeof(err)) != 0)
		dlog(LOG_ERR, "speaker %u enrolled but not registered: %s", e.id,
		    err);
	sodium_memzero(e.key, sizeof(e.key));
	*enrolled_id = e.id;
	return 200;
}

int
bcast_enroll_serve(struct bcast_server *s, const struct bcast_enroll_keeper *k,
    void *arg, const char *method, const char *sealed, const char *clear_token,
    const char *host, int port, const char *from, char *out, size_t cap)
{
	uint32_t id = 0;

	assert(k != NULL && k->take != NULL && k->keep != NULL &&
	    k->undo != NULL && out != NULL && cap > 0 && host != NULL);
	int status = serve(s, k, arg, method, sealed, clear_token, host, port,
	    out, cap, &id);

	if (status == 200 && id != 0)
		dlog(LOG_NOTICE, "speaker %u enrolled from %s", id, from);
	else if (status != 200 && status != 405)
		dlog(LOG_WARNING, "enrolment refused from %s: %s", from, out);
	return status;
}
