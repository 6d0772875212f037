/*
 * fed.c — a province (or city) dalabad over the counties below it: each
 * page issued here whose area covers a county goes down to that county's
 * dalabad as a CAP 1.2 alert over HTTPS (cap_out.c writes it, the county's
 * api_cap.c takes it), and the county's coverage comes back by asking its
 * API for the page it made, every [federation] poll_ms while it is on the
 * air. A cancel here becomes a CAP Cancel there; a CAP Update here, an
 * Update there. Nothing of this is a cluster: each county stays a whole
 * dalabad that airs on its own if the province is gone.
 *
 * One job per (page, county), a small state machine run from a 100 ms
 * timer on the main loop, one request in flight per job:
 *
 *   SEND    POST the alert. 201/200 with X-Dalaba-Page: delivered, LIVE.
 *           A 4xx other than 408/429: refused (the county said why; no
 *           retry, the same alert would be refused again). No answer or a
 *           5xx: "unreachable", retried after 0.5 s doubling to 10 s, until
 *           the page is no longer active here.
 *   LIVE    Every poll_ms: is the page still active here? Cancelled or
 *           expired: CANCEL. Else GET the county's page and keep its
 *           targets, confirmed, playing, on_air. When it is over there,
 *           the job is done.
 *   CANCEL  POST the Cancel (retried like SEND); then FINAL.
 *   FINAL   Ask until nothing plays there (30 s at most), then done.
 *
 * Every change of state is written to the store (federated), so a
 * restarted province resends the very alert it sent (the county answers
 * "already received") and the live view survives. The view reads the jobs
 * in memory while they run, the store after.
 *
 * Credentials are per county: each has its own token (a county account
 * on the county's server, made for the province) and its own CA; the
 * province holds no key of a county's, and a county's token lets the
 * province page only that county's area (the county's own authz).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "web-admin/api_int.h"
#include "web-admin/cap.h"
#include "broadcaster/log.h"

#define FED_TICK_MS 100
#define FED_TIMEOUT_S 5		/* one request to a county */
#define FED_BACKOFF_MAX_US (10 * G_USEC_PER_SEC)
#define FED_FINAL_US (30 * G_USEC_PER_SEC)
#define FED_SAVE_US G_USEC_PER_SEC	/* counts written at most this often */
#define FED_MAX_ANSWER (256 * 1024)

enum fed_phase { PH_SEND, PH_LIVE, PH_CANCEL, PH_FINAL, PH_DONE };

struct fed_county {
	char code[7];
	char *name, *url;
	char token[256];
	SoupSession *session;
};

struct fed_job {
	struct fed *f;
	struct fed_county *c;
	int64_t page_id;
	char *zones, *identifier, *sent, *cap;
	enum fed_phase phase;
	char state[16];
	char *error;
	int64_t remote_page;
	int tries;
	int targets, confirmed, playing;
	bool on_air, answering;
	int64_t next_us, final_until_us, saved_us;
	bool inflight, dirty;
	int64_t updated_at;
};

struct fed {
	struct web_admin *wa;
	char sender[65];
	int poll_ms;
	struct fed_county *counties;
	int ncounties;
	GPtrArray *jobs;	/* struct fed_job *, running ones */
	guint timer;
};

static void job_save(struct fed_job *j, bool now);

/* ---- covering ---------------------------------------------------------- */

/* What of page zone z goes to county c: the county itself when z is the
 * province or city above it (GB/T 2260: a province ends in 0000, a city
 * in 00), z itself when it lies inside the county, else NULL. */
static const char *
covered(const char *z, const char *c, char buf[13])
{
	size_t n = strlen(z);

	if (n == 6 && strcmp(z, c) == 0)
		return c;
	if (n == 6 && strcmp(z + 2, "0000") == 0 && strncmp(z, c, 2) == 0)
		return c;
	if (n == 6 && strcmp(z + 4, "00") == 0 && strncmp(z, c, 4) == 0)
		return c;
	if (n > 6 && strncmp(z, c, 6) == 0) {
		snprintf(buf, 13, "%s", z);
		return buf;
	}
	return NULL;
}

/* ---- jobs -------------------------------------------------------------- */

