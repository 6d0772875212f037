/*
 * daemon.c — dalabad's scheduling core. A 200 ms tick does three things:
 * turn schedules into claimed slots (rendering each a little ahead), ask
 * the air queue (airq.c) what starts, stops or expires, and collect the
 * speakers' "playing" heartbeats into the broadcast log. Rendering and
 * streaming happen on other threads and come back here when done.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "scheduler/daemon.h"
#include "scheduler/log.h"
#include "tts/tts.h"

#define TICK_MS 200
#define CONFIRM_EVERY_US 300000
#define RESCAN_SCHEDULES_S 60
#define MAX_CATCHUP_SLOTS 1000	/* per schedule per restart */

static const char *const class_names[] = { "village", "township", "county",
    "emergency" };

static int64_t
now_s(void)
{
	return g_get_real_time() / G_USEC_PER_SEC;
}

/* "2026-11-23 12:00" in the configured zone, for log lines. */
static const char *
local_time(struct dalabad *d, int64_t t, char *buf, size_t cap)
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

static void airing_go(struct airing *a);

static void
airing_free_if_idle(struct airing *a)
{
	if (!a->dead || a->oa != NULL || a->job != NULL)
		return;
	g_ptr_array_remove(a->d->airings, a);
	g_hash_table_destroy(a->confirmed);
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
	    class_names[a->it.prio], a->it.zone[0] ? a->it.zone : "*", outcome,
	    reason ? ": " : "", reason ? reason : "");
	airq_remove(&a->d->q, &a->it);
	a->dead = true;
	if (a->job)
		a->job->arg = NULL;	/* nobody waits for it now */
	a->job = NULL;
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
	if (job->rc != 0) {
		airing_finish(a, "interrupted", job->err);
	} else {
		snprintf(a->path, sizeof(a->path), "%s", job->path);
		if (a->it.state == AIR_ON && a->oa == NULL)
			airing_go(a);
	}
	render_job_free(job);
}

static struct render_job *
job_for(struct dalabad *d, int64_t notice_id, render_done_fn done, void *arg)
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
	if (a->job != NULL || a->path[0])
		return;
	a->job = job_for(a->d, a->notice_id, render_done, a);
	if (a->job == NULL) {
		airing_finish(a, "interrupted", "the notice could not be read");
		return;
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
	} else if (a->stop == STOP_SHUTDOWN) {
		a->dead = true;		/* stays open in the store: recovered */
		airq_remove(&a->d->q, &a->it);
		airing_free_if_idle(a);
	} else if (a->it.state == AIR_ON) {
		airing_go(a);		/* re-aired before the old run ended */
	}
}

/* Record the speakers this run is for: those of its zone, online or not,
 * so the log shows who did not confirm. */
static int
record_targets(struct airing *a)
{
	struct bcast_zone z, sz;
	size_t n = bcast_registry_list(a->d->srv, NULL, 0);
	struct bcast_speaker_info *v = g_new0(struct bcast_speaker_info, n + 1);
	int targets = 0;

	n = bcast_registry_list(a->d->srv, v, n + 1);
	bcast_zone_parse(a->it.zone, &z);
	for (size_t i = 0; i < n; i++)
		if (bcast_zone_parse(v[i].zone, &sz) == 0 &&
		    bcast_zone_covers(&z, &sz)) {
			db_broadcast_target(a->d->db, a->it.id, v[i].id);
			targets++;
		}
	g_free(v);
	return targets;
}

static void
airing_go(struct airing *a)
{
	char err[256], when[32];

	if (a->oa != NULL)
		return;		/* still stopping: onair_done restarts it */
	if (!a->path[0]) {
		airing_render(a);
		return;
	}
	a->stop = STOP_NONE;
	a->oa = onair_start(a->d->srv, a->it.zone, (enum bcast_priority)a->it.prio,
	    a->volume, a->d->cfg.delay_ms, a->path, onair_done, a, err,
	    sizeof(err));
	if (a->oa == NULL) {
		airing_finish(a, "interrupted", err);
		return;
	}
	a->ssrc = onair_ssrc(a->oa);
	a->on_air_at = now_s();
	g_hash_table_remove_all(a->confirmed);
	a->targets = record_targets(a);
	db_broadcast_on_air(a->d->db, a->it.id, a->on_air_at);
	dlog(LOG_INFO, "on air: broadcast %lld, notice %lld \"%s\" (%s) to zone %s "
	    "(%d speakers)%s at %s", (long long)a->it.id,
	    (long long)a->notice_id, a->title, class_names[a->it.prio],
	    a->it.zone[0] ? a->it.zone : "*", a->targets,
	    a->it.interruptions ? ", re-aired" : "",
	    local_time(a->d, a->on_air_at, when, sizeof(when)));
}

