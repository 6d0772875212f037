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
 *
 * Files: fed.c the jobs and their steps, fed_http.c the requests and
 * answers, fed_view.c the page's view and start and stop (fed_int.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "web-admin/api_int.h"
#include "web-admin/cap.h"
#include "web-admin/fed_int.h"
#include "broadcaster/log.h"

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

void
job_free(struct fed_job *j)
{
	g_free(j->zones);
	g_free(j->identifier);
	g_free(j->sent);
	g_free(j->cap);
	g_free(j->error);
	g_free(j);
}

void
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

void
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

void
job_done(struct fed_job *j)
{
	j->phase = PH_DONE;
	j->dirty = true;
	job_save(j, true);
}

/* The retry delay after tries failures: 0.5 s doubling, 10 s at most. */
int64_t
backoff_us(int tries)
{
	int64_t us = G_USEC_PER_SEC / 2;
	for (int i = 1; i < tries && us < FED_BACKOFF_MAX_US; i++)
		us *= 2;
	return MIN(us, FED_BACKOFF_MAX_US);
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

void
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

gboolean
fed_tick(gpointer data)
{
	fed_run(data);
	return G_SOURCE_CONTINUE;
}

/* ---- what the rest of web-admin calls ----------------------------------- */

struct fed_job *
job_new(struct fed *f, struct fed_county *c, int64_t page_id)
{
	struct fed_job *j = g_new0(struct fed_job, 1);
	j->f = f;
	j->c = c;
	j->page_id = page_id;
	j->dirty = true;
	return j;
}

struct fed_county *
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
