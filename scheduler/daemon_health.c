/*
 * daemon_health.c — each loudspeaker's health history: what a technician
 * asks before driving out (when was it offline, when did its amplifier or
 * sound card start failing, did it lose packets). Every few seconds the
 * registry's view of the boxes (their last heartbeats) is compared with
 * what was last seen, and only the changes are written, in one
 * transaction: a county's ten thousand boxes cost a snapshot and a hash
 * lookup each, and a write only when one changed. Old rows are pruned
 * hourly, by age and by count per box (store_health.c).
 */
#include <stdio.h>
#include <stdlib.h>

#include "broadcaster/log.h"
#include "scheduler/daemon.h"
#include "scheduler/daemon_int.h"

#define HEALTH_EVERY_MS 5000
#define HEALTH_KEEP_S (30 * 86400)	/* a month of history */
#define HEALTH_KEEP_ROWS 500		/* a box that flaps keeps its newest */
#define HEALTH_PRUNE_US ((int64_t)3600 * G_USEC_PER_SEC)
/* Loss is judged over stretches of this many packets (half a minute of
 * audio), and written only when it is worth a look. */
#define LOSS_STRETCH 500
#define LOSS_NOTE_PERMILLE 20

struct seen {
	int8_t online;		/* as last written: -1 never, 0, 1 */
	bool heard;		/* counters below are from this run */
	uint32_t uptime, audio_errors, amp_errors, received, lost;
	uint32_t stretch_rx, stretch_lost;
};

struct health {
	GHashTable *seen;	/* speaker id -> struct seen */
	GHashTable *written;	/* ids written to since the last prune */
	GArray *batch;		/* struct db_speaker_event */
	guint timer;
	int64_t started_mono, next_prune_mono;
};

static struct seen *
seen_of(struct health *h, uint32_t id)
{
	struct seen *s = g_hash_table_lookup(h->seen, GUINT_TO_POINTER(id));

	if (s == NULL) {
		s = g_new0(struct seen, 1);
		s->online = -1;
		g_hash_table_insert(h->seen, GUINT_TO_POINTER(id), s);
	}
	return s;
}

static void
last_online(uint32_t id, bool online, void *arg)
{
	seen_of(arg, id)->online = online;
}

static void
add(struct health *h, uint32_t id, int64_t at, int kind, int64_t value)
{
	struct db_speaker_event e = { .speaker_id = id, .at = at,
	    .kind = (enum db_speaker_event_kind)kind, .value = value };

	g_array_append_val(h->batch, e);
}

/* Its counters since the last heartbeat looked at. */
static void
counters(struct health *h, struct seen *s, const struct bcast_speaker_info *in,
    int64_t now)
{
	const struct bcast_status *st = &in->st;

	if (s->heard && st->uptime_s < s->uptime) {
		/* The agent started again: its counters start from 0. */
		add(h, in->id, now, DB_EV_RESTART, s->uptime);
		s->stretch_rx = s->stretch_lost = 0;
	} else if (s->heard) {
		if (st->audio_errors > s->audio_errors)
			add(h, in->id, now, DB_EV_AUDIO_ERRORS, st->audio_errors -
			    s->audio_errors);
		if (st->amp_errors > s->amp_errors)
			add(h, in->id, now, DB_EV_AMP_ERRORS, st->amp_errors -
			    s->amp_errors);
		if (st->received >= s->received && st->lost >= s->lost) {
			s->stretch_rx += st->received - s->received;
			s->stretch_lost += st->lost - s->lost;
		}
		uint32_t all = s->stretch_rx + s->stretch_lost;
		if (all >= LOSS_STRETCH) {
			int64_t pm = (int64_t)s->stretch_lost * 1000 / all;
			if (pm >= LOSS_NOTE_PERMILLE)
				add(h, in->id, now, DB_EV_LOSS, pm);
			s->stretch_rx = s->stretch_lost = 0;
		}
	}
	s->heard = true;
	s->uptime = st->uptime_s;
	s->audio_errors = st->audio_errors;
	s->amp_errors = st->amp_errors;
	s->received = st->received;
	s->lost = st->lost;
}

