/*
 * forge.c — a hostile server for the security test. It answers one
 * speaker's HELLOs with the real server key (so the speaker syncs), then
 * sends a short legitimate stream mixed, in seeded random order, with
 * attack packets of known kinds. It prints how many of each it sent, in the
 * speaker's stats vocabulary, so the test compares the two.
 *
 *   forge KEYFILE SPEAKER_KEYHEX PORT ZONE SEED
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <opus/opus.h>
#include <sodium.h>

#include "broadcaster/broadcaster.h"

#define LEGIT 40		/* frames of real audio */
#define N_FORMAT 1000
#define N_SIG 2000
#define N_STALE 500
#define N_ZONE 500
#define N_TICKET 1000
#define N_SNIFF 500

struct pkt {
	uint8_t d[BCAST_MAX_PACKET];
	int len;
	/* 1 + the legitimate frame it shares a stream and sequence number
	 * with (0: none): once that frame is in, the box drops it as a
	 * replay before checking its signature. */
	int same_as;
	int legit;
	int bad_sig;		/* one of the N_SIG kind */
};

static uint64_t rng;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

int
main(int argc, char **argv)
{
	uint8_t pk[BCAST_PK_LEN], sk[BCAST_SK_LEN], spk_key[32];
	uint8_t tk[BCAST_TICKET_KEY_LEN], other_tk[BCAST_TICKET_KEY_LEN];
	uint8_t evil_pk[BCAST_PK_LEN], evil_sk[BCAST_SK_LEN];
	char err[256];

	if (argc != 6 || bcast_server_key_load(argv[1], pk, sk, err,
	    sizeof(err)) != 0 || bcast_hex_decode(argv[2], spk_key, 32) != 0) {
		fprintf(stderr, "usage: forge KEYFILE SPEAKER_KEYHEX PORT ZONE SEED\n");
		return 2;
	}
	rng = strtoull(argv[5], NULL, 10) | 1;
	/* The forger knows the box's ticket key, so that its bad signatures
	 * reach the signature check: an outsider's packets, which carry
	 * another key's tickets, are the N_TICKET kind. */
	bcast_ticket_key(spk_key, tk);
	{
		uint8_t other[32];
		randombytes_buf(other, sizeof(other));
		bcast_ticket_key(other, other_tk);
	}
	crypto_sign_keypair(evil_pk, evil_sk);

	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET,
	    .sin_port = htons((uint16_t)atoi(argv[3])) };
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		perror("bind");
		return 1;
	}

	/* Answer HELLOs until the speaker has had three replies. */
	struct sockaddr_storage spk;
	socklen_t spklen = 0;
	int replies = 0;
	for (int i = 0; i < 200 && replies < 3; i++) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, 100) <= 0)
			continue;
		uint8_t buf[256], out[BCAST_REPLY_LEN];
		struct bcast_hello h;
		spklen = sizeof(spk);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0,
		    (struct sockaddr *)&spk, &spklen);
		if (n <= 0 || bcast_hello_parse(buf, (size_t)n, spk_key, &h) !=
		    BCAST_OK)
			continue;
		struct bcast_reply r = { h.speaker_id, h.counter, h.t1_us,
		    bcast_server_now_us(), bcast_server_now_us(), { 0 },
		    BCAST_VOLUME_DEFAULT };
		bcast_reply_pack(&r, sk, tk, out, sizeof(out));
		sendto(fd, out, sizeof(out), 0, (struct sockaddr *)&spk, spklen);
		replies++;
	}
	if (replies < 3) {
		fprintf(stderr, "forge: the speaker never said HELLO\n");
		return 1;
	}

	/* The legitimate stream: a 440 Hz tone, 60 ms frames, starting 2.5 s
	 * ahead, after all the packets below have been sent. */
	int oerr;
	OpusEncoder *enc = opus_encoder_create(BCAST_RATE, 1,
	    OPUS_APPLICATION_VOIP, &oerr);
	opus_encoder_ctl(enc, OPUS_SET_BITRATE(BCAST_OPUS_BITRATE));
	static struct pkt legit[LEGIT];
	int64_t t0 = bcast_server_now_us() + 2500000;
	for (int i = 0; i < LEGIT; i++) {
		int16_t pcm[BCAST_FRAME_SAMPLES];
		uint8_t opus[BCAST_MAX_OPUS];
		for (int k = 0; k < BCAST_FRAME_SAMPLES; k++)
			pcm[k] = (int16_t)(8000 * __builtin_sin(2 * 3.14159265 *
			    440 * (i * BCAST_FRAME_SAMPLES + k) / BCAST_RATE));
		struct bcast_audio au = { .ssrc = 0x1111, .seq = (uint64_t)i,
		    .timestamp = (uint32_t)(i * BCAST_FRAME_SAMPLES),
		    .pts_us = t0 + (int64_t)i * BCAST_FRAME_MS * 1000,
		    .priority = BCAST_PRIO_VILLAGE, .volume = BCAST_VOLUME_DEFAULT,
		    .flags = (uint8_t)(i == 0 ? BCAST_FLAG_START :
		    i == LEGIT - 1 ? BCAST_FLAG_END : 0), .opus = opus };
		bcast_zone_parse(argv[4], &au.zone);
		au.opus_len = (size_t)opus_encode(enc, pcm, BCAST_FRAME_SAMPLES,
		    opus, sizeof(opus));
		legit[i].len = bcast_audio_pack(&au, sk, legit[i].d,
		    sizeof(legit[i].d));
		bcast_ticket_set(tk, legit[i].d, (size_t)legit[i].len);
	}

	/* Attack packets, each of a known kind. */
	int total = 2 * LEGIT + N_FORMAT + N_SIG + N_STALE + N_ZONE + N_TICKET +
	    N_SNIFF;
	struct pkt *all = calloc((size_t)total, sizeof(*all));
	int n = 0, n_replayed = 0, n_format = 0, n_sig = 0, n_stale = 0, n_zone = 0;
	int n_ticket = 0;
	for (int i = 0; i < LEGIT; i++) {
		legit[i].same_as = i + 1;
		legit[i].legit = 1;
		all[n++] = legit[i];
		all[n++] = legit[i];		/* replayed copy */
		n_replayed++;
	}
	for (int i = 0; i < N_FORMAT; i++, n_format++) {
		struct pkt *p = &all[n++];
		*p = legit[rnd() % LEGIT];
		p->legit = p->same_as = 0;
		switch (i % 4) {
		case 0: p->len = (int)(rnd() % BCAST_HDR_LEN); break;	/* truncated */
		case 1: p->d[1] ^= 0x01; break;				/* wrong PT */
		case 2: p->d[13] ^= 0x01; break;			/* ext profile */
		case 3:							/* garbage */
			p->len = 1 + (int)(rnd() % 1200);
			for (int k = 0; k < p->len; k++)
				p->d[k] = (uint8_t)rnd();
			p->d[0] = (uint8_t)(p->d[0] & 0x7f);	/* never 0xB0, ours */
			break;
		}
	}
	for (int i = 0; i < N_SIG; i++) {
		struct pkt *p = &all[n++];
		*p = legit[rnd() % LEGIT];
		p->legit = 0;
		p->bad_sig = 1;
		if (i % 3 == 0) {
			/* Flip a byte that only the signature guards: the RTP
			 * timestamp, the flags, the volume, the signature or
			 * the Opus payload (a flipped time, zone or sequence
			 * is refused by the cheaper checks before it). */
			int k;
			do {
				k = (int)(rnd() % (uint32_t)(p->len -
				    BCAST_TRAILER_LEN));
			} while (!((k >= BCAST_AUDIO_OFF_TS &&
			    k < BCAST_AUDIO_OFF_SSRC) ||
			    k == BCAST_AUDIO_OFF_FLAGS ||
			    k == BCAST_AUDIO_OFF_VOLUME ||
			    k >= BCAST_AUDIO_OFF_SIG));
			p->d[k] ^= (uint8_t)(1 + rnd() % 255);
		} else if (i % 3 == 1) {
			/* re-signed by an attacker's key */
			struct bcast_audio au;
			uint8_t tmp[BCAST_MAX_PACKET];
			memcpy(tmp, p->d, (size_t)p->len);
			bcast_audio_parse(tmp, (size_t)p->len, pk, &au);
			au.seq += 1000;
			p->len = bcast_audio_pack(&au, evil_sk, p->d, sizeof(p->d));
			p->same_as = 0;
		} else {
			/* unsigned */
			memset(p->d + BCAST_AUDIO_OFF_SIG, 0, BCAST_SIG_LEN);
		}
		bcast_ticket_set(tk, p->d, (size_t)p->len);
	}
	for (int i = 0; i < N_STALE + N_ZONE; i++) {
		struct pkt *p = &all[n++];
		struct bcast_audio au;
		uint8_t tmp[BCAST_MAX_PACKET];
		*p = legit[rnd() % LEGIT];
		p->legit = p->same_as = 0;
		memcpy(tmp, p->d, (size_t)p->len);
		bcast_audio_parse(tmp, (size_t)p->len, pk, &au);
		au.ssrc = 0x2222 + (uint32_t)i;
		au.seq = (uint64_t)i;
		if (i < N_STALE) {
			/* validly signed, but an hour old or an hour early */
			au.pts_us += (i % 2 ? 1 : -1) * 3600LL * 1000000;
			n_stale++;
		} else {
			/* validly signed for another village and county */
			bcast_zone_parse(i % 2 ? "110101001002" : "120000", &au.zone);
			n_zone++;
		}
		p->len = bcast_audio_pack(&au, sk, p->d, sizeof(p->d));
		bcast_ticket_set(tk, p->d, (size_t)p->len);
	}
	for (int i = 0; i < N_TICKET; i++, n_ticket++) {
		/* Signed by the server, even, but not sent to this box: no
		 * ticket (a packet as packed), or another box's. */
		struct pkt *p = &all[n++];
		struct bcast_audio au;
		uint8_t tmp[BCAST_MAX_PACKET];
		*p = legit[rnd() % LEGIT];
		p->legit = p->same_as = 0;
		memcpy(tmp, p->d, (size_t)p->len);
		bcast_audio_parse(tmp, (size_t)p->len, pk, &au);
		au.ssrc = 0x3333;
		au.seq = (uint64_t)i;
		p->len = bcast_audio_pack(&au, i % 2 ? sk : evil_sk, p->d,
		    sizeof(p->d));
		if (i % 4 < 2)
			bcast_ticket_set(other_tk, p->d, (size_t)p->len);
	}
	for (int i = 0; i < N_SNIFF; i++, n_ticket++) {
		/* A sniffer's: a genuine packet with its genuine ticket, a
		 * payload or signature byte changed (for a packet the box
		 * missed, this used to cost it a signature check each). */
		struct pkt *p = &all[n++];
		*p = legit[rnd() % LEGIT];
		p->legit = p->same_as = 0;
		int k = BCAST_AUDIO_OFF_SIG + 16 + (int)(rnd() % (uint32_t)(p->len -
		    BCAST_TRAILER_LEN - BCAST_AUDIO_OFF_SIG - 16));
		p->d[k] ^= (uint8_t)(1 + rnd() % 255);
	}
	/* Shuffle all but keep each legit packet before its replayed copy:
	 * swap only packets of different kinds is overkill; a plain
	 * Fisher-Yates then a pass that orders legit pairs is enough. */
	for (int i = n - 1; i > 0; i--) {
		int j = (int)(rnd() % (uint32_t)(i + 1));
		struct pkt t = all[i];
		all[i] = all[j];
		all[j] = t;
	}
	/* In this order: a bad signature on a frame already in is refused
	 * as a replay, unverified; before it, by its signature. */
	int in[LEGIT + 1] = { 0 };
	for (int i = 0; i < n; i++) {
		if (all[i].legit)
			in[all[i].same_as] = 1;
		else if (all[i].bad_sig && all[i].same_as && in[all[i].same_as])
			n_replayed++;
		else if (all[i].bad_sig)
			n_sig++;
	}
	for (int i = 0; i < n; i++) {
		sendto(fd, all[i].d, (size_t)(all[i].len > 0 ? all[i].len : 0), 0,
		    (struct sockaddr *)&spk, spklen);
		if (i % 4 == 3)
			usleep(1000);	/* ~1 s in all: a slow (sanitizer) build keeps up */
	}
	/* Keep answering HELLOs until the legit stream has played. */
	int64_t end = t0 + LEGIT * 60000 + 1500000;
	while (bcast_server_now_us() < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, 100) <= 0)
			continue;
		uint8_t buf[256], out[BCAST_REPLY_LEN];
		struct bcast_hello h;
		ssize_t r = recv(fd, buf, sizeof(buf), 0);
		if (r > 0 && bcast_hello_parse(buf, (size_t)r, spk_key, &h) ==
		    BCAST_OK) {
			struct bcast_reply rp = { h.speaker_id, h.counter, h.t1_us,
			    bcast_server_now_us(), bcast_server_now_us(), { 0 },
		    BCAST_VOLUME_DEFAULT };
			bcast_reply_pack(&rp, sk, tk, out, sizeof(out));
			sendto(fd, out, sizeof(out), 0, (struct sockaddr *)&spk, spklen);
		}
	}
	printf("legit %d\ndropped_bad_format %d\ndropped_bad_signature %d\n"
	    "dropped_replayed %d\ndropped_stale %d\ndropped_wrong_zone %d\n"
	    "dropped_bad_ticket %d\n",
	    LEGIT, n_format, n_sig, n_replayed, n_stale, n_zone, n_ticket);
	free(all);
	opus_encoder_destroy(enc);
	return 0;
}
