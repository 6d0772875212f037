/*
 * volume.c — the box's own volume as set on the server (the loudspeaker's
 * page): told in every signed reply to its HELLOs, kept in STORAGE/server-volume
 * so a box restarted while cut off still plays at it, and capped by the
 * box's max_volume like any volume. Without storage it lasts until the
 * agent stops (the next reply tells it again).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "broadcaster/log.h"
#include "speakers/agent_int.h"

static void
volume_path(const struct agent *a, char *p, size_t n)
{
	snprintf(p, n, "%s/server-volume", a->c->storage);
}

void
agent_volume_load(struct agent *a)
{
	char p[600];
	int v;
	FILE *f;

	a->own_volume = -1;
	if (a->c->storage[0] == '\0')
		return;
	volume_path(a, p, sizeof(p));
	if ((f = fopen(p, "re")) == NULL)
		return;
	/* The storage is trusted no more than the network: a number in
	 * range, or the configured volume. */
	if (fscanf(f, "%d", &v) == 1 && v >= 0 && v <= 100) {
		a->own_volume = v;
		dlog(LOG_NOTICE, "volume %d, as the server last set it", v);
	}
	fclose(f);
}

void
agent_volume_set(struct agent *a, uint8_t v)
{
	char p[600], tmp[620];
	int want = v == BCAST_VOLUME_DEFAULT || v > 100 ? -1 : v;
	FILE *f;

	if (want == a->own_volume)
		return;
	a->own_volume = want;
	if (want < 0)
		dlog(LOG_NOTICE, "the server cleared the box's volume: %d, as "
		    "configured", a->c->volume);
	else
		dlog(LOG_NOTICE, "the server set the box's volume to %d%s", want,
		    want > a->c->max_volume ? " (played at its max_volume)" : "");
	if (a->c->storage[0] == '\0')
		return;
	volume_path(a, p, sizeof(p));
	if (want < 0) {
		unlink(p);
		return;
	}
	/* Written whole or not at all: a power cut mid-write must not leave
	 * a half number the next start reads as another volume. */
	snprintf(tmp, sizeof(tmp), "%s.new", p);
	if ((f = fopen(tmp, "we")) == NULL)
		return;
	fprintf(f, "%d\n", want);
	if (fflush(f) == 0 && fsync(fileno(f)) == 0 && fclose(f) == 0)
		rename(tmp, p);
	else
		unlink(tmp);
}

int
agent_volume(const struct agent *a)
{
	int v = a->own_volume >= 0 ? a->own_volume : a->c->volume;

	return v < a->c->max_volume ? v : a->c->max_volume;
}
