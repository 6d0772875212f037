/*
 * store.h — inside scheduler/: dalabad's SQLite store. One file, WAL,
 * foreign keys on, synchronous=FULL (an acknowledged notice is on disk),
 * schema in forward migrations counted by PRAGMA user_version. Bad input is
 * refused by the schema itself (CHECK, FOREIGN KEY), so nothing half-valid
 * is ever stored, whichever code path writes.
 */
#ifndef DALABA_SCHED_STORE_H
#define DALABA_SCHED_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "scheduler/db_args.h"
#include "scheduler/timetable.h"

#define DB_SCHEMA_VERSION 11
#define DB_SPEAKER_NAME_MAX 256	/* bytes: 64 characters of Chinese */

struct db_village_count {
	char zone[13];
	int speakers, enrolled;
};

struct db {
	sqlite3 *h;
	/* Loudspeakers counted by village, for summaries at any size of
	 * county without a scan of the table per request; rebuilt after a
	 * speaker is added or enrolled (db_speaker_add, db_speaker_set_key
	 * bump speakers_gen). */
	uint64_t speakers_gen, counts_gen;
	struct db_village_count *counts;
	size_t ncounts;
	/* Bumped by every change to a zone (db_zone_add, db_zone_set_*), so
	 * that a reader may keep what it made of the zones until then. */
	uint64_t zones_gen;
};

/* Open (creating if needed) and migrate to DB_SCHEMA_VERSION. Refuses a
 * database newer than this code (never downgrade). */
struct db *db_open(const char *path, char *err, size_t errlen);
void db_close(struct db *db);	/* NULL is a no-op */
int db_schema_version(struct db *db);
/* One transaction around many writes: one sync to disk instead of one
 * per row (a page's 1000 targets), and all or nothing. db_commit rolls
 * back when it fails. */
int db_begin(struct db *db);
int db_commit(struct db *db);
void db_rollback(struct db *db);
/* PRAGMA quick_check == "ok" ? 0 : -1 with what is wrong in err: run at
 * start, so a store damaged by a power cut is named in the log (dalabad
 * still runs on it: the loudspeakers must not go silent over it). */
int db_check(struct db *db, char *err, size_t errlen);

/* Zones: code of 6 (county), 9 (township) or 12 (village) digits. */
int db_zone_add(struct db *db, const char *code, const char *name, char *err,
    size_t errlen);

struct db_notice {
	int64_t id;
	const char *title;	/* may be NULL */
	const char *body;
	const char *voice;	/* NULL: mandarin */
	int repeat;		/* 1-10 */
	int chime;
	int priority;		/* enum bcast_priority, not URGENT (a
				 * schedule's, db_schedule.urgent) */
	const char *zone;	/* the smallest zone holding its targets */
	/* Its targets when there are several (each inside zone, none
	 * inside another), else NULL and 0: zone alone. */
	char **zones;
	size_t nzones;
	int64_t created_by;	/* user id, 0 for none */
	int rate;		/* words/minute; 0: 150 */
	const char *feed;	/* news: feed URL or "dir:PATH"; NULL: none */
	int feed_items;		/* newest items read from the feed; 0: 3 */
	int64_t page_id;	/* the emergency page it is part of; 0: none */
	/* A voice notice: the key of its recording (db_recording), heard
	 * instead of title and body, which are then shown, not read (body
	 * may be ""). NULL: a text notice. */
	const char *recording;
	/* On its village's listen-again page and podcast (a cadre's notice
	 * unless marked private; never a page). Set by db_notice_add from
	 * is_private and page_id. */
	bool is_private;
};

#define DB_NOTICE_MAX_ZONES 100	/* targets of one notice */

/* Store a notice; *id gets its id. Durable when this returns 0. */
int db_notice_add(struct db *db, const struct db_notice *n, int64_t *id,
    char *err, size_t errlen);
int db_notice_cancel(struct db *db, int64_t id, char *err, size_t errlen);
/* Replace a notice's content while it has never been claimed for air
 * (no broadcast row) and is not cancelled; -1 with err otherwise. */
int db_notice_update(struct db *db, const struct db_notice *n, char *err,
    size_t errlen);
/* A recording a cadre brought for a voice notice (store_recordings.c):
 * its archive is STATE_DIR/recordings/KEY.ogg. */
