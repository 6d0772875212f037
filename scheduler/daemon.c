/*
 * daemon.c — dalabad's scheduling core. A 200 ms tick does three things:
 * plan (daemon_plan.c turns schedules into claimed slots), ask
 * the air queue (airq.c) what starts, stops or expires, and collect the
 * speakers' "playing" heartbeats into the broadcast log. Rendering and
 * streaming happen on other threads and come back here when done.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scheduler/daemon.h"
#include "scheduler/daemon_int.h"
#include "broadcaster/log.h"

#define CONFIRM_EVERY_US 300000

const char *const dalabad_class_names[BCAST_PRIO_EMERGENCY + 1] = {
    "village", "township", "county", "urgent", "emergency" };

int64_t
dalabad_now(void)
{
	return g_get_real_time() / G_USEC_PER_SEC;
}

const char *
daemon_local_time(struct dalabad *d, int64_t t, char *buf, size_t cap)
{
	GDateTime *u = g_date_time_new_from_unix_utc(t);
	GDateTime *l = u ? g_date_time_to_timezone(u, d->tz) : NULL;
	gchar *s = l ? g_date_time_format(l, "%Y-%m-%d %H:%M:%S") : NULL;

	snprintf(buf, cap, "%s", s ? s : "?");
	g_free(s);
	if (l)
		g_date_time_unref(l);
	if (u)
		g_date_time_unref(u);
	return buf;
}

/* ---- airings ------------------------------------------------------------ */

const char *
daemon_audio_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static void airing_go(struct airing *a);

static void
airing_free_if_idle(struct airing *a)
{
	if (!a->dead || a->oa != NULL || a->job != NULL)
		return;
	g_ptr_array_remove(a->d->airings, a);
	g_hash_table_destroy(a->confirmed);
	live_unref(a->live);
	g_free(a);
}

/* Log the outcome, drop the item from the queue; freed once its threads
 * are done with it. */
static void
airing_finish(struct airing *a, const char *outcome, const char *reason)
{
	char err[256];

	if (a->dead)
		return;
	if (db_slot_finish(a->d->db, a->it.id, outcome, reason, err,
	    sizeof(err)) != 0)
		dlog(LOG_ERR, "broadcast %lld: cannot log \"%s\": %s",
		    (long long)a->it.id, outcome, err);
	dlog(LOG_INFO, "broadcast %lld (notice %lld \"%s\", %s, zone %s): %s%s%s",
	    (long long)a->it.id, (long long)a->notice_id, a->title,
	    dalabad_class_names[a->it.prio], a->it.zone[0] ? a->it.zone : "*", outcome,
	    reason ? ": " : "", reason ? reason : "");
	airq_remove(&a->d->q, &a->it);
	a->dead = true;
	if (a->job)
		a->job->arg = NULL;	/* nobody waits for it now */
	a->job = NULL;
	if (a->page_id)
		daemon_page_airing_over(a, outcome);
	/* What went on the air is archived as Ogg Opus (the WAV goes once
	 * no airing needs it). */
	if (a->on_air_at && a->path[0])
		daemon_archive(a->d, a->path);
	airing_free_if_idle(a);
}

static void
render_done(struct render_job *job, void *arg)
{
	struct airing *a = arg;

	if (a == NULL || a->dead) {
		render_job_free(job);
		if (a)
			airing_free_if_idle(a);
		return;
	}
	a->job = NULL;
	if (job->rc == RENDER_NO_ROOM && a->live == NULL) {
		/* The disk is full: render it again into memory and air it
		 * from there, as a page airs. */
		dlog(LOG_WARNING, "broadcast %lld: no room on the disk for its "
		    "audio; it airs from memory", (long long)a->it.id);
		a->live = live_new();
		if ((a->job = daemon_job_for(a->d, a->notice_id, render_done,
		    a)) == NULL) {
			airing_finish(a, "interrupted", "the notice could not be read");
		} else {
			a->job->live = live_ref(a->live);
			render_worker_submit(a->d->worker, a->job);
			if (a->it.state == AIR_ON && a->oa == NULL)
				airing_go(a);
		}
	} else if (job->rc != 0) {
		airing_finish(a, "interrupted", job->err);
	} else if (!job->path[0]) {
		/* Aired from memory; nothing kept to stream from later. */
		live_unref(a->live);
		a->live = NULL;
	} else {
		snprintf(a->path, sizeof(a->path), "%s", job->path);
		if (a->it.state == AIR_ON && a->oa == NULL)
			airing_go(a);
	}
	render_job_free(job);
}

