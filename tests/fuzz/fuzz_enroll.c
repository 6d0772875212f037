/*
 * fuzz_enroll.c — libFuzzer target for the enrolment answers as the box
 * receives them (spk_enroll_key, then spk_enroll_answer): any bytes from
 * the network in, the server's key, the box's configuration or a refusal
 * out. A refusal says why, in printable text, and leaves the
 * configuration untouched; an accepted answer sets only the enrolment
 * fields, passes the agent's own check, and the file the box writes from
 * it reads back the same. The server key is fixed (seed FUZZ_SEED) and so
 * is the request, so the corpus can hold genuinely signed answers
 * (tests/fuzz/corpus/enroll/signed_*) for the fuzzer to mutate.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "speakers/speaker.h"

/* The corpus's server key and request: crypto_sign_seed_keypair of 32
 * bytes 0x42, and 32 bytes 0x52 as the request's id. */
#define FUZZ_SEED 0x42
#define FUZZ_REQUEST 0x52

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spk_config c, before, back;
	char err[512] = "", *text = NULL;
	size_t len;

	static uint8_t pk[BCAST_PK_LEN], sk[BCAST_SK_LEN], req[32], got[32];
	static char fp[BCAST_FP_LEN + 1];

	if (size > 16384)
		return 0;	/* spk_enroll refuses longer answers unread */
	if (fp[0] == '\0') {
		uint8_t seed[crypto_sign_SEEDBYTES];
		memset(seed, FUZZ_SEED, sizeof(seed));
		if (sodium_init() < 0)
			abort();
		crypto_sign_seed_keypair(pk, sk, seed);
		memset(req, FUZZ_REQUEST, sizeof(req));
		bcast_key_fingerprint(pk, fp);
	}
	/* The first answer: the key, only if it is the fingerprint's. */
	memset(got, 0, sizeof(got));
	if (spk_enroll_key((const char *)data, size, fp, got, err,
	    sizeof(err)) == 0) {
		if (memcmp(got, pk, sizeof(pk)) != 0)
			abort();
	} else if (err[0] == '\0' || memcmp(got, (uint8_t[32]){ 0 }, 32) != 0)
		abort();

	err[0] = '\0';
	spk_config_default(&c);
	memset(c.key, 0x4b, sizeof(c.key));	/* the box's own */
	strcpy(c.output, "wav:/var/lib/dalaba/out.wav");
	c.volume = 65;
	memcpy(&before, &c, sizeof(c));
	if (spk_enroll_answer((const char *)data, size, pk, req, &c, err,
	    sizeof(err)) != 0) {
		if (err[0] == '\0' || memcmp(&c, &before, sizeof(c)) != 0)
			abort();
		for (const unsigned char *p = (const unsigned char *)err; *p;
		    p++)
			if (*p < 0x20 || *p == 0x7f || (*p == 0xc2 &&
			    p[1] >= 0x80 && p[1] <= 0x9f))
				abort();	/* nothing for a terminal to obey */
		return 0;
	}
	/* Only the enrolment fields moved; the box's own stayed. */
	if (strcmp(c.output, before.output) != 0 || c.volume != before.volume ||
	    memcmp(c.key, before.key, sizeof(c.key)) != 0 ||
	    memcmp(c.server_pk, pk, sizeof(pk)) != 0 ||
	    c.hello_ms != before.hello_ms || strcmp(c.stats, before.stats) != 0 ||
	    strcmp(c.trace, before.trace) != 0)
		abort();
	if (spk_config_check(&c, err, sizeof(err)) != 0)
		abort();	/* an accepted answer makes a working box */

	FILE *f = open_memstream(&text, &len);
	if (f == NULL || spk_config_write(f, &c) != 0)
		abort();
	fclose(f);
	spk_config_default(&back);
	if (spk_config_parse(&back, text, len, "speaker.conf", SPK_CONF_ALL, err,
	    sizeof(err)) != 0 || back.id != c.id || strcmp(back.zone, c.zone) ||
	    memcmp(back.key, c.key, sizeof(c.key)) ||
	    strcmp(back.server, c.server) || back.port != c.port ||
	    memcmp(back.server_pk, c.server_pk, sizeof(c.server_pk)) ||
	    strcmp(back.output, c.output) || back.volume != c.volume)
		abort();
	free(text);
	return 0;
}