#define DB_RECORDING_KEY_LEN 32
struct db_recording {
	char key[DB_RECORDING_KEY_LEN + 1];	/* 32 lowercase hex digits */
	char zone[16];		/* the zone of whoever brought it */
	int64_t created_by;	/* user id, 0 for none */
	int64_t created_at;
	int64_t ms;		/* its length, archived and trimmed */
	int64_t bytes;		/* of the file brought */
	char format[32], codec[32];
};
int db_recording_add(struct db *db, const struct db_recording *r, char *err,
    size_t errlen);
/* 1 found (r filled), 0 no such key, -1 error. */
int db_recording_get(struct db *db, const char *key, struct db_recording *r);
/* Recordings older than before that no notice uses: their keys, for the
 * files to go too (at most max; *n gets how many). The rows are deleted. */
int db_recordings_prune(struct db *db, int64_t before, char (*keys)[33],
    size_t max, size_t *n, char *err, size_t errlen);
/* Is the notice there and not cancelled? 1 yes, 0 no, -1 error. */
int db_notice_live(struct db *db, int64_t id);

/*
 * Slots. Before an item airs, its (notice, slot) pair is claimed; the
 * UNIQUE constraint makes the claim succeed once, across crashes and
 * restarts, which is what "nothing airs twice" rests on.
 * The slot is claimed once per target: zone is one of the notice's
 * zones[] (NULL for a notice of one zone).
 * Returns 1 claimed (*broadcast_id set), 0 already claimed, -1 error.
 */
int db_slot_claim(struct db *db, int64_t notice_id, int64_t schedule_id,
    int64_t slot_at, int volume, const char *zone, int64_t *broadcast_id,
    char *err, size_t errlen);
/* Record how a claimed broadcast ended: "aired", "interrupted", "missed"
 * or "cancelled", with a reason (may be NULL). */
int db_slot_finish(struct db *db, int64_t broadcast_id, const char *outcome,
    const char *reason, char *err, size_t errlen);

/* Read a notice back; strings are malloc'd (db_notice_clear frees them).
 * Returns 1 found, 0 no such notice, -1 error. */
int db_notice_get(struct db *db, int64_t id, struct db_notice *n,
    bool *cancelled);
void db_notice_clear(struct db_notice *n);

/* ---- schedules (store_air.c) ---- */

struct db_schedule {
	int64_t id;
	int64_t notice_id;
	struct tt_rule rule;
	int volume;		/* 0-100, or -1: the speakers' own */
	bool urgent;		/* a cut-in (插播): airs as BCAST_PRIO_URGENT */
	int64_t created_at;
	int64_t checked_until;	/* slots up to here are dealt with */
};

/* Store a schedule for a live notice; sets s->id, created_at (now) and
 * checked_until (a second before now: slots from now on are due). */
int db_schedule_add(struct db *db, struct db_schedule *s, char *err,
    size_t errlen);
int db_schedule_remove(struct db *db, int64_t id, char *err, size_t errlen);
/* Live schedules (not removed, of a notice not cancelled) of notice_id,
 * and of the notices user_id wrote; -1 on error. */
int db_schedules_live(struct db *db, int64_t notice_id, int64_t user_id,
    int *of_notice, int *of_user);
/* Each schedule not removed whose notice is not cancelled. */
int db_schedule_each(struct db *db,
    void (*fn)(const struct db_schedule *s, void *arg), void *arg);
int db_schedule_checked(struct db *db, int64_t id, int64_t until);
/* Is schedule id a cut-in? 1 yes, 0 no (or no such schedule), -1 error. */
int db_schedule_urgent(struct db *db, int64_t id);

/* ---- broadcasts ---- */

/* audio: the rendered file it aired (its name in the render cache). */
int db_broadcast_on_air(struct db *db, int64_t id, int64_t at,
    const char *audio);
int db_broadcast_interrupted(struct db *db, int64_t id);
/* A speaker the broadcast was sent to, and whether it confirmed playing. */
int db_broadcast_target(struct db *db, int64_t id, uint32_t speaker_id);
/* Every loudspeaker of zone (by prefix; enrolled or not) as a target of
 * broadcast id: how many targets it has now, or -1. */
int db_broadcast_targets(struct db *db, int64_t id, const char *zone);
int db_broadcast_confirm(struct db *db, int64_t id, uint32_t speaker_id,
    int64_t at);
/* The same for n speakers at once (inside the caller's transaction). */
int db_broadcast_confirm_many(struct db *db, int64_t id,
    const uint32_t *speakers, size_t n, int64_t at);

