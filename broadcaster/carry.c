/*
 * carry.c — store and forward, the server's side: an item encoded and
 * signed once, ahead of its slot, into the very packets a live airing
 * sends (BCAST_FLAG_CARRY, presentation times at the slot), and paced by
 * the carrier thread to each online box of its zone until that box
 * reports it holds them all; revokes delivered until each box confirms;
 * boxes' reports of what they aired from their copy queued for the
 * scheduler. The carrier sends far below the live audio's rate and never
 * holds the lock while sending.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <opus/opus.h>
#include <sodium.h>

#include "broadcaster/log.h"
#include "broadcaster/server_int.h"

/* Packets a second to each box still missing the item: 20 is 3.6 kB/s,
 * a tenth of a 4G uplink's worst hour, and carries a minute of speech
 * (1000 packets) in 50 s. */
#define CARRY_PPS 20
#define CARRY_TICK_US 50000
#define CARRY_PASS_GAP_US 10000000	/* a box still missing some: again */
/* All boxes together: 5000 packets a second is about a quarter of what
 * the live sender does on one core, so carrying never crowds live audio
 * (or a page) out. A county-wide item to thousands of boxes may not
 * reach them all before its slot: those hear it live, as before. */
#define CARRY_TOTAL_PPS 5000
#define REVOKE_EVERY_US 3000000		/* until every box confirms */
#define CARRY_MAX_FRAMES 30000		/* 30 minutes */
#define CARRY_MAX_TOTAL (64u << 20)	/* bytes of packets kept, in all */
#define CARRY_KEEP_US 3600000000LL	/* past the item's end: revokes */
#define CARRY_BATCH 64

struct carry *
carry_find(struct bcast_server *s, uint32_t ssrc)
{
	for (struct carry *c = s->carry->list; c; c = c->next)
		if (c->ssrc == ssrc)
			return c;
	return NULL;
}

/* The state of box index i for c, growing c->box (lock held). */
static uint8_t *
box_state(struct carry *c, size_t i)
{
	if (i >= c->nbox) {
		size_t n = i + 64;
		uint8_t *b = realloc(c->box, n);
		if (b == NULL)
			return NULL;
		memset(b + c->nbox, 0, n - c->nbox);
		c->box = b;
		c->nbox = n;
	}
	return &c->box[i];
}

static void
carry_free(struct carry *c)
{
	free(c->len);
	free(c->pkt);
	free(c->block);
	free(c->box);
	free(c);
}

static OpusEncoder *
encoder(char *err, size_t errlen)
{
	int oerr;
	OpusEncoder *enc = opus_encoder_create(BCAST_RATE, 1,
	    OPUS_APPLICATION_VOIP, &oerr);

	if (enc == NULL) {
		snprintf(err, errlen, "Opus encoder: %s", opus_strerror(oerr));
		return NULL;
	}
	/* As a live stream's (sender.c): the same audio either way. */
	opus_encoder_ctl(enc, OPUS_SET_BITRATE(BCAST_OPUS_BITRATE));
	opus_encoder_ctl(enc, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE));
	opus_encoder_ctl(enc, OPUS_SET_MAX_BANDWIDTH(OPUS_BANDWIDTH_WIDEBAND));
	opus_encoder_ctl(enc, OPUS_SET_INBAND_FEC(1));
	opus_encoder_ctl(enc, OPUS_SET_PACKET_LOSS_PERC(10));
	opus_encoder_ctl(enc, OPUS_SET_VBR_CONSTRAINT(1));
	return enc;
}

