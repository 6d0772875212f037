/*
 * daemon.h — inside scheduler/: dalabad's state, shared by the scheduling
 * core (daemon*.c) and the composition root (dalabad_main.c). The HTTP side
 * sees none of it: it has scheduler/scheduler.h. All of it lives on the
 * GLib main loop's thread; the TTS worker and the on-air threads hand
 * results back through the loop.
 */
#ifndef DALABA_SCHED_DAEMON_H
#define DALABA_SCHED_DAEMON_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "broadcaster/broadcaster.h"
#include "scheduler/airq.h"
#include "scheduler/scheduler.h"
#include "scheduler/config.h"
#include "scheduler/onair.h"
#include "scheduler/storage.h"
#include "scheduler/store.h"
#include "scheduler/worker.h"

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
	int64_t page_issued_us;	/* monotonic: when the page was handed to
				 * us; 0 once it first went on air */
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
	struct import_pool *imports;	/* recordings brought (import.h) */
	struct airq q;
	GPtrArray *scheds;	/* struct sched_entry * */
	bool scheds_dirty;
	int64_t scheds_read_at;
	GPtrArray *airings;	/* every struct airing alive */
	guint tick_id;
	GMainLoop *loop;
	int64_t last_confirm_us;
	GHashTable *page_ssrc;	/* stream SSRC -> page id, for "playing" */
	struct storage *storage;	/* the disk: budget, archive, reserve */
	GHashTable *upcoming;	/* rendered ahead: WAV name -> its slot */
	GPtrArray *carries;	/* daemon_carry.c: items sent ahead */
	struct hist page_latency;	/* page issued -> each zone's first audio, s */
	struct health *health;	/* daemon_health.c: boxes' history */
	GHashTable *tones;	/* daemon_speaker.c: speaker id -> its tone */
};

#endif
