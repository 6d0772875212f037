/*
 * store.h — inside scheduler/: dalabad's SQLite store. One file, WAL,
 * foreign keys on, synchronous=FULL (an acknowledged notice is on disk),
 * schema in forward migrations counted by PRAGMA user_version. Bad input is
 * refused by the schema itself (CHECK, FOREIGN KEY), so nothing half-valid
 * is ever stored, whichever code path writes.
 */
#ifndef DALABA_SCHED_STORE_H
#define DALABA_SCHED_STORE_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#define DB_SCHEMA_VERSION 1

struct db {
	sqlite3 *h;
};

/* Open (creating if needed) and migrate to DB_SCHEMA_VERSION. Refuses a
 * database newer than this code (never downgrade). */
struct db *db_open(const char *path, char *err, size_t errlen);
void db_close(struct db *db);	/* NULL is a no-op */
int db_schema_version(struct db *db);
/* PRAGMA integrity_check == "ok" ? 0 : -1 */
int db_check(struct db *db, char *err, size_t errlen);

/* Zones: code of 6 (county), 9 (township) or 12 (village) digits. */
int db_zone_add(struct db *db, const char *code, const char *name, char *err,
    size_t errlen);
/* Calls fn for each zone under prefix ("" for all), in code order. */
int db_zone_each(struct db *db, const char *prefix,
    void (*fn)(const char *code, const char *name, void *arg), void *arg);

struct db_notice {
	int64_t id;
	const char *title;	/* may be NULL */
	const char *body;
	const char *voice;	/* NULL: mandarin */
	int repeat;		/* 1-10 */
	int chime;
	int priority;		/* 0 village .. 3 emergency */
	const char *zone;
	int64_t created_by;	/* user id, 0 for none */
};

/* Store a notice; *id gets its id. Durable when this returns 0. */
int db_notice_add(struct db *db, const struct db_notice *n, int64_t *id,
    char *err, size_t errlen);
int db_notice_cancel(struct db *db, int64_t id, char *err, size_t errlen);
/* Is the notice there and not cancelled? 1 yes, 0 no, -1 error. */
int db_notice_live(struct db *db, int64_t id);

/*
 * Slots. Before an item airs, its (notice, slot) pair is claimed; the
 * UNIQUE constraint makes the claim succeed once, across crashes and
 * restarts, which is what "nothing airs twice" rests on.
 * Returns 1 claimed (*broadcast_id set), 0 already claimed, -1 error.
 */
int db_slot_claim(struct db *db, int64_t notice_id, int64_t slot_at,
    int64_t *broadcast_id, char *err, size_t errlen);
/* Record how a claimed broadcast ended: "aired", "interrupted", "missed"
 * or "cancelled", with a reason (may be NULL). */
int db_slot_finish(struct db *db, int64_t broadcast_id, const char *outcome,
    const char *reason, char *err, size_t errlen);

/* Lexicon: pronunciation overrides kept in the store (tts_lexicon_add
 * checks them first, so the table holds only valid entries). */
struct tts_lexicon;
int db_lexicon_set(struct db *db, const char *word, const char *pinyin,
    char *err, size_t errlen);
int db_lexicon_delete(struct db *db, const char *word, char *err,
    size_t errlen);
/* Add every stored entry to lex. */
int db_lexicon_load(struct db *db, struct tts_lexicon *lex, char *err,
    size_t errlen);

/* The append-only audit log. */
int db_audit(struct db *db, int64_t user_id, const char *source,
    const char *action, const char *detail);

#endif
