/*
 * test_cap_out.c — the alerts a province writes for the counties below
 * (cap_out.c), read back by the parser a county runs (cap.c): Alert,
 * Update and Cancel with references, the fields a county decides on
 * (urgency, severity, expires, areas, language), text that looks like
 * markup carried as text, and what the writer refuses. The element order
 * checked is the CAP 1.2 schema's (OASIS, section 3.4: alert, info, area
 * and geocode are sequences), which a validating platform enforces.
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "web-admin/cap.h"
#include "tests/unit/harness.h"

static const char *const codes2[] = { "330102", "330102001001", NULL };

static struct cap_out
base(void)
{
	struct cap_out o = { .identifier = "dalaba.330000.page.7",
	    .sender = "dalaba.330000", .sent = "2026-12-04T12:00:00+00:00",
	    .msgtype = CAP_ALERT, .text = "今晚有特大暴雨，请低洼地区群众立即转移。",
	    .language = "zh-CN", .emergency = true, .repeat = 3,
	    .expires = 1796400000, .area_name = "上城区", .codes = codes2 };
	return o;
}

/* Each name appears, in this order, in x. */
static bool
in_order(const char *x, const char *const *names)
{
	const char *at = x;
	for (; *names; names++) {
		gchar *tag = g_strdup_printf("<%s>", *names);
		const char *p = strstr(at, tag);
		g_free(tag);
		if (p == NULL)
			return false;
		at = p;
	}
	return true;
}

static void
test_alert(void)
{
	struct cap_out o = base();
	struct cap_alert a;
	char err[256], t[32];
	char *x = cap_write(&o, err, sizeof(err));

	CHECK(x != NULL, "an alert is written (%s)", x ? "" : err);
	if (x == NULL)
		return;
	CHECK(cap_parse(x, strlen(x), &a, err, sizeof(err)) == 0,
	    "the county's parser reads it (%s)", err);
	CHECK_STREQ(a.identifier, o.identifier, "identifier");
	CHECK_STREQ(a.sender, o.sender, "sender");
	CHECK_STREQ(a.sent_text, o.sent, "sent");
	CHECK(a.status == CAP_ACTUAL && a.msgtype == CAP_ALERT, "Actual Alert");
	CHECK(a.ninfos == 1, "one info block");
	CHECK_STREQ(a.infos[0].language, "zh-CN", "language");
	CHECK_STREQ(a.infos[0].description, o.text, "the text, exactly");
	CHECK(a.infos[0].urgency == CAP_IMMEDIATE, "an emergency is Immediate");
	CHECK(a.infos[0].severity == CAP_EXTREME, "read three times: Extreme");
	CHECK(a.infos[0].expires == o.expires, "expires kept to the second");
	CHECK(a.infos[0].ncodes == 2 && strcmp(a.infos[0].codes[0], "330102") == 0
	    && strcmp(a.infos[0].codes[1], "330102001001") == 0,
	    "both areas, as GB/T 2260 geocodes");
	cap_alert_clear(&a);
	static const char *const alert_seq[] = { "identifier", "sender", "sent",
	    "status", "msgType", "scope", "info", NULL };
	static const char *const info_seq[] = { "language", "category", "event",
	    "urgency", "severity", "certainty", "expires", "senderName",
	    "description", "area", "areaDesc", "geocode", "valueName", "value",
	    NULL };
	CHECK(in_order(x, alert_seq), "alert's elements in the schema's order");
	CHECK(in_order(x, info_seq), "info's and area's in the schema's order");
	g_free(x);

	o.repeat = 2;
	o.emergency = false;
	x = cap_write(&o, err, sizeof(err));
	CHECK(x && cap_parse(x, strlen(x), &a, err, sizeof(err)) == 0 &&
	    a.infos[0].severity == CAP_MODERATE && a.infos[0].urgency ==
	    CAP_FUTURE, "twice: Moderate; not an emergency: Future");
	if (x)
		cap_alert_clear(&a);
	g_free(x);
	o.repeat = 1;
	o.language = "yue";
	x = cap_write(&o, err, sizeof(err));
	CHECK(x && cap_parse(x, strlen(x), &a, err, sizeof(err)) == 0 &&
	    a.infos[0].severity == CAP_MINOR && strcmp(a.infos[0].language,
	    "yue") == 0, "once: Minor; Cantonese: yue");
	if (x)
		cap_alert_clear(&a);
	g_free(x);

	cap_time_format(0, t);
	CHECK_STREQ(t, "1970-01-01T00:00:00+00:00", "CAP time of 0");
	cap_time_format(1796400000, t);
	CHECK(cap_time(t) == 1796400000, "CAP time round trip (%s)", t);
}

