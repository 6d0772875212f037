/*
 * test_store_recordings.c — voice notices in the store (schema 10) on a
 * real SQLite file: a recording's row reads back; a notice heard from one
 * may have no text, a text notice may not; a notice cannot name a
 * recording that is not there; a notice is public unless marked private,
 * and a page's never is; recordings no notice uses are pruned after the
 * time given, those in use and the young ones kept.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "broadcaster/broadcaster.h"
#include "scheduler/store.h"
#include "scheduler/store_int.h"
#include "tests/unit/harness.h"

static int64_t
scalar(struct db *db, const char *sql)
{
	sqlite3_stmt *st = db_prepare(db, NULL, 0, sql, DB_NO_ARGS);
	int64_t v = -1;

	if (st && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static struct db_recording
recording(const char *key, int64_t at)
{
	struct db_recording r = { .created_at = at, .ms = 5400, .bytes = 43210 };

	snprintf(r.key, sizeof(r.key), "%s", key);
	snprintf(r.zone, sizeof(r.zone), "110101001001");
	snprintf(r.format, sizeof(r.format), "mov,mp4,m4a,3gp,3g2,mj2");
	snprintf(r.codec, sizeof(r.codec), "aac");
	return r;
}

int
main(void)
{
	char dir[] = "/tmp/dalaba-rec-XXXXXX", path[128], err[256];
	const char *k1 = "0123456789abcdef0123456789abcdef";
	const char *k2 = "fedcba9876543210fedcba9876543210";
	const char *k3 = "00112233445566778899aabbccddeeff";
	struct db *db;
	struct db_recording r, back;
	int64_t id, pid;
	bool cancelled;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/dalaba.db", dir);
	db = db_open(path, err, sizeof(err));
	CHECK(db != NULL, "a new database opens: %s", db ? "ok" : err);
	if (db == NULL)
		return t_done();
	CHECK(db_zone_add(db, "110101", "县", err, sizeof(err)) == 0 &&
	    db_zone_add(db, "110101001", "镇", err, sizeof(err)) == 0 &&
	    db_zone_add(db, "110101001001", "东村", err, sizeof(err)) == 0,
	    "zones: %s", err);

	r = recording(k1, 1000);
	CHECK(db_recording_add(db, &r, err, sizeof(err)) == 0, "a recording's "
	    "row is stored: %s", err);
	CHECK(db_recording_get(db, k1, &back) == 1 && back.ms == 5400 &&
	    back.bytes == 43210 && strcmp(back.zone, "110101001001") == 0 &&
	    strcmp(back.codec, "aac") == 0 && back.created_by == 0,
	    "and reads back whole");
	CHECK(db_recording_get(db, k2, &back) == 0, "an unknown key is not there");
	r = recording("0123456789ABCDEF0123456789ABCDEF", 1000);
	CHECK(db_recording_add(db, &r, err, sizeof(err)) != 0, "a key that is "
	    "not 32 lowercase hex digits is refused");
	r = recording(k1, 1000);
	CHECK(db_recording_add(db, &r, err, sizeof(err)) != 0, "a key is unique");

	struct db_notice n = { .body = "", .repeat = 2, .chime = 1,
	    .priority = BCAST_PRIO_VILLAGE, .zone = "110101001001",
	    .recording = k1 }, got;
	CHECK(db_notice_add(db, &n, &id, err, sizeof(err)) == 0, "a voice "
	    "notice with no text is stored: %s", err);
	CHECK(db_notice_get(db, id, &got, &cancelled) == 1 && got.recording &&
	    strcmp(got.recording, k1) == 0 && strcmp(got.body, "") == 0 &&
	    !got.is_private, "it reads back with its recording, public");
	db_notice_clear(&got);
	struct db_notice t = { .body = "", .repeat = 1, .priority =
	    BCAST_PRIO_VILLAGE, .zone = "110101001001" };
	CHECK(db_notice_add(db, &t, &pid, err, sizeof(err)) != 0, "a text "
	    "notice with no text is refused");
	t.recording = k2;
	CHECK(db_notice_add(db, &t, &pid, err, sizeof(err)) != 0, "a notice "
	    "naming a recording that is not there is refused: %s", err);
	t.recording = NULL;
	t.body = "明天停水。";
	t.is_private = true;
	CHECK(db_notice_add(db, &t, &pid, err, sizeof(err)) == 0 &&
	    db_notice_get(db, pid, &got, &cancelled) == 1 && got.is_private,
	    "a notice marked private reads back private");
	db_notice_clear(&got);
	CHECK(scalar(db, "SELECT public FROM notices WHERE id = (SELECT max(id) "
	    "FROM notices)") == 0, "and is stored not public");

	/* Pruning: k1 is in use; k3 is old and unused; k2 is young. */
	r = recording(k3, 1000);
	CHECK(db_recording_add(db, &r, err, sizeof(err)) == 0, "an unused "
	    "recording: %s", err);
	r = recording(k2, 5000);
	CHECK(db_recording_add(db, &r, err, sizeof(err)) == 0, "a young one: %s",
	    err);
	char keys[8][33];
	size_t nk = 0;
	CHECK(db_recordings_prune(db, 4000, keys, 8, &nk, err, sizeof(err)) == 0 &&
	    nk == 1 && strcmp(keys[0], k3) == 0, "the old unused one is pruned "
	    "(%zu: %s)", nk, nk ? keys[0] : err);
	CHECK(db_recording_get(db, k1, &back) == 1 && db_recording_get(db, k2,
	    &back) == 1 && db_recording_get(db, k3, &back) == 0, "the one in "
	    "use and the young one stay");
	CHECK(db_recordings_prune(db, 4000, keys, 8, &nk, err, sizeof(err)) == 0 &&
	    nk == 0, "pruning again finds nothing");
	CHECK(scalar(db, "PRAGMA foreign_key_check") == -1, "every reference "
	    "holds");
	CHECK(db_check(db, err, sizeof(err)) == 0, "integrity check ok");
	db_close(db);
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return t_done();
}
