/*
 * store.c — see store.h. Migrations run inside one transaction each, so a
 * crash mid-migration leaves the previous version intact.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <time.h>

#include "scheduler/store.h"
#include "scheduler/scheduler.h"
#include "scheduler/store_int.h"

/* migrations[v] takes the schema from version v to v+1. Never edit one
 * that has shipped: add the next. */
static const char *const migrations[] = {
	/* 0 -> 1 */
	"CREATE TABLE zones ("
	"  code TEXT PRIMARY KEY CHECK (length(code) IN (6, 9, 12)"
	"    AND code NOT GLOB '*[^0-9]*'),"
	"  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 64),"
	"  quiet_start TEXT NOT NULL DEFAULT '21:30',"
	"  quiet_end TEXT NOT NULL DEFAULT '06:00',"
	"  drills INTEGER NOT NULL DEFAULT 0 CHECK (drills IN (0, 1)),"
	"  created_at INTEGER NOT NULL);"
	"CREATE TABLE users ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 64),"
	"  role TEXT NOT NULL CHECK (role IN ('county', 'township', 'village')),"
	"  zone TEXT NOT NULL REFERENCES zones(code),"
	"  pw_hash TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL);"
	"CREATE TABLE speakers ("
	"  id INTEGER PRIMARY KEY CHECK (id > 0),"
	"  zone TEXT NOT NULL REFERENCES zones(code),"
	"  name TEXT NOT NULL,"
	"  key_hex TEXT CHECK (key_hex IS NULL OR length(key_hex) = 64),"
	"  created_at INTEGER NOT NULL);"
	"CREATE TABLE notices ("
	"  id INTEGER PRIMARY KEY,"
	"  title TEXT CHECK (title IS NULL OR length(CAST(title AS BLOB)) <= 1024),"
	"  body TEXT NOT NULL CHECK (length(body) > 0"
	"    AND length(CAST(body AS BLOB)) <= 32768),"
	"  voice TEXT NOT NULL DEFAULT 'mandarin',"
	"  repeat INTEGER NOT NULL DEFAULT 1 CHECK (repeat BETWEEN 1 AND 10),"
	"  chime INTEGER NOT NULL DEFAULT 1 CHECK (chime IN (0, 1)),"
	"  priority INTEGER NOT NULL CHECK (priority BETWEEN 0 AND 3),"
	"  zone TEXT NOT NULL REFERENCES zones(code),"
	"  created_by INTEGER REFERENCES users(id),"
	"  created_at INTEGER NOT NULL,"
	"  cancelled_at INTEGER);"
	"CREATE TABLE schedules ("
	"  id INTEGER PRIMARY KEY,"
	"  notice_id INTEGER NOT NULL REFERENCES notices(id),"
	"  kind TEXT NOT NULL CHECK (kind IN ('once', 'daily', 'weekly')),"
	"  once_at INTEGER,"
	"  times TEXT,"
	"  weekdays INTEGER NOT NULL DEFAULT 127 CHECK (weekdays BETWEEN 1 AND 127),"
	"  every_weeks INTEGER NOT NULL DEFAULT 1 CHECK (every_weeks BETWEEN 1 AND 52),"
	"  date_from TEXT, date_to TEXT,"
	"  volume INTEGER CHECK (volume IS NULL OR volume BETWEEN 0 AND 100),"
	"  CHECK (kind != 'once' OR once_at IS NOT NULL),"
	"  CHECK (kind = 'once' OR times IS NOT NULL));"
	/* One row per slot: the UNIQUE is what makes "nothing airs twice"
	 * hold across crashes and restarts. */
	"CREATE TABLE broadcasts ("
	"  id INTEGER PRIMARY KEY,"
	"  notice_id INTEGER NOT NULL REFERENCES notices(id),"
	"  slot_at INTEGER NOT NULL,"
	"  started_at INTEGER, ended_at INTEGER,"
	"  outcome TEXT CHECK (outcome IS NULL OR outcome IN"
	"    ('aired', 'interrupted', 'missed', 'cancelled')),"
	"  reason TEXT,"
	"  UNIQUE (notice_id, slot_at));"
	"CREATE TABLE broadcast_speakers ("
	"  broadcast_id INTEGER NOT NULL REFERENCES broadcasts(id),"
	"  speaker_id INTEGER NOT NULL REFERENCES speakers(id),"
	"  confirmed INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (broadcast_id, speaker_id));"
	"CREATE TABLE lexicon ("
	"  word TEXT PRIMARY KEY CHECK (length(word) BETWEEN 1 AND 32),"
	"  pinyin TEXT NOT NULL,"
	"  updated_at INTEGER NOT NULL);"
	"CREATE TABLE audit ("
	"  id INTEGER PRIMARY KEY,"
	"  at INTEGER NOT NULL,"
	"  user_id INTEGER,"
	"  source TEXT,"
	"  action TEXT NOT NULL,"
	"  detail TEXT);"
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
	"  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
	"  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
	"CREATE INDEX notices_zone ON notices(zone);"
	"CREATE INDEX schedules_notice ON schedules(notice_id);",

	/* 1 -> 2: what dalabad itself needs. Speech rate and a news feed per
	 * notice; how far each schedule has been worked through (so slots
	 * missed while the daemon was down are found and logged); which
	 * schedule and volume a broadcast aired with, and how often it was
	 * pre-empted; when each speaker confirmed playing. */
	"ALTER TABLE notices ADD COLUMN rate INTEGER NOT NULL DEFAULT 150"
	"  CHECK (rate BETWEEN 80 AND 450);"
	"ALTER TABLE notices ADD COLUMN feed TEXT"
	"  CHECK (feed IS NULL OR length(CAST(feed AS BLOB)) BETWEEN 1 AND 1024);"
	"ALTER TABLE notices ADD COLUMN feed_items INTEGER NOT NULL DEFAULT 3"
	"  CHECK (feed_items BETWEEN 1 AND 20);"
	"ALTER TABLE schedules ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE schedules ADD COLUMN checked_until INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE schedules ADD COLUMN removed_at INTEGER;"
	"ALTER TABLE broadcasts ADD COLUMN schedule_id INTEGER"
	"  REFERENCES schedules(id);"
	"ALTER TABLE broadcasts ADD COLUMN volume INTEGER;"
	"ALTER TABLE broadcasts ADD COLUMN on_air_at INTEGER;"
	"ALTER TABLE broadcasts ADD COLUMN interruptions INTEGER NOT NULL"
	"  DEFAULT 0;"
	"ALTER TABLE broadcast_speakers ADD COLUMN confirmed_at INTEGER;"
	"CREATE INDEX broadcasts_open ON broadcasts(id) WHERE outcome IS NULL;",

	/* 2 -> 3: people (the web admin). Users can be disabled, never
	 * deleted (the audit log names them); sessions and per-user API
	 * tokens are kept as hashes only, so a copy of the file lets nobody
	 * in; which rendered audio each broadcast aired, for the history. */
	"ALTER TABLE users ADD COLUMN disabled_at INTEGER;"
	"CREATE TABLE sessions ("
	"  token_hash TEXT PRIMARY KEY CHECK (length(token_hash) = 64),"
	"  user_id INTEGER NOT NULL REFERENCES users(id),"
	"  csrf TEXT NOT NULL CHECK (length(csrf) = 32),"
	"  created_at INTEGER NOT NULL,"
	"  expires_at INTEGER NOT NULL,"
	"  source TEXT);"
	"CREATE TABLE api_tokens ("
	"  token_hash TEXT PRIMARY KEY CHECK (length(token_hash) = 64),"
	"  user_id INTEGER NOT NULL REFERENCES users(id),"
	"  label TEXT CHECK (label IS NULL OR length(label) <= 64),"
	"  created_at INTEGER NOT NULL,"
	"  revoked_at INTEGER);"
	"ALTER TABLE broadcasts ADD COLUMN audio TEXT;"
	"CREATE INDEX audit_at ON audit(at);",

	/* 3 -> 4: emergency pages. A page is one notice per target zone
	 * (class emergency, or county for a CAP alert that is neither
	 * urgent nor severe) tied together by page_id; the CAP triple
	 * (sender, identifier, sent) is unique, so a re-sent alert is not
	 * aired twice and Update/Cancel find what they refer to. A broadcast
	 * may cover only part of its notice's zone: the part a higher item
	 * took away, re-aired afterwards there alone. */
	"CREATE TABLE pages ("
	"  id INTEGER PRIMARY KEY,"
	"  created_at INTEGER NOT NULL,"
	"  created_by INTEGER REFERENCES users(id),"
	"  source TEXT NOT NULL,"
	"  body TEXT NOT NULL CHECK (length(body) > 0"
	"    AND length(CAST(body AS BLOB)) <= 32768),"
	"  zones TEXT NOT NULL,"
	"  repeat INTEGER NOT NULL CHECK (repeat BETWEEN 1 AND 10),"
	"  volume INTEGER NOT NULL CHECK (volume BETWEEN 0 AND 100),"
	"  expires_at INTEGER NOT NULL,"
	"  state TEXT NOT NULL CHECK (state IN ('active', 'ended', 'cancelled',"
	"    'expired', 'logged')),"
	"  ended_at INTEGER,"
	"  reason TEXT,"
	"  cap_sender TEXT, cap_identifier TEXT, cap_sent TEXT,"
	"  cap_status TEXT, cap_msgtype TEXT,"
	"  UNIQUE (cap_sender, cap_identifier, cap_sent));"
	"ALTER TABLE notices ADD COLUMN page_id INTEGER REFERENCES pages(id);"
	"ALTER TABLE broadcasts ADD COLUMN zone TEXT;"
	"CREATE INDEX notices_page ON notices(page_id) WHERE page_id IS NOT NULL;",

	/* 4 -> 5: enrolment tokens in the store, so a printed enrolment
	 * command survives a restart of dalabad. Only their hash is kept;
	 * each expires, works once, and a newer one for the same speaker
	 * revokes it. */
	"CREATE TABLE enroll_tokens ("
	"  token_hash TEXT PRIMARY KEY CHECK (length(token_hash) = 64),"
	"  speaker_id INTEGER NOT NULL REFERENCES speakers(id),"
	"  created_by INTEGER REFERENCES users(id),"
	"  created_at INTEGER NOT NULL,"
	"  expires_at INTEGER NOT NULL,"
	"  used_at INTEGER,"
	"  revoked_at INTEGER);"
	"CREATE INDEX enroll_tokens_speaker ON enroll_tokens(speaker_id);"
	/* The zone an audit entry is about, so each reader sees their own
	 * area's entries ("" for what is about no zone: the machine's). */
	"ALTER TABLE audit ADD COLUMN zone TEXT NOT NULL DEFAULT '';",

	/* 5 -> 6: the today page asks for the broadcasts since midnight on
	 * every load; without this it scans them all (9 ms at 200,000, two
	 * years of a county, on the main loop; 0.2 ms with it). */
	"CREATE INDEX broadcasts_slot ON broadcasts(slot_at);",

	/* 6 -> 7: store and forward. Each item carried to the boxes ahead
	 * of its slot (its stream's SSRC), so a box's report of airing it
	 * from its copy, which may come days later, finds its broadcast, and
	 * a cancel after a restart still revokes it; which confirmations came
	 * from a box's copy. */
	"CREATE TABLE carries ("
	"  ssrc INTEGER PRIMARY KEY,"
	"  schedule_id INTEGER NOT NULL,"
	"  notice_id INTEGER NOT NULL,"
	"  slot_at INTEGER NOT NULL,"
	"  zone TEXT NOT NULL,"
	"  end_pts INTEGER NOT NULL,"
	"  content INTEGER NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  revoked_at INTEGER);"
	"ALTER TABLE broadcast_speakers ADD COLUMN from_copy INTEGER NOT NULL"
	"  DEFAULT 0;"
	/* and a zone's own volume for routine items sent to it whose
	 * schedule leaves it (NULL: the boxes' own). */
	"ALTER TABLE zones ADD COLUMN volume INTEGER"
	"  CHECK (volume IS NULL OR volume BETWEEN 0 AND 100);",

	/* 7 -> 8: one notice to several zones, and the urgent cut-in. A
	 * notice's zone is the smallest one holding all its targets (whose
	 * class and rights it has); notice_zones lists the targets when
	 * there are several. Each target airs as its own broadcast, one log
	 * per zone, so a slot is claimed once per (notice, slot, zone): the
	 * table is rebuilt without UNIQUE (notice_id, slot_at), which said
	 * once per notice (migrate() turns foreign keys off around it and
	 * checks them before it commits). A schedule may be urgent: it airs
	 * above routine items of every class, below the county's pages. */
	"CREATE TABLE notice_zones ("
	"  notice_id INTEGER NOT NULL REFERENCES notices(id),"
	"  zone TEXT NOT NULL REFERENCES zones(code),"
	"  PRIMARY KEY (notice_id, zone)) WITHOUT ROWID;"
	"ALTER TABLE schedules ADD COLUMN urgent INTEGER NOT NULL DEFAULT 0"
	"  CHECK (urgent IN (0, 1));"
	"CREATE TABLE broadcasts_v8 ("
	"  id INTEGER PRIMARY KEY,"
	"  notice_id INTEGER NOT NULL REFERENCES notices(id),"
	"  slot_at INTEGER NOT NULL,"
	"  started_at INTEGER, ended_at INTEGER,"
	"  outcome TEXT CHECK (outcome IS NULL OR outcome IN"
	"    ('aired', 'interrupted', 'missed', 'cancelled')),"
	"  reason TEXT,"
	"  schedule_id INTEGER REFERENCES schedules(id),"
	"  volume INTEGER,"
	"  on_air_at INTEGER,"
	"  interruptions INTEGER NOT NULL DEFAULT 0,"
	"  audio TEXT,"
	"  zone TEXT);"
	"INSERT INTO broadcasts_v8 (id, notice_id, slot_at, started_at, "
	"  ended_at, outcome, reason, schedule_id, volume, on_air_at, "
	"  interruptions, audio, zone) SELECT id, notice_id, slot_at, "
	"  started_at, ended_at, outcome, reason, schedule_id, volume, "
	"  on_air_at, interruptions, audio, zone FROM broadcasts;"
	"DROP TABLE broadcasts;"
	"ALTER TABLE broadcasts_v8 RENAME TO broadcasts;"
	"CREATE UNIQUE INDEX broadcasts_claim ON broadcasts(notice_id, "
	"  slot_at, COALESCE(zone, ''));"
	"CREATE INDEX broadcasts_open ON broadcasts(id) WHERE outcome IS NULL;"
	"CREATE INDEX broadcasts_slot ON broadcasts(slot_at);",

	/* 8 -> 9: a loudspeaker's own volume, set on its page (NULL: the one in the
	 * box's configuration), and its health history, one row per change
	 * dalabad saw in its heartbeats (online or not, restarted, audio or
	 * amplifier errors, loss, a test tone), written on change in
	 * batches, pruned by age and by count (store_health.c). */
	"ALTER TABLE speakers ADD COLUMN volume INTEGER"
	"  CHECK (volume IS NULL OR volume BETWEEN 0 AND 100);"
	"CREATE TABLE speaker_events ("
	"  id INTEGER PRIMARY KEY,"
	"  speaker_id INTEGER NOT NULL,"
	"  at INTEGER NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  value INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX speaker_events_speaker ON speaker_events(speaker_id, id);"
	/* (pruning by age walks this, not the table: an hour's prune of a
	 * county's million rows must not hold the main loop) */
	"CREATE INDEX speaker_events_at ON speaker_events(at);",

	/* 9 -> 10: voice notices and listening again. A recording a cadre
	 * brought (archived as STATE_DIR/recordings/KEY.ogg): in whose zone,
	 * by whom, how long. A notice may be heard from one instead of read
	 * and then needs no text, so the table is rebuilt (body's CHECK
	 * changes; migrate() turns foreign keys off around it). A notice is
	 * public (its village's listen-again page and podcast) unless the
	 * cadre says not; pages are not. */
	"CREATE TABLE recordings ("
	"  key TEXT PRIMARY KEY CHECK (length(key) = 32"
	"    AND key NOT GLOB '*[^0-9a-f]*'),"
	"  zone TEXT NOT NULL REFERENCES zones(code),"
	"  created_by INTEGER REFERENCES users(id),"
	"  created_at INTEGER NOT NULL,"
	"  ms INTEGER NOT NULL CHECK (ms > 0),"
	"  bytes INTEGER NOT NULL,"
	"  format TEXT NOT NULL,"
	"  codec TEXT NOT NULL);"
	"CREATE TABLE notices_v10 ("
	"  id INTEGER PRIMARY KEY,"
	"  title TEXT CHECK (title IS NULL OR length(CAST(title AS BLOB)) <= 1024),"
	"  body TEXT NOT NULL DEFAULT '' CHECK (length(CAST(body AS BLOB))"
	"    <= 32768),"
	"  voice TEXT NOT NULL DEFAULT 'mandarin',"
	"  repeat INTEGER NOT NULL DEFAULT 1 CHECK (repeat BETWEEN 1 AND 10),"
	"  chime INTEGER NOT NULL DEFAULT 1 CHECK (chime IN (0, 1)),"
	"  priority INTEGER NOT NULL CHECK (priority BETWEEN 0 AND 3),"
	"  zone TEXT NOT NULL REFERENCES zones(code),"
	"  created_by INTEGER REFERENCES users(id),"
	"  created_at INTEGER NOT NULL,"
	"  cancelled_at INTEGER,"
	"  rate INTEGER NOT NULL DEFAULT 150 CHECK (rate BETWEEN 80 AND 450),"
	"  feed TEXT CHECK (feed IS NULL OR length(CAST(feed AS BLOB))"
	"    BETWEEN 1 AND 1024),"
	"  feed_items INTEGER NOT NULL DEFAULT 3 CHECK (feed_items BETWEEN 1"
	"    AND 20),"
	"  page_id INTEGER REFERENCES pages(id),"
	"  recording TEXT REFERENCES recordings(key),"
	"  public INTEGER NOT NULL DEFAULT 1 CHECK (public IN (0, 1)),"
	"  CHECK (recording IS NOT NULL OR length(body) > 0));"
	"INSERT INTO notices_v10 (id, title, body, voice, repeat, chime, "
	"  priority, zone, created_by, created_at, cancelled_at, rate, feed, "
	"  feed_items, page_id, public) SELECT id, title, body, voice, repeat, "
	"  chime, priority, zone, created_by, created_at, cancelled_at, rate, "
	"  feed, feed_items, page_id, page_id IS NULL FROM notices;"
	"DROP TABLE notices;"
	"ALTER TABLE notices_v10 RENAME TO notices;"
	"CREATE INDEX notices_zone ON notices(zone);"
	"CREATE INDEX notices_page ON notices(page_id) WHERE page_id IS NOT NULL;"
	"CREATE INDEX notices_recording ON notices(recording)"
	"  WHERE recording IS NOT NULL;",
	/* 10 -> 11: a province's pages as each county below took them
	 * (web-admin/fed.c): the alert sent, where delivery stands, the
	 * county's page and its coverage as last reported. */
	"CREATE TABLE federated ("
	"  page_id INTEGER NOT NULL REFERENCES pages(id),"
	"  county TEXT NOT NULL CHECK (length(county) = 6"
	"    AND county NOT GLOB '*[^0-9]*'),"
	"  zones TEXT NOT NULL,"
	"  identifier TEXT NOT NULL,"
	"  sent TEXT NOT NULL,"
	"  cap TEXT NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'sending',"
	"  remote_page INTEGER,"
	"  tries INTEGER NOT NULL DEFAULT 0,"
	"  error TEXT,"
	"  targets INTEGER NOT NULL DEFAULT 0,"
	"  confirmed INTEGER NOT NULL DEFAULT 0,"
	"  playing INTEGER NOT NULL DEFAULT 0,"
	"  on_air INTEGER NOT NULL DEFAULT 0,"
	"  done INTEGER NOT NULL DEFAULT 0,"
	"  updated_at INTEGER NOT NULL,"
	"  PRIMARY KEY (page_id, county));"
	"CREATE INDEX federated_open ON federated(done) WHERE done = 0;",
};

