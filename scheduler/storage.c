/*
 * storage.c — see storage.h. A county airing two hours of new audio a day
 * fills a disk within a year and an SD card within weeks if renders are
 * kept for ever, as they were. The sweep runs on the main loop: it lists
 * one folder of at most a few thousand files (milliseconds), hourly, or
 * at once when the disk fills.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "broadcaster/log.h"
#include "scheduler/storage.h"

#define SWEEP_EVERY_S 3600
#define SWEEP_SOON_S 10		/* at most this often when pressed */
#define CHECK_SIZE_EVERY_S 10	/* the render folder's size, for the budget */
#define LEFTOVER_S 3600		/* a .new file this old was a crash's */
#define PREVIEW_KEEP_S 86400	/* a preview's Ogg, for the page that showed it */

struct storage {
	char *dir;		/* the state directory (its file system) */
	char *render;		/* state_dir/render */
	char *reserve;		/* state_dir/reserve: room held back */
	int64_t max_bytes, archive_s, reserve_bytes;
	bool full;		/* the reserve is given up */
	int64_t last_sweep, next_size;
	int64_t bytes;		/* render/'s size, as last seen */
	bool warned_budget;
};

struct storage *
storage_new(const struct dalabad_config *cfg)
{
	struct storage *st = g_new0(struct storage, 1);

	st->dir = g_strdup(cfg->state_dir);
	st->render = g_build_filename(cfg->state_dir, "render", NULL);
	st->reserve = g_build_filename(cfg->state_dir, "reserve", NULL);
	storage_configure(st, cfg);
	return st;
}

void
storage_configure(struct storage *st, const struct dalabad_config *cfg)
{
	st->max_bytes = (int64_t)cfg->render_max_mb << 20;
	st->archive_s = (int64_t)cfg->archive_days * 86400;
	st->reserve_bytes = (int64_t)cfg->reserve_mb << 20;
	st->last_sweep = -SWEEP_EVERY_S;	/* the first check sweeps */
}

void
storage_free(struct storage *st)
{
	if (st == NULL)
		return;
	g_free(st->dir);
	g_free(st->render);
	g_free(st->reserve);
	g_free(st);
}

static int64_t
free_bytes(const char *dir)
{
	struct statvfs v;

	if (statvfs(dir, &v) != 0)
		return -1;
	return (int64_t)v.f_bavail * (int64_t)v.f_frsize;
}

/* Hold reserve_bytes of the disk in a file, really allocated. */
static bool
take_reserve(struct storage *st)
{
	gchar *tmp = g_strconcat(st->reserve, ".new", NULL);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	bool ok = fd >= 0 && posix_fallocate(fd, 0, (off_t)st->reserve_bytes) ==
	    0 && fsync(fd) == 0;

	if (fd >= 0)
		close(fd);
	ok = ok && rename(tmp, st->reserve) == 0;
	if (!ok)
		g_unlink(tmp);
	g_free(tmp);
	return ok;
}

static int64_t
folder_bytes(const char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;
	int64_t n = 0;

	while (d && (name = g_dir_read_name(d)) != NULL) {
		gchar *p = g_build_filename(dir, name, NULL);
		GStatBuf sb;
		if (g_stat(p, &sb) == 0 && S_ISREG(sb.st_mode))
			n += (int64_t)sb.st_size;
		g_free(p);
	}
	if (d)
		g_dir_close(d);
	return n;
}

bool
storage_check(struct storage *st, int64_t now)
{
	int64_t avail = free_bytes(st->dir);
	bool have = g_file_test(st->reserve, G_FILE_TEST_EXISTS);

	if (now >= st->next_size) {
		st->next_size = now + CHECK_SIZE_EVERY_S;
		st->bytes = folder_bytes(st->render);
	}
	if (avail >= 0 && st->reserve_bytes > 0) {
		if (have && avail < st->reserve_bytes) {
			/* The disk is full: give the store the reserve, so that
			 * slots can still be claimed and logged, and refuse new
			 * notices. */
			g_unlink(st->reserve);
			st->full = true;
			dlog(LOG_CRIT, "the disk of %s is full: the %lld MB reserve "
			    "is given up so airing goes on; new notices are refused "
			    "until there is room", st->dir,
			    (long long)(st->reserve_bytes >> 20));
		} else if (!have && avail >= 3 * st->reserve_bytes) {
			if (take_reserve(st) && st->full) {
				dlog(LOG_NOTICE, "the disk of %s has room again: new "
				    "notices are taken", st->dir);
				st->full = false;
			}
		} else if (!have && avail < 2 * st->reserve_bytes && !st->full) {
			st->full = true;
			dlog(LOG_CRIT, "the disk of %s is nearly full (%lld MB free): "
			    "new notices are refused until there is room", st->dir,
			    (long long)(avail >> 20));
		}
	}
	return now - st->last_sweep >= SWEEP_EVERY_S ||
	    ((st->full || st->bytes > st->max_bytes) &&
	    now - st->last_sweep >= SWEEP_SOON_S);
}

