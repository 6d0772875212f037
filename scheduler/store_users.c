/*
 * store_users.c — users, their sessions and API tokens in the store. The
 * secrets themselves never reach the file: sessions and tokens are looked
 * up by a hash of the secret, passwords are argon2id strings made by the
 * web admin.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "scheduler/store_int.h"

static bool
role_fits_zone(const char *role, const char *zone)
{
	size_t n = strlen(zone);

	return (strcmp(role, "county") == 0 && n == 6) ||
	    (strcmp(role, "township") == 0 && n == 9) ||
	    (strcmp(role, "village") == 0 && n == 12);
}

int
db_user_add(struct db *db, const char *name, const char *role,
    const char *zone, const char *pw_hash, int64_t *id, char *err,
    size_t errlen)
{
	if (!role_fits_zone(role, zone)) {
		snprintf(err, errlen, "a %s user needs a %s zone", role,
		    role[0] == 'c' ? "6-digit county" : role[0] == 't' ?
		    "9-digit township" : "12-digit village");
		return -1;
	}
	if (strlen(name) == 0 || strlen(name) > DB_NAME_MAX ||
	    strlen(pw_hash) > DB_PWHASH_MAX) {
		snprintf(err, errlen, "bad user name or password hash");
		return -1;
	}
	if (db_run(db, err, errlen, "INSERT INTO users (name, role, zone, "
	    "pw_hash, created_at) VALUES (?, ?, ?, ?, ?)", DB_ARGS(name, role,
	    zone, pw_hash, (int64_t)time(NULL))) != SQLITE_DONE)
		return -1;
	*id = sqlite3_last_insert_rowid(db->h);
	return 0;
}

static void
copy_col(sqlite3_stmt *st, int i, char *dst, size_t n)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	snprintf(dst, n, "%s", s ? (const char *)s : "");
}

static int
user_where(struct db *db, const char *where, struct db_arg key,
    struct db_user *u)
{
	sqlite3_stmt *st;
	char sql[256];
	int rc;

	snprintf(sql, sizeof(sql), "SELECT id, name, role, zone, pw_hash, "
	    "disabled_at IS NOT NULL FROM users WHERE %s", where);
	if ((st = db_prepare(db, NULL, 0, sql, &key, 1)) == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(u, 0, sizeof(*u));
		u->id = sqlite3_column_int64(st, 0);
		copy_col(st, 1, u->name, sizeof(u->name));
		copy_col(st, 2, u->role, sizeof(u->role));
		copy_col(st, 3, u->zone, sizeof(u->zone));
		copy_col(st, 4, u->pw_hash, sizeof(u->pw_hash));
		u->disabled = sqlite3_column_int(st, 5) != 0;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int
db_user_by_name(struct db *db, const char *name, struct db_user *u)
{
	return user_where(db, "name = ?", DB_ARG(name), u);
}

int
db_user_by_id(struct db *db, int64_t id, struct db_user *u)
{
	return user_where(db, "id = ?", DB_ARG(id), u);
}

int
db_user_count(struct db *db)
{
	sqlite3_stmt *st;
	int n = -1;

	if (sqlite3_prepare_v2(db->h, "SELECT count(*) FROM users", -1, &st,
	    NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

int
db_user_set_password(struct db *db, int64_t id, const char *pw_hash,
    char *err, size_t errlen)
{
	if (db_run(db, err, errlen, "UPDATE users SET pw_hash = ? WHERE id = ? "
	    "AND disabled_at IS NULL", DB_ARGS(pw_hash, id)) != SQLITE_DONE)
		return -1;
	if (sqlite3_changes(db->h) != 1) {
		snprintf(err, errlen, "no such user");
		return -1;
	}
	return 0;
}

int
db_user_disable(struct db *db, int64_t id, char *err, size_t errlen)
{
	int64_t now = time(NULL);

	if (db_run(db, err, errlen, "SAVEPOINT disable_user", DB_NO_ARGS) !=
	    SQLITE_DONE)
		return -1;
	if (db_run(db, err, errlen, "UPDATE users SET disabled_at = ? WHERE id "
	    "= ? AND disabled_at IS NULL", DB_ARGS(now, id)) != SQLITE_DONE)
		goto fail;
	if (sqlite3_changes(db->h) != 1) {
		snprintf(err, errlen, "no such user, or already disabled");
		goto fail;
	}
	if (db_run(db, err, errlen, "DELETE FROM sessions WHERE user_id = ?",
	    DB_ARGS(id)) != SQLITE_DONE || db_run(db, err, errlen, "UPDATE "
	    "api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS "
	    "NULL", DB_ARGS(now, id)) != SQLITE_DONE)
		goto fail;
	return db_run(db, err, errlen, "RELEASE disable_user", DB_NO_ARGS) ==
	    SQLITE_DONE ? 0 : -1;
fail:
	sqlite3_exec(db->h, "ROLLBACK TO disable_user; RELEASE disable_user",
	    NULL, NULL, NULL);
	return -1;
}

int
db_session_add(struct db *db, const char *token_hash, int64_t user_id,
    const char *csrf, int64_t expires_at, const char *source)
{
	char err[128];

	/* Expired sessions go as new ones come, so the table stays small. */
	db_run(db, err, sizeof(err), "DELETE FROM sessions WHERE expires_at < "
	    "?", DB_ARGS((int64_t)time(NULL)));
	return db_run(db, err, sizeof(err), "INSERT INTO sessions (token_hash, "
	    "user_id, csrf, created_at, expires_at, source) VALUES (?, ?, ?, "
	    "?, ?, ?)", DB_ARGS(token_hash, user_id, csrf, (int64_t)time(NULL),
	    expires_at, source)) == SQLITE_DONE ? 0 : -1;
}

