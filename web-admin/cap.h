/*
 * cap.h — inside web-admin/: reading an OASIS CAP 1.2 alert (Common
 * Alerting Protocol) as an upstream platform POSTs it, into plain C data.
 * Pure: bytes in, a checked struct or a reason out; what to air is decided
 * elsewhere. The parser is hostile-input safe: a size cap before parsing,
 * libxml2 without network or entity loading, no DOCTYPE at all (so neither
 * entity bombs nor external entities), caps on every list and text.
 */
#ifndef DALABA_SCHED_CAP_H
#define DALABA_SCHED_CAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CAP_NS "urn:oasis:names:tc:emergency:cap:1.2"
#define CAP_MAX_BYTES (256 * 1024)
#define CAP_MAX_INFOS 8
#define CAP_MAX_CODES 64	/* area codes per info */
#define CAP_MAX_REFS 16
#define CAP_MAX_TEXT 8192	/* bytes of one text element */

enum cap_status { CAP_ACTUAL, CAP_EXERCISE, CAP_SYSTEM, CAP_TEST, CAP_DRAFT };
enum cap_msgtype { CAP_ALERT, CAP_UPDATE, CAP_CANCEL, CAP_ACK, CAP_ERROR };
enum cap_urgency { CAP_IMMEDIATE, CAP_EXPECTED, CAP_FUTURE, CAP_PAST,
    CAP_URGENCY_UNKNOWN };
enum cap_severity { CAP_EXTREME, CAP_SEVERE, CAP_MODERATE, CAP_MINOR,
    CAP_SEVERITY_UNKNOWN };

/* "sender,identifier,sent" of an earlier alert this one updates/cancels. */
struct cap_ref {
	char *sender, *identifier, *sent;
};

struct cap_info {
	char *language;		/* "en-US" when absent, as CAP says */
	char *event, *headline, *description, *instruction;	/* may be NULL
				 * except event */
	enum cap_urgency urgency;
	enum cap_severity severity;
	int64_t expires;	/* unix seconds; 0: none given */
	char *codes[CAP_MAX_CODES];	/* geocode values, as given */
	int ncodes;
	int nareas;
};

struct cap_alert {
	char *identifier, *sender, *sent_text;
	int64_t sent;
	enum cap_status status;
	enum cap_msgtype msgtype;
	struct cap_ref refs[CAP_MAX_REFS];
	int nrefs;
	struct cap_info infos[CAP_MAX_INFOS];
	int ninfos;
};

/* Parse and check one alert. 0 with *a filled (cap_alert_clear frees), or
 * -1 with err saying what is wrong (nothing to free). */
int cap_parse(const char *xml, size_t len, struct cap_alert *a, char *err,
    size_t errlen);
void cap_alert_clear(struct cap_alert *a);

/* "2026-11-23T12:00:00+08:00" (CAP's form: a zone offset is required) to
 * unix seconds; -1 if not that. */
int64_t cap_time(const char *s);
const char *cap_status_name(enum cap_status s);
const char *cap_msgtype_name(enum cap_msgtype t);

/* An alert to send down (cap_out.c): what a province's page becomes for
 * one county below. All strings are the caller's; text is escaped here. */
struct cap_out {
	const char *identifier, *sender, *sent;	/* sent: CAP's time form */
	enum cap_msgtype msgtype;	/* CAP_ALERT, CAP_UPDATE or CAP_CANCEL */
	/* Update and Cancel: the alerts replaced, "sender,identifier,sent"
	 * each (the form of CAP's references). */
	const char *const *refs;
	int nrefs;
	const char *text;	/* description; ignored for a Cancel */
	const char *language;	/* "zh-CN" or "yue" */
	bool emergency;		/* urgency Immediate, else Future */
	int repeat;		/* severity: 3 Extreme, 2 Moderate, 1 Minor */
	int64_t expires;	/* unix seconds */
	const char *area_name;
	const char *const *codes;	/* GB/T 2260 codes, NULL-terminated */
};

/* The alert's XML (g_free), well-formed and within cap_parse's limits, or
 * NULL with err (a field out of range). */
char *cap_write(const struct cap_out *o, char *err, size_t errlen);
/* Unix seconds in CAP's form, UTC: "2026-12-04T12:00:00+00:00". */
void cap_time_format(int64_t t, char out[32]);

#endif
