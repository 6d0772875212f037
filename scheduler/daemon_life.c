/*
 * daemon_life.c — dalabad's life cycle: start (store, key, sockets,
 * speakers, worker, API), recovery of what the last run left open, clean
 * stop, and SIGHUP's reload. The scheduling itself is daemon.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "scheduler/daemon.h"
#include "scheduler/daemon_int.h"
#include "broadcaster/log.h"
#include "tts/tts.h"

static void
recover_open(const struct db_open_broadcast *b, void *arg)
{
	GArray *v = arg;

	g_array_append_val(v, *b);
}

/* Broadcasts claimed but never finished: the daemon stopped while they
 * were queued or on air. Within the grace window they air (again, whole);
 * otherwise they are logged as interrupted. */
static void
recover(struct dalabad *d, int64_t now)
{
	GArray *v = g_array_new(FALSE, FALSE, sizeof(struct db_open_broadcast));
	char err[256];

	db_broadcast_open_each(d->db, recover_open, v);
	for (guint i = 0; i < v->len; i++) {
		struct db_open_broadcast *b = &g_array_index(v, struct
		    db_open_broadcast, i);
		if (air_slot_in_grace(b->slot_at, now, d->cfg.grace_s)) {
			dlog(LOG_INFO, "broadcast %lld (notice %lld) was not "
			    "finished when dalabad stopped: it airs again",
			    (long long)b->id, (long long)b->notice_id);
			daemon_airing_new(d, b->id, b->notice_id, b->schedule_id,
			    b->slot_at, b->volume, b->zone, NULL, now);
		} else {
			db_slot_finish(d->db, b->id, "interrupted",
			    "dalabad stopped before it finished", err, sizeof(err));
		}
	}
	g_array_free(v, TRUE);
}

static void
register_speaker(uint32_t id, const char *zone, const char *name,
    const char *key_hex, void *arg)
{
	struct dalabad *d = arg;
	uint8_t key[BCAST_SPEAKER_KEY_LEN];
	char err[256];

	(void)name;
	if (key_hex == NULL)
		return;		/* created, not yet enrolled */
	if (bcast_hex_decode(key_hex, key, sizeof(key)) != 0 ||
	    bcast_registry_add(d->srv, id, zone, key, err, sizeof(err)) != 0)
		dlog(LOG_ERR, "speaker %u: bad stored key or zone; skipped", id);
	sodium_memzero(key, sizeof(key));
}

static int
load_lexicon(struct dalabad *d, char *err, size_t errlen)
{
	struct tts_lexicon *lex = tts_lexicon_new();

	if (lex == NULL || db_lexicon_load(d->db, lex, err, errlen) != 0) {
		tts_lexicon_free(lex);
		return -1;
	}
	dlog(LOG_INFO, "lexicon: %zu words", tts_lexicon_count(lex));
	render_worker_set_lexicon(d->worker, lex);
	return 0;
}

/* What the render worker takes from the configuration: at start and on
 * every reload. */
static void
configure_worker(struct dalabad *d)
{
	gchar *root = dalabad_news_root(&d->cfg);

	render_worker_set_news(d->worker, root, d->cfg.news_timeout_s);
	/* A quarter over the limit: the intake's estimate is rough. */
	render_worker_set_limit(d->worker, d->cfg.item_max_s / 4 * 5);
	g_free(root);
	render_worker_set_loudness(d->worker, d->cfg.loudness_lufs,
	    d->cfg.true_peak_dbtp);
}

int
dalabad_lexicon_changed(struct dalabad *d, char *err, size_t errlen)
{
	return load_lexicon(d, err, errlen);
}

/* A page is due on air "within a second" (DESIGN.md): fine below it,
 * coarse above. */
static const double page_bounds[] = { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
    0.5, 1, 2.5, 5, 10 };

