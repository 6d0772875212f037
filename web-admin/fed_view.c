/*
 * fed_view.c — the federation's view of a page (the counties and their
 * sums, in the page's JSON) and its start and stop (see fed.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "web-admin/api_int.h"
#include "web-admin/cap.h"
#include "web-admin/fed_int.h"
#include "broadcaster/log.h"

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
