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

/* The number in n decimal digits at s, or -1 if one of them is not a digit
 * (sscanf's %d would also take signs and leading white space). */
static int
digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* "H:MM" or "HH:MM" at s: minutes after midnight, *used the bytes read;
 * -1 if s does not start with such a time. */
static int
clock_time(const char *s, int *used)
{
	int hl = s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' ? 2 : 1;
	int h = digits(s, hl), m;

	if (h < 0 || h > 23 || s[hl] != ':' || (m = digits(s + hl + 1, 2)) < 0 ||
	    m > 59)
		return -1;
	*used = hl + 3;
	return h * 60 + m;
}

int
tt_parse_times(const char *s, int *out, int max, char *err, size_t errlen)
{
	int n = 0;
	const char *p = s;

	/* White space around a time is forgiven ("12:00, 18:30" is how
	 * people type a list), inside one it is not. */
	while (*(p += strspn(p, " \t"))) {
		int used, t = clock_time(p, &used);
		if (t >= 0)
			p += used + strspn(p + used, " \t");
		if (t < 0 || (*p != ',' && *p != '\0')) {
			snprintf(err, errlen, "times must look like 12:00,18:30");
			return -1;
		}
		if (n == max) {
			snprintf(err, errlen, "at most %d times a day", max);
			return -1;
		}
		out[n++] = t;
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

/* "YYYY-MM-DD" at s: the date as YYYYMMDD, or -1 if it is not a real one. */
static int
calendar_date(const char *s)
{
	int y = digits(s, 4), m = -1, d = -1;

	if (y > 0 && s[4] == '-' && (m = digits(s + 5, 2)) > 0 && s[7] == '-')
		d = digits(s + 8, 2);
	if (d < 1 || m > 12 || !g_date_valid_dmy((GDateDay)d, (GDateMonth)m,
	    (GDateYear)y))
		return -1;
	return y * 10000 + m * 100 + d;
}

int
tt_parse_date(const char *s)
{
	int ymd = calendar_date(s);

	return ymd >= 0 && s[10] == '\0' ? ymd : -1;
}

int
tt_parse_weekdays(const char *s)
{
	int mask = 0;

	while (*s) {
		if (*s < '1' || *s > '7')
			return -1;
		int a = *s++ - '0', b = a;
		if (*s == '-') {
			s++;
			if (*s < '1' || *s > '7')
				return -1;
			b = *s++ - '0';
		}
		if (b < a)
			return -1;
		for (int k = a; k <= b; k++)
			mask |= 1 << (k - 1);
		if (*s == ',')
			s++;
		else if (*s)
			return -1;
	}
	return mask;
}

int64_t
tt_parse_at(const char *s, GTimeZone *tz, int64_t now)
{
	int ymd, hm, used, sec = 0;

	if (strcmp(s, "now") == 0)
		return now;
	if ((ymd = calendar_date(s)) < 0 || s[10] != ' ' ||
	    (hm = clock_time(s + 11, &used)) < 0)
		return -1;
	s += 11 + used;
	if (*s == ':' && (sec = digits(s + 1, 2)) >= 0 && sec <= 59)
		s += 3;
	if (*s != '\0')
		return -1;
	GDateTime *t = g_date_time_new(tz, ymd / 10000, ymd / 100 % 100,
	    ymd % 100, hm / 60, hm % 60, sec);
	if (t == NULL)
		return -1;
	int64_t u = g_date_time_to_unix(t);
	g_date_time_unref(t);
	return u >= 0 ? u : -1;
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
