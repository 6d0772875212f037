/*
 * fed_http.c — the federation's requests to the counties below (see
 * fed.c): an alert or cancel POSTed as CAP, the county's page asked for,
 * and what each answer does to the job.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "web-admin/api_int.h"
#include "web-admin/cap.h"
#include "web-admin/fed_int.h"
#include "broadcaster/log.h"

/* ---- requests ---------------------------------------------------------- */

/* The <note> of a county's CAP answer, unescaped enough to show. */
static char *
answer_note(GBytes *body)
{
	gsize len = 0;
	const char *d = body ? g_bytes_get_data(body, &len) : NULL;
	gchar *s = d ? g_strndup(d, MIN(len, FED_MAX_ANSWER)) : NULL;
	char *a = s ? strstr(s, "<note>") : NULL, *b = a ? strstr(a, "</note>") :
	    NULL;
	char *note = NULL;

	if (a && b) {
		*b = '\0';
		note = g_strndup(a + 6, 300);
		for (char *p; (p = strstr(note, "&amp;")); )
			memmove(p + 1, p + 5, strlen(p + 5) + 1);
	} else if (s && s[0] == '{') {	/* the API's JSON error */
		JsonParser *jp = json_parser_new();
		JsonNode *root;
		if (json_parser_load_from_data(jp, s, -1, NULL) &&
		    (root = json_parser_get_root(jp)) && JSON_NODE_HOLDS_OBJECT(root)) {
			JsonObject *e = json_object_get_object_member(
			    json_node_get_object(root), "error");
			const char *m = e ? json_object_get_string_member_with_default(e,
			    "message", NULL) : NULL;
			if (m)
				note = g_strndup(m, 300);
		}
		g_object_unref(jp);
	}
	g_free(s);
	return note;
}

struct call {
	struct fed_job *j;
	SoupMessage *msg;
	enum fed_phase phase;	/* what was asked */
};

static void call_done(GObject *src, GAsyncResult *res, gpointer data);

void
call_start(struct fed_job *j, const char *method, const char *path,
    const char *cap)
{
	gchar *url = g_strdup_printf("%s/api/v1/%s", j->c->url, path);
	SoupMessage *msg = soup_message_new(method, url);
	struct call *c;

	g_free(url);
	if (msg == NULL) {	/* the url was checked at load: not reached */
		set_state(j, "refused", "the county's url cannot be used");
		job_done(j);
		return;
	}
	SoupMessageHeaders *h = soup_message_get_request_headers(msg);
	gchar *auth = g_strdup_printf("Bearer %s", j->c->token);
	soup_message_headers_replace(h, "Authorization", auth);
	sodium_memzero(auth, strlen(auth));
	g_free(auth);
	if (cap) {
		GBytes *b = g_bytes_new(cap, strlen(cap));
		soup_message_set_request_body_from_bytes(msg, "application/cap+xml",
		    b);
		g_bytes_unref(b);
	}
	c = g_new0(struct call, 1);
	c->j = j;
	c->msg = msg;
	c->phase = j->phase;
	j->inflight = true;
	soup_session_send_and_read_async(j->c->session, msg, G_PRIORITY_DEFAULT,
	    NULL, call_done, c);
}

/* An alert or cancel answered. */
static void
sent_answer(struct fed_job *j, guint status, SoupMessage *msg, GBytes *body,
    const char *neterr)
{
	bool cancel = j->phase == PH_CANCEL;
	const char *pg = msg ? soup_message_headers_get_one(
	    soup_message_get_response_headers(msg), "X-Dalaba-Page") : NULL;
	char *note = answer_note(body);
	char why[400];

	j->answering = status != 0;
	if (!cancel && (status == 200 || status == 201) && pg && atoll(pg) > 0) {
		j->remote_page = atoll(pg);
		j->tries = 0;
		j->phase = PH_LIVE;
		j->next_us = 0;
		set_state(j, "delivered", NULL);
		dlog(LOG_NOTICE, "federation: page %lld is page %lld in %s (%s)",
		    (long long)j->page_id, (long long)j->remote_page, j->c->code,
		    j->c->name);
	} else if (cancel && (status == 200 || status == 404)) {
		j->tries = 0;
		j->phase = PH_FINAL;
		j->final_until_us = g_get_monotonic_time() + FED_FINAL_US;
		j->next_us = 0;
		set_state(j, "cancelled", NULL);
		dlog(LOG_NOTICE, "federation: page %lld cancelled in %s",
		    (long long)j->page_id, j->c->code);
	} else if (status == 202 || (status >= 400 && status < 500 &&
	    status != 408 && status != 429)) {
		snprintf(why, sizeof(why), "HTTP %u: %s", status, note ? note :
		    "refused");
		dlog(LOG_WARNING, "federation: page %lld: county %s refused the %s: "
		    "%s", (long long)j->page_id, j->c->code, cancel ? "cancel" :
		    "alert", why);
		set_state(j, "refused", why);
		job_done(j);
	} else {
		j->tries++;
		j->next_us = g_get_monotonic_time() + backoff_us(j->tries);
		if (status)
			snprintf(why, sizeof(why), "HTTP %u%s%s", status, note ? ": " :
			    "", note ? note : "");
		else
			snprintf(why, sizeof(why), "%s", neterr ? neterr :
			    "no answer");
		if (j->tries == 1 || j->tries % 10 == 0)
			dlog(LOG_WARNING, "federation: page %lld: county %s does not "
			    "answer (try %d): %s", (long long)j->page_id, j->c->code,
			    j->tries, why);
		set_state(j, cancel ? "cancelling" : "unreachable", why);
		j->dirty = true;
		job_save(j, true);
	}
	g_free(note);
}

