/*
 * store_pages.c — emergency pages in the store: the page row that ties a
 * page's notices together, what CAP said about it, and the counts the
 * live page view shows (targets and confirmations over all its
 * broadcasts, each speaker once).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scheduler/store.h"
#include "scheduler/store_int.h"

#define PAGE_COLUMNS "id, created_at, COALESCE(created_by, 0), source, " \
	"body, zones, repeat, volume, expires_at, state, " \
	"COALESCE(ended_at, 0), reason, cap_sender, cap_identifier, " \
	"cap_sent, cap_status, cap_msgtype"

int
db_page_add(struct db *db, const struct db_page *p, int64_t *id, char *err,
    size_t errlen)
{
	if (db_run(db, err, errlen, "INSERT INTO pages (created_at, "
	    "created_by, source, body, zones, repeat, volume, expires_at, "
	    "state, reason, cap_sender, cap_identifier, cap_sent, cap_status, "
	    "cap_msgtype) VALUES (?, NULLIF(?, 0), ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "?, ?, ?, ?)", DB_ARGS((int64_t)time(NULL), p->created_by,
	    p->source, p->body, p->zones, (int64_t)p->repeat,
	    (int64_t)p->volume, p->expires_at, p->state ? p->state : "active",
	    p->reason, p->cap_sender, p->cap_identifier, p->cap_sent,
	    p->cap_status, p->cap_msgtype)) != SQLITE_DONE)
		return -1;
	*id = sqlite3_last_insert_rowid(db->h);
	return 0;
}

static char *
col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? strdup((const char *)t) : NULL;
}

static void
read_row(sqlite3_stmt *st, struct db_page *p)
{
	memset(p, 0, sizeof(*p));
	p->id = sqlite3_column_int64(st, 0);
	p->created_at = sqlite3_column_int64(st, 1);
	p->created_by = sqlite3_column_int64(st, 2);
	p->source = col(st, 3);
	p->body = col(st, 4);
	p->zones = col(st, 5);
	p->repeat = sqlite3_column_int(st, 6);
	p->volume = sqlite3_column_int(st, 7);
	p->expires_at = sqlite3_column_int64(st, 8);
	p->state = col(st, 9);
	p->ended_at = sqlite3_column_int64(st, 10);
	p->reason = col(st, 11);
	p->cap_sender = col(st, 12);
	p->cap_identifier = col(st, 13);
	p->cap_sent = col(st, 14);
	p->cap_status = col(st, 15);
	p->cap_msgtype = col(st, 16);
}

void
db_page_clear(struct db_page *p)
{
	const char **s[] = { &p->source, &p->body, &p->zones, &p->state,
	    &p->reason, &p->cap_sender, &p->cap_identifier, &p->cap_sent,
	    &p->cap_status, &p->cap_msgtype };

	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		free((void *)(uintptr_t)*s[i]);
		*s[i] = NULL;
	}
}

int
db_page_get(struct db *db, int64_t id, struct db_page *p)
{
	sqlite3_stmt *st;
	int rc;

	memset(p, 0, sizeof(*p));
	if ((st = db_prepare(db, NULL, 0, "SELECT " PAGE_COLUMNS " FROM pages "
	    "WHERE id = ?", DB_ARGS(id))) == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		read_row(st, p);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW && (p->body == NULL || p->zones == NULL ||
	    p->state == NULL || p->source == NULL)) {
		db_page_clear(p);
		return -1;
	}
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int64_t
db_page_find_cap(struct db *db, const char *sender, const char *identifier,
    const char *sent)
{
	sqlite3_stmt *st;
	int64_t id = 0;

	if ((st = db_prepare(db, NULL, 0, "SELECT id FROM pages WHERE "
	    "cap_sender = ? AND cap_identifier = ? AND cap_sent = ?",
	    DB_ARGS(sender, identifier, sent))) == NULL)
		return -1;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE)
		id = -1;
	sqlite3_finalize(st);
	return id;
}

int
db_page_finish(struct db *db, int64_t id, const char *state,
    const char *reason)
{
	char err[256];

	if (db_run(db, err, sizeof(err), "UPDATE pages SET state = ?, ended_at "
	    "= ?, reason = COALESCE(?, reason) WHERE id = ? AND state = "
	    "'active'", DB_ARGS(state, (int64_t)time(NULL), reason, id)) !=
	    SQLITE_DONE)
		return -1;
	return sqlite3_changes(db->h) == 1 ? 0 : 1;
}

int
db_page_cancel(struct db *db, int64_t id, char *err, size_t errlen)
{
	if (db_run(db, err, errlen, "UPDATE notices SET cancelled_at = ? WHERE "
	    "page_id = ? AND cancelled_at IS NULL", DB_ARGS((int64_t)time(NULL),
	    id)) != SQLITE_DONE)
		return -1;
	if (db_run(db, err, errlen, "UPDATE pages SET state = 'cancelled', "
	    "ended_at = ? WHERE id = ? AND state = 'active'",
	    DB_ARGS((int64_t)time(NULL), id)) != SQLITE_DONE)
		return -1;
	return sqlite3_changes(db->h) == 1 ? 0 : 1;
}

int
db_page_each(struct db *db, const char *visible_to, int limit,
    void (*fn)(const struct db_page *p, void *arg), void *arg)
{
	sqlite3_stmt *st;
	struct db_page p;

	/* Visible: one of its notices is in, or contains, who asks's zone. */
	if ((st = db_prepare(db, NULL, 0, "SELECT " PAGE_COLUMNS " FROM pages "
	    "WHERE ?1 = '' OR EXISTS (SELECT 1 FROM notices n WHERE n.page_id "
	    "= pages.id AND (zone_in(?1, n.zone) OR zone_in(n.zone, ?1))) "
	    "ORDER BY id DESC LIMIT ?2",
	    DB_ARGS(visible_to, (int64_t)limit))) == NULL)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		read_row(st, &p);
		if (p.body && p.zones && p.state && p.source)
			fn(&p, arg);
		db_page_clear(&p);
	}
	sqlite3_finalize(st);
	return 0;
}

