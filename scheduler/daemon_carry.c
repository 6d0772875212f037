/*
 * daemon_carry.c — dalabad's side of store and forward (断网续播): a
 * routine slot rendered ahead (daemon_plan.c) is carried to the boxes of
 * its zone, encoded once with its presentation times at the slot, on a
 * thread of its own (a minute of speech takes the encoder a second or
 * two); a schedule removed, a notice cancelled or edited, or a slot that
 * changed revokes the copy; the boxes' reports of what they aired from
 * their copies, while cut off, fill in the broadcast log when they come
 * back. Emergency pages are always live: never carried.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "broadcaster/log.h"
#include "scheduler/daemon.h"
#include "scheduler/daemon_int.h"
#include "tts/tts.h"

#define CARRY_REMEMBER_S (2 * 86400)	/* reports may come this late */

struct carry_entry {
	struct db_carry c;
	GThread *thread;		/* encoding; NULL once carried */
	/* for the thread: */
	struct dalabad *d;
	char path[512];
	int prio, volume;
	int64_t pts;
	bool ok;
	char err[256];
};

/* The notice's content as heard, to see an edit (FNV-1a). */
static int64_t
content_of(const struct db_notice *n)
{
	uint64_t h = 1469598103934665603ULL;
	const char *parts[] = { n->title ? n->title : "", n->body,
	    n->voice ? n->voice : "", n->zone };
	char nums[64];

	snprintf(nums, sizeof(nums), "%d %d %d %d", n->repeat, n->chime,
	    n->priority, n->rate);
	for (size_t i = 0; i <= G_N_ELEMENTS(parts); i++) {
		const char *s = i < G_N_ELEMENTS(parts) ? parts[i] : nums;
		for (; *s; s++)
			h = (h ^ (uint8_t)*s) * 1099511628211ULL;
		h = (h ^ 0xff) * 1099511628211ULL;
	}
	return (int64_t)(h >> 1);
}

struct pcm_buf {
	int16_t *v;
	size_t n, cap;
	struct tts_horn *horn;
};

static int
collect(const int16_t *pcm, size_t frames, void *arg)
{
	struct pcm_buf *b = arg;

	if (b->n + frames > b->cap) {
		size_t cap = (b->n + frames) * 2;
		int16_t *v = realloc(b->v, cap * sizeof(*v));
		if (v == NULL)
			return 1;
		b->v = v;
		b->cap = cap;
	}
	memcpy(b->v + b->n, pcm, frames * sizeof(*pcm));
	/* As onair.c processes what it streams: the copy is the same audio. */
	if (b->horn)
		tts_horn_process(b->horn, b->v + b->n, frames);
	b->n += frames;
	return 0;
}

static gboolean
carried(gpointer data)
{
	struct carry_entry *ce = data;
	struct dalabad *d = ce->d;

	if (ce->thread)		/* else joined at stop */
		g_thread_join(ce->thread);
	ce->thread = NULL;
	if (!ce->ok) {
		dlog(LOG_WARNING, "notice %lld: not carried ahead of its slot: %s",
		    (long long)ce->c.notice_id, ce->err);
		g_ptr_array_remove(d->carries, ce);
		return G_SOURCE_REMOVE;
	}
	/* One copy per slot: one carried before (a restart, a re-render)
	 * is replaced. */
	for (guint i = 0; i < d->carries->len; i++) {
		struct carry_entry *o = g_ptr_array_index(d->carries, i);
		if (o != ce && !o->c.revoked && o->thread == NULL &&
		    o->c.schedule_id == ce->c.schedule_id &&
		    o->c.slot_at == ce->c.slot_at) {
			bcast_carry_revoke(d->srv, o->c.ssrc, o->c.zone,
			    o->c.end_pts, BCAST_REVOKE_CANCELLED);
			db_carry_revoke(d->db, o->c.ssrc, dalabad_now());
			o->c.revoked = true;
		}
	}
	if (db_carry_add(d->db, &ce->c, dalabad_now()) != 0)
		dlog(LOG_ERR, "notice %lld: its carried copy could not be "
		    "stored", (long long)ce->c.notice_id);
	dlog(LOG_INFO, "notice %lld: carried to the boxes of %s ahead of its "
	    "slot (stream %08x)", (long long)ce->c.notice_id, ce->c.zone,
	    ce->c.ssrc);
	return G_SOURCE_REMOVE;
}

