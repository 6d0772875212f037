/*
 * daemon_pages.c — emergency pages in dalabad: a page's notices put on
 * the air at once from one live render (the TTS thread takes it first;
 * every zone's stream reads the audio as it comes), the page finished
 * when its last airing is, cancel, and the counts of its live view.
 * The airings themselves are daemon.c's, like any other.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scheduler/daemon.h"
#include "scheduler/daemon_int.h"
#include "broadcaster/log.h"

static void
page_render_done(struct render_job *job, void *arg)
{
	struct dalabad *d = arg;
	int64_t page_id = job->notice.page_id;

	if (job->rc != 0)
		dlog(LOG_ERR, "page %lld: rendering failed: %s", (long long)page_id,
		    job->err);
	for (guint i = 0; d && i < d->airings->len; i++) {
		struct airing *a = g_ptr_array_index(d->airings, i);
		if (a->page_id != page_id || a->dead || job->rc != 0)
			continue;
		/* From now on (repeats after a restart, the history's
		 * download) the file; a stream under way keeps its own
		 * reference to the live copy. */
		if (!a->path[0])
			snprintf(a->path, sizeof(a->path), "%s", job->path);
		if (a->on_air_at)
			db_broadcast_on_air(d->db, a->it.id, a->on_air_at,
			    daemon_audio_name(a->path));
		live_unref(a->live);
		a->live = NULL;
	}
	render_job_free(job);
}

int
dalabad_alert_start(struct dalabad *d, int64_t page_id, char *err,
    size_t errlen)
{
	int64_t ids[64], bid, now = dalabad_now(), t0 = g_get_monotonic_time();
	struct db_page p;
	int n = db_page_notices(d->db, page_id, ids, G_N_ELEMENTS(ids)), started = 0;
	struct render_job *job;
	struct live_pcm *live;

	if (n <= 0 || db_page_get(d->db, page_id, &p) != 1) {
		snprintf(err, errlen, "page %lld has no notices to air",
		    (long long)page_id);
		return -1;
	}
	job = daemon_job_for(d, ids[0], page_render_done, d);
	if (job == NULL) {
		snprintf(err, errlen, "page %lld: its notice cannot be read",
		    (long long)page_id);
		db_page_clear(&p);
		return -1;
	}
	live = live_new();
	job->live = live_ref(live);
	/* Render first, so the TTS thread is already on it while the
	 * airings are made; they read the audio as it comes. */
	render_worker_submit(d->worker, job);
	for (int i = 0; i < n; i++) {
		if (db_slot_claim(d->db, ids[i], 0, now, p.volume, NULL, &bid,
		    err, errlen) != 1)
			continue;
		struct airing *a = daemon_airing_new(d, bid, ids[i], 0, now,
		    p.volume, NULL, live, now);
		if (a != NULL) {
			a->page_issued_us = t0;
			started++;
		}
	}
	live_unref(live);
	db_page_clear(&p);
	dlog(LOG_NOTICE, "page %lld: on air to %d zone%s", (long long)page_id,
	    started, started == 1 ? "" : "s");
	daemon_tick(d);		/* pre-empt and start now, not at the next tick */
	if (started == 0) {
		snprintf(err, errlen, "page %lld: nothing could be put on air",
		    (long long)page_id);
		return -1;
	}
	return 0;
}

void
dalabad_alert_off_air(struct dalabad *d, int64_t page_id)
{
	int64_t ids[64];
	int n = db_page_notices(d->db, page_id, ids, G_N_ELEMENTS(ids));

	for (int i = 0; i < n; i++)
		dalabad_notice_cancelled(d, ids[i]);
}

int
dalabad_alert_playing(struct dalabad *d, int64_t page_id)
{
	size_t n = 0;
	struct bcast_speaker_info *v = bcast_registry_snapshot(d->srv, &n);
	int playing = 0;

	for (size_t i = 0; v && i < n; i++) {
		gpointer p;
		if (v[i].st.playing_ssrc != 0 && g_hash_table_lookup_extended(
		    d->page_ssrc, GUINT_TO_POINTER(v[i].st.playing_ssrc), NULL, &p) &&
		    (int64_t)GPOINTER_TO_SIZE(p) == page_id)
			playing++;
	}
	free(v);
	return playing;
}

bool
dalabad_alert_live(struct dalabad *d, int64_t page_id)
{
	for (guint i = 0; i < d->airings->len; i++) {
		struct airing *a = g_ptr_array_index(d->airings, i);
		if (a->page_id == page_id && !a->dead)
			return true;
	}
	return false;
}

void
daemon_page_airing_over(struct airing *a, const char *outcome)
{
	struct dalabad *d = a->d;
	const char *state = strcmp(outcome, "cancelled") == 0 ? "cancelled" :
	    a->stop == STOP_EXPIRE ? "expired" : "ended";

	/* a is dead already: is any other airing of the page left? */
	if (dalabad_alert_live(d, a->page_id))
		return;
	if (db_page_finish(d->db, a->page_id, state, NULL) == 0)
		dlog(LOG_NOTICE, "page %lld: %s", (long long)a->page_id, state);
}

bool
daemon_page_on_air(struct dalabad *d)
{
	for (guint i = 0; i < d->airings->len; i++) {
		struct airing *a = g_ptr_array_index(d->airings, i);
		if (a->page_id && a->oa)
			return true;
	}
	return false;
}
