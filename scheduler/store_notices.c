/*
 * store_notices.c — the store's notices and the lexicon: what is read
 * aloud, and how. (store.c is the store itself: schema, migrations,
 * statements, transactions.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scheduler/store.h"
#include "scheduler/store_int.h"
#include "broadcaster/broadcaster.h"
#include "tts/tts.h"

/* The priority column keeps schema 1's numbering (0 village .. 3
 * emergency): the urgent class, which came later, is a schedule's. */
#define DB_EMERGENCY 3

static int
class_to_db(int prio, char *err, size_t errlen)
{
	if (prio == BCAST_PRIO_EMERGENCY)
		return DB_EMERGENCY;
	if (prio < BCAST_PRIO_VILLAGE || prio > BCAST_PRIO_COUNTY) {
		snprintf(err, errlen, "priority %d is not a notice's class", prio);
		return -1;
	}
	return prio;
}

/* Are the targets each inside the notice's zone, none inside another? */
static int
zones_ok(const struct db_notice *n, char *err, size_t errlen)
{
	size_t zl = strlen(n->zone);

	if (n->nzones > DB_NOTICE_MAX_ZONES) {
		snprintf(err, errlen, "%zu zones: a notice has at most %d",
		    n->nzones, DB_NOTICE_MAX_ZONES);
		return -1;
	}
	for (size_t i = 0; i < n->nzones; i++) {
		const char *z = n->zones[i];
		if (z == NULL || strncmp(z, n->zone, zl) != 0) {
			snprintf(err, errlen, "zone %s is not inside %s", z ? z :
			    "(none)", n->zone);
			return -1;
		}
		for (size_t k = 0; k < n->nzones; k++) {
			size_t kl = n->zones[k] ? strlen(n->zones[k]) : 0;
			if (k != i && n->zones[k] && strncmp(z, n->zones[k],
			    kl) == 0) {
				snprintf(err, errlen, "zone %s is given twice, or "
				    "inside %s", z, n->zones[k]);
				return -1;
			}
		}
	}
	return 0;
}

/* notice_zones for n->id, replacing what was there. */
static int
zones_store(struct db *db, const struct db_notice *n, char *err,
    size_t errlen)
{
	if (db_run(db, err, errlen, "DELETE FROM notice_zones WHERE notice_id "
	    "= ?", DB_ARGS(n->id)) != SQLITE_DONE)
		return -1;
	for (size_t i = 0; n->nzones > 1 && i < n->nzones; i++)
		if (db_run(db, err, errlen, "INSERT INTO notice_zones (notice_id, "
		    "zone) VALUES (?, ?)", DB_ARGS(n->id, n->zones[i])) !=
		    SQLITE_DONE)
			return -1;
	return 0;
}

/* A notice and its targets, all or nothing, inside the caller's
 * transaction or not. */
static int
savepoint(struct db *db, const char *what)
{
	char sql[64], err[128];

	snprintf(sql, sizeof(sql), "%s notice_write", what);
	return db_run(db, err, sizeof(err), sql, DB_NO_ARGS) == SQLITE_DONE ?
	    0 : -1;
}

static int
undo(struct db *db)
{
	savepoint(db, "ROLLBACK TO");
	savepoint(db, "RELEASE");
	return -1;
}

int
db_notice_add(struct db *db, const struct db_notice *n, int64_t *id, char *err,
    size_t errlen)
{
	int cls = class_to_db(n->priority, err, errlen);
	struct db_notice k = *n;

	if (cls < 0 || zones_ok(n, err, errlen) != 0)
		return -1;
	if (savepoint(db, "SAVEPOINT") != 0) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(db->h));
		return -1;
	}
	int rc = db_run(db, err, errlen, "INSERT INTO notices (title, body, "
	    "voice, repeat, chime, priority, zone, created_by, created_at, "
	    "rate, feed, feed_items, page_id, recording, public) VALUES (?, ?, "
	    "?, ?, ?, ?, ?, NULLIF(?, 0), ?, ?, ?, ?, NULLIF(?, 0), ?, ?)",
	    DB_ARGS(n->title, n->body ? n->body : "", n->voice ? n->voice :
	    "mandarin", (int64_t)n->repeat, (int64_t)n->chime, (int64_t)cls,
	    n->zone, n->created_by, (int64_t)time(NULL), (int64_t)(n->rate ?
	    n->rate : 150), n->feed, (int64_t)(n->feed_items ? n->feed_items :
	    3), n->page_id, n->recording, (int64_t)(!n->is_private &&
	    n->page_id == 0)));
	if (rc != SQLITE_DONE)
		return undo(db);
	k.id = sqlite3_last_insert_rowid(db->h);
	if (zones_store(db, &k, err, errlen) != 0)
		return undo(db);
	savepoint(db, "RELEASE");
	*id = k.id;
	return 0;
}