/* Store and forward (store_carry.c): the items carried to boxes ahead
 * of their slot, by their stream's SSRC. */
struct db_carry {
	uint32_t ssrc;
	int64_t schedule_id, notice_id, slot_at;
	char zone[13];
	int64_t end_pts;		/* the wire's clock */
	int64_t content;		/* the notice's content when carried */
	bool revoked;
};
int db_carry_add(struct db *db, const struct db_carry *c, int64_t now);
int db_carry_revoke(struct db *db, uint32_t ssrc, int64_t now);
/* 1 with *c, 0 not known, -1 error. */
int db_carry_get(struct db *db, uint32_t ssrc, struct db_carry *c);
/* Those carried since since, revoked or not. */
int db_carry_each(struct db *db, int64_t since,
    void (*fn)(const struct db_carry *c, void *arg), void *arg);
/* A box aired broadcast id from its copy: confirmed (at its time), and
 * marked as from the copy. */
int db_broadcast_confirm_copy(struct db *db, int64_t id, uint32_t speaker_id,
    int64_t at);
/* The broadcast of a schedule's slot: its id, 0 none yet, -1 error. */
int64_t db_broadcast_of_slot(struct db *db, int64_t schedule_id,
    int64_t slot_at);

struct db_open_broadcast {
	int64_t id, notice_id, schedule_id, slot_at;
	int volume;
	char zone[13];		/* "" : the notice's own zone */
};
/* The audio (names in the render cache) of what went on the air since
 * since: the archive the history keeps. */
int db_broadcast_audio_each(struct db *db, int64_t since,
    void (*fn)(const char *audio, void *arg), void *arg);
/* Broadcasts claimed but never finished (the daemon stopped meanwhile). */
int db_broadcast_open_each(struct db *db,
    void (*fn)(const struct db_open_broadcast *b, void *arg), void *arg);

/* A part of a broadcast's zone lost to a higher item, to re-air there
 * alone: a new broadcast of the same notice for zone, its slot the first
 * free second from at. */
int db_broadcast_reair(struct db *db, int64_t parent_id, const char *zone,
    int64_t at, int64_t *id, char *err, size_t errlen);

/* ---- emergency pages (store_pages.c) ---- */

struct db_page {
	int64_t id;
	int64_t created_at, created_by;	/* user id, 0: the machine token */
	const char *source;	/* "web", "api", "cap" */
	const char *body;	/* the exact text read */
	const char *zones;	/* target zones, space-separated */
	int repeat, volume;
	int64_t expires_at;
	const char *state;	/* active ended cancelled expired logged */
	int64_t ended_at;
	const char *reason;
	/* CAP alerts only (else NULL): */
	const char *cap_sender, *cap_identifier, *cap_sent, *cap_status,
	    *cap_msgtype;
};

/* Store a page (its notices are added by the caller, with page_id). */
int db_page_add(struct db *db, const struct db_page *p, int64_t *id,
    char *err, size_t errlen);
/* 1 found (strings malloc'd: db_page_clear), 0 none, -1 error. */
int db_page_get(struct db *db, int64_t id, struct db_page *p);
void db_page_clear(struct db_page *p);
/* The page an earlier CAP alert became: its id, 0 none, -1 error. */
int64_t db_page_find_cap(struct db *db, const char *sender,
    const char *identifier, const char *sent);
/* From active to state (ended, cancelled, expired); 0 changed, 1 it was
 * no longer active, -1 error. */
int db_page_finish(struct db *db, int64_t id, const char *state,
    const char *reason);
/* Cancel an active page and its notices (in the caller's transaction,
 * with its audit row). 0 done, 1 it was no longer active, -1 error. */
int db_page_cancel(struct db *db, int64_t id, char *err, size_t errlen);
/* The newest pages first, at most limit; visible_to: zone prefix of who
 * asks ("" everything). */
int db_page_each(struct db *db, const char *visible_to, int limit,
    void (*fn)(const struct db_page *p, void *arg), void *arg);
/* Its notices' ids (up to max); returns how many, -1 on error. */
int db_page_notices(struct db *db, int64_t id, int64_t *out, int max);
/* Distinct target speakers of its broadcasts, and how many confirmed. */
int db_page_counts(struct db *db, int64_t id, int *targets, int *confirmed);
/* A loudspeaker as lists show it. */
struct db_speaker_row {
	uint32_t id;
	char zone[13];
	char name[DB_SPEAKER_NAME_MAX + 1];
	bool enrolled;		/* its key is set: it has fetched its config */
};
/* Each target speaker that has not confirmed, the first limit by id. */
int db_page_unconfirmed_each(struct db *db, int64_t id, int limit,
    void (*fn)(const struct db_speaker_row *s, void *arg), void *arg);