struct render_job *
daemon_job_for(struct dalabad *d, int64_t notice_id, render_done_fn done, void *arg)
{
	struct render_job *job = calloc(1, sizeof(*job));
	bool cancelled;

	if (job == NULL)
		return NULL;
	if (db_notice_get(d->db, notice_id, &job->notice, &cancelled) != 1) {
		free(job);
		return NULL;
	}
	job->done = done;
	job->arg = arg;
	return job;
}

static void
airing_render(struct airing *a)
{
	if (a->job != NULL || a->path[0] || a->live)
		return;		/* under way, done, or a page's own render */
	a->job = daemon_job_for(a->d, a->notice_id, render_done, a);
	if (a->job == NULL) {
		airing_finish(a, "interrupted", "the notice could not be read");
		return;
	}
	if (a->page_id || dalabad_disk_full(a->d, false)) {
		/* A page recovered after a restart: still ahead of everything,
		 * on the air as it renders. On a full disk, any item: what
		 * room is left is the store's. */
		if (!a->page_id)
			dlog(LOG_WARNING, "broadcast %lld: no room on the disk for "
			    "its audio; it airs from memory", (long long)a->it.id);
		a->live = live_new();
		a->job->live = live_ref(a->live);
	}
	render_worker_submit(a->d->worker, a->job);
}

static void
onair_done(struct onair *oa, void *arg)
{
	struct airing *a = arg;
	enum onair_result r = onair_result(oa);
	char reason[300];

	snprintf(reason, sizeof(reason), "%s", onair_error(oa));
	int64_t first = onair_first_audio_us(oa);
	if (a->page_issued_us && first > 0) {
		hist_observe(&a->d->page_latency, (double)(first -
		    a->page_issued_us) / G_USEC_PER_SEC);
		a->page_issued_us = 0;	/* a re-airing is not a page's latency */
	}
	onair_free(oa);
	a->oa = NULL;
	if (a->dead) {
		airing_free_if_idle(a);
		return;
	}
	if (r == ONAIR_DONE) {
		airing_finish(a, "aired", NULL);
	} else if (r == ONAIR_FAILED) {
		airing_finish(a, "interrupted", reason);
	} else if (a->stop == STOP_CANCEL) {
		airing_finish(a, "cancelled", "the notice was cancelled on air");
	} else if (a->stop == STOP_EXPIRE) {
		airing_finish(a, "interrupted", "the page expired on air");
	} else if (a->stop == STOP_SHUTDOWN) {
		a->dead = true;		/* stays open in the store: recovered */
		airq_remove(&a->d->q, &a->it);
		airing_free_if_idle(a);
	} else if (a->it.state == AIR_ON) {
		airing_go(a);		/* re-aired before the old run ended */
	}
}

/* Record the speakers this run is for: every one of its zone, enrolled,
 * online or not, so the log and a page's live view show who did not
 * confirm. One statement, one sync, for a county's thousands. */
static int
record_targets(struct airing *a)
{
	int n = db_broadcast_targets(a->d->db, a->it.id, a->it.zone);

	if (n < 0)
		dlog(LOG_ERR, "broadcast %lld: its targets could not be stored",
		    (long long)a->it.id);
	return n < 0 ? 0 : n;
}

