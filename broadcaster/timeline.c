/*
 * timeline.c — the server clock of the wire: the time presentation times
 * and clock replies are in. It is CLOCK_REALTIME when the server starts,
 * then runs on CLOCK_MONOTONIC, so a step of the system clock (NTP
 * correcting a clock that was 45 s fast) never makes it go back. And it is
 * kept across restarts: the file holds a time past every presentation time
 * already sent, and a server starting with its clock behind that goes on
 * from there. So no presentation time is ever used twice, and a packet
 * captured earlier is stale to every box for good (it would otherwise play
 * again when the clock came round to it).
 *
 * The file is written while audio goes out, once a margin is used up
 * (TIMELINE_MARGIN_US ahead of the last presentation time sent: a crash
 * restarts that far ahead at most), and exactly at a clean stop.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "broadcaster/log.h"
#include "broadcaster/server_int.h"

#define TIMELINE_MARGIN_US 2000000

int64_t
bcast_server_time_us(const struct bcast_server *s)
{
	return s->tl_base + (bcast_mono_now_us() - s->tl_mono0);
}

static void
timeline_write(struct bcast_server *s, int64_t t)
{
	char line[32];
	int n = snprintf(line, sizeof(line), "%020" PRId64 "\n", t);

	/* One write of a fixed width at the start: never a short file. */
	if (s->tl_fd >= 0 && pwrite(s->tl_fd, line, (size_t)n, 0) != n)
		dlog_errno(LOG_WARNING, "timeline: cannot write %s", s->tl_path);
}

void
timeline_open(struct bcast_server *s, const char *path)
{
	int64_t now = bcast_server_now_us(), kept = 0;
	char line[32] = "";

	s->tl_fd = -1;
	s->tl_base = now;
	s->tl_mono0 = bcast_mono_now_us();
	if (path == NULL)
		return;
	snprintf(s->tl_path, sizeof(s->tl_path), "%s", path);
	s->tl_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (s->tl_fd < 0) {
		dlog_errno(LOG_WARNING, "timeline: cannot open %s; presentation "
		    "times start from the system clock", path);
		return;
	}
	ssize_t n = pread(s->tl_fd, line, sizeof(line) - 1, 0);
	char *end = NULL;
	if (n > 0) {
		line[n] = 0;
		kept = strtoll(line, &end, 10);
		if (end == line || (*end != '\n' && *end != 0) || kept < 0) {
			dlog(LOG_WARNING, "timeline: %s is damaged; presentation "
			    "times start from the system clock", path);
			kept = 0;
		}
	}
	if (kept > now) {
		dlog(LOG_NOTICE, "timeline: the system clock is %.1f s behind "
		    "the last presentation time sent; going on from there",
		    (double)(kept - now) / 1e6);
		s->tl_base = kept;
	}
	s->tl_saved = s->tl_base;
}

void
timeline_sent(struct bcast_server *s, int64_t pts)
{
	if (pts > s->tl_high)
		s->tl_high = pts;
	if (s->tl_fd >= 0 && pts >= s->tl_saved) {
		s->tl_saved = pts + TIMELINE_MARGIN_US;
		timeline_write(s, s->tl_saved);
	}
}

void
timeline_close(struct bcast_server *s)
{
	if (s->tl_fd < 0)
		return;
	/* Exactly what was used (and no less than now): a clean restart
	 * does not run ahead of the system clock. */
	int64_t t = bcast_server_time_us(s);
	timeline_write(s, s->tl_high > t ? s->tl_high : t);
	if (fsync(s->tl_fd) != 0)
		dlog_errno(LOG_WARNING, "timeline: cannot sync %s", s->tl_path);
	close(s->tl_fd);
	s->tl_fd = -1;
}
