/*
 * config.c — the speaker's INI file: [speaker] id, zone, key; [server]
 * address, port, public_key; [audio] output, volume; [agent] hello_ms,
 * stats, retransmit. Unknown keys are errors, so a typo is found at `-n`,
 * not at the next emergency. The parser works on the text (the file's, or the
 * enrolment answer's), so the fuzzer runs exactly what the box runs.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "speakers/speaker.h"

void
spk_config_default(struct spk_config *c)
{
	memset(c, 0, sizeof(*c));
	strcpy(c->server, "127.0.0.1");
	c->port = 5004;
	strcpy(c->output, "alsa:default");
	c->volume = 80;
	c->max_volume = 100;
	c->emergency_volume = -1;
	c->hello_ms = 2000;
	c->retransmit = 1;
	c->multicast = 1;
	c->carry_mb = 64;
	c->amp_preroll_ms = 300;
	c->amp_hold_ms = 5000;
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
int_in(const char *v, long long lo, long long hi, long long *out)
{
	char *end;

	/* long long: a box may be 32-bit armhf, where long cannot hold
	 * every speaker id (UINT32_MAX would even become -1). */
	errno = 0;
	*out = strtoll(v, &end, 10);
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

static const struct {
	const char *name;
	unsigned bit;
} sections[] = {
	{ "speaker", SPK_CONF_SPEAKER }, { "server", SPK_CONF_SERVER },
	{ "audio", SPK_CONF_AUDIO }, { "agent", SPK_CONF_AGENT },
	{ "amplifier", SPK_CONF_AMPLIFIER },
};

/* 1 set, 0 a bad value, -1 an unknown key, -2 a section not allowed. */
static int
set(struct spk_config *c, const char *sec, const char *k, const char *v,
    unsigned allowed)
{
	long long n;

	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		if (strcmp(sec, sections[i].name) == 0 &&
		    !(allowed & sections[i].bit))
			return -2;
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
		if (strcmp(k, "max_volume") == 0) {
			if (!int_in(v, 0, 100, &n))
				return 0;
			c->max_volume = (int)n;
			return 1;
		}
		if (strcmp(k, "emergency_volume") == 0) {
			if (!int_in(v, 0, 100, &n))
				return 0;
			c->emergency_volume = (int)n;
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
		if (strcmp(k, "retransmit") == 0) {
			if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0)
				return 0;
			c->retransmit = strcmp(v, "yes") == 0;
			return 1;
		}
		if (strcmp(k, "multicast") == 0) {
			if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0)
				return 0;
			c->multicast = strcmp(v, "yes") == 0;
			return 1;
		}
		if (strcmp(k, "carry_mb") == 0) {
			if (!int_in(v, 0, 4096, &n))
				return 0;
			c->carry_mb = (int)n;
			return 1;
		}
	} else if (strcmp(sec, "amplifier") == 0) {
		/* A program of the box's own (never from the server: an
		 * enrolment answer cannot set this section), run directly,
		 * not by a shell. An absolute path. */
		if (strcmp(k, "command") == 0)
			return (v[0] == '/' || v[0] == '\0') &&
			    strpbrk(v, " \t") == NULL &&
			    copy(c->amp_command, sizeof(c->amp_command), v);
		if (strcmp(k, "mode") == 0) {
			if (strcmp(v, "switch") != 0 && strcmp(v, "hold") != 0)
				return 0;
			c->amp_hold = strcmp(v, "hold") == 0;
			return 1;
		}
		if (strcmp(k, "preroll_ms") == 0) {
			if (!int_in(v, 0, 10000, &n))
				return 0;
			c->amp_preroll_ms = (int)n;
			return 1;
		}
		if (strcmp(k, "hold_ms") == 0) {
			if (!int_in(v, 0, 3600000, &n))
				return 0;
			c->amp_hold_ms = (int)n;
			return 1;
		}
	}
	return -1;
}

/* "value   # why": a '#' after a blank starts a comment, as in the
 * README's example; one that starts a value or follows a letter does not. */
