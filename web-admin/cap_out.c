/*
 * cap_out.c — writing a CAP 1.2 alert: what a province sends each county
 * below it. The shape follows OASIS CAP 1.2 (section 3) and what cap.c
 * reads: one info block in the language the text is in, category Safety,
 * the event named in Chinese, one area with a geocode per zone in GB/T
 * 2260 codes. Every text goes through g_markup_escape so a notice's
 * "<" or "&" is carried, never interpreted.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <glib.h>

#include "web-admin/cap.h"

void
cap_time_format(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, 32, "%Y-%m-%dT%H:%M:%S+00:00", &tm) == 0)
		snprintf(out, 32, "1970-01-01T00:00:00+00:00");
}

/* CAP forbids whitespace and commas in identifier and sender, and "<"
 * and "&" would need escaping that a references list cannot carry. */
static bool
cap_word_ok(const char *s)
{
	if (s == NULL || *s == '\0' || strlen(s) > 200)
		return false;
	for (; *s; s++)
		if (*s <= ' ' || *s == ',' || *s == '<' || *s == '&' || *s == '>')
			return false;
	return true;
}

static void
element(GString *x, const char *indent, const char *name, const char *value)
{
	gchar *e = g_markup_escape_text(value, -1);
	g_string_append_printf(x, "%s<%s>%s</%s>\n", indent, name, e, name);
	g_free(e);
}

char *
cap_write(const struct cap_out *o, char *err, size_t errlen)
{
	char expires[32];
	GString *x;

	if (!cap_word_ok(o->identifier) || !cap_word_ok(o->sender) ||
	    cap_time(o->sent) < 0) {
		snprintf(err, errlen, "identifier, sender and sent must be CAP "
		    "words and a CAP time");
		return NULL;
	}
	if ((o->msgtype == CAP_UPDATE || o->msgtype == CAP_CANCEL) &&
	    (o->nrefs < 1 || o->nrefs > CAP_MAX_REFS)) {
		snprintf(err, errlen, "an Update or Cancel names 1 to %d earlier "
		    "alerts", CAP_MAX_REFS);
		return NULL;
	}
	if (o->msgtype != CAP_ALERT && o->msgtype != CAP_UPDATE &&
	    o->msgtype != CAP_CANCEL) {
		snprintf(err, errlen, "only Alert, Update and Cancel are sent");
		return NULL;
	}
	int ncodes = 0;
	while (o->codes && o->codes[ncodes])
		ncodes++;
	if (ncodes < 1 || ncodes > CAP_MAX_CODES) {
		snprintf(err, errlen, "an alert names 1 to %d areas", CAP_MAX_CODES);
		return NULL;
	}
	if (o->msgtype != CAP_CANCEL && (o->text == NULL || *o->text == '\0' ||
	    strlen(o->text) > CAP_MAX_TEXT)) {
		snprintf(err, errlen, "the text must be 1 to %d bytes", CAP_MAX_TEXT);
		return NULL;
	}
	x = g_string_new("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	g_string_append_printf(x, "<alert xmlns=\"%s\">\n", CAP_NS);
	element(x, "  ", "identifier", o->identifier);
	element(x, "  ", "sender", o->sender);
	element(x, "  ", "sent", o->sent);
	g_string_append(x, "  <status>Actual</status>\n");
	element(x, "  ", "msgType", cap_msgtype_name(o->msgtype));
	g_string_append(x, "  <scope>Public</scope>\n");
	if (o->nrefs > 0) {
		g_string_append(x, "  <references>");
		for (int i = 0; i < o->nrefs; i++) {
			gchar *e = g_markup_escape_text(o->refs[i], -1);
			g_string_append_printf(x, "%s%s", i ? " " : "", e);
			g_free(e);
		}
		g_string_append(x, "</references>\n");
	}
	/* A Cancel carries an info block too: CAP allows it, and the area
	 * says what is being cancelled to a reader of the log. */
	g_string_append(x, "  <info>\n");
	element(x, "    ", "language", o->language ? o->language : "zh-CN");
	g_string_append(x, "    <category>Safety</category>\n");
	element(x, "    ", "event", o->msgtype == CAP_CANCEL ? "取消紧急广播" :
	    "紧急广播");
	element(x, "    ", "urgency", o->emergency ? "Immediate" : "Future");
	element(x, "    ", "severity", o->repeat >= 3 ? "Extreme" :
	    o->repeat == 2 ? "Moderate" : "Minor");
	g_string_append(x, "    <certainty>Observed</certainty>\n");
	if (o->expires > 0) {
		cap_time_format(o->expires, expires);
		element(x, "    ", "expires", expires);
	}
	element(x, "    ", "senderName", o->sender);
	if (o->msgtype != CAP_CANCEL)
		element(x, "    ", "description", o->text);
	g_string_append(x, "    <area>\n");
	element(x, "      ", "areaDesc", o->area_name && *o->area_name ?
	    o->area_name : o->codes[0]);
	for (int i = 0; i < ncodes; i++) {
		g_string_append(x, "      <geocode>\n");
		element(x, "        ", "valueName", "GB/T 2260");
		element(x, "        ", "value", o->codes[i]);
		g_string_append(x, "      </geocode>\n");
	}
	g_string_append(x, "    </area>\n  </info>\n</alert>\n");
	return g_string_free(x, FALSE);
}
