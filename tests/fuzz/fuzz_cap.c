/*
 * fuzz_cap.c — libFuzzer target for CAP 1.2 intake (cap_parse): any bytes
 * in, an alert or a refusal with a reason out; never a crash, and an
 * accepted alert keeps every cap.h limit.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "web-admin/cap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cap_alert a;
	char err[256] = "";

	if (cap_parse((const char *)data, size, &a, err, sizeof(err)) != 0) {
		if (err[0] == '\0')
			abort();
		return 0;
	}
	if (a.identifier == NULL || a.ninfos > CAP_MAX_INFOS ||
	    a.nrefs > CAP_MAX_REFS)
		abort();
	for (int i = 0; i < a.ninfos; i++)
		if (a.infos[i].event == NULL || a.infos[i].ncodes > CAP_MAX_CODES ||
		    strlen(a.infos[i].event) > CAP_MAX_TEXT)
			abort();
	cap_alert_clear(&a);
	return 0;
}
