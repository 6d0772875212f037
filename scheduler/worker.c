/*
 * worker.c — see worker.h. Jobs travel in a GAsyncQueue; a job is handed
 * back with g_idle_add, so done() always runs on the thread iterating the
 * default main context, never here (g_main_context_invoke would run it on
 * this thread whenever the loop is not running, as during shutdown).
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "broadcaster/broadcaster.h"
#include "scheduler/log.h"
#include "scheduler/news.h"
#include "scheduler/worker.h"
#include "tts/tts.h"

struct render_worker {
	GThread *thread;
	GAsyncQueue *jobs;		/* sorted: pages first, then in order */
	uint64_t seq;			/* of the last message queued */
	atomic_int pages_waiting;	/* a render in hand gives way */
	struct tts_engine *eng;
	struct tts_lexicon *lex;	/* in use by eng */
	char *cache_dir;
	char *news_dir;
	int news_timeout_s;
};

/* Control messages share the queue with jobs, so they keep their order. */
enum { MSG_JOB, MSG_LEXICON, MSG_STOP };
struct msg {
	int kind;
	bool urgent;
	uint64_t seq;
	struct render_job *job;
	struct tts_lexicon *lex;
};

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
static int
give_way(const int16_t *pcm, size_t frames, void *arg)
{
	struct render_worker *w = arg;

	(void)pcm;
	(void)frames;
	return atomic_load(&w->pages_waiting) > 0;
}

void
render_job_free(struct render_job *job)
{
	if (job == NULL)
		return;
	db_notice_clear(&job->notice);
	live_unref(job->live);
	free(job->spoken);
	free(job);
}

static gboolean
hand_back(gpointer data)
{
	struct render_job *job = data;

	job->done(job, job->arg);
	return G_SOURCE_REMOVE;
}

/* The cached WAV as Ogg Opus beside it (what a browser's <audio> plays,
 * at a tenth of the size), made once. */
static int
ogg_copy(struct render_job *job, const char *title)
{
	size_t n = strlen(job->path);
	struct tts_writer *wr;

	if (n < 4 || n >= sizeof(job->ogg) ||
	    strcmp(job->path + n - 4, ".wav") != 0) {
		snprintf(job->err, sizeof(job->err), "not a cached WAV: %.200s",
		    job->path);
		return -1;
	}
	snprintf(job->ogg, sizeof(job->ogg), "%.*s.ogg", (int)(n - 4), job->path);
	if (access(job->ogg, R_OK) == 0)
		return 0;
	wr = tts_writer_open(job->ogg, TTS_FORMAT_OGG_OPUS, TTS_OUTPUT_RATE,
	    title, job->err, sizeof(job->err));
	if (wr == NULL)
		return -1;
	if (tts_wav_stream(job->path, TTS_OUTPUT_RATE, tts_writer_pcm_fn, wr,
	    job->err, sizeof(job->err)) != 0) {
		tts_writer_abort(wr);
		return -1;
	}
	return tts_writer_close(wr, job->err, sizeof(job->err));
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

/* 0 done (job->rc says how), 1 gave way to a page: queue it again. */
static int
render(struct render_worker *w, struct render_job *job)
{
	struct db_notice *n = &job->notice;
	struct tts_notice tn = { .title = n->title, .body = n->body,
	    .repeat = n->repeat, .chime = n->chime != 0,
	    .emergency = n->page_id != 0 || n->priority == BCAST_PRIO_EMERGENCY };
	char *body = NULL;

	tts_params_default(&tn.params);
	tn.params.voice = tts_voice_find(n->voice);
	tn.params.rate = n->rate;
	if (tn.params.voice == NULL) {
		snprintf(job->err, sizeof(job->err), "unknown voice \"%s\"",
		    n->voice);
		job->rc = -1;
		if (job->live)
			live_finish(job->live, -1, job->err);
		return 0;
	}
	if (n->feed != NULL) {
		char err[256];
		char *news = news_text(n->feed, n->feed_items, w->news_dir,
		    w->news_timeout_s, &job->news_stale, err, sizeof(err));
		if (news == NULL)
			dlog(LOG_WARNING, "notice %lld: news from %s: %s; reading "
			    "the notice text alone", (long long)n->id, n->feed, err);
		else if (job->news_stale)
			dlog(LOG_WARNING, "notice %lld: news from %s: %s; reading "
			    "the copy fetched before", (long long)n->id, n->feed,
			    err);
		if (news != NULL) {
			body = g_strconcat(n->body, "\n", news, NULL);
			g_free(news);
			if (strlen(body) > TTS_MAX_TEXT_BYTES)
				body[0] = '\0';	/* cannot happen with our caps */
			else
				tn.body = body;
		}
	}
	if (job->live) {
		job->rc = tts_cache_render(w->eng, w->cache_dir, &tn, live_append,
		    job->live, job->path, sizeof(job->path), &job->cache_hit,
		    job->err, sizeof(job->err));
		if (job->rc == 1)
			snprintf(job->err, sizeof(job->err), "longer than a page "
			    "may be");
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
		if (job->rc == 1) {
			g_free(body);
			return 1;
		}
	}
	if (job->rc == 0 && job->want_spoken) {
		char *t = tts_spoken_text(tn.body, strlen(tn.body), tn.params.voice,
		    w->lex, job->err, sizeof(job->err));
		job->spoken = t ? strdup(t) : NULL;
		free(t);
	}
	if (job->rc == 0 && job->want_ogg)
		job->rc = ogg_copy(job, n->title);
	g_free(body);
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
			if (m->urgent)
				atomic_fetch_sub(&w->pages_waiting, 1);
			if (render(w, m->job) == 1) {
				g_async_queue_push_sorted(w->jobs, m, msg_order,
				    NULL);	/* after the page, as it was */
				continue;
			}
			g_idle_add(hand_back, m->job);
		} else if (kind == MSG_LEXICON) {
			tts_engine_set_lexicon(w->eng, m->lex);
			tts_lexicon_free(w->lex);
			w->lex = m->lex;
		}
		free(m);
		if (kind == MSG_STOP)
			break;
	}
	return NULL;
}

