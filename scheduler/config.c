/*
 * config.c — see config.h. One table describes every key: its group, name,
 * type, range and where it lands, so loading, checking and printing can
 * never disagree.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "broadcaster/broadcaster.h"
#include "scheduler/config.h"
#include "tts/tts.h"

enum key_type { K_STR, K_INT };

struct key {
	const char *group, *name;
	enum key_type type;
	size_t off;
	int min, max;
	const char *def;	/* the default, as it would be written */
	const char *doc;
};

#define S(g, n, field, def, doc) \
	{ g, n, K_STR, offsetof(struct dalabad_config, field), 0, 0, def, doc }
#define I(g, n, field, lo, hi, def, doc) \
	{ g, n, K_INT, offsetof(struct dalabad_config, field), lo, hi, def, doc }

static const struct key keys[] = {
	S("dalabad", "state_dir", state_dir, "state",
	    "database, server key, API token, render cache, news cache"),
	S("dalabad", "timezone", timezone, "Asia/Shanghai",
	    "local time for schedules and quiet hours"),
	I("dalabad", "grace_minutes", grace_s, 0, 24 * 60, "10",
	    "after a restart, slots missed this recently still air (once)"),
	I("dalabad", "reair_minutes", reair_s, 1, 24 * 60, "60",
	    "a pre-empted or held item must re-air within this, or is logged"),
	I("dalabad", "render_ahead_minutes", render_ahead_s, 0, 24 * 60, "10",
	    "render upcoming items this early, so they start on the second"),
	I("dalabad", "item_max_minutes", item_max_s, 1, 240, "15",
	    "the longest one notice or page may run when read, its repeats "
	    "and chimes included: longer text is refused when it is written, "
	    "and a render that runs past it is stopped"),
	/* The defaults are tts.h's TTS_DEFAULT_LOUDNESS_LUFS and _TRUE_PEAK_
	 * DBTP, what dalaba say and dalaba-broadcast use. */
	I("audio", "loudness_lufs", loudness_lufs, TTS_LOUDNESS_MIN,
	    TTS_LOUDNESS_MAX, "-16", "every item is rendered to this "
	    "integrated loudness (EBU R128, LUFS), its chime 1 LU under, its "
	    "alert tone 1 LU over; a change renders each item again"),
	I("audio", "true_peak_dbtp", true_peak_dbtp, TTS_TRUE_PEAK_MIN,
	    TTS_TRUE_PEAK_MAX, "-1", "no render's true peak goes over this "
	    "(dBTP): a limiter takes the loudest syllables down to it"),
	I("audio", "horn_highpass_hz", horn_highpass_hz, 0, 1000, "300",
	    "the loudspeaker stream is high-passed here (24 dB/octave; 0: "
	    "not): horns reproduce little below 300 Hz, and what they cannot "
	    "play costs amplifier headroom; downloads are not filtered"),
	I("audio", "horn_compress", horn_compress, 0, 1, "1",
	    "1: gentle 2:1 compression of the loudspeaker stream, quiet "
	    "syllables up about 6 dB for listeners far away; 0: none"),
	I("news", "timeout_seconds", news_timeout_s, 1, 120, "10",
	    "a news feed that does not answer in this long: use its cache"),
	S("news", "root", news_root, "news",
	    "folders read as news (dir:) must be inside this one (relative: "
	    "inside state_dir)"),
	S("news", "allow", news_allow, "none",
	    "web addresses (prefixes, separated by spaces) that village and "
	    "township staff may read news from; county staff may use any; "
	    "\"none\": no others"),
	S("broadcast", "bind", bcast_bind, "0.0.0.0",
	    "UDP address the loudspeakers talk to"),
	I("broadcast", "port", bcast_port, 0, 65535, "5004",
	    "UDP port (0: any free port; enrolled speakers are told which)"),
	I("broadcast", "delay_ms", delay_ms, 100, 5000, "600",
	    "play-out delay: jitter allowance, the same for every speaker"),
	I("broadcast", "carry_ahead", carry, 0, 1, "1",
	    "1: a routine item rendered ahead of its slot (render_ahead_"
	    "minutes) is also sent ahead to the loudspeakers of its zone, "
	    "which air it at its slot from their own copy if their link is "
	    "down then (断网续播); 0: loudspeakers play only what comes live"),
	I("broadcast", "offline_seconds", offline_s, 2, 3600, "15",
	    "a speaker not heard from for this long is offline"),
	I("pages", "delay_ms", page_delay_ms, 100, 5000, "300",
	    "play-out delay of emergency pages: shorter, so they are heard "
	    "within a second"),
	I("pages", "township", pages_township, 0, 1, "0",
	    "1: township staff may page their own township; 0: county only"),
	I("pages", "expires_minutes", page_expires_s, 1, 24 * 60, "60",
	    "a page that names no expiry of its own stops after this"),
	S("api", "bind", api_bind, "127.0.0.1",
	    "address of the JSON API and the web admin"),
	I("api", "port", api_port, 0, 65535, "8080",
	    "JSON API port (0: any free port, written to STATE_DIR/api.url)"),
	S("api", "tls_certificate", api_tls_cert, "off",
	    "PEM certificate (chain) for HTTPS on the API and web admin; "
	    "\"off\": plain HTTP (keep bind on 127.0.0.1 then)"),
	S("api", "tls_key", api_tls_key, "off",
	    "PEM private key of tls_certificate"),
	I("api", "connections", api_connections, 8, 65536, "512",
	    "connections open at once, in total (this machine's 127.0.0.1 "
	    "and ::1 always get in)"),
	I("api", "connections_per_source", api_connections_per_source, 1,
	    65536, "32", "connections open at once from one address (an "
	    "IPv6 one by its /64)"),
	I("api", "request_seconds", api_request_s, 1, 600, "15",
	    "a connection must send its whole request within this"),
	S("api", "names", api_names, "none",
	    "host names the web admin and API answer to, comma-separated, "
	    "besides IP addresses, localhost and this machine's own name; a "
	    "request for any other name is refused (DNS rebinding); \"none\": "
	    "no others"),
	/* Listening again (web-admin/page_public.c): the public pages. */
	S("listen", "public_url", public_url, "auto",
	    "the address villagers open, as printed on the QR plates and in "
	    "the podcast feeds (e.g. https://dalaba.example.cn); \"auto\": "
	    "the host each request was sent to"),
	I("listen", "requests_per_minute", public_per_min, 0, 1 << 20, "60",
	    "requests one address may make of the public pages, feeds and "
	    "audio a minute, in bursts of as many (0: not limited; this "
	    "machine's own addresses are counted too)"),
	S("enroll", "bind", enroll_bind, "0.0.0.0",
	    "where new loudspeakers fetch their configuration with a token "
	    "(\"off\": no enrolment)"),
	I("enroll", "port", enroll_port, 0, 65535, "8081",
	    "enrolment HTTP port (0: any free port, written to "
	    "STATE_DIR/enroll.url)"),
	S("enroll", "advertise", advertise, "127.0.0.1",
	    "this server's address as the loudspeakers should dial it"),
	I("storage", "render_max_mb", render_max_mb, 8, 1 << 20, "2048",
	    "rendered audio is kept within this; the oldest of what may go "
	    "goes first (never what airs, nor the archive)"),
	I("storage", "preview_mb_per_user", preview_mb_user, 1, 1 << 20,
	    "1024", "what one user's previews may write to the disk in a day "
	    "(WAV and Ogg Opus); past it their previews are refused until the "
	    "next day"),
	I("storage", "archive_days", archive_days, 1, 3650, "30",
	    "what aired is kept (as Ogg Opus) this long, for the history"),
	I("storage", "reserve_mb", reserve_mb, 0, 4096, "64",
	    "room held back in state_dir/reserve: given up when the disk "
	    "fills, so airing goes on while new notices are refused (0: none)"),
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

/* Minutes in the file, seconds in the program. */
static int
scale(const struct key *k)
{
	return g_str_has_suffix(k->name, "_minutes") ? 60 : 1;
}

static int
set(struct dalabad_config *c, const struct key *k, const char *val,
    char *err, size_t errlen)
{
	void *field = (char *)c + k->off;

	if (k->type == K_STR) {
		if (val[0] == '\0') {
			snprintf(err, errlen, "[%s] %s is empty", k->group, k->name);
			return -1;
		}
		/* An escaped newline would let a value (advertise goes into
		 * every enrolled box's configuration) carry lines of its own. */
		for (const char *p = val; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f) {
				snprintf(err, errlen, "[%s] %s has a control "
				    "character", k->group, k->name);
				return -1;
			}
		char **p = field;
		g_free(*p);
		*p = g_strdup(val);
		return 0;
	}
	char *end;
	long v = strtol(val, &end, 10);
	if (end == val || *end != '\0' || v < k->min || v > k->max) {
		snprintf(err, errlen, "[%s] %s = \"%s\": want a whole number "
		    "from %d to %d", k->group, k->name, val, k->min, k->max);
		return -1;
	}
	*(int *)field = (int)v * scale(k);
	return 0;
}

static int
check_known(GKeyFile *kf, char *err, size_t errlen)
{
	gchar **groups = g_key_file_get_groups(kf, NULL);
	int rc = 0;

	for (size_t g = 0; groups[g] && rc == 0; g++) {
		if (dalabad_config_fed_group(groups[g]) ||
		    strcmp(groups[g], "multicast") == 0)
			continue;	/* config_fed.c, config_mcast.c check their own */
		gchar **names = g_key_file_get_keys(kf, groups[g], NULL, NULL);
		bool group_known = false;
		for (size_t i = 0; i < NKEYS; i++)
			group_known |= strcmp(keys[i].group, groups[g]) == 0;
		if (!group_known) {
			snprintf(err, errlen, "unknown section [%s]", groups[g]);
			rc = -1;
		}
		for (size_t n = 0; names && names[n] && rc == 0; n++) {
			bool known = false;
			for (size_t i = 0; i < NKEYS; i++)
				known |= strcmp(keys[i].group, groups[g]) == 0 &&
				    strcmp(keys[i].name, names[n]) == 0;
			if (!known) {
				snprintf(err, errlen, "[%s] unknown key \"%s\"",
				    groups[g], names[n]);
				rc = -1;
			}
		}
		g_strfreev(names);
	}
	g_strfreev(groups);
	return rc;
}

int
dalabad_config_parse(const char *text, size_t len, const char *name,
    struct dalabad_config *c, char *err, size_t errlen)
{
	GKeyFile *kf = NULL;
	GError *gerr = NULL;
	char e2[256];

	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < NKEYS; i++)
		if (set(c, &keys[i], keys[i].def, err, errlen) != 0)
			abort();	/* a default out of its own range */
	/* GKeyFile would end a line's value at a NUL and drop the rest. */
	if (memchr(text, '\0', len) != NULL) {
		snprintf(err, errlen, "%s: a NUL byte (not a text file)", name);
		goto fail;
	}
	kf = g_key_file_new();
	if (!g_key_file_load_from_data(kf, text, len, G_KEY_FILE_NONE, &gerr)) {
		snprintf(err, errlen, "%s: %s", name, gerr->message);
		goto fail;
	}
	if (check_known(kf, e2, sizeof(e2)) != 0) {
		snprintf(err, errlen, "%s: %s", name, e2);
		goto fail;
	}
	for (size_t i = 0; i < NKEYS; i++) {
		gchar *v = g_key_file_get_string(kf, keys[i].group, keys[i].name,
		    &gerr);
		if (g_error_matches(gerr, G_KEY_FILE_ERROR,
		    G_KEY_FILE_ERROR_KEY_NOT_FOUND) || g_error_matches(gerr,
		    G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_GROUP_NOT_FOUND)) {
			g_clear_error(&gerr);
			continue;
		}
		if (gerr != NULL) {
			/* Bytes that are not UTF-8 (no value at all, once
			 * silently the default) or a bad escape (the value
			 * with its backslash, once taken as it was). */
			snprintf(err, errlen, "%s: [%s] %s %s", name,
			    keys[i].group, keys[i].name, g_error_matches(gerr,
			    G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_UNKNOWN_ENCODING) ?
			    "is not UTF-8 text" : "has a backslash that escapes "
			    "nothing (write \\\\ for one)");
			g_free(v);
			goto fail;
		}
		int rc = set(c, &keys[i], g_strstrip(v), e2, sizeof(e2));
		g_free(v);
		if (rc != 0) {
			snprintf(err, errlen, "%s: %s", name, e2);
			goto fail;
		}
	}
	/* A name, not a path: GLib would read any file given as one. */
	GTimeZone *tz = c->timezone[0] == '/' || strstr(c->timezone, "..") ?
	    NULL : g_time_zone_new_identifier(c->timezone);
	if (tz == NULL) {
		snprintf(err, errlen, "%s: [dalabad] timezone \"%s\" is not a "
		    "known time zone (see /usr/share/zoneinfo)", name, c->timezone);
		goto fail;
	}
	g_time_zone_unref(tz);
	if (dalabad_config_fed_parse(kf, c, e2, sizeof(e2)) != 0 ||
	    dalabad_config_mcast_parse(kf, c, e2, sizeof(e2)) != 0) {
		snprintf(err, errlen, "%s: %s", name, e2);
		goto fail;
	}
	/* advertise is signed into every enrolment answer, and a box takes
	 * only a host name or an address there: refuse anything else now,
	 * not at a box's first enrolment. */
	if (!bcast_enroll_address_ok(c->advertise)) {
		snprintf(err, errlen, "%s: [enroll] advertise \"%s\" is not a host "
		    "name or IP address (no port, no brackets)", name,
		    c->advertise);
		goto fail;
	}
	g_key_file_free(kf);
	return 0;
fail:
	g_clear_error(&gerr);
	if (kf)
		g_key_file_free(kf);
	dalabad_config_clear(c);
	return -1;
}