static void
strip_comment(char *v)
{
	for (char *h = strchr(v, '#'); h != NULL; h = strchr(h + 1, '#'))
		if (h > v && (h[-1] == ' ' || h[-1] == '\t')) {
			*h = '\0';
			return;
		}
}

int
spk_config_parse(struct spk_config *c, const char *text, size_t len,
    const char *name, unsigned allowed, char *err, size_t errlen)
{
	struct spk_config t = *c;	/* c changes only if all is well */
	const char *p = text, *end = text + len;
	char line[1024], sec[32] = "";
	int rc = -1;

	for (int lineno = 1; p < end; lineno++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		/* Whole lines only: a long one cut in two would make its
		 * tail a line of its own. */
		if (n >= sizeof(line)) {
			snprintf(err, errlen, "%s:%d: line too long", name, lineno);
			goto out;
		}
		memcpy(line, p, n);
		line[n] = '\0';
		p += n + (nl != NULL);
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		for (size_t i = 0; i < n; i++)
			if (((unsigned char)line[i] < 0x20 && line[i] != '\t') ||
			    line[i] == 0x7f) {
				snprintf(err, errlen, "%s:%d: a control character "
				    "(not a text file?)", name, lineno);
				goto out;
			}
		char *s = trim(line);
		if (*s == '\0' || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			char *e = strchr(s, ']');
			if (e == NULL || e[1] != '\0' || (size_t)(e - s - 1) >= sizeof(sec)) {
				snprintf(err, errlen, "%s:%d: bad section", name, lineno);
				goto out;
			}
			memcpy(sec, s + 1, (size_t)(e - s - 1));
			sec[e - s - 1] = '\0';
			continue;
		}
		char *eq = strchr(s, '=');
		if (eq == NULL) {
			snprintf(err, errlen, "%s:%d: expected key = value", name,
			    lineno);
			goto out;
		}
		*eq = '\0';
		char *k = trim(s), *v = trim(eq + 1);
		strip_comment(v);
		v = trim(v);
		int r = set(&t, sec, k, v, allowed);
		if (r == -2) {
			snprintf(err, errlen, "%s:%d: [%s] %s may not be set here",
			    name, lineno, sec, k);
			goto out;
		}
		if (r == -1) {
			snprintf(err, errlen, "%s:%d: unknown key \"%s\" in [%s]",
			    name, lineno, k, sec);
			goto out;
		}
		if (r == 0) {
			snprintf(err, errlen, "%s:%d: bad value for %s", name,
			    lineno, k);
			goto out;
		}
	}
	*c = t;
	rc = 0;
out:
	explicit_bzero(&t, sizeof(t));	/* it holds the box's key */
	return rc;
}