static void
job_free(struct fed_job *j)
{
	g_free(j->zones);
	g_free(j->identifier);
	g_free(j->sent);
	g_free(j->cap);
	g_free(j->error);
	g_free(j);
}

static void
set_state(struct fed_job *j, const char *state, const char *error)
{
	if (strcmp(j->state, state) != 0 || g_strcmp0(j->error, error) != 0) {
		snprintf(j->state, sizeof(j->state), "%s", state);
		g_free(j->error);
		j->error = g_strdup(error);
		j->dirty = true;
		job_save(j, true);
	}
}

static void
job_save(struct fed_job *j, bool now)
{
	int64_t t = g_get_monotonic_time();
	char err[256];

	if (!j->dirty || (!now && t - j->saved_us < FED_SAVE_US))
		return;
	j->updated_at = g_get_real_time() / G_USEC_PER_SEC;
	struct db_federated row = { .page_id = j->page_id, .county = j->c->code,
	    .zones = j->zones, .identifier = j->identifier, .sent = j->sent,
	    .cap = j->cap, .state = j->state, .remote_page = j->remote_page,
	    .tries = j->tries, .error = j->error, .targets = j->targets,
	    .confirmed = j->confirmed, .playing = j->playing,
	    .on_air = j->on_air, .done = j->phase == PH_DONE,
	    .updated_at = j->updated_at };
	if (db_federated_put(j->f->wa->db, &row, err, sizeof(err)) != 0)
		dlog(LOG_ERR, "federation: page %lld, county %s: not stored: %s",
		    (long long)j->page_id, j->c->code, err);
	else
		j->dirty = false;
	j->saved_us = t;
}

static void
job_done(struct fed_job *j)
{
	j->phase = PH_DONE;
	j->dirty = true;
	job_save(j, true);
}

/* The retry delay after tries failures: 0.5 s doubling, 10 s at most. */
static int64_t
backoff_us(int tries)
{
	int64_t us = G_USEC_PER_SEC / 2;
	for (int i = 1; i < tries && us < FED_BACKOFF_MAX_US; i++)
		us *= 2;
	return MIN(us, FED_BACKOFF_MAX_US);
}

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

/* ---- requests ---------------------------------------------------------- */

struct call {
	struct fed_job *j;
	SoupMessage *msg;
	enum fed_phase phase;	/* what was asked */
};

static void call_done(GObject *src, GAsyncResult *res, gpointer data);

static void
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

/* ---- the timer ---------------------------------------------------------- */

/* Is the page over here: cancelled, expired, or past its expiry (a page
 * that ended here, its own airing done, still stands for the counties
 * until then)? */
static bool
page_over(struct fed *f, int64_t id)
{
	struct db_page p;
	bool over;

	if (db_page_get(f->wa->db, id, &p) != 1)
		return false;	/* unreadable now: ask again next time */
	over = strcmp(p.state, "cancelled") == 0 ||
	    strcmp(p.state, "expired") == 0 ||
	    g_get_real_time() / G_USEC_PER_SEC >= p.expires_at;
	db_page_clear(&p);
	return over;
}

static char *
cancel_cap(struct fed_job *j)
{
	char sent[32], err[128];
	gchar *ident = g_strdup_printf("%s.cancel", j->identifier);
	gchar *ref = g_strdup_printf("%s,%s,%s", j->f->sender, j->identifier,
	    j->sent);
	const char *refs[] = { ref };
	gchar **codes = g_strsplit(j->zones, " ", 0);
	cap_time_format(g_get_real_time() / G_USEC_PER_SEC, sent);
	struct cap_out o = { .identifier = ident, .sender = j->f->sender,
	    .sent = sent, .msgtype = CAP_CANCEL, .refs = refs, .nrefs = 1,
	    .emergency = true, .repeat = 1, .area_name = j->c->name,
	    .codes = (const char *const *)codes };
	char *x = cap_write(&o, err, sizeof(err));

	if (x == NULL)
		dlog(LOG_ERR, "federation: page %lld: no cancel: %s",
		    (long long)j->page_id, err);
	g_strfreev(codes);
	g_free(ident);
	g_free(ref);
	return x;
}