int
dalabad_config_load(const char *path, struct dalabad_config *c, char *err,
    size_t errlen)
{
	gchar *text = NULL;
	gsize len;
	GError *gerr = NULL;

	if (path == NULL)
		return dalabad_config_parse("", 0, "(defaults)", c, err, errlen);
	if (!g_file_get_contents(path, &text, &len, &gerr)) {
		memset(c, 0, sizeof(*c));
		snprintf(err, errlen, "%s", gerr->message);
		g_error_free(gerr);
		return -1;
	}
	int rc = dalabad_config_parse(text, len, path, c, err, errlen);
	g_free(text);
	return rc;
}

void
dalabad_config_clear(struct dalabad_config *c)
{
	dalabad_config_fed_clear(c);
	dalabad_config_mcast_clear(c);
	for (size_t i = 0; i < NKEYS; i++)
		if (keys[i].type == K_STR) {
			char **p = (char **)((char *)c + keys[i].off);
			g_free(*p);
			*p = NULL;
		}
}

char *
dalabad_news_root(const struct dalabad_config *c)
{
	return g_path_is_absolute(c->news_root) ? g_strdup(c->news_root) :
	    g_build_filename(c->state_dir, c->news_root, NULL);
}

void
dalabad_config_write(FILE *f, const struct dalabad_config *c)
{
	const char *group = "";

	for (size_t i = 0; i < NKEYS; i++) {
		const struct key *k = &keys[i];
		const void *field = (const char *)c + k->off;
		if (strcmp(group, k->group) != 0) {
			fprintf(f, "%s[%s]\n", i ? "\n" : "", k->group);
			group = k->group;
		}
		fprintf(f, "# %s (default %s)\n", k->doc, k->def);
		if (k->type == K_STR) {
			/* As GKeyFile reads it back: values hold no control
			 * characters nor blanks at either end, so only a
			 * backslash needs its escape. */
			fprintf(f, "%s = ", k->name);
			for (const char *v = *(char *const *)field; *v; v++) {
				if (*v == '\\')
					fputc('\\', f);
				fputc(*v, f);
			}
			fputc('\n', f);
		} else
			fprintf(f, "%s = %d\n", k->name,
			    *(const int *)field / scale(k));
	}
	dalabad_config_fed_write(f, c);
	dalabad_config_mcast_write(f, c);
}