struct render_worker *
render_worker_new(const char *cache_dir, int news_timeout_s, char *err,
    size_t errlen)
{
	struct render_worker *w = g_new0(struct render_worker, 1);

	w->eng = tts_engine_new(TTS_OUTPUT_RATE, err, errlen);
	if (w->eng == NULL) {
		g_free(w);
		return NULL;
	}
	w->cache_dir = g_build_filename(cache_dir, "render", NULL);
	w->news_dir = g_build_filename(cache_dir, "news", NULL);
	w->news_timeout_s = news_timeout_s;
	w->jobs = g_async_queue_new();
	w->thread = g_thread_new("tts", worker_main, w);
	return w;
}

static void
post(struct render_worker *w, int kind, struct render_job *job,
    struct tts_lexicon *lex)
{
	struct msg *m = g_new0(struct msg, 1);

	m->kind = kind;
	m->job = job;
	m->lex = lex;
	m->urgent = job && job->live;
	g_async_queue_lock(w->jobs);
	m->seq = ++w->seq;
	if (m->urgent)
		atomic_fetch_add(&w->pages_waiting, 1);
	g_async_queue_push_sorted_unlocked(w->jobs, m, msg_order, NULL);
	g_async_queue_unlock(w->jobs);
}

void
render_worker_submit(struct render_worker *w, struct render_job *job)
{
	post(w, MSG_JOB, job, NULL);
}

void
render_worker_set_lexicon(struct render_worker *w, struct tts_lexicon *lex)
{
	post(w, MSG_LEXICON, NULL, lex);
}

void
render_worker_free(struct render_worker *w)
{
	struct msg *m;

	if (w == NULL)
		return;
	/* Drop what has not started, then stop after the job in hand. */
	while ((m = g_async_queue_try_pop(w->jobs)) != NULL) {
		if (m->kind == MSG_JOB)
			render_job_free(m->job);
		tts_lexicon_free(m->lex);
		free(m);
	}
	post(w, MSG_STOP, NULL, NULL);
	g_thread_join(w->thread);
	g_async_queue_unref(w->jobs);
	tts_engine_free(w->eng);
	tts_lexicon_free(w->lex);
	g_free(w->cache_dir);
	g_free(w->news_dir);
	g_free(w);
}
