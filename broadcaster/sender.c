/*
 * sender.c — streams and the sender thread. A stream turns PCM into 60 ms
 * Opus frames, each signed once into a packet with its due time; the sender
 * thread sleeps on CLOCK_MONOTONIC until the earliest packet is due and
 * hands it, in one sendmmsg call per 256 speakers, to every online speaker
 * of the stream's zone that no higher-priority stream claims.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "broadcaster/log.h"
#include "broadcaster/server_int.h"

#define MMSG_BATCH 256
/* A packet this long past its presentation time is not sent: no box can
 * play it, and sending it would delay the packets behind it. (The grace
 * keeps a stream with no play-out delay working.) */
#define SENDER_GRACE_US 100000

static struct bcast_stream *
stream_open(struct bcast_server *s, const char *zone, uint32_t only,
    enum bcast_priority prio, int volume, int delay_ms, char *err,
    size_t errlen)
{
	struct bcast_stream *st;
	int oerr;

	if ((st = calloc(1, sizeof(*st))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (bcast_zone_parse(zone, &st->zone) != 0) {
		snprintf(err, errlen, "zone \"%s\" is not a division code", zone);
		free(st);
		return NULL;
	}
	if ((unsigned)prio > BCAST_PRIO_EMERGENCY || volume > 100 ||
	    delay_ms < 0 || delay_ms > 10000) {
		snprintf(err, errlen, "bad priority, volume or delay");
		free(st);
		return NULL;
	}
	st->enc = opus_encoder_create(BCAST_RATE, 1, OPUS_APPLICATION_VOIP, &oerr);
	if (st->enc == NULL) {
		snprintf(err, errlen, "Opus encoder: %s", opus_strerror(oerr));
		free(st);
		return NULL;
	}
	/* Speech settings: wideband voice, in-band FEC for one lost packet,
	 * bitrate within the 32 kb/s wire budget (see broadcaster.h). */
	opus_encoder_ctl(st->enc, OPUS_SET_BITRATE(BCAST_OPUS_BITRATE));
	opus_encoder_ctl(st->enc, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE));
	opus_encoder_ctl(st->enc, OPUS_SET_MAX_BANDWIDTH(OPUS_BANDWIDTH_WIDEBAND));
	opus_encoder_ctl(st->enc, OPUS_SET_INBAND_FEC(1));
	opus_encoder_ctl(st->enc, OPUS_SET_PACKET_LOSS_PERC(10));
	opus_encoder_ctl(st->enc, OPUS_SET_VBR_CONSTRAINT(1));
	st->srv = s;
	st->only = only;
	st->prio = prio;
	st->volume = volume < 0 ? BCAST_VOLUME_DEFAULT : (uint8_t)volume;
	st->delay_us = (int64_t)delay_ms * 1000;
	pthread_mutex_lock(&s->lock);
	st->ssrc = s->next_ssrc++;
	st->hist = rtx_history_new(st->ssrc, &st->zone, prio, st->delay_us);
	if (st->hist == NULL) {
		pthread_mutex_unlock(&s->lock);
		opus_encoder_destroy(st->enc);
		free(st);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	st->hist->only = only;
	rtx_sweep(s, bcast_mono_now_us());
	st->hist->next = s->hist;
	s->hist = st->hist;
	st->next = s->streams;
	s->streams = st;
	pthread_mutex_unlock(&s->lock);
	return st;
}

struct bcast_stream *
bcast_stream_open(struct bcast_server *s, const char *zone,
    enum bcast_priority prio, int volume, int delay_ms, char *err,
    size_t errlen)
{
	return stream_open(s, zone, 0, prio, volume, delay_ms, err, errlen);
}

struct bcast_stream *
bcast_stream_open_one(struct bcast_server *s, uint32_t id,
    enum bcast_priority prio, int volume, int delay_ms, char *err,
    size_t errlen)
{
	struct spk_entry *e;
	char zone[13];

	pthread_mutex_lock(&s->lock);
	if ((e = reg_find(s, id)) != NULL)
		bcast_zone_format(&e->zone, zone);
	pthread_mutex_unlock(&s->lock);
	if (e == NULL || id == 0) {
		snprintf(err, errlen, "speaker %u is not registered", id);
		return NULL;
	}
	/* Its own zone: the box checks packets are for its zone as for any
	 * stream; the restriction to it alone is the sender's. */
	return stream_open(s, zone, id, prio, volume, delay_ms, err, errlen);
}

uint32_t
bcast_stream_ssrc(const struct bcast_stream *st)
{
	return st->ssrc;
}

/* Encode the frame in st->pcm and queue it; waits for room. Lock held on
 * entry and on return, but not while the frame is encoded and signed
 * (about a millisecond): the lock is the whole server's, and HELLOs, the
 * sender and every other stream's producer would wait behind it; on a
 * loaded machine a producer preempted in opus_encode held them all up for
 * a scheduler's slice. Only the stream's own producer appends to its
 * queue and touches its encoder, PCM and counters, so the slot is still
 * free when the lock is taken again. */
static int
queue_frame(struct bcast_stream *st, uint8_t flags)
{
	struct bcast_server *s = st->srv;
	uint8_t opus[BCAST_MAX_OPUS];
	struct bcast_audio a;
	struct queued_pkt pkt;

	while (st->qcount == STREAM_QUEUE && !st->cancelled && !s->stop)
		pthread_cond_wait(&s->cond, &s->lock);
	if (st->cancelled || s->stop)
		return -1;

	int64_t now = bcast_mono_now_us();
	if (st->frames == 0) {
		st->t0_mono = now;
		st->t0_server = bcast_server_time_us(s);
		flags |= BCAST_FLAG_START;
	}
	int64_t off = (int64_t)st->frames * BCAST_FRAME_MS * 1000;
	if (st->t0_mono + off < now - 100000) {
		/* The producer fell behind real time: restart the timeline
		 * rather than send audio that is already too late to play. */
		st->t0_mono = now - off;
		st->t0_server = bcast_server_time_us(s) - off;
	}
	memset(&a, 0, sizeof(a));
	a.ssrc = st->ssrc;
	a.seq = st->seq;
	a.timestamp = (uint32_t)(st->frames * BCAST_FRAME_SAMPLES);
	a.pts_us = st->t0_server + off + st->delay_us;
	a.zone = st->zone;
	a.priority = (uint8_t)st->prio;
	a.flags = flags;
	a.volume = st->volume;
	a.marker = (flags & BCAST_FLAG_START) != 0;
	pkt.due_mono = st->t0_mono + off;
	pkt.until_mono = pkt.due_mono + st->delay_us;
	pkt.pts = a.pts_us;
	pkt.seq = a.seq;
	pkt.end = (flags & BCAST_FLAG_END) != 0;

	pthread_mutex_unlock(&s->lock);
	opus_int32 n = opus_encode(st->enc, st->pcm, BCAST_FRAME_SAMPLES, opus,
	    sizeof(opus));
	int len = -1;
	if (n > 0) {
		a.opus = opus;
		a.opus_len = (size_t)n;
		len = bcast_audio_pack(&a, s->sk, pkt.data, sizeof(pkt.data));
	}
	pthread_mutex_lock(&s->lock);

	if (len < 0 || st->cancelled || s->stop || st->qcount == STREAM_QUEUE)
		return -1;
	pkt.len = (uint16_t)len;
	st->q[(st->qhead + st->qcount) % STREAM_QUEUE] = pkt;
	st->qcount++;
	st->seq++;
	st->frames++;
	if (flags & BCAST_FLAG_END)
		st->ended = 1;
	pthread_cond_broadcast(&s->cond);
	return 0;
}

int
bcast_stream_write(struct bcast_stream *st, const int16_t *pcm, size_t frames)
{
	struct bcast_server *s = st->srv;
	int rc = 0;

	pthread_mutex_lock(&s->lock);
	while (frames > 0 && rc == 0) {
		size_t n = BCAST_FRAME_SAMPLES - st->npcm;
		if (n > frames)
			n = frames;
		memcpy(st->pcm + st->npcm, pcm, n * sizeof(*pcm));
		st->npcm += n;
		pcm += n;
		frames -= n;
		if (st->npcm == BCAST_FRAME_SAMPLES) {
			rc = queue_frame(st, 0);
			st->npcm = 0;
		}
	}
	pthread_mutex_unlock(&s->lock);
	return rc;
}

/* Lock held; unlocks. Waits for the sender to be done with the packet
 * it is sending, since it reads the stream again between batches. */
static void
unlink_and_free(struct bcast_stream *st)
{
	struct bcast_server *s = st->srv;

	while (st->sending)
		pthread_cond_wait(&s->cond, &s->lock);
	for (struct bcast_stream **p = &s->streams; *p; p = &(*p)->next) {
		if (*p == st) {
			*p = st->next;
			break;
		}
	}
	/* Its history stays until its last packet is heard: the last
	 * frames are asked for again after the stream is closed. */
	st->hist->live = 0;
	rtx_sweep(s, bcast_mono_now_us());
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
	opus_encoder_destroy(st->enc);
	free(st);
}

int
bcast_stream_close(struct bcast_stream *st)
{
	struct bcast_server *s = st->srv;
	int rc;

	pthread_mutex_lock(&s->lock);
	memset(st->pcm + st->npcm, 0,
	    (BCAST_FRAME_SAMPLES - st->npcm) * sizeof(int16_t));
	/* A carried item's last packet is its END already. */
	rc = st->ended ? 0 : queue_frame(st, BCAST_FLAG_END);
	while (rc == 0 && st->qcount > 0 && !s->stop)
		pthread_cond_wait(&s->cond, &s->lock);
	unlink_and_free(st);	/* unlocks */
	return rc;
}

void
bcast_stream_cancel(struct bcast_stream *st)
{
	struct bcast_server *s = st->srv;

	pthread_mutex_lock(&s->lock);
	/* Drop what was not sent, and take back its sequence numbers and
	 * time: the END frame must follow the last frame the speakers got,
	 * or they would conceal the gap (up to the queue, ~2 s) before
	 * reaching it. */
	st->seq -= (uint64_t)st->qcount;
	st->frames -= (uint64_t)st->qcount;
	st->qcount = 0;
	memset(st->pcm, 0, sizeof(st->pcm));
	if (st->frames > 0 && queue_frame(st, BCAST_FLAG_END) == 0) {
		st->q[st->qhead].due_mono = bcast_mono_now_us();
		while (st->qcount > 0 && !s->stop)
			pthread_cond_wait(&s->cond, &s->lock);
	}
	st->cancelled = 1;
	unlink_and_free(st);	/* unlocks */
}

int
sender_claimed_above(struct bcast_server *s, enum bcast_priority prio,
    const struct bcast_zone *z)
{
	for (struct bcast_stream *o = s->streams; o; o = o->next)
		if (o->prio > prio && !o->cancelled && o->frames > 0 &&
		    o->only == 0 &&	/* one box's test tone claims no zone */
		    bcast_zone_covers(&o->zone, z))
			return 1;
	return 0;
}

/* The stream whose head packet goes next: of those due by now, the
 * highest priority (earliest due among equals), so that no backlog of a
 * routine stream to thousands of speakers delays an emergency page; NULL
 * if none is due, with *earliest set to the first due time (0: none
 * queued). Only streams above floor count. Lock held. */
static struct bcast_stream *
sender_pick(struct bcast_server *s, int floor, int64_t now, int64_t *earliest)
{
	struct bcast_stream *best = NULL;

	*earliest = 0;
	for (struct bcast_stream *st = s->streams; st; st = st->next) {
		if (st->qcount == 0 || (int)st->prio <= floor)
			continue;
		int64_t due = st->q[st->qhead].due_mono;
		if (due > now) {
			if (*earliest == 0 || due < *earliest)
				*earliest = due;
			continue;
		}
		if (best == NULL || st->prio > best->prio ||
		    (st->prio == best->prio &&
		    due < best->q[best->qhead].due_mono))
			best = st;
	}
	return best;
}

/* One set of batch buffers per priority: a packet's fan-out pauses
 * between batches for packets of higher priority, which use their own. */
struct sender_bufs {
	struct mmsghdr *msgs[BCAST_PRIO_EMERGENCY + 1];
	struct sockaddr_storage *addrs[BCAST_PRIO_EMERGENCY + 1];
	/* Each box's copy: the signed packet, shared, then its own ticket. */
	struct iovec *iovs[BCAST_PRIO_EMERGENCY + 1];
	uint8_t (*trailers[BCAST_PRIO_EMERGENCY + 1])[BCAST_TRAILER_LEN];
	int64_t late_since_log;		/* packets not sent: too late to play */
	int64_t logged_mono;
};

static void sender_send(struct bcast_server *s, struct bcast_stream *st,
    struct sender_bufs *b);

/* Between batches of one packet's fan-out: whatever of higher priority
 * is due goes first (a page is not kept waiting for a notice to reach
 * its last thousand speakers). Lock held. */
static void
sender_send_above(struct bcast_server *s, enum bcast_priority prio,
    struct sender_bufs *b)
{
	int64_t earliest;
	struct bcast_stream *st;

	while ((st = sender_pick(s, (int)prio, bcast_mono_now_us(),
	    &earliest)) != NULL)
		sender_send(s, st, b);
}

/* Take st's head packet and hand it to every online speaker of its zone
 * that no higher-priority stream claims. Lock held; dropped while
 * sending. */
static void
sender_send(struct bcast_server *s, struct bcast_stream *st,
    struct sender_bufs *b)
{
	struct queued_pkt pkt = st->q[st->qhead];
	struct mmsghdr *msgs = b->msgs[st->prio];
	struct sockaddr_storage *addrs = b->addrs[st->prio];
	struct iovec *iovs = b->iovs[st->prio];
	uint8_t (*trailers)[BCAST_TRAILER_LEN] = b->trailers[st->prio];

	st->qhead = (st->qhead + 1) % STREAM_QUEUE;
	st->qcount--;
	pthread_cond_broadcast(&s->cond);
	int64_t now = bcast_mono_now_us();
	if (!pkt.end && pkt.until_mono + SENDER_GRACE_US < now) {
		b->late_since_log++;
		return;
	}
	/* Kept before it leaves: a NACK for it may come back fast. Only
	 * what is sent counts for the timeline: a cancelled stream's queue
	 * (2 s ahead) never went out. */
	rtx_history_put(st->hist, pkt.seq, pkt.data, pkt.len, pkt.until_mono);
	timeline_sent(s, pkt.pts);

	/* Pick the receivers under the lock, send without it. The stream
	 * may end meanwhile (its last packet is this one): sending keeps
	 * it alive until the last batch is out. */
	st->sending++;
	/* One copy to each multicast group inside the stream's zone that
	 * nothing higher claims; its boxes that hear the group are left out
	 * below. The copy's ticket stays zero (a group has no one key). */
	uint8_t on_group[BCAST_MCAST_MAX];
	int ngroup = 0;
	for (int g = 0; g < s->ngroups; g++) {
		on_group[g] = st->only == 0 &&
		    bcast_zone_covers(&st->zone, &s->groups[g].zone) &&
		    !sender_claimed_above(s, st->prio, &s->groups[g].zone);
		ngroup += on_group[g];
	}
	if (ngroup > 0) {
		pthread_mutex_unlock(&s->lock);
		for (int g = 0; g < s->ngroups; g++)
			if (on_group[g])
				sendto(s->fd, pkt.data, pkt.len, 0,
				    (const struct sockaddr *)&s->groups[g].addr,
				    sizeof(s->groups[g].addr));
		pthread_mutex_lock(&s->lock);
		s->packets_multicast += (uint64_t)ngroup;
	}
	int64_t offline = (int64_t)s->offline_after_ms * 1000;
	for (size_t i = 0; i < s->nspk;) {
		size_t n = 0;
		for (; i < s->nspk && n < MMSG_BATCH; i++) {
			struct spk_entry *e = &s->spk[i];
			if (e->alen == 0 || now - e->last_heard_mono > offline ||
			    (st->only != 0 && e->id != st->only) ||
			    !bcast_zone_covers(&st->zone, &e->zone) ||
			    (e->group >= 0 && on_group[e->group] &&
			    e->st.multicast) ||
			    sender_claimed_above(s, st->prio, &e->zone))
				continue;
			memcpy(&addrs[n], &e->addr, e->alen);
			msgs[n].msg_hdr.msg_name = &addrs[n];
			msgs[n].msg_hdr.msg_namelen = e->alen;
			bcast_ticket_make(e->tkey, pkt.data, pkt.len, trailers[n]);
			iovs[2 * n].iov_base = pkt.data;
			iovs[2 * n].iov_len = pkt.len - BCAST_TRAILER_LEN;
			iovs[2 * n + 1].iov_base = trailers[n];
			iovs[2 * n + 1].iov_len = BCAST_TRAILER_LEN;
			msgs[n].msg_hdr.msg_iov = &iovs[2 * n];
			msgs[n].msg_hdr.msg_iovlen = 2;
			n++;
		}
		if (n == 0)
			continue;
		pthread_mutex_unlock(&s->lock);
		size_t done = 0;
		while (done < n) {
			int r = sendmmsg(s->fd, msgs + done,
			    (unsigned)(n - done), 0);
			if (r <= 0) {
				if (r < 0 && errno == EINTR)
					continue;
				done++;	/* skip the one that failed */
				continue;
			}
			done += (size_t)r;
		}
		pthread_mutex_lock(&s->lock);
		s->packets_sent += n;
		if (i < s->nspk && st->prio < BCAST_PRIO_EMERGENCY) {
			sender_send_above(s, st->prio, b);
			now = bcast_mono_now_us();
		}
	}
	st->sending--;
	pthread_cond_broadcast(&s->cond);
}

void *
sender_main(void *arg)
{
	struct bcast_server *s = arg;
	struct sender_bufs b = { 0 };

	for (int p = 0; p <= BCAST_PRIO_EMERGENCY; p++) {
		b.msgs[p] = calloc(MMSG_BATCH, sizeof(struct mmsghdr));
		b.addrs[p] = calloc(MMSG_BATCH, sizeof(struct sockaddr_storage));
		b.iovs[p] = calloc(2 * MMSG_BATCH, sizeof(struct iovec));
		b.trailers[p] = calloc(MMSG_BATCH, BCAST_TRAILER_LEN);
		if (b.msgs[p] == NULL || b.addrs[p] == NULL ||
		    b.iovs[p] == NULL || b.trailers[p] == NULL)
			abort();	/* at start-up, before any audio */
	}
	pthread_mutex_lock(&s->lock);
	while (!s->stop) {
		int64_t now = bcast_mono_now_us(), earliest;
		struct bcast_stream *next = sender_pick(s, -1, now, &earliest);

		if (b.late_since_log > 0 && now - b.logged_mono > 60000000) {
			dlog(LOG_WARNING, "sender: %lld packets were past their "
			    "presentation time and not sent (the sender fell "
			    "behind)", (long long)b.late_since_log);
			b.late_since_log = 0;
			b.logged_mono = now;
		}
		if (next != NULL) {
			sender_send(s, next, &b);
			continue;
		}
		if (earliest == 0) {
			pthread_cond_wait(&s->cond, &s->lock);
			continue;
		}
		/* Sleep until due, but wake for a new, earlier packet. */
		struct timespec ts;
		int64_t wait = earliest - now;
		if (wait > 20000)
			wait = 20000;
		pthread_mutex_unlock(&s->lock);
		ts.tv_sec = wait / 1000000;
		ts.tv_nsec = (wait % 1000000) * 1000;
		clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL);
		pthread_mutex_lock(&s->lock);
	}
	pthread_mutex_unlock(&s->lock);
	for (int p = 0; p <= BCAST_PRIO_EMERGENCY; p++) {
		free(b.msgs[p]);
		free(b.addrs[p]);
		free(b.iovs[p]);
		free(b.trailers[p]);
	}
	return NULL;
}
