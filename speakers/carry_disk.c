/*
 * carry_disk.c — store and forward on the box's storage: each item's
 * packets appended to carried/SSRC.pkts as they come (verified again when
 * the agent starts: the storage is trusted no more than the network),
 * what it aired from its copy (SSRC.aired, until the server has it), the
 * revoked SSRCs, and the server clock as last known (a box restarted
 * while cut off still airs on time).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "broadcaster/log.h"
#include "speakers/agent_int.h"
#include "speakers/carry_int.h"

void
carry_revoke_add(struct carried *h, uint32_t ssrc)
{
	char p[640];
	FILE *f;

	if (carry_revoked(h, ssrc))
		return;
	h->revoked[h->nrevoked++ % REVOKED] = ssrc;
	snprintf(p, sizeof(p), "%s/revoked", h->dir);
	if ((f = fopen(p, "ae")) != NULL) {
		fprintf(f, "%08x\n", ssrc);
		fclose(f);
	}
}

void
carry_mark_aired(struct carried *h, const struct item *t)
{
	char p[640];
	FILE *f;

	carry_path(h, t->ssrc, "aired", p, sizeof(p));
	if ((f = fopen(p, "we")) != NULL) {
		fprintf(f, "%lld %u\n", (long long)t->aired_pts, t->played);
		fclose(f);
	}
}


static void
load_item(struct agent *a, const char *path, uint32_t ssrc)
{
	struct carried *h = a->carried;
	FILE *f = fopen(path, "re");
	uint8_t l[2], buf[BCAST_MAX_PACKET];
	struct item *t = NULL;
	size_t bad = 0;

	if (f == NULL)
		return;
	while (fread(l, 1, 2, f) == 2) {
		size_t len = (size_t)l[0] << 8 | l[1];
		struct bcast_audio p;
		if (len > sizeof(buf) || fread(buf, 1, len, f) != len)
			break;
		/* Verified again: the storage is not trusted more than the
		 * network (a card swapped, a file written by someone else). */
		if (bcast_audio_peek(buf, len, &p) != BCAST_OK ||
		    p.ssrc != ssrc || !(p.flags & BCAST_FLAG_CARRY) ||
		    !bcast_zone_covers(&p.zone, &a->zone) ||
		    bcast_audio_verify(buf, len, a->c->server_pk) != BCAST_OK) {
			bad++;
			continue;
		}
		if (t == NULL && (t = item_new(h, &p)) == NULL)
			break;
		if (item_put(h, t, buf, len, &p) != 0)
			break;
	}
	fclose(f);
	if (t == NULL) {
		unlink(path);
		return;
	}
	t->fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	char ap[640];
	carry_path(h, ssrc, "aired", ap, sizeof(ap));
	if ((f = fopen(ap, "re")) != NULL) {
		long long pts;
		unsigned played;
		if (fscanf(f, "%lld %u", &pts, &played) == 2) {
			t->aired = 1;
			t->aired_pts = pts;
			t->played = played;
		}
		fclose(f);
	}
	dlog(LOG_INFO, "carried item %08x: %u of %u packets held%s%s", ssrc,
	    t->held, t->npkt, t->aired ? ", aired (to report)" : "",
	    bad ? ", some refused" : "");
}

/* The server clock as last known, for a box that restarts cut off: its
 * monotonic clock if the same boot, else its system clock if that is not
 * behind what it was (a box without RTC booting into 1970 waits for the
 * server). */
static void
boot_id(char out[40])
{
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "re");

	out[0] = '\0';
	if (f) {
		if (fscanf(f, "%39s", out) != 1)
			out[0] = '\0';
		fclose(f);
	}
}

void
carry_clock_save(struct agent *a)
{
	struct carried *h = a->carried;
	char p[640], tmp[660], id[40];
	FILE *f;

	if (h == NULL || !a->synced || a->server_lost)
		return;
	h->clock_saved = spk_now_us();
	boot_id(id);
	snprintf(p, sizeof(p), "%s/clock", h->dir);
	snprintf(tmp, sizeof(tmp), "%s.new", p);
	if ((f = fopen(tmp, "we")) == NULL)
		return;
	int64_t real = bcast_server_now_us();
	fprintf(f, "%s %lld %lld %lld %llu\n", id[0] ? id : "-",
	    (long long)a->offset_us, (long long)(h->clock_saved + a->offset_us -
	    real), (long long)real, (unsigned long long)h->counter);
	if (fclose(f) == 0)
		rename(tmp, p);
}

