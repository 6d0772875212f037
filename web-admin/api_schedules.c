/*
 * api_schedules.c — the schedules of dalabad's JSON API: when a notice
 * airs (once, daily, weekly), checked before anything is stored, bounded
 * per notice and per user, listed with each one's next slot.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web-admin/api_int.h"

/* ---- schedules --------------------------------------------------------------- */

const char *const api_schedule_fields[] = { "kind", "at", "times",
    "weekdays", "every_weeks", "from", "to", "volume", "urgent", NULL };

/* Read a schedule from o (the body, or its "schedule" member). */
int
api_read_schedule(struct api_req *r, JsonObject *o, struct db_schedule *s)
{
	JsonObject *saved = r->body;
	const char *kind, *at, *times, *wd, *from, *to;
	char err[256];
	int rc = -1;

	r->body = o;
	memset(s, 0, sizeof(*s));
	if (api_str(r, "kind", true, 8, &kind) ||
	    api_str(r, "at", false, 32, &at) ||
	    api_str(r, "times", false, 200, &times) ||
	    api_str(r, "weekdays", false, 32, &wd) ||
	    api_str(r, "from", false, 10, &from) ||
	    api_str(r, "to", false, 10, &to) ||
	    api_int(r, "every_weeks", 1, 52, 1, &s->rule.every_weeks) ||
	    api_int(r, "volume", 0, 100, -1, &s->volume) ||
	    api_bool(r, "urgent", false, &s->urgent))
		goto out;
	/* A cut-in goes above every routine item where it airs: once, not
	 * every day. */
	r->err_field = "urgent";
	if (s->urgent && strcmp(kind, "once") != 0) {
		api_error(r, 400, "urgent_once", "an urgent cut-in airs once "
		    "(\"kind\": \"once\")");
		goto out;
	}
	r->err_field = NULL;
	if (strcmp(kind, "once") == 0) {
		s->rule.kind = TT_ONCE;
		r->err_field = "at";
		if (at == NULL) {
			api_error(r, 400, "missing_field", "a one-time schedule "
			    "needs \"at\": \"YYYY-MM-DD HH:MM\" or \"now\"");
			goto out;
		}
		if ((s->rule.once_at = tt_parse_at(at, dalabad_tz(r->wa->d),
		    dalabad_now())) < 0) {
			api_error(r, 400, "bad_field", "\"at\" is \"YYYY-MM-DD HH:MM\" "
			    "(local time) or \"now\", not \"%s\"", at);
			goto out;
		}
		if (s->rule.once_at < dalabad_now() - 60) {
			api_error(r, 400, "in_the_past", "%s has passed", at);
			goto out;
		}
	} else if (strcmp(kind, "daily") == 0 || strcmp(kind, "weekly") == 0) {
		s->rule.kind = kind[0] == 'd' ? TT_DAILY : TT_WEEKLY;
		r->err_field = "times";
		if (times == NULL) {
			api_error(r, 400, "missing_field", "a %s schedule needs "
			    "\"times\": \"HH:MM,HH:MM\"", kind);
			goto out;
		}
		err[0] = '\0';
		if ((s->rule.ntimes = tt_parse_times(times, s->rule.times,
		    TT_MAX_TIMES, err, sizeof(err))) <= 0) {
			api_error(r, 400, "bad_field", "\"times\": %s", err[0] ? err :
			    "no times");
			goto out;
		}
		s->rule.weekdays = 127;
		r->err_field = "weekdays";
		/* No day ticked is not "every day": it is a mistake. */
		if (s->rule.kind == TT_WEEKLY && (wd == NULL || *wd == '\0')) {
			api_error(r, 400, "missing_field", "a weekly schedule needs "
			    "\"weekdays\": the days it airs, 1 (Monday) to 7, e.g. "
			    "\"1-5\"");
			goto out;
		}
		if (wd && s->rule.kind == TT_WEEKLY &&
		    (s->rule.weekdays = tt_parse_weekdays(wd)) <= 0) {
			api_error(r, 400, "bad_field", "\"weekdays\" lists days 1 "
			    "(Monday) to 7 (Sunday), e.g. \"1-5\" or \"1,3,5\"");
			goto out;
		}
		if (wd && s->rule.kind == TT_DAILY) {
			api_error(r, 400, "bad_field", "\"weekdays\" is for weekly "
			    "schedules");
			goto out;
		}
	} else {
		r->err_field = "kind";
		api_error(r, 400, "bad_field", "\"kind\" is once, daily or weekly");
		goto out;
	}
	r->err_field = "from";
	if ((from && (s->rule.date_from = tt_parse_date(from)) < 0) ||
	    (to && (s->rule.date_to = tt_parse_date(to)) < 0)) {
		api_error(r, 400, "bad_field", "dates are YYYY-MM-DD");
		goto out;
	}
	if (s->rule.date_from && s->rule.date_to &&
	    s->rule.date_to < s->rule.date_from) {
		api_error(r, 400, "bad_field", "\"to\" is before \"from\"");
		goto out;
	}
	r->err_field = NULL;
	if (s->rule.kind != TT_ONCE && tt_next(&s->rule, dalabad_tz(r->wa->d), dalabad_now()) < 0) {
		api_error(r, 400, "never", "this schedule has no slot left");
		goto out;
	}
	rc = 0;
out:
	r->body = saved;
	return rc;
}

/* Enough for any real timetable; a script's thousands are refused (each
 * live schedule costs the planner and every list of them). */
#define SCHEDULES_PER_NOTICE 20
#define SCHEDULES_PER_USER 500

