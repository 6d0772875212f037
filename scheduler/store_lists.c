/*
 * store_lists.c — the listings the JSON API shows (notices, schedules,
 * broadcasts, users, zones, speakers, the audit log), by name. Their SQL
 * lives here with the rest of the store's, so web-admin/ never sees a
 * statement or the database handle; zone visibility is written once, as
 * SQL conditions, below.
 */
#include <assert.h>
#include <sqlite3.h>
#include <stdio.h>

#include "scheduler/store.h"
#include "scheduler/store_int.h"

/* "The zone column COL is visible to ?N" (a prefix either way: a village
 * sees its township's notices, a township its villages') and "COL lies
 * inside ?N". */
#define SEES(col, n) "(zone_in(?" #n ", " col ") OR zone_in(" col ", ?" #n "))"
#define WITHIN(col, n) "zone_in(?" #n ", " col ")"

/* A notice's targets when it has several, "code,code", else NULL. */
#define ZONES(id) "(SELECT group_concat(zone, ',') FROM (SELECT zone FROM " \
    "notice_zones z WHERE z.notice_id = " id " ORDER BY zone)) AS zones"
/* The zone a broadcast aired in: its own (one of several targets, or
 * the part a higher item took away), else its notice's. */
#define BZONE "COALESCE(b.zone, n.zone)"

/* What a notice is called in lists: its title, else the start of its
 * text, else (a voice notice with neither) what it is. */
#define SHOWN_TITLE(n) "COALESCE(" n ".title, NULLIF(substr(" n ".body, 1, " \
    "40), ''), '录音通知')"
/* Listening again: what anyone may hear of a notice, and "zone COL holds
 * village ?N" (is it or a prefix of it). */
#define PUBLIC(n) n ".public = 1 AND " n ".page_id IS NULL AND " n \
    ".cancelled_at IS NULL AND " n ".priority < 3"
#define HOLDS(col, n) "zone_in(" col ", ?" #n ")"

#define NOTICE_COLS "SELECT id, title, body, voice, rate, " \
    "repeat, chime, CASE priority WHEN 0 THEN 'village' WHEN 1 THEN " \
    "'township' WHEN 2 THEN 'county' ELSE 'emergency' END AS class, zone, " \
    "feed, feed_items, created_at, cancelled_at, page_id AS page, " \
    "recording, (SELECT ms FROM recordings WHERE key = recording) AS " \
    "recording_ms, public = 0 AS private, " ZONES("notices.id") \
    " FROM notices "
#define SCHEDULE_COLS "SELECT s.id, s.notice_id AS notice, " \
    "s.kind, s.once_at, s.times, s.weekdays, s.every_weeks, s.date_from, " \
    "s.date_to, s.volume, s.urgent, s.created_at, s.removed_at, " \
    SHOWN_TITLE("n") " AS title, " \
    "n.recording IS NOT NULL AS voice, n.zone " \
    "FROM schedules s JOIN notices n ON n.id = s.notice_id "

