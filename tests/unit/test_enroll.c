/*
 * test_enroll.c — enrolment as both ends do it (broadcaster/enroll.c and
 * enroll_msg.c), without HTTP: the server's key is answered for the box to
 * check against its fingerprint; the token and the box's key travel sealed
 * to that key; the answer is signed and bound to its request. Every change
 * a man in the middle could make to the answer is refused by the box's
 * check, and the server refuses what it cannot open, a token in clear, a
 * token twice, and a key it cannot keep.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "broadcaster/broadcaster.h"
#include "tests/unit/harness.h"

static int keep_fails, kept, undone;
static uint8_t kept_key[BCAST_SPEAKER_KEY_LEN];

static int
k_take(void *arg, const char *token, uint32_t *id, char zone[13])
{
	return bcast_enroll_token_take(arg, token, id, zone);
}

static int
k_keep(void *arg, const struct bcast_enrolled *e)
{
	(void)arg;
	if (keep_fails)
		return -1;
	memcpy(kept_key, e->key, sizeof(kept_key));
	kept++;
	return 0;
}

static void
k_undo(void *arg)
{
	(void)arg;
	undone++;
}

static const struct bcast_enroll_keeper keeper = { k_take, k_keep, k_undo };

/* Seal token with a fresh box key to pk; the hex of the request in hex. */
static void
seal(const uint8_t pk[BCAST_PK_LEN], const char *token, uint8_t key[32],
    uint8_t request[32], char hex[2 * BCAST_ENROLL_SEALED_LEN + 1])
{
	uint8_t sealed[BCAST_ENROLL_SEALED_LEN];

	randombytes_buf(key, 32);
	CHECK(bcast_enroll_seal(pk, token, key, sealed, request) == 0,
	    "a request is sealed");
	bcast_hex_encode(sealed, sizeof(sealed), hex);
}

/* verify answer after replacing the first occurrence of from by to. */
static int
verify_edited(const char *answer, const char *from, const char *to,
    const uint8_t pk[BCAST_PK_LEN], const uint8_t request[32], char *err,
    size_t errlen)
{
	char buf[4096];
	struct bcast_enroll_info info;
	const char *at = strstr(answer, from);

	if (at == NULL)
		return 99;
	snprintf(buf, sizeof(buf), "%.*s%s%s", (int)(at - answer), answer, to,
	    at + strlen(from));
	memset(&info, 0xee, sizeof(info));
	int rc = bcast_enroll_answer_verify(buf, strlen(buf), pk, request, &info,
	    err, errlen);
	return rc;
}

