/*
 * enroll_msg.c — the enrolment messages both ends share: the server key's
 * fingerprint, the box's request (its token and its own key sealed to the
 * server's key) and the server's signed answer. The village network is not
 * trusted, so nothing here relies on it: the box's secrets travel sealed,
 * the answer is signed and bound to the one request it answers, and the
 * answer's text has exactly one shape, parsed before it is trusted.
 */
#include <arpa/inet.h>
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "broadcaster/broadcaster.h"

/* What the sealed request holds, after its magic: the token's 16 bytes and
 * the box's key. The magic keeps a box of anything else sealed to the
 * server's key from ever passing for a request. */
static const char req_magic[4] = { 'D', 'L', 'B', 'E' };
#define REQ_PLAIN_LEN (sizeof(req_magic) + BCAST_TOKEN_LEN / 2 + \
    BCAST_SPEAKER_KEY_LEN)

/* The answer's first line: its format and, since the signature covers it,
 * the domain of that signature. The same key signs audio and replies,
 * which begin with binary bytes, never with this text. */
#define ANSWER_MAGIC "dalaba-enroll-answer 1\n"

void
bcast_key_fingerprint(const uint8_t pk[BCAST_PK_LEN],
    char fp[BCAST_FP_LEN + 1])
{
	uint8_t h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, pk, BCAST_PK_LEN);
	bcast_hex_encode(h, sizeof(h), fp);
}

int
bcast_enroll_seal(const uint8_t server_pk[BCAST_PK_LEN], const char *token,
    const uint8_t key[BCAST_SPEAKER_KEY_LEN],
    uint8_t sealed[BCAST_ENROLL_SEALED_LEN],
    uint8_t request[BCAST_ENROLL_REQUEST_LEN])
{
	uint8_t plain[REQ_PLAIN_LEN], xpk[crypto_box_PUBLICKEYBYTES];
	int rc = -1;

	static_assert(BCAST_ENROLL_SEALED_LEN == REQ_PLAIN_LEN +
	    crypto_box_SEALBYTES, "the sealed request's length");
	if (sodium_init() < 0 ||
	    crypto_sign_ed25519_pk_to_curve25519(xpk, server_pk) != 0)
		return -1;
	memcpy(plain, req_magic, sizeof(req_magic));
	if (token == NULL || bcast_hex_decode(token, plain + sizeof(req_magic),
	    BCAST_TOKEN_LEN / 2) != 0)
		goto out;
	memcpy(plain + sizeof(req_magic) + BCAST_TOKEN_LEN / 2, key,
	    BCAST_SPEAKER_KEY_LEN);
	if (crypto_box_seal(sealed, plain, sizeof(plain), xpk) != 0)
		goto out;
	bcast_enroll_request_id(sealed, request);
	rc = 0;
out:
	sodium_memzero(plain, sizeof(plain));
	return rc;
}

void
bcast_enroll_request_id(const uint8_t sealed[BCAST_ENROLL_SEALED_LEN],
    uint8_t request[BCAST_ENROLL_REQUEST_LEN])
{
	crypto_hash_sha256(request, sealed, BCAST_ENROLL_SEALED_LEN);
}

int
bcast_enroll_open(const uint8_t sk[BCAST_SK_LEN],
    const uint8_t sealed[BCAST_ENROLL_SEALED_LEN],
    char token[BCAST_TOKEN_LEN + 1], uint8_t key[BCAST_SPEAKER_KEY_LEN])
{
	uint8_t plain[REQ_PLAIN_LEN], xpk[crypto_box_PUBLICKEYBYTES],
	    xsk[crypto_box_SECRETKEYBYTES], pk[BCAST_PK_LEN];
	int rc = -1;

	crypto_sign_ed25519_sk_to_pk(pk, sk);
	if (crypto_sign_ed25519_pk_to_curve25519(xpk, pk) != 0 ||
	    crypto_sign_ed25519_sk_to_curve25519(xsk, sk) != 0)
		goto out;
	if (crypto_box_seal_open(plain, sealed, BCAST_ENROLL_SEALED_LEN, xpk,
	    xsk) != 0 || memcmp(plain, req_magic, sizeof(req_magic)) != 0)
		goto out;
	bcast_hex_encode(plain + sizeof(req_magic), BCAST_TOKEN_LEN / 2, token);
	memcpy(key, plain + sizeof(req_magic) + BCAST_TOKEN_LEN / 2,
	    BCAST_SPEAKER_KEY_LEN);
	rc = 0;
out:
	sodium_memzero(plain, sizeof(plain));
	sodium_memzero(xsk, sizeof(xsk));
	return rc;
}