/* Make an airing for a claimed broadcast and queue it. */
static void
airing_new(struct dalabad *d, int64_t broadcast_id, int64_t notice_id,
    int64_t schedule_id, int64_t slot_at, int volume, int64_t now)
{
	struct db_notice n;
	bool cancelled;
	char err[256], when[32];
	int qs, qe;

	if (db_notice_get(d->db, notice_id, &n, &cancelled) != 1) {
		db_slot_finish(d->db, broadcast_id, "interrupted",
		    "its notice cannot be read", err, sizeof(err));
		return;
	}
	if (cancelled) {
		db_slot_finish(d->db, broadcast_id, "cancelled",
		    "the notice was cancelled", err, sizeof(err));
		db_notice_clear(&n);
		return;
	}
	struct airing *a = g_new0(struct airing, 1);
	a->d = d;
	a->it.id = broadcast_id;
	snprintf(a->it.zone, sizeof(a->it.zone), "%s", n.zone);
	a->it.prio = n.priority;
	a->it.ready_at = slot_at > now ? slot_at : now;
	a->it.data = a;
	a->notice_id = notice_id;
	a->schedule_id = schedule_id;
	a->slot_at = slot_at;
	a->volume = volume;
	snprintf(a->title, sizeof(a->title), "%.100s", n.title ? n.title : n.body);
	/* cut at a character boundary */
	for (size_t i = strlen(a->title); i > 0 && !g_utf8_validate(a->title,
	    -1, NULL); i--)
		a->title[i - 1] = '\0';
	a->confirmed = g_hash_table_new(g_direct_hash, g_direct_equal);
	/* Quiet hours hold routine items; an emergency never waits. */
	if (a->it.prio < BCAST_PRIO_EMERGENCY) {
		db_zone_quiet(d->db, n.zone, &qs, &qe);
		int64_t end = tt_quiet_end(qs, qe, d->tz, a->it.ready_at);
		if (end > a->it.ready_at) {
			dlog(LOG_INFO, "broadcast %lld (notice %lld) falls in quiet "
			    "hours: held until %s", (long long)broadcast_id,
			    (long long)notice_id, local_time(d, end, when,
			    sizeof(when)));
			a->it.ready_at = end;
		}
	}
	a->it.expires_at = a->it.ready_at + d->cfg.reair_s;
	db_notice_clear(&n);
	g_ptr_array_add(d->airings, a);
	airq_add(&d->q, &a->it);
	/* Render now if it airs soon, so it starts on time. */
	if (a->it.ready_at - now <= d->cfg.render_ahead_s)
		airing_render(a);
}

/* ---- planning: schedules to claimed slots --------------------------------- */

static void
collect_schedule(const struct db_schedule *s, void *arg)
{
	struct sched_entry *e = g_new0(struct sched_entry, 1);

	e->s = *s;
	g_ptr_array_add(arg, e);
}

static void
read_schedules(struct dalabad *d, int64_t now)
{
	GPtrArray *v = g_ptr_array_new_with_free_func(g_free);

	db_schedule_each(d->db, collect_schedule, v);
	/* Keep what we know about rendering ahead across re-reads. */
	for (guint i = 0; d->scheds && i < v->len; i++) {
		struct sched_entry *e = g_ptr_array_index(v, i);
		for (guint j = 0; j < d->scheds->len; j++) {
			struct sched_entry *o = g_ptr_array_index(d->scheds, j);
			if (o->s.id == e->s.id)
				e->prerendered = o->prerendered;
		}
	}
	if (d->scheds)
		g_ptr_array_unref(d->scheds);
	d->scheds = v;
	d->scheds_dirty = false;
	d->scheds_read_at = now;
}

static void
prerender_done(struct render_job *job, void *arg)
{
	(void)arg;
	if (job->rc != 0)
		dlog(LOG_WARNING, "rendering notice %lld ahead of its slot: %s",
		    (long long)job->notice.id, job->err);
	render_job_free(job);
}