static void
job_step(struct fed_job *j, int64_t now_us)
{
	char path[48];

	if (j->inflight || j->phase == PH_DONE || now_us < j->next_us)
		return;
	if (j->phase == PH_SEND || j->phase == PH_LIVE) {
		bool over = page_over(j->f, j->page_id);
		if (over && j->phase == PH_SEND && j->remote_page == 0) {
			/* Never reached the county: nothing to cancel there. */
			set_state(j, "withdrawn", j->error);
			job_done(j);
			return;
		}
		if (over)
			j->phase = PH_CANCEL;
	}
	switch (j->phase) {
	case PH_SEND:
		call_start(j, "POST", "cap", j->cap);
		break;
	case PH_CANCEL: {
		char *x = cancel_cap(j);
		if (x == NULL) {
			job_done(j);
			break;
		}
		if (strcmp(j->state, "cancelling") != 0 && j->tries == 0)
			set_state(j, "cancelling", NULL);
		call_start(j, "POST", "cap", x);
		g_free(x);
		break;
	}
	case PH_LIVE:
	case PH_FINAL:
		if (j->phase == PH_FINAL && now_us > j->final_until_us) {
			job_done(j);
			break;
		}
		snprintf(path, sizeof(path), "pages/%lld", (long long)j->remote_page);
		call_start(j, "GET", path, NULL);
		break;
	case PH_DONE:
		break;
	}
}

static void
fed_run(struct fed *f)
{
	int64_t now = g_get_monotonic_time();

	for (guint i = 0; i < f->jobs->len; i++)
		job_step(g_ptr_array_index(f->jobs, i), now);
	/* Done jobs leave the list (their rows stay in the store). */
	for (guint i = f->jobs->len; i-- > 0; ) {
		struct fed_job *j = g_ptr_array_index(f->jobs, i);
		if (j->phase == PH_DONE && !j->inflight) {
			job_save(j, true);
			g_ptr_array_remove_index(f->jobs, i);
			job_free(j);
		}
	}
}

static gboolean
fed_tick(gpointer data)
{
	fed_run(data);
	return G_SOURCE_CONTINUE;
}

/* ---- what the rest of web-admin calls ----------------------------------- */

static struct fed_job *
job_new(struct fed *f, struct fed_county *c, int64_t page_id)
{
	struct fed_job *j = g_new0(struct fed_job, 1);
	j->f = f;
	j->c = c;
	j->page_id = page_id;
	j->dirty = true;
	return j;
}

static struct fed_county *
county_by_code(struct fed *f, const char *code)
{
	for (int i = 0; i < f->ncounties; i++)
		if (strcmp(f->counties[i].code, code) == 0)
			return &f->counties[i];
	return NULL;
}

/* The running job of page id for county c, or NULL. */
static struct fed_job *
job_find(struct fed *f, int64_t id, const struct fed_county *c)
{
	for (guint i = 0; i < f->jobs->len; i++) {
		struct fed_job *j = g_ptr_array_index(f->jobs, i);
		if (j->page_id == id && j->c == c)
			return j;
	}
	return NULL;
}