/* A host name or an address (IPv4, or IPv6 without brackets): what a
 * configuration line can hold and a resolver can take, nothing else. */
int
bcast_enroll_address_ok(const char *a)
{
	size_t n = strlen(a);
	struct in6_addr v6;

	if (n == 0 || n >= sizeof(((struct bcast_enroll_info *)0)->address) ||
	    strspn(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789.-:") != n || a[0] == '-')
		return 0;
	/* A colon only in an IPv6 address: "host:port" is not an address. */
	return strchr(a, ':') == NULL || inet_pton(AF_INET6, a, &v6) == 1;
}

int
bcast_enroll_answer_sign(const uint8_t sk[BCAST_SK_LEN],
    const struct bcast_enroll_info *in, char *out, size_t cap, char *err,
    size_t errlen)
{
	char req[2 * BCAST_ENROLL_REQUEST_LEN + 1], pk[2 * BCAST_PK_LEN + 1],
	    sig[2 * crypto_sign_BYTES + 1];
	uint8_t s[crypto_sign_BYTES];
	struct bcast_zone z;

	if (in->id == 0 || bcast_zone_parse(in->zone, &z) != 0 ||
	    z.digits == 0 || !bcast_enroll_address_ok(in->address) ||
	    in->port < 1 ||
	    in->port > 65535) {
		snprintf(err, errlen, "an enrolment answer needs an id, a zone, "
		    "an address (a host name or IP address) and a port");
		return -1;
	}
	bcast_hex_encode(in->request, BCAST_ENROLL_REQUEST_LEN, req);
	bcast_hex_encode(in->server_pk, BCAST_PK_LEN, pk);
	int n = snprintf(out, cap, ANSWER_MAGIC "request = %s\nid = %u\n"
	    "zone = %s\naddress = %s\nport = %d\npublic_key = %s\n", req,
	    in->id, in->zone, in->address, in->port, pk);
	if (n < 0 || (size_t)n + sizeof("signature = \n") - 1 + sizeof(sig) > cap) {
		snprintf(err, errlen, "the enrolment answer does not fit");
		return -1;
	}
	crypto_sign_detached(s, NULL, (const uint8_t *)out, (size_t)n, sk);
	bcast_hex_encode(s, sizeof(s), sig);
	snprintf(out + n, cap - (size_t)n, "signature = %s\n", sig);
	return 0;
}

/* The value of the line "name = VALUE\n" at *p (before end), copied into
 * v (cap bytes); *p moves past it. -1 for any other line. */
static int
field(const char **p, const char *end, const char *name, char *v, size_t cap)
{
	size_t nl = strlen(name);
	const char *eol = memchr(*p, '\n', (size_t)(end - *p));

	if (eol == NULL || (size_t)(eol - *p) < nl + 3 ||
	    memcmp(*p, name, nl) != 0 || memcmp(*p + nl, " = ", 3) != 0)
		return -1;
	const char *s = *p + nl + 3;
	size_t n = (size_t)(eol - s);
	if (n == 0 || n >= cap || memchr(s, '\0', n) != NULL)
		return -1;
	memcpy(v, s, n);
	v[n] = '\0';
	*p = eol + 1;
	return 0;
}

/* v as a decimal number from 1 to max, digits only, no leading zero. */
static int
number(const char *v, unsigned long max, unsigned long *out)
{
	size_t len = strlen(v);

	if (len == 0 || len > 10 || v[0] < '1' || v[0] > '9' ||
	    strspn(v, "0123456789") != len)
		return -1;
	unsigned long long x = strtoull(v, NULL, 10);
	if (x > max)
		return -1;
	*out = (unsigned long)x;
	return 0;
}

int
bcast_enroll_answer_verify(const char *body, size_t len,
    const uint8_t server_pk[BCAST_PK_LEN],
    const uint8_t request[BCAST_ENROLL_REQUEST_LEN],
    struct bcast_enroll_info *out, char *err, size_t errlen)
{
	struct bcast_enroll_info a;
	char v[300];
	const char *p = body, *end = body + len, *what = NULL;
	uint8_t sig[crypto_sign_BYTES];
	struct bcast_zone z;
	unsigned long n = 0;

	memset(&a, 0, sizeof(a));
	/* One shape, in this order, and nothing before, between or after:
	 * no line of the answer reaches the box's configuration as text. */
	if (len < sizeof(ANSWER_MAGIC) - 1 ||
	    memcmp(body, ANSWER_MAGIC, sizeof(ANSWER_MAGIC) - 1) != 0) {
		snprintf(err, errlen, "not a dalaba enrolment answer (an older "
		    "server, or not a dalaba server)");
		return -1;
	}
	p += sizeof(ANSWER_MAGIC) - 1;
	if (field(&p, end, "request", v, sizeof(v)) != 0 ||
	    bcast_hex_decode(v, a.request, sizeof(a.request)) != 0)
		what = "request";
	else if (field(&p, end, "id", v, sizeof(v)) != 0 ||
	    number(v, UINT32_MAX, &n) != 0)
		what = "id";
	else if ((a.id = (uint32_t)n, field(&p, end, "zone", a.zone,
	    sizeof(a.zone))) != 0 || strspn(a.zone, "0123456789") !=
	    strlen(a.zone) || bcast_zone_parse(a.zone, &z) != 0 ||
	    z.digits == 0)
		what = "zone";
	else if (field(&p, end, "address", a.address, sizeof(a.address)) != 0 ||
	    !bcast_enroll_address_ok(a.address))
		what = "address";
	else if (field(&p, end, "port", v, sizeof(v)) != 0 ||
	    number(v, 65535, &n) != 0)
		what = "port";
	else if ((a.port = (int)n, field(&p, end, "public_key", v,
	    sizeof(v))) != 0 ||
	    bcast_hex_decode(v, a.server_pk, sizeof(a.server_pk)) != 0)
		what = "public_key";
	if (what != NULL) {
		snprintf(err, errlen, "the enrolment answer's %s line is missing "
		    "or malformed", what);
		return -1;
	}
	size_t signed_len = (size_t)(p - body);
	if (field(&p, end, "signature", v, sizeof(v)) != 0 ||
	    bcast_hex_decode(v, sig, sizeof(sig)) != 0) {
		snprintf(err, errlen, "the enrolment answer's signature line is "
		    "missing or malformed");
		return -1;
	}
	if (p != end) {
		snprintf(err, errlen, "the enrolment answer has more after its "
		    "signature (%zu bytes): refused", (size_t)(end - p));
		return -1;
	}
	/* The signature first, with the key the box checked against its
	 * fingerprint (never the one the answer names), then what it says. */
	if (crypto_sign_verify_detached(sig, (const uint8_t *)body, signed_len,
	    server_pk) != 0) {
		snprintf(err, errlen, "the enrolment answer is not signed by the "
		    "server's key (a man in the middle?): refused");
		return -1;
	}
	if (sodium_memcmp(a.server_pk, server_pk, BCAST_PK_LEN) != 0) {
		snprintf(err, errlen, "the enrolment answer names another server "
		    "key than the one it is signed with: refused");
		return -1;
	}
	if (sodium_memcmp(a.request, request, BCAST_ENROLL_REQUEST_LEN) != 0) {
		snprintf(err, errlen, "the enrolment answer is for another "
		    "request (replayed?): refused");
		return -1;
	}
	*out = a;
	return 0;
}