static gpointer
carry_main(gpointer data)
{
	struct carry_entry *ce = data;
	struct dalabad *d = ce->d;
	struct pcm_buf b = { 0 };

	if (d->cfg.horn_highpass_hz > 0 || d->cfg.horn_compress)
		b.horn = tts_horn_new(BCAST_RATE, d->cfg.horn_highpass_hz,
		    d->cfg.horn_compress != 0);
	if (tts_wav_stream(ce->path, BCAST_RATE, collect, &b, ce->err,
	    sizeof(ce->err)) == 0)
		ce->ok = bcast_carry_new(d->srv, ce->c.zone,
		    (enum bcast_priority)ce->prio, ce->volume, ce->pts, b.v, b.n,
		    &ce->c.ssrc, ce->err, sizeof(ce->err)) == 0;
	if (ce->ok)
		ce->c.end_pts = ce->pts + (int64_t)((b.n + BCAST_FRAME_SAMPLES - 1) /
		    BCAST_FRAME_SAMPLES) * BCAST_FRAME_MS * 1000;
	free(b.v);
	tts_horn_free(b.horn);
	g_idle_add_full(G_PRIORITY_HIGH, carried, ce, NULL);
	return NULL;
}

void
daemon_carry_ahead(struct dalabad *d, int64_t schedule_id, int64_t slot,
    int volume, const struct render_job *job)
{
	const struct db_notice *n = &job->notice;
	int qs, qe;

	if (!d->cfg.carry || n->page_id || n->feed ||
	    n->priority >= BCAST_PRIO_EMERGENCY || !n->zone || !n->zone[0] ||
	    !job->path[0])
		return;		/* pages live; news read fresh at its slot */
	/* A copy is one per slot, in one zone: a notice of several targets
	 * airs live in each (carrying it per target is not built yet), and
	 * a cut-in is live by nature. */
	if (n->nzones > 0 || db_schedule_urgent(d->db, schedule_id) == 1)
		return;
	/* Held by quiet hours, it would not air at its slot. */
	db_zone_quiet(d->db, n->zone, &qs, &qe);
	if (tt_quiet_end(qs, qe, d->tz, slot) > slot)
		return;
	struct carry_entry *ce = g_new0(struct carry_entry, 1);
	ce->d = d;
	ce->c.schedule_id = schedule_id;
	ce->c.notice_id = n->id;
	ce->c.slot_at = slot;
	snprintf(ce->c.zone, sizeof(ce->c.zone), "%s", n->zone);
	ce->c.content = content_of(n);
	snprintf(ce->path, sizeof(ce->path), "%s", job->path);
	ce->prio = n->priority;
	/* as daemon_airing_new sets it: the copy and the live airing agree */
	ce->volume = volume >= 0 ? volume : db_zone_volume(d->db, n->zone);
	/* The slot on the wire's clock, heard after the play-out delay as
	 * a live airing would be. */
	ce->pts = bcast_server_time_us(d->srv) + (slot * G_USEC_PER_SEC -
	    g_get_real_time()) + (int64_t)d->cfg.delay_ms * 1000;
	g_ptr_array_add(d->carries, ce);
	ce->thread = g_thread_new("carry", carry_main, ce);
}

uint32_t
daemon_carry_for(const struct airing *a)
{
	if (a->page_id || !a->schedule_id || a->it.interruptions > 0)
		return 0;
	for (guint i = 0; i < a->d->carries->len; i++) {
		const struct carry_entry *ce = g_ptr_array_index(a->d->carries, i);
		if (!ce->thread && !ce->c.revoked &&
		    ce->c.schedule_id == a->schedule_id &&
		    ce->c.slot_at == a->slot_at &&
		    strcmp(ce->c.zone, a->it.zone) == 0)
			return ce->c.ssrc;
	}
	return 0;
}