void
fed_page_new(struct web_admin *wa, int64_t id, const struct api_page *pg)
{
	struct fed *f = wa->fed;
	struct db_page p;
	char sent[32], err[256];

	if (f == NULL || !pg->aired || db_page_get(wa->db, id, &p) != 1)
		return;
	cap_time_format(p.created_at, sent);
	gchar *ident = g_strdup_printf("%s.page.%lld", f->sender, (long long)id);
	for (int k = 0; k < f->ncounties; k++) {
		struct fed_county *c = &f->counties[k];
		const char *codes[PAGE_MAX_ZONES + 1] = { 0 };
		char bufs[PAGE_MAX_ZONES][13];
		int n = 0;
		for (int i = 0; pg->zones[i] && n < PAGE_MAX_ZONES; i++) {
			const char *z = covered(pg->zones[i], c->code, bufs[n]);
			bool dup = false;
			for (int m = 0; z && m < n; m++)
				dup |= strcmp(codes[m], z) == 0;
			if (z && !dup)
				codes[n++] = z;
		}
		if (n == 0)
			continue;
		/* An Update replaces, at the county, what the pages it
		 * replaces became there. */
		const char *refs[CAP_MAX_REFS];
		gchar *refbuf[CAP_MAX_REFS];
		int nrefs = 0;
		for (int i = 0; i < pg->nreplaces && nrefs < CAP_MAX_REFS; i++) {
			struct fed_job *old = job_find(f, pg->replaces[i], c);
			if (old == NULL || old->remote_page == 0)
				continue;
			refbuf[nrefs] = g_strdup_printf("%s,%s,%s", f->sender,
			    old->identifier, old->sent);
			refs[nrefs] = refbuf[nrefs];
			nrefs++;
			/* the Update cancels it there: no Cancel of its own */
			old->phase = PH_DONE;
			snprintf(old->state, sizeof(old->state), "replaced");
			old->dirty = true;
		}
		struct cap_out o = { .identifier = ident, .sender = f->sender,
		    .sent = sent, .msgtype = nrefs ? CAP_UPDATE : CAP_ALERT,
		    .refs = refs, .nrefs = nrefs, .text = p.body,
		    .language = pg->voice && strcmp(pg->voice, "cantonese") == 0 ?
		    "yue" : "zh-CN", .emergency = pg->priority ==
		    BCAST_PRIO_EMERGENCY, .repeat = pg->repeat,
		    .expires = p.expires_at, .area_name = c->name, .codes = codes };
		char *x = cap_write(&o, err, sizeof(err));
		for (int i = 0; i < nrefs; i++)
			g_free(refbuf[i]);
		struct fed_job *j = job_new(f, c, id);
		j->zones = g_strjoinv(" ", (gchar **)(uintptr_t)codes);
		j->identifier = g_strdup(ident);
		j->sent = g_strdup(sent);
		j->cap = x ? x : g_strdup("");
		snprintf(j->state, sizeof(j->state), "sending");
		if (x == NULL) {
			snprintf(j->state, sizeof(j->state), "refused");
			j->error = g_strdup(err);
			j->phase = PH_DONE;
		}
		g_ptr_array_add(f->jobs, j);
		job_save(j, true);
		dlog(LOG_NOTICE, "federation: page %lld to %s (%s): %s", (long long)id,
		    c->code, c->name, j->zones);
	}
	g_free(ident);
	db_page_clear(&p);
	fed_run(f);	/* sent now, not at the next tick */
}

void
fed_kick(struct web_admin *wa)
{
	if (wa->fed == NULL)
		return;
	for (guint i = 0; i < wa->fed->jobs->len; i++) {
		struct fed_job *j = g_ptr_array_index(wa->fed->jobs, i);
		if (j->phase == PH_LIVE)
			j->next_us = 0;
	}
	fed_run(wa->fed);
}

bool
fed_live(struct web_admin *wa, int64_t id)
{
	for (guint i = 0; wa->fed && i < wa->fed->jobs->len; i++) {
		struct fed_job *j = g_ptr_array_index(wa->fed->jobs, i);
		if (j->page_id == id && (j->phase == PH_SEND || j->phase == PH_LIVE))
			return true;
	}
	return false;
}

/* ---- the view ------------------------------------------------------------ */

struct view {
	struct fed *f;
	JsonArray *a;
	int counties, delivered, answering, targets, confirmed, playing, on_air;
	GHashTable *seen;	/* counties shown from memory */
};

static void
view_add(struct view *v, const char *code, const char *name,
    const char *state, int64_t remote, int targets, int confirmed,
    int playing, bool on_air, int tries, const char *error, bool answering,
    int64_t updated_at)
{
	JsonObject *o = json_object_new();

	json_object_set_string_member(o, "zone", code);
	json_object_set_string_member(o, "name", name ? name : "");
	json_object_set_string_member(o, "state", state);
	if (remote)
		json_object_set_int_member(o, "remote_page", remote);
	json_object_set_int_member(o, "targets", targets);
	json_object_set_int_member(o, "confirmed", confirmed);
	json_object_set_int_member(o, "playing", playing);
	json_object_set_boolean_member(o, "on_air", on_air);
	json_object_set_boolean_member(o, "answering", answering);
	json_object_set_int_member(o, "tries", tries);
	if (error)
		json_object_set_string_member(o, "error", error);
	json_object_set_int_member(o, "updated_at", updated_at);
	json_array_add_object_element(v->a, o);
	v->counties++;
	v->delivered += remote != 0;
	v->answering += answering;
	v->targets += targets;
	v->confirmed += confirmed;
	v->playing += playing;
	v->on_air += on_air;
}