static void
airing_go(struct airing *a)
{
	char err[256], when[32];

	if (a->oa != NULL)
		return;		/* still stopping: onair_done restarts it */
	if (!a->path[0] && !a->live) {
		airing_render(a);
		return;
	}
	a->stop = STOP_NONE;
	/* A page airs as it renders until its file is ready. */
	uint32_t carried = a->path[0] ? daemon_carry_for(a) : 0;
	if (carried)	/* the very packets the boxes hold */
		a->oa = onair_start_carried(a->d->srv, carried, a->it.zone,
		    (enum bcast_priority)a->it.prio, a->volume, a->d->cfg.delay_ms,
		    a->d->cfg.horn_highpass_hz, a->d->cfg.horn_compress != 0,
		    a->path, onair_done, a, err, sizeof(err));
	else
		a->oa = onair_start(a->d->srv, a->it.zone,
		    (enum bcast_priority)a->it.prio, a->volume, a->page_id ?
		    a->d->cfg.page_delay_ms : a->d->cfg.delay_ms,
		    a->d->cfg.horn_highpass_hz, a->d->cfg.horn_compress != 0,
		    a->path, a->path[0] ? NULL : a->live, onair_done, a, err,
		    sizeof(err));
	if (a->oa == NULL) {
		airing_finish(a, "interrupted", err);
		return;
	}
	a->ssrc = onair_ssrc(a->oa);
	if (a->page_id) {
		if (g_hash_table_size(a->d->page_ssrc) > 100000)
			g_hash_table_remove_all(a->d->page_ssrc);
		g_hash_table_insert(a->d->page_ssrc, GUINT_TO_POINTER(a->ssrc),
		    GSIZE_TO_POINTER((gsize)a->page_id));
	}
	a->on_air_at = dalabad_now();
	g_hash_table_remove_all(a->confirmed);
	a->targets = record_targets(a);
	if (a->path[0])
		db_broadcast_on_air(a->d->db, a->it.id, a->on_air_at,
		    daemon_audio_name(a->path));
	else
		db_broadcast_on_air(a->d->db, a->it.id, a->on_air_at, NULL);
	dlog(LOG_INFO, "on air: broadcast %lld, notice %lld \"%s\" (%s) to zone %s "
	    "(%d speakers)%s at %s", (long long)a->it.id,
	    (long long)a->notice_id, a->title, dalabad_class_names[a->it.prio],
	    a->it.zone[0] ? a->it.zone : "*", a->targets,
	    a->it.interruptions ? ", re-aired" : "",
	    daemon_local_time(a->d, a->on_air_at, when, sizeof(when)));
}

/* Make an airing for a claimed broadcast and queue it. */
struct airing *
daemon_airing_new(struct dalabad *d, int64_t broadcast_id, int64_t notice_id,
    int64_t schedule_id, int64_t slot_at, int volume, const char *zone,
    struct live_pcm *live, int64_t now)
{
	struct db_notice n;
	bool cancelled;
	char err[256], when[32];
	int qs, qe;

	if (db_notice_get(d->db, notice_id, &n, &cancelled) != 1) {
		db_slot_finish(d->db, broadcast_id, "interrupted",
		    "its notice cannot be read", err, sizeof(err));
		return NULL;
	}
	if (cancelled) {
		db_slot_finish(d->db, broadcast_id, "cancelled",
		    "the notice was cancelled", err, sizeof(err));
		db_notice_clear(&n);
		return NULL;
	}
	struct airing *a = g_new0(struct airing, 1);
	a->d = d;
	a->it.id = broadcast_id;
	snprintf(a->it.zone, sizeof(a->it.zone), "%s", zone && zone[0] ? zone :
	    n.zone);
	a->it.prio = n.priority;
	/* A cut-in stands above routine items of every class, never above
	 * a page. */
	if (schedule_id && n.priority < BCAST_PRIO_URGENT &&
	    db_schedule_urgent(d->db, schedule_id) == 1)
		a->it.prio = BCAST_PRIO_URGENT;
	a->page_id = n.page_id;
	a->live = live ? live_ref(live) : NULL;
	a->it.ready_at = slot_at > now ? slot_at : now;
	a->it.data = a;
	a->notice_id = notice_id;
	a->schedule_id = schedule_id;
	a->slot_at = slot_at;
	/* The schedule's volume, else the zone's own for routine items
	 * (a page always carries its own). */
	a->volume = volume >= 0 || n.page_id ? volume : db_zone_volume(d->db,
	    a->it.zone);
	snprintf(a->title, sizeof(a->title), "%.100s", n.title ? n.title : n.body);
	/* cut at a character boundary */
	for (size_t i = strlen(a->title); i > 0 && !g_utf8_validate(a->title,
	    -1, NULL); i--)
		a->title[i - 1] = '\0';
	a->confirmed = g_hash_table_new(g_direct_hash, g_direct_equal);
	/* Quiet hours hold routine items; an emergency never waits. */
	if (a->it.prio < BCAST_PRIO_EMERGENCY) {
		db_zone_quiet(d->db, a->it.zone, &qs, &qe);
		int64_t end = tt_quiet_end(qs, qe, d->tz, a->it.ready_at);
		if (end > a->it.ready_at) {
			dlog(LOG_INFO, "broadcast %lld (notice %lld) falls in quiet "
			    "hours: held until %s", (long long)broadcast_id,
			    (long long)notice_id, daemon_local_time(d, end, when,
			    sizeof(when)));
			a->it.ready_at = end;
		}
	}
	a->it.expires_at = a->it.ready_at + d->cfg.reair_s;
	if (a->page_id) {
		/* A page is worth airing until it expires, and not after. */
		struct db_page p;
		if (db_page_get(d->db, a->page_id, &p) == 1) {
			a->stop_at = p.expires_at;
			a->it.expires_at = p.expires_at;
			db_page_clear(&p);
		}
	}
	db_notice_clear(&n);
	g_ptr_array_add(d->airings, a);
	airq_add(&d->q, &a->it);
	/* Render now if it airs soon, so it starts on time. */
	if (a->it.ready_at - now <= d->cfg.render_ahead_s)
		airing_render(a);
	return a;
}

