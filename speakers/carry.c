/*
 * carry.c — store and forward, the box's side (断网续播): the packets of
 * an item the server carried ahead of its slot are verified and kept on
 * the box's storage (bounded, reloaded and verified again after a
 * restart); at the slot, if the box is cut off from its server, it plays
 * its copy by its own clock, as if the live stream had come; it reports
 * what it holds and what it aired until the server answers; a signed
 * revoke (cancelled, replaced, or recorded) makes it forget an item for
 * good. A live airing sends the very packets the copy holds (one stream,
 * one SSRC), so a box cut off half-way goes on from its copy.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "broadcaster/log.h"
#include "speakers/agent_int.h"
#include "speakers/carry_int.h"

void
carry_path(const struct carried *h, uint32_t ssrc, const char *ext, char *out,
    size_t cap)
{
	snprintf(out, cap, "%s/%08x.%s", h->dir, ssrc, ext);
}

struct item *
carry_find(struct carried *h, uint32_t ssrc)
{
	for (int i = 0; i < ITEMS; i++)
		if (h->it[i].used && h->it[i].ssrc == ssrc)
			return &h->it[i];
	return NULL;
}

int
carry_revoked(const struct carried *h, uint32_t ssrc)
{
	for (int i = 0; i < h->nrevoked && i < REVOKED; i++)
		if (h->revoked[i] == ssrc)
			return 1;
	return 0;
}

int
item_complete(const struct item *t)
{
	return t->npkt > 0 && t->held == t->npkt;
}

void
item_drop(struct carried *h, struct item *t, int remove_files)
{
	char p[640];

	for (uint32_t i = 0; i < t->cap; i++) {
		if (t->pkt[i])
			h->bytes -= t->len[i];
		free(t->pkt[i]);
	}
	free(t->pkt);
	free(t->len);
	if (t->fd >= 0)
		close(t->fd);
	if (remove_files) {
		carry_path(h, t->ssrc, "pkts", p, sizeof(p));
		unlink(p);
		carry_path(h, t->ssrc, "aired", p, sizeof(p));
		unlink(p);
	}
	memset(t, 0, sizeof(*t));
	t->fd = -1;
}

/* Put packet seq of t in memory (not on disk). 0, or -1. */
int
item_put(struct carried *h, struct item *t, const uint8_t *buf, size_t len,
    const struct bcast_audio *p)
{
	if (p->seq >= MAX_FRAMES || h->bytes + len > h->budget)
		return -1;
	uint32_t seq = (uint32_t)p->seq;
	if (seq >= t->cap) {
		uint32_t n = seq + 256 > MAX_FRAMES ? MAX_FRAMES : seq + 256;
		uint8_t **np = realloc(t->pkt, n * sizeof(*np));
		if (np == NULL)
			return -1;
		t->pkt = np;
		uint16_t *nl = realloc(t->len, n * sizeof(*nl));
		if (nl == NULL)
			return -1;
		t->len = nl;
		memset(t->pkt + t->cap, 0, (n - t->cap) * sizeof(*np));
		memset(t->len + t->cap, 0, (n - t->cap) * sizeof(*nl));
		t->cap = n;
	}
	if (t->pkt[seq])
		return 0;
	if ((t->pkt[seq] = malloc(len)) == NULL)
		return -1;
	memcpy(t->pkt[seq], buf, len);
	t->len[seq] = (uint16_t)len;
	t->held++;
	h->bytes += len;
	if (seq == 0)
		t->first_pts = p->pts_us;
	if (p->flags & BCAST_FLAG_END)
		t->npkt = seq + 1;
	return 0;
}

struct item *
item_new(struct carried *h, const struct bcast_audio *p)
{
	for (int i = 0; i < ITEMS; i++) {
		struct item *t = &h->it[i];
		if (t->used)
			continue;
		memset(t, 0, sizeof(*t));
		t->used = 1;
		t->ssrc = p->ssrc;
		t->prio = p->priority;
		t->first_pts = p->pts_us - (int64_t)p->seq * FRAME_US;
		t->fd = -1;
		return t;
	}
	return NULL;
}

static void
send_report(struct agent *a, struct item *t, int kind, uint32_t ssrc)
{
	struct carried *h = a->carried;
	struct bcast_carry_report r = { .speaker_id = a->c->id, .ssrc = ssrc,
	    .kind = (uint8_t)kind };
	uint8_t buf[BCAST_CREPORT_LEN];
	uint64_t wall = (uint64_t)bcast_server_now_us();

	h->counter = wall > h->counter ? wall : h->counter + 1;
	r.counter = h->counter;
	if (t) {
		r.held = t->held;
		r.aired_pts = t->aired_pts;
		r.played = t->played;
	}
	if (bcast_creport_pack(&r, a->c->key, buf, sizeof(buf)) > 0)
		sendto(a->fd, buf, sizeof(buf), 0, (struct sockaddr *)&a->srv,
		    a->srvlen);
}