/* ---- speakers and zones ---- */

int db_speaker_add(struct db *db, uint32_t id, const char *zone,
    const char *name, char *err, size_t errlen);
int db_speaker_set_key(struct db *db, uint32_t id, const char *key_hex,
    char *err, size_t errlen);
/* Each speaker; key_hex is NULL until the box has enrolled. */
int db_speaker_each(struct db *db, void (*fn)(uint32_t id, const char *zone,
    const char *name, const char *key_hex, void *arg), void *arg);
/* Loudspeakers of zone (by prefix): how many, how many enrolled. */
int db_zone_speakers(struct db *db, const char *zone, int *total,
    int *enrolled);
/* Each village with loudspeakers under prefix, in code order, with its
 * counts (from the cache above). */
int db_village_counts_each(struct db *db, const char *prefix,
    void (*fn)(const struct db_village_count *v, void *arg), void *arg);

/* Enrolment tokens, by the hex hash of the token. Adding one revokes the
 * speaker's earlier ones, and forgets tokens done with (used, revoked or
 * expired) a month ago. created_by: user id, 0 the machine token. */
/* How many tokens user_id made since since (a rate per user); -1. */
int db_enroll_tokens_made(struct db *db, int64_t user_id, int64_t since);
int db_enroll_token_add(struct db *db, const char *token_hash,
    uint32_t speaker_id, int64_t created_by, int64_t expires_at, char *err,
    size_t errlen);
/* Spend a live token: 1 (speaker id and zone set; the token is used from
 * now on), 0 unknown, spent, revoked or expired, -1 error. */
int db_enroll_token_take(struct db *db, const char *token_hash, int64_t now,
    uint32_t *speaker_id, char zone[13]);

/* Quiet hours of the zone a notice targets ("HH:MM" each), minutes after
 * midnight; the default 21:30-06:00 if the zone is unknown. */
void db_zone_quiet(struct db *db, const char *code, int *start, int *end);
/* A zone's own volume (0-100) for routine items sent to it whose schedule
 * leaves the volume to the boxes; -1: none set (the boxes' own). */
int db_zone_volume(struct db *db, const char *code);
/* Set it (-1: none). 0, or -1 with err (no such zone). */
int db_zone_set_volume(struct db *db, const char *code, int volume, char *err,
    size_t errlen);
/* Is code a zone, and do CAP exercises and tests air there? 1 drills,
 * 0 no drills, -1 no such zone (or an error). */
int db_zone_drills(struct db *db, const char *code);
/* Do CAP exercises and tests air in this zone? */
int db_zone_set_drills(struct db *db, const char *code, bool on, char *err,
    size_t errlen);
int db_zone_set_quiet(struct db *db, const char *code, const char *start,
    const char *end, char *err, size_t errlen);

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

/* ---- people (store_users.c) ---- */

#define DB_NAME_MAX 256		/* bytes: 64 characters of Chinese */
#define DB_PWHASH_MAX 128	/* crypto_pwhash_STRBYTES */

struct db_user {
	int64_t id;
	char name[DB_NAME_MAX + 1];
	char role[16];		/* county, township, village */
	char zone[13];
	char pw_hash[DB_PWHASH_MAX + 1];
	bool disabled;
};

/* The role must fit the zone: county 6 digits, township 9, village 12. */
int db_user_add(struct db *db, const char *name, const char *role,
    const char *zone, const char *pw_hash, int64_t *id, char *err,
    size_t errlen);
/* 1 found, 0 no such user, -1 error. */
int db_user_by_name(struct db *db, const char *name, struct db_user *u);
int db_user_by_id(struct db *db, int64_t id, struct db_user *u);
int db_user_count(struct db *db);
int db_user_set_password(struct db *db, int64_t id, const char *pw_hash,
    char *err, size_t errlen);
/* Disable a user and end their sessions and tokens, in one transaction. */
int db_user_disable(struct db *db, int64_t id, char *err, size_t errlen);

/* Sessions and API tokens by the hex hash of their secret. */
int db_session_add(struct db *db, const char *token_hash, int64_t user_id,
    const char *csrf, int64_t expires_at, const char *source);
