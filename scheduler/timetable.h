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

/* The timetable fields as people and the API write them. Each takes the
 * exact shape and nothing else: digits are digits (no signs, no blanks
 * inside), so what is accepted reads back the same when written out. */

/* "12:00,18:30" (H:MM or HH:MM, blanks around each allowed) -> minutes,
 * sorted, no duplicates; the count. -1 with err on bad input. */
int tt_parse_times(const char *s, int *out, int max, char *err, size_t errlen);
/* "2026-11-23" -> 20261123; -1 if not a real date. */
int tt_parse_date(const char *s);
/* "1-5,7" (Monday = 1) -> the bit mask of struct tt_rule's weekdays; 0 for
 * "", -1 on bad input. */
int tt_parse_weekdays(const char *s);
/* "2026-11-23 12:00[:SS]" in tz, or "now" (returns now): unix seconds, or
 * -1 if it is not a real date and time (or is before 1970). */
int64_t tt_parse_at(const char *s, GTimeZone *tz, int64_t now);

/* The first slot strictly after `after` (unix seconds), or -1 if none is
 * left (a past one-shot, a date range that has ended). */
int64_t tt_next(const struct tt_rule *r, GTimeZone *tz, int64_t after);

/* Is t inside quiet hours [start, end) (minutes after local midnight; the
 * span may wrap midnight, e.g. 21:30-06:00)? start == end: never quiet. */
bool tt_is_quiet(int start, int end, GTimeZone *tz, int64_t t);
/* When the quiet span containing t ends (t itself if t is not quiet). */
int64_t tt_quiet_end(int start, int end, GTimeZone *tz, int64_t t);

#endif
