/*
 * loop_share.h — inside web-admin/: each source's share of the main loop.
 *
 * Every request is handled on the loop that also starts emergency pages.
 * A request that is cheap alone (8 ms to list 500 schedules) is not when
 * eight clients of one cadre ask for it without pause: the page's steps
 * waited behind them, 0.5-1.5 s. So each source (an address; an IPv6 one
 * by its /64) holds a bucket of loop time: it may spend a burst of
 * `burst_ms`, refilled at `ms_per_s`; a request from a source whose bucket
 * is empty is refused 429 before any work is done, and what each request
 * really took on the loop is charged after it. Pages, CAP alerts, the
 * server's own token and this machine's 127.0.0.1 and ::1 are never
 * refused (api_server.c decides; behind a reverse proxy on this machine
 * every user would be one source, so loopback is not counted at all).
 */
#ifndef DALABA_SCHED_LOOP_SHARE_H
#define DALABA_SCHED_LOOP_SHARE_H

#include <stdbool.h>
#include <stdint.h>

struct loop_share;

struct loop_share *loop_share_new(int burst_ms, int ms_per_s);
void loop_share_free(struct loop_share *ls);	/* NULL is a no-op */
/* May source start a request at now_us (any monotonic clock)? */
bool loop_share_allow(struct loop_share *ls, const char *source,
    int64_t now_us);
/* source's request took cost_us of the loop, ending at now_us. */
void loop_share_charge(struct loop_share *ls, const char *source,
    int64_t cost_us, int64_t now_us);
/* Sources remembered (a full bucket is forgotten). */
unsigned loop_share_size(const struct loop_share *ls);

#endif