/* 1 a live session of an enabled user (*user_id, csrf[33] set), 0 none. */
int db_session_get(struct db *db, const char *token_hash, int64_t now,
    int64_t *user_id, char csrf[33]);
int db_session_delete(struct db *db, const char *token_hash);
/* End every session of a user but keep_hash's (NULL: all of them). */
int db_session_delete_user(struct db *db, int64_t user_id,
    const char *keep_hash);
int db_token_add(struct db *db, const char *token_hash, int64_t user_id,
    const char *label);
/* 1 a live token of an enabled user (*user_id set), 0 none. */
int db_token_get(struct db *db, const char *token_hash, int64_t *user_id);
/* A user's live tokens, newest first (the secret itself is never kept). */
struct db_token {
	int64_t id;
	char label[65];
	int64_t created_at;
};
typedef void (*db_token_fn)(const struct db_token *t, void *arg);
int db_token_each(struct db *db, int64_t user_id, db_token_fn fn, void *arg);
int db_token_count(struct db *db, int64_t user_id);	/* live ones; -1 */
/* Revoke user_id's token id: 1 revoked, 0 no such live token, -1 error. */
int db_token_revoke(struct db *db, int64_t user_id, int64_t id);
/* Revoke every live token of a user (a password changed or reset):
 * how many, or -1. */
int db_token_revoke_user(struct db *db, int64_t user_id);

/* The append-only audit log. zone: what the entry is about (its
 * readers are those whose zone contains it); "" or NULL for no zone. */
int db_audit(struct db *db, int64_t user_id, const char *source,
    const char *zone, const char *action, const char *detail);

/* ---- listings for the API (store_lists.c) ----
 * What the JSON API shows, read by name: the SQL stays in the store, the
 * values are DB_ARGS(...) (bound by their C type; a wrong count fails on
 * the first run). Each row is handed over column by column, named as the
 * API shows it. */
enum db_list {
	DB_LIST_AUDIT,
	DB_LIST_BROADCASTS,
	DB_LIST_BROADCASTS_SINCE,
	DB_LIST_BROADCAST_AUDIO,
	DB_LIST_LEXICON,
	DB_LIST_LEXICON_WORD,
	DB_LIST_NOTICE,
	DB_LIST_NOTICES,
	DB_LIST_NOTICE_BROADCASTS,
	DB_LIST_NOTICE_CANCELLED,
	DB_LIST_NOTICE_SCHEDULES,
	DB_LIST_NOTICE_ZONE,
	DB_LIST_SCHEDULES,
	DB_LIST_SCHEDULE_ZONE,
	DB_LIST_SPEAKERS,
	DB_LIST_SPEAKERS_SILENT,
	DB_LIST_SPEAKER_FREE_ID,
	DB_LIST_SPEAKER_ZONE,
	DB_LIST_TIMETABLE_NOTICES,
	DB_LIST_USERS,
	DB_LIST_ZONE,
	DB_LIST_ZONES,
	/* The notice list's search and filters: ?1 zone prefix ('' all), ?2
	 * the caller's zone (seen), ?3 text the title or body contains (''
	 * any), ?4 cancelled (-1 either, 0 live, 1 cancelled), ?5 at most;
	 * with how often each aired and when last. */
	DB_LIST_NOTICES_FIND,
	/* The history's: ?1 the caller's zone (seen), ?2 zone prefix, ?3 slot
	 * from (0: any), ?4 slot before (0: any), ?5 outcome ('' any,
	 * 'pending' not yet finished), ?6 text of the title or body, ?7 at
	 * most. */
	DB_LIST_BROADCASTS_FIND,
	/* Listening again (web-admin/page_public.c), what anyone may hear:
	 * public notices, not cancelled, not part of a page. ?1 a village;
	 * what aired there (its broadcast's zone is the village or holds it)
	 * since ?2, newest first, at most ?3: id, title, body, aired_at and
	 * the audio key of its last airing. */
	DB_LIST_PUBLIC_AIRED,
	/* One of them: ?1 the village, ?2 the notice id. */
	DB_LIST_PUBLIC_NOTICE,
	/* The live schedules of public notices that air in ?1 (a target of
	 * theirs is the village or holds it): schedule id, notice, title. */
	DB_LIST_PUBLIC_SCHEDULES,
	DB_LIST_COUNT_		/* not a listing: how many there are */
};
enum db_cell_type { DB_CELL_INT, DB_CELL_REAL, DB_CELL_TEXT, DB_CELL_NULL };
struct db_cell {
	const char *name;
	enum db_cell_type type;
	int64_t i;
	double real;
	const char *text;	/* valid during the call */
};
struct db_list_fn {
	void (*row)(void *arg);		/* a row begins */
	void (*cell)(void *arg, const struct db_cell *c);
};
/* 0, or -1 with err set (a database error; the rows handed over so far
 * are to be discarded). */
