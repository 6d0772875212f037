/*
 * test_timetable.c — the timetable with a fake clock: daily times, chosen
 * weekdays, every N weeks, date ranges, one-shots, quiet hours across
 * midnight, and time-zone edges (New York's DST changes: a repeated hour
 * must not air a slot twice, a skipped one must not lose the day).
 */
#include <stdio.h>
#include <string.h>

#include "scheduler/timetable.h"
#include "tests/unit/harness.h"

static GTimeZone *sh, *ny;

static int64_t
at(GTimeZone *tz, int y, int mo, int d, int h, int mi)
{
	GDateTime *t = g_date_time_new(tz, y, mo, d, h, mi, 0);
	int64_t u = g_date_time_to_unix(t);
	g_date_time_unref(t);
	return u;
}

static char *
fmt(GTimeZone *tz, int64_t t)
{
	static char buf[4][40];
	static int k;
	if (t < 0)
		return "none";
	GDateTime *u = g_date_time_new_from_unix_utc(t);
	GDateTime *l = g_date_time_to_timezone(u, tz);
	gchar *s = g_date_time_format(l, "%Y-%m-%d %H:%M %Z");
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s", s);
	g_free(s);
	g_date_time_unref(u);
	g_date_time_unref(l);
	return buf[k];
}

#define NEXT_IS(rule, tz, after, want, what) do {			\
	int64_t got_ = tt_next((rule), (tz), (after));			\
	CHECK(got_ == (want), "%s: %s (want %s)", (what), fmt((tz), got_), \
	    fmt((tz), (want)));						\
} while (0)

