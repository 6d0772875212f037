/*
 * airq.h — inside scheduler/: which items go on air, and when. The rules of
 * DESIGN.md "Scheduling rules" as a pure function of the items and a clock:
 *
 *   - classes, high to low: emergency, county, township, village;
 *   - two items share speakers when one's zone is a prefix of the other's;
 *   - a higher class pre-empts a lower one on shared speakers; the lower one
 *     goes back to waiting and re-airs from its start once nothing of its
 *     class or above holds those speakers, unless it has expired;
 *   - except when the higher one covers only part of the lower one's zone
 *     (a page for one village, a notice for the whole township): then the
 *     lower one stays on air elsewhere (the broadcaster and the speakers
 *     give the shared speakers to the higher stream) and the caller
 *     re-airs it in that part alone afterwards (AIR_SPLIT);
 *   - the same class on shared speakers queues (earlier slot first), never
 *     mixes;
 *   - an item is never started before its ready time (its slot, or the end
 *     of quiet hours, which the caller works out).
 *
 * No I/O and no clock: the daemon passes "now", tests pass a fake one.
 */
#ifndef DALABA_SCHED_AIRQ_H
#define DALABA_SCHED_AIRQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum air_state {
	AIR_WAITING,	/* not yet started, or pre-empted and waiting to re-air */
	AIR_ON,		/* on air */
};

struct air_item {
	int64_t id;		/* the broadcast's id: unique */
	char zone[13];		/* target division code, "" for everywhere */
	int prio;		/* enum bcast_priority */
	int64_t ready_at;	/* not before this (unix seconds) */
	int64_t expires_at;	/* give up if not (re)started by then */
	enum air_state state;
	int interruptions;	/* times pre-empted so far */
	void *data;		/* the caller's */
};

enum air_action_kind {
	AIR_START,	/* put item on air */
	AIR_PREEMPT,	/* take item off air now; it waits to re-air */
	AIR_EXPIRE,	/* item could not air in time: drop and log it */
	AIR_SPLIT,	/* item stays on air, but loses by's zone to it: the
			 * caller queues a re-air of item for by's zone */
};

struct air_action {
	enum air_action_kind kind;
	struct air_item *item;
	struct air_item *by;	/* PREEMPT, SPLIT: the item that takes over */
};

struct airq {
	struct air_item **v;
	size_t n, cap;
};

/* dalabad_zones_overlap: scheduler/scheduler.h. */

void airq_init(struct airq *q);
void airq_free(struct airq *q);		/* frees the array, not the items */
int airq_add(struct airq *q, struct air_item *it);	/* -1: no memory */
/* Forget an item (it finished, was cancelled, or expired). */
void airq_remove(struct airq *q, struct air_item *it);

/*
 * Decide what changes at `now`. Applies the changes to the items' states
 * and reports them in out[] (up to max; more are left for the next call),
 * in the order to carry them out: a pre-emption comes before the start
 * that causes it. Expired items are reported once and removed from q.
 */
size_t airq_step(struct airq *q, int64_t now, struct air_action *out,
    size_t max);

/* After a restart: does a slot that passed while we were down still air
 * (within grace seconds of now) or is it missed? */
bool air_slot_in_grace(int64_t slot_at, int64_t now, int grace_s);

#endif
