/*
 * airq.c — see airq.h. The queue is small (what is due now across a
 * county: tens of items), so plain arrays and quadratic scans are the
 * clearest correct thing.
 */
#include <stdlib.h>
#include <string.h>

#include "scheduler/airq.h"
#include "scheduler/scheduler.h"

bool
dalabad_zones_overlap(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	return strncmp(a, b, la < lb ? la : lb) == 0;
}

size_t
dalabad_zone_span(const char *outer)
{
	size_t n = strlen(outer);

	/* GB/T 2260: 33 0000 is Zhejiang, 33 01 00 Hangzhou, 33 01 02 a
	 * district of it. */
	if (n == 6 && strcmp(outer + 2, "0000") == 0)
		return 2;
	if (n == 6 && strcmp(outer + 4, "00") == 0)
		return 4;
	return n;
}

bool
dalabad_zone_inside(const char *outer, const char *inner)
{
	size_t n = dalabad_zone_span(outer);

	return strlen(inner) >= strlen(outer) && strncmp(outer, inner, n) == 0;
}

bool
air_slot_in_grace(int64_t slot_at, int64_t now, int grace_s)
{
	return slot_at >= now - grace_s;
}

void
airq_init(struct airq *q)
{
	memset(q, 0, sizeof(*q));
}

void
airq_free(struct airq *q)
{
	free(q->v);
	airq_init(q);
}

int
airq_add(struct airq *q, struct air_item *it)
{
	if (q->n == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 16;
		struct air_item **v = realloc(q->v, cap * sizeof(*v));
		if (v == NULL)
			return -1;
		q->v = v;
		q->cap = cap;
	}
	q->v[q->n++] = it;
	return 0;
}

void
airq_remove(struct airq *q, struct air_item *it)
{
	for (size_t i = 0; i < q->n; i++)
		if (q->v[i] == it) {
			memmove(q->v + i, q->v + i + 1,
			    (q->n - i - 1) * sizeof(*q->v));
			q->n--;
			return;
		}
}

/* Who goes first among ready items: higher class, then earlier ready
 * time, then earlier id (the order they were scheduled in). */
static int
before(const struct air_item *a, const struct air_item *b)
{
	if (a->prio != b->prio)
		return a->prio > b->prio;
	if (a->ready_at != b->ready_at)
		return a->ready_at < b->ready_at;
	return a->id < b->id;
}

static bool
ready(const struct air_item *it, int64_t now)
{
	return it->state == AIR_WAITING && it->ready_at <= now;
}

/* May c start: nothing of its class or above is on air on its speakers,
 * and no ready item that goes before it wants them too? */
static bool
blocked(const struct airq *q, const struct air_item *c, int64_t now)
{
	for (size_t i = 0; i < q->n; i++) {
		const struct air_item *x = q->v[i];
		if (x == c || !dalabad_zones_overlap(x->zone, c->zone))
			continue;
		if (x->state == AIR_ON && x->prio >= c->prio)
			return true;
		if (ready(x, now) && before(x, c))
			return true;
	}
	return false;
}

size_t
airq_step(struct airq *q, int64_t now, struct air_action *out, size_t max)
{
	size_t n = 0;

	/* Expired first, so they neither start nor block anything. */
	for (size_t i = 0; i < q->n && n < max;) {
		struct air_item *it = q->v[i];
		if (it->state == AIR_WAITING && it->expires_at <= now) {
			out[n++] = (struct air_action){ AIR_EXPIRE, it, NULL };
			airq_remove(q, it);
			continue;
		}
		i++;
	}
	/* Then starts, best first; each start may pre-empt. Starting one
	 * changes what blocks the rest, so pick afresh each time. */
	for (;;) {
		struct air_item *best = NULL;
		for (size_t i = 0; i < q->n; i++) {
			struct air_item *c = q->v[i];
			if (ready(c, now) && !blocked(q, c, now) &&
			    (best == NULL || before(c, best)))
				best = c;
		}
		if (best == NULL)
			break;
		size_t need = 1;
		for (size_t i = 0; i < q->n; i++)
			if (q->v[i]->state == AIR_ON &&
			    dalabad_zones_overlap(q->v[i]->zone, best->zone))
				need++;
		if (n + need > max)
			break;	/* the rest next call, never half a change */
		for (size_t i = 0; i < q->n; i++) {
			struct air_item *x = q->v[i];
			if (x->state != AIR_ON ||
			    !dalabad_zones_overlap(x->zone, best->zone))
				continue;
			/* Not blocked, so x is of a lower class. */
			if (strlen(x->zone) < strlen(best->zone)) {
				out[n++] = (struct air_action){ AIR_SPLIT, x,
				    best };
				continue;
			}
			x->state = AIR_WAITING;
			x->interruptions++;
			if (x->ready_at < now)
				x->ready_at = now;
			out[n++] = (struct air_action){ AIR_PREEMPT, x, best };
		}
		best->state = AIR_ON;
		out[n++] = (struct air_action){ AIR_START, best, NULL };
	}
	return n;
}
