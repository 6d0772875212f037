/*
 * fuzz_enroll.c — libFuzzer target for the enrolment answer as the box
 * receives it (spk_enroll_answer): any bytes from the network in, the
 * box's configuration or a refusal out. A refusal says why, in printable
 * text, and leaves the configuration untouched; an accepted answer sets
 * only the enrolment fields, passes the agent's own check, and the file
 * the box writes from it reads back the same.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "speakers/speaker.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spk_config c, before, back;
	char err[512] = "", *text = NULL;
	size_t len;

	if (size > 16384)
		return 0;	/* spk_enroll refuses longer answers unread */
	spk_config_default(&c);
	strcpy(c.output, "wav:/var/lib/dalaba/out.wav");
	c.volume = 65;
	memcpy(&before, &c, sizeof(c));
	if (spk_enroll_answer((const char *)data, size, &c, err,
	    sizeof(err)) != 0) {
		if (err[0] == '\0' || memcmp(&c, &before, sizeof(c)) != 0)
			abort();
		for (const unsigned char *p = (const unsigned char *)err; *p;
		    p++)
			if (*p < 0x20 || *p == 0x7f || (*p == 0xc2 &&
			    p[1] >= 0x80 && p[1] <= 0x9f))
				abort();	/* nothing for a terminal to obey */
		return 0;
	}
	/* Only the enrolment fields moved; the box's own stayed. */
	if (strcmp(c.output, before.output) != 0 || c.volume != before.volume ||
	    c.hello_ms != before.hello_ms || strcmp(c.stats, before.stats) != 0 ||
	    strcmp(c.trace, before.trace) != 0)
		abort();
	if (spk_config_check(&c, err, sizeof(err)) != 0)
		abort();	/* an accepted answer makes a working box */

	FILE *f = open_memstream(&text, &len);
	if (f == NULL || spk_config_write(f, &c) != 0)
		abort();
	fclose(f);
	spk_config_default(&back);
	if (spk_config_parse(&back, text, len, "speaker.conf", SPK_CONF_ALL, err,
	    sizeof(err)) != 0 || back.id != c.id || strcmp(back.zone, c.zone) ||
	    memcmp(back.key, c.key, sizeof(c.key)) ||
	    strcmp(back.server, c.server) || back.port != c.port ||
	    memcmp(back.server_pk, c.server_pk, sizeof(c.server_pk)) ||
	    strcmp(back.output, c.output) || back.volume != c.volume)
		abort();
	free(text);
	return 0;
}
