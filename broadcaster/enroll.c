/*
 * enroll.c — one-time tokens that turn a fresh loudspeaker box into an
 * enrolled speaker. Tokens are random, compared in constant time, expire,
 * and are spent on first use, so a token seen later on a sticky note or in
 * a log is worthless.
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

int
bcast_enroll_answer(struct bcast_server *s, uint32_t id, const char *zone,
    const char *host, int port, struct bcast_enrolled *e, char *out,
    size_t cap, char *err, size_t errlen)
{
	uint8_t pk[BCAST_PK_LEN];
	char keyhex[2 * BCAST_SPEAKER_KEY_LEN + 1], pkhex[2 * BCAST_PK_LEN + 1];
	struct bcast_zone z;

	if (id == 0 || bcast_zone_parse(zone, &z) != 0 || z.digits == 0) {
		snprintf(err, errlen, "a speaker needs an id and a zone");
		return -1;
	}
	e->id = id;
	bcast_zone_format(&z, e->zone);
	randombytes_buf(e->key, sizeof(e->key));
	crypto_sign_ed25519_sk_to_pk(pk, s->sk);
	bcast_hex_encode(e->key, sizeof(e->key), keyhex);
	bcast_hex_encode(pk, sizeof(pk), pkhex);
	int n = snprintf(out, cap,
	    "# dalaba-speaker configuration, written by enrolment\n"
	    "[speaker]\nid = %u\nzone = %s\nkey = %s\n"
	    "[server]\naddress = %s\nport = %d\npublic_key = %s\n",
	    e->id, e->zone, keyhex, host, port, pkhex);
	sodium_memzero(keyhex, sizeof(keyhex));
	if (n < 0 || (size_t)n >= cap) {
		sodium_memzero(out, cap);
		sodium_memzero(e->key, sizeof(e->key));
		snprintf(err, errlen, "configuration does not fit");
		return -1;
	}
	return 0;
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
    const char *method, const char *token, const char *host, int port,
    char *out, size_t cap, uint32_t *enrolled_id)
{	struct bcast_enrolled e;
	char err[256], zone[13];
	uint32_t id = 0;

	*enrolled_id = 0;
	if (method == NULL || strcmp(method, "GET") != 0)
		return refuse(405, "only GET", out, cap);
	if (token == NULL || strlen(token) != BCAST_TOKEN_LEN)
		return refuse(403, "no token, or not a token", out, cap);
	int rc = k->take(arg, token, &id, zone);
	if (rc != 1) {
		if (rc == 0)
			return refuse(403, "unknown, used or expired token", out,
			    cap);
		return refuse(503, "the server could not read its tokens; try "
		    "again", out, cap);
	}
	if (bcast_enroll_answer(s, id, zone, host, port, &e, out, cap, err,
	    sizeof(err)) != 0) {
		k->undo(arg);
		return refuse(500, err, out, cap);
	}
	if (k->keep(arg, &e) != 0) {
		k->undo(arg);
		sodium_memzero(&e, sizeof(e));
		sodium_memzero(out, cap);
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
    void *arg, const char *method, const char *token, const char *host,
    int port, const char *from, char *out, size_t cap)
{
	uint32_t id = 0;

	assert(k != NULL && k->take != NULL && k->keep != NULL &&
	    k->undo != NULL && out != NULL && cap > 0);
	int status = serve(s, k, arg, method, token, host, port, out, cap, &id);

	if (status == 200)
		dlog(LOG_NOTICE, "speaker %u enrolled from %s", id, from);
	else if (status != 405)
		dlog(LOG_WARNING, "enrolment refused from %s: %s", from, out);
	return status;
}