static const char *const list_sql[] = {
	[DB_LIST_NOTICE_ZONE] = "SELECT zone, COALESCE(page_id, 0) AS "
	    "page FROM notices WHERE id = ?",
	[DB_LIST_TIMETABLE_NOTICES] = "SELECT id, " SHOWN_TITLE("notices")
	    " AS title, zone, CASE priority WHEN 0 THEN "
	    "'village' WHEN 1 THEN 'township' ELSE 'county' END AS class FROM "
	    "notices WHERE cancelled_at IS NULL AND " SEES("zone", 1)
	    " AND " SEES("zone", 2),
	[DB_LIST_BROADCAST_AUDIO] = "SELECT b.audio, n.zone FROM "
	    "broadcasts b JOIN notices n ON n.id = b.notice_id WHERE b.id = ?",
	[DB_LIST_LEXICON_WORD] = "SELECT 1 FROM lexicon WHERE word = ?",
	[DB_LIST_LEXICON] = "SELECT word, pinyin, updated_at FROM "
	    "lexicon ORDER BY word",
	[DB_LIST_NOTICE_CANCELLED] = "SELECT cancelled_at IS NOT NULL AS c "
	    "FROM notices WHERE id = ?",
	[DB_LIST_NOTICE_BROADCASTS] = "SELECT b.id, b.zone, b.slot_at, b.started_at, "
	    "b.on_air_at, b.ended_at, b.outcome, b.reason, b.interruptions, "
	    "(SELECT count(*) FROM broadcast_speakers x WHERE x.broadcast_id = "
	    "b.id) AS targets, (SELECT count(*) FROM broadcast_speakers x "
	    "WHERE x.broadcast_id = b.id AND x.confirmed) AS confirmed FROM "
	    "broadcasts b WHERE b.notice_id = ? ORDER BY b.slot_at, b.id",
	[DB_LIST_NOTICES] = "SELECT * FROM (SELECT id, title, "
	    "substr(body, 1, 80) AS body, CASE priority WHEN 0 THEN 'village' "
	    "WHEN 1 THEN 'township' WHEN 2 THEN 'county' ELSE 'emergency' END "
	    "AS class, zone, repeat, created_at, cancelled_at, page_id AS page, "
	    "recording IS NOT NULL AS voice, public = 0 AS private, "
	    ZONES("notices.id") " FROM notices WHERE zone_in(?1, zone) AND "
	    SEES("zone", 2) " ORDER BY id DESC LIMIT 500)",
	[DB_LIST_AUDIT] = "SELECT a.id, a.at, a.user_id, u.name "
	    "AS user, a.source, a.zone, a.action, a.detail FROM audit a LEFT "
	    "JOIN users u ON u.id = a.user_id WHERE (?1 <= 0 OR a.id < ?1) AND "
	    "(?2 = '' OR (a.zone != '' AND " WITHIN("a.zone", 2) ")) ORDER "
	    "BY a.id DESC LIMIT 200",
	[DB_LIST_USERS] = "SELECT id, name, role, zone, "
	    "created_at, disabled_at FROM users WHERE " WITHIN("zone", 1)
	    " ORDER BY zone, name",
	[DB_LIST_BROADCASTS] = "SELECT b.id, b.notice_id AS notice, "
	    BZONE " AS zone, b.slot_at, b.on_air_at, b.ended_at, b.outcome, b.reason, "
	    "b.interruptions, (SELECT count(*) FROM broadcast_speakers x WHERE "
	    "x.broadcast_id = b.id) AS targets, (SELECT count(*) FROM "
	    "broadcast_speakers x WHERE x.broadcast_id = b.id AND x.confirmed) "
	    "AS confirmed, b.audio IS NOT NULL AS has_audio, "
	    SHOWN_TITLE("n") " AS title FROM broadcasts b JOIN notices n "
	    "ON n.id = b.notice_id WHERE (?1 = 0 OR b.notice_id = ?1) AND "
	    SEES(BZONE, 2) " ORDER BY b.id DESC LIMIT 500",
	/* The today page: what was due from ?1 on where ?2 sees it, oldest
	 * first (bounded: a county's day is a few hundred). */
	[DB_LIST_BROADCASTS_SINCE] = "SELECT b.id, b.notice_id AS notice, "
	    BZONE " AS zone, b.slot_at, b.on_air_at, b.ended_at, b.outcome, b.reason, "
	    "b.interruptions, (SELECT count(*) FROM broadcast_speakers x WHERE "
	    "x.broadcast_id = b.id) AS targets, (SELECT count(*) FROM "
	    "broadcast_speakers x WHERE x.broadcast_id = b.id AND x.confirmed) "
	    "AS confirmed, b.audio IS NOT NULL AS has_audio, "
	    SHOWN_TITLE("n") " AS title, CASE WHEN n.priority < 3 AND "
	    "(SELECT urgent FROM schedules s WHERE s.id = b.schedule_id) THEN "
	    "'urgent' WHEN n.priority = 0 THEN 'village' WHEN n.priority = 1 "
	    "THEN 'township' WHEN n.priority = 2 THEN 'county' ELSE "
	    "'emergency' END AS class FROM broadcasts b JOIN notices n ON n.id = "
	    "b.notice_id WHERE b.slot_at >= ?1 AND " SEES(BZONE, 2)
	    " ORDER BY b.slot_at, b.id LIMIT 200",
	/* Loudspeakers inside ?2 that were sent something that aired from
	 * ?1 on and never confirmed playing it: the horn that stayed
	 * silent, whether or not it is online now. */
	[DB_LIST_SPEAKERS_SILENT] = "SELECT s.id, s.name, s.zone, count(*) AS "
	    "missed, max(b.slot_at) AS last_at FROM broadcasts b JOIN "
	    "broadcast_speakers x ON x.broadcast_id = b.id JOIN speakers s ON "
	    "s.id = x.speaker_id WHERE b.slot_at >= ?1 AND b.outcome IN "
	    "('aired', 'interrupted') AND x.confirmed = 0 AND " WITHIN("s.zone", 2)
	    " GROUP BY s.id ORDER BY s.zone, s.id LIMIT 50",
	[DB_LIST_SPEAKER_ZONE] = "SELECT zone FROM speakers WHERE id = "
	    "? AND " WITHIN("zone", 2),
	[DB_LIST_SPEAKER_FREE_ID] = "SELECT 1 AS next WHERE NOT EXISTS "
	    "(SELECT 1 FROM speakers WHERE id = 1) UNION ALL SELECT s.id + "
	    "1 FROM speakers s WHERE s.id < ?1 AND NOT EXISTS (SELECT 1 "
	    "FROM speakers t WHERE t.id = s.id + 1) ORDER BY 1 LIMIT 1",
	[DB_LIST_SPEAKERS] = "SELECT id, zone, name, key_hex IS NOT "
	    "NULL AS enrolled, created_at FROM speakers WHERE "
	    WITHIN("zone", 1) " AND " WITHIN("zone", 2) " AND id > ?3 "
	    "ORDER BY id LIMIT ?4 OFFSET ?5",
	[DB_LIST_ZONE] = "SELECT code, name, quiet_start, "
	    "quiet_end, drills, volume FROM zones WHERE code = ?",
	[DB_LIST_ZONES] = "SELECT code, name, quiet_start, "
	    "quiet_end, volume FROM zones WHERE " SEES("code", 1) " ORDER BY code",
	[DB_LIST_SCHEDULE_ZONE] = "SELECT n.zone FROM schedules s JOIN "
	    "notices n ON n.id = s.notice_id WHERE s.id = ?",
	/* instr, not LIKE: what a cadre types is matched as it is, '%' and
	 * '_' included. The counts use the (notice_id, slot_at) index. */
	[DB_LIST_NOTICES_FIND] = "SELECT n.id, n.title, substr(n.body, 1, 80) "
	    "AS body, CASE n.priority WHEN 0 THEN 'village' WHEN 1 THEN "
	    "'township' WHEN 2 THEN 'county' ELSE 'emergency' END AS class, "
	    "n.zone, n.repeat, n.created_at, n.cancelled_at, n.page_id AS page, "
	    ZONES("n.id") ", "
	    "(SELECT count(*) FROM broadcasts b WHERE b.notice_id = n.id AND "
	    "b.outcome IN ('aired', 'interrupted')) AS aired, (SELECT "
	    "max(COALESCE(b.on_air_at, b.slot_at)) FROM broadcasts b WHERE "
	    "b.notice_id = n.id AND b.outcome IN ('aired', 'interrupted')) AS "
	    "last_aired, (SELECT count(*) FROM broadcasts b WHERE b.notice_id = "
	    "n.id AND b.outcome IS NULL) AS airing FROM notices n WHERE "
	    WITHIN("n.zone", 1) " AND " SEES("n.zone", 2) " AND (?3 = '' OR instr(COALESCE(n.title, '') || "
	    "char(10) || n.body, ?3) > 0) AND (?4 < 0 OR (n.cancelled_at IS NOT "
	    "NULL) = ?4) ORDER BY n.id DESC LIMIT ?5",
	[DB_LIST_BROADCASTS_FIND] = "SELECT b.id, b.notice_id AS notice, "
	    BZONE " AS zone, b.slot_at, b.on_air_at, b.ended_at, b.outcome, b.reason, "
	    "b.interruptions, (SELECT count(*) FROM broadcast_speakers x WHERE "
	    "x.broadcast_id = b.id) AS targets, (SELECT count(*) FROM "
	    "broadcast_speakers x WHERE x.broadcast_id = b.id AND x.confirmed) "
	    "AS confirmed, b.audio IS NOT NULL AS has_audio, "
	    SHOWN_TITLE("n") " AS title FROM broadcasts b JOIN notices n "
	    "ON n.id = b.notice_id WHERE " SEES(BZONE, 1) " AND "
	    WITHIN(BZONE, 2) " AND (?3 = 0 OR b.slot_at >= ?3) AND (?4 = 0 "
	    "OR b.slot_at < ?4) AND (?5 = '' OR (?5 = 'pending' AND b.outcome "
	    "IS NULL) OR b.outcome = ?5) AND (?6 = '' OR instr(COALESCE(n.title, "
	    "'') || char(10) || n.body, ?6) > 0) ORDER BY b.id DESC LIMIT ?7",
	/* The last airing of each (SQLite takes the bare columns from the
	 * row max() chose). slot_at, not on_air_at, bounds it: the index. */
	[DB_LIST_PUBLIC_AIRED] = "SELECT n.id, n.title, n.body, b.audio, "
	    "max(COALESCE(b.on_air_at, b.slot_at)) AS aired_at FROM broadcasts "
	    "b JOIN notices n ON n.id = b.notice_id WHERE b.slot_at >= ?2 AND "
	    "b.outcome IN ('aired', 'interrupted') AND b.audio IS NOT NULL AND "
	    HOLDS(BZONE, 1) " AND " PUBLIC("n") " GROUP BY n.id ORDER BY "
	    "aired_at DESC, n.id DESC LIMIT ?3",
	[DB_LIST_PUBLIC_NOTICE] = "SELECT n.id, n.title, b.audio, "
	    "max(COALESCE(b.on_air_at, b.slot_at)) AS aired_at FROM broadcasts "
	    "b JOIN notices n ON n.id = b.notice_id WHERE n.id = ?2 AND "
	    "b.outcome IN ('aired', 'interrupted') AND b.audio IS NOT NULL AND "
	    HOLDS(BZONE, 1) " AND " PUBLIC("n") " GROUP BY n.id",
	[DB_LIST_PUBLIC_SCHEDULES] = "SELECT s.id, n.id AS notice, "
	    SHOWN_TITLE("n") " AS title FROM schedules s "
	    "JOIN notices n ON n.id = s.notice_id WHERE s.removed_at IS NULL AND "
	    PUBLIC("n") " AND " HOLDS("n.zone", 1) " AND (NOT EXISTS (SELECT 1 "
	    "FROM notice_zones z WHERE z.notice_id = n.id) OR EXISTS (SELECT 1 "
	    "FROM notice_zones z WHERE z.notice_id = n.id AND " HOLDS("z.zone", 1)
	    ")) ORDER BY s.id LIMIT 500",
	[DB_LIST_NOTICE] = NOTICE_COLS "WHERE id = ?",
	[DB_LIST_NOTICE_SCHEDULES] = SCHEDULE_COLS "WHERE s.notice_id = ? "
	    "ORDER BY s.id",
	[DB_LIST_SCHEDULES] = SCHEDULE_COLS "WHERE s.removed_at IS NULL AND "
	    "n.cancelled_at IS NULL AND " SEES("n.zone", 1) " ORDER BY s.id",
};

