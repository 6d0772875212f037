/*
 * daemon_speaker.c — one loudspeaker as its page acts on it: its own
 * volume handed to the registry (the box is told it in each signed reply
 * to its HELLO, broadcaster.h), and a test tone to that box alone (the
 * sender gives the packets to no other box of its village), which never
 * plays over a broadcast or a page there: it is refused while one is on
 * air, and stopped within a fifth of a second if one starts meanwhile.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "broadcaster/log.h"
#include "scheduler/daemon.h"
#include "scheduler/daemon_int.h"

/* What the box says: the chime, then the words, twice (a few seconds). */
#define TONE_TEXT "这是测试。这是喇叭试音，这是测试。"
#define TONE_WATCH_MS 200
/* After its last packet, how long a late confirmation still counts: the
 * box says HELLO as it starts playing, so it comes long before this. */
#define TONE_AFTER_US (5 * G_USEC_PER_SEC)

struct tone {
	struct dalabad *d;
	uint32_t id;
	char zone[13];
	struct render_job *job;		/* rendering (cached after the first) */
	struct onair *oa;		/* on air */
	uint32_t ssrc;
	guint watch;
	bool cut;			/* stopped for a broadcast */
	int64_t ended_mono;
	struct dalabad_tone_info info;
};

static void
push_volume(uint32_t id, int volume, void *arg)
{
	struct dalabad *d = arg;

	bcast_registry_set_volume(d->srv, id, volume);
}

void
daemon_speaker_start(struct dalabad *d)
{
	d->tones = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
	    g_free);
	db_speaker_volumes_each(d->db, push_volume, d);
}

void
dalabad_speaker_volume_changed(struct dalabad *d, uint32_t id, int volume)
{
	bcast_registry_set_volume(d->srv, id, volume);
	dlog(LOG_INFO, "speaker %u: its own volume is now %d%s", id, volume,
	    volume < 0 ? " (the box's configured one)" : "");
}

/* Is something on air at the box (zone)? An airing of a zone covering
 * it, or (box_too) what the box itself says it plays other than ssrc. */
static enum dalabad_tone
busy(struct dalabad *d, uint32_t id, const char *zone, uint32_t ssrc,
    bool box_too)
{
	struct bcast_speaker_info in;

	for (guint i = 0; i < d->airings->len; i++) {
		struct airing *a = g_ptr_array_index(d->airings, i);
		if (a->dead || a->oa == NULL ||
		    !dalabad_zones_overlap(a->it.zone, zone))
			continue;
		return a->page_id || a->it.prio == BCAST_PRIO_EMERGENCY ?
		    DALABAD_TONE_PAGE : DALABAD_TONE_BUSY;
	}
	if (box_too && bcast_registry_get(d->srv, id, &in) == 0 && in.online &&
	    in.st.playing_ssrc != 0 && in.st.playing_ssrc != ssrc)
		return in.st.priority == BCAST_PRIO_EMERGENCY ?
		    DALABAD_TONE_PAGE : DALABAD_TONE_BUSY;
	return DALABAD_TONE_STARTED;
}

static gboolean
tone_watch(gpointer data)
{
	struct tone *t = data;
	struct bcast_speaker_info in;

	if (!t->info.confirmed && t->ssrc && bcast_registry_get(t->d->srv, t->id,
	    &in) == 0 && in.st.playing_ssrc == t->ssrc) {
		t->info.confirmed = true;
		dlog(LOG_INFO, "speaker %u confirms it plays its test tone", t->id);
	}
	if (t->oa && !t->cut && busy(t->d, t->id, t->zone, t->ssrc, false)) {
		t->cut = true;
		onair_stop(t->oa);
		dlog(LOG_INFO, "speaker %u: its test tone gives way to a "
		    "broadcast", t->id);
	}
	if (t->oa == NULL && (t->info.confirmed || g_get_monotonic_time() -
	    t->ended_mono > TONE_AFTER_US)) {
		daemon_health_note(t->d, t->id, DB_EV_TONE, t->info.confirmed);
		t->watch = 0;
		return G_SOURCE_REMOVE;
	}
	return G_SOURCE_CONTINUE;
}

static void
tone_done(struct onair *oa, void *arg)
{
	struct tone *t = arg;

	t->info.state = t->cut ? DALABAD_TONE_CUT : onair_result(oa) ==
	    ONAIR_DONE ? DALABAD_TONE_DONE : DALABAD_TONE_LOST;
	onair_free(oa);
	t->oa = NULL;
	t->ended_mono = g_get_monotonic_time();
}