/* One slot of a schedule is due (or was, while we were down). */
static void
slot_due(struct dalabad *d, const struct sched_entry *e, int64_t slot,
    int64_t now)
{
	int64_t bid;
	char err[256], when[32], reason[128];
	int rc = db_slot_claim(d->db, e->s.notice_id, e->s.id, slot,
	    e->s.volume, &bid, err, sizeof(err));

	if (rc == 0)
		return;		/* claimed before: it aired or is logged */
	if (rc < 0) {
		dlog(LOG_ERR, "schedule %lld: cannot claim its slot: %s",
		    (long long)e->s.id, err);
		return;
	}
	if (!air_slot_in_grace(slot, now, d->cfg.grace_s)) {
		snprintf(reason, sizeof(reason), "dalabad was not running at %s",
		    local_time(d, slot, when, sizeof(when)));
		db_slot_finish(d->db, bid, "missed", reason, err, sizeof(err));
		dlog(LOG_WARNING, "notice %lld: slot %s missed (%s)",
		    (long long)e->s.notice_id, when, reason);
		return;
	}
	airing_new(d, bid, e->s.notice_id, e->s.id, slot, e->s.volume, now);
}

static void
plan(struct dalabad *d, int64_t now)
{
	if (d->scheds == NULL || d->scheds_dirty ||
	    now - d->scheds_read_at >= RESCAN_SCHEDULES_S)
		read_schedules(d, now);
	for (guint i = 0; i < d->scheds->len; i++) {
		struct sched_entry *e = g_ptr_array_index(d->scheds, i);
		int guard = 0;
		for (;;) {
			/* checked_until: the last slot dealt with. */
			int64_t next = tt_next(&e->s.rule, d->tz,
			    e->s.checked_until);
			if (next < 0)
				break;
			if (next > now) {
				if (next - now <= d->cfg.render_ahead_s &&
				    e->prerendered != next) {
					struct render_job *job = job_for(d,
					    e->s.notice_id, prerender_done, NULL);
					if (job)
						render_worker_submit(d->worker, job);
					e->prerendered = next;
				}
				break;
			}
			slot_due(d, e, next, now);
			e->s.checked_until = next;
			db_schedule_checked(d->db, e->s.id, next);
			if (++guard == MAX_CATCHUP_SLOTS) {
				dlog(LOG_WARNING, "schedule %lld: more than %d slots "
				    "behind; the rest next tick", (long long)e->s.id,
				    MAX_CATCHUP_SLOTS);
				break;
			}
		}
	}
}

