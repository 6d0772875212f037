/*
 * storage.h — inside scheduler/: the state directory's disk. Rendered
 * audio is kept within a budget (size and age; a WAV only while a render
 * is needed, the archive of what aired as Ogg Opus for archive_days), and
 * a reserve file keeps room for the store, so that a full disk never
 * stops airing: when it fills, the reserve is given up, what is not needed
 * goes, and new notices are refused until there is room again.
 */
#ifndef DALABA_SCHED_STORAGE_H
#define DALABA_SCHED_STORAGE_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "scheduler/config.h"

struct storage;

struct storage *storage_new(const struct dalabad_config *cfg);
void storage_free(struct storage *st);	/* NULL is a no-op */
/* The budget, archive and reserve again (SIGHUP). */
void storage_configure(struct storage *st, const struct dalabad_config *cfg);

/* Cheap (one statvfs), every tick: gives up the reserve when the disk
 * fills, takes it again when there is room. True when a sweep is due
 * (every sweep_s, at once when the disk fills or the budget is passed). */
bool storage_check(struct storage *st, int64_t now_mono_s);
/* Is the disk full (the reserve given up)? Then new notices are refused. */
bool storage_full(const struct storage *st);

/* What must not go. */
struct storage_keep {
	GHashTable *in_use;	/* WAV names (in render/) airings use */
	GHashTable *archive;	/* WAV names of what aired in the archive
				 * period: their .ogg stays */
	int64_t keep_wav_s;	/* a WAV this young may be for a slot soon */
};

/* Delete what is not needed (leftovers, WAVs no airing uses, previews'
 * Ogg after a day, archive copies past the period), then the oldest of
 * what may go while over the budget (or everything that may, when the
 * disk is full). WAVs whose archive copy is still to be made stay, their
 * paths put in to_archive (g_free'd by the caller). Returns the bytes of
 * rendered audio kept. */
int64_t storage_sweep(struct storage *st, const struct storage_keep *k,
    int64_t now_s, GPtrArray *to_archive);

#endif
