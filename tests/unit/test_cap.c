/*
 * test_cap.c — CAP 1.2 alerts of our own: Alert, Update and Cancel, each
 * status, several info blocks in different languages, area codes, expiry;
 * and what must be refused: missing and repeated elements, bad values and
 * times, the wrong namespace, and hostile XML (an entity bomb, external
 * entities, a huge text, too many blocks).
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "web-admin/cap.h"
#include "tests/unit/harness.h"

#define HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
    "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\">" \
    "<identifier>GD-441202-2026-0042</identifier>" \
    "<sender>yjglj@441202.gov.cn</sender>" \
    "<sent>2026-11-23T12:00:00+08:00</sent>"
#define INFO_ZH "<info><language>zh-CN</language><category>Met</category>" \
    "<event>台风</event><urgency>Immediate</urgency>" \
    "<severity>Extreme</severity><certainty>Observed</certainty>" \
    "<expires>2026-11-23T18:00:00+08:00</expires>" \
    "<headline>台风红色预警</headline>" \
    "<description>今天下午3点台风登陆，风力12级。</description>" \
    "<instruction>请立即转移到村委会避难。</instruction>" \
    "<area><areaDesc>甲镇</areaDesc><geocode><valueName>GB/T 2260" \
    "</valueName><value>441202001</value></geocode><geocode><valueName>" \
    "GB/T 2260</valueName><value>441202002001</value></geocode></area>" \
    "</info>"
#define INFO_EN "<info><category>Met</category><event>Typhoon</event>" \
    "<urgency>Immediate</urgency><severity>Extreme</severity>" \
    "<certainty>Observed</certainty><description>Typhoon.</description>" \
    "<area><areaDesc>x</areaDesc></area></info>"

static int
parse(const char *xml, struct cap_alert *a, char *err, size_t n)
{
	return cap_parse(xml, strlen(xml), a, err, n);
}

static void
refused(const char *xml, const char *want, const char *why)
{
	struct cap_alert a;
	char err[256] = "";
	int rc = parse(xml, &a, err, sizeof(err));

	CHECK(rc == -1 && err[0] && strstr(err, want) != NULL, "refused: %s (%s)",
	    why, err);
	if (rc == 0)
		cap_alert_clear(&a);
}

static void
test_good(void)
{
	struct cap_alert a;
	char err[256] = "";
	static const char alert[] = HEAD "<status>Actual</status><msgType>Alert"
	    "</msgType><scope>Public</scope>" INFO_ZH INFO_EN "</alert>";

	CHECK(parse(alert, &a, err, sizeof(err)) == 0, "an alert parses (%s)", err);
	CHECK_STREQ(a.identifier, "GD-441202-2026-0042", "identifier");
	CHECK(a.sent == 1795406400, "sent in unix seconds (%lld)", (long long)a.sent);
	CHECK(a.status == CAP_ACTUAL && a.msgtype == CAP_ALERT, "status, type");
	CHECK(a.ninfos == 2, "two info blocks");
	CHECK_STREQ(a.infos[0].language, "zh-CN", "the first is Chinese");
	CHECK_STREQ(a.infos[1].language, "en-US", "a missing language is en-US");
	CHECK_STREQ(a.infos[0].description, "今天下午3点台风登陆，风力12级。",
	    "description");
	CHECK_STREQ(a.infos[0].instruction, "请立即转移到村委会避难。", "instruction");
	CHECK(a.infos[0].severity == CAP_EXTREME && a.infos[0].urgency ==
	    CAP_IMMEDIATE, "severity and urgency");
	CHECK(a.infos[0].expires == a.sent + 6 * 3600, "expires");
	CHECK(a.infos[0].ncodes == 2 && strcmp(a.infos[0].codes[1],
	    "441202002001") == 0, "area codes");
	cap_alert_clear(&a);

	static const char *const statuses[] = { "Actual", "Exercise", "System",
	    "Test", "Draft" };
	for (int i = 0; i < 5; i++) {
		char doc[4096];
		snprintf(doc, sizeof(doc), HEAD "<status>%s</status><msgType>Alert"
		    "</msgType><scope>Public</scope>" INFO_EN "</alert>", statuses[i]);
		CHECK(parse(doc, &a, err, sizeof(err)) == 0 && (int)a.status == i,
		    "status %s", statuses[i]);
		cap_alert_clear(&a);
	}
	static const char update[] = HEAD "<status>Actual</status><msgType>Update"
	    "</msgType><scope>Public</scope><references>yjglj@441202.gov.cn,"
	    "GD-441202-2026-0041,2026-11-23T11:00:00+08:00</references>" INFO_ZH
	    "</alert>";
	CHECK(parse(update, &a, err, sizeof(err)) == 0 && a.msgtype == CAP_UPDATE &&
	    a.nrefs == 1 && strcmp(a.refs[0].identifier, "GD-441202-2026-0041") ==
	    0, "an Update with its reference (%s)", err);
	cap_alert_clear(&a);
	static const char cancel[] = HEAD "<status>Actual</status><msgType>Cancel"
	    "</msgType><scope>Public</scope><references>a,b,2026-11-23T11:00:00"
	    "+08:00 a,c,2026-11-23T11:30:00+08:00</references></alert>";
	CHECK(parse(cancel, &a, err, sizeof(err)) == 0 && a.msgtype == CAP_CANCEL &&
	    a.nrefs == 2 && a.ninfos == 0, "a Cancel of two alerts, no info (%s)",
	    err);
	cap_alert_clear(&a);
	CHECK(cap_time("2026-11-23T04:00:00-00:00") == 1795406400,
	    "UTC is written -00:00");
	CHECK(cap_time("2026-11-23T04:00:00Z") == -1 &&
	    cap_time("2026-11-23 04:00:00+00:00") == -1 &&
	    cap_time("2026-13-23T04:00:00+00:00") == -1, "other forms are refused");
}

static void
test_refused(void)
{
	refused("", "empty", "nothing");
	refused("<alert", "well-formed", "cut XML");
	refused("<alert><identifier>x</identifier></alert>", "namespace",
	    "no CAP namespace");
	refused("<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.1\"/>",
	    "namespace", "CAP 1.1");
	refused(HEAD "<msgType>Alert</msgType><scope>Public</scope>" INFO_EN
	    "</alert>", "<status> is required", "no status");
	refused(HEAD "<status>Real</status><msgType>Alert</msgType><scope>Public"
	    "</scope>" INFO_EN "</alert>", "not a CAP 1.2 value", "a bad status");
	refused(HEAD "<status>Actual</status><status>Test</status><msgType>Alert"
	    "</msgType><scope>Public</scope>" INFO_EN "</alert>", "twice",
	    "a repeated status");
	refused(HEAD "<status>Actual</status><msgType>Update</msgType><scope>"
	    "Public</scope>" INFO_EN "</alert>", "needs <references>",
	    "an Update without references");
	refused(HEAD "<status>Actual</status><msgType>Cancel</msgType><scope>"
	    "Public</scope><references>a,b</references></alert>",
	    "sender,identifier,sent", "a malformed reference");
	refused(HEAD "<status>Actual</status><msgType>Alert</msgType><scope>"
	    "Public</scope></alert>", "without <info>", "an Alert without info");
	refused(HEAD "<status>Actual</status><msgType>Alert</msgType><scope>"
	    "Public</scope><info><category>Met</category><event>x</event>"
	    "<urgency>Now</urgency><severity>Extreme</severity><certainty>"
	    "Observed</certainty></info></alert>", "not a CAP 1.2 value",
	    "a bad urgency");
	refused(HEAD "<status>Actual</status><msgType>Alert</msgType><scope>"
	    "Public</scope><info><category>Met</category><event>x</event>"
	    "<urgency>Immediate</urgency><severity>Extreme</severity><certainty>"
	    "Observed</certainty><expires>tomorrow</expires></info></alert>",
	    "not a CAP time", "a bad expiry");
	refused("<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\">"
	    "<identifier>x</identifier><sender>s</sender><sent>2026-11-23 12:00"
	    "</sent></alert>", "not a CAP time", "a bad sent time");
	refused(HEAD "<status>Actual</status><msgType>Alert</msgType><scope>"
	    "Public</scope><info><category>Met</category><event>x</event>"
	    "<urgency>Immediate</urgency><severity>Extreme</severity><certainty>"
	    "Observed</certainty><area><geocode><valueName>a</valueName><value>1"
	    "</value></geocode></area></info></alert>", "<areaDesc> is required",
	    "an area without areaDesc");
}

static void
test_hostile(void)
{
	refused("<?xml version=\"1.0\"?><!DOCTYPE alert [<!ENTITY a \"aaaaaaaaaa\">"
	    "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;"
	    "&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">"
	    "]><alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>"
	    "&d;</identifier></alert>", "", "an entity bomb (by libxml2's own "
	    "amplification check or our DOCTYPE rule)");
	refused("<?xml version=\"1.0\"?><!DOCTYPE alert [<!ENTITY x SYSTEM "
	    "\"file:///etc/passwd\">]><alert xmlns=\"urn:oasis:names:tc:"
	    "emergency:cap:1.2\"><identifier>&x;</identifier></alert>", "DOCTYPE",
	    "an external entity");
	refused("<?xml version=\"1.0\"?><!DOCTYPE alert SYSTEM \"http://127.0.0.1:1/"
	    "cap.dtd\"><alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"/>",
	    "DOCTYPE", "an external DTD");
	GString *g = g_string_new(HEAD "<status>Actual</status><msgType>Alert"
	    "</msgType><scope>Public</scope><info><category>Met</category><event>");
	for (int i = 0; i < 9000; i++)
		g_string_append_c(g, 'x');
	g_string_append(g, "</event><urgency>Immediate</urgency><severity>Extreme"
	    "</severity><certainty>Observed</certainty></info></alert>");
	refused(g->str, "longer than", "a 9000-byte event");
	g_string_free(g, TRUE);
	g = g_string_new(HEAD "<status>Actual</status><msgType>Alert</msgType>"
	    "<scope>Public</scope>");
	while (g->len <= CAP_MAX_BYTES)
		g_string_append(g, "<note>padding padding padding</note>");
	g_string_append(g, INFO_EN "</alert>");
	refused(g->str, "larger than", "a document over the size cap");
	g_string_free(g, TRUE);
	g = g_string_new(HEAD "<status>Actual</status><msgType>Alert</msgType>"
	    "<scope>Public</scope>");
	for (int i = 0; i <= CAP_MAX_INFOS; i++)
		g_string_append(g, INFO_EN);
	g_string_append(g, "</alert>");
	refused(g->str, "more than", "too many info blocks");
	g_string_free(g, TRUE);
	refused(HEAD "<status>Actual</status><msgType>Alert</msgType><scope>"
	    "Public</scope><info><category>Met</category><event>a\x01b</event>"
	    "<urgency>Immediate</urgency><severity>Extreme</severity><certainty>"
	    "Observed</certainty></info></alert>", "well-formed",
	    "a control character");
}

int
main(void)
{
	test_good();
	test_refused();
	test_hostile();
	return t_done();
}
