/*
 * api_cap.c — CAP 1.2 alerts POSTed by an upstream platform, turned into
 * emergency pages. The sender authenticates with its own API token (a
 * county account of its own, so it can be disabled alone, and the audit
 * log names it); the alert is parsed whole (cap.c) before anything is
 * decided, so a malformed alert is refused and logged, never partly aired.
 *
 * The rules, in the order applied:
 *   - msgType Ack/Error: logged. An alert already received (the same
 *     sender, identifier and sent) is acknowledged, not aired again.
 *   - Update and Cancel name earlier alerts in references; those pages
 *     (only the ones this same account sent) are cancelled. Cancel stops
 *     there; Update goes on as a new Alert.
 *   - The info block read: the first in Mandarin (zh, zh-CN, cmn...), else
 *     the first in Cantonese (yue, zh-HK); its description, then its
 *     instruction, is the text (the headline when both are missing).
 *   - Areas: each geocode that is one of our zones (6, 9 or 12 digits,
 *     administrative division codes) is a target; the others are
 *     reported back. None known: refused.
 *   - status Actual airs; Exercise and Test air only to zones set for
 *     drills (the rest are logged); System and Draft are logged only.
 *   - urgency Immediate/Expected or severity Extreme/Severe is an
 *     emergency (pre-empts everything, ignores quiet hours); otherwise
 *     it is county class. Extreme/Severe read three times, Moderate and
 *     Unknown twice, Minor once.
 *   - An alert already expired is logged, not aired; one without expires
 *     lasts [pages] expires_minutes.
 *
 * Answers are CAP themselves: an alert with msgType Ack (accepted) or
 * Error (refused), a note saying what happened, and references to the
 * alert answered; X-Dalaba-Page names the page made.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web-admin/api_int.h"
#include "web-admin/cap.h"
#include "broadcaster/log.h"

/* Our answer as a CAP alert; status is the HTTP status. */
static void
cap_answer(struct api_req *r, int status, const struct cap_alert *a,
    bool error, int64_t page_id, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static void
cap_answer(struct api_req *r, int status, const struct cap_alert *a,
    bool error, int64_t page_id, const char *fmt, ...)
{
	char note[1024], sent[32], ident[64];
	va_list ap;
	GDateTime *now = g_date_time_new_now_utc();
	gchar *t = g_date_time_format(now, "%Y-%m-%dT%H:%M:%S+00:00");
	GString *x = g_string_new("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	gchar *e;

	va_start(ap, fmt);
	vsnprintf(note, sizeof(note), fmt, ap);
	va_end(ap);
	snprintf(sent, sizeof(sent), "%s", t);
	snprintf(ident, sizeof(ident), "dalaba-%s-%lld", error ? "error" : "ack",
	    (long long)g_get_real_time());
	g_string_append_printf(x, "<alert xmlns=\"%s\">\n  <identifier>%s"
	    "</identifier>\n  <sender>dalabad</sender>\n  <sent>%s</sent>\n"
	    "  <status>%s</status>\n  <msgType>%s</msgType>\n"
	    "  <scope>Public</scope>\n", CAP_NS, ident, sent,
	    a && a->identifier ? cap_status_name(a->status) : "Actual",
	    error ? "Error" : "Ack");
	e = g_markup_escape_text(note, -1);
	g_string_append_printf(x, "  <note>%s</note>\n", e);
	g_free(e);
	if (a && a->identifier && a->sender && a->sent_text) {
		e = g_markup_printf_escaped("  <references>%s,%s,%s</references>\n",
		    a->sender, a->identifier, a->sent_text);
		g_string_append(x, e);
		g_free(e);
	}
	g_string_append(x, "</alert>\n");
	r->answered = true;
	SoupMessageHeaders *h = soup_server_message_get_response_headers(r->msg);
	if (page_id > 0) {
		char v[32];
		snprintf(v, sizeof(v), "%lld", (long long)page_id);
		soup_message_headers_replace(h, "X-Dalaba-Page", v);
	}
	soup_server_message_set_status(r->msg, status, NULL);
	soup_server_message_set_response(r->msg, "application/cap+xml",
	    SOUP_MEMORY_TAKE, x->str, x->len);
	g_string_free(x, FALSE);
	g_free(t);
	g_date_time_unref(now);
	dlog(error ? LOG_WARNING : LOG_NOTICE, "CAP from %s (%s): %s%s", r->who.name,
	    a && a->identifier ? a->identifier : "unparsed", error ? "refused: " :
	    "", note);
	if (error)
		api_audit(r, "cap.refuse", "预警 %s：%s", a && a->identifier ?
		    a->identifier : "（读不懂）", note);
}

/* The info block to read and the voice to read it in. */
static const struct cap_info *
pick_info(const struct cap_alert *a, const char **voice)
{
	static const char *const mandarin[] = { "zh", "zh-CN", "zh-cn",
	    "zh-Hans", "zh-hans", "zh-SG", "cmn", "cmn-CN", "zh-TW", NULL };
	static const char *const cantonese[] = { "yue", "zh-HK", "zh-hk",
	    "zh-MO", "zh-yue", "yue-HK", NULL };

	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < a->ninfos; i++)
			for (const char *const *l = pass ? cantonese : mandarin; *l;
			    l++)
				if (strcmp(a->infos[i].language, *l) == 0) {
					*voice = pass ? "cantonese" : "mandarin";
					return &a->infos[i];
				}
	return NULL;
}

/* The pages a's references name, checked before anything changes: each
 * known one must be this account's own (else 403 answered, -1). Those
 * still active go in ids (their count returned), the rest are noted in
 * done. */
static int
referenced_pages(struct api_req *r, const struct cap_alert *a, int64_t *ids,
    int max, int *known, GString *done)
{
	int n = 0;

	*known = 0;
	for (int i = 0; i < a->nrefs; i++) {
		int64_t id = db_page_find_cap(r->wa->db, a->refs[i].sender,
		    a->refs[i].identifier, a->refs[i].sent);
		struct db_page p;
		if (id <= 0 || db_page_get(r->wa->db, id, &p) != 1) {
			g_string_append_printf(done, "; %s is unknown here",
			    a->refs[i].identifier);
			continue;
		}
		if (p.created_by != r->who.user_id) {
			db_page_clear(&p);
			cap_answer(r, 403, a, true, 0, "alert %s was not sent by "
			    "this account", a->refs[i].identifier);
			return -1;
		}
		(*known)++;
		if (strcmp(p.state, "active") == 0 && n < max) {
			ids[n++] = id;
			g_string_append_printf(done, "; page %lld (%s) cancelled",
			    (long long)id, a->refs[i].identifier);
		} else {
			g_string_append_printf(done, "; page %lld (%s) was already "
			    "%s", (long long)id, a->refs[i].identifier, p.state);
		}
		db_page_clear(&p);
	}
	return n;
}

/* A CAP Cancel: the referenced pages off the air, in one step. */
static void
cancel_alert(struct api_req *r, const struct cap_alert *a)
{
	GString *done = g_string_new("");
	int64_t ids[CAP_MAX_REFS];
	int known, n = referenced_pages(r, a, ids, G_N_ELEMENTS(ids), &known,
	    done);
	gchar *why = g_strdup_printf("上级平台取消（%s）", a->identifier);

	if (n < 0)
		goto out;
	if (known == 0) {
		cap_answer(r, 404, a, true, 0, "none of the referenced alerts is "
		    "known here%s", done->str);
		goto out;
	}
	if (n > 0) {
		if (!api_begin(r))
			goto out;
		for (int i = 0; i < n; i++)
			if (api_page_cancel_stored(r, ids[i], why) < 0) {
				api_rollback(r);
				goto out;
			}
		if (api_commit(r) != 0)
			goto out;
		for (int i = 0; i < n; i++)
			dalabad_alert_off_air(r->wa->d, ids[i]);
		fed_kick(r->wa);	/* and below us, if we are a province */
	}
	cap_answer(r, 200, a, false, 0, "cancel: %d alert%s%s", known,
	    known == 1 ? "" : "s", done->str);
out:
	g_free(why);
	g_string_free(done, TRUE);
}

/* What a refused Update says of the alerts it would have replaced. */
#define KEPT(pg) ((pg).nreplaces > 0 ? "; the alerts it updates stay on the " \
	"air" : "")

