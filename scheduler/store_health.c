/*
 * store_health.c — a loudspeaker's own volume (set on its page, told to
 * the box in its replies) and its health history: the changes dalabad
 * saw in its heartbeats, one row each, so a technician can ask "when was
 * it offline, when did its amplifier start failing" days later. Bounded:
 * pruned by age and by count per speaker. See store.h.
 */
#include <stdio.h>
#include <string.h>

#include "scheduler/store.h"
#include "scheduler/store_int.h"

static const char *const kind_names[DB_EV_MAX] = { "online", "restart",
    "audio_errors", "amp_errors", "loss", "tone" };

static int
kind_of(const char *s)
{
	for (int i = 0; s && i < DB_EV_MAX; i++)
		if (strcmp(s, kind_names[i]) == 0)
			return i;
	return -1;
}

int
db_speaker_volume(struct db *db, uint32_t id)
{
	sqlite3_stmt *st = db_prepare(db, NULL, 0, "SELECT COALESCE(volume, -1) "
	    "FROM speakers WHERE id = ?", DB_ARGS((int64_t)id));
	int v = -2;

	if (st != NULL && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

int
db_speaker_set_volume(struct db *db, uint32_t id, int volume, char *err,
    size_t errlen)
{
	if (volume < -1 || volume > 100) {
		snprintf(err, errlen, "a volume is from 0 to 100");
		return -1;
	}
	if (db_run(db, err, errlen, "UPDATE speakers SET volume = NULLIF(?, -1) "
	    "WHERE id = ?", DB_ARGS((int64_t)volume, (int64_t)id)) != SQLITE_DONE)
		return -1;
	if (sqlite3_changes(db->h) == 0) {
		snprintf(err, errlen, "no speaker %u", id);
		return -1;
	}
	return 0;
}

int
db_speaker_volumes_each(struct db *db, void (*fn)(uint32_t id, int volume,
    void *arg), void *arg)
{
	sqlite3_stmt *st = db_prepare(db, NULL, 0, "SELECT id, volume FROM "
	    "speakers WHERE volume IS NOT NULL", DB_NO_ARGS);

	if (st == NULL)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW)
		fn((uint32_t)sqlite3_column_int64(st, 0), sqlite3_column_int(st, 1),
		    arg);
	sqlite3_finalize(st);
	return 0;
}

int
db_speaker_event_add(struct db *db, const struct db_speaker_event *e)
{
	if ((unsigned)e->kind >= DB_EV_MAX)
		return -1;
	return db_run(db, NULL, 0, "INSERT INTO speaker_events (speaker_id, at, "
	    "kind, value) VALUES (?, ?, ?, ?)", DB_ARGS((int64_t)e->speaker_id,
	    e->at, kind_names[e->kind], e->value)) == SQLITE_DONE ? 0 : -1;
}

int
db_speaker_events_each(struct db *db, uint32_t id, int64_t since, int limit,
    void (*fn)(const struct db_speaker_event *e, void *arg), void *arg)
{
	sqlite3_stmt *st = db_prepare(db, NULL, 0, "SELECT id, at, kind, value "
	    "FROM speaker_events WHERE speaker_id = ? AND at >= ? ORDER BY id "
	    "DESC LIMIT ?", DB_ARGS((int64_t)id, since, (int64_t)limit));

	if (st == NULL)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		int k = kind_of((const char *)sqlite3_column_text(st, 2));
		if (k < 0)
			continue;	/* a kind of a later dalabad */
		struct db_speaker_event e = { .id = sqlite3_column_int64(st, 0),
		    .speaker_id = id, .at = sqlite3_column_int64(st, 1),
		    .kind = (enum db_speaker_event_kind)k,
		    .value = sqlite3_column_int64(st, 3) };
		fn(&e, arg);
	}
	sqlite3_finalize(st);
	return 0;
}

int
db_speaker_last_online_each(struct db *db, void (*fn)(uint32_t id,
    bool online, void *arg), void *arg)
{
	/* max(id) per speaker picks the bare column value of that row
	 * (SQLite's documented rule for a lone min/max aggregate). */
	sqlite3_stmt *st = db_prepare(db, NULL, 0, "SELECT speaker_id, value, "
	    "max(id) FROM speaker_events WHERE kind = 'online' GROUP BY "
	    "speaker_id", DB_NO_ARGS);

	if (st == NULL)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW)
		fn((uint32_t)sqlite3_column_int64(st, 0), sqlite3_column_int(st,
		    1) != 0, arg);
	sqlite3_finalize(st);
	return 0;
}

int
db_speaker_events_prune(struct db *db, int64_t before, int keep,
    const uint32_t *ids, size_t n)
{
	int gone;

	if (db_run(db, NULL, 0, "DELETE FROM speaker_events WHERE at < ?",
	    DB_ARGS(before)) != SQLITE_DONE)
		return -1;
	gone = sqlite3_changes(db->h);
	/* A box that flaps all day must not fill the disk: its newest keep. */
	for (size_t i = 0; i < n; i++) {
		if (db_run(db, NULL, 0, "DELETE FROM speaker_events WHERE "
		    "speaker_id = ?1 AND id < (SELECT id FROM speaker_events WHERE "
		    "speaker_id = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2)",
		    DB_ARGS((int64_t)ids[i], (int64_t)keep - 1)) != SQLITE_DONE)
			return -1;
		gone += sqlite3_changes(db->h);
	}
	return gone;
}