/* ---- the air queue's decisions ------------------------------------------ */

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
			    (long long)by->it.id, class_names[by->it.prio],
			    (long long)by->notice_id);
			if (a->oa) {
				a->stop = STOP_PREEMPT;
				onair_stop(a->oa);
			}
			break;
		}
		case AIR_EXPIRE:
			/* airq already dropped it; finish logs it. */
			airq_add(&d->q, &a->it);
			snprintf(reason, sizeof(reason), "%s and could not re-air by "
			    "%s", a->it.interruptions ? "pre-empted" :
			    "held back", local_time(d, a->it.expires_at, when,
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
	size_t n = 0;
	struct bcast_speaker_info *v = NULL;
	int64_t now = now_s();

	for (guint i = 0; i < d->airings->len; i++) {
		struct airing *a = g_ptr_array_index(d->airings, i);
		if (a->oa == NULL || a->dead)
			continue;
		if (v == NULL) {
			n = bcast_registry_list(d->srv, NULL, 0);
			v = g_new0(struct bcast_speaker_info, n + 1);
			n = bcast_registry_list(d->srv, v, n + 1);
		}
		for (size_t k = 0; k < n; k++) {
			gpointer key = GUINT_TO_POINTER(v[k].id);
			if (v[k].st.playing_ssrc != a->ssrc ||
			    g_hash_table_contains(a->confirmed, key))
				continue;
			g_hash_table_add(a->confirmed, key);
			db_broadcast_confirm(d->db, a->it.id, v[k].id, now);
		}
	}
	g_free(v);
}

static gboolean
tick(gpointer data)
{
	struct dalabad *d = data;
	int64_t now = now_s();

	plan(d, now);
	act(d, now);
	if (g_get_monotonic_time() - d->last_confirm_us >= CONFIRM_EVERY_US) {
		confirm(d);
		d->last_confirm_us = g_get_monotonic_time();
	}
	return G_SOURCE_CONTINUE;
}

/* ---- recovery, start and stop --------------------------------------------- */

static void
recover_open(const struct db_open_broadcast *b, void *arg)
{
	GArray *v = arg;

	g_array_append_val(v, *b);
}

/* Broadcasts claimed but never finished: the daemon stopped while they
 * were queued or on air. Within the grace window they air (again, whole);
 * otherwise they are logged as interrupted. */
static void
recover(struct dalabad *d, int64_t now)
{
	GArray *v = g_array_new(FALSE, FALSE, sizeof(struct db_open_broadcast));
	char err[256];

	db_broadcast_open_each(d->db, recover_open, v);
	for (guint i = 0; i < v->len; i++) {
		struct db_open_broadcast *b = &g_array_index(v, struct
		    db_open_broadcast, i);
		if (air_slot_in_grace(b->slot_at, now, d->cfg.grace_s)) {
			dlog(LOG_INFO, "broadcast %lld (notice %lld) was not "
			    "finished when dalabad stopped: it airs again",
			    (long long)b->id, (long long)b->notice_id);
			airing_new(d, b->id, b->notice_id, b->schedule_id,
			    b->slot_at, b->volume, now);
		} else {
			db_slot_finish(d->db, b->id, "interrupted",
			    "dalabad stopped before it finished", err, sizeof(err));
		}
	}
	g_array_free(v, TRUE);
}

static void
register_speaker(uint32_t id, const char *zone, const char *name,
    const char *key_hex, void *arg)
{
	struct dalabad *d = arg;
	uint8_t key[BCAST_SPEAKER_KEY_LEN];
	char err[256];

	(void)name;
	if (key_hex == NULL)
		return;		/* created, not yet enrolled */
	if (bcast_hex_decode(key_hex, key, sizeof(key)) != 0 ||
	    bcast_registry_add(d->srv, id, zone, key, err, sizeof(err)) != 0)
		dlog(LOG_ERR, "speaker %u: bad stored key or zone; skipped", id);
	sodium_memzero(key, sizeof(key));
}

static int
load_lexicon(struct dalabad *d, char *err, size_t errlen)
{
	struct tts_lexicon *lex = tts_lexicon_new();

	if (lex == NULL || db_lexicon_load(d->db, lex, err, errlen) != 0) {
		tts_lexicon_free(lex);
		return -1;
	}
	render_worker_set_lexicon(d->worker, lex);
	return 0;
}

int
dalabad_start(struct dalabad *d, char *err, size_t errlen)
{
	char e2[256];
	gchar *path;

	if (g_mkdir_with_parents(d->cfg.state_dir, 0750) != 0) {
		snprintf(err, errlen, "%s: %s", d->cfg.state_dir, strerror(errno));
		return -1;
	}
	d->tz = g_time_zone_new_identifier(d->cfg.timezone);
	if (d->tz == NULL) {
		snprintf(err, errlen, "unknown time zone %s", d->cfg.timezone);
		return -1;
	}
	path = g_build_filename(d->cfg.state_dir, "dalaba.db", NULL);
	d->db = db_open(path, e2, sizeof(e2));
	g_free(path);
	if (d->db == NULL) {
		snprintf(err, errlen, "store: %s", e2);
		return -1;
	}
	path = g_build_filename(d->cfg.state_dir, "server.key", NULL);
	int rc = bcast_server_key_load(path, d->pk, d->sk, e2, sizeof(e2));
	g_free(path);
	if (rc != 0) {
		snprintf(err, errlen, "server key: %s", e2);
		return -1;
	}
	struct bcast_config bc = { .bind_addr = d->cfg.bcast_bind,
	    .port = d->cfg.bcast_port ? d->cfg.bcast_port : -1, .sk = d->sk,
	    .offline_after_ms = d->cfg.offline_s * 1000 };
	d->srv = bcast_server_new(&bc, e2, sizeof(e2));
	if (d->srv == NULL) {
		snprintf(err, errlen, "broadcast socket: %s", e2);
		return -1;
	}
	db_speaker_each(d->db, register_speaker, d);
	d->worker = render_worker_new(d->cfg.state_dir, d->cfg.news_timeout_s,
	    e2, sizeof(e2));
	if (d->worker == NULL) {
		snprintf(err, errlen, "speech engine: %s", e2);
		return -1;
	}
	if (load_lexicon(d, e2, sizeof(e2)) != 0)
		dlog(LOG_WARNING, "lexicon: %s; reading without it", e2);
	airq_init(&d->q);
	d->airings = g_ptr_array_new();
	if (api_start(d, err, errlen) != 0)
		return -1;
	int64_t now = now_s();
	recover(d, now);
	plan(d, now);	/* slots missed while we were down, now */
	d->tick_id = g_timeout_add(TICK_MS, tick, d);
	char pkhex[2 * BCAST_PK_LEN + 1];
	bcast_hex_encode(d->pk, BCAST_PK_LEN, pkhex);
	dlog(LOG_NOTICE, "dalabad %s running: state in %s, loudspeakers on UDP "
	    "%s:%d, server public key %s, time zone %s", DALABAD_VERSION,
	    d->cfg.state_dir, d->cfg.bcast_bind, bcast_server_port(d->srv),
	    pkhex, d->cfg.timezone);
	return 0;
}

void
dalabad_stop(struct dalabad *d)
{
	if (d->tick_id)
		g_source_remove(d->tick_id);
	d->tick_id = 0;
	api_stop(d);
	/* Stop what is on air; its broadcast stays open in the store, so the
	 * next start re-airs it within the grace window. */
	for (guint i = 0; d->airings && i < d->airings->len; i++) {
		struct airing *a = g_ptr_array_index(d->airings, i);
		if (a->job)
			a->job->arg = NULL;
		a->job = NULL;
		if (a->oa) {
			a->stop = STOP_SHUTDOWN;
			onair_stop(a->oa);
		}
	}
	render_worker_free(d->worker);
	d->worker = NULL;
	/* Let the threads report back, then free what is left. */
	for (int guard = 0; guard < 500; guard++) {
		bool busy = false;
		for (guint i = 0; d->airings && i < d->airings->len; i++)
			busy |= ((struct airing *)g_ptr_array_index(d->airings,
			    i))->oa != NULL;
		while (g_main_context_iteration(NULL, FALSE))
			;
		if (!busy)
			break;
		g_usleep(10000);
	}
	while (d->airings && d->airings->len > 0) {
		struct airing *a = g_ptr_array_index(d->airings, 0);
		g_ptr_array_remove_index(d->airings, 0);
		g_hash_table_destroy(a->confirmed);
		g_free(a);
	}
	if (d->airings)
		g_ptr_array_unref(d->airings);
	if (d->scheds)
		g_ptr_array_unref(d->scheds);
	airq_free(&d->q);
	bcast_server_free(d->srv);
	db_close(d->db);
	if (d->tz)
		g_time_zone_unref(d->tz);
	sodium_memzero(d->sk, sizeof(d->sk));
	dlog(LOG_NOTICE, "stopped");
}

void
dalabad_reload(struct dalabad *d)
{
	struct dalabad_config c;
	char err[512];

	if (dalabad_config_load(d->config_path, &c, err, sizeof(err)) != 0) {
		dlog(LOG_ERR, "reload: %s; keeping the running configuration", err);
		return;
	}
	GTimeZone *tz = g_time_zone_new_identifier(c.timezone);
	if (tz) {
		g_time_zone_unref(d->tz);
		d->tz = tz;
	}
	/* What can change on the fly; addresses and ports need a restart. */
	g_free(d->cfg.timezone);
	d->cfg.timezone = g_strdup(c.timezone);
	d->cfg.grace_s = c.grace_s;
	d->cfg.reair_s = c.reair_s;
	d->cfg.render_ahead_s = c.render_ahead_s;
	d->cfg.news_timeout_s = c.news_timeout_s;
	d->cfg.delay_ms = c.delay_ms;
	if (strcmp(c.state_dir, d->cfg.state_dir) != 0 ||
	    strcmp(c.api_bind, d->cfg.api_bind) != 0 ||
	    c.api_port != d->cfg.api_port || c.bcast_port != d->cfg.bcast_port ||
	    strcmp(c.bcast_bind, d->cfg.bcast_bind) != 0 ||
	    c.enroll_port != d->cfg.enroll_port ||
	    strcmp(c.enroll_bind, d->cfg.enroll_bind) != 0)
		dlog(LOG_WARNING, "reload: state_dir, addresses and ports change "
		    "only on restart");
	dalabad_config_clear(&c);
	if (load_lexicon(d, err, sizeof(err)) != 0)
		dlog(LOG_WARNING, "reload: lexicon: %s", err);
	d->scheds_dirty = true;
	dlog(LOG_NOTICE, "configuration reloaded (time zone %s)",
	    d->cfg.timezone);
}

void
dalabad_schedules_changed(struct dalabad *d)
{
	d->scheds_dirty = true;
	tick(d);	/* an "air now" item starts at once, not next tick */
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
