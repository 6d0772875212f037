/*
 * daemon_plan.c — dalabad's planner: the schedules read from the store
 * (again when the API changes them, and every minute), each due slot
 * claimed once and made an airing, slots missed while dalabad was down
 * logged, and items rendered a little ahead of their slot.
 */
#include <stdio.h>
#include <stdlib.h>

#include "scheduler/daemon.h"
#include "scheduler/daemon_int.h"
#include "broadcaster/log.h"

#define RESCAN_SCHEDULES_S 60
#define MAX_CATCHUP_SLOTS 1000	/* per schedule per restart */

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
	daemon_carry_check(d);
}

struct prerender {
	struct dalabad *d;
	int64_t slot, schedule_id;
	int volume;
};

/* A render ahead of its slot: the sweep keeps it until the slot passes. */
static void
prerender_done(struct render_job *job, void *arg)
{
	struct prerender *p = arg;

	if (job->rc != 0)
		dlog(LOG_WARNING, "rendering notice %lld ahead of its slot: %s",
		    (long long)job->notice.id, job->err);
	else if (p->d->upcoming) {
		g_hash_table_insert(p->d->upcoming, g_strdup(daemon_audio_name(
		    job->path)), g_memdup2(&p->slot, sizeof(p->slot)));
		daemon_carry_ahead(p->d, p->schedule_id, p->slot, p->volume, job);
	}
	g_free(p);
	render_job_free(job);
}

/* One slot of a schedule is due (or was, while we were down), for one
 * of its notice's targets (zone NULL: the notice's one zone). */
static void
slot_due_in(struct dalabad *d, const struct sched_entry *e, int64_t slot,
    const char *zone, int64_t now)
{
	int64_t bid;
	char err[256], when[32], reason[128];
	int rc = db_slot_claim(d->db, e->s.notice_id, e->s.id, slot,
	    e->s.volume, zone, &bid, err, sizeof(err));

	if (rc == 0)
		return;		/* claimed before: it aired or is logged */
	if (rc < 0) {
		dlog(LOG_ERR, "schedule %lld: cannot claim its slot: %s",
		    (long long)e->s.id, err);
		return;
	}
	if (!air_slot_in_grace(slot, now, d->cfg.grace_s)) {
		snprintf(reason, sizeof(reason), "dalabad was not running at %s",
		    daemon_local_time(d, slot, when, sizeof(when)));
		db_slot_finish(d->db, bid, "missed", reason, err, sizeof(err));
		dlog(LOG_WARNING, "notice %lld: slot %s missed (%s)",
		    (long long)e->s.notice_id, when, reason);
		return;
	}
	daemon_airing_new(d, bid, e->s.notice_id, e->s.id, slot, e->s.volume,
	    zone, NULL, now);
}

/* A notice of several targets airs once in each, one log per zone;
 * each claim stands alone, so a crash between two loses none. */
static void
slot_due(struct dalabad *d, const struct sched_entry *e, int64_t slot,
    int64_t now)
{
	struct db_notice n;
	bool cancelled;
	int rc = db_notice_get(d->db, e->s.notice_id, &n, &cancelled);

	if (rc == 1 && n.nzones > 0)
		for (size_t i = 0; i < n.nzones; i++)
			slot_due_in(d, e, slot, n.zones[i], now);
	else
		slot_due_in(d, e, slot, NULL, now);	/* logs what fails */
	if (rc == 1)
		db_notice_clear(&n);
}

void
daemon_plan(struct dalabad *d, int64_t now)
{
	if (d->scheds == NULL || d->scheds_dirty ||
	    now - d->scheds_read_at >= RESCAN_SCHEDULES_S)
		read_schedules(d, now);
	for (guint i = 0; i < d->scheds->len; i++) {
		struct sched_entry *e = g_ptr_array_index(d->scheds, i);
		int guard = 0;
		for (;;) {
			/* checked_until: the last slot dealt with. */
			if (!e->next_known) {
				e->next = tt_next(&e->s.rule, d->tz,
				    e->s.checked_until);
				e->next_known = true;
			}
			int64_t next = e->next;
			if (next < 0)
				break;
			if (next > now) {
				if (next - now <= d->cfg.render_ahead_s &&
				    e->prerendered != next) {
					struct prerender *p = g_new0(struct prerender, 1);
					p->d = d;
					p->slot = next;
					p->schedule_id = e->s.id;
					p->volume = e->s.volume;
					struct render_job *job = daemon_job_for(d,
					    e->s.notice_id, prerender_done, p);
					if (job)
						render_worker_submit(d->worker, job);
					else
						g_free(p);
					e->prerendered = next;
				}
				break;
			}
			slot_due(d, e, next, now);
			e->s.checked_until = next;
			e->next_known = false;
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
