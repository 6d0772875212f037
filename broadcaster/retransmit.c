/*
 * retransmit.c — packets sent again when a speaker asks (a NACK): the
 * short history of what each stream signed and sent, and the budgets that
 * bound what NACKs can cost. A NACK is trusted only once its MAC verifies
 * with the speaker's key and its counter is new; the packets go only to
 * the address the speaker's HELLOs come from, only from a stream of its
 * zone that no higher stream claims, only while still playable there, and
 * only within the speaker's budget and the server's. A forged or replayed
 * NACK gets nothing; a stolen box's key gets at most its own budget.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "broadcaster/server_int.h"

int
rtx_bucket_take(struct rtx_bucket *b, double rate, double burst,
    int64_t now_mono)
{
	if (rate <= 0 || burst < 1)
		return 0;
	if (b->last_mono == 0) {
		b->tokens = burst;
	} else if (now_mono > b->last_mono) {
		b->tokens += rate * (double)(now_mono - b->last_mono) / 1e6;
		if (b->tokens > burst)
			b->tokens = burst;
	}
	if (now_mono > b->last_mono || b->last_mono == 0)
		b->last_mono = now_mono;
	if (b->tokens < 1)
		return 0;
	b->tokens -= 1;
	return 1;
}

struct rtx_history *
rtx_history_new(uint32_t ssrc, const struct bcast_zone *z,
    enum bcast_priority prio, int64_t delay_us)
{
	/* A packet is of use from when it is sent until it is heard,
	 * delay_us later: a frame more either side for the pacing. */
	size_t cap = (size_t)(delay_us / (BCAST_FRAME_MS * 1000)) + 3;
	struct rtx_history *h;

	if (cap > RTX_HISTORY_MAX)
		cap = RTX_HISTORY_MAX;
	if ((h = calloc(1, sizeof(*h) + cap * sizeof(h->pkt[0]))) == NULL)
		return NULL;
	h->ssrc = ssrc;
	h->zone = *z;
	h->prio = prio;
	h->live = 1;
	h->cap = cap;
	return h;
}

void
rtx_history_put(struct rtx_history *h, uint64_t seq, const uint8_t *data,
    size_t len, int64_t until_mono)
{
	struct rtx_pkt *p = &h->pkt[seq % h->cap];

	if (len > sizeof(p->data))
		return;
	p->seq1 = seq + 1;
	p->until_mono = until_mono;
	p->len = (uint16_t)len;
	memcpy(p->data, data, len);
	if (until_mono > h->until_mono)
		h->until_mono = until_mono;
}

const struct rtx_pkt *
rtx_history_get(const struct rtx_history *h, uint64_t seq, int64_t now_mono)
{
	const struct rtx_pkt *p = &h->pkt[seq % h->cap];

	if (p->seq1 != seq + 1 || p->until_mono <= now_mono)
		return NULL;
	return p;
}

void
rtx_sweep(struct bcast_server *s, int64_t now_mono)
{
	for (struct rtx_history **p = &s->hist; *p;) {
		struct rtx_history *h = *p;
		if (!h->live && h->until_mono <= now_mono) {
			*p = h->next;
			free(h);
		} else {
			p = &h->next;
		}
	}
}

void
rtx_handle_nack(struct bcast_server *s, const uint8_t *buf, size_t len,
    uint32_t id)
{
	/* At most a NACK's span, copied out under the lock, sent without it
	 * (the receiver thread is the only caller: the server's one buffer). */
	uint8_t (*out)[BCAST_MAX_PACKET] = s->rtx_out;
	uint16_t *out_len = s->rtx_out_len;
	struct sockaddr_storage to;
	socklen_t tolen;
	struct bcast_nack n;
	struct spk_entry *e;
	struct rtx_history *h;
	int64_t now = bcast_mono_now_us();
	int nout = 0;

	pthread_mutex_lock(&s->lock);
	e = reg_find(s, id);
	if (e == NULL || bcast_nack_parse(buf, len, e->key, &n) != BCAST_OK ||
	    n.counter <= e->last_nack_counter || e->alen == 0 ||
	    now - e->last_heard_mono > (int64_t)s->offline_after_ms * 1000) {
		s->rtx.refused++;
		pthread_mutex_unlock(&s->lock);
		return;
	}
	e->last_nack_counter = n.counter;
	s->rtx.nacks++;
	rtx_sweep(s, now);
	for (h = s->hist; h; h = h->next)
		if (h->ssrc == n.ssrc)
			break;
	/* Only what the speaker is entitled to: its zone's stream, one no
	 * higher stream claims there (what it plays then is the higher). */
	int entitled = h && bcast_zone_covers(&h->zone, &e->zone) &&
	    (h->only == 0 || h->only == e->id) &&
	    !sender_claimed_above(s, h->prio, &e->zone);
	for (int i = 0; i < BCAST_NACK_SPAN; i++) {
		if (i > 0 && !(n.bitmap & (UINT32_C(1) << (i - 1))))
			continue;
		s->rtx.asked++;
		const struct rtx_pkt *p = entitled ?
		    rtx_history_get(h, n.base + (uint64_t)i, now) : NULL;
		if (p == NULL) {
			s->rtx.unavailable++;
			continue;
		}
		/* The speaker's budget first: one that asks too much must not
		 * spend the others' share of the total. */
		struct rtx_bucket box = e->rtx;
		if (!rtx_bucket_take(&box, s->rtx_box_pps, s->rtx_box_burst, now) ||
		    !rtx_bucket_take(&s->rtx_total, s->rtx_total_pps,
		    s->rtx_total_burst, now)) {
			s->rtx.limited++;
			continue;
		}
		e->rtx = box;
		memcpy(out[nout], p->data, p->len);
		bcast_ticket_set(e->tkey, out[nout], p->len);
		out_len[nout++] = p->len;
	}
	/* To the address its HELLOs come from, never the NACK's source. */
	memcpy(&to, &e->addr, e->alen);
	tolen = e->alen;
	pthread_mutex_unlock(&s->lock);

	uint64_t sent = 0, bytes = 0;
	for (int i = 0; i < nout; i++) {
		ssize_t r = sendto(s->fd, out[i], out_len[i], 0,
		    (const struct sockaddr *)&to, tolen);
		if (r == (ssize_t)out_len[i]) {
			sent++;
			bytes += out_len[i];
		}
	}
	if (sent) {
		pthread_mutex_lock(&s->lock);
		s->rtx.resent += sent;
		s->rtx.resent_bytes += bytes;
		pthread_mutex_unlock(&s->lock);
	}
}

void
bcast_server_rtx_stats(struct bcast_server *s, struct bcast_rtx_stats *out)
{
	pthread_mutex_lock(&s->lock);
	*out = s->rtx;
	pthread_mutex_unlock(&s->lock);
}

void
bcast_server_drain(struct bcast_server *s)
{
	int64_t until = 0, limit = bcast_mono_now_us() +
	    (int64_t)RTX_HISTORY_MAX * BCAST_FRAME_MS * 1000;

	pthread_mutex_lock(&s->lock);
	for (struct rtx_history *h = s->hist; h; h = h->next)
		if (h->until_mono > until)
			until = h->until_mono;
	pthread_mutex_unlock(&s->lock);
	if (until > limit)
		until = limit;
	while (bcast_mono_now_us() < until) {
		int64_t w = until - bcast_mono_now_us();
		struct timespec ts = { w / 1000000, (w % 1000000) * 1000 };
		int r = clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL);
		if (r != 0 && r != EINTR)
			break;
	}
}
