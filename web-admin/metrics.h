/*
 * metrics.h — inside web-admin/: GET /metrics, dalabad's figures in the
 * Prometheus text exposition format (0.0.4), for a scraper holding the
 * state directory's metrics.token (its own: the API token does not open
 * it, and it opens nothing else). metrics.c serves and counts;
 * metrics_fmt.c writes the format (pure; unit-tested).
 */
#ifndef DALABA_WEB_METRICS_H
#define DALABA_WEB_METRICS_H

#include <stdint.h>

#include <glib.h>

#include "scheduler/scheduler.h"

struct web_admin;

/* Make or read STATE_DIR/metrics.token, serve /metrics on the API's
 * listener and count every answer it gives by status. 0, or -1 with err. */
int web_metrics_start(struct web_admin *wa, char *err, size_t errlen);

/* ---- the format (metrics_fmt.c) ---- */
/* The HELP and TYPE lines of a family; help is escaped as the format
 * wants (backslash, newline). */
void metric_head(GString *out, const char *name, const char *type,
    const char *help);
/* A label value as the format quotes it: backslash, double quote and
 * newline escaped, nothing else changed. */
void metric_escape(GString *out, const char *value);
/* A sample: name, then {label="value"} when label is not NULL, then the
 * value. */
void metric_u64(GString *out, const char *name, const char *label,
    const char *value, uint64_t v);
void metric_double(GString *out, const char *name, double v);
/* A histogram family whole: HELP, TYPE, cumulative _bucket lines with
 * le (the last "+Inf"), _sum and _count. */
void metric_hist(GString *out, const char *name, const char *help,
    const struct dalabad_hist *h);

#endif
