/*
 * daemon_int.h — between daemon.c (airings, the air queue, confirmations),
 * daemon_plan.c (schedules to claimed slots), daemon_pages.c (emergency
 * pages) and daemon_life.c (start, recovery, stop, reload).
 */
#ifndef DALABA_SCHED_DAEMON_INT_H
#define DALABA_SCHED_DAEMON_INT_H

#include "scheduler/daemon.h"

#define DAEMON_TICK_MS 200

/* Make the airing of a claimed broadcast and queue it (quiet hours and
 * rendering ahead applied). zone: the part of the notice's zone it airs
 * to (NULL or "": all of it). NULL when it could not be made (logged). */
struct airing *daemon_airing_new(struct dalabad *d, int64_t broadcast_id,
    int64_t notice_id, int64_t schedule_id, int64_t slot_at, int volume,
    const char *zone, struct live_pcm *live, int64_t now);
/* A render job for a notice (NULL if it cannot be read). */
struct render_job *daemon_job_for(struct dalabad *d, int64_t notice_id,
    render_done_fn done, void *arg);
/* "2026-11-23 12:00:00" in the configured zone, for log lines. */
const char *daemon_local_time(struct dalabad *d, int64_t t, char *buf,
    size_t cap);
/* The name of a rendered file in the cache, as the broadcast log keeps it. */
const char *daemon_audio_name(const char *path);

/* daemon_pages.c: a's page is over once a (dead now) was its last
 * airing; outcome is a's. */
void daemon_page_airing_over(struct airing *a, const char *outcome);
/* Is any page streaming now? */
bool daemon_page_on_air(struct dalabad *d);

/* daemon_disk.c: sweep rendered audio (what airings use and the archive
 * kept), and ask for the archive copy of what aired. */
void daemon_sweep(struct dalabad *d);
void daemon_archive(struct dalabad *d, const char *wav_path);

/* daemon_carry.c: store and forward. Carry a slot rendered ahead to the
 * boxes; revoke what is no longer wanted (after the schedules are read);
 * record what boxes aired from their copies (each tick). */
void daemon_carry_start(struct dalabad *d);
void daemon_carry_stop(struct dalabad *d);
void daemon_carry_ahead(struct dalabad *d, int64_t schedule_id, int64_t slot,
    int volume, const struct render_job *job);
void daemon_carry_check(struct dalabad *d);
void daemon_carry_reports(struct dalabad *d);
/* The SSRC of what was carried for a's slot and zone, 0 if nothing (or it
 * was pre-empted since: a re-airing is not at its slot). */
uint32_t daemon_carry_for(const struct airing *a);

/* daemon_health.c: each box's health history, sampled from the registry
 * and written on change; daemon_health_note adds one event (a tone). */
void daemon_health_start(struct dalabad *d);
void daemon_health_stop(struct dalabad *d);
void daemon_health_note(struct dalabad *d, uint32_t id, int kind,
    int64_t value);
/* daemon_speaker.c: boxes' own volumes to the registry (at start); test
 * tones stopped and freed (at stop). */
void daemon_speaker_start(struct dalabad *d);
void daemon_speaker_stop(struct dalabad *d);

/* Claim the slots of every schedule that are due by now. */
void daemon_plan(struct dalabad *d, int64_t now);
/* The periodic tick: plan, act on the air queue, collect confirmations. */
gboolean daemon_tick(gpointer data);

#endif
