/*
 * api_find.c — the notice list and the history with their search and
 * filters (GET notices, GET broadcasts). Each filter is read strictly
 * (query strings are typed by anyone) and the store applies the caller's
 * zone whatever the filters say; a notice's state and next airing are
 * added here, as only the planner knows the next slot of a schedule.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web-admin/api_int.h"

#define FIND_TEXT_MAX 50	/* characters of a search */
#define NOTICES_MAX 500

static const char *
qget(struct api_req *r, const char *name)
{
	return r->query ? g_hash_table_lookup(r->query, name) : NULL;
}

/* ?q=: up to FIND_TEXT_MAX characters of valid UTF-8, no control
 * characters ("" when absent); NULL having answered 400. */
static const char *
query_text(struct api_req *r)
{
	const char *q = qget(r, "q");

	if (q == NULL)
		return "";
	if (!g_utf8_validate(q, -1, NULL) || g_utf8_strlen(q, -1) >
	    FIND_TEXT_MAX) {
		api_error(r, 400, "too_long", "\"q\" is at most %d characters "
		    "of UTF-8", FIND_TEXT_MAX);
		return NULL;
	}
	for (const char *p = q; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			api_error(r, 400, "bad_field", "\"q\" has a control "
			    "character");
			return NULL;
		}
	return q;
}

/* ?zone=: a division code, "" for all the caller sees; NULL having
 * answered 400. The store still limits every row to the caller's zone. */
static const char *
query_prefix(struct api_req *r)
{
	const char *z = qget(r, "zone");

	if (z == NULL || *z == '\0')
		return "";
	if (!api_zone_code_ok(z)) {
		api_error(r, 400, "bad_zone", "\"zone\" is a 6, 9 or 12-digit "
		    "division code");
		return NULL;
	}
	return z;
}

/* ?NAME= one of words (NULL-terminated), "" when absent; NULL having
 * answered 400. */
static const char *
query_word(struct api_req *r, const char *name, const char *const *words)
{
	const char *v = qget(r, name);

	if (v == NULL || *v == '\0')
		return "";
	for (size_t i = 0; words[i]; i++)
		if (strcmp(v, words[i]) == 0)
			return words[i];
	api_error(r, 400, "bad_field", "\"%s\" is not one of its words", name);
	return NULL;
}

/* ---- notices ---- */

struct next_of {
	GHashTable *notice_of;	/* schedule id -> notice id */
	GHashTable *next;	/* notice id -> its soonest next slot */
};

static void
note_next(int64_t schedule_id, int64_t next, void *arg)
{
	struct next_of *n = arg;
	int64_t *notice = g_hash_table_lookup(n->notice_of, &schedule_id);

	if (notice == NULL || next < 0)
		return;
	int64_t *have = g_hash_table_lookup(n->next, notice);
	if (have == NULL) {
		have = g_new(int64_t, 1);
		*have = next;
		g_hash_table_insert(n->next, notice, have);
	} else if (next < *have) {
		*have = next;
	}
}

/* Each notice's soonest next slot, of the live schedules the caller sees
 * (keys point into *sched, which the caller unrefs after the table). */
static GHashTable *
next_slots(struct api_req *r, JsonNode **sched)
{
	struct next_of n = {
		g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free),
		g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, g_free),
	};

	*sched = api_rows(r->wa, DB_LIST_SCHEDULES, DB_ARGS(r->who.zone));
	JsonArray *a = *sched ? json_node_get_array(*sched) : NULL;
	for (guint i = 0; a && i < json_array_get_length(a); i++) {
		JsonObject *o = json_array_get_object_element(a, i);
		int64_t id = json_object_get_int_member(o, "id");
		int64_t notice = json_object_get_int_member(o, "notice");
		g_hash_table_insert(n.notice_of, g_memdup2(&id, sizeof(id)),
		    g_memdup2(&notice, sizeof(notice)));
	}
	dalabad_schedules_each(r->wa->d, note_next, &n);
	/* The next table's keys are the notice_of table's values: move them
	 * to keys of their own before that table goes. */
	GHashTable *out = g_hash_table_new_full(g_int64_hash, g_int64_equal,
	    g_free, g_free);
	GHashTableIter it;
	gpointer k, v;
	g_hash_table_iter_init(&it, n.next);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		g_hash_table_iter_steal(&it);
		g_hash_table_insert(out, g_memdup2(k, sizeof(int64_t)), v);
	}
	g_hash_table_unref(n.next);
	g_hash_table_unref(n.notice_of);
	return out;
}

/* A notice's state in one word: cancelled; pending (a slot to come, or
 * claimed and not yet finished); aired (at least once, nothing to come);
 * unscheduled (neither). */
static const char *
notice_state(JsonObject *o, const int64_t *next)
{
	if (!json_object_get_null_member(o, "cancelled_at"))
		return "cancelled";
	if (next || json_object_get_int_member(o, "airing") > 0)
		return "pending";
	if (json_object_get_int_member(o, "aired") > 0)
		return "aired";
	return "unscheduled";
}

/* GET notices?zone=PREFIX&q=TEXT&state=WORD&limit=N: the newest notices
 * the caller sees, each with its state and next slot. */
