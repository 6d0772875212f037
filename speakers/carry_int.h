/*
 * carry_int.h — speakers/: store and forward's state, shared by carry.c
 * (what comes off the network, airing, reports) and carry_disk.c (the
 * box's storage). Private to speakers/.
 */
#ifndef DALABA_CARRY_INT_H
#define DALABA_CARRY_INT_H

#include <stddef.h>
#include <stdint.h>

#include "broadcaster/broadcaster.h"

#define ITEMS 16			/* held at once */
#define MAX_FRAMES 30000		/* 30 minutes, as the server's limit */
#define REVOKED 128			/* remembered SSRCs */
#define FEED_AHEAD_US 3000000		/* into the jitter buffer this early */
#define START_EARLY_US 2000000		/* begin feeding before the slot */
/* Following a live airing of the item, a frame not come this close to
 * its time comes from the copy (live packets come a play-out delay,
 * 300-600 ms, ahead). */
#define FOLLOW_AHEAD_US 200000
#define KEEP_AFTER_US 600000000LL	/* an item unaired: gone 10 min after */
#define FUTURE_MAX_US (48LL * 3600 * 1000000)	/* slots further ahead: refused */
#define REPORT_EVERY_US 5000000
#define HELD_REPORT_GAP_US 2000000

struct item {
	int used;
	uint32_t ssrc;
	uint8_t prio;
	int64_t first_pts;		/* of seq 0 */
	uint32_t npkt;			/* from the END packet; 0 not yet known */
	uint32_t held, cap;
	uint8_t **pkt;			/* by seq, NULL missing */
	uint16_t *len;
	int fd;				/* its file, appended to */
	int64_t held_reported;		/* monotonic */
	/* its airing from the copy */
	int airing, aired;
	int followed;			/* its live airing was heard */
	uint32_t feed;			/* next seq to feed */
	int64_t aired_pts;
	uint32_t played;
	int64_t next_report;
};

struct carried {
	char dir[600];
	size_t budget, bytes;
	struct item it[ITEMS];
	uint32_t revoked[REVOKED];
	int nrevoked;
	uint64_t counter;		/* of reports, strictly increasing */
	int64_t clock_saved;
	uint64_t stored, aired_items, refused_full;
	uint64_t rx_bytes;		/* every carried packet taken in */
	size_t item_bytes;		/* the last item completed */
};

void carry_path(const struct carried *h, uint32_t ssrc, const char *ext,
    char *out, size_t cap);
struct item *carry_find(struct carried *h, uint32_t ssrc);
int carry_revoked(const struct carried *h, uint32_t ssrc);
int item_complete(const struct item *t);
/* Forget t (its files too, if remove_files). */
void item_drop(struct carried *h, struct item *t, int remove_files);
/* Keep packet p (buf, len) of t in memory: 0, or -1 (over the budget). */
int item_put(struct carried *h, struct item *t, const uint8_t *buf,
    size_t len, const struct bcast_audio *p);
struct item *item_new(struct carried *h, const struct bcast_audio *p);
/* carry_disk.c */
void carry_revoke_add(struct carried *h, uint32_t ssrc);
void carry_mark_aired(struct carried *h, const struct item *t);

#endif