int
carry_take(struct agent *a, const uint8_t *buf, size_t len,
    const struct bcast_audio *p, int64_t now)
{
	struct carried *h = a->carried;
	int64_t srv_now = now + a->offset_us;
	int live = p->pts_us >= srv_now - WINDOW_PAST_US &&
	    p->pts_us <= srv_now + WINDOW_FUTURE_US;

	if (h != NULL)
		h->rx_bytes += len;
	if (h == NULL || !bcast_zone_covers(&p->zone, &a->zone) ||
	    p->priority >= BCAST_PRIO_EMERGENCY) {
		/* Not kept; a live one goes the usual way. */
		return live ? 0 : (a->k.dropped[BCAST_STALE]++, 1);
	}
	if (carry_revoked(h, p->ssrc) || p->pts_us > srv_now + FUTURE_MAX_US ||
	    (!live && p->pts_us < srv_now)) {
		a->k.dropped[carry_revoked(h, p->ssrc) ? BCAST_REPLAYED :
		    BCAST_STALE]++;
		return 1;
	}
	struct item *t = carry_find(h, p->ssrc);
	if (t && p->seq < t->cap && t->pkt[p->seq]) {
		/* Held already: the server's next pass, as our report of it
		 * was lost. Say it again, now and then. */
		if (item_complete(t) && now - t->held_reported > HELD_REPORT_GAP_US) {
			t->held_reported = now;
			send_report(a, t, BCAST_CARRY_HELD, t->ssrc);
		}
		return live ? 0 : 1;
	}
	a->k.verified++;
	enum bcast_verdict v = bcast_audio_verify(buf, len, a->c->server_pk);
	if (v != BCAST_OK) {
		a->k.dropped[v]++;
		return 1;
	}
	if (t == NULL && (t = item_new(h, p)) == NULL) {
		if (h->refused_full++ == 0)
			dlog(LOG_WARNING, "carried item %08x: %d items held "
			    "already; not kept", p->ssrc, ITEMS);
		return live ? 0 : 1;
	}
	if (item_put(h, t, buf, len, p) != 0) {
		if (h->refused_full++ == 0)
			dlog(LOG_WARNING, "carried item %08x: over the %zu MB "
			    "the box keeps; not kept", p->ssrc, h->budget >> 20);
		return live ? 0 : 1;
	}
	if (t->fd < 0) {
		char path[640];
		carry_path(h, t->ssrc, "pkts", path, sizeof(path));
		t->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	}
	if (t->fd >= 0) {
		uint8_t l[2] = { (uint8_t)(len >> 8), (uint8_t)len };
		struct iovec iov[2] = { { l, 2 }, { (void *)(uintptr_t)buf, len } };
		if (writev(t->fd, iov, 2) != (ssize_t)(len + 2))
			dlog(LOG_WARNING, "carried item %08x: cannot write its file: "
			    "%s", t->ssrc, strerror(errno));
	}
	if (item_complete(t)) {
		h->stored++;
		h->item_bytes = 0;
		for (uint32_t i = 0; i < t->npkt; i++)
			h->item_bytes += t->len[i];
		if (t->fd >= 0)
			fdatasync(t->fd);	/* a power cut must not lose it */
		dlog(LOG_INFO, "carried item %08x (class %u) held: %u packets, "
		    "%lld s from now", t->ssrc, t->prio, t->npkt,
		    (long long)((t->first_pts - srv_now) / 1000000));
		t->held_reported = now;
		send_report(a, t, BCAST_CARRY_HELD, t->ssrc);
	}
	return live ? 0 : 1;
}


void
carry_on_revoke(struct agent *a, const uint8_t *buf, size_t len, int64_t now)
{
	struct carried *h = a->carried;
	uint32_t ssrc;
	int reason;

	(void)now;
	if (h == NULL)
		return;
	enum bcast_verdict v = bcast_revoke_parse(buf, len, a->c->server_pk,
	    a->tkey, &ssrc, &reason);
	if (v != BCAST_OK) {
		a->k.dropped[v]++;
		return;
	}
	struct item *t = carry_find(h, ssrc);
	if (t) {
		dlog(LOG_INFO, "carried item %08x forgotten (%s)", ssrc,
		    reason == BCAST_REVOKE_DONE ? "its airing is recorded" :
		    "cancelled or replaced");
		if (t->airing && a->active && a->ssrc == ssrc &&
		    reason == BCAST_REVOKE_CANCELLED)
			agent_end_stream(a, 1);
		item_drop(h, t, 1);
	}
	carry_revoke_add(h, ssrc);
	send_report(a, NULL, BCAST_CARRY_FORGOTTEN, ssrc);
}


