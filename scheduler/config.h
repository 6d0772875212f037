/*
 * config.h — inside scheduler/: dalabad's configuration, an INI file read
 * with GKeyFile. Every key has a default, so no file at all is a working
 * setup (state in ./state, API on 127.0.0.1). See README "dalabad.conf".
 */
#ifndef DALABA_SCHED_CONFIG_H
#define DALABA_SCHED_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <glib.h>

/* [federation] and its [county CODE] groups (config_fed.c): a province
 * (or city) dalabad passes its pages down to the counties below it. */
struct dalabad_county {
	char code[7];		/* six-digit division code */
	char *name;
	char *url;		/* https://host[:port] of the county's API */
	char *token_file;	/* its API token for us, mode 0600 */
	char *ca;		/* a PEM file, or "system" */
};

/* One zone's group: [multicast] ZONE = GROUP[:PORT]. */
struct dalabad_mcast {
	char zone[13];
	char group[16];
	int port;		/* 0: [broadcast] port */
};

struct dalabad_federation {
	char *role;		/* "province" or "city" */
	char *sender;		/* CAP sender, e.g. dalaba.330000 */
	int poll_ms;		/* coverage asked of each county this often */
	int ncounties;
	struct dalabad_county *counties;
};

struct dalabad_config {
	char *state_dir;	/* database, keys, render cache, news cache */
	char *timezone;		/* IANA name, default Asia/Shanghai */
	int grace_s;		/* after a restart, missed slots this recent air */
	int reair_s;		/* a pre-empted or held item re-airs within this */
	int render_ahead_s;	/* render items this long before their slot */
	int item_max_s;		/* the longest one item may run when read */
	int loudness_lufs;	/* every render's integrated loudness */
	int true_peak_dbtp;	/* and the ceiling of its true peak */
	int horn_highpass_hz;	/* the loudspeaker stream's high-pass, 0 none */
	int horn_compress;	/* and its gentle compression, 0 or 1 */
	int news_timeout_s;	/* fetching a feed gives up after this */
	char *news_root;	/* dir: feeds are folders inside this */
	char *news_allow;	/* URL prefixes anyone may read; "none" */
	char *bcast_bind;
	int bcast_port;
	int delay_ms;		/* play-out delay for routine items */
	int offline_s;		/* a speaker silent this long is offline */
	int carry;		/* send routine items ahead (store and forward) */
	int page_delay_ms;	/* play-out delay for emergency pages */
	int pages_township;	/* township staff may page their township */
	int page_expires_s;	/* a page's default lifetime */
	char *api_bind;
	int api_port;
	char *api_tls_cert;	/* "off" or a PEM file: HTTPS */
	char *api_tls_key;
	int api_connections;	/* open at once, in total */
	int api_connections_per_source;
	int api_request_s;	/* to send one whole request */
	char *api_names;	/* host names answered besides IPs, localhost */
	char *public_url;	/* listening again: "auto" or the base URL */
	int public_per_min;	/* requests an address may make of it */
	char *enroll_bind;
	int enroll_port;	/* 0: no enrolment listener */
	char *advertise;	/* server address written into enrolled boxes */
	int render_max_mb;	/* budget of rendered audio */
	int archive_days;	/* what aired is kept this long */
	int preview_mb_user;	/* a user's previews, written per day */
	int reserve_mb;		/* room held back for a full disk */
	struct dalabad_federation *fed;	/* NULL: not a province or city */
	/* [multicast] (config_mcast.c): zones carried on IP multicast. */
	struct dalabad_mcast *mcast;
	int nmcast;
	int mcast_ttl;
};

/* Defaults, then path (NULL: defaults only) on top. Unknown groups or keys
 * and out-of-range values are errors: a typo must not silently become a
 * default. -1 with err on any problem; c is then left cleared. */
int dalabad_config_load(const char *path, struct dalabad_config *c,
    char *err, size_t errlen);
/* The same from the file's text (len bytes); name heads every message. */
int dalabad_config_parse(const char *text, size_t len, const char *name,
    struct dalabad_config *c, char *err, size_t errlen);
void dalabad_config_clear(struct dalabad_config *c);
/* config_fed.c: is group one of federation's? Its groups read from kf
 * into c->fed (0), or -1 with err; cleared; written back as -n prints. */
bool dalabad_config_fed_group(const char *group);
int dalabad_config_fed_parse(GKeyFile *kf, struct dalabad_config *c,
    char *err, size_t errlen);
void dalabad_config_fed_clear(struct dalabad_config *c);
void dalabad_config_fed_write(FILE *f, const struct dalabad_config *c);
/* config_mcast.c: [multicast] read from kf into c (0), or -1 with err;
 * cleared; written back. */
int dalabad_config_mcast_parse(GKeyFile *kf, struct dalabad_config *c,
    char *err, size_t errlen);
void dalabad_config_mcast_clear(struct dalabad_config *c);
void dalabad_config_mcast_write(FILE *f, const struct dalabad_config *c);
/* The folder dir: feeds must be inside (news_root, relative to state_dir
 * unless absolute); g_free it. */
char *dalabad_news_root(const struct dalabad_config *c);
/* The effective configuration as an INI file (what -n prints). */
void dalabad_config_write(FILE *f, const struct dalabad_config *c);

#endif