static int
exec(struct db *db, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;

	if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "%s", msg ? msg : sqlite3_errmsg(db->h));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int
db_int(struct db *db, const char *sql, const struct db_arg *args, int nargs)
{
	sqlite3_stmt *st = db_prepare(db, NULL, 0, sql, args, nargs);
	int v = -1;

	if (st != NULL && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

int
db_schema_version(struct db *db)
{
	sqlite3_stmt *st;
	int v = -1;

	if (sqlite3_prepare_v2(db->h, "PRAGMA user_version", -1, &st, NULL) ==
	    SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* 0 if no row breaks a foreign key; else -1 naming the first. */
static int
fk_check(struct db *db, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db->h, "PRAGMA foreign_key_check", -1, &st,
	    NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(db->h));
		return -1;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(err, errlen, "row %lld of %s refers to a missing row of "
		    "%s", (long long)sqlite3_column_int64(st, 1),
		    (const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 2));
	else if (rc != SQLITE_DONE)
		snprintf(err, errlen, "%s", sqlite3_errmsg(db->h));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
migrate(struct db *db, char *err, size_t errlen)
{
	int v = db_schema_version(db);
	int target = (int)(sizeof(migrations) / sizeof(migrations[0]));
	char sql[64], e2[256];

	if (v < 0) {
		snprintf(err, errlen, "cannot read the schema version");
		return -1;
	}
	if (v > target) {
		snprintf(err, errlen, "the database has schema version %d, newer "
		    "than this dalabad (%d); refusing to touch it", v, target);
		return -1;
	}
	/* A migration may rebuild a table others refer to (SQLite's way of
	 * changing a constraint): foreign keys stay off while it runs, the
	 * pragma being a no-op inside a transaction, and each migration
	 * checks them itself before it commits. */
	if (v < target && exec(db, "PRAGMA foreign_keys = OFF;", e2,
	    sizeof(e2)) != 0) {
		snprintf(err, errlen, "cannot prepare the migration: %s", e2);
		return -1;
	}
	for (; v < target; v++) {
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d;", v + 1);
		if (exec(db, "BEGIN IMMEDIATE;", e2, sizeof(e2)) != 0 ||
		    exec(db, migrations[v], e2, sizeof(e2)) != 0 ||
		    fk_check(db, e2, sizeof(e2)) != 0 ||
		    exec(db, sql, e2, sizeof(e2)) != 0 ||
		    exec(db, "COMMIT;", e2, sizeof(e2)) != 0) {
			exec(db, "ROLLBACK;", sql, sizeof(sql));
			exec(db, "PRAGMA foreign_keys = ON;", sql, sizeof(sql));
			snprintf(err, errlen, "migration to version %d failed: %s",
			    v + 1, e2);
			return -1;
		}
	}
	return exec(db, "PRAGMA foreign_keys = ON;", err, errlen);
}

static void
zone_in_sql(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	const unsigned char *o = sqlite3_value_text(argv[0]);
	const unsigned char *in = sqlite3_value_text(argv[1]);

	(void)argc;
	sqlite3_result_int(cx, o && in && dalabad_zone_inside((const char *)o,
	    (const char *)in));
}

struct db *
db_open(const char *path, char *err, size_t errlen)
{
	struct db *db = calloc(1, sizeof(*db));

	if (db == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, db->h ?
		    sqlite3_errmsg(db->h) : "cannot open");
		goto fail;
	}
	sqlite3_busy_timeout(db->h, 5000);
	/* zone_in(outer, inner): dalabad_zone_inside, for the listings. */
	if (sqlite3_create_function_v2(db->h, "zone_in", 2, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC, NULL, zone_in_sql, NULL, NULL, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db->h));
		goto fail;
	}
	/* WAL for readers beside the writer; FULL so an acknowledged write
	 * survives a power cut, not only a crash. */
	if (exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
	    "PRAGMA foreign_keys = ON;", err, errlen) != 0 ||
	    migrate(db, err, errlen) != 0)
		goto fail;
	return db;
fail:
	db_close(db);
	return NULL;
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	sqlite3_close_v2(db->h);
	free(db->counts);
	free(db);
}

int
db_check(struct db *db, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc = -1;

	if (sqlite3_prepare_v2(db->h, "PRAGMA quick_check", -1, &st, NULL) ==
	    SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
		const char *r = (const char *)sqlite3_column_text(st, 0);
		if (r && strcmp(r, "ok") == 0)
			rc = 0;
		else
			snprintf(err, errlen, "quick check: %s", r ? r : "?");
	}
	sqlite3_finalize(st);
	return rc;
}

sqlite3_stmt *
db_prepare(struct db *db, char *err, size_t errlen, const char *sql,
    const struct db_arg *args, int nargs)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK) {
		if (err)
			snprintf(err, errlen, "%s", sqlite3_errmsg(db->h));
		return NULL;
	}
	if (sqlite3_bind_parameter_count(st) != nargs) {
		/* A programming error: caught by the first test of the query. */
		if (err)
			snprintf(err, errlen, "internal: %d values for the %d "
			    "parameters of \"%.60s\"", nargs,
			    sqlite3_bind_parameter_count(st), sql);
		sqlite3_finalize(st);
		return NULL;
	}
	for (int i = 0; i < nargs; i++) {
		switch (args[i].kind) {
		case DB_ARG_NULL:
			sqlite3_bind_null(st, i + 1);
			break;
		case DB_ARG_INT:
			sqlite3_bind_int64(st, i + 1, args[i].i);
			break;
		case DB_ARG_TEXT:
			sqlite3_bind_text(st, i + 1, args[i].t, -1,
			    SQLITE_TRANSIENT);
			break;
		}
	}
	return st;
}