static void
clock_load(struct agent *a)
{
	struct carried *h = a->carried;
	char p[640], id[40], saved_id[40];
	long long mono_off, real_off, real_then;
	unsigned long long counter;
	FILE *f;

	snprintf(p, sizeof(p), "%s/clock", h->dir);
	if ((f = fopen(p, "re")) == NULL)
		return;
	int n = fscanf(f, "%39s %lld %lld %lld %llu", saved_id, &mono_off,
	    &real_off, &real_then, &counter);
	fclose(f);
	if (n != 5)
		return;
	h->counter = counter;
	boot_id(id);
	int64_t real = bcast_server_now_us(), mono = spk_now_us();
	if (id[0] && strcmp(id, saved_id) == 0)
		a->offset_us = mono_off;
	else if (real >= real_then)
		a->offset_us = real + real_off - mono;
	else
		return;
	/* Good enough to air what is held at its slot; the first reply
	 * replaces it. */
	a->synced = 1;
	a->server_lost = 1;
	dlog(LOG_NOTICE, "the server clock as last known (%s): until the "
	    "server answers, held items air by it",
	    strcmp(id, saved_id) == 0 ? "this boot" : "the system clock");
}

int
carry_open(struct agent *a, char *err, size_t errlen)
{
	struct carried *h;
	char p[700];
	DIR *d;

	if (a->c->storage[0] == '\0' || a->c->carry_mb == 0)
		return 0;	/* not kept: the box plays only what comes live */
	if ((h = calloc(1, sizeof(*h))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (int i = 0; i < ITEMS; i++)
		h->it[i].fd = -1;
	h->budget = (size_t)a->c->carry_mb << 20;
	snprintf(h->dir, sizeof(h->dir), "%s/carried", a->c->storage);
	if (mkdir(h->dir, 0750) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", h->dir, strerror(errno));
		free(h);
		return -1;
	}
	a->carried = h;
	snprintf(p, sizeof(p), "%s/revoked", h->dir);
	FILE *f = fopen(p, "re");
	unsigned x;
	while (f && fscanf(f, "%x", &x) == 1)
		h->revoked[h->nrevoked++ % REVOKED] = x;
	if (f)
		fclose(f);
	if (h->nrevoked > REVOKED) {	/* keep the file as short as the list */
		if ((f = fopen(p, "we")) != NULL) {
			for (int i = 0; i < REVOKED; i++)
				fprintf(f, "%08x\n", h->revoked[i]);
			fclose(f);
		}
		h->nrevoked = REVOKED;
	}
	if ((d = opendir(h->dir)) != NULL) {
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			unsigned ssrc;
			char ext[8];
			if (sscanf(e->d_name, "%8x.%7s", &ssrc, ext) != 2 ||
			    strcmp(ext, "pkts") != 0 || strlen(e->d_name) != 13)
				continue;
			snprintf(p, sizeof(p), "%s/%s", h->dir, e->d_name);
			if (carry_revoked(h, ssrc))
				unlink(p);
			else
				load_item(a, p, ssrc);
		}
		closedir(d);
	}
	clock_load(a);
	return 0;
}

void
carry_close(struct agent *a)
{
	struct carried *h = a->carried;

	if (h == NULL)
		return;
	carry_clock_save(a);
	for (int i = 0; i < ITEMS; i++)
		if (h->it[i].used)
			item_drop(h, &h->it[i], 0);
	free(h);
	a->carried = NULL;
}

void
carry_stats(const struct agent *a, FILE *f)
{
	const struct carried *h = a->carried;
	int held = 0;

	if (h == NULL)
		return;
	for (int i = 0; i < ITEMS; i++)
		held += h->it[i].used && item_complete(&h->it[i]);
	fprintf(f, "carried_held %d\ncarried_stored %llu\ncarried_aired %llu\n"
	    "carried_bytes %zu\ncarried_rx_bytes %llu\ncarried_item_bytes %zu\n",
	    held, (unsigned long long)h->stored,
	    (unsigned long long)h->aired_items, h->bytes,
	    (unsigned long long)h->rx_bytes, h->item_bytes);
}
