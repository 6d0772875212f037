/*
 * store_carry.c — the store's side of store and forward: which items were
 * carried to the boxes ahead of their slot (the confirmations of boxes
 * that aired their copies are store_air.c's), and the broadcast of a
 * slot a report is about. See store.h.
 */
#include <stdio.h>

#include "scheduler/store.h"
#include "scheduler/store_int.h"

int
db_carry_add(struct db *db, const struct db_carry *c, int64_t now)
{
	char err[128];

	return db_run(db, err, sizeof(err), "INSERT OR REPLACE INTO carries "
	    "(ssrc, schedule_id, notice_id, slot_at, zone, end_pts, content, "
	    "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", DB_ARGS(
	    (int64_t)c->ssrc, c->schedule_id, c->notice_id, c->slot_at, c->zone,
	    c->end_pts, c->content, now)) == SQLITE_DONE ? 0 : -1;
}

int
db_carry_revoke(struct db *db, uint32_t ssrc, int64_t now)
{
	char err[128];

	return db_run(db, err, sizeof(err), "UPDATE carries SET revoked_at = "
	    "COALESCE(revoked_at, ?) WHERE ssrc = ?", DB_ARGS(now,
	    (int64_t)ssrc)) == SQLITE_DONE ? 0 : -1;
}

static void
row(sqlite3_stmt *st, struct db_carry *c)
{
	c->ssrc = (uint32_t)sqlite3_column_int64(st, 0);
	c->schedule_id = sqlite3_column_int64(st, 1);
	c->notice_id = sqlite3_column_int64(st, 2);
	c->slot_at = sqlite3_column_int64(st, 3);
	snprintf(c->zone, sizeof(c->zone), "%s",
	    (const char *)sqlite3_column_text(st, 4));
	c->end_pts = sqlite3_column_int64(st, 5);
	c->content = sqlite3_column_int64(st, 6);
	c->revoked = sqlite3_column_type(st, 7) != SQLITE_NULL;
}

#define CARRY_COLUMNS "ssrc, schedule_id, notice_id, slot_at, zone, " \
	"end_pts, content, revoked_at"

int
db_carry_get(struct db *db, uint32_t ssrc, struct db_carry *c)
{
	sqlite3_stmt *st = db_prepare(db, NULL, 0, "SELECT " CARRY_COLUMNS
	    " FROM carries WHERE ssrc = ?", DB_ARGS((int64_t)ssrc));

	if (st == NULL)
		return -1;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		row(st, c);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int
db_carry_each(struct db *db, int64_t since,
    void (*fn)(const struct db_carry *c, void *arg), void *arg)
{
	struct db_carry c;
	sqlite3_stmt *st = db_prepare(db, NULL, 0, "SELECT " CARRY_COLUMNS
	    " FROM carries WHERE created_at >= ? ORDER BY ssrc", DB_ARGS(since));

	if (st == NULL)
		return -1;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row(st, &c);
		fn(&c, arg);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int64_t
db_broadcast_of_slot(struct db *db, int64_t schedule_id, int64_t slot_at)
{
	sqlite3_stmt *st = db_prepare(db, NULL, 0, "SELECT id FROM broadcasts "
	    "WHERE schedule_id = ? AND slot_at = ? ORDER BY id LIMIT 1",
	    DB_ARGS(schedule_id, slot_at));

	if (st == NULL)
		return -1;
	int rc = sqlite3_step(st);
	int64_t id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? id : -1;
}