int
db_run(struct db *db, char *err, size_t errlen, const char *sql,
    const struct db_arg *args, int nargs)
{
	sqlite3_stmt *st = db_prepare(db, err, errlen, sql, args, nargs);
	int rc;

	if (st == NULL)
		return SQLITE_MISUSE;
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		snprintf(err, errlen, "%s", sqlite3_errmsg(db->h));
	sqlite3_finalize(st);
	return rc;
}

int
db_audit(struct db *db, int64_t user_id, const char *source, const char *zone,
    const char *action, const char *detail)
{
	char err[128];

	return db_run(db, err, sizeof(err), "INSERT INTO audit (at, user_id, "
	    "source, zone, action, detail) VALUES (?, NULLIF(?, 0), ?, ?, ?, ?)",
	    DB_ARGS((int64_t)time(NULL), user_id, source, zone ? zone : "",
	    action, detail)) == SQLITE_DONE ? 0 : -1;
}

int
db_begin(struct db *db)
{
	return sqlite3_exec(db->h, "BEGIN IMMEDIATE", NULL, NULL, NULL) ==
	    SQLITE_OK ? 0 : -1;
}

int
db_commit(struct db *db)
{
	if (sqlite3_exec(db->h, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	db_rollback(db);
	return -1;
}

void
db_rollback(struct db *db)
{
	sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

int
db_slot_claim(struct db *db, int64_t notice_id, int64_t schedule_id,
    int64_t slot_at, int volume, const char *zone, int64_t *broadcast_id,
    char *err, size_t errlen)
{
	int rc = db_run(db, err, errlen, "INSERT OR IGNORE INTO broadcasts "
	    "(notice_id, schedule_id, slot_at, volume, started_at, zone) "
	    "VALUES (?, NULLIF(?, 0), ?, NULLIF(?, -1), ?, ?)", DB_ARGS(
	    notice_id, schedule_id, slot_at, (int64_t)volume,
	    (int64_t)time(NULL), zone));
	if (rc != SQLITE_DONE)
		return -1;
	if (sqlite3_changes(db->h) == 0)
		return 0;
	*broadcast_id = sqlite3_last_insert_rowid(db->h);
	return 1;
}

int
db_slot_finish(struct db *db, int64_t broadcast_id, const char *outcome,
    const char *reason, char *err, size_t errlen)
{
	if (db_run(db, err, errlen, "UPDATE broadcasts SET ended_at = ?, "
	    "outcome = ?, reason = ? WHERE id = ?", DB_ARGS((int64_t)time(NULL),
	    outcome, reason, broadcast_id)) != SQLITE_DONE)
		return -1;
	if (sqlite3_changes(db->h) == 0) {
		snprintf(err, errlen, "no broadcast %lld", (long long)broadcast_id);
		return -1;
	}
	return 0;
}