static void
test_parse(void)
{
	int t[TT_MAX_TIMES];
	char err[128];

	CHECK(tt_parse_times("18:30,12:00,12:00", t, TT_MAX_TIMES, err,
	    sizeof(err)) == 2 && t[0] == 720 && t[1] == 1110,
	    "times are parsed, sorted and deduplicated");
	CHECK(tt_parse_times(" 8:30, 12:00 ,", t, TT_MAX_TIMES, err,
	    sizeof(err)) == 2 && t[0] == 510 && t[1] == 720,
	    "blanks around times and a last comma are forgiven");
	static const char *const bad[] = { "25:00", "12", "ab:cd", "", "12:60",
	    "12:00;13:00", "-1:00", "+1:+5", "1: 5", "12:5", "12:00x", "123:00",
	    "12:00,,13:00" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(tt_parse_times(bad[i], t, TT_MAX_TIMES, err, sizeof(err)) == -1,
		    "times \"%s\" refused", bad[i]);
	CHECK(tt_parse_date("2026-11-23") == 20261123, "a date parses");
	CHECK(tt_parse_date("2026-02-30") == -1 && tt_parse_date("2026-1-5") == -1 &&
	    tt_parse_date("2026-11-23x") == -1, "impossible or sloppy dates refused");
	CHECK(tt_parse_date("2028-02-29") == 20280229, "a leap day parses");
	/* sscanf's %d took these once: a sign or a blank inside a field, and
	 * "-001-01-01" even became a negative date the store cannot read. */
	CHECK(tt_parse_date("-001-01-01") == -1 && tt_parse_date("+202-+1-+1") == -1 &&
	    tt_parse_date(" 2026-1-23") == -1 && tt_parse_date("0000-01-01") == -1,
	    "signs, blanks and year 0 refused in dates");
	CHECK(tt_parse_weekdays("1-5") == 31 && tt_parse_weekdays("1,3,5,7") == 85 &&
	    tt_parse_weekdays("6-7") == 96 && tt_parse_weekdays("") == 0,
	    "weekdays parse to their mask");
	CHECK(tt_parse_weekdays("5-1") == -1 && tt_parse_weekdays("8") == -1 &&
	    tt_parse_weekdays("1;2") == -1 && tt_parse_weekdays("0-3") == -1,
	    "bad weekdays refused");
	CHECK(tt_parse_at("2026-11-23 12:00", sh, 7) == at(sh, 2026, 11, 23, 12, 0) &&
	    tt_parse_at("2026-11-23 12:00:30", sh, 7) ==
	    at(sh, 2026, 11, 23, 12, 0) + 30 && tt_parse_at("now", sh, 7) == 7,
	    "a one-time slot parses in local time, or is now");
	static const char *const bad_at[] = { "2026-11-23 12:00garbage",
	    "2026-11-2312:00", "2026-11-23  12:00", "2026-02-30 12:00",
	    "2026-11-23 24:00", "2026-11-23 12:00:60", "1970-01-01 07:59",
	    "2026-11-23T12:00", "NOW", "" };
	for (size_t i = 0; i < sizeof(bad_at) / sizeof(bad_at[0]); i++)
		CHECK(tt_parse_at(bad_at[i], sh, 7) == -1, "at \"%s\" refused",
		    bad_at[i]);
}

static void
test_rules(void)
{
	struct tt_rule daily = { .kind = TT_DAILY, .times = { 720, 1110 },
	    .ntimes = 2 };

	NEXT_IS(&daily, sh, at(sh, 2026, 11, 23, 10, 0), at(sh, 2026, 11, 23, 12, 0),
	    "the noon news is next in the morning");
	NEXT_IS(&daily, sh, at(sh, 2026, 11, 23, 12, 0), at(sh, 2026, 11, 23, 18, 30),
	    "after noon exactly, the evening news");
	NEXT_IS(&daily, sh, at(sh, 2026, 11, 23, 19, 0), at(sh, 2026, 11, 24, 12, 0),
	    "after the evening news, tomorrow's noon");
	NEXT_IS(&daily, sh, at(sh, 2026, 12, 31, 20, 0), at(sh, 2027, 1, 1, 12, 0),
	    "across the new year");

	int64_t t = at(sh, 2027, 1, 1, 0, 0), prev = tt_next(&daily, sh, t);
	int steady = 1;
	for (int i = 0; i < 365; i++) {
		int64_t n = tt_next(&daily, sh, prev);	/* evening */
		int64_t m = tt_next(&daily, sh, n);	/* next noon */
		if (n - prev != 6 * 3600 + 1800 || m - prev != 86400)
			steady = 0;
		prev = m;
	}
	CHECK(steady, "a year of Shanghai noons and evenings, all on time");

	struct tt_rule mwf = { .kind = TT_WEEKLY, .times = { 480 }, .ntimes = 1,
	    .weekdays = 1 | 4 | 16 };
	NEXT_IS(&mwf, sh, at(sh, 2026, 11, 24, 9, 0), at(sh, 2026, 11, 25, 8, 0),
	    "Tuesday -> Wednesday 08:00");
	NEXT_IS(&mwf, sh, at(sh, 2026, 11, 27, 9, 0), at(sh, 2026, 11, 30, 8, 0),
	    "Friday after the slot -> Monday");

	struct tt_rule fortnight = { .kind = TT_WEEKLY, .times = { 480 },
	    .ntimes = 1, .weekdays = 1, .every_weeks = 2, .date_from = 20261123 };
	NEXT_IS(&fortnight, sh, at(sh, 2026, 11, 23, 9, 0),
	    at(sh, 2026, 12, 7, 8, 0), "every 2 weeks skips the next Monday");
	NEXT_IS(&fortnight, sh, at(sh, 2026, 11, 20, 9, 0),
	    at(sh, 2026, 11, 23, 8, 0), "and starts on date_from");

	struct tt_rule range = { .kind = TT_DAILY, .times = { 720 }, .ntimes = 1,
	    .date_from = 20261201, .date_to = 20261203 };
	NEXT_IS(&range, sh, at(sh, 2026, 11, 23, 0, 0), at(sh, 2026, 12, 1, 12, 0),
	    "a date range waits for its first day");
	NEXT_IS(&range, sh, at(sh, 2026, 12, 3, 11, 0), at(sh, 2026, 12, 3, 12, 0),
	    "and airs on its last day");
	NEXT_IS(&range, sh, at(sh, 2026, 12, 3, 13, 0), -1, "and then never again");

	struct tt_rule once = { .kind = TT_ONCE, .once_at = at(sh, 2026, 11, 25,
	    9, 30) };
	NEXT_IS(&once, sh, once.once_at - 1, once.once_at, "a one-shot is due once");
	NEXT_IS(&once, sh, once.once_at, -1, "and not after");
}

static void
test_dst(void)
{
	/* 2026-11-01: New York falls back, 01:00-02:00 happens twice. */
	struct tt_rule r = { .kind = TT_DAILY, .times = { 90 }, .ntimes = 1 };
	int64_t first = tt_next(&r, ny, at(ny, 2026, 11, 1, 0, 0));
	int64_t second = tt_next(&r, ny, first);
	CHECK(first > 0 && strncmp(fmt(ny, first), "2026-11-01 01:30", 16) == 0,
	    "the repeated hour airs its slot (%s)", fmt(ny, first));
	CHECK(strncmp(fmt(ny, second), "2026-11-02 01:30", 16) == 0,
	    "once: the next is the following day (%s), not an hour later",
	    fmt(ny, second));

	/* 2026-03-08: New York springs forward, 02:00-03:00 does not exist. */
	struct tt_rule s = { .kind = TT_DAILY, .times = { 150 }, .ntimes = 1 };
	int64_t skipped = tt_next(&s, ny, at(ny, 2026, 3, 8, 0, 0));
	int64_t next = tt_next(&s, ny, skipped);
	CHECK(skipped > at(ny, 2026, 3, 8, 0, 0) && skipped < at(ny, 2026, 3, 8, 5, 0),
	    "a slot in the skipped hour still airs that day (%s)", fmt(ny, skipped));
	CHECK(strncmp(fmt(ny, next), "2026-03-09 02:30", 16) == 0,
	    "and the day after is normal (%s)", fmt(ny, next));
}

static void
test_quiet(void)
{
	int qs = 21 * 60 + 30, qe = 6 * 60;

	CHECK(tt_is_quiet(qs, qe, sh, at(sh, 2026, 11, 23, 22, 0)), "22:00 is quiet");
	CHECK(tt_is_quiet(qs, qe, sh, at(sh, 2026, 11, 24, 5, 59)), "05:59 is quiet");
	CHECK(!tt_is_quiet(qs, qe, sh, at(sh, 2026, 11, 24, 6, 0)), "06:00 is not");
	CHECK(!tt_is_quiet(qs, qe, sh, at(sh, 2026, 11, 23, 21, 29)), "21:29 is not");
	CHECK(!tt_is_quiet(qs, qe, sh, at(sh, 2026, 11, 23, 12, 0)), "noon is not");
	CHECK(tt_quiet_end(qs, qe, sh, at(sh, 2026, 11, 23, 23, 0)) ==
	    at(sh, 2026, 11, 24, 6, 0), "quiet from 23:00 ends at 06:00 next day");
	int64_t noon = at(sh, 2026, 11, 23, 12, 0);
	CHECK(tt_quiet_end(qs, qe, sh, noon) == noon, "noon is not held at all");
	CHECK(!tt_is_quiet(600, 600, sh, noon), "an empty span is never quiet");
	CHECK(tt_is_quiet(13 * 60, 14 * 60, sh, at(sh, 2026, 11, 23, 13, 30)),
	    "a daytime span (13:00-14:00) works too");
}

int
main(void)
{
	sh = g_time_zone_new_identifier("Asia/Shanghai");
	ny = g_time_zone_new_identifier("America/New_York");
	CHECK(sh && ny, "time zones load (tzdata installed)");
	if (!sh || !ny)
		return t_done();
	test_parse();
	test_rules();
	test_dst();
	test_quiet();
	g_time_zone_unref(sh);
	g_time_zone_unref(ny);
	return t_done();
}
