/*
 * test_metrics.c — the Prometheus text format as metrics_fmt.c writes it:
 * label values escaped as the format says (backslash, double quote,
 * newline; UTF-8 and everything else as is), HELP text escaped its own
 * way (quotes left alone), numbers written so they read back exactly,
 * and a histogram's buckets cumulative up to +Inf with _sum and _count;
 * and the scheduler's histogram (hist.c) files each observation under
 * the first bound it does not exceed, as Prometheus's le means.
 */
#include <stdio.h>
#include <string.h>

#include "web-admin/metrics.h"
#include "tests/unit/harness.h"

static const char *
esc(GString *g, const char *v)
{
	g_string_truncate(g, 0);
	metric_escape(g, v);
	return g->str;
}

int
main(void)
{
	GString *g = g_string_new(NULL);

	CHECK_STREQ(esc(g, "village"), "village", "a plain value is as is");
	CHECK_STREQ(esc(g, "a\\b"), "a\\\\b", "a backslash is doubled");
	CHECK_STREQ(esc(g, "say \"hi\""), "say \\\"hi\\\"", "quotes are escaped");
	CHECK_STREQ(esc(g, "two\nlines"), "two\\nlines", "a newline is \\n");
	CHECK_STREQ(esc(g, "\\\"\n"), "\\\\\\\"\\n", "all three in a row");
	CHECK_STREQ(esc(g, "东村\t'x'"), "东村\t'x'",
	    "UTF-8, tabs and single quotes are left alone");
	CHECK_STREQ(esc(g, ""), "", "an empty value is empty");

	g_string_truncate(g, 0);
	metric_head(g, "dalaba_x", "gauge", "a \"quoted\" \\ and\nmore");
	CHECK_STREQ(g->str, "# HELP dalaba_x a \"quoted\" \\\\ and\\nmore\n"
	    "# TYPE dalaba_x gauge\n", "HELP escapes backslash and newline only");

	g_string_truncate(g, 0);
	metric_u64(g, "dalaba_y_total", "code", "2\"0\n0", 18446744073709551615u);
	CHECK_STREQ(g->str, "dalaba_y_total{code=\"2\\\"0\\n0\"} "
	    "18446744073709551615\n", "a sample's label value is escaped; "
	    "a 64-bit count is written whole");
	g_string_truncate(g, 0);
	metric_u64(g, "dalaba_z", NULL, NULL, 0);
	CHECK_STREQ(g->str, "dalaba_z 0\n", "no label: no braces");

	g_string_truncate(g, 0);
	metric_double(g, "a", 0.1);
	metric_double(g, "b", 1.0 / 3);
	metric_double(g, "c", 1e-7);
	CHECK_STREQ(g->str, "a 0.1\nb 0.33333333333333331\nc 1e-07\n",
	    "floats: the shortest that reads back exactly");

	struct dalabad_hist h = { .n = 3, .le = { 0.005, 0.1, 2.5 },
	    .counts = { 1, 0, 2, 4 }, .sum = 12.5 };
	g_string_truncate(g, 0);
	metric_hist(g, "dalaba_h_seconds", "h", &h);
	CHECK_STREQ(g->str,
	    "# HELP dalaba_h_seconds h\n"
	    "# TYPE dalaba_h_seconds histogram\n"
	    "dalaba_h_seconds_bucket{le=\"0.005\"} 1\n"
	    "dalaba_h_seconds_bucket{le=\"0.1\"} 1\n"
	    "dalaba_h_seconds_bucket{le=\"2.5\"} 3\n"
	    "dalaba_h_seconds_bucket{le=\"+Inf\"} 7\n"
	    "dalaba_h_seconds_sum 12.5\n"
	    "dalaba_h_seconds_count 7\n",
	    "a histogram: cumulative buckets, +Inf is the count");

	static const double le[] = { 0.01, 0.1, 1 };
	struct hist x;
	struct dalabad_hist r;
	hist_init(&x, le, 3);
	hist_observe(&x, 0.01);		/* on a bound: that bucket */
	hist_observe(&x, 0.0100001);
	hist_observe(&x, 5);		/* above all: +Inf only */
	hist_observe(&x, -1);		/* a clock that went back: 0 */
	hist_read(&x, &r);
	CHECK(r.n == 3 && r.counts[0] == 2 && r.counts[1] == 1 &&
	    r.counts[2] == 0 && r.counts[3] == 1, "observations by bucket: "
	    "%llu %llu %llu %llu", (unsigned long long)r.counts[0],
	    (unsigned long long)r.counts[1], (unsigned long long)r.counts[2],
	    (unsigned long long)r.counts[3]);
	CHECK(r.sum > 5.0199999 && r.sum < 5.0200001, "the sum, in whole µs "
	    "(%.6f)", r.sum);
	g_string_free(g, TRUE);
	return t_done();
}