/* Encode and sign every frame of pcm into c. 0, or -1 with err. */
static int
carry_encode(struct carry *c, const uint8_t *sk, int volume,
    const int16_t *pcm, size_t frames, char *err, size_t errlen)
{
	size_t nf = (frames + BCAST_FRAME_SAMPLES - 1) / BCAST_FRAME_SAMPLES;
	OpusEncoder *enc;
	int16_t last[BCAST_FRAME_SAMPLES];
	uint8_t opus[BCAST_MAX_OPUS];

	if (nf == 0 || nf > CARRY_MAX_FRAMES) {
		snprintf(err, errlen, "%zu frames: an item carried ahead is 1 to "
		    "%d frames long", nf, CARRY_MAX_FRAMES);
		return -1;
	}
	c->len = calloc(nf, sizeof(*c->len));
	c->pkt = calloc(nf, sizeof(*c->pkt));
	c->block = malloc(nf * BCAST_MAX_PACKET);
	if (c->len == NULL || c->pkt == NULL || c->block == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if ((enc = encoder(err, errlen)) == NULL)
		return -1;
	size_t off = 0;
	for (size_t f = 0; f < nf; f++) {
		const int16_t *in = pcm + f * BCAST_FRAME_SAMPLES;
		size_t have = frames - f * BCAST_FRAME_SAMPLES;
		if (have < BCAST_FRAME_SAMPLES) {
			memset(last, 0, sizeof(last));
			memcpy(last, in, have * sizeof(*in));
			in = last;
		}
		opus_int32 n = opus_encode(enc, in, BCAST_FRAME_SAMPLES, opus,
		    sizeof(opus));
		struct bcast_audio a = {
			.ssrc = c->ssrc, .seq = f,
			.timestamp = (uint32_t)(f * BCAST_FRAME_SAMPLES),
			.pts_us = c->first_pts + (int64_t)f * BCAST_FRAME_MS * 1000,
			.zone = c->zone, .priority = (uint8_t)c->prio,
			.flags = BCAST_FLAG_CARRY | (f == 0 ? BCAST_FLAG_START : 0) |
			    (f + 1 == nf ? BCAST_FLAG_END : 0),
			.volume = volume < 0 ? BCAST_VOLUME_DEFAULT : (uint8_t)volume,
			.marker = f == 0, .opus = opus, .opus_len = (size_t)n,
		};
		int len = n > 0 ? bcast_audio_pack(&a, sk, c->block + off,
		    BCAST_MAX_PACKET) : -1;
		if (len < 0) {
			opus_encoder_destroy(enc);
			snprintf(err, errlen, "frame %zu could not be encoded", f);
			return -1;
		}
		c->pkt[f] = c->block + off;
		c->len[f] = (uint16_t)len;
		off += (size_t)len;
	}
	opus_encoder_destroy(enc);
	c->npkt = nf;
	c->bytes = off;
	c->end_pts = c->first_pts + (int64_t)nf * BCAST_FRAME_MS * 1000;
	/* Packets are ~220 bytes, not BCAST_MAX_PACKET: give the rest back
	 * (the block may move, and the pointers with it). */
	uint8_t *shrunk = realloc(c->block, off);
	if (shrunk != NULL) {
		for (size_t f = 0; f < nf; f++)
			c->pkt[f] = shrunk + (c->pkt[f] - c->block);
		c->block = shrunk;
	}
	return 0;
}

int
bcast_carry_new(struct bcast_server *s, const char *zone,
    enum bcast_priority prio, int volume, int64_t pts_us, const int16_t *pcm,
    size_t frames, uint32_t *ssrc, char *err, size_t errlen)
{
	struct carry *c = calloc(1, sizeof(*c));

	if (c == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (bcast_zone_parse(zone, &c->zone) != 0 || c->zone.digits == 0 ||
	    (unsigned)prio >= BCAST_PRIO_EMERGENCY || volume > 100) {
		snprintf(err, errlen, "only a routine item for a zone is carried "
		    "ahead (zone \"%s\", class %d)", zone, (int)prio);
		free(c);
		return -1;
	}
	c->prio = prio;
	c->first_pts = pts_us;
	pthread_mutex_lock(&s->lock);
	c->ssrc = s->next_ssrc++;
	pthread_mutex_unlock(&s->lock);
	if (carry_encode(c, s->sk, volume, pcm, frames, err, errlen) != 0) {
		carry_free(c);
		return -1;
	}
	pthread_mutex_lock(&s->lock);
	if (s->carry->bytes + c->bytes > CARRY_MAX_TOTAL) {
		pthread_mutex_unlock(&s->lock);
		snprintf(err, errlen, "%zu bytes already carried ahead: no room "
		    "for %zu more", s->carry->bytes, c->bytes);
		carry_free(c);
		return -1;
	}
	s->carry->bytes += c->bytes;
	c->next = s->carry->list;
	s->carry->list = c;
	pthread_mutex_unlock(&s->lock);
	*ssrc = c->ssrc;
	return 0;
}

void
bcast_carry_revoke(struct bcast_server *s, uint32_t ssrc, const char *zone,
    int64_t end_pts_us, int reason)
{
	struct bcast_zone z;

	pthread_mutex_lock(&s->lock);
	struct carry *c = carry_find(s, ssrc);
	if (c == NULL && bcast_zone_parse(zone, &z) == 0 &&
	    (c = calloc(1, sizeof(*c))) != NULL) {
		/* Carried before a restart: only its revoke is left to send. */
		c->ssrc = ssrc;
		c->zone = z;
		c->end_pts = end_pts_us;
		c->next = s->carry->list;
		s->carry->list = c;
	}
	if (c != NULL && !c->revoked) {
		c->revoked = 1;
		c->next_revoke_mono = 0;
		if (c->box)
			for (size_t i = 0; i < c->nbox; i++)
				c->box[i] = BOX_WANTS;
		bcast_revoke_sign(ssrc, reason, s->sk, c->revoke);
	}
	pthread_mutex_unlock(&s->lock);
}

int
bcast_carry_held(struct bcast_server *s, uint32_t ssrc)
{
	int n = -1;

	pthread_mutex_lock(&s->lock);
	struct carry *c = carry_find(s, ssrc);
	if (c != NULL) {
		n = 0;
		for (size_t i = 0; i < c->nbox; i++)
			n += c->box[i] == BOX_HOLDS;
	}
	pthread_mutex_unlock(&s->lock);
	return n;
}

int
carry_held_by(const struct bcast_server *s, size_t i)
{
	int n = 0;

	if (s->carry == NULL)
		return 0;
	for (const struct carry *c = s->carry->list; c; c = c->next)
		n += !c->revoked && i < c->nbox && c->box[i] == BOX_HOLDS;
	return n;
}

size_t
bcast_carry_reports(struct bcast_server *s, struct bcast_carry_report *out,
    size_t max)
{
	pthread_mutex_lock(&s->lock);
	size_t n = s->carry->qn < max ? s->carry->qn : max;
	memcpy(out, s->carry->q, n * sizeof(*out));
	memmove(s->carry->q, s->carry->q + n, (s->carry->qn - n) *
	    sizeof(*out));
	s->carry->qn -= n;
	pthread_mutex_unlock(&s->lock);
	return n;
}

/* A box's report (receiver thread, lock not held). */
void
carry_handle_report(struct bcast_server *s, const uint8_t *buf, size_t len,
    uint32_t id)
{
	struct bcast_carry_report r;
	uint8_t out[BCAST_REVOKE_LEN];
	int answer = 0;

	pthread_mutex_lock(&s->lock);
	struct spk_entry *e = reg_find(s, id);
	if (e == NULL || e->alen == 0 || bcast_creport_parse(buf, len, e->key,
	    &r) != BCAST_OK || r.speaker_id != id ||
	    r.counter <= e->last_report_counter) {
		pthread_mutex_unlock(&s->lock);
		return;
	}
	e->last_report_counter = r.counter;
	struct carry *c = carry_find(s, r.ssrc);
	uint8_t *st = c ? box_state(c, (size_t)(e - s->spk)) : NULL;
	if (r.kind == BCAST_CARRY_HELD && st && !c->revoked) {
		*st = BOX_HOLDS;
	} else if (r.kind == BCAST_CARRY_FORGOTTEN && st) {
		*st = BOX_FORGOT;
	} else if (r.kind == BCAST_CARRY_AIRED) {
		if (s->carry->qn < CARRY_REPORT_QUEUE)
			s->carry->q[s->carry->qn++] = r;
		/* Recorded: the box may forget it (and stop reporting). */
		if (c && c->revoked)
			memcpy(out, c->revoke, sizeof(out));
		else
			bcast_revoke_sign(r.ssrc, BCAST_REVOKE_DONE, s->sk, out);
		answer = 1;
	} else if (r.kind == BCAST_CARRY_HELD && c && c->revoked) {
		memcpy(out, c->revoke, sizeof(out));	/* it missed the revoke */
		answer = 1;
	}
	struct sockaddr_storage to = e->addr;
	socklen_t alen = e->alen;
	uint8_t tkey[BCAST_TICKET_KEY_LEN];
	memcpy(tkey, e->tkey, sizeof(tkey));
	pthread_mutex_unlock(&s->lock);
	if (answer) {
		uint8_t h[crypto_shorthash_BYTES];
		crypto_shorthash(h, out, BCAST_REVOKE_SIGNED + BCAST_SIG_LEN, tkey);
		memcpy(out + BCAST_REVOKE_SIGNED + BCAST_SIG_LEN, h,
		    BCAST_TICKET_LEN);
		sendto(s->fd, out, sizeof(out), 0, (struct sockaddr *)&to, alen);
	}
}

struct out_batch {
	struct mmsghdr msgs[CARRY_BATCH];
	struct sockaddr_storage addrs[CARRY_BATCH];
	struct iovec iovs[2 * CARRY_BATCH];
	uint8_t trailers[CARRY_BATCH][BCAST_REVOKE_LEN];
	size_t n;
};

static void
flush(struct bcast_server *s, struct out_batch *b)
{
	size_t done = 0;

	pthread_mutex_unlock(&s->lock);
	while (done < b->n) {
		int r = sendmmsg(s->fd, b->msgs + done, (unsigned)(b->n - done), 0);
		if (r <= 0) {
			if (r < 0 && errno == EINTR)
				continue;
			done++;
			continue;
		}
		done += (size_t)r;
	}
	pthread_mutex_lock(&s->lock);
	b->n = 0;
}

/* Queue data (len bytes, its last tail_len replaced by tail) to e. */
static void
add(struct bcast_server *s, struct out_batch *b, const struct spk_entry *e,
    uint8_t *data, size_t len, const uint8_t *tail, size_t tail_len)
{
	size_t n = b->n;

	memcpy(&b->addrs[n], &e->addr, e->alen);
	b->msgs[n].msg_hdr = (struct msghdr){ .msg_name = &b->addrs[n],
	    .msg_namelen = e->alen, .msg_iov = &b->iovs[2 * n], .msg_iovlen = 2 };
	memcpy(b->trailers[n], tail, tail_len);
	b->iovs[2 * n] = (struct iovec){ data, len - tail_len };
	b->iovs[2 * n + 1] = (struct iovec){ b->trailers[n], tail_len };
	b->n++;
	if (b->n == CARRY_BATCH)
		flush(s, b);
}

/* One tick for c: its next packets to the boxes still missing it, or its
 * revoke to those that have not confirmed. Lock held (dropped to send;
 * only this thread frees a carry). */
static void
carry_tick(struct bcast_server *s, struct carry *c, struct out_batch *b,
    int64_t now, int64_t wire, int *budget)
{
	int64_t offline = (int64_t)s->offline_after_ms * 1000;
	int per_tick = CARRY_PPS * CARRY_TICK_US / 1000000;

	if (c->revoked) {
		if (now < c->next_revoke_mono)
			return;
		c->next_revoke_mono = now + REVOKE_EVERY_US;
	} else if (now < c->next_pass_mono || wire > c->end_pts ||
	    c->npkt == 0) {
		return;
	}
	size_t from = c->cursor, to = c->revoked ? 0 : from + (size_t)per_tick;
	if (to > c->npkt)
		to = c->npkt;
	int wanting = c->resume > 0;
	for (size_t i = c->resume; i < s->nspk; i++) {
		struct spk_entry *e = &s->spk[i];
		if (e->alen == 0 || now - e->last_heard_mono > offline ||
		    !bcast_zone_covers(&c->zone, &e->zone))
			continue;
		uint8_t *st = box_state(c, i);
		if (st == NULL || *st != BOX_WANTS)
			continue;
		if (*budget <= 0) {
			/* This tick's share of the link is spent: the next
			 * tick goes on from this box, with the same packets. */
			c->resume = i;
			flush(s, b);
			return;
		}
		*budget -= c->revoked ? 1 : (int)(to - from);
		wanting++;
		if (c->revoked) {
			uint8_t h[crypto_shorthash_BYTES];
			crypto_shorthash(h, c->revoke, BCAST_REVOKE_SIGNED +
			    BCAST_SIG_LEN, e->tkey);
			add(s, b, e, c->revoke, BCAST_REVOKE_LEN, h,
			    BCAST_TICKET_LEN);
			continue;
		}
		for (size_t p = from; p < to; p++) {
			uint8_t t[BCAST_TRAILER_LEN];
			e = &s->spk[i];	/* the registry may grow while we send */
			bcast_ticket_make(e->tkey, c->pkt[p], c->len[p], t);
			add(s, b, e, c->pkt[p], c->len[p], t, BCAST_TRAILER_LEN);
			if (c->revoked)
				break;	/* revoked while the lock was dropped */
		}
	}
	flush(s, b);
	c->resume = 0;
	if (c->revoked)
		return;
	c->cursor = to;
	if (c->cursor >= c->npkt || wanting == 0) {
		/* A pass is over (or nobody wants it now): again after a
		 * pause, for whoever still misses some or comes online. */
		c->cursor = 0;
		c->next_pass_mono = now + CARRY_PASS_GAP_US;
	}
}

static void *
carrier_main(void *arg)
{
	struct bcast_server *s = arg;
	struct out_batch *b = calloc(1, sizeof(*b));

	if (b == NULL)
		abort();	/* at start-up */
	pthread_mutex_lock(&s->lock);
	while (!s->stop) {
		int64_t now = bcast_mono_now_us(), wire = bcast_server_time_us(s);
		int budget = CARRY_TOTAL_PPS * CARRY_TICK_US / 1000000;
		for (struct carry **p = &s->carry->list; *p;) {
			struct carry *c = *p;
			if (wire > c->end_pts + (c->revoked ? CARRY_KEEP_US :
			    CARRY_KEEP_US / 6)) {
				*p = c->next;	/* long over: nobody can use it */
				s->carry->bytes -= c->bytes;
				carry_free(c);
				continue;
			}
			carry_tick(s, c, b, now, wire, &budget);
			p = &c->next;
		}
		/* Paced by the clock alone. Not a wait on the server's
		 * condition: the sender signals it for every packet, and
		 * waking for each took the lock from the fan-out. */
		pthread_mutex_unlock(&s->lock);
		struct timespec ts = { 0, CARRY_TICK_US * 1000 };
		clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL);
		pthread_mutex_lock(&s->lock);
	}
	pthread_mutex_unlock(&s->lock);
	free(b);
	return NULL;
}

int
carry_start(struct bcast_server *s)
{
	if ((s->carry = calloc(1, sizeof(*s->carry))) == NULL)
		return -1;
	if (pthread_create(&s->cx, NULL, carrier_main, s) != 0) {
		free(s->carry);
		s->carry = NULL;
		return -1;
	}
	return 0;
}

/* After the carrier thread has been joined. */
void
carry_stop(struct bcast_server *s)
{
	if (s->carry == NULL)
		return;
	while (s->carry->list) {
		struct carry *c = s->carry->list;
		s->carry->list = c->next;
		carry_free(c);
	}
	free(s->carry);
	s->carry = NULL;
}