static void
view_row(const struct db_federated *r, void *arg)
{
	struct view *v = arg;
	struct fed_county *c = v->f ? county_by_code(v->f, r->county) : NULL;

	if (g_hash_table_contains(v->seen, r->county))
		return;
	/* A finished row: what the county last said (nothing plays now). */
	view_add(v, r->county, c ? c->name : NULL, r->state, r->remote_page,
	    r->targets, r->confirmed, r->done ? 0 : r->playing,
	    r->done ? false : r->on_air, r->tries, r->error,
	    strcmp(r->state, "unreachable") != 0 &&
	    strcmp(r->state, "cancelling") != 0, r->updated_at);
}

bool
fed_page_json(struct web_admin *wa, int64_t id, JsonObject *o)
{
	struct view v = { .f = wa->fed, .a = json_array_new(),
	    .seen = g_hash_table_new(g_str_hash, g_str_equal) };

	for (guint i = 0; v.f && i < v.f->jobs->len; i++) {
		struct fed_job *j = g_ptr_array_index(v.f->jobs, i);
		if (j->page_id != id)
			continue;
		view_add(&v, j->c->code, j->c->name, j->state, j->remote_page,
		    j->targets, j->confirmed, j->playing, j->on_air, j->tries,
		    j->error, j->answering, j->updated_at ? j->updated_at :
		    g_get_real_time() / G_USEC_PER_SEC);
		g_hash_table_add(v.seen, j->c->code);
	}
	db_federated_each(wa->db, id, view_row, &v);
	g_hash_table_destroy(v.seen);
	if (v.counties == 0) {
		json_array_unref(v.a);
		return false;
	}
	json_object_set_array_member(o, "counties", v.a);
	JsonObject *s = json_object_new();
	json_object_set_int_member(s, "counties", v.counties);
	json_object_set_int_member(s, "delivered", v.delivered);
	json_object_set_int_member(s, "answering", v.answering);
	json_object_set_int_member(s, "targets", v.targets);
	json_object_set_int_member(s, "confirmed", v.confirmed);
	json_object_set_int_member(s, "playing", v.playing);
	json_object_set_int_member(s, "on_air", v.on_air);
	json_object_set_object_member(o, "federated", s);
	return true;
}

/* ---- start and stop --------------------------------------------------------- */

static void
job_reload(const struct db_federated *r, void *arg)
{
	struct fed *f = arg;
	struct fed_county *c = county_by_code(f, r->county);

	if (c == NULL) {
		dlog(LOG_WARNING, "federation: page %lld was going to county %s, "
		    "no longer configured", (long long)r->page_id, r->county);
		return;
	}
	struct fed_job *j = job_new(f, c, r->page_id);
	j->zones = g_strdup(r->zones);
	j->identifier = g_strdup(r->identifier);
	j->sent = g_strdup(r->sent);
	j->cap = g_strdup(r->cap);
	snprintf(j->state, sizeof(j->state), "%s", r->state);
	j->error = g_strdup(r->error);
	j->remote_page = r->remote_page;
	j->tries = r->tries;
	j->targets = r->targets;
	j->confirmed = r->confirmed;
	j->playing = r->playing;
	j->on_air = r->on_air;
	j->updated_at = r->updated_at;
	j->dirty = false;
	j->phase = strcmp(r->state, "cancelling") == 0 ? PH_CANCEL :
	    strcmp(r->state, "cancelled") == 0 ? PH_FINAL :
	    r->remote_page > 0 ? PH_LIVE : PH_SEND;
	j->final_until_us = g_get_monotonic_time() + FED_FINAL_US;
	g_ptr_array_add(f->jobs, j);
}