int
db_notice_update(struct db *db, const struct db_notice *n, char *err,
    size_t errlen)
{
	int cls = class_to_db(n->priority, err, errlen);

	if (cls < 0 || zones_ok(n, err, errlen) != 0)
		return -1;
	if (savepoint(db, "SAVEPOINT") != 0) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(db->h));
		return -1;
	}
	if (db_run(db, err, errlen, "UPDATE notices SET title = ?, body = ?, "
	    "voice = ?, repeat = ?, chime = ?, priority = ?, zone = ?, rate = "
	    "?, feed = ?, feed_items = ?, recording = ?, public = ? WHERE id = "
	    "?13 AND cancelled_at IS NULL AND NOT EXISTS (SELECT 1 FROM "
	    "broadcasts WHERE notice_id = ?13)", DB_ARGS(n->title, n->body ?
	    n->body : "", n->voice ? n->voice : "mandarin",
	    (int64_t)n->repeat, (int64_t)n->chime, (int64_t)cls,
	    n->zone, (int64_t)(n->rate ? n->rate : 150), n->feed,
	    (int64_t)(n->feed_items ? n->feed_items : 3), n->recording,
	    (int64_t)(!n->is_private && n->page_id == 0), n->id)) !=
	    SQLITE_DONE)
		return undo(db);
	if (sqlite3_changes(db->h) != 1) {
		undo(db);
		snprintf(err, errlen, "notice %lld has gone on air or is cancelled",
		    (long long)n->id);
		return -1;
	}
	if (zones_store(db, n, err, errlen) != 0)
		return undo(db);
	savepoint(db, "RELEASE");
	return 0;
}

int
db_notice_cancel(struct db *db, int64_t id, char *err, size_t errlen)
{
	if (db_run(db, err, errlen, "UPDATE notices SET cancelled_at = ? WHERE "
	    "id = ? AND cancelled_at IS NULL", DB_ARGS((int64_t)time(NULL), id))
	    != SQLITE_DONE)
		return -1;
	if (sqlite3_changes(db->h) == 0) {
		snprintf(err, errlen, "no live notice %lld", (long long)id);
		return -1;
	}
	return 0;
}

int
db_notice_live(struct db *db, int64_t id)
{
	sqlite3_stmt *st;
	int live = -1;

	if ((st = db_prepare(db, NULL, 0, "SELECT cancelled_at IS NULL FROM "
	    "notices WHERE id = ?", DB_ARGS(id))) == NULL)
		return -1;
	int rc = sqlite3_step(st);
	live = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : rc == SQLITE_DONE ?
	    0 : -1;
	sqlite3_finalize(st);
	return live;
}

int
db_lexicon_set(struct db *db, const char *word, const char *pinyin, char *err,
    size_t errlen)
{
	/* Validate exactly as the speech side will read it. */
	struct tts_lexicon *check = tts_lexicon_new();
	int ok = check && tts_lexicon_add(check, word, pinyin, err, errlen) == 0;
	tts_lexicon_free(check);
	if (!ok)
		return -1;
	return db_run(db, err, errlen, "INSERT INTO lexicon (word, pinyin, "
	    "updated_at) VALUES (?, ?, ?) ON CONFLICT (word) DO UPDATE SET "
	    "pinyin = excluded.pinyin, updated_at = excluded.updated_at",
	    DB_ARGS(word, pinyin, (int64_t)time(NULL))) == SQLITE_DONE ? 0 : -1;
}

