/*
 * scheduler.h — scheduler/'s public header: dalabad without HTTP, as the
 * HTTP side (web-admin/) sees it. The daemon is an opaque handle; what the
 * web admin may read or ask of it is below. The store's typed db_
 * functions (store.h: how it reads and writes notices, users and the
 * rest), the configuration (config.h), timetable rules (timetable.h),
 * render jobs (worker.h) and which news sources a notice may name
 * (news.h) are included from here: they are part of this one header.
 * Everything here runs on the GLib main loop's thread.
 */
#ifndef DALABA_SCHEDULER_H
#define DALABA_SCHEDULER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "broadcaster/broadcaster.h"
#include "scheduler/config.h"
#include "scheduler/import.h"
#include "scheduler/news.h"
#include "scheduler/store.h"
#include "scheduler/timetable.h"
#include "scheduler/worker.h"

#define DALABAD_VERSION DALABA_VERSION	/* the Makefile's VERSION */

struct dalabad;

/* ---- life (the composition root, dalabad_main.c, calls these; it
 * alone sees struct dalabad, in scheduler/daemon.h) ---- */
/* Open the store, keys and sockets, recover from the last run, start the
 * worker and the timers. Logs what it does. */
int dalabad_start(struct dalabad *d, char *err, size_t errlen);
/* Stop streams, threads and timers; whatever was on air stays open in
 * the store and is recovered by the next start. */
void dalabad_stop(struct dalabad *d);
/* SIGHUP: re-read the configuration file and the lexicon. */
void dalabad_reload(struct dalabad *d);

/* ---- what the HTTP side reads ---- */
/* The configuration in force; the pointer stays valid (and its values
 * current) across reloads. */
const struct dalabad_config *dalabad_config(const struct dalabad *d);
struct db *dalabad_store(const struct dalabad *d);
GTimeZone *dalabad_tz(const struct dalabad *d);
/* The loudspeakers' side: its registry (who is online, playing) and
 * enrolment answers (broadcaster.h). */
struct bcast_server *dalabad_broadcaster(const struct dalabad *d);

/* Zones are division codes; a longer code lies inside every code that is
 * its prefix. Do targets a and b share speakers (is one a prefix of the
 * other)? */
bool dalabad_zones_overlap(const char *a, const char *b);
/* Who may act and see where (the web admin's rules and the store's
 * listings): is inner inside outer (or outer itself)? As the prefix rule,
 * and a six-digit province (ending 0000) or city (ending 00) code holds
 * every code that begins with its first two or four digits, as GB/T 2260
 * nests them, so a province's officer (zone 330000) sees and pages its
 * cities and counties. "" holds everything. The loudspeakers' own
 * targeting stays by prefix (a county's codes never end in 00). */
bool dalabad_zone_inside(const char *outer, const char *inner);
/* The digits of outer that an inner zone begins with. */
size_t dalabad_zone_span(const char *outer);

/* Class names by enum bcast_priority: village, township, county, urgent,
 * emergency. */
extern const char *const dalabad_class_names[BCAST_PRIO_EMERGENCY + 1];
int64_t dalabad_now(void);	/* unix seconds */

/* What is on the air or waiting to, one call per live airing. */
struct dalabad_airing_info {
	int64_t broadcast_id, notice_id;
	const char *title, *zone;
	int prio;		/* enum bcast_priority */
	bool on_air;		/* false: queued or rendering */
	int64_t on_air_at;
	int targets, confirmed;
};
void dalabad_airings_each(struct dalabad *d,
    void (*fn)(const struct dalabad_airing_info *a, void *arg), void *arg);
/* The planner's schedules: the next slot of each after what it has
 * claimed (-1: none), one call per schedule. */
void dalabad_schedules_each(struct dalabad *d,
    void (*fn)(int64_t schedule_id, int64_t next, void *arg), void *arg);

/* For monitoring (web-admin/metrics.c). Read in one call; cheap (two
 * stat(2) calls and atomic loads). */
struct dalabad_stats {
	int render_queue;	/* render jobs waiting for the TTS thread */
	struct dalabad_hist render_seconds;	/* each finished render job */
	/* From an emergency page being handed to the scheduler (stored,
	 * dalabad_alert_start) to the first audio of each of its zone
	 * airings going to the sender; counted as the airing ends. */
	struct dalabad_hist page_latency_seconds;
	int64_t store_bytes;	/* dalaba.db and its WAL */
};
void dalabad_stats(struct dalabad *d, struct dalabad_stats *out);

