/*
 * fuzz_speaker_conf.c — libFuzzer target for speaker.conf
 * (spk_config_parse, what spk_config_load runs on the file's text): any
 * bytes in, a configuration or a refusal out. A refusal says why and
 * leaves the configuration as it was; an accepted one keeps every field
 * in its range, and written out (spk_config_write, as enrolment writes a
 * box's file) reads back the same.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "speakers/speaker.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_string(const char *s, size_t cap)
{
	if (memchr(s, '\0', cap) == NULL)
		abort();	/* terminated inside its field */
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 && *s != '\t')
			abort();
}

static void
same(const struct spk_config *a, const struct spk_config *b)
{
	if (a->id != b->id || strcmp(a->zone, b->zone) != 0 ||
	    memcmp(a->key, b->key, sizeof(a->key)) != 0 ||
	    strcmp(a->server, b->server) != 0 || a->port != b->port ||
	    memcmp(a->server_pk, b->server_pk, sizeof(a->server_pk)) != 0 ||
	    strcmp(a->output, b->output) != 0 || a->volume != b->volume ||
	    a->hello_ms != b->hello_ms || strcmp(a->stats, b->stats) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spk_config c, before, again;
	char err[512] = "", *text = NULL;
	size_t len;

	spk_config_default(&c);
	memcpy(&before, &c, sizeof(c));
	if (spk_config_parse(&c, (const char *)data, size, "fuzz.conf",
	    SPK_CONF_ALL, err, sizeof(err)) != 0) {
		if (err[0] == '\0' || memcmp(&c, &before, sizeof(c)) != 0)
			abort();	/* a refusal says why, changes nothing */
		return 0;
	}
	check_string(c.zone, sizeof(c.zone));
	check_string(c.server, sizeof(c.server));
	check_string(c.output, sizeof(c.output));
	check_string(c.stats, sizeof(c.stats));
	if ((c.zone[0] && strlen(c.zone) != 6 && strlen(c.zone) != 9 &&
	    strlen(c.zone) != 12) || c.port < 1 || c.port > 65535 ||
	    c.volume < 0 || c.volume > 100 || c.hello_ms < 100 ||
	    c.hello_ms > 60000 || c.trace[0] != '\0')
		abort();

	FILE *f = open_memstream(&text, &len);
	if (f == NULL)
		abort();
	if (spk_config_write(f, &c) != 0)
		abort();	/* what was read can be written */
	fclose(f);
	spk_config_default(&again);
	if (spk_config_parse(&again, text, len, "written.conf", SPK_CONF_ALL, err,
	    sizeof(err)) != 0)
		abort();
	same(&c, &again);
	free(text);

	/* The same text as an enrolment answer's body may set [speaker] and
	 * [server] only. */
	memcpy(&before, &again, sizeof(again));
	if (spk_config_parse(&again, (const char *)data, size, "answer",
	    SPK_CONF_SPEAKER | SPK_CONF_SERVER, err, sizeof(err)) == 0 &&
	    (strcmp(again.output, before.output) != 0 ||
	    again.volume != before.volume || again.hello_ms != before.hello_ms ||
	    strcmp(again.stats, before.stats) != 0))
		abort();
	return 0;
}
