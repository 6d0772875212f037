/*
 * test_carry_store.c — the store's side of store and forward
 * (scheduler/store_carry.c) on a real SQLite file: a carried item is
 * found again by its SSRC (as a box's report of airing it, days later,
 * must find it), revoked once, listed since a time; a box's confirmation
 * from its copy lands on the slot's broadcast, marked as from the copy,
 * and a live confirmation before it is kept.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scheduler/store.h"
#include "scheduler/store_int.h"
#include "tests/unit/harness.h"

static int seen, seen_revoked;

static void
collect(const struct db_carry *c, void *arg)
{
	(void)arg;
	seen++;
	seen_revoked += c->revoked;
}

int
main(void)
{
	char dir[] = "/tmp/dalaba-carry-XXXXXX", path[128], err[256];
	struct db *db;
	int64_t nid, bid;

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
	struct db_notice n = { .body = "明天上午九点量血压", .repeat = 1,
	    .priority = 0, .zone = "110101001001" };
	CHECK(db_notice_add(db, &n, &nid, err, sizeof(err)) == 0, "a notice: %s",
	    err);
	struct db_schedule s = { .notice_id = nid, .volume = -1 };
	s.rule.kind = TT_ONCE;
	s.rule.ntimes = tt_parse_times("09:00", s.rule.times, TT_MAX_TIMES, err,
	    sizeof(err));
	s.rule.date_from = s.rule.date_to = 20261203;
	CHECK(db_schedule_add(db, &s, err, sizeof(err)) == 0, "its schedule: %s",
	    err);
	CHECK(db_speaker_add(db, 1, "110101001001", "一号", err, sizeof(err)) == 0 &&
	    db_speaker_add(db, 2, "110101001001", "二号", err, sizeof(err)) == 0,
	    "two speakers: %s", err);

	struct db_carry c = { .ssrc = 0xfedcba98, .schedule_id = s.id,
	    .notice_id = nid, .slot_at = 1796259600, .end_pts = 1796259613000000,
	    .content = 12345 }, got;
	strcpy(c.zone, "110101001001");
	CHECK(db_carry_add(db, &c, 1000) == 0, "a carried item is stored");
	CHECK(db_carry_get(db, 0xfedcba98, &got) == 1 && got.ssrc == c.ssrc &&
	    got.schedule_id == s.id && got.notice_id == nid &&
	    got.slot_at == c.slot_at && got.end_pts == c.end_pts &&
	    got.content == 12345 && strcmp(got.zone, c.zone) == 0 &&
	    !got.revoked, "and found by its SSRC, every field as stored "
	    "(an SSRC above 2^31 too)");
	CHECK(db_carry_get(db, 7, &got) == 0, "an SSRC never carried is not found");
	CHECK(db_carry_revoke(db, c.ssrc, 2000) == 0 &&
	    db_carry_revoke(db, c.ssrc, 3000) == 0 &&
	    db_int(db, "SELECT revoked_at FROM carries", DB_NO_ARGS) == 2000,
	    "revoked once: the first time is kept");
	CHECK(db_carry_get(db, c.ssrc, &got) == 1 && got.revoked,
	    "and read back as revoked");
	c.ssrc = 5;
	db_carry_add(db, &c, 5000);
	db_carry_each(db, 1000, collect, NULL);
	CHECK(seen == 2 && seen_revoked == 1, "both listed since they were "
	    "carried (%d, %d revoked)", seen, seen_revoked);
	seen = seen_revoked = 0;
	db_carry_each(db, 4000, collect, NULL);
	CHECK(seen == 1 && seen_revoked == 0, "only the later one since it was "
	    "carried");

	CHECK(db_broadcast_of_slot(db, s.id, c.slot_at) == 0,
	    "no broadcast of the slot before it is claimed");
	CHECK(db_slot_claim(db, nid, s.id, c.slot_at, -1, NULL, &bid, err,
	    sizeof(err)) == 1 && db_broadcast_targets(db, bid, c.zone) == 2,
	    "the slot claimed, two targets: %s", err);
	CHECK(db_broadcast_of_slot(db, s.id, c.slot_at) == bid,
	    "then it is the slot's broadcast");
	CHECK(db_broadcast_confirm(db, bid, 2, c.slot_at) == 0 &&
	    db_broadcast_confirm_copy(db, bid, 1, c.slot_at + 1) == 0,
	    "one box confirms live, one from its copy");
	CHECK(db_int(db, "SELECT count(*) FROM broadcast_speakers WHERE "
	    "confirmed = 1", DB_NO_ARGS) == 2, "both confirmed");
	CHECK(db_int(db, "SELECT count(*) FROM broadcast_speakers WHERE "
	    "from_copy = 1 AND speaker_id = 1 AND confirmed_at = ?",
	    DB_ARGS(c.slot_at + 1)) == 1 && db_int(db, "SELECT count(*) FROM "
	    "broadcast_speakers WHERE from_copy = 0 AND speaker_id = 2",
	    DB_NO_ARGS) == 1, "box 1 from its copy, at its time; box 2 live");
	CHECK(db_broadcast_confirm_copy(db, bid, 1, c.slot_at + 99) == 0 &&
	    db_int(db, "SELECT confirmed_at FROM broadcast_speakers WHERE "
	    "speaker_id = 1", DB_NO_ARGS) == c.slot_at + 1,
	    "a report repeated keeps the first time");
	db_close(db);
	snprintf(err, sizeof(err), "rm -rf %s", dir);
	if (system(err) != 0)
		return 1;
	return t_done();
}
