/*
 * worker.h — inside scheduler/: the one thread that owns eSpeak NG (it is
 * not reentrant, and can be started once per process), which does nothing
 * but synthesise, and a small pool beside it for work that may block:
 * fetching a news item's feed before it is synthesised, and the Ogg Opus
 * copy of a preview after. Finished jobs are handed back to the GLib main
 * loop, so the daemon's own state is only ever touched from the loop's
 * thread.
 */
#ifndef DALABA_SCHED_WORKER_H
#define DALABA_SCHED_WORKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scheduler/hist.h"
#include "scheduler/live.h"
#include "scheduler/store.h"

struct render_job;
typedef void (*render_done_fn)(struct render_job *job, void *arg);

/* Rendered whole, but the disk had no room to keep it: render it again
 * into memory (a live job) to air it. */
#define RENDER_NO_ROOM (-2)

struct render_job {
	struct db_notice notice;	/* owned: db_notice_clear when done */
	/* results, read in done(): */
	int rc;				/* 0 rendered (path set; "" for a page
					 * heard from memory on a full disk),
					 * -1 failed, RENDER_NO_ROOM */
	char path[512];
	char err[256];
	bool cache_hit;
	char *news;			/* fetched for a news notice (g_free) */
	bool news_stale;		/* the feed was down: its cached copy */
	int stage;			/* the worker's: where the job is */
	/* previews for people (set before submitting): */
	bool want_ogg;			/* also an Ogg Opus copy, for browsers */
	char ogg[512];			/* its path, when rc == 0 */
	bool want_spoken;		/* the exact words read, lexicon applied */
	char *spoken;			/* malloc'd; freed with the job */
	/* an emergency page: rendered before anything queued (a render in
	 * hand stops and is taken up again after), its audio appended to
	 * live as it comes so it can air at once (set before submitting) */
	struct live_pcm *live;
	int64_t frames;			/* a conversion's: frames of audio */
	/* called on the main loop; arg may be set to NULL meanwhile, from
	 * the loop, when whoever asked no longer wants the answer */
	render_done_fn done;
	void *arg;
};

struct render_worker;

/* Renders go to STATE_DIR/render, the news cache to STATE_DIR/news-cache;
 * news folders are read inside STATE_DIR/news until render_worker_set_news
 * says otherwise. */
struct render_worker *render_worker_new(const char *state_dir, char *err,
    size_t errlen);
/* The news root (dir: feeds must lie inside it) and a fetch's deadline. */
/* A render that runs past seconds of audio is stopped and fails (the
 * intake's estimate let it through). Default an hour. */
void render_worker_set_limit(struct render_worker *w, int seconds);
void render_worker_set_news(struct render_worker *w, const char *root,
    int timeout_s);
/* Stop after the job in hand; jobs not started are dropped (done is not
 * called for them, or for the one in hand). */
void render_worker_free(struct render_worker *w);
/* Queue a job; the worker owns it until done() (which must free it with
 * render_job_free). A job with live set goes first. */
void render_worker_submit(struct render_worker *w, struct render_job *job);
/* Replace the pronunciation lexicon (loaded from the store) for jobs
 * after this one. Takes ownership of lex. */
void render_worker_set_lexicon(struct render_worker *w,
    struct tts_lexicon *lex);
/* The loudness (LUFS integrated) and true-peak ceiling (dBTP) of renders
 * after this one; they are part of the cache key, so a change renders
 * again what it finds. */
void render_worker_set_loudness(struct render_worker *w, int lufs, int dbtp);
void render_job_free(struct render_job *job);
/* On a pool thread (worker_files.c): job->path's WAV as Ogg Opus beside
 * it (job->ogg), unless it is there; job->path (a WAV or an Ogg Opus
 * archive) converted to job->ogg in the format its name says, counting
 * job->frames either way. 0, or -1 with job->err. */
int render_job_ogg_copy(struct render_job *job, const char *title);
int render_job_convert(struct render_job *job);
/* For monitoring: the jobs waiting for the TTS thread (a news notice's
 * fetch before it not counted; the one in hand not counted), and the
 * seconds each finished job took on it (OUT: both). */
void render_worker_stats(struct render_worker *w, int *queued,
    struct dalabad_hist *took);
/* Make the Ogg Opus copy of a rendered WAV beside it (the archive of what
 * aired), on the slow-work pool. */
void render_worker_transcode(struct render_worker *w, const char *wav_path);
/* Listening again: src (a WAV render or an Ogg Opus archive) as dst, in
 * the format dst's name says (.mp3 for podcast apps), unless dst is there
 * already; on the slow-work pool. done runs on the loop with job->rc,
 * job->err and job->frames (what src holds, at TTS_OUTPUT_RATE) and must
 * render_job_free it. title (may be NULL) is copied. 0, or -1 out of
 * memory (done is then never called). */
int render_worker_convert(struct render_worker *w, const char *src,
    const char *dst, const char *title, render_done_fn done, void *arg);

#endif