const char *
db_list_sql(enum db_list which)
{
	if (which < 0 || (size_t)which >= sizeof(list_sql) / sizeof(list_sql[0]))
		return NULL;
	return list_sql[which];
}

int
db_list(struct db *db, enum db_list which, const struct db_arg *args,
    int nargs, const struct db_list_fn *fn, void *arg, char *err,
    size_t errlen)
{
	const char *sql = db_list_sql(which);
	sqlite3_stmt *st;
	int rc;

	assert(db != NULL && fn != NULL && fn->row != NULL && fn->cell != NULL);

	if (sql == NULL) {
		snprintf(err, errlen, "no listing %d", (int)which);
		return -1;
	}
	if ((st = db_prepare(db, err, errlen, sql, args, nargs)) ==
	    NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		fn->row(arg);
		for (int c = 0; c < sqlite3_column_count(st); c++) {
			struct db_cell cell = { .name = sqlite3_column_name(st, c) };
			switch (sqlite3_column_type(st, c)) {
			case SQLITE_INTEGER:
				cell.type = DB_CELL_INT;
				cell.i = sqlite3_column_int64(st, c);
				break;
			case SQLITE_FLOAT:
				cell.type = DB_CELL_REAL;
				cell.real = sqlite3_column_double(st, c);
				break;
			case SQLITE_NULL:
				cell.type = DB_CELL_NULL;
				break;
			default:
				cell.type = DB_CELL_TEXT;
				cell.text = (const char *)sqlite3_column_text(st, c);
			}
			fn->cell(arg, &cell);
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "listing %d: %s", (int)which,
		    sqlite3_errstr(rc));
		return -1;
	}
	return 0;
}