int
db_session_get(struct db *db, const char *token_hash, int64_t now,
    int64_t *user_id, char csrf[33])
{
	sqlite3_stmt *st;
	int rc;

	if ((st = db_prepare(db, NULL, 0, "SELECT s.user_id, s.csrf FROM "
	    "sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = "
	    "? AND s.expires_at > ? AND u.disabled_at IS NULL",
	    DB_ARGS(token_hash, now))) == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*user_id = sqlite3_column_int64(st, 0);
		copy_col(st, 1, csrf, 33);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int
db_session_delete(struct db *db, const char *token_hash)
{
	char err[128];

	return db_run(db, err, sizeof(err), "DELETE FROM sessions WHERE "
	    "token_hash = ?", DB_ARGS(token_hash)) == SQLITE_DONE ? 0 : -1;
}

int
db_session_delete_user(struct db *db, int64_t user_id, const char *keep_hash)
{
	char err[128];

	return db_run(db, err, sizeof(err), "DELETE FROM sessions WHERE "
	    "user_id = ? AND token_hash IS NOT ?", DB_ARGS(user_id, keep_hash))
	    ==
	    SQLITE_DONE ? 0 : -1;
}

int
db_token_add(struct db *db, const char *token_hash, int64_t user_id,
    const char *label)
{
	char err[128];

	return db_run(db, err, sizeof(err), "INSERT INTO api_tokens "
	    "(token_hash, user_id, label, created_at) VALUES (?, ?, ?, ?)",
	    DB_ARGS(token_hash, user_id, label, (int64_t)time(NULL))) ==
	    SQLITE_DONE ?
	    0 : -1;
}

int
db_token_get(struct db *db, const char *token_hash, int64_t *user_id)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = db_prepare(db, NULL, 0, "SELECT t.user_id FROM api_tokens t "
	    "JOIN users u ON u.id = t.user_id WHERE t.token_hash = ? AND "
	    "t.revoked_at IS NULL AND u.disabled_at IS NULL",
	    DB_ARGS(token_hash))) == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*user_id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int
db_token_each(struct db *db, int64_t user_id, db_token_fn fn, void *arg)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = db_prepare(db, NULL, 0, "SELECT rowid, label, created_at "
	    "FROM api_tokens WHERE user_id = ? AND revoked_at IS NULL ORDER BY "
	    "rowid DESC", DB_ARGS(user_id))) == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct db_token t = { .id = sqlite3_column_int64(st, 0),
		    .created_at = sqlite3_column_int64(st, 2) };
		copy_col(st, 1, t.label, sizeof(t.label));
		fn(&t, arg);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
db_token_count(struct db *db, int64_t user_id)
{
	return db_int(db, "SELECT count(*) FROM api_tokens WHERE user_id = ? AND "
	    "revoked_at IS NULL", DB_ARGS(user_id));
}

int
db_token_revoke(struct db *db, int64_t user_id, int64_t id)
{
	char err[128];

	if (db_run(db, err, sizeof(err), "UPDATE api_tokens SET revoked_at = ? "
	    "WHERE rowid = ? AND user_id = ? AND revoked_at IS NULL",
	    DB_ARGS((int64_t)time(NULL), id, user_id)) != SQLITE_DONE)
		return -1;
	return sqlite3_changes(db->h) == 1 ? 1 : 0;
}

int
db_token_revoke_user(struct db *db, int64_t user_id)
{
	char err[128];

	if (db_run(db, err, sizeof(err), "UPDATE api_tokens SET revoked_at = ? "
	    "WHERE user_id = ? AND revoked_at IS NULL",
	    DB_ARGS((int64_t)time(NULL), user_id)) != SQLITE_DONE)
		return -1;
	return sqlite3_changes(db->h);
}