int
spk_config_load(struct spk_config *c, const char *path, char *err,
    size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *text;
	size_t len;
	int rc = -1;

	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if ((text = malloc(SPK_CONF_MAX + 1)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	len = fread(text, 1, SPK_CONF_MAX + 1, f);
	if (ferror(f))
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	else if (len > SPK_CONF_MAX)
		snprintf(err, errlen, "%s: larger than %d bytes", path,
		    SPK_CONF_MAX);
	else
		rc = spk_config_parse(c, text, len, path, SPK_CONF_ALL, err,
		    errlen);
	free(text);
out:
	fclose(f);
	return rc;
}

/* Does v read back as itself: no control character but tabs inside, no
 * blank at either end (trimmed), no blank before a '#' (a comment)? */
static bool
writable(const char *v)
{
	size_t n = strlen(v);

	if (n > 0 && (v[0] == ' ' || v[0] == '\t' || v[n - 1] == ' ' ||
	    v[n - 1] == '\t'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)v[i] < 0x20 && v[i] != '\t') || v[i] == 0x7f ||
		    (v[i] == '#' && i > 0 && (v[i - 1] == ' ' || v[i - 1] == '\t')))
			return false;
	return true;
}

static bool
is_zero(const uint8_t *b, size_t n)
{
	uint8_t any = 0;

	for (size_t i = 0; i < n; i++)
		any |= b[i];
	return any == 0;
}

int
spk_config_write(FILE *f, const struct spk_config *c)
{
	struct spk_config def;
	char keyhex[2 * BCAST_SPEAKER_KEY_LEN + 1], pkhex[2 * BCAST_PK_LEN + 1];

	if (!writable(c->server) || !writable(c->output) || !writable(c->stats) ||
	    !writable(c->amp_command))
		return -1;
	spk_config_default(&def);
	fprintf(f, "[speaker]\n");
	if (c->id != 0)
		fprintf(f, "id = %" PRIu32 "\n", c->id);
	if (c->zone[0] != '\0')
		fprintf(f, "zone = %s\n", c->zone);
	if (!is_zero(c->key, sizeof(c->key))) {
		bcast_hex_encode(c->key, sizeof(c->key), keyhex);
		fprintf(f, "key = %s\n", keyhex);
		explicit_bzero(keyhex, sizeof(keyhex));
	}
	fprintf(f, "[server]\naddress = %s\nport = %d\n", c->server, c->port);
	if (!is_zero(c->server_pk, sizeof(c->server_pk))) {
		bcast_hex_encode(c->server_pk, sizeof(c->server_pk), pkhex);
		fprintf(f, "public_key = %s\n", pkhex);
	}
	fprintf(f, "[audio]\noutput = %s\n", c->output);
	/* The rest only where it is not the agent's default, so a box
	 * follows the defaults of the agent it runs. */
	if (c->volume != def.volume)
		fprintf(f, "volume = %d\n", c->volume);
	if (c->max_volume != def.max_volume)
		fprintf(f, "max_volume = %d\n", c->max_volume);
	if (c->emergency_volume != def.emergency_volume)
		fprintf(f, "emergency_volume = %d\n", c->emergency_volume);
	if (c->hello_ms != def.hello_ms || c->stats[0] != '\0' ||
	    c->retransmit != def.retransmit || c->carry_mb != def.carry_mb)
		fprintf(f, "[agent]\n");
	if (c->hello_ms != def.hello_ms)
		fprintf(f, "hello_ms = %d\n", c->hello_ms);
	if (c->stats[0] != '\0')
		fprintf(f, "stats = %s\n", c->stats);
	if (c->retransmit != def.retransmit)
		fprintf(f, "retransmit = %s\n", c->retransmit ? "yes" : "no");
	if (c->multicast != def.multicast)
		fprintf(f, "multicast = %s\n", c->multicast ? "yes" : "no");
	if (c->carry_mb != def.carry_mb)
		fprintf(f, "carry_mb = %d\n", c->carry_mb);
	if (c->amp_command[0] != '\0' || c->amp_preroll_ms != def.amp_preroll_ms ||
	    c->amp_hold_ms != def.amp_hold_ms || c->amp_hold)
		fprintf(f, "[amplifier]\n");
	if (c->amp_command[0] != '\0')
		fprintf(f, "command = %s\n", c->amp_command);
	if (c->amp_hold)
		fprintf(f, "mode = hold\n");
	if (c->amp_preroll_ms != def.amp_preroll_ms)
		fprintf(f, "preroll_ms = %d\n", c->amp_preroll_ms);
	if (c->amp_hold_ms != def.amp_hold_ms)
		fprintf(f, "hold_ms = %d\n", c->amp_hold_ms);
	return ferror(f) ? -1 : 0;
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
	    strcmp(c->output, "null") != 0 && strncmp(c->output, "sim:", 4) != 0) {
		snprintf(err, errlen, "[audio] output \"%s\": use alsa:NAME, "
		    "wav:PATH, null or sim:PPM", c->output);
		return -1;
	}
	if (c->amp_command[0] != '\0' && access(c->amp_command, X_OK) != 0) {
		snprintf(err, errlen, "[amplifier] command %s: %s (an executable "
		    "file, run as \"%s on\" and \"%s off\"; its arguments, if "
		    "any, go in a script)", c->amp_command, strerror(errno),
		    c->amp_command, c->amp_command);
		return -1;
	}
	return 0;
}
