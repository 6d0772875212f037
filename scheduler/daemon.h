/*
 * daemon.h — inside scheduler/: dalabad's state and its life cycle, shared
 * by the scheduling core (daemon.c), the JSON API (api.c) and main. All of
 * it lives on the GLib main loop's thread; the TTS worker and the on-air
 * threads hand results back through the loop.
 */
#ifndef DALABA_SCHED_DAEMON_H
#define DALABA_SCHED_DAEMON_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>
#include <libsoup/soup.h>

#include "broadcaster/broadcaster.h"
#include "scheduler/airq.h"
#include "scheduler/config.h"
#include "scheduler/onair.h"
#include "scheduler/storage.h"
#include "scheduler/store.h"
#include "scheduler/worker.h"

#define DALABAD_VERSION DALABA_VERSION	/* the Makefile's VERSION */

/* One claimed slot of one notice, from claim to its logged outcome. */
struct airing {
	struct air_item it;	/* it.id is the broadcast id */
	struct dalabad *d;
	int64_t notice_id, schedule_id, slot_at;
	int volume;
	char title[128];	/* for logs and the API */
	struct render_job *job;	/* render in flight */
	char path[512];		/* rendered audio; "" until then */
	struct onair *oa;	/* streaming, or stopping */
	uint32_t ssrc;		/* of the current run */
	int64_t on_air_at;	/* of the current run */
	enum { STOP_NONE, STOP_PREEMPT, STOP_CANCEL, STOP_SHUTDOWN,
	    STOP_EXPIRE } stop;
	/* emergency pages: */
	int64_t page_id;	/* 0: not part of a page */
	int64_t stop_at;	/* the page expires: off the air then; 0 never */
	struct live_pcm *live;	/* its audio while still being rendered */
	bool dead;		/* finished and out of the queue; free when idle */
	GHashTable *confirmed;	/* speaker ids confirmed this run */
	int targets;		/* speakers of the zone when it went on */
};

/* A schedule as the planner keeps it between store reads. */
struct sched_entry {
	struct db_schedule s;
	int64_t prerendered;	/* the slot we last rendered ahead for */
	int64_t next;		/* tt_next after checked_until, once known: */
	bool next_known;	/* the tick need not recompute it 5 times a second */
};

struct dalabad {
	struct dalabad_config cfg;
	char *config_path;	/* NULL: defaults */
	GTimeZone *tz;
	struct db *db;
	struct bcast_server *srv;
	uint8_t pk[BCAST_PK_LEN], sk[BCAST_SK_LEN];
	struct render_worker *worker;
	struct airq q;
	GPtrArray *scheds;	/* struct sched_entry * */
	bool scheds_dirty;
	int64_t scheds_read_at;
	GPtrArray *airings;	/* every struct airing alive */
	guint tick_id;
	GMainLoop *loop;
	SoupServer *api, *enroll;
	struct http_gate *api_gate, *enroll_gate;	/* who gets in */
	struct loop_share *api_share;	/* each source's share of the loop */
	char token[65];		/* the API bearer token */
	struct web *web;	/* the web admin's own state (web-admin/) */
	int64_t last_confirm_us;
	GHashTable *page_ssrc;	/* stream SSRC -> page id, for "playing" */
	struct storage *storage;	/* the disk: budget, archive, reserve */
	GHashTable *upcoming;	/* rendered ahead: WAV name -> its slot */
};

/* Open the store, keys and sockets, recover from the last run, start the
 * worker and the timers. Logs what it does. */
int dalabad_start(struct dalabad *d, char *err, size_t errlen);
/* Stop streams, threads and listeners; whatever was on air stays open in
 * the store and is recovered by the next start. */
void dalabad_stop(struct dalabad *d);
/* SIGHUP: re-read the configuration file and the lexicon. */
void dalabad_reload(struct dalabad *d);

/* Class names by enum bcast_priority: village, township, county, emergency. */
extern const char *const dalabad_class_names[4];
int64_t dalabad_now(void);	/* unix seconds */

/* Called by the API after it changes schedules or notices. */
void dalabad_schedules_changed(struct dalabad *d);
/* Give the TTS worker the store's lexicon again (after an API change). */
int dalabad_lexicon_changed(struct dalabad *d, char *err, size_t errlen);
/* Take a cancelled notice off the air and out of the queue. */
void dalabad_notice_cancelled(struct dalabad *d, int64_t notice_id);
/* Put a stored page (its notices made) on air now: rendered ahead of
 * everything, streamed while it renders, pre-empting what is lower. */
int dalabad_page_start(struct dalabad *d, int64_t page_id, char *err,
    size_t errlen);
/* Take a page off the air everywhere, once the store says it is
 * cancelled (db_page_cancel, committed). */
void dalabad_page_off_air(struct dalabad *d, int64_t page_id);
/* Target speakers playing the page right now (from their heartbeats). */
int dalabad_page_playing(struct dalabad *d, int64_t page_id);
/* Is the page still on the air or queued? */
bool dalabad_page_live(struct dalabad *d, int64_t page_id);
/* Is the disk full? Then new notices and previews are refused (what is
 * stored still airs). */
bool dalabad_disk_full(struct dalabad *d);

/* api.c */
int api_start(struct dalabad *d, char *err, size_t errlen);
void api_stop(struct dalabad *d);
/* After a reload: the API's connection caps (http_gate.h). */
void api_reconfigure(struct dalabad *d);

#endif
