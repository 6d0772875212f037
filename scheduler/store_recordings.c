/*
 * store_recordings.c — the recordings cadres bring for voice notices: a
 * row per archived file (the file itself lives beside the store, in
 * STATE_DIR/recordings), so a notice can refer to one and the API can
 * check who may use it.
 */
#include <stdio.h>
#include <string.h>

#include "scheduler/store.h"
#include "scheduler/store_int.h"

int
db_recording_add(struct db *db, const struct db_recording *r, char *err,
    size_t errlen)
{
	return db_run(db, err, errlen, "INSERT INTO recordings (key, zone, "
	    "created_by, created_at, ms, bytes, format, codec) VALUES "
	    "(?, ?, NULLIF(?, 0), ?, ?, ?, ?, ?)", DB_ARGS(r->key, r->zone,
	    r->created_by, r->created_at, r->ms, r->bytes, r->format,
	    r->codec)) == SQLITE_DONE ? 0 : -1;
}

static void
copy_col(char *dst, size_t cap, sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	snprintf(dst, cap, "%s", s ? (const char *)s : "");
}

int
db_recording_get(struct db *db, const char *key, struct db_recording *r)
{
	sqlite3_stmt *st = db_prepare(db, NULL, 0, "SELECT key, zone, "
	    "COALESCE(created_by, 0), created_at, ms, bytes, format, codec "
	    "FROM recordings WHERE key = ?", DB_ARGS(key));
	int rc;

	memset(r, 0, sizeof(*r));
	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		copy_col(r->key, sizeof(r->key), st, 0);
		copy_col(r->zone, sizeof(r->zone), st, 1);
		r->created_by = sqlite3_column_int64(st, 2);
		r->created_at = sqlite3_column_int64(st, 3);
		r->ms = sqlite3_column_int64(st, 4);
		r->bytes = sqlite3_column_int64(st, 5);
		copy_col(r->format, sizeof(r->format), st, 6);
		copy_col(r->codec, sizeof(r->codec), st, 7);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int
db_recordings_prune(struct db *db, int64_t before, char (*keys)[33],
    size_t max, size_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *st = db_prepare(db, err, errlen, "DELETE FROM recordings "
	    "WHERE key IN (SELECT key FROM recordings r WHERE created_at < ? "
	    "AND NOT EXISTS (SELECT 1 FROM notices WHERE recording = r.key) "
	    "LIMIT ?) RETURNING key", DB_ARGS(before, (int64_t)max));
	int rc;

	*n = 0;
	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max)
		copy_col(keys[(*n)++], 33, st, 0);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		snprintf(err, errlen, "%s", sqlite3_errmsg(db->h));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}