static void
take_alert(struct api_req *r, const struct cap_alert *a)
{
	const char *voice = NULL, *zones[PAGE_MAX_ZONES + 1] = { 0 };
	const struct cap_info *in = pick_info(a, &voice);
	GString *done = g_string_new(""), *unknown = g_string_new("");
	GString *text = g_string_new("");
	struct api_page pg = { .source = "cap", .cap_sender = a->sender,
	    .cap_identifier = a->identifier, .cap_sent = a->sent_text,
	    .cap_status = cap_status_name(a->status),
	    .cap_msgtype = cap_msgtype_name(a->msgtype), .volume = 100,
	    .aired = true };
	int nz = 0, ndrill = 0;
	int64_t id, now = dalabad_now();

	if ((id = db_page_find_cap(r->wa->db, a->sender, a->identifier,
	    a->sent_text)) > 0) {
		cap_answer(r, 200, a, false, id, "already received as page %lld; "
		    "not aired again", (long long)id);
		goto out;
	}
	/* An Update replaces what it references, but only once all of it
	 * has been checked: refused, it cancels nothing. */
	int64_t replaces[CAP_MAX_REFS];
	int known;
	if (a->msgtype == CAP_UPDATE && (pg.nreplaces = referenced_pages(r, a,
	    replaces, G_N_ELEMENTS(replaces), &known, done)) < 0)
		goto out;
	pg.replaces = replaces;
	if (in == NULL) {
		cap_answer(r, 422, a, true, 0, "no info block in Chinese "
		    "(language zh-CN or yue); nothing aired%s", KEPT(pg));
		goto out;
	}
	if (in->description)
		g_string_append(text, in->description);
	if (in->instruction) {
		if (text->len)
			g_string_append(text, "\n");
		g_string_append(text, in->instruction);
	}
	if (text->len == 0 && in->headline)
		g_string_append(text, in->headline);
	if (text->len == 0 || text->str[strspn(text->str, " \t\r\n")] == '\0') {
		cap_answer(r, 422, a, true, 0, "the info block has no description, "
		    "instruction or headline to read%s", KEPT(pg));
		goto out;
	}
	for (int i = 0; i < in->ncodes; i++) {
		int dr = db_zone_drills(r->wa->db, in->codes[i]);
		bool drills = dr == 1, dup = false;
		if (dr < 0 || !api_zone_code_ok(in->codes[i])) {
			g_string_append_printf(unknown, "%s%s", unknown->len ? " " :
			    "", in->codes[i]);
			continue;
		}
		if (!web_within(&r->who, in->codes[i])) {
			cap_answer(r, 403, a, true, 0, "area %s is outside this "
			    "sender's zone %s", in->codes[i], r->who.zone[0] ?
			    r->who.zone : "*");
			goto out;
		}
		for (int j = 0; j < nz; j++)
			dup = dup || dalabad_zones_overlap(zones[j], in->codes[i]);
		if (dup || nz == PAGE_MAX_ZONES)
			continue;	/* a wider code already covers it */
		/* A drill airs only where drills are allowed. */
		if ((a->status == CAP_EXERCISE || a->status == CAP_TEST) &&
		    !drills)
			continue;
		if (drills)
			ndrill++;
		zones[nz++] = in->codes[i];
	}
	if (in->ncodes == 0 || (nz == 0 && unknown->len > 0 &&
	    a->status != CAP_EXERCISE && a->status != CAP_TEST)) {
		cap_answer(r, 422, a, true, 0, "no area of ours in the alert "
		    "(geocodes: administrative division codes of 6, 9 or 12 "
		    "digits)%s%s%s", unknown->len ? "; unknown: " : "",
		    unknown->str, KEPT(pg));
		goto out;
	}
	pg.text = text->str;
	pg.voice = voice;
	pg.repeat = in->severity == CAP_EXTREME || in->severity == CAP_SEVERE ?
	    3 : in->severity == CAP_MINOR ? 1 : 2;
	pg.priority = in->urgency == CAP_IMMEDIATE || in->urgency == CAP_EXPECTED ||
	    in->severity == CAP_EXTREME || in->severity == CAP_SEVERE ?
	    BCAST_PRIO_EMERGENCY : BCAST_PRIO_COUNTY;
	pg.expires_at = in->expires ? in->expires : now +
	    r->wa->cfg->page_expires_s;
	if (a->status == CAP_SYSTEM || a->status == CAP_DRAFT) {
		pg.aired = false;
		pg.reason = "status System/Draft: never aired";
	} else if (nz == 0) {
		pg.aired = false;
		pg.reason = "an exercise/test, and no target zone is set for drills";
	} else if (pg.expires_at <= now) {
		pg.aired = false;
		pg.reason = "it had expired when it arrived";
	}
	if (nz == 0) {	/* logged only: record the areas it named */
		for (int i = 0; i < in->ncodes && nz < PAGE_MAX_ZONES; i++)
			if (api_zone_code_ok(in->codes[i]))
				zones[nz++] = in->codes[i];
	}
	pg.zones = zones;
	char why[256];
	if (pg.aired && !api_page_speaks(pg.text, pg.voice, why, sizeof(why))) {
		cap_answer(r, 400, a, true, 0, "the alert has nothing to read "
		    "aloud (%s)", why);
		goto out;
	}
	/* A long alert is read fewer times rather than refused; one that
	 * would run past the limit even once is refused. */
	while (pg.aired && pg.repeat > 1 && api_spoken_seconds(NULL, pg.text,
	    pg.voice, 0, pg.repeat) > r->wa->cfg->item_max_s)
		pg.repeat--;
	if (pg.aired && api_spoken_seconds(NULL, pg.text, pg.voice, 0, 1) >
	    r->wa->cfg->item_max_s) {
		cap_answer(r, 400, a, true, 0, "the alert would take over %d "
		    "minutes to read once", r->wa->cfg->item_max_s / 60);
		goto out;
	}
	if (api_page_create(r, &pg, &id) != 0) {
		if (!r->answered)
			cap_answer(r, 400, a, true, 0, "the alert was not stored");
		goto out;
	}
	gchar *zl = g_strjoinv(" ", (gchar **)(uintptr_t)zones);
	if (pg.aired)
		cap_answer(r, 201, a, false, id, "page %lld: on the air to %s (%s, "
		    "read %d times)%s%s%s", (long long)id, zl,
		    dalabad_class_names[pg.priority], pg.repeat, unknown->len ?
		    "; unknown areas: " : "", unknown->str, done->str);
	else
		cap_answer(r, pg.expires_at <= now ? 409 : 202, a,
		    pg.expires_at <= now, id, "page %lld: logged, not aired: %s%s",
		    (long long)id, pg.reason, done->str);
	g_free(zl);
out:
	g_string_free(done, TRUE);
	g_string_free(unknown, TRUE);
	g_string_free(text, TRUE);
}

