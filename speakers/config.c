/*
 * config.c — the speaker's INI file: [speaker] id, zone, key; [server]
 * address, port, public_key; [audio] output, volume; [agent] hello_ms,
 * stats. Unknown keys are errors, so a typo is found at `-n`, not at the
 * next emergency.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "speakers/speaker.h"

void
spk_config_default(struct spk_config *c)
{
	memset(c, 0, sizeof(*c));
	strcpy(c->server, "127.0.0.1");
	c->port = 5004;
	strcpy(c->output, "alsa:default");
	c->volume = 80;
	c->hello_ms = 2000;
}

static char *
trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' ||
	    s[n - 1] == '\n'))
		s[--n] = '\0';
	return s;
}

static int
int_in(const char *v, long lo, long hi, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(v, &end, 10);
	return errno == 0 && end != v && *end == '\0' && *out >= lo && *out <= hi;
}

static int
copy(char *dst, size_t cap, const char *v)
{
	if (strlen(v) >= cap)
		return 0;
	strcpy(dst, v);
	return 1;
}

static int
set(struct spk_config *c, const char *sec, const char *k, const char *v)
{
	long n;

	if (strcmp(sec, "speaker") == 0) {
		if (strcmp(k, "id") == 0) {
			if (!int_in(v, 1, UINT32_MAX, &n))
				return 0;
			c->id = (uint32_t)n;
			return 1;
		}
		if (strcmp(k, "zone") == 0) {
			struct bcast_zone z;
			return bcast_zone_parse(v, &z) == 0 && z.digits > 0 &&
			    copy(c->zone, sizeof(c->zone), v);
		}
		if (strcmp(k, "key") == 0)
			return bcast_hex_decode(v, c->key, sizeof(c->key)) == 0;
	} else if (strcmp(sec, "server") == 0) {
		if (strcmp(k, "address") == 0)
			return copy(c->server, sizeof(c->server), v);
		if (strcmp(k, "port") == 0) {
			if (!int_in(v, 1, 65535, &n))
				return 0;
			c->port = (int)n;
			return 1;
		}
		if (strcmp(k, "public_key") == 0)
			return bcast_hex_decode(v, c->server_pk,
			    sizeof(c->server_pk)) == 0;
	} else if (strcmp(sec, "audio") == 0) {
		if (strcmp(k, "output") == 0)
			return copy(c->output, sizeof(c->output), v);
		if (strcmp(k, "volume") == 0) {
			if (!int_in(v, 0, 100, &n))
				return 0;
			c->volume = (int)n;
			return 1;
		}
	} else if (strcmp(sec, "agent") == 0) {
		if (strcmp(k, "hello_ms") == 0) {
			if (!int_in(v, 100, 60000, &n))
				return 0;
			c->hello_ms = (int)n;
			return 1;
		}
		if (strcmp(k, "stats") == 0)
			return copy(c->stats, sizeof(c->stats), v);
	}
	return -1;
}

int
spk_config_load(struct spk_config *c, const char *path, char *err,
    size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[1024], sec[32] = "";
	int lineno = 0;

	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		char *s = trim(line);
		if (*s == '\0' || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			char *e = strchr(s, ']');
			if (e == NULL || e[1] != '\0' || (size_t)(e - s - 1) >= sizeof(sec)) {
				snprintf(err, errlen, "%s:%d: bad section", path, lineno);
				goto fail;
			}
			memcpy(sec, s + 1, (size_t)(e - s - 1));
			sec[e - s - 1] = '\0';
			continue;
		}
		char *eq = strchr(s, '=');
		if (eq == NULL) {
			snprintf(err, errlen, "%s:%d: expected key = value", path,
			    lineno);
			goto fail;
		}
		*eq = '\0';
		char *k = trim(s), *v = trim(eq + 1);
		int r = set(c, sec, k, v);
		if (r == -1) {
			snprintf(err, errlen, "%s:%d: unknown key \"%s\" in [%s]",
			    path, lineno, k, sec);
			goto fail;
		}
		if (r == 0) {
			snprintf(err, errlen, "%s:%d: bad value for %s", path,
			    lineno, k);
			goto fail;
		}
	}
	fclose(f);
	return 0;
fail:
	fclose(f);
	return -1;
}

int
spk_config_check(const struct spk_config *c, char *err, size_t errlen)
{
	static const uint8_t zero[BCAST_PK_LEN];

	if (c->id == 0) {
		snprintf(err, errlen, "[speaker] id is missing");
		return -1;
	}
	if (c->zone[0] == '\0') {
		snprintf(err, errlen, "[speaker] zone is missing");
		return -1;
	}
	if (memcmp(c->key, zero, sizeof(c->key)) == 0) {
		snprintf(err, errlen, "[speaker] key is missing");
		return -1;
	}
	if (memcmp(c->server_pk, zero, sizeof(c->server_pk)) == 0) {
		snprintf(err, errlen, "[server] public_key is missing");
		return -1;
	}
	if (strncmp(c->output, "alsa:", 5) != 0 && strncmp(c->output, "wav:", 4) != 0 &&
	    strcmp(c->output, "null") != 0) {
		snprintf(err, errlen, "[audio] output \"%s\": use alsa:NAME, "
		    "wav:PATH or null", c->output);
		return -1;
	}
	return 0;
}
