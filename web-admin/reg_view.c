/*
 * reg_view.c — the loudspeaker registry as the pages and the API count
 * it: one snapshot and its tallies by village, shared by the requests
 * that come while it is fresh. Copying ten thousand boxes out of the
 * broadcaster takes the registry's lock and about a millisecond of the
 * loop; done once per request it was most of what a county's speakers
 * page, the status and the today page cost.
 */
#include <stdlib.h>
#include <string.h>

#include "web-admin/web_int.h"

/* A view is reused while younger than REG_VIEW_SHARE times what taking it
 * cost (so snapshots take at most about 1/REG_VIEW_SHARE of the loop
 * however often they are asked for), and never past REG_VIEW_MAX_US. A
 * small county's view is a few microseconds old at most: as good as
 * fresh. Online is judged over seconds (offline_after_ms), so a view of
 * tens of milliseconds says nothing a fresh one would not. */
#define REG_VIEW_SHARE 20
#define REG_VIEW_MAX_US 1000000

static int
tally_cmp(const void *a, const void *b)
{
	return strcmp(((const struct web_reg_tally *)a)->zone,
	    ((const struct web_reg_tally *)b)->zone);
}

/* Take the snapshot and count it by zone: -1 when out of memory (the old
 * view is kept). */
static int
reg_view_take(struct web_reg_view *rv, struct bcast_server *srv)
{
	int64_t t0 = g_get_monotonic_time();
	size_t n = 0;
	struct bcast_speaker_info *v = bcast_registry_snapshot(srv, &n);

	if (v == NULL)
		return -1;
	/* Boxes come in the registry's order (enrolment), so one village's
	 * are mostly together: a hash only for the first of each run. */
	GHashTable *at = g_hash_table_new(g_str_hash, g_str_equal);
	GArray *t = g_array_new(FALSE, TRUE, sizeof(struct web_reg_tally));
	guint last = G_MAXUINT;
	for (size_t i = 0; i < n; i++) {
		struct web_reg_tally *x;
		if (last != G_MAXUINT && strcmp(g_array_index(t,
		    struct web_reg_tally, last).zone, v[i].zone) == 0) {
			x = &g_array_index(t, struct web_reg_tally, last);
		} else {
			gpointer p;
			if (g_hash_table_lookup_extended(at, v[i].zone, NULL, &p)) {
				last = GPOINTER_TO_UINT(p);
			} else {
				struct web_reg_tally z = { .known = 0 };
				memcpy(z.zone, v[i].zone, sizeof(z.zone));
				g_array_append_val(t, z);
				last = t->len - 1;
				/* keyed by the snapshot's own string, alive
				 * as long as the table */
				g_hash_table_insert(at, v[i].zone,
				    GUINT_TO_POINTER(last));
			}
			x = &g_array_index(t, struct web_reg_tally, last);
		}
		x->known++;
		if (v[i].online) {
			x->online++;
			x->playing += v[i].st.playing_ssrc != 0;
		}
	}
	g_hash_table_destroy(at);
	qsort(t->data, t->len, sizeof(struct web_reg_tally), tally_cmp);
	free(rv->v);
	g_free(rv->zones);
	rv->v = v;
	rv->n = n;
	rv->nzones = t->len;
	rv->zones = (struct web_reg_tally *)(void *)g_array_free(t, FALSE);
	rv->at_us = g_get_monotonic_time();
	rv->cost_us = rv->at_us - t0;
	return 0;
}

const struct web_reg_view *
web_reg_view(struct web_admin *wa)
{
	struct web_reg_view *rv = &wa->reg_view;
	int64_t now = g_get_monotonic_time();
	int64_t keep = MIN(REG_VIEW_SHARE * rv->cost_us, REG_VIEW_MAX_US);

	if (rv->at_us == 0 || now - rv->at_us >= keep)
		(void)reg_view_take(rv, dalabad_broadcaster(wa->d));
	return rv;
}

void
web_reg_view_clear(struct web_admin *wa)
{
	free(wa->reg_view.v);
	g_free(wa->reg_view.zones);
	memset(&wa->reg_view, 0, sizeof(wa->reg_view));
}
