/*
 * store_air.c — the store's side of airing: schedules, broadcasts and who
 * confirmed them. See store.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scheduler/store.h"
#include "scheduler/store_int.h"

static const char *const kind_names[] = { "once", "daily", "weekly" };

static void
format_times(const struct tt_rule *r, char *out, size_t cap)
{
	size_t len = 0;

	out[0] = '\0';
	for (int i = 0; i < r->ntimes && len + 7 < cap; i++)
		len += (size_t)snprintf(out + len, cap - len, "%s%02d:%02d",
		    i ? "," : "", r->times[i] / 60, r->times[i] % 60);
}

static void
format_date(int ymd, char out[16])
{
	if (ymd == 0)
		out[0] = '\0';
	else
		snprintf(out, 16, "%04d-%02d-%02d", (ymd / 10000) % 10000,
		    ymd / 100 % 100, ymd % 100);
}

int
db_schedule_add(struct db *db, struct db_schedule *s, char *err, size_t errlen)
{
	char times[TT_MAX_TIMES * 6 + 1], from[16], to[16];
	const struct tt_rule *r = &s->rule;

	if ((unsigned)r->kind > TT_WEEKLY) {
		snprintf(err, errlen, "unknown schedule kind");
		return -1;
	}
	if (r->kind != TT_ONCE && r->ntimes == 0) {
		snprintf(err, errlen, "a %s schedule needs at least one time",
		    kind_names[r->kind]);
		return -1;
	}
	if (db_notice_live(db, s->notice_id) != 1) {
		snprintf(err, errlen, "notice %lld does not exist or is cancelled",
		    (long long)s->notice_id);
		return -1;
	}
	format_times(r, times, sizeof(times));
	format_date(r->date_from, from);
	format_date(r->date_to, to);
	/* A second before now, so a slot at this very second ("air now")
	 * is still ahead of the planner. */
	s->created_at = (int64_t)time(NULL);
	s->checked_until = s->created_at - 1;
	if (db_run(db, err, errlen, "INSERT INTO schedules (notice_id, kind, "
	    "once_at, times, weekdays, every_weeks, date_from, date_to, "
	    "volume, created_at, checked_until, urgent) VALUES (?, ?, "
	    "NULLIF(?, -1), NULLIF(?, ''), ?, ?, NULLIF(?, ''), NULLIF(?, ''), "
	    "NULLIF(?, -1), ?, ?, ?)", DB_ARGS(s->notice_id,
	    kind_names[r->kind], r->kind == TT_ONCE ? r->once_at : (int64_t)-1,
	    times, (int64_t)(r->weekdays ? r->weekdays : 127),
	    (int64_t)(r->every_weeks ? r->every_weeks : 1), from, to,
	    (int64_t)s->volume, s->created_at, s->checked_until,
	    (int64_t)s->urgent)) != SQLITE_DONE)
		return -1;
	s->id = sqlite3_last_insert_rowid(db->h);
	return 0;
}

int
db_schedules_live(struct db *db, int64_t notice_id, int64_t user_id,
    int *of_notice, int *of_user)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = db_prepare(db, NULL, 0, "SELECT "
	    "count(CASE WHEN s.notice_id = ?1 THEN 1 END), "
	    "count(CASE WHEN n.created_by = ?2 THEN 1 END) "
	    "FROM schedules s JOIN notices n ON n.id = s.notice_id "
	    "WHERE s.removed_at IS NULL AND n.cancelled_at IS NULL AND "
	    "(s.notice_id = ?1 OR n.created_by = ?2)",
	    DB_ARGS(notice_id, user_id))) == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*of_notice = sqlite3_column_int(st, 0);
		*of_user = sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

int
db_schedule_remove(struct db *db, int64_t id, char *err, size_t errlen)
{
	if (db_run(db, err, errlen, "UPDATE schedules SET removed_at = ? WHERE "
	    "id = ? AND removed_at IS NULL", DB_ARGS((int64_t)time(NULL), id))
	    != SQLITE_DONE)
		return -1;
	if (sqlite3_changes(db->h) == 0) {
		snprintf(err, errlen, "no schedule %lld", (long long)id);
		return -1;
	}
	return 0;
}

/* A stored row back into a rule; the schema only admits valid rows, so a
 * failure here means the file was edited behind our back. */