int db_list(struct db *db, enum db_list which, const struct db_arg *args,
    int nargs, const struct db_list_fn *fn, void *arg, char *err,
    size_t errlen);

/* ---- a loudspeaker's own volume and health history (store_health.c) ---- */

/* Its own volume (0-100), -1 when none is set (the box's configured one),
 * -2 on error or no such speaker. */
int db_speaker_volume(struct db *db, uint32_t id);
/* Set it (volume -1: none); -1 with err if there is no such speaker. */
int db_speaker_set_volume(struct db *db, uint32_t id, int volume, char *err,
    size_t errlen);
/* Each speaker with a volume of its own set. */
int db_speaker_volumes_each(struct db *db, void (*fn)(uint32_t id,
    int volume, void *arg), void *arg);

/* One change in a box's health, as dalabad saw it in its heartbeats. */
enum db_speaker_event_kind {
	DB_EV_ONLINE = 0,	/* value 1: back online; 0: gone offline */
	DB_EV_RESTART,		/* the agent started again (value: its uptime
				 * before, s) */
	DB_EV_AUDIO_ERRORS,	/* more sound-card errors (value: how many new) */
	DB_EV_AMP_ERRORS,	/* more amplifier errors (value: how many new) */
	DB_EV_LOSS,		/* packets lost over a stretch (value: per mille) */
	DB_EV_TONE,		/* a test tone (value 1: the box confirmed it) */
	DB_EV_MAX,
};
struct db_speaker_event {
	int64_t id;
	uint32_t speaker_id;
	int64_t at;		/* unix seconds */
	enum db_speaker_event_kind kind;
	int64_t value;
};
/* Append one (inside the caller's db_begin/db_commit when there are many). */
int db_speaker_event_add(struct db *db, const struct db_speaker_event *e);
/* A speaker's events at or after since, newest first, at most limit. */
int db_speaker_events_each(struct db *db, uint32_t id, int64_t since,
    int limit, void (*fn)(const struct db_speaker_event *e, void *arg),
    void *arg);
/* The last online/offline event of every speaker that has one. */
int db_speaker_last_online_each(struct db *db, void (*fn)(uint32_t id,
    bool online, void *arg), void *arg);
/* Forget events older than before, and all but the newest keep of each
 * of the n speakers ids (those written to since the last prune: each a
 * walk of its own rows by index, never of the whole table); how many
 * went, or -1. */
int db_speaker_events_prune(struct db *db, int64_t before, int keep,
    const uint32_t *ids, size_t n);

/* A province's page as one county below took it (web-admin/fed.c). */
struct db_federated {
	int64_t page_id;
	const char *county;	/* six digits */
	const char *zones;	/* what was sent, space-separated */
	const char *identifier, *sent;	/* the CAP alert's */
	const char *cap;	/* the alert itself, resent as it was */
	/* sending delivered refused cancelling cancelled unreachable */
	const char *state;
	int64_t remote_page;	/* the county's page id; 0 not yet */
	int tries;
	const char *error;	/* the last failure, or NULL */
	int targets, confirmed, playing;
	bool on_air;
	bool done;		/* nothing more to send or ask */
	int64_t updated_at;
};

/* Insert or update the row (page_id, county). 0 or -1 with err. */
int db_federated_put(struct db *db, const struct db_federated *f, char *err,
    size_t errlen);
/* Each row of a page (page_id > 0) or each row not done (page_id 0), in
 * county order; the strings live for the call. Rows seen, or -1. */
int db_federated_each(struct db *db, int64_t page_id,
    void (*fn)(const struct db_federated *f, void *arg), void *arg);
/* A province's page that has ended here (no boxes of its own, or its own
 * airing over) while counties below still air it: cancelled, so that the
 * federation cancels it there. 0 done, 1 it had not ended, -1 error. */
int db_page_cancel_ended(struct db *db, int64_t id, char *err, size_t errlen);

#endif