/* ---- the air queue's decisions ------------------------------------------ */

/* by takes part of a's zone; a goes on elsewhere and re-airs there after. */
static void
split(struct dalabad *d, struct airing *a, struct airing *by, int64_t now)
{
	int64_t bid;
	char err[256];
	struct airing *r;

	if (db_broadcast_reair(d->db, a->it.id, by->it.zone, now, &bid, err,
	    sizeof(err)) != 0) {
		dlog(LOG_ERR, "broadcast %lld: cannot queue its re-air in zone %s: "
		    "%s", (long long)a->it.id, by->it.zone, err);
		return;
	}
	dlog(LOG_INFO, "broadcast %lld (notice %lld) gives zone %s to broadcast "
	    "%lld (%s) and goes on elsewhere; broadcast %lld re-airs it there "
	    "after", (long long)a->it.id, (long long)a->notice_id, by->it.zone,
	    (long long)by->it.id, dalabad_class_names[by->it.prio],
	    (long long)bid);
	db_broadcast_interrupted(d->db, bid);
	r = daemon_airing_new(d, bid, a->notice_id, a->schedule_id, now,
	    a->volume, by->it.zone, NULL, now);
	if (r == NULL)
		return;
	r->it.interruptions = 1;
	if (a->path[0] && !r->path[0])
		snprintf(r->path, sizeof(r->path), "%s", a->path);
}

static void
act(struct dalabad *d, int64_t now)
{
	struct air_action acts[64];
	size_t n = airq_step(&d->q, now, acts, G_N_ELEMENTS(acts));
	char reason[160], when[32];

	for (size_t i = 0; i < n; i++) {
		struct airing *a = acts[i].item->data;
		switch (acts[i].kind) {
		case AIR_START:
			airing_go(a);
			break;
		case AIR_PREEMPT: {
			struct airing *by = acts[i].by->data;
			db_broadcast_interrupted(d->db, a->it.id);
			dlog(LOG_INFO, "broadcast %lld (notice %lld) pre-empted by "
			    "broadcast %lld (%s, notice %lld); it re-airs after",
			    (long long)a->it.id, (long long)a->notice_id,
			    (long long)by->it.id, dalabad_class_names[by->it.prio],
			    (long long)by->notice_id);
			if (a->oa) {
				a->stop = STOP_PREEMPT;
				onair_stop(a->oa);
			}
			break;
		}
		case AIR_SPLIT:
			split(d, a, acts[i].by->data, now);
			break;
		case AIR_EXPIRE:
			/* airq already dropped it; finish logs it. */
			airq_add(&d->q, &a->it);
			if (a->page_id)
				a->stop = STOP_EXPIRE;
			snprintf(reason, sizeof(reason), "%s and could not re-air by "
			    "%s", a->it.interruptions ? "pre-empted" :
			    "held back", daemon_local_time(d, a->it.expires_at, when,
			    sizeof(when)));
			airing_finish(a, a->it.interruptions ? "interrupted" :
			    "missed", reason);
			break;
		}
	}
	/* Render soon-due held items ahead too. */
	for (size_t i = 0; i < d->q.n; i++) {
		struct airing *a = d->q.v[i]->data;
		if (a->it.state == AIR_WAITING && !a->path[0] && a->job == NULL &&
		    a->it.ready_at - now <= d->cfg.render_ahead_s)
			airing_render(a);
	}
}