int
db_page_notices(struct db *db, int64_t id, int64_t *out, int max)
{
	sqlite3_stmt *st;
	int n = 0;

	if ((st = db_prepare(db, NULL, 0, "SELECT id FROM notices WHERE "
	    "page_id = ? ORDER BY id", DB_ARGS(id))) == NULL)
		return -1;
	while (n < max && sqlite3_step(st) == SQLITE_ROW)
		out[n++] = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

#define PAGE_TARGETS "SELECT bs.speaker_id, max(bs.confirmed) AS c FROM " \
	"broadcast_speakers bs JOIN broadcasts b ON b.id = bs.broadcast_id " \
	"JOIN notices n ON n.id = b.notice_id WHERE n.page_id = ? " \
	"GROUP BY bs.speaker_id"

int
db_page_counts(struct db *db, int64_t id, int *targets, int *confirmed)
{
	sqlite3_stmt *st;

	*targets = *confirmed = 0;
	if ((st = db_prepare(db, NULL, 0, "SELECT count(*), COALESCE(sum(c), "
	    "0) FROM (" PAGE_TARGETS ")", DB_ARGS(id))) == NULL)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*targets = sqlite3_column_int(st, 0);
		*confirmed = sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	return 0;
}

int
db_page_unconfirmed_each(struct db *db, int64_t id, int limit,
    void (*fn)(const struct db_speaker_row *s, void *arg), void *arg)
{
	sqlite3_stmt *st;
	struct db_speaker_row r;

	/* Bounded: with a thousand boxes unconfirmed, the live view names
	 * the first ones and counts the rest. */
	if ((st = db_prepare(db, NULL, 0, "SELECT s.id, s.zone, s.name, "
	    "s.key_hex IS NOT NULL FROM (" PAGE_TARGETS ") t JOIN speakers s ON "
	    "s.id = t.speaker_id WHERE t.c = 0 ORDER BY s.id LIMIT ?2",
	    DB_ARGS(id, (int64_t)limit))) == NULL)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *z = sqlite3_column_text(st, 1);
		const unsigned char *n = sqlite3_column_text(st, 2);
		r.id = (uint32_t)sqlite3_column_int64(st, 0);
		snprintf(r.zone, sizeof(r.zone), "%s", z ? (const char *)z : "");
		snprintf(r.name, sizeof(r.name), "%s", n ? (const char *)n : "");
		r.enrolled = sqlite3_column_int(st, 3) != 0;
		fn(&r, arg);
	}
	sqlite3_finalize(st);
	return 0;
}