int
dalabad_start(struct dalabad *d, char *err, size_t errlen)
{
	char e2[256];
	gchar *path;

	if (g_mkdir_with_parents(d->cfg.state_dir, 0750) != 0) {
		snprintf(err, errlen, "%s: %s", d->cfg.state_dir, strerror(errno));
		return -1;
	}
	hist_init(&d->page_latency, page_bounds, G_N_ELEMENTS(page_bounds));
	d->tz = g_time_zone_new_identifier(d->cfg.timezone);
	if (d->tz == NULL) {
		snprintf(err, errlen, "unknown time zone %s", d->cfg.timezone);
		return -1;
	}
	path = g_build_filename(d->cfg.state_dir, "dalaba.db", NULL);
	d->db = db_open(path, e2, sizeof(e2));
	g_free(path);
	if (d->db == NULL) {
		snprintf(err, errlen, "store: %s", e2);
		return -1;
	}
	if (db_check(d->db, e2, sizeof(e2)) != 0)
		dlog(LOG_ERR, "store %s/dalaba.db is damaged (%s): running on it; "
		    "restore a backup when you can", d->cfg.state_dir, e2);
	path = g_build_filename(d->cfg.state_dir, "server.key", NULL);
	int rc = bcast_server_key_load(path, d->pk, d->sk, e2, sizeof(e2));
	g_free(path);
	if (rc != 0) {
		snprintf(err, errlen, "server key: %s", e2);
		return -1;
	}
	char *timeline = g_build_filename(d->cfg.state_dir, "timeline", NULL);
	struct bcast_config bc = { .bind_addr = d->cfg.bcast_bind,
	    .port = d->cfg.bcast_port ? d->cfg.bcast_port : -1, .sk = d->sk,
	    .offline_after_ms = d->cfg.offline_s * 1000,
	    .timeline_path = timeline, .nmcast = d->cfg.nmcast,
	    .mcast_ttl = d->cfg.mcast_ttl };
	struct bcast_mcast *mc = g_new0(struct bcast_mcast, d->cfg.nmcast + 1);
	for (int i = 0; i < d->cfg.nmcast; i++) {
		snprintf(mc[i].zone, sizeof(mc[i].zone), "%s", d->cfg.mcast[i].zone);
		snprintf(mc[i].group, sizeof(mc[i].group), "%s",
		    d->cfg.mcast[i].group);
		mc[i].port = d->cfg.mcast[i].port;
	}
	bc.mcast = mc;
	d->srv = bcast_server_new(&bc, e2, sizeof(e2));
	g_free(mc);
	g_free(timeline);
	if (d->srv == NULL) {
		snprintf(err, errlen, "broadcast socket: %s", e2);
		return -1;
	}
	db_speaker_each(d->db, register_speaker, d);
	daemon_speaker_start(d);	/* boxes' own volumes, test tones */
	d->storage = storage_new(&d->cfg);
	d->upcoming = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    g_free);
	d->worker = render_worker_new(d->cfg.state_dir, e2, sizeof(e2));
	if (d->worker == NULL) {
		snprintf(err, errlen, "speech engine: %s", e2);
		return -1;
	}
	configure_worker(d);
	d->imports = import_pool_new();
	if (load_lexicon(d, e2, sizeof(e2)) != 0)
		dlog(LOG_WARNING, "lexicon: %s; reading without it", e2);
	/* Loaded here, once, rather than on the first render's clock. */
	const struct tts_phrasebook_info *book = tts_phrasebook();
	if (book->words > 0)
		dlog(LOG_INFO, "phrase dictionary: %zu words from %s (%.1f ms)",
		    book->words, book->path, book->load_ms);
	else
		dlog(LOG_WARNING, "phrase dictionary not in use: %s%s%s; words "
		    "with 多音字 are read by dalaba's own tables and eSpeak NG",
		    book->path, book->path[0] ? ": " : "", book->error);
	airq_init(&d->q);
	daemon_carry_start(d);
	d->airings = g_ptr_array_new();
	d->page_ssrc = g_hash_table_new(g_direct_hash, g_direct_equal);
	int64_t now = dalabad_now();
	recover(d, now);
	daemon_plan(d, now);	/* slots missed while we were down, now */
	daemon_health_start(d);
	/* The tick starts, pre-empts and expires what airs: ahead of web
	 * requests, which share the loop. */
	d->tick_id = g_timeout_add_full(G_PRIORITY_HIGH, DAEMON_TICK_MS,
	    daemon_tick, d, NULL);
	char pkhex[2 * BCAST_PK_LEN + 1];
	bcast_hex_encode(d->pk, BCAST_PK_LEN, pkhex);
	dlog(LOG_NOTICE, "dalabad %s running: state in %s, loudspeakers on UDP "
	    "%s:%d, server public key %s, time zone %s", DALABAD_VERSION,
	    d->cfg.state_dir, d->cfg.bcast_bind, bcast_server_port(d->srv),
	    pkhex, d->cfg.timezone);
	return 0;
}

