/*
 * store_speakers.c — the store's side of places and boxes: zones (their
 * quiet hours and whether drills air there), loudspeakers, and the
 * one-time enrolment tokens a box redeems for its key. Tokens are kept as
 * hashes, expire, work once, and a new one for a speaker revokes the old,
 * so a printed enrolment command outlives a restart of dalabad but not
 * its purpose. See store.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scheduler/store.h"
#include "scheduler/store_int.h"

int
db_zone_add(struct db *db, const char *code, const char *name, char *err,
    size_t errlen)
{
	db->zones_gen++;
	return db_run(db, err, errlen, "INSERT INTO zones (code, name, "
	    "created_at) VALUES (?, ?, ?)", DB_ARGS(code, name,
	    (int64_t)time(NULL))) == SQLITE_DONE ?
	    0 : -1;
}

int
db_speaker_add(struct db *db, uint32_t id, const char *zone, const char *name,
    char *err, size_t errlen)
{
	if (id == 0) {
		snprintf(err, errlen, "speaker ids start at 1");
		return -1;
	}
	if (strlen(zone) != 12) {
		snprintf(err, errlen, "a speaker belongs to a village (12-digit "
		    "zone), not \"%s\"", zone);
		return -1;
	}
	db->speakers_gen++;
	return db_run(db, err, errlen, "INSERT INTO speakers (id, zone, name, "
	    "created_at) VALUES (?, ?, ?, ?)", DB_ARGS((int64_t)id, zone, name,
	    (int64_t)time(NULL))) == SQLITE_DONE ? 0 : -1;
}

int
db_speaker_set_key(struct db *db, uint32_t id, const char *key_hex, char *err,
    size_t errlen)
{
	db->speakers_gen++;
	if (db_run(db, err, errlen, "UPDATE speakers SET key_hex = ? WHERE id "
	    "= ?", DB_ARGS(key_hex, (int64_t)id)) != SQLITE_DONE)
		return -1;
	if (sqlite3_changes(db->h) == 0) {
		snprintf(err, errlen, "no speaker %u", id);
		return -1;
	}
	return 0;
}

int
db_speaker_each(struct db *db, void (*fn)(uint32_t id, const char *zone,
    const char *name, const char *key_hex, void *arg), void *arg)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db->h, "SELECT id, zone, name, key_hex FROM "
	    "speakers ORDER BY id", -1, &st, NULL) != SQLITE_OK)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW)
		fn((uint32_t)sqlite3_column_int64(st, 0),
		    (const char *)sqlite3_column_text(st, 1),
		    (const char *)sqlite3_column_text(st, 2),
		    (const char *)sqlite3_column_text(st, 3), arg);
	sqlite3_finalize(st);
	return 0;
}

void
db_zone_quiet(struct db *db, const char *code, int *start, int *end)
{
	sqlite3_stmt *st;
	int t[2];
	char err[64];

	*start = 21 * 60 + 30;
	*end = 6 * 60;
	if ((st = db_prepare(db, NULL, 0, "SELECT quiet_start, quiet_end FROM "
	    "zones WHERE code = ?", DB_ARGS(code))) == NULL)
		return;
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *a = (const char *)sqlite3_column_text(st, 0);
		const char *b = (const char *)sqlite3_column_text(st, 1);
		if (a && tt_parse_times(a, t, 1, err, sizeof(err)) == 1)
			*start = t[0];
		if (b && tt_parse_times(b, t, 1, err, sizeof(err)) == 1)
			*end = t[0];
	}
	sqlite3_finalize(st);
}

int
db_zone_drills(struct db *db, const char *code)
{
	sqlite3_stmt *st;
	int v = -1;

	if ((st = db_prepare(db, NULL, 0, "SELECT drills FROM zones WHERE code "
	    "= ?", DB_ARGS(code))) == NULL)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0) != 0;
	sqlite3_finalize(st);
	return v;
}

int
db_zone_set_drills(struct db *db, const char *code, bool on, char *err,
    size_t errlen)
{
	db->zones_gen++;
	return db_run(db, err, errlen, "UPDATE zones SET drills = ? WHERE code "
	    "= ?", DB_ARGS((int64_t)on, code)) == SQLITE_DONE ? 0 : -1;
}

int
db_zone_volume(struct db *db, const char *code)
{
	int v = db_int(db, "SELECT COALESCE(volume, -1) FROM zones WHERE "
	    "code = ?", DB_ARGS(code));

	return v >= 0 && v <= 100 ? v : -1;
}

int
db_zone_set_volume(struct db *db, const char *code, int volume, char *err,
    size_t errlen)
{
	db->zones_gen++;
	int rc = volume < 0 ? db_run(db, err, errlen, "UPDATE zones SET volume "
	    "= NULL WHERE code = ?", DB_ARGS(code)) : db_run(db, err, errlen,
	    "UPDATE zones SET volume = ? WHERE code = ?", DB_ARGS(volume, code));

	if (rc != SQLITE_DONE)
		return -1;
	if (sqlite3_changes(db->h) == 0) {
		snprintf(err, errlen, "no zone %s", code);
		return -1;
	}
	return 0;
}

int
db_zone_set_quiet(struct db *db, const char *code, const char *start,
    const char *end, char *err, size_t errlen)
{
	int t[2];

	char e2[128];

	if (tt_parse_times(start, t, 1, e2, sizeof(e2)) != 1 ||
	    tt_parse_times(end, t, 1, e2, sizeof(e2)) != 1) {
		snprintf(err, errlen, "quiet hours run from one time HH:MM to "
		    "another, not %s-%s", start, end);
		return -1;
	}
	db->zones_gen++;
	if (db_run(db, err, errlen, "UPDATE zones SET quiet_start = ?, "
	    "quiet_end = ? WHERE code = ?", DB_ARGS(start, end, code)) !=
	    SQLITE_DONE)
		return -1;
	if (sqlite3_changes(db->h) == 0) {
		snprintf(err, errlen, "no zone %s", code);
		return -1;
	}
	return 0;
}

int
db_enroll_token_add(struct db *db, const char *token_hash, uint32_t speaker_id,
    int64_t created_by, int64_t expires_at, char *err, size_t errlen)
{
	int64_t now = time(NULL);

	if (db_run(db, err, errlen, "UPDATE enroll_tokens SET revoked_at = ? "
	    "WHERE speaker_id = ? AND used_at IS NULL AND revoked_at IS NULL",
	    DB_ARGS(now, speaker_id)) != SQLITE_DONE)
		return -1;
	/* The table stays the size of a month's enrolments. */
	if (db_run(db, err, errlen, "DELETE FROM enroll_tokens WHERE created_at "
	    "< ?1 - 30 * 86400 AND (used_at IS NOT NULL OR revoked_at IS NOT "
	    "NULL OR expires_at <= ?1)", DB_ARGS(now)) != SQLITE_DONE)
		return -1;
	return db_run(db, err, errlen, "INSERT INTO enroll_tokens (token_hash, "
	    "speaker_id, created_by, created_at, expires_at) VALUES (?, ?, "
	    "NULLIF(?, 0), ?, ?)", DB_ARGS(token_hash, speaker_id, created_by,
	    now, expires_at)) == SQLITE_DONE ? 0 : -1;
}