bool
storage_full(const struct storage *st)
{
	return st->full;
}

struct file {
	char *name;
	int64_t size, mtime;
	bool may_go;		/* under the budget's pressure */
};

static gint
oldest_first(gconstpointer a, gconstpointer b)
{
	const struct file *x = a, *y = b;

	return x->mtime < y->mtime ? -1 : x->mtime > y->mtime;
}

/* "KEY.wav" for "KEY.ogg", "KEY.mp3" (a podcast's copy of what aired:
 * web-admin/page_public.c) or "KEY.wav"; NULL for anything else. */
static gchar *
wav_of(const char *name)
{
	size_t n = strlen(name);

	if (n < 5 || (strcmp(name + n - 4, ".wav") != 0 &&
	    strcmp(name + n - 4, ".ogg") != 0 &&
	    strcmp(name + n - 4, ".mp3") != 0))
		return NULL;
	return g_strdup_printf("%.*s.wav", (int)(n - 4), name);
}

static bool
gone(struct storage *st, const char *name)
{
	gchar *p = g_build_filename(st->render, name, NULL);
	bool ok = g_unlink(p) == 0 || errno == ENOENT;

	g_free(p);
	return ok;
}

int64_t
storage_sweep(struct storage *st, const struct storage_keep *k, int64_t now,
    GPtrArray *to_archive)
{
	GDir *d = g_dir_open(st->render, 0, NULL);
	GArray *files = g_array_new(FALSE, FALSE, sizeof(struct file));
	const char *name;
	int64_t kept = 0, freed = 0;
	int deleted = 0;

	st->last_sweep = g_get_monotonic_time() / G_USEC_PER_SEC;
	while (d && (name = g_dir_read_name(d)) != NULL) {
		gchar *p = g_build_filename(st->render, name, NULL);
		GStatBuf sb;
		if (g_stat(p, &sb) != 0 || !S_ISREG(sb.st_mode)) {
			g_free(p);
			continue;
		}
		struct file f = { g_strdup(name), (int64_t)sb.st_size,
		    (int64_t)sb.st_mtime, false };
		gchar *wav = wav_of(name);
		bool is_wav = wav && strcmp(wav, name) == 0;
		bool in_use = wav && g_hash_table_contains(k->in_use, wav);
		bool archived = wav && g_hash_table_contains(k->archive, wav);
		bool drop = false;
		if (wav == NULL) {
			/* A leftover of a write cut short, or not ours. */
			drop = g_str_has_suffix(name, ".new") &&
			    now - f.mtime > LEFTOVER_S;
		} else if (is_wav) {
			gchar *ogg = g_strdup_printf("%.*s.ogg", (int)strlen(name) -
			    4, name);
			gchar *op = g_build_filename(st->render, ogg, NULL);
			bool has_ogg = g_file_test(op, G_FILE_TEST_EXISTS);
			if (archived && !has_ogg && !in_use) {
				g_ptr_array_add(to_archive, g_strdup(p));
			} else if (!in_use) {
				f.may_go = true;
				drop = now - f.mtime > k->keep_wav_s;
			}
			g_free(op);
			g_free(ogg);
		} else if (!archived && !in_use) {
			f.may_go = true;
			drop = now - f.mtime > PREVIEW_KEEP_S;
		}
		g_free(wav);
		g_free(p);
		if (drop && gone(st, name)) {
			freed += f.size;
			deleted++;
			g_free(f.name);
			continue;
		}
		kept += f.size;
		g_array_append_val(files, f);
	}
	if (d)
		g_dir_close(d);
	/* Over the budget, or the disk full: what may go goes, oldest first
	 * (never what an airing uses or the archive needs). */
	g_array_sort(files, oldest_first);
	for (guint i = 0; i < files->len && (kept > st->max_bytes || st->full);
	    i++) {
		struct file *f = &g_array_index(files, struct file, i);
		if (f->may_go && gone(st, f->name)) {
			kept -= f->size;
			freed += f->size;
			deleted++;
		}
	}
	if (kept > st->max_bytes && !st->warned_budget) {
		dlog(LOG_WARNING, "rendered audio needs %lld MB (what airs now and "
		    "the archive of %lld days), more than [storage] render_max_mb "
		    "= %lld", (long long)(kept >> 20), (long long)(st->archive_s /
		    86400), (long long)(st->max_bytes >> 20));
		st->warned_budget = true;
	} else if (kept <= st->max_bytes) {
		st->warned_budget = false;
	}
	if (deleted)
		dlog(LOG_INFO, "storage: %d rendered file%s removed (%lld KB), "
		    "%lld KB kept", deleted, deleted == 1 ? "" : "s",
		    (long long)(freed >> 10), (long long)(kept >> 10));
	for (guint i = 0; i < files->len; i++)
		g_free(g_array_index(files, struct file, i).name);
	g_array_free(files, TRUE);
	st->bytes = kept;
	return kept;
}