void
api_get_notices(struct api_req *r)
{
	static const char *const states[] = { "pending", "aired",
	    "unscheduled", "cancelled", NULL };
	const char *zone = query_prefix(r), *q = zone ? query_text(r) : NULL;
	const char *state = q ? query_word(r, "state", states) : NULL;
	const char *ls = qget(r, "limit");
	char *end = NULL;
	int64_t limit = ls ? g_ascii_strtoll(ls, &end, 10) : NOTICES_MAX;

	if (state == NULL)
		return;
	if (ls && (*ls == '\0' || *end != '\0' || limit < 1 ||
	    limit > NOTICES_MAX)) {
		api_error(r, 400, "out_of_range", "\"limit\" must be from 1 to %d",
		    NOTICES_MAX);
		return;
	}
	int64_t cancelled = *state == '\0' ? -1 : strcmp(state, "cancelled") == 0;
	JsonNode *rows = api_rows(r->wa, DB_LIST_NOTICES_FIND, DB_ARGS(zone,
	    r->who.zone, q, cancelled, (int64_t)NOTICES_MAX));
	if (rows == NULL) {
		api_error(r, 500, "database", "cannot read notices");
		return;
	}
	JsonNode *sched = NULL;
	GHashTable *next = next_slots(r, &sched);
	JsonArray *a = json_node_get_array(rows), *out = json_array_new();
	for (guint i = 0; i < json_array_get_length(a) &&
	    json_array_get_length(out) < (guint)limit; i++) {
		JsonObject *o = json_array_get_object_element(a, i);
		int64_t id = json_object_get_int_member(o, "id");
		const int64_t *nx = g_hash_table_lookup(next, &id);
		const char *st = notice_state(o, nx);
		if (*state && strcmp(state, st) != 0)
			continue;
		json_object_set_string_member(o, "state", st);
		api_notice_zones(o);
		if (nx)
			json_object_set_int_member(o, "next", *nx);
		else
			json_object_set_null_member(o, "next");
		json_array_add_object_element(out, json_object_ref(o));
	}
	g_hash_table_unref(next);
	if (sched)
		json_node_unref(sched);
	json_node_unref(rows);
	JsonNode *node = json_node_new(JSON_NODE_ARRAY);
	json_node_take_array(node, out);
	api_reply(r, 200, node);
}

/* ---- broadcasts ---- */

/* ?NAME=YYYY-MM-DD as the Unix time of that local midnight, plus days
 * (0: absent); -1 having answered 400. */
static int64_t
query_day(struct api_req *r, const char *name, int days)
{
	const char *v = qget(r, name);
	int y, m, d, k = 0;

	if (v == NULL || *v == '\0')
		return 0;
	if (strlen(v) != 10 || sscanf(v, "%4d-%2d-%2d%n", &y, &m, &d, &k) != 3 ||
	    k != 10 || y < 2000 || y > 2100) {
		api_error(r, 400, "bad_field", "\"%s\" is a date, YYYY-MM-DD", name);
		return -1;
	}
	GDateTime *t = g_date_time_new(dalabad_tz(r->wa->d), y, m, d, 0, 0, 0);
	if (t == NULL || g_date_time_get_day_of_month(t) != d) {
		if (t)
			g_date_time_unref(t);
		api_error(r, 400, "bad_field", "\"%s\" is not a day", name);
		return -1;
	}
	GDateTime *u = g_date_time_add_days(t, days);
	int64_t at = g_date_time_to_unix(u);
	g_date_time_unref(u);
	g_date_time_unref(t);
	return at;
}

/* GET broadcasts?notice=ID, or ?zone=PREFIX&from=DAY&to=DAY&outcome=WORD
 * &q=TEXT&limit=N: what aired where the caller sees, newest first. */
void
api_get_broadcasts(struct api_req *r)
{
	static const char *const outcomes[] = { "aired", "interrupted",
	    "missed", "cancelled", "pending", NULL };
	const char *ns = qget(r, "notice");

	if (ns) {
		int64_t notice = g_ascii_strtoll(ns, NULL, 10);
		JsonNode *rows = api_rows(r->wa, DB_LIST_BROADCASTS,
		    DB_ARGS(notice, r->who.zone));
		if (rows)
			api_reply(r, 200, rows);
		else
			api_error(r, 500, "database", "cannot read broadcasts");
		return;
	}
	const char *zone = query_prefix(r), *q = zone ? query_text(r) : NULL;
	const char *outcome = q ? query_word(r, "outcome", outcomes) : NULL;
	int64_t from = outcome ? query_day(r, "from", 0) : -1;
	int64_t to = from >= 0 ? query_day(r, "to", 1) : -1;
	const char *ls = qget(r, "limit");
	char *end = NULL;
	int64_t limit = ls ? g_ascii_strtoll(ls, &end, 10) : NOTICES_MAX;

	if (to < 0)
		return;
	if (ls && (*ls == '\0' || *end != '\0' || limit < 1 ||
	    limit > NOTICES_MAX)) {
		api_error(r, 400, "out_of_range", "\"limit\" must be from 1 to %d",
		    NOTICES_MAX);
		return;
	}
	if (from && to && to <= from) {
		api_error(r, 400, "out_of_range", "\"to\" is before \"from\"");
		return;
	}
	JsonNode *rows = api_rows(r->wa, DB_LIST_BROADCASTS_FIND,
	    DB_ARGS(r->who.zone, zone, from, to, outcome, q, limit));
	if (rows)
		api_reply(r, 200, rows);
	else
		api_error(r, 500, "database", "cannot read broadcasts");
}
