/*
 * api_body.c — parsing a JSON API request body: the bytes from outside,
 * checked (size, UTF-8, no \\u0000, an object) before any handler sees a
 * field. On its own so the fuzz target links only this and json-glib.
 */
#include <stdio.h>
#include <string.h>

#include "web-admin/api_int.h"

int
api_parse_body(const char *data, size_t len, JsonObject **out,
    const char **code, char *msg, size_t msglen)
{
	GError *gerr = NULL;
	int rc = -1;

	*out = NULL;
	*code = "bad_json";
	if (len > API_MAX_BODY) {
		*code = "too_large";
		snprintf(msg, msglen, "the body is larger than %d bytes",
		    API_MAX_BODY);
		return -1;
	}
	if (!g_utf8_validate(data, (gssize)len, NULL)) {
		snprintf(msg, msglen, "the body is not valid UTF-8");
		return -1;
	}
	/* A \u0000 escape would cut a C string short and store less than
	 * was sent: refuse it rather than truncate silently. */
	if (memmem(data, len, "\\u0000", 6) != NULL) {
		*code = "bad_text";
		snprintf(msg, msglen, "NUL characters (\\u0000) are not allowed "
		    "in text");
		return -1;
	}
	JsonParser *p = json_parser_new_immutable();
	if (!json_parser_load_from_data(p, data, (gssize)len, &gerr)) {
		snprintf(msg, msglen, "the body is not valid JSON: %s",
		    gerr->message);
	} else if (!JSON_NODE_HOLDS_OBJECT(json_parser_get_root(p))) {
		snprintf(msg, msglen, "the body must be a JSON object");
	} else {
		*out = json_object_ref(json_node_get_object(
		    json_parser_get_root(p)));
		rc = 0;
	}
	g_clear_error(&gerr);
	g_object_unref(p);
	return rc;
}
