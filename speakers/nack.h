/*
 * nack.h — inside speakers/: which missing packets the agent asks for
 * again, and when (nack.c). Kept apart from the socket and the clock so the
 * rules are tested with a fake clock (tests/unit/test_nack.c).
 */
#ifndef DALABA_SPK_NACK_H
#define DALABA_SPK_NACK_H

#include <stdint.h>

#include "broadcaster/broadcaster.h"

#define NACK_TRIES 3			/* asks per missing packet, at most */
#define NACK_RETRY_US 20000		/* past the slowest recent round trip */

/* A missing packet's asking so far: one per jitter-buffer slot. */
struct nack_miss {
	uint64_t seq1;			/* the missing seq + 1 this is about */
	int64_t next_try;
	uint8_t tries;
};

/* Packet seq is missing and its frame's turn at the output is at due_us
 * (the agent's clock). Ask for it now_us? 1: yes, and m (seq's slot; one
 * about another seq starts afresh) records the try; 0: not now: a resend
 * cannot come in time even at the fastest recent round trip, it was asked
 * for NACK_TRIES times, or the last try can still be answered. */
int nack_should_ask(struct nack_miss *m, uint64_t seq, int64_t now_us,
    int64_t due_us, int64_t rtt_min_us, int64_t rtt_max_us);

/* Can seq join NACK n (its base and the BCAST_NACK_SPAN - 1 after it)? */
int nack_fits(const struct bcast_nack *n, uint64_t seq);
/* Put seq into n: its base when *have is 0 (then *have = 1), else its
 * bitmap; seq must fit (nack_fits). */
void nack_add(struct bcast_nack *n, int *have, uint64_t seq);

#endif
