/*
 * daemon_view.c — what the HTTP side (web-admin/) may read of the daemon,
 * through scheduler/scheduler.h: its configuration, store, clock zone and
 * broadcaster, what is on the air, and the planner's next slots. The
 * handle stays opaque so the API cannot come to depend on the core's
 * insides.
 */
#include <assert.h>
#include <sys/stat.h>

#include "scheduler/daemon.h"

const struct dalabad_config *
dalabad_config(const struct dalabad *d)
{
	return &d->cfg;
}

struct db *
dalabad_store(const struct dalabad *d)
{
	return d->db;
}

GTimeZone *
dalabad_tz(const struct dalabad *d)
{
	return d->tz;
}

struct bcast_server *
dalabad_broadcaster(const struct dalabad *d)
{
	return d->srv;
}

void
dalabad_render(struct dalabad *d, struct render_job *job)
{
	assert(job != NULL && job->done != NULL);	/* it hands back */
	render_worker_submit(d->worker, job);
}

int
dalabad_import(struct dalabad *d, struct import_job *job)
{
	assert(job != NULL && job->done != NULL);
	return import_pool_submit(d->imports, job);
}

gchar *
dalabad_recording_path(const struct dalabad_config *cfg, const char *key)
{
	gchar *name = g_strdup_printf("%s.ogg", key);
	gchar *path = g_build_filename(cfg->state_dir, "recordings", name, NULL);

	g_free(name);
	return path;
}

int
dalabad_convert(struct dalabad *d, const char *src, const char *dst,
    const char *title, render_done_fn done, void *arg)
{
	return render_worker_convert(d->worker, src, dst, title, done, arg);
}

void
dalabad_airings_each(struct dalabad *d,
    void (*fn)(const struct dalabad_airing_info *a, void *arg), void *arg)
{
	for (guint i = 0; d->airings && i < d->airings->len; i++) {
		struct airing *a = g_ptr_array_index(d->airings, i);
		if (a->dead)
			continue;
		struct dalabad_airing_info in = {
			.broadcast_id = a->it.id, .notice_id = a->notice_id,
			.title = a->title, .zone = a->it.zone,
			.prio = (int)a->it.prio, .on_air = a->oa != NULL,
			.on_air_at = a->on_air_at, .targets = a->targets,
			.confirmed = a->confirmed ?
			    (int)g_hash_table_size(a->confirmed) : 0,
		};
		fn(&in, arg);
	}
}

void
dalabad_schedules_each(struct dalabad *d,
    void (*fn)(int64_t schedule_id, int64_t next, void *arg), void *arg)
{
	for (guint i = 0; d->scheds && i < d->scheds->len; i++) {
		struct sched_entry *e = g_ptr_array_index(d->scheds, i);
		fn(e->s.id, tt_next(&e->s.rule, d->tz, e->s.checked_until), arg);
	}
}

/* The size of STATE_DIR/name, 0 if there is none. */
static int64_t
file_bytes(const struct dalabad *d, const char *name)
{
	gchar *path = g_build_filename(d->cfg.state_dir, name, NULL);
	struct stat sb;
	int64_t n = stat(path, &sb) == 0 ? (int64_t)sb.st_size : 0;

	g_free(path);
	return n;
}

void
dalabad_stats(struct dalabad *d, struct dalabad_stats *out)
{
	render_worker_stats(d->worker, &out->render_queue, &out->render_seconds);
	hist_read(&d->page_latency, &out->page_latency_seconds);
	/* The WAL holds what a checkpoint has not yet moved into the file:
	 * the disk the store takes is both. */
	out->store_bytes = file_bytes(d, "dalaba.db") +
	    file_bytes(d, "dalaba.db-wal");
}