static int
county_open(struct fed_county *c, const struct dalabad_county *cc,
    char *err, size_t errlen)
{
	gchar *tok = NULL;
	gsize len;
	GError *gerr = NULL;

	snprintf(c->code, sizeof(c->code), "%s", cc->code);
	c->name = g_strdup(cc->name);
	c->url = g_strdup(cc->url);
	while (c->url[0] && c->url[strlen(c->url) - 1] == '/')
		c->url[strlen(c->url) - 1] = '\0';
	if (!g_file_get_contents(cc->token_file, &tok, &len, &gerr)) {
		snprintf(err, errlen, "[county %s] token_file: %s", cc->code,
		    gerr->message);
		g_error_free(gerr);
		return -1;
	}
	g_strstrip(tok);
	bool ok = tok[0] != '\0' && strlen(tok) < sizeof(c->token);
	for (const char *p = tok; ok && *p; p++)
		ok = *p > ' ' && *p < 127;
	if (ok)
		snprintf(c->token, sizeof(c->token), "%s", tok);
	sodium_memzero(tok, len);
	g_free(tok);
	if (!ok) {
		snprintf(err, errlen, "[county %s] token_file %s does not hold one "
		    "API token (one line of printable characters)", cc->code,
		    cc->token_file);
		return -1;
	}
	c->session = soup_session_new_with_options("timeout", FED_TIMEOUT_S,
	    "idle-timeout", 60, "user-agent", "dalabad-federation", NULL);
	if (cc->ca && strcmp(cc->ca, "system") != 0) {
		GTlsDatabase *db = g_tls_file_database_new(cc->ca, &gerr);
		if (db == NULL) {
			snprintf(err, errlen, "[county %s] ca %s: %s", cc->code, cc->ca,
			    gerr->message);
			g_error_free(gerr);
			return -1;
		}
		soup_session_set_tls_database(c->session, db);
		g_object_unref(db);
	}
	return 0;
}

int
fed_start(struct web_admin *wa, char *err, size_t errlen)
{
	const struct dalabad_federation *cf = wa->cfg->fed;
	struct fed *f;
	char zerr[256];

	if (cf == NULL)
		return 0;
	f = g_new0(struct fed, 1);
	f->wa = wa;
	snprintf(f->sender, sizeof(f->sender), "%s", cf->sender);
	f->poll_ms = cf->poll_ms;
	f->jobs = g_ptr_array_new();
	f->counties = g_new0(struct fed_county, cf->ncounties);
	f->ncounties = cf->ncounties;
	wa->fed = f;
	for (int i = 0; i < cf->ncounties; i++) {
		if (county_open(&f->counties[i], &cf->counties[i], err, errlen) != 0)
			return -1;
		/* The county's area is one of ours, so pages can name it. */
		if (db_zone_drills(wa->db, cf->counties[i].code) < 0 &&
		    db_zone_add(wa->db, cf->counties[i].code, cf->counties[i].name,
		    zerr, sizeof(zerr)) != 0)
			dlog(LOG_WARNING, "federation: zone %s: %s",
			    cf->counties[i].code, zerr);
	}
	db_federated_each(wa->db, 0, job_reload, f);
	f->timer = g_timeout_add(FED_TICK_MS, fed_tick, f);
	dlog(LOG_NOTICE, "federation: %s %s over %d count%s (poll every %d ms), "
	    "%u page%s still going down", cf->role, f->sender, f->ncounties,
	    f->ncounties == 1 ? "y" : "ies", f->poll_ms, f->jobs->len,
	    f->jobs->len == 1 ? "" : "s");
	return 0;
}

void
fed_stop(struct web_admin *wa)
{
	struct fed *f = wa->fed;

	if (f == NULL)
		return;
	if (f->timer)
		g_source_remove(f->timer);
	for (guint i = 0; i < f->jobs->len; i++) {
		struct fed_job *j = g_ptr_array_index(f->jobs, i);
		job_save(j, true);
		if (j->inflight)
			j->f = NULL;	/* freed when its answer comes */
		else
			job_free(j);
	}
	g_ptr_array_free(f->jobs, TRUE);
	for (int i = 0; i < f->ncounties; i++) {
		struct fed_county *c = &f->counties[i];
		if (c->session) {
			soup_session_abort(c->session);
			g_object_unref(c->session);
		}
		sodium_memzero(c->token, sizeof(c->token));
		g_free(c->name);
		g_free(c->url);
	}
	g_free(f->counties);
	g_free(f);
	wa->fed = NULL;
}
