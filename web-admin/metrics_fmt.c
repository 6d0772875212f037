/*
 * metrics_fmt.c — the Prometheus text exposition format, version 0.0.4
 * (prometheus.io/docs/instrumenting/exposition_formats): what has to be
 * escaped where, and how numbers are written so that every parser reads
 * back the value we meant (floats with 17 significant digits, integers
 * as integers, the last bucket's bound as +Inf).
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "web-admin/metrics.h"

void
metric_head(GString *out, const char *name, const char *type,
    const char *help)
{
	g_string_append_printf(out, "# HELP %s ", name);
	for (const char *p = help; *p; p++) {
		if (*p == '\\')
			g_string_append(out, "\\\\");
		else if (*p == '\n')
			g_string_append(out, "\\n");
		else
			g_string_append_c(out, *p);
	}
	g_string_append_printf(out, "\n# TYPE %s %s\n", name, type);
}

void
metric_escape(GString *out, const char *value)
{
	for (const char *p = value; *p; p++) {
		if (*p == '\\')
			g_string_append(out, "\\\\");
		else if (*p == '"')
			g_string_append(out, "\\\"");
		else if (*p == '\n')
			g_string_append(out, "\\n");
		else
			g_string_append_c(out, *p);
	}
}

void
metric_u64(GString *out, const char *name, const char *label,
    const char *value, uint64_t v)
{
	g_string_append(out, name);
	if (label != NULL) {
		g_string_append_printf(out, "{%s=\"", label);
		metric_escape(out, value);
		g_string_append(out, "\"}");
	}
	g_string_append_printf(out, " %" PRIu64 "\n", v);
}

/* A float as Go's strconv reads it back exactly; the specials as the
 * format spells them. */
static void
number(GString *out, double v)
{
	if (isnan(v))
		g_string_append(out, "NaN");
	else if (isinf(v))
		g_string_append(out, v > 0 ? "+Inf" : "-Inf");
	else {
		/* The shortest of the two that reads back as v: 0.1, not
		 * 0.10000000000000001. */
		char buf[32];
		snprintf(buf, sizeof(buf), "%.15g", v);
		if (strtod(buf, NULL) != v)
			snprintf(buf, sizeof(buf), "%.17g", v);
		g_string_append(out, buf);
	}
}

void
metric_double(GString *out, const char *name, double v)
{
	g_string_append_printf(out, "%s ", name);
	number(out, v);
	g_string_append_c(out, '\n');
}

void
metric_hist(GString *out, const char *name, const char *help,
    const struct dalabad_hist *h)
{
	uint64_t total = 0;

	metric_head(out, name, "histogram", help);
	for (int i = 0; i <= h->n; i++) {
		total += h->counts[i];
		g_string_append_printf(out, "%s_bucket{le=\"", name);
		if (i < h->n)
			g_string_append_printf(out, "%g", h->le[i]);
		else
			g_string_append(out, "+Inf");
		g_string_append_printf(out, "\"} %" PRIu64 "\n", total);
	}
	g_string_append_printf(out, "%s_sum ", name);
	number(out, h->sum);
	g_string_append_printf(out, "\n%s_count %" PRIu64 "\n", name, total);
}