/* The county's page as it reports it. */
static void
poll_answer(struct fed_job *j, guint status, GBytes *body, const char *neterr)
{
	gsize len = 0;
	const char *d = body ? g_bytes_get_data(body, &len) : NULL;
	JsonParser *p = json_parser_new();
	JsonNode *root;
	JsonObject *o;

	j->next_us = g_get_monotonic_time() + j->f->poll_ms * 1000LL;
	if (status != 200 || d == NULL || len > FED_MAX_ANSWER ||
	    !json_parser_load_from_data(p, d, (gssize)len, NULL) ||
	    (root = json_parser_get_root(p)) == NULL ||
	    !JSON_NODE_HOLDS_OBJECT(root)) {
		gchar *why = status ? g_strdup_printf("HTTP %u to the page's "
		    "coverage", status) : g_strdup(neterr ? neterr : "no answer");
		if (j->answering)
			dlog(LOG_WARNING, "federation: county %s: %s", j->c->code, why);
		j->answering = false;
		g_free(j->error);
		j->error = why;
		j->dirty = true;
		if (status == 404 || status == 403)
			job_done(j);	/* the county no longer shows it */
		g_object_unref(p);
		return;
	}
	o = json_node_get_object(root);
	int targets = (int)json_object_get_int_member_with_default(o, "targets", 0);
	int confirmed = (int)json_object_get_int_member_with_default(o,
	    "confirmed", 0);
	int playing = (int)json_object_get_int_member_with_default(o, "playing", 0);
	bool on_air = json_object_get_boolean_member_with_default(o, "on_air",
	    false);
	const char *state = json_object_get_string_member_with_default(o, "state",
	    "");
	if (targets != j->targets || confirmed != j->confirmed ||
	    playing != j->playing || on_air != j->on_air || j->error) {
		j->targets = targets;
		j->confirmed = confirmed;
		j->playing = playing;
		j->on_air = on_air;
		g_free(j->error);
		j->error = NULL;
		j->dirty = true;
	}
	j->answering = true;
	if (strcmp(state, "active") != 0 && !on_air && playing == 0) {
		j->playing = 0;
		job_done(j);
	} else if (j->phase == PH_FINAL && (!on_air && playing == 0)) {
		job_done(j);
	} else {
		job_save(j, false);
	}
	g_object_unref(p);
}

static void
call_done(GObject *src, GAsyncResult *res, gpointer data)
{
	struct call *c = data;
	struct fed_job *j = c->j;
	GError *gerr = NULL;
	GBytes *body = soup_session_send_and_read_finish(SOUP_SESSION(src), res,
	    &gerr);
	guint status = body ? soup_message_get_status(c->msg) : 0;

	j->inflight = false;
	if (j->f == NULL) {	/* the federation stopped meanwhile */
		job_free(j);
	} else if (c->phase == PH_SEND || c->phase == PH_CANCEL) {
		if (j->phase == c->phase)
			sent_answer(j, status, c->msg, body, gerr ? gerr->message :
			    NULL);
	} else if (j->phase == c->phase) {
		poll_answer(j, status, body, gerr ? gerr->message : NULL);
	}
	if (body)
		g_bytes_unref(body);
	g_clear_error(&gerr);
	g_object_unref(c->msg);
	g_free(c);
}