static void
tone_rendered(struct render_job *job, void *arg)
{
	struct tone *t = arg;
	char err[256];

	if (t == NULL) {	/* taken back, or dalabad stops */
		render_job_free(job);
		return;
	}
	struct dalabad *d = t->d;
	t->job = NULL;
	if (job->rc != 0 || !job->path[0]) {
		dlog(LOG_WARNING, "speaker %u: the test tone could not be made: %s",
		    t->id, job->err);
		t->info.state = DALABAD_TONE_LOST;
	} else if (busy(d, t->id, t->zone, 0, true) != DALABAD_TONE_STARTED) {
		/* Something went on air while it rendered. */
		t->info.state = DALABAD_TONE_CUT;
	} else if ((t->oa = onair_start_one(d->srv, t->id, BCAST_PRIO_VILLAGE, -1,
	    d->cfg.delay_ms, d->cfg.horn_highpass_hz, d->cfg.horn_compress != 0,
	    job->path, tone_done, t, err, sizeof(err))) == NULL) {
		dlog(LOG_WARNING, "speaker %u: the test tone could not be sent: %s",
		    t->id, err);
		t->info.state = DALABAD_TONE_LOST;
	} else {
		t->ssrc = onair_ssrc(t->oa);
		t->info.state = DALABAD_TONE_ON_AIR;
		dlog(LOG_INFO, "speaker %u: test tone on air (stream %08x)", t->id,
		    t->ssrc);
	}
	render_job_free(job);
	if (t->oa == NULL)
		t->ended_mono = g_get_monotonic_time();
	if (t->oa != NULL && t->watch == 0)
		t->watch = g_timeout_add(TONE_WATCH_MS, tone_watch, t);
}

enum dalabad_tone
dalabad_speaker_tone(struct dalabad *d, uint32_t id)
{
	struct bcast_speaker_info in;
	struct tone *t = g_hash_table_lookup(d->tones, GUINT_TO_POINTER(id));
	enum dalabad_tone why;

	if (bcast_registry_get(d->srv, id, &in) != 0 || !in.online)
		return DALABAD_TONE_OFFLINE;
	if (t && (t->job || t->oa))
		return DALABAD_TONE_AGAIN;
	if ((why = busy(d, id, in.zone, 0, true)) != DALABAD_TONE_STARTED)
		return why;
	struct render_job *job = calloc(1, sizeof(*job));
	if (job == NULL)
		return DALABAD_TONE_FAILED;
	job->notice = (struct db_notice){ .body = strdup(TONE_TEXT),
	    .voice = strdup("mandarin"), .repeat = 1, .chime = 1,
	    .zone = strdup("") };
	if (job->notice.body == NULL || job->notice.voice == NULL ||
	    job->notice.zone == NULL) {
		db_notice_clear(&job->notice);
		free(job);
		return DALABAD_TONE_FAILED;
	}
	if (t == NULL) {
		t = g_new0(struct tone, 1);
		t->d = d;
		t->id = id;
		g_hash_table_insert(d->tones, GUINT_TO_POINTER(id), t);
	}
	if (t->watch)	/* the last one's late confirmations: over */
		g_source_remove(t->watch);
	t->watch = 0;
	snprintf(t->zone, sizeof(t->zone), "%s", in.zone);
	t->ssrc = 0;
	t->cut = false;
	t->info = (struct dalabad_tone_info){ .at = dalabad_now(),
	    .state = DALABAD_TONE_MAKING };
	t->job = job;
	job->done = tone_rendered;
	job->arg = t;
	dalabad_render(d, job);
	return DALABAD_TONE_STARTED;
}

void
dalabad_speaker_tone_cancel(struct dalabad *d, uint32_t id)
{
	struct tone *t = g_hash_table_lookup(d->tones, GUINT_TO_POINTER(id));

	if (t == NULL)
		return;
	if (t->job) {
		t->job->arg = NULL;
		t->job = NULL;
		t->info.state = DALABAD_TONE_LOST;
		t->ended_mono = g_get_monotonic_time();
	}
	if (t->oa) {
		t->cut = true;
		onair_stop(t->oa);
	}
}

bool
dalabad_speaker_tone_last(struct dalabad *d, uint32_t id,
    struct dalabad_tone_info *out)
{
	struct tone *t = d->tones ? g_hash_table_lookup(d->tones,
	    GUINT_TO_POINTER(id)) : NULL;

	if (t != NULL)
		*out = t->info;
	return t != NULL;
}

void
daemon_speaker_stop(struct dalabad *d)
{
	GHashTableIter it;
	gpointer k, v;

	if (d->tones == NULL)
		return;
	g_hash_table_iter_init(&it, d->tones);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		struct tone *t = v;
		if (t->job)
			t->job->arg = NULL;
		t->job = NULL;
		if (t->oa)
			onair_stop(t->oa);
		if (t->watch)
			g_source_remove(t->watch);
		t->watch = 0;
	}
	/* Let their threads report back (within a frame each), bounded. */
	for (int guard = 0; guard < 500; guard++) {
		bool on = false;
		g_hash_table_iter_init(&it, d->tones);
		while (g_hash_table_iter_next(&it, &k, &v))
			on |= ((struct tone *)v)->oa != NULL;
		if (!on)
			break;
		while (g_main_context_iteration(NULL, FALSE))
			;
		g_usleep(10000);
	}
	g_hash_table_destroy(d->tones);
	d->tones = NULL;
}