/* ---- confirmations from heartbeats --------------------------------------- */

static void
confirm(struct dalabad *d)
{
	size_t n = 0, nnew;
	struct bcast_speaker_info *v = NULL;
	uint32_t *fresh = NULL;
	int64_t now = dalabad_now();

	bool tx = false;

	for (guint i = 0; i < d->airings->len; i++) {
		struct airing *a = g_ptr_array_index(d->airings, i);
		if (a->oa == NULL || a->dead)
			continue;
		if (v == NULL && (v = bcast_registry_snapshot(d->srv, &n)) == NULL)
			return;
		if (fresh == NULL && (fresh = malloc((n + 1) *
		    sizeof(*fresh))) == NULL)
			break;
		nnew = 0;
		for (size_t k = 0; k < n; k++) {
			gpointer key = GUINT_TO_POINTER(v[k].id);
			if (v[k].st.playing_ssrc != a->ssrc ||
			    g_hash_table_contains(a->confirmed, key))
				continue;
			g_hash_table_add(a->confirmed, key);
			fresh[nnew++] = v[k].id;
		}
		if (nnew == 0)
			continue;
		/* A thousand speakers start within one tick: one
		 * transaction, not a thousand syncs on the loop. */
		if (!tx)
			tx = db_begin(d->db) == 0;
		db_broadcast_confirm_many(d->db, a->it.id, fresh, nnew, now);
	}
	if (tx)
		db_commit(d->db);
	free(fresh);
	free(v);
}

gboolean
daemon_tick(gpointer data)
{
	struct dalabad *d = data;
	int64_t now = dalabad_now();

	/* The disk first: a full one gives up its reserve before the plan
	 * claims slots in the store. */
	if (storage_check(d->storage, g_get_monotonic_time() / G_USEC_PER_SEC))
		daemon_sweep(d);
	daemon_plan(d, now);
	for (guint i = 0; i < d->airings->len; i++) {
		struct airing *a = g_ptr_array_index(d->airings, i);
		if (a->stop_at && now >= a->stop_at && a->oa && !a->dead &&
		    a->stop == STOP_NONE) {
			a->stop = STOP_EXPIRE;
			onair_stop(a->oa);
		}
	}
	act(d, now);
	daemon_carry_reports(d);
	/* While a page is on the air its live view counts every tick. */
	if (daemon_page_on_air(d) ||
	    g_get_monotonic_time() - d->last_confirm_us >= CONFIRM_EVERY_US) {
		confirm(d);
		d->last_confirm_us = g_get_monotonic_time();
	}
	return G_SOURCE_CONTINUE;
}

void
dalabad_schedules_changed(struct dalabad *d)
{
	d->scheds_dirty = true;
	daemon_tick(d);	/* an "air now" item starts at once, not next tick */
}

void
dalabad_notice_cancelled(struct dalabad *d, int64_t notice_id)
{
	/* A copy: finishing an airing can take it out of d->airings. */
	GPtrArray *v = g_ptr_array_copy(d->airings, NULL, NULL);

	for (guint i = 0; i < v->len; i++) {
		struct airing *a = g_ptr_array_index(v, i);
		if (a->notice_id != notice_id || a->dead)
			continue;
		if (a->oa) {
			a->stop = STOP_CANCEL;
			onair_stop(a->oa);
		} else {
			airing_finish(a, "cancelled", "the notice was cancelled");
		}
	}
	g_ptr_array_unref(v);
	d->scheds_dirty = true;
}
