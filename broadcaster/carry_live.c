/*
 * carry_live.c — the live airing of a carried item: a stream like any
 * other (its NACKs, its end, its cancel) whose frames are the carried
 * packets themselves, same SSRC and timeline, so a box that holds them
 * hears one stream whether its link holds or not.
 */
#include <stdio.h>
#include <string.h>

#include "broadcaster/server_int.h"

/* A live airing sends the carried packets only if it starts this much
 * before the first one is due to be heard; later, it encodes afresh. */
#define CARRY_LATE_US 50000


struct bcast_stream *
bcast_stream_open_carried(struct bcast_server *s, uint32_t ssrc, int volume,
    int delay_ms, char *err, size_t errlen)
{
	char zone[13];

	pthread_mutex_lock(&s->lock);
	struct carry *c = carry_find(s, ssrc);
	int64_t wire = bcast_server_time_us(s);
	int ok = c && !c->revoked && c->npkt > 0 &&
	    wire + CARRY_LATE_US < c->first_pts;
	enum bcast_priority prio = c ? c->prio : BCAST_PRIO_VILLAGE;
	if (c)
		bcast_zone_format(&c->zone, zone);
	pthread_mutex_unlock(&s->lock);
	if (!ok) {
		snprintf(err, errlen, "stream %08x is not carried here, or its "
		    "time has passed", ssrc);
		return NULL;
	}
	/* A stream like any other (its end, its cancel, its NACKs), whose
	 * frames are the carried ones: same SSRC, same timeline. */
	struct bcast_stream *st = bcast_stream_open(s, zone, prio, volume,
	    delay_ms, err, errlen);
	if (st == NULL)
		return NULL;
	pthread_mutex_lock(&s->lock);
	st->ssrc = ssrc;
	st->hist->ssrc = ssrc;
	st->t0_server = c->first_pts - st->delay_us;
	st->t0_mono = bcast_mono_now_us() + (st->t0_server -
	    bcast_server_time_us(s));
	st->carried = c;
	pthread_mutex_unlock(&s->lock);
	return st;
}

int
bcast_stream_send_carried(struct bcast_stream *st)
{
	struct bcast_server *s = st->srv;
	struct carry *c = st->carried;
	int rc = 0;

	pthread_mutex_lock(&s->lock);
	for (size_t f = 0; f < c->npkt && rc == 0; f++) {
		while (st->qcount == STREAM_QUEUE && !st->cancelled && !s->stop &&
		    !c->revoked)
			pthread_cond_wait(&s->cond, &s->lock);
		if (st->cancelled || s->stop || c->revoked) {
			rc = -1;
			break;
		}
		struct queued_pkt *q = &st->q[(st->qhead + st->qcount) %
		    STREAM_QUEUE];
		int64_t off = (int64_t)f * BCAST_FRAME_MS * 1000;
		memcpy(q->data, c->pkt[f], c->len[f]);
		q->len = c->len[f];
		q->due_mono = st->t0_mono + off;
		q->until_mono = q->due_mono + st->delay_us;
		q->pts = c->first_pts + off;
		q->seq = f;
		q->end = f + 1 == c->npkt;
		st->seq = f + 1;
		st->frames = f + 1;
		st->qcount++;
		if (q->end)
			st->ended = 1;
		pthread_cond_broadcast(&s->cond);
	}
	pthread_mutex_unlock(&s->lock);
	return rc;
}
