/*
 * loop_share.c — token buckets of main-loop time, one per source (see
 * loop_share.h). A bucket is kept only while it is below full: a source
 * that has not asked for a while costs nothing, and the table is bounded
 * by who is busy now (pruned when it grows past MAX_SOURCES).
 */
#include <stdlib.h>

#include <glib.h>

#include "web-admin/loop_share.h"

#define MAX_SOURCES 4096

struct bucket {
	double us;		/* loop time it may still spend */
	int64_t at;		/* when us was last brought up to date */
};

struct loop_share {
	GHashTable *t;		/* source -> struct bucket */
	double burst_us, per_us;	/* capacity; refill per microsecond */
};

struct loop_share *
loop_share_new(int burst_ms, int ms_per_s)
{
	struct loop_share *ls = g_new0(struct loop_share, 1);

	ls->t = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	ls->burst_us = burst_ms * 1000.0;
	ls->per_us = ms_per_s / 1000.0;
	return ls;
}

void
loop_share_free(struct loop_share *ls)
{
	if (ls == NULL)
		return;
	g_hash_table_unref(ls->t);
	g_free(ls);
}

/* b brought up to now; true if it is full again (it may be forgotten). */
static bool
refill(const struct loop_share *ls, struct bucket *b, int64_t now_us)
{
	if (now_us > b->at) {
		b->us += (double)(now_us - b->at) * ls->per_us;
		b->at = now_us;
	}
	if (b->us >= ls->burst_us) {
		b->us = ls->burst_us;
		return true;
	}
	return false;
}

bool
loop_share_allow(struct loop_share *ls, const char *source, int64_t now_us)
{
	struct bucket *b = g_hash_table_lookup(ls->t, source);

	if (b == NULL)
		return true;
	if (refill(ls, b, now_us)) {
		g_hash_table_remove(ls->t, source);
		return true;
	}
	return b->us > 0;
}

static void
prune(struct loop_share *ls, int64_t now_us)
{
	GHashTableIter it;
	gpointer k, v;

	g_hash_table_iter_init(&it, ls->t);
	while (g_hash_table_iter_next(&it, &k, &v))
		if (refill(ls, v, now_us))
			g_hash_table_iter_remove(&it);
}

void
loop_share_charge(struct loop_share *ls, const char *source, int64_t cost_us,
    int64_t now_us)
{
	struct bucket *b = g_hash_table_lookup(ls->t, source);

	if (b == NULL) {
		if (g_hash_table_size(ls->t) >= MAX_SOURCES)
			prune(ls, now_us);
		b = g_new0(struct bucket, 1);
		b->us = ls->burst_us;
		b->at = now_us;
		g_hash_table_insert(ls->t, g_strdup(source), b);
	} else {
		refill(ls, b, now_us);
	}
	/* Debt is allowed down to one burst below empty: a source that ran
	 * one costly request waits for it to be paid back. */
	b->us -= (double)cost_us;
	if (b->us < -ls->burst_us)
		b->us = -ls->burst_us;
}

unsigned
loop_share_size(const struct loop_share *ls)
{
	return g_hash_table_size(ls->t);
}
