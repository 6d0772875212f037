/*
 * credential.c — the secrets a request carries, out of its headers: the
 * session cookie and a bearer token. Pure string work on bytes a client
 * chose, apart from the lookups session.c then makes, so the fuzzer runs
 * exactly this code.
 */
#include <string.h>

#include <glib.h>

#include "web-admin/web_int.h"

static bool
is_hex64(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!g_ascii_isxdigit(s[i]) || i >= 64)
			return false;
	return i == 64;
}

bool
web_cookie_secret(const char *header, char out[65])
{
	const size_t klen = strlen(WEB_COOKIE);
	const char *c = header;

	/* Cookies are separated by "; ", and libsoup joins several Cookie
	 * headers with ", ". The first cookie of our name decides. */
	while (c && *c) {
		while (*c == ' ' || *c == ';' || *c == ',')
			c++;
		if (strncmp(c, WEB_COOKIE, klen) == 0 && c[klen] == '=') {
			const char *v = c + klen + 1;
			size_t n = strcspn(v, "; ,");
			if (n != 64)
				return false;
			memcpy(out, v, 64);
			out[64] = '\0';
			return is_hex64(out);
		}
		c += strcspn(c, ";,");
	}
	return false;
}

bool
web_bearer_secret(const char *header, char out[65])
{
	if (header == NULL || strncmp(header, "Bearer ", 7) != 0 ||
	    !is_hex64(header + 7))
		return false;
	memcpy(out, header + 7, 65);
	return true;
}
