/*
 * config_fed.c — see config.h: the [federation] group and one [county
 * CODE] group per county below a province or city dalabad.
 *
 *   [federation]
 *   role = province            (or city)
 *   sender = dalaba.330000     (the CAP sender the counties see)
 *   poll_ms = 500              (coverage asked of each county, 100..10000)
 *
 *   [county 330102]
 *   name = 上城区
 *   url = https://10.77.0.11:8443   (http only to a loopback address)
 *   token_file = /etc/dalaba/counties/330102.token   (not world-readable)
 *   ca = /etc/dalaba/counties/330102.pem             (or "system")
 *
 * Checked whole at load, so a typo stops dalabad at start rather than
 * leaving a county unpaged in an emergency. The token itself is read at
 * start by the federation (web-admin/fed.c), never printed.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scheduler/config.h"

#define FED_MAX_COUNTIES 512

static const char *const fed_keys[] = { "role", "sender", "poll_ms", NULL };
static const char *const county_keys[] = { "name", "url", "token_file", "ca",
    NULL };

bool
dalabad_config_fed_group(const char *group)
{
	return strcmp(group, "federation") == 0 ||
	    strncmp(group, "county ", 7) == 0;
}

static bool
six_digits(const char *s)
{
	if (strlen(s) != 6)
		return false;
	for (int i = 0; i < 6; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* Every key of group is one of known. */
static int
only_keys(GKeyFile *kf, const char *group, const char *const *known,
    char *err, size_t errlen)
{
	gchar **names = g_key_file_get_keys(kf, group, NULL, NULL);
	int rc = 0;

	for (size_t n = 0; names && names[n] && rc == 0; n++) {
		bool ok = false;
		for (size_t i = 0; known[i]; i++)
			ok |= strcmp(known[i], names[n]) == 0;
		if (!ok) {
			snprintf(err, errlen, "[%s] unknown key \"%s\"", group,
			    names[n]);
			rc = -1;
		}
	}
	g_strfreev(names);
	return rc;
}

/* The value of group/key, stripped; NULL (err set) when missing or not
 * text, or when required and empty. g_free it. */
static char *
value(GKeyFile *kf, const char *group, const char *key, bool required,
    char *err, size_t errlen)
{
	GError *gerr = NULL;
	gchar *v = g_key_file_get_string(kf, group, key, &gerr);

	if (v == NULL) {
		if (required || !g_error_matches(gerr, G_KEY_FILE_ERROR,
		    G_KEY_FILE_ERROR_KEY_NOT_FOUND))
			snprintf(err, errlen, "[%s] %s %s", group, key,
			    g_error_matches(gerr, G_KEY_FILE_ERROR,
			    G_KEY_FILE_ERROR_KEY_NOT_FOUND) ? "is missing" :
			    "is not readable text");
		else
			err[0] = '\0';
		g_clear_error(&gerr);
		return NULL;
	}
	g_strstrip(v);
	if (required && v[0] == '\0') {
		snprintf(err, errlen, "[%s] %s is empty", group, key);
		g_free(v);
		return NULL;
	}
	return v;
}

/* https://HOST[:PORT] with nothing after but an optional "/", or http://
 * to a loopback address (a test, or a tunnel ending on this machine). */
static bool
url_ok(const char *u, char *why, size_t whylen)
{
	GUri *uri = g_uri_parse(u, G_URI_FLAGS_NONE, NULL);
	bool ok = false;

	if (uri == NULL || g_uri_get_host(uri) == NULL ||
	    g_uri_get_host(uri)[0] == '\0') {
		snprintf(why, whylen, "is not a URL");
	} else if (g_uri_get_query(uri) || g_uri_get_fragment(uri) ||
	    g_uri_get_userinfo(uri) || (strcmp(g_uri_get_path(uri), "") != 0 &&
	    strcmp(g_uri_get_path(uri), "/") != 0)) {
		snprintf(why, whylen, "must be the server's address only "
		    "(https://host:port)");
	} else if (strcmp(g_uri_get_scheme(uri), "https") == 0) {
		ok = true;
	} else if (strcmp(g_uri_get_scheme(uri), "http") == 0 &&
	    (strncmp(g_uri_get_host(uri), "127.", 4) == 0 ||
	    strcmp(g_uri_get_host(uri), "::1") == 0 ||
	    strcmp(g_uri_get_host(uri), "localhost") == 0)) {
		ok = true;
	} else {
		snprintf(why, whylen, "must be https:// (the token and the "
		    "alert cross the network; http only to a loopback address)");
	}
	if (uri)
		g_uri_unref(uri);
	return ok;
}

