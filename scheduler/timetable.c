/*
 * timetable.c — see timetable.h. Each rule is evaluated day by day in local
 * time: a slot is a local wall-clock time on a day the rule allows. So a
 * slot happens once a day even when a DST change repeats that hour, and a
 * slot in a skipped hour is taken as GLib maps it (the next valid time).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scheduler/timetable.h"

static int
cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

int
tt_parse_times(const char *s, int *out, int max, char *err, size_t errlen)
{
	int n = 0;
	const char *p = s;

	while (*p) {
		int h, m, used = 0;
		if (sscanf(p, "%2d:%2d%n", &h, &m, &used) != 2 || used < 4 ||
		    h < 0 || h > 23 || m < 0 || m > 59 ||
		    (p[used] != ',' && p[used] != '\0')) {
			snprintf(err, errlen, "times must look like 12:00,18:30");
			return -1;
		}
		if (n == max) {
			snprintf(err, errlen, "at most %d times a day", max);
			return -1;
		}
		out[n++] = h * 60 + m;
		p += used;
		if (*p == ',')
			p++;
	}
	if (n == 0) {
		snprintf(err, errlen, "no time given");
		return -1;
	}
	qsort(out, (size_t)n, sizeof(*out), cmp_int);
	int k = 1;
	for (int i = 1; i < n; i++)
		if (out[i] != out[k - 1])
			out[k++] = out[i];
	return k;
}

int
tt_parse_date(const char *s)
{
	int y, m, d, used = 0;

	if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &used) != 3 || s[used] ||
	    used != 10 || !g_date_valid_dmy((GDateDay)d, (GDateMonth)m,
	    (GDateYear)y))
		return -1;
	return y * 10000 + m * 100 + d;
}

/* Days since a fixed Monday, for "every N weeks". */
static int64_t
week_index(int y, int m, int d)
{
	GDate *g = g_date_new_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y);
	int64_t julian = g_date_get_julian(g);	/* day 1 = 0001-01-01, a Monday */
	g_date_free(g);
	return (julian - 1) / 7;
}

int64_t
tt_next(const struct tt_rule *r, GTimeZone *tz, int64_t after)
{
	if (r->kind == TT_ONCE)
		return r->once_at > after ? r->once_at : -1;
	if (r->ntimes <= 0)
		return -1;

	GDateTime *now = g_date_time_new_from_unix_utc(after);
	GDateTime *local = g_date_time_to_timezone(now, tz);
	g_date_time_unref(now);
	GDateTime *day = g_date_time_new(tz, g_date_time_get_year(local),
	    g_date_time_get_month(local), g_date_time_get_day_of_month(local),
	    0, 0, 0);
	g_date_time_unref(local);

	int64_t from_week = 0;
	if (r->date_from)
		from_week = week_index(r->date_from / 10000,
		    r->date_from / 100 % 100, r->date_from % 100);
	int every = r->every_weeks > 0 ? r->every_weeks : 1;
	int64_t found = -1;
	/* A year of days times the week stride bounds the search. */
	for (int i = 0; i < 371 * every && found < 0 && day; i++) {
		int y = g_date_time_get_year(day), m = g_date_time_get_month(day);
		int d = g_date_time_get_day_of_month(day);
		int ymd = y * 10000 + m * 100 + d;
		if (r->date_to && ymd > r->date_to)
			break;
		int dow = g_date_time_get_day_of_week(day);	/* 1 Monday */
		int ok = (!r->date_from || ymd >= r->date_from);
		if (ok && r->kind == TT_WEEKLY)
			ok = (r->weekdays & (1 << (dow - 1))) &&
			    (week_index(y, m, d) - from_week) % every == 0;
		for (int k = 0; ok && k < r->ntimes; k++) {
			GDateTime *slot = g_date_time_new(tz, y, m, d,
			    r->times[k] / 60, r->times[k] % 60, 0);
			if (slot == NULL)
				continue;
			int64_t t = g_date_time_to_unix(slot);
			g_date_time_unref(slot);
			if (t > after) {
				found = t;
				break;
			}
		}
		GDateTime *next = g_date_time_add_days(day, 1);
		g_date_time_unref(day);
		day = next;
	}
	if (day)
		g_date_time_unref(day);
	return found;
}

static int
local_minute(GTimeZone *tz, int64_t t)
{
	GDateTime *u = g_date_time_new_from_unix_utc(t);
	GDateTime *l = g_date_time_to_timezone(u, tz);
	int min = g_date_time_get_hour(l) * 60 + g_date_time_get_minute(l);

	g_date_time_unref(u);
	g_date_time_unref(l);
	return min;
}

bool
tt_is_quiet(int start, int end, GTimeZone *tz, int64_t t)
{
	int m = local_minute(tz, t);

	if (start == end)
		return false;
	if (start < end)
		return m >= start && m < end;
	return m >= start || m < end;	/* wraps midnight */
}

int64_t
tt_quiet_end(int start, int end, GTimeZone *tz, int64_t t)
{
	struct tt_rule r = { .kind = TT_DAILY, .times = { end }, .ntimes = 1 };

	if (!tt_is_quiet(start, end, tz, t))
		return t;
	return tt_next(&r, tz, t);
}
