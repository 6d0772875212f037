/*
 * fuzz_packet.c — libFuzzer target for everything a speaker or the server
 * reads off the network: audio packets, HELLOs, replies, NACKs, carry
 * reports and revokes. Any bytes in:
 * a verdict out, never a crash or an overread, and never BCAST_OK without
 * the key that signed it (the fuzzer does not have it).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "broadcaster/broadcaster.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t pk[BCAST_PK_LEN], sk[BCAST_SK_LEN], key[32];
	static uint8_t tk[BCAST_TICKET_KEY_LEN];
	static int ready;
	struct bcast_audio a;
	struct bcast_hello h;
	struct bcast_reply r;
	struct bcast_nack n;
	uint32_t id;

	if (!ready) {
		if (sodium_init() < 0)
			abort();
		/* A fixed key pair, so runs are reproducible. */
		uint8_t seed[32] = { 7 };
		crypto_sign_seed_keypair(pk, sk, seed);
		memset(key, 9, sizeof(key));
		bcast_ticket_key(key, tk);
		ready = 1;
	}
	if (bcast_audio_parse(data, size, pk, &a) == BCAST_OK)
		abort();	/* a forged packet was accepted */
	(void)bcast_hello_peek_id(data, size, &id);
	if (bcast_hello_parse(data, size, key, &h) == BCAST_OK)
		abort();
	if (bcast_reply_parse(data, size, pk, NULL, &r) == BCAST_OK ||
	    bcast_reply_parse(data, size, pk, tk, &r) == BCAST_OK)
		abort();
	/* The ticket is only a filter, and must stay in bounds. */
	if (bcast_audio_peek(data, size, &a) == BCAST_OK &&
	    (a.opus != data + BCAST_HDR_LEN ||
	    a.opus_len != size - BCAST_HDR_LEN - BCAST_TRAILER_LEN))
		abort();
	(void)bcast_ticket_check(tk, data, size);
	(void)bcast_nack_peek_id(data, size, &id);
	if (bcast_nack_parse(data, size, key, &n) == BCAST_OK)
		abort();
	struct bcast_carry_report cr;
	uint32_t ssrc;
	int reason;
	(void)bcast_creport_peek_id(data, size, &id);
	if (bcast_creport_parse(data, size, key, &cr) == BCAST_OK ||
	    bcast_revoke_parse(data, size, pk, NULL, &ssrc, &reason) == BCAST_OK ||
	    bcast_revoke_parse(data, size, pk, tk, &ssrc, &reason) == BCAST_OK)
		abort();
	/* A report with a valid MAC: only the kinds there are pass. */
	if (size == BCAST_CREPORT_LEN && memcmp(data, "DLBA", 4) == 0) {
		uint8_t pkt[BCAST_CREPORT_LEN];
		memcpy(pkt, data, size);
		crypto_auth_hmacsha256(pkt + BCAST_CREPORT_LEN - 32, pkt,
		    BCAST_CREPORT_LEN - 32, key);
		if (bcast_creport_parse(pkt, size, key, &cr) == BCAST_OK &&
		    (cr.kind < BCAST_CARRY_HELD || cr.kind > BCAST_CARRY_FORGOTTEN))
			abort();
	}
	/* A NACK with a valid MAC: the parse after it must stay in bounds
	 * and refuse a span past the 48-bit sequence space. */
	if (size == BCAST_NACK_LEN && memcmp(data, "DLBN", 4) == 0) {
		uint8_t pkt[BCAST_NACK_LEN];
		memcpy(pkt, data, size);
		crypto_auth_hmacsha256(pkt + BCAST_NACK_OFF_MAC, pkt,
		    BCAST_NACK_OFF_MAC, key);
		if (bcast_nack_parse(pkt, size, key, &n) == BCAST_OK &&
		    n.base > (UINT64_C(1) << 48) - BCAST_NACK_SPAN)
			abort();
	}

	/* Then sign the input as the server would, to reach the parsing that
	 * only happens after a signature verifies. */
	if (size > BCAST_HDR_LEN + BCAST_TRAILER_LEN && size <= BCAST_MAX_PACKET) {
		uint8_t pkt[BCAST_MAX_PACKET], msg[BCAST_MAX_PACKET];
		size_t opus_len = size - BCAST_HDR_LEN - BCAST_TRAILER_LEN;
		memcpy(pkt, data, size);
		memcpy(msg, pkt, BCAST_AUDIO_OFF_SIG_ELEM);
		memcpy(msg + BCAST_AUDIO_OFF_SIG_ELEM, pkt + BCAST_HDR_LEN, opus_len);
		crypto_sign_detached(pkt + BCAST_AUDIO_OFF_SIG, NULL, msg,
		    BCAST_AUDIO_OFF_SIG_ELEM + opus_len, sk);
		if (bcast_audio_parse(pkt, size, pk, &a) == BCAST_OK &&
		    (a.opus != pkt + BCAST_HDR_LEN || a.opus_len != opus_len ||
		    a.zone.digits > 12 || a.priority > BCAST_PRIO_EMERGENCY))
			abort();
	}
	return 0;
}