static int
parse_county(GKeyFile *kf, const char *group, struct dalabad_county *k,
    char *err, size_t errlen)
{
	const char *code = group + 7;
	char why[160];
	struct stat st;

	if (!six_digits(code)) {
		snprintf(err, errlen, "[%s]: a county is named by its six-digit "
		    "division code, e.g. [county 330102]", group);
		return -1;
	}
	memcpy(k->code, code, 7);
	if (only_keys(kf, group, county_keys, err, errlen) != 0 ||
	    (k->name = value(kf, group, "name", true, err, errlen)) == NULL ||
	    (k->url = value(kf, group, "url", true, err, errlen)) == NULL ||
	    (k->token_file = value(kf, group, "token_file", true, err,
	    errlen)) == NULL)
		return -1;
	if ((k->ca = value(kf, group, "ca", false, err, errlen)) == NULL) {
		if (err[0])
			return -1;
		k->ca = g_strdup("system");
	}
	if (strlen(k->name) > 64) {
		snprintf(err, errlen, "[%s] name is longer than 64 bytes", group);
		return -1;
	}
	if (strlen(k->url) > 200 || !url_ok(k->url, why, sizeof(why))) {
		if (strlen(k->url) > 200)
			snprintf(why, sizeof(why), "is longer than 200 bytes");
		snprintf(err, errlen, "[%s] url \"%.200s\" %s", group, k->url, why);
		return -1;
	}
	if (stat(k->token_file, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "[%s] token_file %s is not a readable file",
		    group, k->token_file);
		return -1;
	}
	if (st.st_mode & 0004) {
		snprintf(err, errlen, "[%s] token_file %s can be read by anyone: "
		    "chmod 600 it (it pages the county)", group, k->token_file);
		return -1;
	}
	if (strcmp(k->ca, "system") != 0 && access(k->ca, R_OK) != 0) {
		snprintf(err, errlen, "[%s] ca %s is not a readable PEM file (or "
		    "write ca = system)", group, k->ca);
		return -1;
	}
	return 0;
}

int
dalabad_config_fed_parse(GKeyFile *kf, struct dalabad_config *c, char *err,
    size_t errlen)
{
	gchar **groups = g_key_file_get_groups(kf, NULL);
	struct dalabad_federation *f = g_new0(struct dalabad_federation, 1);
	int n = 0, rc = -1;

	c->fed = f;
	for (size_t g = 0; groups[g]; g++)
		n += strncmp(groups[g], "county ", 7) == 0;
	if (!g_key_file_has_group(kf, "federation")) {
		if (n > 0) {
			snprintf(err, errlen, "[county ...] needs a [federation] "
			    "group (role = province or city)");
			goto out;
		}
		rc = 0;
		dalabad_config_fed_clear(c);
		goto out;
	}
	if (only_keys(kf, "federation", fed_keys, err, errlen) != 0 ||
	    (f->role = value(kf, "federation", "role", true, err,
	    errlen)) == NULL)
		goto out;
	if (strcmp(f->role, "province") != 0 && strcmp(f->role, "city") != 0) {
		snprintf(err, errlen, "[federation] role \"%.40s\" is not province "
		    "or city", f->role);
		goto out;
	}
	if ((f->sender = value(kf, "federation", "sender", false, err,
	    errlen)) == NULL) {
		if (err[0])
			goto out;
		f->sender = g_strdup("dalaba.province");
	}
	if (strlen(f->sender) > 64 || strpbrk(f->sender, " \t,<>&\"'") ||
	    f->sender[0] == '\0') {
		snprintf(err, errlen, "[federation] sender: up to 64 characters, "
		    "no spaces, commas or markup (CAP forbids them)");
		goto out;
	}
	f->poll_ms = 500;
	gchar *pm = value(kf, "federation", "poll_ms", false, err, errlen);
	if (pm == NULL && err[0])
		goto out;
	if (pm) {
		char *end;
		long v = strtol(pm, &end, 10);
		bool bad = end == pm || *end != '\0' || v < 100 || v > 10000;
		g_free(pm);
		if (bad) {
			snprintf(err, errlen, "[federation] poll_ms must be a number "
			    "from 100 to 10000");
			goto out;
		}
		f->poll_ms = (int)v;
	}
	if (n == 0) {
		snprintf(err, errlen, "[federation] has no [county CODE] groups: "
		    "name at least one county below this %s", f->role);
		goto out;
	}
	if (n > FED_MAX_COUNTIES) {
		snprintf(err, errlen, "more than %d counties", FED_MAX_COUNTIES);
		goto out;
	}
	f->counties = g_new0(struct dalabad_county, n);
	for (size_t g = 0; groups[g]; g++) {
		if (strncmp(groups[g], "county ", 7) != 0)
			continue;
		if (parse_county(kf, groups[g], &f->counties[f->ncounties++], err,
		    errlen) != 0)
			goto out;
	}
	rc = 0;
out:
	g_strfreev(groups);
	if (rc != 0)
		dalabad_config_fed_clear(c);
	return rc;
}

void
dalabad_config_fed_clear(struct dalabad_config *c)
{
	struct dalabad_federation *f = c->fed;

	if (f == NULL)
		return;
	for (int i = 0; i < f->ncounties; i++) {
		g_free(f->counties[i].name);
		g_free(f->counties[i].url);
		g_free(f->counties[i].token_file);
		g_free(f->counties[i].ca);
	}
	g_free(f->counties);
	g_free(f->role);
	g_free(f->sender);
	g_free(f);
	c->fed = NULL;
}

void
dalabad_config_fed_write(FILE *f, const struct dalabad_config *c)
{
	const struct dalabad_federation *fd = c->fed;

	if (fd == NULL)
		return;
	fprintf(f, "\n[federation]\n# province or city: pages go down to the "
	    "counties below as CAP 1.2\nrole = %s\nsender = %s\npoll_ms = %d\n",
	    fd->role, fd->sender, fd->poll_ms);
	for (int i = 0; i < fd->ncounties; i++)
		fprintf(f, "\n[county %s]\nname = %s\nurl = %s\ntoken_file = %s\n"
		    "ca = %s\n", fd->counties[i].code, fd->counties[i].name,
		    fd->counties[i].url, fd->counties[i].token_file,
		    fd->counties[i].ca);
}
