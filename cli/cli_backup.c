/*
 * cli_backup.c — `dalaba backup FILE` and `dalaba restore FILE`: the store
 * (STATE_DIR/dalaba.db) copied through SQLite's online backup API.
 *
 * backup runs beside a running dalabad: one backup step over the whole
 * database inside one read transaction, so the copy is one consistent
 * moment of the store; the store is in WAL mode, where a reader never
 * blocks the daemon's writes, so nothing on the air waits. The copy is
 * written to FILE.new, checked (PRAGMA integrity_check), synced and only
 * then renamed to FILE; an existing FILE is refused.
 *
 * restore needs dalabad stopped (it refuses while dalabad's API answers):
 * it checks FILE the same way, keeps the current database (and its WAL)
 * as dalaba.db.before-restore, and writes FILE's contents in its place.
 * dalabad migrates an older schema when it next starts.
 *
 * Local files, not the API: run on the server, as the user that owns the
 * state directory (sudo -u dalaba dalaba --state-dir /var/lib/dalaba ...).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "cli/cli.h"
#include "cli/cli_int.h"

static void
usage(FILE *f)
{
	fprintf(f,
"usage: dalaba backup [--state-dir DIR] FILE\n"
"       dalaba restore [--state-dir DIR] FILE\n"
"\n"
"backup copies dalabad's store (DIR/dalaba.db) to FILE while dalabad\n"
"runs, as one consistent moment, without pausing anything on the air;\n"
"FILE must not exist. restore puts FILE back as the store: stop dalabad\n"
"first (systemctl stop dalabad); the current store is kept as\n"
"dalaba.db.before-restore. Both check the copy with SQLite's\n"
"integrity_check. Run them as the user owning the state directory.\n");
}

/* A database's integrity check and schema version: 0 fine. */
static int
check_db(sqlite3 *db, const char *what, int *version)
{
	sqlite3_stmt *st;
	int ok = 0;

	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) ==
	    SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		ok = strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0;
	sqlite3_finalize(st);
	if (!ok) {
		fprintf(stderr, "dalaba: %s fails SQLite's integrity check: %s\n",
		    what, sqlite3_errmsg(db));
		return -1;
	}
	*version = -1;
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) ==
	    SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		*version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (*version <= 0) {
		fprintf(stderr, "dalaba: %s is not a dalaba store (schema version "
		    "%d)\n", what, *version);
		return -1;
	}
	return 0;
}

static int
fsync_path(const char *path)
{
	int fd = open(path, O_RDONLY);
	int rc = fd >= 0 && fsync(fd) == 0 ? 0 : -1;
	if (fd >= 0)
		close(fd);
	return rc;
}

/* from (open) into the new file at to, one step; checked and synced. */
static int
copy_db(sqlite3 *from, const char *to, int *version)
{
	sqlite3 *dst = NULL;
	int rc = -1;

	if (sqlite3_open_v2(to, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
	    NULL) != SQLITE_OK) {
		fprintf(stderr, "dalaba: %s: %s\n", to, sqlite3_errmsg(dst));
		goto out;
	}
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", from, "main");
	if (b == NULL) {
		fprintf(stderr, "dalaba: backup: %s\n", sqlite3_errmsg(dst));
		goto out;
	}
	/* All pages in one step: one read transaction, one moment. */
	int step;
	while ((step = sqlite3_backup_step(b, -1)) == SQLITE_BUSY ||
	    step == SQLITE_LOCKED)
		sqlite3_sleep(20);
	if (sqlite3_backup_finish(b) != SQLITE_OK || step != SQLITE_DONE) {
		fprintf(stderr, "dalaba: backup: %s\n", sqlite3_errmsg(dst));
		goto out;
	}
	/* A file of its own, not a WAL database with a side file. */
	sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
	if (check_db(dst, to, version) != 0)
		goto out;
	rc = 0;
out:
	sqlite3_close(dst);
	if (rc == 0 && fsync_path(to) != 0) {
		fprintf(stderr, "dalaba: %s: %s\n", to, strerror(errno));
		rc = -1;
	}
	return rc;
}

