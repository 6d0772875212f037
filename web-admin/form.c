/*
 * form.c — application/x-www-form-urlencoded bodies, parsed strictly: a
 * page's POST is outside input like any other, so sizes, names, escapes
 * and UTF-8 are checked before a single field is used. (libsoup's own
 * decoder accepts anything; we want a clear refusal instead.)
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "web-admin/web_int.h"

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode s[0..n) into a new string; NULL on a bad escape or a NUL. */
static char *
decode(const char *s, size_t n)
{
	char *out = g_malloc(n + 1), *o = out;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+') {
			*o++ = ' ';
		} else if (s[i] == '%') {
			int hi = i + 1 < n ? hexval(s[i + 1]) : -1;
			int lo = i + 2 < n ? hexval(s[i + 2]) : -1;
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
				g_free(out);
				return NULL;
			}
			*o++ = (char)(hi << 4 | lo);
			i += 2;
		} else if (s[i] == '\0') {
			g_free(out);
			return NULL;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

static bool
name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 32)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(g_ascii_islower(s[i]) || g_ascii_isdigit(s[i]) || s[i] == '_'))
			return false;
	return true;
}

GHashTable *
web_form_parse(const char *data, size_t len, char *err, size_t errlen)
{
	GHashTable *t = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    g_free);
	size_t pos = 0;
	int fields = 0;

	if (len > WEB_FORM_MAX_BYTES) {
		snprintf(err, errlen, "the form is larger than %d bytes",
		    WEB_FORM_MAX_BYTES);
		goto fail;
	}
	while (pos < len) {
		const char *f = data + pos;
		const char *amp = memchr(f, '&', len - pos);
		size_t flen = amp ? (size_t)(amp - f) : len - pos;
		pos += flen + 1;
		if (flen == 0)
			continue;
		if (++fields > WEB_FORM_MAX_FIELDS) {
			snprintf(err, errlen, "more than %d fields",
			    WEB_FORM_MAX_FIELDS);
			goto fail;
		}
		const char *eq = memchr(f, '=', flen);
		size_t nlen = eq ? (size_t)(eq - f) : flen;
		char *name = decode(f, nlen);
		char *value = eq ? decode(eq + 1, flen - nlen - 1) : g_strdup("");
		if (name == NULL || value == NULL || !name_ok(name)) {
			snprintf(err, errlen, "a field name or value is badly encoded");
			g_free(name);
			g_free(value);
			goto fail;
		}
		if (!g_utf8_validate(value, -1, NULL)) {
			snprintf(err, errlen, "field \"%s\" is not valid UTF-8", name);
			g_free(name);
			g_free(value);
			goto fail;
		}
		const char *old = g_hash_table_lookup(t, name);
		if (old != NULL) {
			char *joined = g_strconcat(old, ",", value, NULL);
			g_free(value);
			value = joined;
		}
		g_hash_table_replace(t, name, value);
	}
	return t;
fail:
	g_hash_table_unref(t);
	return NULL;
}
