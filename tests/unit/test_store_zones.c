/*
 * test_store_zones.c — one notice to several zones, and the urgent
 * cut-in, in the store (schema 8) on real SQLite files: targets are
 * stored with the notice or not at all, each inside the notice's zone
 * and none inside another; a slot is claimed once per target; each
 * broadcast is listed in its own zone, where only that zone's people see
 * it; a schedule's urgency reads back; and a store of schema 2 with
 * broadcasts on record migrates through the table's rebuild with every
 * row and reference kept.
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

/* Rows of listing which for args, and the zone of the first. */
static int
listed(struct db *db, enum db_list which, const struct db_arg *args,
    int nargs, char *zone, size_t zlen)
{
	sqlite3_stmt *st = db_prepare(db, NULL, 0, db_list_sql(which), args,
	    nargs);
	int n = 0;

	if (st == NULL)
		return -1;
	zone[0] = '\0';
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (int i = 0; n == 0 && i < sqlite3_column_count(st); i++)
			if (strcmp(sqlite3_column_name(st, i), "zone") == 0 &&
			    sqlite3_column_text(st, i))
				snprintf(zone, zlen, "%s", (const char *)
				    sqlite3_column_text(st, i));
		n++;
	}
	sqlite3_finalize(st);
	return n;
}

static void
one_schedule(const struct db_schedule *s, void *arg)
{
	int *urgent = arg;

	if (s->urgent)
		(*urgent)++;
}