void
dalabad_stop(struct dalabad *d)
{
	if (d->tick_id)
		g_source_remove(d->tick_id);
	d->tick_id = 0;
	/* Stop what is on air; its broadcast stays open in the store, so the
	 * next start re-airs it within the grace window. */
	for (guint i = 0; d->airings && i < d->airings->len; i++) {
		struct airing *a = g_ptr_array_index(d->airings, i);
		if (a->job)
			a->job->arg = NULL;
		a->job = NULL;
		if (a->oa) {
			a->stop = STOP_SHUTDOWN;
			onair_stop(a->oa);
		}
	}
	daemon_health_stop(d);
	daemon_speaker_stop(d);	/* (before the worker: its tones' renders) */
	render_worker_free(d->worker);
	d->worker = NULL;
	import_pool_free(d->imports);
	d->imports = NULL;
	/* Let the threads report back, then free what is left. */
	for (int guard = 0; guard < 500; guard++) {
		bool busy = false;
		for (guint i = 0; d->airings && i < d->airings->len; i++)
			busy |= ((struct airing *)g_ptr_array_index(d->airings,
			    i))->oa != NULL;
		while (g_main_context_iteration(NULL, FALSE))
			;
		if (!busy)
			break;
		g_usleep(10000);
	}
	while (d->airings && d->airings->len > 0) {
		struct airing *a = g_ptr_array_index(d->airings, 0);
		g_ptr_array_remove_index(d->airings, 0);
		g_hash_table_destroy(a->confirmed);
		live_unref(a->live);
		g_free(a);
	}
	if (d->airings)
		g_ptr_array_unref(d->airings);
	if (d->page_ssrc)
		g_hash_table_destroy(d->page_ssrc);
	d->page_ssrc = NULL;
	if (d->scheds)
		g_ptr_array_unref(d->scheds);
	airq_free(&d->q);
	daemon_carry_stop(d);
	bcast_server_free(d->srv);
	storage_free(d->storage);
	d->storage = NULL;
	if (d->upcoming)
		g_hash_table_destroy(d->upcoming);
	d->upcoming = NULL;
	db_close(d->db);
	if (d->tz)
		g_time_zone_unref(d->tz);
	sodium_memzero(d->sk, sizeof(d->sk));
	dlog(LOG_NOTICE, "stopped");
}

void
dalabad_reload(struct dalabad *d)
{
	struct dalabad_config c;
	char err[512];

	if (dalabad_config_load(d->config_path, &c, err, sizeof(err)) != 0) {
		dlog(LOG_ERR, "reload: %s; keeping the running configuration", err);
		return;
	}
	GTimeZone *tz = g_time_zone_new_identifier(c.timezone);
	if (tz) {
		g_time_zone_unref(d->tz);
		d->tz = tz;
	}
	/* What can change on the fly; addresses and ports need a restart. */
	g_free(d->cfg.timezone);
	d->cfg.timezone = g_strdup(c.timezone);
	d->cfg.grace_s = c.grace_s;
	d->cfg.reair_s = c.reair_s;
	d->cfg.render_ahead_s = c.render_ahead_s;
	d->cfg.carry = c.carry;
	d->cfg.news_timeout_s = c.news_timeout_s;
	d->cfg.loudness_lufs = c.loudness_lufs;
	d->cfg.true_peak_dbtp = c.true_peak_dbtp;
	d->cfg.horn_highpass_hz = c.horn_highpass_hz;	/* from the next item */
	d->cfg.horn_compress = c.horn_compress;
	g_free(d->cfg.news_root);
	d->cfg.news_root = g_strdup(c.news_root);
	g_free(d->cfg.news_allow);
	d->cfg.news_allow = g_strdup(c.news_allow);
	d->cfg.item_max_s = c.item_max_s;
	d->cfg.preview_mb_user = c.preview_mb_user;
	configure_worker(d);
	d->cfg.delay_ms = c.delay_ms;
	d->cfg.page_delay_ms = c.page_delay_ms;
	d->cfg.pages_township = c.pages_township;
	d->cfg.page_expires_s = c.page_expires_s;
	d->cfg.render_max_mb = c.render_max_mb;
	d->cfg.archive_days = c.archive_days;
	d->cfg.reserve_mb = c.reserve_mb;
	storage_configure(d->storage, &d->cfg);
	d->cfg.api_connections = c.api_connections;
	d->cfg.api_connections_per_source = c.api_connections_per_source;
	d->cfg.api_request_s = c.api_request_s;
	if (strcmp(c.state_dir, d->cfg.state_dir) != 0 ||
	    strcmp(c.api_bind, d->cfg.api_bind) != 0 ||
	    c.api_port != d->cfg.api_port || c.bcast_port != d->cfg.bcast_port ||
	    strcmp(c.bcast_bind, d->cfg.bcast_bind) != 0 ||
	    c.enroll_port != d->cfg.enroll_port ||
	    strcmp(c.enroll_bind, d->cfg.enroll_bind) != 0)
		dlog(LOG_WARNING, "reload: state_dir, addresses and ports change "
		    "only on restart");
	dalabad_config_clear(&c);
	if (load_lexicon(d, err, sizeof(err)) != 0)
		dlog(LOG_WARNING, "reload: lexicon: %s", err);
	d->scheds_dirty = true;
	dlog(LOG_NOTICE, "configuration reloaded (time zone %s)",
	    d->cfg.timezone);
}