static int
row_rule(sqlite3_stmt *st, struct tt_rule *r)
{
	const char *kind = (const char *)sqlite3_column_text(st, 2);
	const char *times = (const char *)sqlite3_column_text(st, 4);
	const char *from = (const char *)sqlite3_column_text(st, 7);
	const char *to = (const char *)sqlite3_column_text(st, 8);
	char err[128];

	memset(r, 0, sizeof(*r));
	if (kind == NULL)
		return -1;
	r->kind = strcmp(kind, "once") == 0 ? TT_ONCE :
	    strcmp(kind, "daily") == 0 ? TT_DAILY : TT_WEEKLY;
	r->once_at = sqlite3_column_int64(st, 3);
	if (times != NULL && (r->ntimes = tt_parse_times(times, r->times,
	    TT_MAX_TIMES, err, sizeof(err))) < 0)
		return -1;
	r->weekdays = sqlite3_column_int(st, 5);
	r->every_weeks = sqlite3_column_int(st, 6);
	if (from != NULL && (r->date_from = tt_parse_date(from)) < 0)
		return -1;
	if (to != NULL && (r->date_to = tt_parse_date(to)) < 0)
		return -1;
	return 0;
}

int
db_schedule_each(struct db *db,
    void (*fn)(const struct db_schedule *s, void *arg), void *arg)
{
	sqlite3_stmt *st;
	struct db_schedule s;

	if (sqlite3_prepare_v2(db->h, "SELECT s.id, s.notice_id, s.kind, "
	    "s.once_at, s.times, s.weekdays, s.every_weeks, s.date_from, "
	    "s.date_to, COALESCE(s.volume, -1), s.created_at, s.checked_until, "
	    "s.urgent FROM schedules s JOIN notices n ON n.id = s.notice_id "
	    "WHERE s.removed_at IS NULL AND n.cancelled_at IS NULL ORDER BY s.id",
	    -1, &st, NULL) != SQLITE_OK)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		memset(&s, 0, sizeof(s));
		s.id = sqlite3_column_int64(st, 0);
		s.notice_id = sqlite3_column_int64(st, 1);
		if (row_rule(st, &s.rule) != 0)
			continue;
		s.volume = sqlite3_column_int(st, 9);
		s.created_at = sqlite3_column_int64(st, 10);
		s.checked_until = sqlite3_column_int64(st, 11);
		s.urgent = sqlite3_column_int(st, 12) != 0;
		fn(&s, arg);
	}
	sqlite3_finalize(st);
	return 0;
}

int
db_schedule_urgent(struct db *db, int64_t id)
{
	int v = db_int(db, "SELECT count(*) FROM schedules WHERE id = ? AND "
	    "urgent", DB_ARGS(id));

	return v < 0 ? -1 : v > 0;
}

int
db_schedule_checked(struct db *db, int64_t id, int64_t until)
{
	char err[128];

	return db_run(db, err, sizeof(err), "UPDATE schedules SET "
	    "checked_until = ? WHERE id = ? AND checked_until < ?",
	    DB_ARGS(until, id, until)) ==
	    SQLITE_DONE ? 0 : -1;
}

int
db_broadcast_on_air(struct db *db, int64_t id, int64_t at, const char *audio)
{
	char err[128];

	/* The first run's time stays; the audio is the latest run's. */
	return db_run(db, err, sizeof(err), "UPDATE broadcasts SET on_air_at = "
	    "COALESCE(on_air_at, ?), audio = ? WHERE id = ?", DB_ARGS(at, audio,
	    id)) == SQLITE_DONE ? 0 : -1;
}

int
db_broadcast_interrupted(struct db *db, int64_t id)
{
	char err[128];

	return db_run(db, err, sizeof(err), "UPDATE broadcasts SET "
	    "interruptions = interruptions + 1 WHERE id = ?", DB_ARGS(id)) ==
	    SQLITE_DONE ? 0 : -1;
}

int
db_broadcast_reair(struct db *db, int64_t parent_id, const char *zone,
    int64_t at, int64_t *id, char *err, size_t errlen)
{
	/* (notice, slot) is unique: the first free second from at. */
	for (int i = 0; i < 60; i++) {
		int rc = db_run(db, err, errlen, "INSERT OR IGNORE INTO "
		    "broadcasts (notice_id, schedule_id, slot_at, volume, "
		    "started_at, zone) SELECT notice_id, schedule_id, ?, "
		    "volume, ?, ? FROM broadcasts WHERE id = ?", DB_ARGS(at + i,
		    at, zone, parent_id));
		if (rc != SQLITE_DONE)
			return -1;
		if (sqlite3_changes(db->h) == 1) {
			*id = sqlite3_last_insert_rowid(db->h);
			return 0;
		}
	}
	snprintf(err, errlen, "no free slot to re-air broadcast %lld",
	    (long long)parent_id);
	return -1;
}