static void
test_zones(struct db *db)
{
	char err[256], zone[16];
	char *two[] = { "110101001002", "110101001001" };
	struct db_notice n = { .body = "明天上午九点在村委会打疫苗", .repeat = 1,
	    .priority = BCAST_PRIO_TOWNSHIP, .zone = "110101001", .zones = two,
	    .nzones = 2 }, back;
	int64_t id, bid, before = scalar(db, "SELECT count(*) FROM notices");
	bool cancelled;

	CHECK(db_notice_add(db, &n, &id, err, sizeof(err)) == 0, "a notice to "
	    "two villages: %s", err);
	CHECK(db_notice_get(db, id, &back, &cancelled) == 1 && back.nzones == 2 &&
	    strcmp(back.zones[0], "110101001001") == 0 &&
	    strcmp(back.zones[1], "110101001002") == 0 &&
	    strcmp(back.zone, "110101001") == 0 &&
	    back.priority == BCAST_PRIO_TOWNSHIP, "reads back with both targets, "
	    "in order");
	db_notice_clear(&back);

	/* Refused, and nothing stored. */
	char *outside[] = { "110101001001", "110101002001" };
	char *twice[] = { "110101001001", "110101001001" };
	char *nested[] = { "110101001", "110101001001" };
	struct db_notice bad = n;
	bad.zones = outside;
	CHECK(db_notice_add(db, &bad, &id, err, sizeof(err)) == -1 &&
	    strstr(err, "110101002001"), "a target outside the notice's zone is "
	    "refused: %s", err);
	bad.zones = twice;
	CHECK(db_notice_add(db, &bad, &id, err, sizeof(err)) == -1,
	    "a target given twice is refused: %s", err);
	bad.zone = "110101";
	bad.zones = nested;
	CHECK(db_notice_add(db, &bad, &id, err, sizeof(err)) == -1,
	    "a target inside another is refused: %s", err);
	bad.zone = "110101001";
	bad.zones = two;
	bad.nzones = DB_NOTICE_MAX_ZONES + 1;
	CHECK(db_notice_add(db, &bad, &id, err, sizeof(err)) == -1,
	    "more than %d targets are refused", DB_NOTICE_MAX_ZONES);
	char *ghost[] = { "110101001001", "110101001009" };
	bad.zones = ghost;
	bad.nzones = 2;
	CHECK(db_notice_add(db, &bad, &id, err, sizeof(err)) == -1,
	    "a target that is not a zone is refused: %s", err);
	CHECK(scalar(db, "SELECT count(*) FROM notices") == before + 1 &&
	    scalar(db, "SELECT count(*) FROM notice_zones") == 2,
	    "a refused notice leaves no row behind, nor any target");

	/* One claim per target; each once. */
	id = scalar(db, "SELECT max(id) FROM notices");
	CHECK(db_slot_claim(db, id, 0, 5000, -1, "110101001001", &bid, err,
	    sizeof(err)) == 1 && db_slot_claim(db, id, 0, 5000, -1,
	    "110101001002", &bid, err, sizeof(err)) == 1, "the slot is claimed in "
	    "each village: %s", err);
	CHECK(db_slot_claim(db, id, 0, 5000, -1, "110101001001", &bid, err,
	    sizeof(err)) == 0, "and once only in each");
	CHECK(db_slot_claim(db, id, 0, 5000, -1, NULL, &bid, err,
	    sizeof(err)) == 1 && db_slot_claim(db, id, 0, 5000, -1, NULL, &bid,
	    err, sizeof(err)) == 0, "a claim for the notice's own zone is once "
	    "too (no NULL slips through the unique index)");
	db_run(db, err, sizeof(err), "DELETE FROM broadcasts WHERE zone IS NULL",
	    DB_NO_ARGS);

	/* Each broadcast in its own zone, seen there only. */
	CHECK(listed(db, DB_LIST_BROADCASTS, DB_ARGS(id, "110101001001"), zone,
	    sizeof(zone)) == 1 && strcmp(zone, "110101001001") == 0,
	    "东村's cadre sees one broadcast, 东村's (%s)", zone);
	CHECK(listed(db, DB_LIST_BROADCASTS, DB_ARGS(id, "110101001003"), zone,
	    sizeof(zone)) == 0, "a third village of the township sees none");
	CHECK(listed(db, DB_LIST_BROADCASTS, DB_ARGS(id, "110101001"), zone,
	    sizeof(zone)) == 2, "the township sees both logs");
	CHECK(listed(db, DB_LIST_NOTICE, DB_ARGS(id), zone, sizeof(zone)) == 1,
	    "the notice lists");
	CHECK(scalar(db, "SELECT count(*) FROM notice_zones WHERE notice_id = "
	    "(SELECT max(id) FROM notices)") == 2, "with its two targets");

	/* An edit replaces the targets while it has not aired. */
	int64_t fresh;
	struct db_notice e = n;
	CHECK(db_notice_add(db, &n, &fresh, err, sizeof(err)) == 0, "another");
	e.id = fresh;
	e.zone = "110101001001";
	e.zones = NULL;
	e.nzones = 0;
	e.priority = BCAST_PRIO_VILLAGE;
	CHECK(db_notice_update(db, &e, err, sizeof(err)) == 0 &&
	    db_notice_get(db, fresh, &back, &cancelled) == 1 &&
	    back.nzones == 0 && strcmp(back.zone, "110101001001") == 0,
	    "edited to one village, it has no list of targets: %s", err);
	db_notice_clear(&back);
	e.id = id;
	CHECK(db_notice_update(db, &e, err, sizeof(err)) == -1 &&
	    scalar(db, "SELECT count(*) FROM notice_zones WHERE notice_id = "
	    "(SELECT max(notice_id) FROM broadcasts)") == 2,
	    "one that went on air keeps its targets: %s", err);

	/* An urgent schedule. */
	struct db_schedule s = { .notice_id = fresh, .volume = -1,
	    .urgent = true };
	s.rule.kind = TT_ONCE;
	s.rule.once_at = 6000;
	int urgent = 0;
	CHECK(db_schedule_add(db, &s, err, sizeof(err)) == 0 &&
	    db_schedule_urgent(db, s.id) == 1, "a cut-in is stored: %s", err);
	struct db_schedule plain = s;
	plain.urgent = false;
	CHECK(db_schedule_add(db, &plain, err, sizeof(err)) == 0 &&
	    db_schedule_urgent(db, plain.id) == 0 &&
	    db_schedule_urgent(db, 999999) == 0, "a routine one is not");
	db_schedule_each(db, one_schedule, &urgent);
	CHECK(urgent == 1, "the planner reads which is urgent (%d)", urgent);
	CHECK(scalar(db, "PRAGMA foreign_key_check") == -1,
	    "every reference holds");
}

/* A store of schema 2 with two broadcasts and a confirmation migrates
 * through the rebuild of broadcasts. */