int
db_lexicon_delete(struct db *db, const char *word, char *err, size_t errlen)
{
	if (db_run(db, err, errlen, "DELETE FROM lexicon WHERE word = ?",
	    DB_ARGS(word)) != SQLITE_DONE)
		return -1;
	if (sqlite3_changes(db->h) == 0) {
		snprintf(err, errlen, "no entry for \"%s\"", word);
		return -1;
	}
	return 0;
}

int
db_lexicon_load(struct db *db, struct tts_lexicon *lex, char *err,
    size_t errlen)
{
	sqlite3_stmt *st;
	int rc = 0;

	if (sqlite3_prepare_v2(db->h, "SELECT word, pinyin FROM lexicon ORDER BY "
	    "word", -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(db->h));
		return -1;
	}
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW)
		rc = tts_lexicon_add(lex, (const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1), err, errlen);
	sqlite3_finalize(st);
	return rc;
}

static char *
col_strdup(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? strdup((const char *)s) : NULL;
}

/* n->zones from notice_zones (left NULL for a notice of one zone). */
static int
zones_get(struct db *db, struct db_notice *n)
{
	sqlite3_stmt *st = db_prepare(db, NULL, 0, "SELECT zone FROM "
	    "notice_zones WHERE notice_id = ? ORDER BY zone LIMIT ?",
	    DB_ARGS(n->id, (int64_t)DB_NOTICE_MAX_ZONES));
	int rc;

	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char **v = realloc(n->zones, (n->nzones + 1) * sizeof(*v));
		if (v == NULL || (v[n->nzones] = col_strdup(st, 0)) == NULL) {
			if (v)
				n->zones = v;
			rc = SQLITE_NOMEM;
			break;
		}
		n->zones = v;
		n->nzones++;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
db_notice_get(struct db *db, int64_t id, struct db_notice *n, bool *cancelled)
{
	sqlite3_stmt *st;
	int rc;

	memset(n, 0, sizeof(*n));
	if ((st = db_prepare(db, NULL, 0, "SELECT title, body, voice, repeat, "
	    "chime, priority, zone, COALESCE(created_by, 0), rate, feed, "
	    "feed_items, cancelled_at IS NOT NULL, COALESCE(page_id, 0), "
	    "recording, public FROM notices WHERE id = ?", DB_ARGS(id))) ==
	    NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		n->id = id;
		n->title = col_strdup(st, 0);
		n->body = col_strdup(st, 1);
		n->voice = col_strdup(st, 2);
		n->repeat = sqlite3_column_int(st, 3);
		n->chime = sqlite3_column_int(st, 4);
		n->priority = sqlite3_column_int(st, 5) == DB_EMERGENCY ?
		    BCAST_PRIO_EMERGENCY : sqlite3_column_int(st, 5);
		n->zone = col_strdup(st, 6);
		n->created_by = sqlite3_column_int64(st, 7);
		n->rate = sqlite3_column_int(st, 8);
		n->feed = col_strdup(st, 9);
		n->feed_items = sqlite3_column_int(st, 10);
		if (cancelled)
			*cancelled = sqlite3_column_int(st, 11) != 0;
		n->page_id = sqlite3_column_int64(st, 12);
		n->recording = col_strdup(st, 13);
		n->is_private = sqlite3_column_int(st, 14) == 0;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW && (n->body == NULL || n->zone == NULL ||
	    n->voice == NULL || zones_get(db, n) != 0)) {
		db_notice_clear(n);
		return -1;
	}
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

void
db_notice_clear(struct db_notice *n)
{
	free((void *)(uintptr_t)n->title);
	free((void *)(uintptr_t)n->body);
	free((void *)(uintptr_t)n->voice);
	free((void *)(uintptr_t)n->zone);
	free((void *)(uintptr_t)n->feed);
	free((void *)(uintptr_t)n->recording);
	for (size_t i = 0; i < n->nzones; i++)
		free(n->zones[i]);
	free(n->zones);
	memset(n, 0, sizeof(*n));
}