/* ---- what the HTTP side asks ---- */
/* Called after the store's schedules or notices changed. */
void dalabad_schedules_changed(struct dalabad *d);
/* Give the TTS worker the store's lexicon again (after an API change). */
int dalabad_lexicon_changed(struct dalabad *d, char *err, size_t errlen);
/* Take a cancelled notice off the air and out of the queue. */
void dalabad_notice_cancelled(struct dalabad *d, int64_t notice_id);
/* Render job (a preview, a download) on the synthesis thread; job->done
 * runs on the loop. */
void dalabad_render(struct dalabad *d, struct render_job *job);
/* Import a recording brought for a voice notice (import.h) on its own
 * thread; -1 (nothing queued) when imports are queued to the limit. */
int dalabad_import(struct dalabad *d, struct import_job *job);
/* Where recording key's archive is kept: STATE_DIR/recordings/KEY.ogg
 * (g_free). */
gchar *dalabad_recording_path(const struct dalabad_config *cfg,
    const char *key);
/* Listening again (web-admin/page_public.c): aired audio src, a WAV
 * render or its Ogg Opus archive, made dst (its name's format: .mp3 for
 * podcast apps) on the slow-work pool, never on the loop; see
 * render_worker_convert (worker.h). 0, or -1 (done never called). */
int dalabad_convert(struct dalabad *d, const char *src, const char *dst,
    const char *title, render_done_fn done, void *arg);
/* Is the disk full? Then new notices and previews are refused (what is
 * stored still airs). recheck: measure now, not as of the last tick. */
bool dalabad_disk_full(struct dalabad *d, bool recheck);

/* Emergency alerts. Put a stored alert (its notices made) on air now:
 * rendered ahead of everything, streamed while it renders, pre-empting
 * what is lower. */
int dalabad_alert_start(struct dalabad *d, int64_t alert_id, char *err,
    size_t errlen);
/* Take an alert off the air everywhere, once the store says it is
 * cancelled (db_page_cancel, committed). */
void dalabad_alert_off_air(struct dalabad *d, int64_t alert_id);
/* Target speakers playing the alert right now (from their heartbeats). */
int dalabad_alert_playing(struct dalabad *d, int64_t alert_id);
/* Is the alert still on the air or queued? */
bool dalabad_alert_live(struct dalabad *d, int64_t alert_id);

/* ---- one loudspeaker (daemon_speaker.c, daemon_health.c) ---- */
/* Its own volume was set in the store (0-100; -1: none, the box's
 * configured one): told to the box in the next reply to its HELLO. */
void dalabad_speaker_volume_changed(struct dalabad *d, uint32_t id,
    int volume);

/* A test tone on that one box (a chime and 这是测试, a few seconds), for
 * the technician on its page. Never over what plays there: refused while
 * a broadcast or page covering its village is on air or the box says it
 * plays, and stopped at once if one starts meanwhile. */
enum dalabad_tone {
	DALABAD_TONE_STARTED = 0,
	DALABAD_TONE_OFFLINE,	/* not online: it would not hear it */
	DALABAD_TONE_BUSY,	/* a broadcast is on air there */
	DALABAD_TONE_PAGE,	/* an emergency page is on air there */
	DALABAD_TONE_AGAIN,	/* a test tone is under way there already */
	DALABAD_TONE_FAILED,	/* it could not be made or sent */
};
enum dalabad_tone dalabad_speaker_tone(struct dalabad *d, uint32_t id);
/* Take back a tone just started (its audit could not be written). */
void dalabad_speaker_tone_cancel(struct dalabad *d, uint32_t id);
/* The last test tone of a box since dalabad started. */
struct dalabad_tone_info {
	int64_t at;		/* unix seconds: when it was asked for */
	enum { DALABAD_TONE_MAKING, DALABAD_TONE_ON_AIR, DALABAD_TONE_DONE,
	    DALABAD_TONE_CUT, DALABAD_TONE_LOST } state;
	bool confirmed;		/* the box said it played it */
};
bool dalabad_speaker_tone_last(struct dalabad *d, uint32_t id,
    struct dalabad_tone_info *out);

#endif