static void
test_migrate(const char *dir)
{
	char path[160], err[256], *sql = NULL;
	const char *top = getenv("TOP");
	char dump[512];
	size_t len = 0;
	sqlite3 *h;

	snprintf(dump, sizeof(dump), "%s/tests/data/store-v2.sql", top ? top :
	    ".");
	FILE *f = fopen(dump, "r");
	CHECK(f != NULL, "the schema-2 dump is there (%s)", dump);
	if (f == NULL)
		return;
	sql = calloc(1, 1 << 20);
	len = fread(sql, 1, (1 << 20) - 1, f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/old.db", dir);
	CHECK(len > 0 && sqlite3_open(path, &h) == SQLITE_OK &&
	    sqlite3_exec(h, sql, NULL, NULL, NULL) == SQLITE_OK &&
	    sqlite3_exec(h, "INSERT INTO broadcasts (id, notice_id, slot_at, "
	    "started_at, ended_at, outcome, schedule_id, volume, on_air_at, "
	    "interruptions) VALUES (41, 1, 1796157000, 1796157000, 1796157060, "
	    "'aired', 1, 80, 1796157001, 1), (42, 2, 1796157000, 1796157000, "
	    "NULL, NULL, NULL, NULL, NULL, 0); INSERT INTO broadcast_speakers "
	    "(broadcast_id, speaker_id, confirmed, confirmed_at) VALUES (41, 7, "
	    "1, 1796157002);", NULL, NULL, NULL) == SQLITE_OK,
	    "a schema-2 store with two broadcasts: %s", sqlite3_errmsg(h));
	sqlite3_close(h);
	free(sql);

	struct db *db = db_open(path, err, sizeof(err));
	CHECK(db != NULL && db_schema_version(db) == DB_SCHEMA_VERSION,
	    "it migrates to %d: %s", DB_SCHEMA_VERSION, db ? "ok" : err);
	if (db == NULL)
		return;
	CHECK(scalar(db, "SELECT count(*) FROM broadcasts") == 2 &&
	    scalar(db, "SELECT volume + interruptions + on_air_at FROM "
	    "broadcasts WHERE id = 41 AND outcome = 'aired' AND schedule_id = 1") ==
	    80 + 1 + 1796157001LL, "the broadcasts keep every column");
	CHECK(scalar(db, "SELECT count(*) FROM broadcast_speakers b JOIN "
	    "broadcasts x ON x.id = b.broadcast_id WHERE b.confirmed") == 1,
	    "the confirmation still finds its broadcast");
	CHECK(scalar(db, "PRAGMA foreign_keys") == 1 &&
	    scalar(db, "PRAGMA foreign_key_check") == -1,
	    "foreign keys are on again, and every reference holds");
	int64_t bid;
	CHECK(db_slot_claim(db, 1, 1, 1796157000, -1, NULL, &bid, err,
	    sizeof(err)) == 0, "a slot that aired before the migration is not "
	    "claimed again");
	CHECK(db_run(db, err, sizeof(err), "INSERT INTO broadcast_speakers "
	    "(broadcast_id, speaker_id) VALUES (999, 7)", DB_NO_ARGS) !=
	    SQLITE_DONE, "the rebuilt table is still referred to (a row for no "
	    "broadcast is refused)");
	CHECK(scalar(db, "SELECT count(*) FROM sqlite_master WHERE name IN "
	    "('broadcasts_open', 'broadcasts_slot', 'broadcasts_claim')") == 3,
	    "its indexes are there");
	CHECK(scalar(db, "SELECT count(*) FROM notices") == 2 &&
	    scalar(db, "SELECT count(*) FROM notices WHERE public = 1 AND "
	    "recording IS NULL AND length(body) > 0") == 2, "its notices come "
	    "through schema 10's rebuild of notices, public, with their text");
	CHECK(scalar(db, "SELECT count(*) FROM sqlite_master WHERE name IN "
	    "('notices_zone', 'notices_page', 'notices_recording')") == 3,
	    "and the notices' indexes are there");
	CHECK(db_check(db, err, sizeof(err)) == 0, "integrity check ok");
	db_close(db);
}

int
main(void)
{
	char dir[] = "/tmp/dalaba-zones-XXXXXX", path[128], err[256];
	struct db *db;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/dalaba.db", dir);
	db = db_open(path, err, sizeof(err));
	CHECK(db != NULL, "a new database opens: %s", db ? "ok" : err);
	if (db == NULL)
		return t_done();
	CHECK(db_zone_add(db, "110101", "县", err, sizeof(err)) == 0 &&
	    db_zone_add(db, "110101001", "镇", err, sizeof(err)) == 0 &&
	    db_zone_add(db, "110101001001", "东村", err, sizeof(err)) == 0 &&
	    db_zone_add(db, "110101001002", "西村", err, sizeof(err)) == 0 &&
	    db_zone_add(db, "110101001003", "南村", err, sizeof(err)) == 0 &&
	    db_zone_add(db, "110101002", "乙镇", err, sizeof(err)) == 0 &&
	    db_zone_add(db, "110101002001", "乙村", err, sizeof(err)) == 0,
	    "zones: %s", err);
	test_zones(db);
	db_close(db);
	test_migrate(dir);
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return t_done();
}
