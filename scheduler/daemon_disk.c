/*
 * daemon_disk.c — dalabad's side of storage.c: what must not be swept
 * (the WAVs its airings use, the archive of what aired in the last
 * archive_days), the archive copies to make, and the refusal of new
 * notices while the disk is full.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "scheduler/daemon.h"
#include "scheduler/daemon_int.h"
#include "broadcaster/log.h"

static void
add_archived(const char *audio, void *arg)
{
	g_hash_table_add(arg, g_strdup(audio));
}

/* Recordings brought a day ago that no notice took (the cadre gave up,
 * or a script uploaded and went away): their rows and archives go, in
 * batches until none is left (a script may bring hundreds a day). */
#define RECORDING_UNUSED_S 86400
#define RECORDING_BATCHES 64

/* An archive without a row, an hour old: an import cut by a crash or a
 * kill (the row is written only after the archive is complete). Younger
 * ones may be an import in hand. */
#define RECORDING_ORPHAN_S 3600

static void
sweep_orphans(struct dalabad *d)
{
	gchar *dir = g_build_filename(d->cfg.state_dir, "recordings", NULL);
	GDir *gd = g_dir_open(dir, 0, NULL);
	const char *name;
	int64_t wall = g_get_real_time() / G_USEC_PER_SEC;
	struct db_recording rec;
	size_t gone = 0;

	while (gd && (name = g_dir_read_name(gd)) != NULL) {
		size_t len = strlen(name);
		GStatBuf sb;
		if (len != DB_RECORDING_KEY_LEN + 4 ||
		    strcmp(name + DB_RECORDING_KEY_LEN, ".ogg") != 0)
			continue;
		gchar *path = g_build_filename(dir, name, NULL);
		char key[DB_RECORDING_KEY_LEN + 1];
		snprintf(key, sizeof(key), "%.*s", DB_RECORDING_KEY_LEN, name);
		if (g_stat(path, &sb) == 0 && wall - (int64_t)sb.st_mtime >
		    RECORDING_ORPHAN_S && db_recording_get(d->db, key, &rec) == 0 &&
		    g_unlink(path) == 0)
			gone++;
		g_free(path);
	}
	if (gd)
		g_dir_close(gd);
	g_free(dir);
	if (gone > 0)
		dlog(LOG_INFO, "recordings: %zu archives of cut imports removed",
		    gone);
}

static void
sweep_recordings(struct dalabad *d, int64_t now)
{
	char keys[32][33], err[256];
	size_t n = 0, total = 0;

	for (int batch = 0; batch < RECORDING_BATCHES; batch++) {
		if (db_recordings_prune(d->db, now - RECORDING_UNUSED_S, keys,
		    32, &n, err, sizeof(err)) != 0) {
			dlog(LOG_WARNING, "recordings: %s", err);
			break;
		}
		for (size_t i = 0; i < n; i++) {
			gchar *path = dalabad_recording_path(&d->cfg, keys[i]);
			if (g_unlink(path) != 0)
				dlog(LOG_WARNING, "recordings: %s: %s", path,
				    g_strerror(errno));
			g_free(path);
		}
		total += n;
		if (n < 32)
			break;
	}
	if (total > 0)
		dlog(LOG_INFO, "recordings: %zu unused for a day removed", total);
	sweep_orphans(d);
}

void
daemon_sweep(struct dalabad *d)
{
	struct storage_keep k = {
		.in_use = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
		    NULL),
		.archive = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
		    NULL),
		/* A WAV rendered ahead of a slot (render_ahead_minutes) is
		 * not yet an airing's: keep the young ones. */
		.keep_wav_s = d->cfg.render_ahead_s + 600,
	};
	GPtrArray *todo = g_ptr_array_new_with_free_func(g_free);
	int64_t now = dalabad_now();

	for (guint i = 0; i < d->airings->len; i++) {
		struct airing *a = g_ptr_array_index(d->airings, i);
		if (a->path[0])
			g_hash_table_add(k.in_use, g_strdup(daemon_audio_name(
			    a->path)));
	}
	/* Rendered ahead of a slot still to come (or just begun). */
	GHashTableIter it;
	gpointer name, slot;
	g_hash_table_iter_init(&it, d->upcoming);
	while (g_hash_table_iter_next(&it, &name, &slot)) {
		if (*(int64_t *)slot < now - 600)
			g_hash_table_iter_remove(&it);
		else
			g_hash_table_add(k.in_use, g_strdup(name));
	}
	if (db_broadcast_audio_each(d->db, now - (int64_t)d->cfg.archive_days *
	    86400, add_archived, k.archive) != 0) {
		/* Without the archive's list nothing aired may go. */
		dlog(LOG_ERR, "storage: cannot read what aired; not sweeping");
	} else {
		storage_sweep(d->storage, &k, now, todo);
		for (guint i = 0; i < todo->len; i++)
			daemon_archive(d, g_ptr_array_index(todo, i));
	}
	g_ptr_array_unref(todo);
	g_hash_table_unref(k.in_use);
	g_hash_table_unref(k.archive);
	sweep_recordings(d, now);
}

void
daemon_archive(struct dalabad *d, const char *wav_path)
{
	/* Not on a full disk: the next sweep makes it once there is room. */
	if (wav_path && wav_path[0] && !dalabad_disk_full(d, false))
		render_worker_transcode(d->worker, wav_path);
}

bool
dalabad_disk_full(struct dalabad *d, bool recheck)
{
	if (recheck && d->storage)
		storage_check(d->storage, g_get_monotonic_time() /
		    G_USEC_PER_SEC);
	return d->storage && storage_full(d->storage);
}
