/*
 * fuzz_dalabad_conf.c — libFuzzer target for dalabad.conf
 * (dalabad_config_parse, what dalabad_config_load runs on the file's
 * text): any bytes in, a configuration or a refusal out. A refusal says
 * why and leaves nothing allocated; an accepted file keeps every value in
 * its range, and what `dalabad -n` prints of it reads back as the same
 * configuration.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scheduler/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *
written(const struct dalabad_config *c, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	if (f == NULL)
		abort();
	dalabad_config_write(f, c);
	fclose(f);
	return text;
}

static void
check_strings(const struct dalabad_config *c)
{
	const char *s[] = { c->state_dir, c->timezone, c->news_root,
	    c->news_allow, c->bcast_bind, c->api_bind, c->api_tls_cert,
	    c->api_tls_key, c->enroll_bind, c->advertise };

	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		if (s[i] == NULL || s[i][0] == '\0')
			abort();
		for (const char *p = s[i]; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				abort();	/* no line of its own */
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dalabad_config c, again;
	char err[512] = "";
	size_t len1, len2;

	if (dalabad_config_parse((const char *)data, size, "fuzz.conf", &c, err,
	    sizeof(err)) != 0) {
		if (err[0] == '\0' || c.state_dir != NULL || c.timezone != NULL ||
		    c.advertise != NULL)
			abort();	/* a refusal says why, keeps nothing */
		return 0;
	}
	check_strings(&c);
	if (c.grace_s < 0 || c.grace_s > 24 * 3600 || c.reair_s < 60 ||
	    c.news_timeout_s < 1 || c.news_timeout_s > 120 ||
	    c.bcast_port < 0 || c.bcast_port > 65535 || c.api_port < 0 ||
	    c.api_port > 65535 || c.enroll_port < 0 || c.enroll_port > 65535 ||
	    c.delay_ms < 100 || c.delay_ms > 5000 || c.page_delay_ms < 100 ||
	    c.page_delay_ms > 5000 || (c.pages_township != 0 &&
	    c.pages_township != 1) || c.page_expires_s < 60)
		abort();

	/* `dalabad -n` output is itself a configuration file, and the same. */
	char *text1 = written(&c, &len1);
	if (dalabad_config_parse(text1, len1, "written.conf", &again, err,
	    sizeof(err)) != 0)
		abort();
	char *text2 = written(&again, &len2);
	if (len1 != len2 || memcmp(text1, text2, len1) != 0)
		abort();
	free(text1);
	free(text2);
	dalabad_config_clear(&again);
	dalabad_config_clear(&c);
	return 0;
}
