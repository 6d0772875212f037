/*
 * test_store.c — dalabad's SQLite store: migrations (and refusing a newer
 * schema, and rolling back a failed one), WAL and FULL sync, zones by
 * prefix, notices, and the schema refusing bad rows so that a refused
 * write changes nothing; the audit log cannot be rewritten.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "broadcaster/broadcaster.h"
#include "scheduler/store.h"
#include "scheduler/store_int.h"
#include "tests/unit/harness.h"
#include "tts/tts.h"

static char dir[] = "/tmp/dalaba-store-XXXXXX";

/* The one integer the statement "prefix name" yields (-1 if none). */
static int64_t
scalar(struct db *db, const char *prefix, const char *name)
{
	char sql[128];
	sqlite3_stmt *st;
	int64_t v = -1;

	snprintf(sql, sizeof(sql), "%s%s", prefix, name);
	if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

#define count(db, table) scalar((db), "SELECT count(*) FROM ", (table))
#define pragma(db, name) scalar((db), "PRAGMA ", (name))

static int nzones;

static void
count_zone(void *arg)
{
	(void)arg;
	nzones++;
}

static void
skip_cell(void *arg, const struct db_cell *c)
{
	(void)arg;
	(void)c;
}

static int64_t seen_sched_id;
static struct tt_rule seen_rule;
static int nsched;

static void
collect(const struct db_schedule *s, void *arg)
{
	(void)arg;
	nsched++;
	seen_sched_id = s->id;
	seen_rule = s->rule;
}

static int nspk;
static char spk_key[80];

static void
collect_spk(uint32_t id, const char *zone, const char *name,
    const char *key_hex, void *arg)
{
	(void)zone;
	(void)name;
	(void)arg;
	nspk++;
	if (id == 42)
		snprintf(spk_key, sizeof(spk_key), "%s", key_hex ? key_hex : "-");
}

/* Schedules, speakers and quiet hours (schema 2). */
static void
test_air(struct db *db)
{
	char err[256];
	struct db_notice n = { .body = "每天中午的新闻", .repeat = 1, .chime = 1,
	    .priority = 1, .zone = "110101001", .feed = "dir:/srv/news" };
	int64_t nid;
	struct db_schedule s = { .volume = 60 };

	CHECK(db_notice_add(db, &n, &nid, err, sizeof(err)) == 0, "news notice: %s",
	    err);
	s.notice_id = nid;
	s.rule.kind = TT_WEEKLY;
	s.rule.ntimes = tt_parse_times("12:00,18:30", s.rule.times, TT_MAX_TIMES,
	    err, sizeof(err));
	s.rule.weekdays = 0x1f;
	s.rule.every_weeks = 2;
	s.rule.date_from = 20261123;
	s.rule.date_to = 20270131;
	CHECK(db_schedule_add(db, &s, err, sizeof(err)) == 0 && s.id > 0,
	    "a weekly schedule is stored: %s", err);
	CHECK(s.checked_until == s.created_at - 1, "due from the second it was made");
	nsched = 0;
	db_schedule_each(db, collect, NULL);
	CHECK(nsched >= 1 && seen_sched_id == s.id && seen_rule.kind == TT_WEEKLY &&
	    seen_rule.ntimes == 2 && seen_rule.times[1] == 18 * 60 + 30 &&
	    seen_rule.weekdays == 0x1f && seen_rule.every_weeks == 2 &&
	    seen_rule.date_from == 20261123 && seen_rule.date_to == 20270131,
	    "and read back the same");
	struct db_notice back;
	bool cancelled = true;
	CHECK(db_notice_get(db, nid, &back, &cancelled) == 1 && !cancelled &&
	    back.feed && strcmp(back.feed, "dir:/srv/news") == 0 &&
	    back.rate == 150 && back.feed_items == 3, "the notice reads back");
	db_notice_clear(&back);
	CHECK(db_notice_get(db, 99999, &back, NULL) == 0, "an absent notice: 0");
	CHECK(db_schedule_remove(db, s.id, err, sizeof(err)) == 0 &&
	    db_schedule_remove(db, s.id, err, sizeof(err)) == -1,
	    "a schedule is removed once");
	nsched = 0;
	db_schedule_each(db, collect, NULL);
	CHECK(seen_sched_id != s.id || nsched == 0, "a removed schedule is not listed");
	db_notice_cancel(db, nid, err, sizeof(err));
	s.id = 0;
	CHECK(db_schedule_add(db, &s, err, sizeof(err)) == -1 &&
	    strstr(err, "cancelled"), "no schedule for a cancelled notice: %s", err);
	struct db_notice bad = n;
	bad.rate = 1000;
	CHECK(db_notice_add(db, &bad, &nid, err, sizeof(err)) == -1,
	    "rate 1000 refused by the schema");
	bad = n;
	bad.feed = "";
	CHECK(db_notice_add(db, &bad, &nid, err, sizeof(err)) == -1,
	    "an empty feed refused by the schema");

	CHECK(db_speaker_add(db, 42, "110101001001", "东村", err, sizeof(err)) == 0,
	    "a speaker is added: %s", err);
	CHECK(db_speaker_add(db, 43, "110101001", "x", err, sizeof(err)) == -1,
	    "a speaker must be in a village: %s", err);
	CHECK(db_speaker_add(db, 0, "110101001001", "x", err, sizeof(err)) == -1,
	    "speaker id 0 refused");
	CHECK(count(db, "speakers WHERE id = 42") == 1 &&
	    count(db, "speakers WHERE id = 44") == 0, "exists");
	CHECK(db_speaker_set_key(db, 42, "00", err, sizeof(err)) == -1,
	    "a short key refused by the schema");
	char key[65];
	memset(key, 'a', 64);
	key[64] = '\0';
	CHECK(db_speaker_set_key(db, 42, key, err, sizeof(err)) == 0 &&
	    db_speaker_set_key(db, 44, key, err, sizeof(err)) == -1,
	    "keys are set on existing speakers only");
	nspk = 0;
	db_speaker_each(db, collect_spk, NULL);
	CHECK(nspk == 1 && strcmp(spk_key, key) == 0, "listed with its key");

	int qs, qe;
	db_zone_quiet(db, "110101001001", &qs, &qe);
	CHECK(qs == 21 * 60 + 30 && qe == 6 * 60, "default quiet hours 21:30-06:00");
	CHECK(db_zone_set_quiet(db, "110101001001", "22:00", "05:30", err,
	    sizeof(err)) == 0, "quiet hours set");
	db_zone_quiet(db, "110101001001", &qs, &qe);
	CHECK(qs == 22 * 60 && qe == 5 * 60 + 30, "and read back");
	CHECK(db_zone_set_quiet(db, "110101001001", "24:00", "05:30", err,
	    sizeof(err)) == -1, "24:00 refused: %s", err);
	CHECK(db_zone_set_quiet(db, "999999", "22:00", "05:30", err,
	    sizeof(err)) == -1, "no such zone: %s", err);
}

static int nunconf, nlisted;

static void
unconfirmed(const struct db_speaker_row *r, void *arg)
{
	(void)arg;
	CHECK(r->id == 902 && strcmp(r->zone, "110101001002") == 0 &&
	    strcmp(r->name, "乙") == 0 && !r->enrolled,
	    "speaker %u (%s, %s, never enrolled) has not confirmed", r->id,
	    r->name, r->zone);
	nunconf++;
}

static void
listed(const struct db_page *p, void *arg)
{
	(void)p;
	(void)arg;
	nlisted++;
}

/* Schema 4: a page is notices tied by page_id; CAP triples are unique;
 * counts over all its broadcasts; a part re-aired alone. */
static void
test_pages(struct db *db)
{
	char err[256];
	struct db_page p = { .source = "cap", .body = "河水上涨，请转移。",
	    .zones = "110101001001 110101001002", .repeat = 3, .volume = 100,
	    .expires_at = 2000000000, .cap_sender = "qxj", .cap_identifier = "A1",
	    .cap_sent = "2026-11-23T12:00:00+08:00", .cap_status = "Actual",
	    .cap_msgtype = "Alert" }, back;
	int64_t pid, n1, n2, b1, b2, re, dup;
	int targets, confirmed;

	CHECK(db_page_add(db, &p, &pid, err, sizeof(err)) == 0, "a page is "
	    "stored: %s", err);
	CHECK(db_page_add(db, &p, &dup, err, sizeof(err)) == -1 &&
	    strstr(err, "UNIQUE") != NULL, "the same CAP alert twice is refused");
	struct db_notice n = { .body = p.body, .repeat = 3, .chime = 1,
	    .priority = BCAST_PRIO_EMERGENCY, .zone = "110101001001", .page_id = pid };
	db_notice_add(db, &n, &n1, err, sizeof(err));
	n.zone = "110101001002";
	db_notice_add(db, &n, &n2, err, sizeof(err));
	int64_t ids[4];
	CHECK(db_page_notices(db, pid, ids, 4) == 2 && ids[0] == n1 &&
	    ids[1] == n2, "its two notices belong to it");
	struct db_notice nb;
	CHECK(db_notice_get(db, n2, &nb, NULL) == 1 && nb.page_id == pid,
	    "a notice reads back its page");
	db_notice_clear(&nb);
	CHECK(db_page_find_cap(db, "qxj", "A1", p.cap_sent) == pid &&
	    db_page_find_cap(db, "qxj", "A2", p.cap_sent) == 0,
	    "found by its CAP triple, and only by it");
	db_speaker_add(db, 901, "110101001001", "甲", err, sizeof(err));
	db_speaker_add(db, 902, "110101001002", "乙", err, sizeof(err));
	db_slot_claim(db, n1, 0, 1000, 100, NULL, &b1, err, sizeof(err));
	db_slot_claim(db, n2, 0, 1000, 100, NULL, &b2, err, sizeof(err));
	db_broadcast_target(db, b1, 901);
	db_broadcast_target(db, b2, 902);
	db_broadcast_confirm(db, b1, 901, 1001);
	CHECK(db_page_counts(db, pid, &targets, &confirmed) == 0 &&
	    targets == 2 && confirmed == 1, "counts over both broadcasts: %d of "
	    "%d confirmed", confirmed, targets);
	nunconf = 0;
	db_page_unconfirmed_each(db, pid, 100, unconfirmed, NULL);
	CHECK(nunconf == 1, "one not confirmed");
	nunconf = 0;
	db_page_unconfirmed_each(db, pid, 0, unconfirmed, NULL);
	CHECK(nunconf == 0, "the list is bounded by its limit");
	uint32_t both[] = { 902, 902 };
	CHECK(db_broadcast_confirm_many(db, b2, both, 0, 1002) == 0 &&
	    db_page_counts(db, pid, &targets, &confirmed) == 0 && confirmed == 1,
	    "confirming none changes nothing");
	CHECK(db_broadcast_confirm_many(db, b2, both, 2, 1002) == 0 &&
	    db_page_counts(db, pid, &targets, &confirmed) == 0 && targets == 2 &&
	    confirmed == 2, "confirmed in one statement, twice the same box "
	    "counted once: %d of %d", confirmed, targets);
	nunconf = 0;
	db_page_unconfirmed_each(db, pid, 100, unconfirmed, NULL);
	CHECK(nunconf == 0, "none left unconfirmed");
	int tot, en, tot0, en0;
	int rc = db_zone_speakers(db, "110101001002", &tot0, &en0);
	CHECK(rc == 0 && tot0 == 1 && en0 == 0, "西村's loudspeakers: %d, %d "
	    "enrolled", tot0, en0);
	rc = db_zone_speakers(db, "110101001", &tot0, &en0);
	CHECK(rc == 0 && tot0 >= 2, "the township's: %d, %d enrolled", tot0, en0);
	rc = db_speaker_set_key(db, 902, "abababababababababababababababab"
	    "abababababababababababababababab", err, sizeof(err));
	int rc2 = db_zone_speakers(db, "110101001", &tot, &en);
	CHECK(rc == 0 && rc2 == 0 && tot == tot0 && en == en0 + 1,
	    "an enrolment is counted at once: %d -> %d", en0, en);
	nlisted = 0;
	db_page_each(db, "110101001001", 50, listed, NULL);
	db_page_each(db, "110101002001", 50, listed, NULL);
	CHECK(nlisted == 1, "listed for a village it reached, not another");
	CHECK(db_page_finish(db, pid, "cancelled", NULL) == 0 &&
	    db_page_finish(db, pid, "ended", NULL) == 1, "finished once");
	CHECK(db_page_get(db, pid, &back) == 1 && strcmp(back.state,
	    "cancelled") == 0 && back.ended_at > 0 && back.repeat == 3 &&
	    strcmp(back.cap_identifier, "A1") == 0, "reads back cancelled");
	/* Its 15th value was once never bound (a 14-letter format string). */
	CHECK(back.cap_msgtype && strcmp(back.cap_msgtype, "Alert") == 0 &&
	    strcmp(back.cap_status, "Actual") == 0, "every CAP field reads back "
	    "(msgType \"%s\")", back.cap_msgtype ? back.cap_msgtype : "NULL");
	db_page_clear(&back);
	err[0] = '\0';
	CHECK(db_broadcast_reair(db, b1, "110101001001", 1000, &re, err,
	    sizeof(err)) == 0 && re != b1 && scalar(db, "SELECT slot_at FROM "
	    "broadcasts WHERE id = ", "(SELECT max(id) FROM broadcasts)") == 1000,
	    "a part re-aired alone is a target of its own at its second: %s",
	    err);
	CHECK(db_broadcast_reair(db, b1, "110101001001", 1000, &re, err,
	    sizeof(err)) == 0 && scalar(db, "SELECT slot_at FROM "
	    "broadcasts WHERE id = ", "(SELECT max(id) FROM broadcasts)") == 1001,
	    "the same part again takes the next free second: %s", err);
	struct db_page bad = p;
	bad.cap_identifier = "A9";
	bad.repeat = 11;
	CHECK(db_page_add(db, &bad, &dup, err, sizeof(err)) == -1,
	    "a page read 11 times is refused by the schema");
}

/* Editing a notice changes every field it names, and the feed stays text:
 * it was once bound as an integer (the web stored "0", the API an
 * address). */
static void
test_edit(struct db *db)
{
	char err[256];
	struct db_notice n = { .title = "旧标题", .body = "旧正文。", .repeat = 1,
	    .chime = 1, .priority = 0, .zone = "110101001001", .rate = 150,
	    .feed = "dir:/srv/news/weather", .feed_items = 3 }, b;
	int64_t id;
	bool cancelled;

	CHECK(db_notice_add(db, &n, &id, err, sizeof(err)) == 0, "a news "
	    "notice: %s", err);
	struct db_notice e = { .id = id, .title = "新标题", .body = "新正文。",
	    .voice = "cantonese", .repeat = 4, .chime = 0, .priority = 1,
	    .zone = "110101001", .rate = 120, .feed = "https://news.test/rss",
	    .feed_items = 7 };
	CHECK(db_notice_update(db, &e, err, sizeof(err)) == 0, "edited: %s", err);
	CHECK(db_notice_get(db, id, &b, &cancelled) == 1, "read back");
	CHECK_STREQ(b.title, "新标题", "title");
	CHECK_STREQ(b.body, "新正文。", "body");
	CHECK_STREQ(b.voice, "cantonese", "voice");
	CHECK_STREQ(b.zone, "110101001", "zone");
	CHECK_STREQ(b.feed, "https://news.test/rss", "feed");
	CHECK(b.repeat == 4 && b.chime == 0 && b.priority == 1 && b.rate == 120 &&
	    b.feed_items == 7 && !cancelled, "repeat, chime, class, rate, items");
	db_notice_clear(&b);
	char sql[96];
	snprintf(sql, sizeof(sql), "(SELECT typeof(feed) = 'text' FROM notices "
	    "WHERE id = %lld)", (long long)id);
	CHECK(scalar(db, "SELECT ", sql) == 1, "the feed is stored as text");
	e.feed = NULL;
	e.title = NULL;
	CHECK(db_notice_update(db, &e, err, sizeof(err)) == 0 &&
	    db_notice_get(db, id, &b, NULL) == 1 && b.feed == NULL &&
	    b.title == NULL, "and cleared as NULL, not 0");
	db_notice_clear(&b);

	/* A value too few or too many for a statement's parameters is an
	 * error, and writes nothing. */
	int64_t before = count(db, "zones");
	CHECK(db_run(db, err, sizeof(err), "INSERT INTO zones (code, name, "
	    "created_at) VALUES (?, ?, ?)", DB_ARGS("110101009", "九镇")) ==
	    SQLITE_MISUSE && strstr(err, "2 values for the 3") != NULL,
	    "a value too few is refused: %s", err);
	CHECK(db_run(db, err, sizeof(err), "INSERT INTO zones (code, name, "
	    "created_at) VALUES (?, ?, ?)", DB_ARGS("110101009", "九镇",
	    (int64_t)1, (int64_t)2)) == SQLITE_MISUSE, "one too many too");
	CHECK(count(db, "zones") == before, "and neither wrote anything");
	CHECK(db_run(db, err, sizeof(err), "INSERT INTO zones (code, name, "
	    "created_at) VALUES (?, ?, ?)", DB_ARGS("110101009", "九镇",
	    (int64_t)1)) == SQLITE_DONE && count(db, "zones") == before + 1,
	    "the right number is stored");
	CHECK(scalar(db, "SELECT typeof(code) || typeof(name) = 'texttext' ",
	    "FROM zones WHERE code = '110101009'") == 1 && scalar(db,
	    "SELECT typeof(created_at) = 'integer' FROM zones ",
	    "WHERE code = '110101009'") == 1, "each value bound as its C type");
}

/* Enrolment tokens: kept as hashes, spent once, expiring, and a new one
 * revokes the old; they outlive a reopen of the store. */
static void
test_tokens(struct db *db, const char *path)
{
	char err[256], zone[13];
	uint32_t sid = 0;
	const char *h1 = "1111111111111111111111111111111111111111111111111111111111111111";
	const char *h2 = "2222222222222222222222222222222222222222222222222222222222222222";
	const char *h3 = "3333333333333333333333333333333333333333333333333333333333333333";

	CHECK(db_speaker_add(db, 77, "110101001001", "新喇叭", err,
	    sizeof(err)) == 0, "a speaker: %s", err);
	CHECK(db_enroll_token_add(db, h1, 77, 0, 2000000000, err,
	    sizeof(err)) == 0, "a token: %s", err);
	CHECK(db_enroll_token_add(db, h2, 77, 0, 2000000000, err,
	    sizeof(err)) == 0, "a second one for the same box");
	CHECK(db_enroll_token_take(db, h1, 1000, &sid, zone) == 0,
	    "the first one is revoked by the second");
	db_close(db);
	db = db_open(path, err, sizeof(err));
	CHECK(db != NULL, "the store reopens (a restart)");
	if (db == NULL)
		return;
	CHECK(db_enroll_token_take(db, h2, 1000, &sid, zone) == 1 && sid == 77 &&
	    strcmp(zone, "110101001001") == 0, "the second works after a "
	    "restart, for its speaker and zone");
	CHECK(db_enroll_token_take(db, h2, 1001, &sid, zone) == 0,
	    "and only once");
	CHECK(db_enroll_token_add(db, h3, 77, 0, 5000, err, sizeof(err)) == 0 &&
	    db_enroll_token_take(db, h3, 5000, &sid, zone) == 0,
	    "an expired token does not work");
	CHECK(db_enroll_token_add(db, h1, 99999, 0, 2000000000, err,
	    sizeof(err)) == -1, "no token for a speaker that is not there");
	CHECK(scalar(db, "SELECT count(*) FROM enroll_tokens WHERE token_hash ",
	    "NOT GLOB '[0-9a-f]*'") == 0, "only hashes are kept");
	db_close(db);
}

/* Every listing the API names has SQL that prepares against the schema
 * as migrated (the statement is prepared whole, so a misspelt column
 * fails here, not in front of a cadre), and none out of range runs. */
static void
lists_prepare(struct db *db)
{
	char err[256];
	int bad = 0;

	for (int w = 0; w < DB_LIST_COUNT_; w++) {
		sqlite3_stmt *st = NULL;
		const char *sql = db_list_sql((enum db_list)w);
		if (sql == NULL || sqlite3_prepare_v2(db->h, sql, -1, &st,
		    NULL) != SQLITE_OK) {
			fprintf(stderr, "# listing %d: %s\n", w, sql ? sqlite3_errmsg(db->h) :
			    "no SQL");
			bad++;
		}
		sqlite3_finalize(st);
	}
	CHECK(bad == 0, "all %d API listings prepare (%d do not)",
	    (int)DB_LIST_COUNT_, bad);
	static const struct db_list_fn fn = { count_zone, skip_cell };
	CHECK(db_list(db, DB_LIST_COUNT_, DB_NO_ARGS, &fn, NULL, err,
	    sizeof(err)) == -1 && strstr(err, "no listing"),
	    "a listing that does not exist is refused: %s", err);
}

/* The today page's two listings: what was due since a time where a zone
 * sees it (a village not another's), and the boxes inside a zone that
 * were sent what aired and never confirmed it. */
static int nrows;
static int64_t last_id;

static void
row_seen(void *arg)
{
	(void)arg;
	nrows++;
}

static void
id_cell(void *arg, const struct db_cell *c)
{
	(void)arg;
	if (strcmp(c->name, "id") == 0 && c->type == DB_CELL_INT)
		last_id = c->i;
}

static int
rows_of(struct db *db, enum db_list which, int64_t since, const char *zone)
{
	static const struct db_list_fn fn = { row_seen, id_cell };
	char err[256];

	nrows = 0;
	last_id = 0;
	if (db_list(db, which, DB_ARGS(since, zone), &fn, NULL, err,
	    sizeof(err)) != 0)
		return -1;
	return nrows;
}

static void
test_today(struct db *db)
{
	char err[256];
	struct db_notice n = { .body = "今天下午停水", .repeat = 1, .priority = 0,
	    .zone = "110101001001" };
	int64_t n1, n2, old, b1, b2, b0;
	const int64_t day = 1796000000;

	db_notice_add(db, &n, &n1, err, sizeof(err));
	n.zone = "110101001002";
	db_notice_add(db, &n, &n2, err, sizeof(err));
	n.zone = "110101001001";
	db_notice_add(db, &n, &old, err, sizeof(err));
	db_speaker_add(db, 911, "110101001001", "村口", err, sizeof(err));
	db_speaker_add(db, 912, "110101001001", "学校", err, sizeof(err));
	db_slot_claim(db, n1, 0, day + 3600, -1, NULL, &b1, err, sizeof(err));
	db_slot_claim(db, n2, 0, day + 3600, -1, NULL, &b2, err, sizeof(err));
	db_slot_claim(db, old, 0, day - 3600, -1, NULL, &b0, err, sizeof(err));
	db_broadcast_target(db, b1, 911);
	db_broadcast_target(db, b1, 912);
	db_broadcast_confirm(db, b1, 911, day + 3601);
	db_broadcast_target(db, b0, 912);
	db_slot_finish(db, b1, "aired", NULL, err, sizeof(err));
	db_slot_finish(db, b0, "aired", NULL, err, sizeof(err));
	CHECK(rows_of(db, DB_LIST_BROADCASTS_SINCE, day, "110101001001") == 1 &&
	    last_id == b1, "a village sees what aired there since the morning, "
	    "not yesterday's");
	CHECK(rows_of(db, DB_LIST_BROADCASTS_SINCE, day, "110101001002") == 1 &&
	    last_id == b2, "another village sees only its own");
	CHECK(rows_of(db, DB_LIST_BROADCASTS_SINCE, day, "110101001") == 2 &&
	    rows_of(db, DB_LIST_BROADCASTS_SINCE, day, "110101002") == 0,
	    "a township sees both of its villages', another township none");
	CHECK(rows_of(db, DB_LIST_SPEAKERS_SILENT, day, "110101001001") == 1 &&
	    last_id == 912, "the box that did not confirm is silent, once "
	    "(yesterday's miss is not today's)");
	CHECK(rows_of(db, DB_LIST_SPEAKERS_SILENT, day, "110101001002") == 0 &&
	    rows_of(db, DB_LIST_SPEAKERS_SILENT, day, "110101") == 1,
	    "not another village's; the county's");
	CHECK(rows_of(db, DB_LIST_SPEAKERS_SILENT, day + 7200, "110101") == 0,
	    "nothing aired since: no silent box");
	sqlite3_stmt *st;
	sqlite3_prepare_v2(db->h, "EXPLAIN QUERY PLAN SELECT id FROM broadcasts "
	    "WHERE slot_at >= 1", -1, &st, NULL);
	bool indexed = false;
	while (sqlite3_step(st) == SQLITE_ROW)
		indexed = indexed || strstr((const char *)sqlite3_column_text(st,
		    3), "broadcasts_slot") != NULL;
	sqlite3_finalize(st);
	CHECK(indexed, "the broadcasts since a time are found by index, not a scan");
}

int
main(void)
{
	char path[128], err[256];
	struct db *db;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/dalaba.db", dir);
	db = db_open(path, err, sizeof(err));
	CHECK(db != NULL, "a new database opens: %s", db ? "ok" : err);
	if (db == NULL)
		return t_done();
	CHECK(db_schema_version(db) == DB_SCHEMA_VERSION, "migrated to version %d",
	    DB_SCHEMA_VERSION);
	CHECK(pragma(db, "foreign_keys") == 1 && pragma(db, "synchronous") == 2,
	    "foreign keys on, synchronous FULL");
	lists_prepare(db);
	sqlite3_stmt *st;
	sqlite3_prepare_v2(db->h, "PRAGMA journal_mode", -1, &st, NULL);
	sqlite3_step(st);
	CHECK(strcmp((const char *)sqlite3_column_text(st, 0), "wal") == 0,
	    "journal mode is WAL");
	sqlite3_finalize(st);

	/* zones */
	CHECK(db_zone_add(db, "110101", "东城县", err, sizeof(err)) == 0 &&
	    db_zone_add(db, "110101001", "大苍镇", err, sizeof(err)) == 0 &&
	    db_zone_add(db, "110101001001", "大苍村", err, sizeof(err)) == 0 &&
	    db_zone_add(db, "110101001002", "小苍村", err, sizeof(err)) == 0 &&
	    db_zone_add(db, "110101002001", "河西村", err, sizeof(err)) == 0,
	    "county, township and villages are added");
	static const char *const bad[][2] = {
		{ "1101", "短" }, { "11010100100a", "字母" }, { "", "空" },
		{ "1101010010011", "太长" }, { "110101001001", "重复" },
		{ "110101001003", "" },
	};
	int64_t before = count(db, "zones");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(db_zone_add(db, bad[i][0], bad[i][1], err, sizeof(err)) == -1,
		    "zone \"%s\" \"%s\" refused: %s", bad[i][0], bad[i][1], err);
	CHECK(count(db, "zones") == before, "refused zones change nothing");
	nzones = 0;
	static const struct db_list_fn zone_rows = { count_zone, skip_cell };
	CHECK(db_list(db, DB_LIST_ZONES, DB_ARGS("110101001"), &zone_rows, NULL,
	    err, sizeof(err)) == 0 && nzones == 4, "a township sees its county, "
	    "itself and its 2 villages, not the other township's (%d)", nzones);

	/* notices */
	struct db_notice n = { .body = "明天上午9:00开会", .repeat = 2, .chime = 1,
	    .priority = 0, .zone = "110101001001" };
	int64_t id = 0;
	CHECK(db_notice_add(db, &n, &id, err, sizeof(err)) == 0 && id > 0,
	    "a notice is stored (id %lld)", (long long)id);
	CHECK(db_notice_live(db, id) == 1, "and is live");
	before = count(db, "notices");
	struct db_notice b = n;
	b.zone = "999999999999";
	CHECK(db_notice_add(db, &b, &id, err, sizeof(err)) == -1,
	    "a notice for an unknown zone is refused: %s", err);
	b = n;
	b.repeat = 0;
	CHECK(db_notice_add(db, &b, &id, err, sizeof(err)) == -1, "repeat 0 refused");
	b = n;
	b.priority = BCAST_PRIO_EMERGENCY + 1;
	CHECK(db_notice_add(db, &b, &id, err, sizeof(err)) == -1, "priority 5 refused");
	b.priority = BCAST_PRIO_URGENT;
	CHECK(db_notice_add(db, &b, &id, err, sizeof(err)) == -1,
	    "urgent is a schedule's, not a notice's class");
	b = n;
	b.body = "";
	CHECK(db_notice_add(db, &b, &id, err, sizeof(err)) == -1, "empty body refused");
	char *big = malloc(40000);
	memset(big, 'a', 39999);
	big[39999] = '\0';
	b = n;
	b.body = big;
	CHECK(db_notice_add(db, &b, &id, err, sizeof(err)) == -1,
	    "a body over 32 KB refused");
	free(big);
	b = n;
	b.created_by = 12345;
	CHECK(db_notice_add(db, &b, &id, err, sizeof(err)) == -1,
	    "a notice by an unknown user refused");
	CHECK(count(db, "notices") == before, "refused notices change nothing");
	id = 1;
	CHECK(db_notice_cancel(db, id, err, sizeof(err)) == 0 &&
	    db_notice_live(db, id) == 0, "a notice can be cancelled");
	CHECK(db_notice_cancel(db, id, err, sizeof(err)) == -1,
	    "but not twice: %s", err);
	CHECK(db_notice_live(db, 424242) == 0, "an unknown notice is not live");

	/* audit */
	CHECK(db_audit(db, 0, "127.0.0.1", "110101001001", "notice.add", "id=1") == 0,
	    "audit entries are appended");
	CHECK(sqlite3_exec(db->h, "UPDATE audit SET action = 'x'", NULL, NULL,
	    NULL) != SQLITE_OK, "the audit log cannot be rewritten");
	CHECK(sqlite3_exec(db->h, "DELETE FROM audit", NULL, NULL, NULL) !=
	    SQLITE_OK && count(db, "audit") == 1, "nor emptied");
	/* Slots: a (notice, slot) claims once, even across a reopen. */
	int64_t nid = 0, bid = 0, bid2 = 0;
	n.body = "今天中午12:00播放新闻";
	db_notice_add(db, &n, &nid, err, sizeof(err));
	int64_t slot = 1795449600;
	CHECK(db_slot_claim(db, nid, 0, slot, -1, NULL, &bid, err, sizeof(err)) == 1 && bid > 0,
	    "a slot is claimed once");
	CHECK(db_slot_claim(db, nid, 0, slot, -1, NULL, &bid2, err, sizeof(err)) == 0,
	    "a second claim of the same slot is refused: it cannot air twice");
	CHECK(db_slot_claim(db, nid, 0, slot + 86400, -1, NULL, &bid2, err, sizeof(err)) == 1,
	    "the next day's slot is its own");
	CHECK(db_slot_claim(db, 424242, 0, slot, -1, NULL, &bid2, err, sizeof(err)) == -1,
	    "a slot of an unknown notice is an error");
	CHECK(db_slot_finish(db, bid, "aired", NULL, err, sizeof(err)) == 0,
	    "a broadcast is finished as aired");
	CHECK(db_slot_finish(db, bid, "exploded", NULL, err, sizeof(err)) == -1,
	    "an unknown outcome is refused");
	CHECK(db_slot_finish(db, 999999, "aired", NULL, err, sizeof(err)) == -1,
	    "an unknown broadcast is an error: %s", err);

	/* Lexicon in the store. */
	CHECK(db_lexicon_set(db, "重庆", "chong2 qing4", err, sizeof(err)) == 0 &&
	    db_lexicon_set(db, "银行", "yin2 hang2", err, sizeof(err)) == 0,
	    "lexicon entries are stored");
	CHECK(db_lexicon_set(db, "重庆", "zhong4 qing4", err, sizeof(err)) == 0,
	    "an entry can be changed");
	int64_t nlex = count(db, "lexicon");
	CHECK(db_lexicon_set(db, "坏", "bad", err, sizeof(err)) == -1 &&
	    count(db, "lexicon") == nlex, "malformed pinyin is refused, nothing "
	    "stored: %s", err);
	struct tts_lexicon *lex = tts_lexicon_new();
	CHECK(db_lexicon_load(db, lex, err, sizeof(err)) == 0 &&
	    tts_lexicon_count(lex) == 2, "the stored lexicon loads for speech");
	char *said = tts_lexicon_apply(lex, "去重庆");
	CHECK_STREQ(said, "去 zhong4 qing4", "with the changed reading");
	free(said);
	tts_lexicon_free(lex);
	CHECK(db_lexicon_delete(db, "银行", err, sizeof(err)) == 0 &&
	    db_lexicon_delete(db, "银行", err, sizeof(err)) == -1,
	    "an entry is deleted once");
	CHECK(db_check(db, err, sizeof(err)) == 0, "integrity check ok");
	test_air(db);
	db_close(db);

	/* Reopen: nothing migrates twice, data is there. */
	db = db_open(path, err, sizeof(err));
	CHECK(db && db_schema_version(db) == DB_SCHEMA_VERSION &&
	    count(db, "zones") == 5 && count(db, "notices") == 3,
	    "reopening keeps the data and the version");
	CHECK(db && db_slot_claim(db, nid, 0, slot, -1, NULL, &bid2, err, sizeof(err)) == 0,
	    "after a reopen (a restart) the aired slot still cannot be claimed");

	test_pages(db);
	test_today(db);

	test_edit(db);
	test_tokens(db, path);
	db = db_open(path, err, sizeof(err));
	if (db == NULL)
		return t_done();
	/* A newer schema is refused, untouched. */
	sqlite3_exec(db->h, "PRAGMA user_version = 99", NULL, NULL, NULL);
	db_close(db);
	db = db_open(path, err, sizeof(err));
	CHECK(db == NULL && strstr(err, "newer") != NULL,
	    "a database from a newer dalabad is refused: %s", err);

	/* A migration that fails rolls back whole. */
	snprintf(path, sizeof(path), "%s/conflict.db", dir);
	sqlite3 *raw;
	sqlite3_open(path, &raw);
	sqlite3_exec(raw, "CREATE TABLE audit (x)", NULL, NULL, NULL);
	sqlite3_close(raw);
	db = db_open(path, err, sizeof(err));
	CHECK(db == NULL && strstr(err, "migration to version 1") != NULL,
	    "a failing migration is reported: %s", err);
	sqlite3_open(path, &raw);
	sqlite3_prepare_v2(raw, "SELECT count(*) FROM sqlite_master WHERE "
	    "name = 'zones'", -1, &st, NULL);
	sqlite3_step(st);
	CHECK(sqlite3_column_int(st, 0) == 0, "and leaves no half-made schema");
	sqlite3_finalize(st);
	sqlite3_close(raw);

	char cmd[64];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 1;
	return t_done();
}
