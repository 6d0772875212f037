/*
 * fuzz_web.c — libFuzzer target for the bodies of web requests: the
 * strict form decoder (web_form_parse), the folding of what a Chinese
 * keyboard types (web_form_fold) and the JSON body check
 * (api_parse_body). Any bytes in: a table or a refusal out, never a crash;
 * and whatever a form yields, folded too, is valid UTF-8 within the
 * stated limits.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "web-admin/api_int.h"
#include "web-admin/web_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_field(gpointer k, gpointer v, gpointer arg)
{
	(void)arg;
	if (strlen(k) == 0 || strlen(k) > 32 || !g_utf8_validate(v, -1, NULL))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	const char *code;
	JsonObject *o = NULL;
	GHashTable *t = web_form_parse((const char *)data, size, err, sizeof(err));

	if (t) {
		if (g_hash_table_size(t) > WEB_FORM_MAX_FIELDS)
			abort();
		g_hash_table_foreach(t, check_field, NULL);
		web_form_fold(t);
		g_hash_table_foreach(t, check_field, NULL);
		g_hash_table_unref(t);
	} else if (err[0] == '\0') {
		abort();	/* a refusal always says why */
	}
	if (api_parse_body((const char *)data, size, &o, &code, err,
	    sizeof(err)) == 0) {
		if (o == NULL)
			abort();
		json_object_unref(o);
	} else if (o != NULL || code == NULL) {
		abort();
	}
	return 0;
}
