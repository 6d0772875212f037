/*
 * live.c — see live.h. One mutex and one condition: the writer signals
 * every append, readers wait with a short timeout so a stop request is
 * seen within a frame even if the writer is stuck.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "scheduler/live.h"

#define LIVE_MAX_FRAMES (48000 * 60 * 20)	/* 20 minutes: over any page */
#define LIVE_WAIT_US 50000

struct live_pcm {
	GMutex mu;
	GCond cond;
	atomic_int refs;
	int16_t *pcm;
	size_t n, cap;
	int state;		/* 0 rendering, 1 complete, -1 failed */
	char err[256];
};

struct live_pcm *
live_new(void)
{
	struct live_pcm *l = g_new0(struct live_pcm, 1);

	g_mutex_init(&l->mu);
	g_cond_init(&l->cond);
	atomic_init(&l->refs, 1);
	return l;
}

struct live_pcm *
live_ref(struct live_pcm *l)
{
	atomic_fetch_add(&l->refs, 1);
	return l;
}

void
live_unref(struct live_pcm *l)
{
	if (l == NULL || atomic_fetch_sub(&l->refs, 1) != 1)
		return;
	g_mutex_clear(&l->mu);
	g_cond_clear(&l->cond);
	g_free(l->pcm);
	g_free(l);
}

int
live_append(const int16_t *pcm, size_t frames, void *arg)
{
	struct live_pcm *l = arg;
	int rc = 0;

	g_mutex_lock(&l->mu);
	if (l->n + frames > LIVE_MAX_FRAMES) {
		rc = 1;
	} else {
		if (l->n + frames > l->cap) {
			size_t cap = l->cap ? l->cap : 48000;
			while (cap < l->n + frames)
				cap *= 2;
			l->pcm = g_renew(int16_t, l->pcm, cap);
			l->cap = cap;
		}
		memcpy(l->pcm + l->n, pcm, frames * sizeof(*pcm));
		l->n += frames;
		g_cond_broadcast(&l->cond);
	}
	g_mutex_unlock(&l->mu);
	return rc;
}

void
live_finish(struct live_pcm *l, int rc, const char *err)
{
	g_mutex_lock(&l->mu);
	l->state = rc == 0 ? 1 : -1;
	snprintf(l->err, sizeof(l->err), "%s", err ? err : "");
	g_cond_broadcast(&l->cond);
	g_mutex_unlock(&l->mu);
}

long
live_read(struct live_pcm *l, size_t *pos, int16_t *out, size_t max,
    atomic_int *stop, char *err, size_t errlen)
{
	long got = -1;

	g_mutex_lock(&l->mu);
	for (;;) {
		if (stop && atomic_load(stop)) {
			snprintf(err, errlen, "stopped");
			break;
		}
		if (*pos < l->n) {
			size_t k = l->n - *pos < max ? l->n - *pos : max;
			memcpy(out, l->pcm + *pos, k * sizeof(*out));
			*pos += k;
			got = (long)k;
			break;
		}
		if (l->state == 1) {
			got = 0;
			break;
		}
		if (l->state == -1) {
			snprintf(err, errlen, "%s", l->err[0] ? l->err :
			    "the render failed");
			break;
		}
		g_cond_wait_until(&l->cond, &l->mu, g_get_monotonic_time() +
		    LIVE_WAIT_US);
	}
	g_mutex_unlock(&l->mu);
	return got;
}
