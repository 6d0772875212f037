/*
 * test_store_health.c — a loudspeaker's own volume and its health history
 * in the store (scheduler/store_health.c) on a real SQLite file: a volume
 * is set, cleared, refused out of range or for no such box; events come
 * back newest first from a time on, the last online state of each box is
 * found for a restart of dalabad, and pruning keeps a box that flaps to
 * its newest rows and forgets what is old.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scheduler/store.h"
#include "scheduler/store_int.h"
#include "tests/unit/harness.h"

static int nvol, nev, last_state[4] = { -1, -1, -1, -1 };
static int64_t first_at, prev_id;
static bool ordered = true;

static void
on_volume(uint32_t id, int volume, void *arg)
{
	(void)arg;
	nvol++;
	CHECK(id == 1 && volume == 40, "the one volume set is listed (%u %d)",
	    id, volume);
}

static void
on_event(const struct db_speaker_event *e, void *arg)
{
	(void)arg;
	if (nev++ == 0)
		first_at = e->at;
	else if (e->id >= prev_id)
		ordered = false;
	prev_id = e->id;
}

static void
on_online(uint32_t id, bool online, void *arg)
{
	(void)arg;
	if (id < 4)
		last_state[id] = online;
}

int
main(void)
{
	char dir[] = "/tmp/dalaba-health-XXXXXX", path[128], err[256];
	struct db *db;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/dalaba.db", dir);
	db = db_open(path, err, sizeof(err));
	CHECK(db != NULL, "a new database opens: %s", db ? "ok" : err);
	if (db == NULL)
		return t_done();
	CHECK(db_zone_add(db, "110101001001", "东村", err, sizeof(err)) == 0 &&
	    db_speaker_add(db, 1, "110101001001", "村口", err, sizeof(err)) == 0 &&
	    db_speaker_add(db, 2, "110101001001", "学校", err, sizeof(err)) == 0,
	    "a village with two loudspeakers: %s", err);

	CHECK(db_speaker_volume(db, 1) == -1, "no volume of its own at first");
	CHECK(db_speaker_volume(db, 9) == -2, "no such speaker: -2");
	CHECK(db_speaker_set_volume(db, 1, 40, err, sizeof(err)) == 0 &&
	    db_speaker_volume(db, 1) == 40, "a volume set is read back");
	CHECK(db_speaker_set_volume(db, 1, 101, err, sizeof(err)) == -1 &&
	    db_speaker_set_volume(db, 1, -2, err, sizeof(err)) == -1 &&
	    db_speaker_volume(db, 1) == 40, "101 and -2 are refused, nothing "
	    "changed: %s", err);
	CHECK(db_speaker_set_volume(db, 9, 50, err, sizeof(err)) == -1,
	    "no such speaker: refused (%s)", err);
	db_speaker_volumes_each(db, on_volume, NULL);
	CHECK(nvol == 1, "only the box with a volume is listed (%d)", nvol);
	CHECK(db_speaker_set_volume(db, 2, 0, err, sizeof(err)) == 0 &&
	    db_speaker_set_volume(db, 2, -1, err, sizeof(err)) == 0 &&
	    db_speaker_volume(db, 2) == -1, "0 is a volume; -1 clears it");

	/* Speaker 1 flaps: offline, online, ... every minute from t=1000. */
	CHECK(db_begin(db) == 0, "one transaction for a batch");
	for (int i = 0; i < 40; i++) {
		struct db_speaker_event e = { .speaker_id = 1, .at = 1000 + 60 * i,
		    .kind = DB_EV_ONLINE, .value = i % 2 };
		db_speaker_event_add(db, &e);
	}
	struct db_speaker_event a = { .speaker_id = 2, .at = 5000,
	    .kind = DB_EV_AMP_ERRORS, .value = 3 };
	struct db_speaker_event o = { .speaker_id = 2, .at = 500,
	    .kind = DB_EV_ONLINE, .value = 1 };
	struct db_speaker_event bad = { .speaker_id = 2, .at = 500,
	    .kind = DB_EV_MAX, .value = 1 };
	CHECK(db_speaker_event_add(db, &a) == 0 && db_speaker_event_add(db,
	    &o) == 0, "events of another box");
	CHECK(db_speaker_event_add(db, &bad) == -1, "a kind that is none is "
	    "refused");
	CHECK(db_commit(db) == 0, "committed");

	db_speaker_events_each(db, 1, 0, 10, on_event, NULL);
	CHECK(nev == 10 && ordered && first_at == 1000 + 60 * 39,
	    "at most limit, newest first (%d, first at %lld)", nev,
	    (long long)first_at);
	nev = 0;
	db_speaker_events_each(db, 1, 1000 + 60 * 35, 100, on_event, NULL);
	CHECK(nev == 5, "only since the time asked (%d)", nev);
	nev = 0;
	db_speaker_events_each(db, 3, 0, 100, on_event, NULL);
	CHECK(nev == 0, "a box with no history has none");

	db_speaker_last_online_each(db, on_online, NULL);
	CHECK(last_state[1] == 1 && last_state[2] == 1 && last_state[3] == -1,
	    "the last online state of each box (%d %d %d)", last_state[1],
	    last_state[2], last_state[3]);

	uint32_t ids[] = { 1, 2 };
	int gone = db_speaker_events_prune(db, 1000 + 60 * 5, 20, ids, 2);
	CHECK(gone == 20 + 1, "pruned: 5 too old and 15 over the count of "
	    "box 1, box 2's old one (%d)", gone);
	CHECK(db_int(db, "SELECT count(*) FROM speaker_events WHERE speaker_id "
	    "= 1", DB_NO_ARGS) == 20 && db_int(db, "SELECT min(at) FROM "
	    "speaker_events WHERE speaker_id = 1", DB_NO_ARGS) == 1000 + 60 * 20,
	    "box 1 keeps its newest 20");
	CHECK(db_int(db, "SELECT count(*) FROM speaker_events WHERE speaker_id "
	    "= 2", DB_NO_ARGS) == 1, "box 2 keeps its recent one");
	CHECK(db_speaker_events_prune(db, 0, 20, ids, 2) == 0, "pruning again: "
	    "nothing");
	CHECK(db_speaker_events_prune(db, 0, 5, NULL, 0) == 0 &&
	    db_int(db, "SELECT count(*) FROM speaker_events WHERE speaker_id = 1",
	    DB_NO_ARGS) == 20, "only the boxes named are cut to the count");
	CHECK(db_speaker_events_prune(db, 0, 5, ids, 1) == 15 &&
	    db_int(db, "SELECT min(at) FROM speaker_events WHERE speaker_id = 1",
	    DB_NO_ARGS) == 1000 + 60 * 35, "box 1 cut to its newest 5");
	db_close(db);

	/* Reopen: the volume is still there (the box is told it at start). */
	db = db_open(path, err, sizeof(err));
	CHECK(db && db_speaker_volume(db, 1) == 40, "a reopened store keeps "
	    "the volume");
	db_close(db);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	if (system(path) != 0)
		return 1;
	return t_done();
}
