/*
 * fuzz_credential.c — libFuzzer target for the credentials a request
 * carries in its headers: the session cookie (web_cookie_secret) and the
 * bearer token (web_bearer_secret). Any header value in: a secret of 64
 * hex digits that stands in the header as sent, or nothing; a bearer
 * token exactly when the value is "Bearer " and 64 hex digits.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "web-admin/web_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
hex64(const char *s)
{
	for (int i = 0; i < 64; i++)
		if (!g_ascii_isxdigit(s[i]))
			return false;
	return s[64] == '\0';
}

static void
check_cookie(const char *h)
{
	char out[65], again[65];
	bool ok = web_cookie_secret(h, out);

	if (ok) {
		if (!hex64(out))
			abort();
		/* It stands in the header as a cookie of its own. */
		char want[sizeof(WEB_COOKIE) + 65];
		snprintf(want, sizeof(want), "%s=%s", WEB_COOKIE, out);
		const char *at;
		size_t wl = strlen(want);
		for (at = strstr(h, want); at; at = strstr(at + 1, want))
			if ((at == h || strchr(" ;,", at[-1])) &&
			    (at[wl] == '\0' || strchr(" ;,", at[wl])))
				break;
		if (at == NULL)
			abort();
	}
	/* Another cookie before it, as browsers send them, changes nothing. */
	gchar *more = g_strdup_printf("theme=dark; %s", h);
	if (web_cookie_secret(more, again) != ok ||
	    (ok && memcmp(out, again, 65) != 0))
		abort();
	g_free(more);
}

static void
check_bearer(const char *h)
{
	char out[65];
	bool want = strncmp(h, "Bearer ", 7) == 0 && strlen(h) == 71 &&
	    hex64(h + 7);

	if (web_bearer_secret(h, out) != want ||
	    (want && memcmp(out, h + 7, 65) != 0))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[65];

	if (size > 8192)
		return 0;	/* libsoup's limit on a header line is near */
	/* Header values reach us as C strings. */
	char *h = g_strndup((const char *)data, size);
	check_cookie(h);
	check_bearer(h);
	g_free(h);
	if (web_cookie_secret(NULL, out) || web_bearer_secret(NULL, out))
		abort();
	return 0;
}