int
api_store_schedule(struct api_req *r, struct db_schedule *s)
{
	char err[256];
	int of_notice = 0, of_user = 0;

	if (db_schedules_live(r->wa->db, s->notice_id, r->who.user_id > 0 ?
	    r->who.user_id : -1, &of_notice, &of_user) != 0) {
		api_error(r, 500, "database", "cannot count schedules");
		return -1;
	}
	if (of_notice >= SCHEDULES_PER_NOTICE) {
		api_error(r, 409, "too_many_schedules", "notice %lld has %d "
		    "schedules, the most one notice has", (long long)s->notice_id,
		    of_notice);
		return -1;
	}
	if (r->who.user_id > 0 && of_user >= SCHEDULES_PER_USER) {
		api_error(r, 409, "too_many_schedules", "your notices have %d "
		    "schedules, the most one user has; remove some first", of_user);
		return -1;
	}

	if (db_schedule_add(r->wa->db, s, err, sizeof(err)) != 0) {
		api_error(r, 400, "bad_schedule", "%s", err);
		return -1;
	}
	if (s->urgent)
		return api_audit(r, "schedule.urgent", "插播 %lld，通知 %lld，压过"
		    "本地区正在播和排着的日常通知", (long long)s->id,
		    (long long)s->notice_id);
	return api_audit(r, "schedule.add", "安排 %lld，通知 %lld",
	    (long long)s->id, (long long)s->notice_id);
}

/* The planner's next slot into the row of its schedule, if listed. */
static void
set_next(int64_t schedule_id, int64_t next, void *arg)
{
	JsonObject *o = g_hash_table_lookup(arg, &schedule_id);

	if (o && next >= 0)
		json_object_set_int_member(o, "next", next);
}

void
api_get_schedules(struct api_req *r)
{
	JsonNode *rows = api_rows(r->wa, DB_LIST_SCHEDULES, DB_ARGS(r->who.zone));

	if (rows) {
		/* Add each one's next slot, which only the timetable knows. */
		JsonArray *a = json_node_get_array(rows);
		GArray *ids = g_array_new(FALSE, FALSE, sizeof(int64_t));
		for (guint i = 0; i < json_array_get_length(a); i++) {
			JsonObject *o = json_array_get_object_element(a, i);
			int64_t id = json_object_get_int_member(o, "id");
			g_array_append_val(ids, id);
			json_object_set_null_member(o, "next");
		}
		/* Each row found by its id: one pass over each list. */
		GHashTable *row = g_hash_table_new(g_int64_hash, g_int64_equal);
		for (guint k = 0; k < ids->len; k++)
			g_hash_table_insert(row, &g_array_index(ids, int64_t, k),
			    json_array_get_object_element(a, k));
		dalabad_schedules_each(r->wa->d, set_next, row);
		g_hash_table_unref(row);
		g_array_free(ids, TRUE);
		api_reply(r, 200, rows);
	} else {
		api_error(r, 500, "database", "cannot read schedules");
	}
}

void
api_post_schedule(struct api_req *r)
{
	static const char *const fields[] = { "notice", "kind", "at", "times",
	    "weekdays", "every_weeks", "from", "to", "volume", "urgent", NULL };
	struct db_schedule s;
	int notice;

	if (api_only(r, r->body, fields) ||
	    api_int(r, "notice", 1, G_MAXINT, 0, &notice))
		return;
	if (notice == 0) {
		api_error(r, 400, "missing_field", "\"notice\" is required");
		return;
	}
	if (api_read_schedule(r, r->body, &s) != 0)
		return;
	s.notice_id = notice;
	if (!api_notice_allowed(r, notice, true))
		return;
	if (db_notice_live(r->wa->db, notice) != 1) {
		api_error(r, 409, "cancelled", "notice %d is cancelled", notice);
		return;
	}
	if (!api_begin(r))
		return;
	if (api_store_schedule(r, &s) != 0 && !r->audit_failed) {
		api_rollback(r);
		return;
	}
	if (api_commit(r) != 0)
		return;
	JsonObject *o = json_object_new();
	json_object_set_int_member(o, "id", s.id);
	json_object_set_int_member(o, "notice", s.notice_id);
	/* Its first slot, as the planner will find it (quiet hours may
	 * hold a routine item later), so the cadre is told when it airs. */
	int64_t next = tt_next(&s.rule, dalabad_tz(r->wa->d), s.checked_until);
	if (next >= 0)
		json_object_set_int_member(o, "next", next);
	else
		json_object_set_null_member(o, "next");
	api_reply(r, 201, api_object(o));
	dalabad_schedules_changed(r->wa->d);
}

void
api_delete_schedule(struct api_req *r)
{
	int64_t id;
	char err[256];

	if (api_path_id(r, &id) != 0)
		return;
	JsonNode *rows = api_rows(r->wa, DB_LIST_SCHEDULE_ZONE, DB_ARGS(id));
	JsonArray *a = rows ? json_node_get_array(rows) : NULL;
	bool ok = api_zone_allowed(r, a && json_array_get_length(a) == 1 ?
	    json_object_get_string_member(json_array_get_object_element(a, 0),
	    "zone") : NULL, "schedule", id, true);
	if (rows)
		json_node_unref(rows);
	if (!ok || !api_begin(r))
		return;
	if (db_schedule_remove(r->wa->db, id, err, sizeof(err)) != 0) {
		api_rollback(r);
		api_error(r, 404, "not_found", "%s", err);
		return;
	}
	api_audit(r, "schedule.remove", "安排 %lld", (long long)id);
	if (api_commit(r) != 0)
		return;
	JsonObject *o = json_object_new();
	json_object_set_int_member(o, "id", id);
	json_object_set_boolean_member(o, "removed", TRUE);
	api_reply(r, 200, api_object(o));
	dalabad_schedules_changed(r->wa->d);
}