void
api_post_cap(struct api_req *r)
{
	SoupMessageBody *mb = soup_server_message_get_request_body(r->msg);
	SoupMessageHeaders *h = soup_server_message_get_request_headers(r->msg);
	const char *ctype = soup_message_headers_get_content_type(h, NULL);
	struct cap_alert a;
	char err[512];

	if (r->who.role != WEB_COUNTY) {
		cap_answer(r, 403, NULL, true, 0, "CAP alerts come from a county "
		    "account's API token");
		return;
	}
	if (ctype == NULL || (strcmp(ctype, "application/xml") != 0 &&
	    strcmp(ctype, "text/xml") != 0 &&
	    strcmp(ctype, "application/cap+xml") != 0)) {
		cap_answer(r, 415, NULL, true, 0, "send the alert as "
		    "application/cap+xml");
		return;
	}
	GBytes *bytes = soup_message_body_flatten(mb);
	gsize len;
	const char *data = g_bytes_get_data(bytes, &len);
	int rc = cap_parse(data, len, &a, err, sizeof(err));
	g_bytes_unref(bytes);
	if (rc != 0) {
		cap_answer(r, 400, NULL, true, 0, "malformed alert, nothing aired: "
		    "%s", err);
		return;
	}
	api_audit(r, "cap.receive", "%s %s，来自 %s，发出时间 %s", web_word_zh(
	    cap_msgtype_name(a.msgtype)), a.identifier, a.sender, a.sent_text);
	if (a.msgtype == CAP_ACK || a.msgtype == CAP_ERROR) {
		cap_answer(r, 200, &a, false, 0, "%s logged; nothing to air",
		    cap_msgtype_name(a.msgtype));
	} else if (a.msgtype == CAP_CANCEL) {
		cancel_alert(r, &a);
	} else {
		take_alert(r, &a);
	}
	cap_alert_clear(&a);
}
