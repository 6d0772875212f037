/*
 * daemon_int.h — between daemon.c (scheduling) and daemon_life.c (start,
 * recovery, stop, reload).
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
/* Claim the slots of every schedule that are due by now. */
void daemon_plan(struct dalabad *d, int64_t now);
/* The periodic tick: plan, act on the air queue, collect confirmations. */
gboolean daemon_tick(gpointer data);

#endif