int
db_enroll_tokens_made(struct db *db, int64_t user_id, int64_t since)
{
	return db_int(db, "SELECT count(*) FROM enroll_tokens WHERE created_by = "
	    "? AND created_at >= ?", DB_ARGS(user_id, since));
}

int
db_enroll_token_take(struct db *db, const char *token_hash, int64_t now,
    uint32_t *speaker_id, char zone[13])
{
	sqlite3_stmt *st;
	int rc;

	if ((st = db_prepare(db, NULL, 0, "UPDATE enroll_tokens SET used_at = "
	    "?1 WHERE token_hash = ?2 AND used_at IS NULL AND revoked_at IS "
	    "NULL AND expires_at > ?1 RETURNING speaker_id, (SELECT zone FROM "
	    "speakers s WHERE s.id = speaker_id)", DB_ARGS(now, token_hash))) ==
	    NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const unsigned char *z = sqlite3_column_text(st, 1);
		*speaker_id = (uint32_t)sqlite3_column_int64(st, 0);
		snprintf(zone, 13, "%s", z ? (const char *)z : "");
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_ROW : SQLITE_ERROR;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

struct zone_sum {
	int total, enrolled;
};

static void
sum_village(const struct db_village_count *v, void *arg)
{
	struct zone_sum *z = arg;

	z->total += v->speakers;
	z->enrolled += v->enrolled;
}

int
db_zone_speakers(struct db *db, const char *zone, int *total, int *enrolled)
{
	struct zone_sum z = { 0, 0 };
	int rc = db_village_counts_each(db, zone, sum_village, &z);

	*total = z.total;
	*enrolled = z.enrolled;
	return rc;
}

static int
load_counts(struct db *db)
{
	sqlite3_stmt *st;
	size_t n = 0, cap = 64;
	struct db_village_count *v = malloc(cap * sizeof(*v));

	if (v == NULL || (st = db_prepare(db, NULL, 0, "SELECT zone, count(*), "
	    "count(key_hex) FROM speakers GROUP BY zone ORDER BY zone",
	    DB_NO_ARGS)) == NULL) {
		free(v);
		return -1;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n == cap) {
			struct db_village_count *m = realloc(v, 2 * cap * sizeof(*v));
			if (m == NULL)
				break;
			v = m;
			cap *= 2;
		}
		const unsigned char *z = sqlite3_column_text(st, 0);
		snprintf(v[n].zone, sizeof(v[n].zone), "%s", z ? (const char *)z :
		    "");
		v[n].speakers = sqlite3_column_int(st, 1);
		v[n].enrolled = sqlite3_column_int(st, 2);
		n++;
	}
	sqlite3_finalize(st);
	free(db->counts);
	db->counts = v;
	db->ncounts = n;
	db->counts_gen = db->speakers_gen;
	return 0;
}

int
db_village_counts_each(struct db *db, const char *prefix,
    void (*fn)(const struct db_village_count *v, void *arg), void *arg)
{
	size_t len = strlen(prefix);

	if ((db->counts == NULL || db->counts_gen != db->speakers_gen) &&
	    load_counts(db) != 0)
		return -1;
	for (size_t i = 0; i < db->ncounts; i++)
		if (strncmp(db->counts[i].zone, prefix, len) == 0)
			fn(&db->counts[i], arg);
	return 0;
}