int
main(void)
{
	uint8_t pk[BCAST_PK_LEN], sk[BCAST_SK_LEN], other_pk[BCAST_PK_LEN],
	    other_sk[BCAST_SK_LEN], key[32], req[32], req2[32], key2[32];
	char err[256], out[2048], answer[2048], tok[BCAST_TOKEN_LEN + 1],
	    tok2[BCAST_TOKEN_LEN + 1], tok3[BCAST_TOKEN_LEN + 1],
	    hex[2 * BCAST_ENROLL_SEALED_LEN + 1], hex2[sizeof(hex)],
	    fp[BCAST_FP_LEN + 1], fp2[BCAST_FP_LEN + 1], pkhex[65];
	struct bcast_enroll_info info;
	struct bcast_speaker_info in;

	if (sodium_init() < 0)
		return 1;
	crypto_sign_keypair(pk, sk);
	crypto_sign_keypair(other_pk, other_sk);
	struct bcast_config cfg = { .bind_addr = "127.0.0.1", .port = -1,
	    .sk = sk };
	struct bcast_server *s = bcast_server_new(&cfg, err, sizeof(err));
	CHECK(s != NULL, "server starts: %s", s ? "ok" : err);
	if (s == NULL)
		return t_done();

	/* The fingerprint: SHA-256 of the public key, the server's own. */
	uint8_t h[32];
	char hh[65];
	crypto_hash_sha256(h, pk, sizeof(pk));
	bcast_hex_encode(h, sizeof(h), hh);
	bcast_key_fingerprint(pk, fp);
	bcast_server_public_key(s, NULL, fp2);
	CHECK(strlen(fp) == BCAST_FP_LEN && strcmp(fp, hh) == 0 &&
	    strcmp(fp, fp2) == 0, "the fingerprint is the key's SHA-256, the "
	    "same from the server (%s)", fp);

	/* Step 1: the key, for the box to check. */
	CHECK(bcast_enroll_serve(s, &keeper, s, "GET", NULL, NULL, "h", 5004,
	    "test", out, sizeof(out)) == 200, "GET /enroll answers");
	bcast_hex_encode(pk, sizeof(pk), pkhex);
	char want[128];
	snprintf(want, sizeof(want), "dalaba-enroll-key 1\npublic_key = %s\n",
	    pkhex);
	CHECK_STREQ(out, want, "with the server's public key, nothing else");

	CHECK(bcast_enroll_token_new(s, 77, "110101001002", 60, tok, err,
	    sizeof(err)) == 0 && bcast_enroll_token_new(s, 78, "110101001002", 60,
	    tok2, err, sizeof(err)) == 0 && bcast_enroll_token_new(s, 79,
	    "110101001003", 60, tok3, err, sizeof(err)) == 0,
	    "three enrolment tokens");

	/* What the server refuses. */
	seal(pk, tok, key, req, hex);
	CHECK(bcast_enroll_serve(s, &keeper, s, "POST", hex, NULL, "h", 5004,
	    "test", out, sizeof(out)) == 405, "only GET enrols");
	CHECK(bcast_enroll_serve(s, &keeper, s, "GET", NULL, tok, "h", 5004,
	    "test", out, sizeof(out)) == 400 && strstr(out, "in clear"),
	    "a token sent in clear (an old box) is refused: %s", out);
	CHECK(bcast_enroll_serve(s, &keeper, s, "GET", "abc", NULL, "h", 5004,
	    "test", out, sizeof(out)) == 403, "not a sealed request: 403");
	seal(other_pk, tok, key2, req2, hex2);
	CHECK(bcast_enroll_serve(s, &keeper, s, "GET", hex2, NULL, "h", 5004,
	    "test", out, sizeof(out)) == 403 && strstr(out, "sealed"),
	    "a request sealed to another key is refused (%s)", out);
	hex2[10] = hex2[10] == '0' ? '1' : '0';
	CHECK(bcast_enroll_serve(s, &keeper, s, "GET", hex2, NULL, "h", 5004,
	    "test", out, sizeof(out)) == 403, "and so is a tampered one");
	CHECK(kept == 0 && undone == 0, "none of them reached the keeper");

	keep_fails = 1;
	seal(pk, tok2, key2, req2, hex2);
	CHECK(bcast_enroll_serve(s, &keeper, s, "GET", hex2, NULL, "h", 5004,
	    "test", out, sizeof(out)) == 500 && undone == 1 &&
	    bcast_registry_get(s, 78, &in) != 0 &&
	    strstr(out, "signature") == NULL, "a key the keeper cannot keep "
	    "is undone, never registered, and nothing signed is sent (%s)", out);
	keep_fails = 0;

	/* The genuine enrolment: the token (sent in clear first, unspent)
	 * works sealed; the server keeps the box's own key. */
	CHECK(bcast_enroll_serve(s, &keeper, s, "GET", hex, NULL,
	    "county.example", 5004, "test", answer, sizeof(answer)) == 200 &&
	    kept == 1 && memcmp(kept_key, key, 32) == 0 &&
	    bcast_registry_get(s, 77, &in) == 0, "a sealed token enrols its "
	    "speaker: the box's own key kept and registered");
	CHECK(strncmp(answer, "dalaba-enroll-answer 1\nrequest = ", 33) == 0 &&
	    strstr(answer, "\nid = 77\n") && strstr(answer,
	    "\naddress = county.example\nport = 5004\n") &&
	    strstr(answer, "\nsignature = "), "the answer: %s", answer);
	char keyhex[65];
	bcast_hex_encode(key, 32, keyhex);
	CHECK(strstr(answer, keyhex) == NULL, "the box's key is not in it");
	memset(&info, 0, sizeof(info));
	CHECK(bcast_enroll_answer_verify(answer, strlen(answer), pk, req, &info,
	    err, sizeof(err)) == 0 && info.id == 77 &&
	    strcmp(info.zone, "110101001002") == 0 &&
	    strcmp(info.address, "county.example") == 0 && info.port == 5004 &&
	    memcmp(info.server_pk, pk, 32) == 0, "the box verifies it: %s",
	    err);
	CHECK(bcast_enroll_serve(s, &keeper, s, "GET", hex, NULL, "h", 5004,
	    "test", out, sizeof(out)) == 403 && kept == 1,
	    "the same request replayed is refused: the token is spent (%s)",
	    out);

	/* What a man in the middle may change, each refused by the box. */
	static const struct { const char *from, *to, *what; } mitm[] = {
		{ "address = county.example", "address = 10.6.6.6",
		    "a replaced address" },
		{ "port = 5004", "port = 6666", "a replaced port" },
		{ "id = 77", "id = 78", "a replaced id" },
		{ "zone = 110101001002", "zone = 110101001001",
		    "a replaced zone" },
		{ "\nsignature", "\n[agent]\nstats = /etc/passwd\nsignature",
		    "a line added before the signature" },
		{ "dalaba-enroll-answer 1\n", "dalaba-enroll-answer 1\n\n",
		    "an empty line" },
		{ "port = 5004\n", "port = 5004\r\n", "a CR" },
		{ "port = 5004\n", "port = 05004\n", "a leading zero" },
	};
	for (size_t i = 0; i < sizeof(mitm) / sizeof(mitm[0]); i++) {
		err[0] = '\0';
		int rc = verify_edited(answer, mitm[i].from, mitm[i].to, pk, req,
		    err, sizeof(err));
		CHECK(rc == -1 && err[0] != '\0', "%s is refused: %s",
		    mitm[i].what, err);
	}
	/* Appended after the signature. */
	char longer[2200];
	snprintf(longer, sizeof(longer), "%s[agent]\nstats = /tmp/x\n", answer);
	CHECK(bcast_enroll_answer_verify(longer, strlen(longer), pk, req, &info,
	    err, sizeof(err)) == -1 && strstr(err, "after its signature"),
	    "lines appended after the signature are refused: %s", err);
	/* A replaced key: the answer re-signed by the attacker's key, naming it. */
	struct bcast_enroll_info forged = info;
	memcpy(forged.server_pk, other_pk, 32);
	char fake[2048];
	CHECK(bcast_enroll_answer_sign(other_sk, &forged, fake, sizeof(fake),
	    err, sizeof(err)) == 0 && bcast_enroll_answer_verify(fake,
	    strlen(fake), pk, req, &info, err, sizeof(err)) == -1 &&
	    strstr(err, "not signed"), "an answer signed by another key "
	    "(a replaced public_key) is refused: %s", err);
	/* Our key named, signed by the attacker's. */
	forged = info;
	CHECK(bcast_enroll_answer_sign(other_sk, &forged, fake, sizeof(fake),
	    err, sizeof(err)) == 0 && bcast_enroll_answer_verify(fake,
	    strlen(fake), pk, req, &info, err, sizeof(err)) == -1,
	    "and so is one naming the right key but signed by another");
	/* A genuine answer, replayed to a box that sent another request. */
	uint8_t key3[32], req3[32];
	char hex3[sizeof(hex)];
	seal(pk, tok3, key3, req3, hex3);
	CHECK(bcast_enroll_answer_verify(answer, strlen(answer), pk, req3, &info,
	    err, sizeof(err)) == -1 && strstr(err, "another request"),
	    "a genuine answer to another request (another token) is refused: "
	    "%s", err);
	/* The signer refuses what a box could not take. */
	forged = info;
	snprintf(forged.address, sizeof(forged.address), "a b\n[agent]");
	CHECK(bcast_enroll_answer_sign(sk, &forged, fake, sizeof(fake), err,
	    sizeof(err)) == -1, "an address with spaces or newlines is not "
	    "signed: %s", err);
	CHECK(bcast_enroll_answer_sign(sk, &info, fake, 100, err,
	    sizeof(err)) == -1, "an answer that does not fit is refused");

	/* What an answer may name as the server's address. */
	static const char *const good[] = { "county.example", "10.0.0.1",
	    "fd00::1", "::1", "a-b.c" };
	static const char *const bad[] = { "", "county.example:8081",
	    "[fd00::1]", "-o", "a b", "a\nb", "x/y", "a_b" };
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		CHECK(bcast_enroll_address_ok(good[i]), "\"%s\" is an address",
		    good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(!bcast_enroll_address_ok(bad[i]), "\"%.*s\" is not",
		    (int)strcspn(bad[i], "\n"), bad[i]);
	seal(pk, tok3, key3, req3, hex3);
	CHECK(bcast_enroll_serve(s, &keeper, s, "GET", hex3, NULL,
	    "county.example:8081", 5004, "test", out, sizeof(out)) == 500 &&
	    strstr(out, "advertise"), "a server whose own address a box "
	    "cannot take refuses before the token is taken (%s)", out);

	/* The seal hides token and key; only this server opens it. */
	uint8_t sealed[BCAST_ENROLL_SEALED_LEN], okey[32];
	char otok[BCAST_TOKEN_LEN + 1];
	bcast_hex_decode(hex3, sealed, sizeof(sealed));
	CHECK(bcast_enroll_open(other_sk, sealed, otok, okey) == -1,
	    "another key cannot open a request");
	CHECK(bcast_enroll_open(sk, sealed, otok, okey) == 0 &&
	    strcmp(otok, tok3) == 0 && memcmp(okey, key3, 32) == 0,
	    "the server's key can, token and key intact");
	CHECK(strstr(hex3, tok3) == NULL, "the token is not in the request");
	CHECK(bcast_enroll_seal(pk, "not-a-token", key3, sealed, req3) == -1,
	    "only a token is sealed");

	bcast_server_free(s);
	return t_done();
}