static void
sample(struct dalabad *d)
{
	struct health *h = d->health;
	size_t n;
	struct bcast_speaker_info *v = bcast_registry_snapshot(d->srv, &n);
	int64_t now = dalabad_now(), mono = g_get_monotonic_time();
	/* Just started, every box looks offline until its next HELLO: a box
	 * that was online is written offline only if it stays silent. */
	bool settled = mono - h->started_mono > (int64_t)(d->cfg.offline_s +
	    HEALTH_EVERY_MS / 1000) * G_USEC_PER_SEC;

	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		struct seen *s = seen_of(h, v[i].id);
		if (v[i].online && s->online != 1) {
			add(h, v[i].id, now, DB_EV_ONLINE, 1);
			s->online = 1;
		} else if (!v[i].online && s->online == 1 && settled) {
			/* From when it was last heard, where that is known. */
			int64_t at = v[i].last_heard_us ? v[i].last_heard_us /
			    G_USEC_PER_SEC : now;
			add(h, v[i].id, at, DB_EV_ONLINE, 0);
			s->online = 0;
		}
		if (v[i].online && v[i].last_heard_us)
			counters(h, s, &v[i], now);
	}
	free(v);
	if (h->batch->len > 0) {
		/* A thousand boxes back after a 4G outage: one sync. */
		bool tx = db_begin(d->db) == 0;
		for (guint i = 0; i < h->batch->len; i++) {
			struct db_speaker_event *e = &g_array_index(h->batch,
			    struct db_speaker_event, i);
			db_speaker_event_add(d->db, e);
			g_hash_table_add(h->written, GUINT_TO_POINTER(e->speaker_id));
		}
		if (tx && db_commit(d->db) != 0)
			dlog(LOG_WARNING, "speakers' health history: %u changes "
			    "not written", h->batch->len);
		g_array_set_size(h->batch, 0);
	}
	if (mono >= h->next_prune_mono) {
		h->next_prune_mono = mono + HEALTH_PRUNE_US;
		GArray *ids = g_array_new(FALSE, FALSE, sizeof(uint32_t));
		GHashTableIter it;
		gpointer k;
		g_hash_table_iter_init(&it, h->written);
		while (g_hash_table_iter_next(&it, &k, NULL)) {
			uint32_t id = GPOINTER_TO_UINT(k);
			g_array_append_val(ids, id);
		}
		g_hash_table_remove_all(h->written);
		bool tx = db_begin(d->db) == 0;
		int gone = db_speaker_events_prune(d->db, now - HEALTH_KEEP_S,
		    HEALTH_KEEP_ROWS, (const uint32_t *)(void *)ids->data, ids->len);
		if (tx && gone < 0)
			db_rollback(d->db);
		else if (tx && db_commit(d->db) != 0)
			gone = -1;
		g_array_free(ids, TRUE);
		if (gone > 0)
			dlog(LOG_INFO, "speakers' health history: %d old entries "
			    "pruned", gone);
	}
}

static gboolean
on_timer(gpointer data)
{
	sample(data);
	return G_SOURCE_CONTINUE;
}

void
daemon_health_start(struct dalabad *d)
{
	struct health *h = g_new0(struct health, 1);

	h->seen = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
	    g_free);
	h->batch = g_array_new(FALSE, FALSE, sizeof(struct db_speaker_event));
	h->written = g_hash_table_new(g_direct_hash, g_direct_equal);
	h->started_mono = g_get_monotonic_time();
	h->next_prune_mono = h->started_mono + HEALTH_PRUNE_US / 60;
	d->health = h;
	db_speaker_last_online_each(d->db, last_online, h);
	h->timer = g_timeout_add(HEALTH_EVERY_MS, on_timer, d);
}

void
daemon_health_note(struct dalabad *d, uint32_t id, int kind, int64_t value)
{
	struct db_speaker_event e = { .speaker_id = id, .at = dalabad_now(),
	    .kind = (enum db_speaker_event_kind)kind, .value = value };

	db_speaker_event_add(d->db, &e);
	g_hash_table_add(d->health->written, GUINT_TO_POINTER(id));
}

void
daemon_health_stop(struct dalabad *d)
{
	struct health *h = d->health;

	if (h == NULL)
		return;
	if (h->timer)
		g_source_remove(h->timer);
	g_hash_table_destroy(h->seen);
	g_hash_table_destroy(h->written);
	g_array_free(h->batch, TRUE);
	g_free(h);
	d->health = NULL;
}