static bool
still_wanted(struct dalabad *d, const struct carry_entry *ce)
{
	struct db_notice n;
	bool cancelled, same;

	for (guint i = 0; d->scheds && i < d->scheds->len; i++) {
		const struct sched_entry *e = g_ptr_array_index(d->scheds, i);
		if (e->s.id != ce->c.schedule_id)
			continue;
		/* The slot still to come, as carried (or being claimed). */
		if (e->s.checked_until >= ce->c.slot_at)
			return true;
		if (tt_next(&e->s.rule, d->tz, e->s.checked_until) !=
		    ce->c.slot_at)
			return false;
		if (db_notice_get(d->db, ce->c.notice_id, &n, &cancelled) != 1)
			return false;
		same = !cancelled && content_of(&n) == ce->c.content;
		db_notice_clear(&n);
		return same;
	}
	return false;
}

void
daemon_carry_check(struct dalabad *d)
{
	int64_t now = dalabad_now();

	for (guint i = 0; i < d->carries->len; i++) {
		struct carry_entry *ce = g_ptr_array_index(d->carries, i);
		if (ce->thread || ce->c.revoked)
			continue;
		if (ce->c.slot_at > now - 600 && !still_wanted(d, ce)) {
			dlog(LOG_INFO, "notice %lld: its copy carried for %s is "
			    "revoked (cancelled, edited or rescheduled)",
			    (long long)ce->c.notice_id, ce->c.zone);
			bcast_carry_revoke(d->srv, ce->c.ssrc, ce->c.zone,
			    ce->c.end_pts, BCAST_REVOKE_CANCELLED);
			db_carry_revoke(d->db, ce->c.ssrc, now);
			ce->c.revoked = true;
		}
	}
	/* Forget what no report can still be about. */
	for (guint i = d->carries->len; i > 0; i--) {
		struct carry_entry *ce = g_ptr_array_index(d->carries, i - 1);
		if (!ce->thread && ce->c.slot_at < now - CARRY_REMEMBER_S)
			g_ptr_array_remove_index(d->carries, i - 1);
	}
}

void
daemon_carry_reports(struct dalabad *d)
{
	struct bcast_carry_report r[64];
	size_t n;
	char when[32];

	while ((n = bcast_carry_reports(d->srv, r, G_N_ELEMENTS(r))) > 0) {
		for (size_t i = 0; i < n; i++) {
			struct db_carry c;
			if (db_carry_get(d->db, r[i].ssrc, &c) != 1)
				continue;
			int64_t bid = db_broadcast_of_slot(d->db, c.schedule_id,
			    c.slot_at);
			if (bid <= 0)
				continue;
			/* The wire's clock is the system clock's (timeline.c),
			 * near enough for a log in seconds. */
			int64_t at = (r[i].aired_pts - (int64_t)d->cfg.delay_ms *
			    1000) / G_USEC_PER_SEC;
			db_broadcast_confirm_copy(d->db, bid, r[i].speaker_id, at);
			dlog(LOG_NOTICE, "speaker %u aired notice %lld (slot %s) "
			    "from its own copy while cut off: %u frames",
			    r[i].speaker_id, (long long)c.notice_id,
			    daemon_local_time(d, c.slot_at, when, sizeof(when)),
			    r[i].played);
		}
	}
}

static void
restore_one(const struct db_carry *c, void *arg)
{
	struct dalabad *d = arg;
	struct carry_entry *ce = g_new0(struct carry_entry, 1);

	ce->d = d;
	ce->c = *c;
	g_ptr_array_add(d->carries, ce);
	/* Revokes not yet confirmed by every box are sent again. */
	if (c->revoked)
		bcast_carry_revoke(d->srv, c->ssrc, c->zone, c->end_pts,
		    BCAST_REVOKE_CANCELLED);
}

void
daemon_carry_start(struct dalabad *d)
{
	d->carries = g_ptr_array_new_with_free_func(g_free);
	db_carry_each(d->db, dalabad_now() - CARRY_REMEMBER_S, restore_one, d);
}

/* Before the server goes: the encoders in flight finish. */
void
daemon_carry_stop(struct dalabad *d)
{
	if (d->carries == NULL)
		return;
	for (guint i = 0; i < d->carries->len; i++) {
		struct carry_entry *ce = g_ptr_array_index(d->carries, i);
		if (ce->thread)
			g_thread_join(ce->thread);
		ce->thread = NULL;
	}
	/* Their reports back, before the array goes. */
	while (g_main_context_iteration(NULL, FALSE))
		;
	g_ptr_array_unref(d->carries);
	d->carries = NULL;
}
