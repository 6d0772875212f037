/*
 * timetable.h — inside scheduler/: when scheduled items are due, in local
 * time (default Asia/Shanghai) computed with GLib's time-zone code, and
 * whether an instant falls in a zone's quiet hours. Pure functions of their
 * arguments: the daemon passes "now", tests pass any clock they like.
 */
#ifndef DALABA_SCHED_TIMETABLE_H
#define DALABA_SCHED_TIMETABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#define TT_MAX_TIMES 16

enum tt_kind {
	TT_ONCE,	/* at once_at */
	TT_DAILY,	/* every day (within the date range) at times[] */
	TT_WEEKLY,	/* on weekdays, every every_weeks weeks, at times[] */
};

struct tt_rule {
	enum tt_kind kind;
	int64_t once_at;		/* unix seconds */
	int times[TT_MAX_TIMES];	/* minutes after local midnight, ascending */
	int ntimes;
	int weekdays;			/* bit 0 Monday .. bit 6 Sunday */
	int every_weeks;		/* 1 = every week, counted from date_from */
	int date_from, date_to;		/* local dates YYYYMMDD; 0 = open */
};

/* "12:00,18:30" -> minutes, sorted, no duplicates. -1 with err on bad input. */
int tt_parse_times(const char *s, int *out, int max, char *err, size_t errlen);
/* "2026-11-23" -> 20261123; -1 if not a real date. */
int tt_parse_date(const char *s);

/* The first slot strictly after `after` (unix seconds), or -1 if none is
 * left (a past one-shot, a date range that has ended). */
int64_t tt_next(const struct tt_rule *r, GTimeZone *tz, int64_t after);

/* Is t inside quiet hours [start, end) (minutes after local midnight; the
 * span may wrap midnight, e.g. 21:30-06:00)? start == end: never quiet. */
bool tt_is_quiet(int start, int end, GTimeZone *tz, int64_t t);
/* When the quiet span containing t ends (t itself if t is not quiet). */
int64_t tt_quiet_end(int start, int end, GTimeZone *tz, int64_t t);

#endif
