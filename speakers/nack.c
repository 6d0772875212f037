/*
 * nack.c — the agent's rules for asking again: only what can still come
 * before its frame's turn, a bounded number of times, one try at a time;
 * and the NACK's base + bitmap built as RFC 4585's generic NACK is.
 * Retransmission is on top of FEC: what is not asked for, or does not
 * come, is FEC's or concealment's, as before.
 */
#include <assert.h>

#include "speakers/nack.h"

int
nack_should_ask(struct nack_miss *m, uint64_t seq, int64_t now_us,
    int64_t due_us, int64_t rtt_min_us, int64_t rtt_max_us)
{
	if (m->seq1 != seq + 1) {
		m->seq1 = seq + 1;
		m->tries = 0;
		m->next_try = 0;
	}
	if (now_us + rtt_min_us >= due_us)
		return 0;	/* too late to come */
	if (m->tries >= NACK_TRIES || now_us < m->next_try)
		return 0;
	m->tries++;
	m->next_try = now_us + rtt_max_us + NACK_RETRY_US;
	return 1;
}

int
nack_fits(const struct bcast_nack *n, uint64_t seq)
{
	return seq >= n->base && seq - n->base < BCAST_NACK_SPAN;
}

void
nack_add(struct bcast_nack *n, int *have, uint64_t seq)
{
	if (!*have) {
		n->base = seq;
		n->bitmap = 0;
		*have = 1;
		return;
	}
	assert(nack_fits(n, seq) && seq != n->base);
	n->bitmap |= UINT32_C(1) << (seq - n->base - 1);
}