int
db_broadcast_target(struct db *db, int64_t id, uint32_t speaker_id)
{
	char err[128];

	return db_run(db, err, sizeof(err), "INSERT OR IGNORE INTO "
	    "broadcast_speakers (broadcast_id, speaker_id) VALUES (?, ?)",
	    DB_ARGS(id, (int64_t)speaker_id)) == SQLITE_DONE ? 0 : -1;
}

int
db_broadcast_targets(struct db *db, int64_t id, const char *zone)
{
	char err[128];

	/* Every loudspeaker of the zone, enrolled or not, online or not: a
	 * box that was never enrolled is a box nobody hears. */
	if (db_run(db, err, sizeof(err), "INSERT OR IGNORE INTO "
	    "broadcast_speakers (broadcast_id, speaker_id) SELECT ?1, id FROM "
	    "speakers WHERE substr(zone, 1, length(?2)) = ?2",
	    DB_ARGS(id, zone)) != SQLITE_DONE)
		return -1;
	sqlite3_stmt *st = db_prepare(db, NULL, 0, "SELECT count(*) FROM "
	    "broadcast_speakers WHERE broadcast_id = ?", DB_ARGS(id));
	int n = st && sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) :
	    -1;
	sqlite3_finalize(st);
	return n;
}

/* The first confirmation's time is kept; from_copy once a box said it
 * aired its own copy. One statement for all n: a thousand boxes start
 * within one tick, and preparing it for each cost the loop ~40 ms. */
#define CONFIRM_SQL "INSERT INTO broadcast_speakers " \
	"(broadcast_id, speaker_id, confirmed, confirmed_at, from_copy) " \
	"VALUES (?, ?, 1, ?, ?) ON CONFLICT DO UPDATE SET confirmed = 1, " \
	"confirmed_at = COALESCE(confirmed_at, excluded.confirmed_at), " \
	"from_copy = max(from_copy, excluded.from_copy)"
static int
confirm(struct db *db, int64_t id, const uint32_t *speakers, size_t n,
    int64_t at, int64_t from_copy)
{
	char err[128];
	sqlite3_stmt *st = db_prepare(db, err, sizeof(err), CONFIRM_SQL,
	    DB_ARGS(id, (int64_t)0, at, from_copy));
	int rc = st ? 0 : -1;

	for (size_t i = 0; st && i < n && rc == 0; i++) {
		sqlite3_bind_int64(st, 2, (sqlite3_int64)speakers[i]);
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc;
}

int
db_broadcast_confirm(struct db *db, int64_t id, uint32_t speaker_id,
    int64_t at)
{
	return confirm(db, id, &speaker_id, 1, at, 0);
}

int
db_broadcast_confirm_many(struct db *db, int64_t id, const uint32_t *speakers,
    size_t n, int64_t at)
{
	return confirm(db, id, speakers, n, at, 0);
}

int
db_broadcast_confirm_copy(struct db *db, int64_t id, uint32_t speaker_id,
    int64_t at)
{
	return confirm(db, id, &speaker_id, 1, at, 1);
}

int
db_broadcast_open_each(struct db *db,
    void (*fn)(const struct db_open_broadcast *b, void *arg), void *arg)
{
	sqlite3_stmt *st;
	struct db_open_broadcast b;

	if (sqlite3_prepare_v2(db->h, "SELECT id, notice_id, "
	    "COALESCE(schedule_id, 0), slot_at, COALESCE(volume, -1), "
	    "COALESCE(zone, '') FROM "
	    "broadcasts WHERE outcome IS NULL ORDER BY id", -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		b.id = sqlite3_column_int64(st, 0);
		b.notice_id = sqlite3_column_int64(st, 1);
		b.schedule_id = sqlite3_column_int64(st, 2);
		b.slot_at = sqlite3_column_int64(st, 3);
		b.volume = sqlite3_column_int(st, 4);
		snprintf(b.zone, sizeof(b.zone), "%s",
		    (const char *)sqlite3_column_text(st, 5));
		fn(&b, arg);
	}
	sqlite3_finalize(st);
	return 0;
}

int
db_broadcast_audio_each(struct db *db, int64_t since,
    void (*fn)(const char *audio, void *arg), void *arg)
{
	sqlite3_stmt *st;

	if ((st = db_prepare(db, NULL, 0, "SELECT DISTINCT audio FROM "
	    "broadcasts WHERE audio IS NOT NULL AND COALESCE(on_air_at, "
	    "slot_at) >= ?", DB_ARGS(since))) == NULL)
		return -1;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fn((const char *)sqlite3_column_text(st, 0), arg);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}
