/*
 * store_fed.c — the federated table: a province's pages as each county
 * below took them. web-admin/fed.c writes a row whenever delivery or a
 * county's reported coverage changes, so the province's view survives a
 * restart and a restarted province resends exactly the alert it sent
 * (the county knows it by identifier and sent, and does not air it
 * twice). See store.h.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "scheduler/store.h"
#include "scheduler/store_int.h"

int
db_federated_put(struct db *db, const struct db_federated *f, char *err,
    size_t errlen)
{
	int rc = db_run(db, err, errlen, "INSERT INTO federated (page_id, "
	    "county, zones, identifier, sent, cap, state, remote_page, tries, "
	    "error, targets, confirmed, playing, on_air, done, updated_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, NULLIF(?, 0), ?, ?, ?, ?, ?, ?, ?, ?) "
	    "ON CONFLICT (page_id, county) DO UPDATE SET state = excluded.state, "
	    "remote_page = excluded.remote_page, tries = excluded.tries, "
	    "error = excluded.error, targets = excluded.targets, "
	    "confirmed = excluded.confirmed, playing = excluded.playing, "
	    "on_air = excluded.on_air, done = excluded.done, "
	    "updated_at = excluded.updated_at",
	    DB_ARGS(f->page_id, f->county, f->zones, f->identifier, f->sent,
	    f->cap, f->state, f->remote_page, (int64_t)f->tries, f->error,
	    (int64_t)f->targets, (int64_t)f->confirmed, (int64_t)f->playing,
	    (int64_t)f->on_air, (int64_t)f->done, f->updated_at));

	return rc == SQLITE_DONE ? 0 : -1;
}

static const char *
text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? (const char *)t : NULL;
}

int
db_federated_each(struct db *db, int64_t page_id,
    void (*fn)(const struct db_federated *f, void *arg), void *arg)
{
	sqlite3_stmt *st = db_prepare(db, NULL, 0, "SELECT page_id, county, "
	    "zones, identifier, sent, cap, state, COALESCE(remote_page, 0), "
	    "tries, error, targets, confirmed, playing, on_air, done, updated_at "
	    "FROM federated WHERE (? > 0 AND page_id = ?) OR (? = 0 AND done = 0) "
	    "ORDER BY page_id, county", DB_ARGS(page_id, page_id, page_id));
	int n = 0, rc;

	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct db_federated f = { .page_id = sqlite3_column_int64(st, 0),
		    .county = text(st, 1), .zones = text(st, 2),
		    .identifier = text(st, 3), .sent = text(st, 4),
		    .cap = text(st, 5), .state = text(st, 6),
		    .remote_page = sqlite3_column_int64(st, 7),
		    .tries = sqlite3_column_int(st, 8), .error = text(st, 9),
		    .targets = sqlite3_column_int(st, 10),
		    .confirmed = sqlite3_column_int(st, 11),
		    .playing = sqlite3_column_int(st, 12),
		    .on_air = sqlite3_column_int(st, 13) != 0,
		    .done = sqlite3_column_int(st, 14) != 0,
		    .updated_at = sqlite3_column_int64(st, 15) };
		fn(&f, arg);
		n++;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? n : -1;
}

int
db_page_cancel_ended(struct db *db, int64_t id, char *err, size_t errlen)
{
	if (db_run(db, err, errlen, "UPDATE pages SET state = 'cancelled', "
	    "ended_at = ? WHERE id = ? AND state = 'ended'",
	    DB_ARGS((int64_t)time(NULL), id)) != SQLITE_DONE)
		return -1;
	return sqlite3_changes(db->h) == 1 ? 0 : 1;
}
