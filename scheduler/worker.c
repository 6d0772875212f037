/*
 * worker.c — see worker.h. Two kinds of thread: the one TTS thread, which
 * only synthesises (eSpeak NG is not reentrant, and a page must find it
 * free), and a small pool for slow work that may block for seconds: news
 * fetches (a feed can hang) and Ogg Opus transcodes (the Opus encoder runs
 * at ~40x real time, so a long preview takes seconds). A news notice goes
 * pool -> TTS thread; a preview goes TTS thread -> pool. Jobs travel in a
 * GAsyncQueue (TTS) and a GThreadPool (slow work); a job is handed back
 * with an idle source, so done() always runs on the thread iterating the
 * default main context, never here (g_main_context_invoke would run it on
 * this thread whenever the loop is not running, as during shutdown). The
 * source is of high priority: at the idle one, a loop kept busy by web
 * requests never ran it, and a render finished but never aired.
 */
#include <assert.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <gio/gio.h>

#include "broadcaster/broadcaster.h"
#include "broadcaster/log.h"
#include "scheduler/news.h"
#include "scheduler/worker.h"
#include "tts/tts.h"

#define SLOW_THREADS 2		/* a hung feed does not hold up transcodes */

struct render_worker {
	GThread *thread;
	GAsyncQueue *jobs;		/* sorted: pages first, then in order */
	uint64_t seq;			/* of the last message queued */
	atomic_int pages_waiting;	/* a render in hand gives way */
	struct tts_engine *eng;
	struct tts_lexicon *lex;	/* in use by eng */
	char *cache_dir;
	char *rec_dir;			/* recordings' archives (voice notices) */
	GThreadPool *slow;		/* news fetches, transcodes */
	GCancellable *stopping;		/* cancels fetches in flight at stop */
	GMutex news_lock;		/* the news settings, read by the pool */
	char *news_cache;
	char *news_root;
	int news_timeout_s;
	atomic_long max_frames;		/* a render running past this stops */
	atomic_int queued;		/* jobs waiting for the TTS thread */
	struct hist took;		/* seconds a finished render took */
	long frames;			/* of the render in hand (TTS thread) */
	bool too_long;			/* it ran past max_frames */
};

/* Control messages share the queue with jobs, so they keep their order. */
enum { MSG_JOB, MSG_LEXICON, MSG_LOUDNESS, MSG_STOP };
struct msg {
	int kind;
	bool urgent;
	uint64_t seq;
	struct render_job *job;
	struct tts_lexicon *lex;
	int lufs, dbtp;			/* MSG_LOUDNESS */
};

/* Where a job is on its way: its news first, then the synthesis, then
 * the Ogg copy, then back to the loop. */
enum { STAGE_NEWS, STAGE_SYNTH, STAGE_OGG, STAGE_CONVERT };

static void post(struct render_worker *w, int kind, struct render_job *job,
    struct tts_lexicon *lex);