/* May t air from the copy now? Cut off from the server, its time come,
 * and nothing of its class or above playing live. */
static int
may_air(const struct agent *a, const struct item *t, int64_t srv_now)
{
	if (!a->server_lost || t->aired || t->followed || t->held == 0 ||
	    t->npkt == 0 || srv_now < t->first_pts - START_EARLY_US ||
	    srv_now >= t->first_pts + (int64_t)t->npkt * FRAME_US)
		return 0;
	return !a->active || a->stalled || a->ssrc == t->ssrc ||
	    a->prio < t->prio;
}

/* Feed t's packets due within ahead µs that did not come live. */
static void
feed(struct agent *a, struct item *t, int64_t now, int64_t srv_now,
    int64_t ahead)
{
	while (t->feed < t->npkt && t->first_pts + (int64_t)t->feed * FRAME_US <
	    srv_now + ahead) {
		uint32_t q = t->feed++;
		struct bcast_audio p;
		if (q >= t->cap || t->pkt[q] == NULL ||
		    bcast_audio_peek(t->pkt[q], t->len[q], &p) != BCAST_OK)
			continue;	/* missing: FEC or PLC covers it */
		if (a->active && a->ssrc == t->ssrc &&
		    a->seen[q % JB_SLOTS] == (uint64_t)q + 1)
			continue;	/* came live */
		agent_take(a, &p, now);
		t->played++;
	}
}

/* The first frame still to come at srv_now. */
static uint32_t
frame_at(const struct item *t, int64_t srv_now)
{
	int64_t at = srv_now - t->first_pts;

	return at > 0 ? (uint32_t)(at / FRAME_US) + 1 : 0;
}

void
carry_tick(struct agent *a, int64_t now)
{
	struct carried *h = a->carried;

	if (h == NULL || !a->synced)
		return;
	int64_t srv_now = now + a->offset_us;
	for (int i = 0; i < ITEMS; i++) {
		struct item *t = &h->it[i];
		if (!t->used || t->npkt == 0)
			continue;
		if (!t->airing && !t->aired && !t->followed && a->active &&
		    a->ssrc == t->ssrc && !a->stalled) {
			/* Its live airing (the same packets): what is lost on
			 * the way, or all of it if the link goes now, comes
			 * from the copy just before it is due. */
			t->followed = 1;
			t->feed = frame_at(t, srv_now);
		} else if (!t->airing && may_air(a, t, srv_now)) {
			t->airing = 1;
			t->feed = frame_at(t, srv_now);
			t->aired_pts = t->first_pts + (int64_t)t->feed * FRAME_US;
			dlog(LOG_NOTICE, "cut off from the server: carried item "
			    "%08x (class %u) airs from the box's copy, from frame "
			    "%u of %u", t->ssrc, t->prio, t->feed, t->npkt);
		}
		if (t->followed && t->feed < t->npkt) {
			feed(a, t, now, srv_now, FOLLOW_AHEAD_US);
			if (t->feed >= t->npkt && t->played > 0)
				dlog(LOG_NOTICE, "carried item %08x: %u of its %u "
				    "frames did not come live and were played from "
				    "the box's copy", t->ssrc, t->played, t->npkt);
		}
		if (t->airing) {
			feed(a, t, now, srv_now, FEED_AHEAD_US);
			if (t->feed >= t->npkt) {
				t->aired = 1;
				t->airing = 0;
				t->next_report = 0;
				carry_mark_aired(h, t);
				h->aired_items++;
			}
		}
		if (t->aired && now >= t->next_report) {
			/* Until the server answers with a revoke. */
			t->next_report = now + REPORT_EVERY_US;
			send_report(a, t, BCAST_CARRY_AIRED, t->ssrc);
		} else if (!t->aired && !t->airing &&
		    srv_now > t->first_pts + (int64_t)t->npkt * FRAME_US +
		    KEEP_AFTER_US) {
			item_drop(h, t, 1);	/* it aired live, or never */
		}
	}
	if (now - h->clock_saved > 60000000)
		carry_clock_save(a);
}

