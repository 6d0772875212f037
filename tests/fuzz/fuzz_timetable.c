/*
 * fuzz_timetable.c — libFuzzer target for the timetable fields a cadre
 * types (times, dates, weekdays, a one-time "at"): any string in, a value
 * or a refusal out; and whatever is accepted is within its range and reads
 * back as the same value when written out in the documented shape.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scheduler/timetable.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW 1795000000	/* a fixed "now" (2026-11-19), so runs reproduce */

static void
check_times(const char *s)
{
	int t[TT_MAX_TIMES], again[TT_MAX_TIMES];
	char err[128] = "", text[TT_MAX_TIMES * 6 + 1] = "";
	int n = tt_parse_times(s, t, TT_MAX_TIMES, err, sizeof(err));

	if (n < 0) {
		if (n != -1 || err[0] == '\0')
			abort();
		return;
	}
	if (n == 0 || n > TT_MAX_TIMES)
		abort();
	for (int i = 0; i < n; i++) {
		if (t[i] < 0 || t[i] >= 24 * 60 || (i > 0 && t[i] <= t[i - 1]))
			abort();	/* in a day, ascending, no duplicates */
		size_t l = strlen(text);
		snprintf(text + l, sizeof(text) - l, "%s%02d:%02d", i ? "," : "",
		    t[i] / 60, t[i] % 60);
	}
	if (tt_parse_times(text, again, TT_MAX_TIMES, err, sizeof(err)) != n ||
	    memcmp(t, again, (size_t)n * sizeof(*t)) != 0)
		abort();
	/* A list too long for the caller is refused, never cut short. */
	if (tt_parse_times(s, again, n - 1, err, sizeof(err)) != -1)
		abort();
}

static void
check_date(const char *s)
{
	int d = tt_parse_date(s);
	char text[16];

	if (d == -1)
		return;
	if (d < 10101 || d > 99991231)
		abort();
	snprintf(text, sizeof(text), "%04d-%02d-%02d", d / 10000, d / 100 % 100,
	    d % 100);
	if (strcmp(text, s) != 0)	/* the one shape, nothing around it */
		abort();
}

static void
check_weekdays(const char *s)
{
	int m = tt_parse_weekdays(s);
	char text[16] = "";

	if (m == -1)
		return;
	if (m < 0 || m > 127 || (m == 0 && s[0] != '\0'))
		abort();
	for (int k = 0; k < 7; k++)
		if (m & (1 << k)) {
			size_t l = strlen(text);
			snprintf(text + l, sizeof(text) - l, "%s%d", l ? "," : "",
			    k + 1);
		}
	if (tt_parse_weekdays(text) != m)
		abort();
}

static void
check_at(const char *s, GTimeZone *tz)
{
	int64_t t = tt_parse_at(s, tz, NOW);

	if (strcmp(s, "now") == 0) {
		if (t != NOW)
			abort();
		return;
	}
	if (t == -1)
		return;
	if (t < 0)
		abort();
	/* Written out as local time, it parses to the same instant (also in
	 * a DST gap or overlap: GLib picks one reading, and again the same). */
	GDateTime *u = g_date_time_new_from_unix_utc(t);
	GDateTime *l = g_date_time_to_timezone(u, tz);
	gchar *text = g_date_time_format(l, "%Y-%m-%d %H:%M:%S");
	if (text == NULL || tt_parse_at(text, tz, NOW) != t)
		abort();
	g_free(text);
	g_date_time_unref(l);
	g_date_time_unref(u);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static GTimeZone *sh, *ny;
	char *s;

	if (sh == NULL) {
		sh = g_time_zone_new_identifier("Asia/Shanghai");
		ny = g_time_zone_new_identifier("America/New_York");
		if (sh == NULL || ny == NULL)
			abort();
	}
	if (size > 4096)
		return 0;	/* the API caps these fields far below */
	/* The parsers take C strings, as the JSON layer hands them over. */
	s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	check_times(s);
	check_date(s);
	check_weekdays(s);
	check_at(s, sh);
	check_at(s, ny);
	free(s);
	return 0;
}