static gint
msg_order(gconstpointer a, gconstpointer b, gpointer unused)
{
	const struct msg *x = a, *y = b;

	(void)unused;
	if (x->urgent != y->urgent)
		return x->urgent ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* A routine render stops (and is queued again) when a page comes in: the
 * page must not wait for a long notice to finish synthesising. */
/* Past max_frames a render stops for good: the limit on what one item
 * may run, for text that got past the estimate at intake (news appended,
 * a lexicon entry read long). */
static bool
over_limit(struct render_worker *w, size_t frames)
{
	w->frames += (long)frames;
	if (w->frames > atomic_load(&w->max_frames))
		w->too_long = true;
	return w->too_long;
}

static int
give_way(const int16_t *pcm, size_t frames, void *arg)
{
	struct render_worker *w = arg;

	(void)pcm;
	return over_limit(w, frames) || atomic_load(&w->pages_waiting) > 0;
}

struct live_sink {
	struct render_worker *w;
	struct live_pcm *live;
};

static int
live_bounded(const int16_t *pcm, size_t frames, void *arg)
{
	struct live_sink *ls = arg;

	return over_limit(ls->w, frames) ? 1 : live_append(pcm, frames,
	    ls->live);
}

void
render_job_free(struct render_job *job)
{
	if (job == NULL)
		return;
	db_notice_clear(&job->notice);
	live_unref(job->live);
	free(job->spoken);
	g_free(job->news);
	free(job);
}

static gboolean
hand_back(gpointer data)
{
	struct render_job *job = data;

	job->done(job, job->arg);
	return G_SOURCE_REMOVE;
}

static void
back(struct render_job *job)
{
	g_idle_add_full(G_PRIORITY_HIGH, hand_back, job, NULL);
}

/* The news a news notice reads after its text. On a pool thread: a feed
 * may take up to the fetch deadline to answer, or never. */
static void
fetch_news(struct render_worker *w, struct render_job *job)
{
	struct db_notice *n = &job->notice;
	char err[256];

	g_mutex_lock(&w->news_lock);
	gchar *root = g_strdup(w->news_root), *cache = g_strdup(w->news_cache);
	int timeout = w->news_timeout_s;
	g_mutex_unlock(&w->news_lock);
	job->news = news_text(n->feed, n->feed_items, root, cache, timeout,
	    w->stopping, &job->news_stale, err, sizeof(err));
	if (job->news == NULL)
		dlog(LOG_WARNING, "notice %lld: news from %s: %s; reading the "
		    "notice text alone", (long long)n->id, n->feed, err);
	else if (job->news_stale)
		dlog(LOG_WARNING, "notice %lld: news from %s: %s; reading the "
		    "copy fetched before", (long long)n->id, n->feed, err);
	g_free(root);
	g_free(cache);
}

static void
slow_main(gpointer data, gpointer user)
{
	struct render_job *job = data;
	struct render_worker *w = user;

	if (job->stage == STAGE_NEWS) {
		fetch_news(w, job);
		job->stage = STAGE_SYNTH;
		post(w, MSG_JOB, job, NULL);
		return;
	}
	if (job->stage == STAGE_CONVERT) {
		job->rc = render_job_convert(job);
		back(job);
		return;
	}
	/* STAGE_OGG */
	if (job->rc == 0)
		job->rc = render_job_ogg_copy(job, job->notice.title);
	back(job);
}

/* Is it in the cache already (then there is nothing to give way with)? */
static bool
cached(struct render_worker *w, const struct tts_notice *tn)
{
	char key[65], path[600];

	tts_cache_key(w->eng, tn, key);
	snprintf(path, sizeof(path), "%s/%s.wav", w->cache_dir, key);
	return access(path, R_OK) == 0;
}

/* Synthesise. 0 done (job->rc says how), 1 gave way to a page: queue it
 * again. On the TTS thread, and nothing slow besides the synthesis. */
static int
render(struct render_worker *w, struct render_job *job)
{
	struct db_notice *n = &job->notice;
	struct tts_notice tn = { .title = n->title, .body = n->body,
	    .repeat = n->repeat, .chime = n->chime != 0,
	    .emergency = n->page_id != 0 || n->priority == BCAST_PRIO_EMERGENCY };
	char *body = NULL, *rec = NULL;

	if (n->recording) {
		/* A voice notice: heard from its archive, its text not read. */
		rec = g_strdup_printf("%s/%s.ogg", w->rec_dir, n->recording);
		tn.recording = rec;
	}
	tts_params_default(&tn.params);
	tn.params.voice = tts_voice_find(n->voice);
	tn.params.rate = n->rate;
	if (tn.params.voice == NULL) {
		snprintf(job->err, sizeof(job->err), "unknown voice \"%s\"",
		    n->voice);
		job->rc = -1;
		if (job->live)
			live_finish(job->live, -1, job->err);
		g_free(rec);
		return 0;
	}
	if (job->news != NULL) {
		body = g_strconcat(n->body, "\n", job->news, NULL);
		if (strlen(body) <= TTS_MAX_TEXT_BYTES)	/* always, with our caps */
			tn.body = body;
	}
	w->frames = 0;
	w->too_long = false;
	if (job->live) {
		struct live_sink ls = { w, job->live };
		job->rc = tts_cache_render(w->eng, w->cache_dir, &tn, live_bounded,
		    &ls, job->path, sizeof(job->path), &job->cache_hit,
		    job->err, sizeof(job->err));
		if (job->rc == 1)
			snprintf(job->err, sizeof(job->err), "longer than a page "
			    "may be");
		if (job->rc == 2) {
			/* Heard whole from memory; the disk had no room for a
			 * copy. Not a failure: it aired. */
			dlog(LOG_WARNING, "%s", job->err);
			job->path[0] = '\0';
			job->rc = 0;
		}
		job->rc = job->rc ? -1 : 0;
		live_finish(job->live, job->rc, job->err);
	} else if (cached(w, &tn)) {
		job->rc = tts_cache_ensure(w->eng, w->cache_dir, &tn, job->path,
		    sizeof(job->path), &job->cache_hit, job->err,
		    sizeof(job->err));
	} else {
		job->rc = tts_cache_render(w->eng, w->cache_dir, &tn, give_way, w,
		    job->path, sizeof(job->path), &job->cache_hit, job->err,
		    sizeof(job->err));
		if (job->rc == 1 && w->too_long) {
			snprintf(job->err, sizeof(job->err), "it ran past %ld s "
			    "of audio, the most one item may take; stopped",
			    atomic_load(&w->max_frames) / TTS_OUTPUT_RATE);
			job->rc = -1;
		} else if (job->rc == 1) {
			g_free(body);
			g_free(rec);
			return 1;
		}
	}
	if (job->rc == 2)
		job->rc = RENDER_NO_ROOM;	/* the daemon airs it from memory */
	if (job->rc == 0 && job->want_spoken && rec == NULL) {
		char *t = tts_spoken_text(tn.body, strlen(tn.body), tn.params.voice,
		    w->lex, job->err, sizeof(job->err));
		job->spoken = t ? strdup(t) : NULL;
		free(t);
	}
	g_free(body);
	g_free(rec);
	return 0;
}

static gpointer
worker_main(gpointer data)
{
	struct render_worker *w = data;

	for (;;) {
		struct msg *m = g_async_queue_pop(w->jobs);
		int kind = m->kind;
		if (kind == MSG_JOB) {
			gint64 t0 = g_get_monotonic_time();
			atomic_fetch_sub(&w->queued, 1);
			if (m->urgent)
				atomic_fetch_sub(&w->pages_waiting, 1);
			if (render(w, m->job) == 1) {
				atomic_fetch_add(&w->queued, 1);
				g_async_queue_push_sorted(w->jobs, m, msg_order,
				    NULL);	/* after the page, as it was */
				continue;
			}
			hist_observe(&w->took, (double)(g_get_monotonic_time() -
			    t0) / G_USEC_PER_SEC);
			if (m->job->want_ogg && m->job->rc == 0) {
				m->job->stage = STAGE_OGG;
				g_thread_pool_push(w->slow, m->job, NULL);
			} else {
				back(m->job);
			}
		} else if (kind == MSG_LEXICON) {
			tts_engine_set_lexicon(w->eng, m->lex);
			tts_lexicon_free(w->lex);
			w->lex = m->lex;
		} else if (kind == MSG_LOUDNESS) {
			char err[128];
			if (tts_engine_set_loudness(w->eng, m->lufs, m->dbtp, err,
			    sizeof(err)) != 0)
				dlog(LOG_WARNING, "loudness: %s", err);
		}
		free(m);
		if (kind == MSG_STOP)
			break;
	}
	return NULL;
}

/* From a cached render's check (milliseconds) to a long notice (~1000x
 * real time: a minute is 60 ms) and a long news read. */
static const double render_bounds[] = { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
    0.5, 1, 2.5, 5, 10, 30 };

struct render_worker *
render_worker_new(const char *state_dir, char *err, size_t errlen)
{
	struct render_worker *w = g_new0(struct render_worker, 1);

	w->eng = tts_engine_new(TTS_OUTPUT_RATE, err, errlen);
	if (w->eng == NULL) {
		g_free(w);
		return NULL;
	}
	w->cache_dir = g_build_filename(state_dir, "render", NULL);
	w->rec_dir = g_build_filename(state_dir, "recordings", NULL);
	atomic_store(&w->max_frames, 3600L * TTS_OUTPUT_RATE);
	atomic_init(&w->queued, 0);
	hist_init(&w->took, render_bounds, G_N_ELEMENTS(render_bounds));
	g_mutex_init(&w->news_lock);
	w->news_cache = g_build_filename(state_dir, "news-cache", NULL);
	w->news_root = g_build_filename(state_dir, "news", NULL);
	w->news_timeout_s = 10;
	w->stopping = g_cancellable_new();
	w->slow = g_thread_pool_new(slow_main, w, SLOW_THREADS, FALSE, NULL);
	w->jobs = g_async_queue_new();
	w->thread = g_thread_new("tts", worker_main, w);
	return w;
}

void
render_worker_stats(struct render_worker *w, int *queued,
    struct dalabad_hist *took)
{
	*queued = atomic_load(&w->queued);
	hist_read(&w->took, took);
}

void
render_worker_set_limit(struct render_worker *w, int seconds)
{
	atomic_store(&w->max_frames, (long)seconds * TTS_OUTPUT_RATE);
}

void
render_worker_set_news(struct render_worker *w, const char *root,
    int timeout_s)
{
	g_mutex_lock(&w->news_lock);
	g_free(w->news_root);
	w->news_root = g_strdup(root);
	w->news_timeout_s = timeout_s;
	g_mutex_unlock(&w->news_lock);
}

/* Queue m, in its order; it is the worker's from here. */
static void
queue(struct render_worker *w, struct msg *m)
{
	m->urgent = m->job && m->job->live;
	g_async_queue_lock(w->jobs);
	m->seq = ++w->seq;
	if (m->kind == MSG_JOB)
		atomic_fetch_add(&w->queued, 1);
	if (m->urgent)
		atomic_fetch_add(&w->pages_waiting, 1);
	g_async_queue_push_sorted_unlocked(w->jobs, m, msg_order, NULL);
	g_async_queue_unlock(w->jobs);
}

static void
post(struct render_worker *w, int kind, struct render_job *job,
    struct tts_lexicon *lex)
{
	struct msg *m = g_new0(struct msg, 1);

	m->kind = kind;
	m->job = job;
	m->lex = lex;
	queue(w, m);
}

void
render_worker_submit(struct render_worker *w, struct render_job *job)
{
	/* A page never waits for news (it has none): straight to the TTS
	 * thread. A news notice fetches first, off that thread. */
	if (job->notice.feed != NULL && job->live == NULL) {
		job->stage = STAGE_NEWS;
		g_thread_pool_push(w->slow, job, NULL);
		return;
	}
	job->stage = STAGE_SYNTH;
	post(w, MSG_JOB, job, NULL);
}

static void
archived(struct render_job *job, void *arg)
{
	(void)arg;
	if (job->rc != 0)
		dlog(LOG_WARNING, "the archive copy of %s: %s", job->path, job->err);
	render_job_free(job);
}

void
render_worker_transcode(struct render_worker *w, const char *wav_path)
{
	struct render_job *job = calloc(1, sizeof(*job));

	if (job == NULL)
		return;
	snprintf(job->path, sizeof(job->path), "%s", wav_path);
	job->done = archived;
	job->stage = STAGE_OGG;
	g_thread_pool_push(w->slow, job, NULL);
}

int
render_worker_convert(struct render_worker *w, const char *src,
    const char *dst, const char *title, render_done_fn done, void *arg)
{
	struct render_job *job = calloc(1, sizeof(*job));

	assert(done != NULL);
	if (job == NULL)
		return -1;
	snprintf(job->path, sizeof(job->path), "%s", src);
	snprintf(job->ogg, sizeof(job->ogg), "%s", dst);
	job->notice.title = title ? strdup(title) : NULL;
	job->done = done;
	job->arg = arg;
	job->stage = STAGE_CONVERT;
	g_thread_pool_push(w->slow, job, NULL);
	return 0;
}

void
render_worker_set_lexicon(struct render_worker *w, struct tts_lexicon *lex)
{
	post(w, MSG_LEXICON, NULL, lex);
}

void
render_worker_set_loudness(struct render_worker *w, int lufs, int dbtp)
{
	struct msg *m = g_new0(struct msg, 1);

	m->kind = MSG_LOUDNESS;
	m->lufs = lufs;
	m->dbtp = dbtp;
	queue(w, m);
}

static void
drop_queued(struct render_worker *w)
{
	struct msg *m;

	while ((m = g_async_queue_try_pop(w->jobs)) != NULL) {
		if (m->kind == MSG_JOB)
			render_job_free(m->job);
		tts_lexicon_free(m->lex);
		free(m);
	}
}

void
render_worker_free(struct render_worker *w)
{
	if (w == NULL)
		return;
	/* Drop what has not started, then stop after the job in hand (which
	 * may still hand a transcode to the pool: it is alive until below). */
	drop_queued(w);
	post(w, MSG_STOP, NULL, NULL);
	g_thread_join(w->thread);
	/* Fetches in flight give up; the pool drops what has not started
	 * and finishes what has. */
	g_cancellable_cancel(w->stopping);
	g_thread_pool_free(w->slow, TRUE, TRUE);
	drop_queued(w);		/* what a fetch queued meanwhile */
	g_async_queue_unref(w->jobs);
	g_object_unref(w->stopping);
	tts_engine_free(w->eng);
	tts_lexicon_free(w->lex);
	g_free(w->cache_dir);
	g_free(w->rec_dir);
	g_free(w->news_cache);
	g_free(w->news_root);
	g_mutex_clear(&w->news_lock);
	g_free(w);
}