static void
test_update_cancel(void)
{
	struct cap_out o = base();
	struct cap_alert a;
	char err[256];
	const char *refs[] = { "dalaba.330000,dalaba.330000.page.6,"
	    "2026-12-04T11:00:00+00:00", "dalaba.330000,dalaba.330000.page.5,"
	    "2026-12-04T10:00:00+00:00" };

	o.msgtype = CAP_UPDATE;
	o.refs = refs;
	o.nrefs = 2;
	char *x = cap_write(&o, err, sizeof(err));
	CHECK(x && cap_parse(x, strlen(x), &a, err, sizeof(err)) == 0,
	    "an Update is read (%s)", err);
	if (x) {
		CHECK(a.msgtype == CAP_UPDATE && a.nrefs == 2 &&
		    strcmp(a.refs[0].identifier, "dalaba.330000.page.6") == 0 &&
		    strcmp(a.refs[1].sent, "2026-12-04T10:00:00+00:00") == 0,
		    "with both references");
		cap_alert_clear(&a);
	}
	g_free(x);

	o.msgtype = CAP_CANCEL;
	o.identifier = "dalaba.330000.page.7.cancel";
	o.text = NULL;
	o.nrefs = 1;
	x = cap_write(&o, err, sizeof(err));
	CHECK(x && cap_parse(x, strlen(x), &a, err, sizeof(err)) == 0,
	    "a Cancel is read (%s)", err);
	if (x) {
		CHECK(a.msgtype == CAP_CANCEL && a.nrefs == 1 &&
		    strcmp(a.refs[0].sender, "dalaba.330000") == 0,
		    "naming the alert it cancels");
		CHECK(strstr(x, "<description>") == NULL, "a Cancel reads nothing");
		cap_alert_clear(&a);
	}
	g_free(x);
}

static void
test_hostile_and_refused(void)
{
	struct cap_out o = base();
	struct cap_alert a;
	char err[256];
	const char *text = "注意</description><description>假的 & <b>]]>";

	o.text = text;
	char *x = cap_write(&o, err, sizeof(err));
	CHECK(x && cap_parse(x, strlen(x), &a, err, sizeof(err)) == 0,
	    "text that looks like markup is written and read (%s)", err);
	if (x) {
		CHECK_STREQ(a.infos[0].description, text, "carried as text");
		cap_alert_clear(&a);
	}
	g_free(x);

	o = base();
	o.identifier = "has space";
	CHECK(cap_write(&o, err, sizeof(err)) == NULL, "an identifier with a space");
	o = base();
	o.sender = "a,b";
	CHECK(cap_write(&o, err, sizeof(err)) == NULL, "a sender with a comma");
	o = base();
	o.sent = "yesterday";
	CHECK(cap_write(&o, err, sizeof(err)) == NULL, "a sent that is no time");
	o = base();
	o.msgtype = CAP_CANCEL;
	CHECK(cap_write(&o, err, sizeof(err)) == NULL, "a Cancel without references");
	o = base();
	o.msgtype = CAP_ACK;
	CHECK(cap_write(&o, err, sizeof(err)) == NULL, "an Ack is not ours to send");
	o = base();
	static const char *const none[] = { NULL };
	o.codes = none;
	CHECK(cap_write(&o, err, sizeof(err)) == NULL, "an alert with no area");
	o = base();
	o.text = "";
	CHECK(cap_write(&o, err, sizeof(err)) == NULL, "an alert with no text");
	GString *big = g_string_new("");
	while (big->len <= CAP_MAX_TEXT)
		g_string_append(big, "很长的通知");
	o.text = big->str;
	CHECK(cap_write(&o, err, sizeof(err)) == NULL,
	    "a text over what a county reads");
	g_string_free(big, TRUE);
}

int
main(void)
{
	test_alert();
	test_update_cancel();
	test_hostile_and_refused();
	return t_done();
}