static sqlite3 *
open_ro(const char *path)
{
	sqlite3 *db = NULL;

	if (access(path, R_OK) != 0) {
		fprintf(stderr, "dalaba: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		fprintf(stderr, "dalaba: %s: %s\n", path, sqlite3_errmsg(db));
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, 5000);
	return db;
}

static int
backup(const char *state, const char *file)
{
	char store[4096], tmp[4096];
	struct stat sb;
	int version;

	snprintf(store, sizeof(store), "%s/dalaba.db", state);
	if (stat(file, &sb) == 0) {
		fprintf(stderr, "dalaba: %s exists; a backup never overwrites a "
		    "file\n", file);
		return 1;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.new", file) >= (int)sizeof(tmp))
		return 2;
	sqlite3 *src = open_ro(store);
	if (src == NULL)
		return 1;
	unlink(tmp);
	int rc = copy_db(src, tmp, &version);
	sqlite3_close(src);
	if (rc != 0 || rename(tmp, file) != 0) {
		if (rc == 0)
			fprintf(stderr, "dalaba: %s: %s\n", file, strerror(errno));
		unlink(tmp);
		return 1;
	}
	stat(file, &sb);
	printf("backed up %s (schema version %d) to %s: %lld bytes, checked\n",
	    store, version, file, (long long)sb.st_size);
	return 0;
}

static int
restore(const char *state, const char *file)
{
	char store[4096], keep[4200], tmp[4200], side[4300], kept_side[4400];
	int version;

	snprintf(store, sizeof(store), "%s/dalaba.db", state);
	/* dalabad's API answering means it has the store open. (Asked with
	 * stderr shut: "cannot reach dalabad" is the answer hoped for.) */
	JsonNode *out = NULL;
	fflush(stderr);
	int saved = dup(STDERR_FILENO), null = open("/dev/null", O_WRONLY);
	if (null >= 0)
		dup2(null, STDERR_FILENO);
	int answered = cli_call("GET", "status", NULL, &out) != CLI_UNREACHABLE;
	if (saved >= 0) {
		dup2(saved, STDERR_FILENO);
		close(saved);
	}
	if (null >= 0)
		close(null);
	if (answered) {
		if (out)
			json_node_unref(out);
		fprintf(stderr, "dalaba: dalabad is running on %s; stop it first "
		    "(systemctl stop dalabad), then restore\n", state);
		return 1;
	}
	if (out)
		json_node_unref(out);
	sqlite3 *src = open_ro(file);
	if (src == NULL)
		return 1;
	if (check_db(src, file, &version) != 0) {
		sqlite3_close(src);
		return 1;
	}
	snprintf(tmp, sizeof(tmp), "%s.restore", store);
	unlink(tmp);
	int rc = copy_db(src, tmp, &version);
	sqlite3_close(src);
	if (rc != 0) {
		unlink(tmp);
		return 1;
	}
	/* Keep what was there, WAL and all, then put the copy in place. */
	snprintf(keep, sizeof(keep), "%s.before-restore", store);
	if (access(store, F_OK) == 0 && rename(store, keep) != 0) {
		fprintf(stderr, "dalaba: %s: %s\n", store, strerror(errno));
		unlink(tmp);
		return 1;
	}
	for (int i = 0; i < 2; i++) {
		const char *suffix = i ? "-shm" : "-wal";
		snprintf(side, sizeof(side), "%s%s", store, suffix);
		snprintf(kept_side, sizeof(kept_side), "%s%s", keep, suffix);
		if (access(side, F_OK) == 0 && rename(side, kept_side) != 0) {
			fprintf(stderr, "dalaba: %s: %s\n", side, strerror(errno));
			return 1;
		}
	}
	if (rename(tmp, store) != 0) {
		fprintf(stderr, "dalaba: %s: %s\n", store, strerror(errno));
		return 1;
	}
	fsync_path(state);
	printf("restored %s (schema version %d) as %s; the previous store is "
	    "%s; start dalabad\n", file, version, store, keep);
	return 0;
}

static int
run(int argc, char **argv, int (*fn)(const char *, const char *))
{
	static const struct option opts[] = { COMMON_OPTS, { NULL, 0, NULL, 0 } };
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return 0;
		}
		if (!cli_common_opt(c)) {
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	return fn(client_state_dir(cli_state_flag), argv[optind]);
}

int
cli_backup(int argc, char **argv)
{
	return run(argc, argv, backup);
}

int
cli_restore(int argc, char **argv)
{
	return run(argc, argv, restore);
}
