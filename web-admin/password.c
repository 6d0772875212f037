/*
 * password.c — argon2id password strings (libsodium's crypto_pwhash_str at
 * its interactive limits: about 0.1 s and 64 MiB a hash) and the readable
 * passwords dalaba makes for new users.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "web-admin/web_int.h"

int
web_password_hash(const char *pw, char out[DB_PWHASH_MAX + 1])
{
	char h[crypto_pwhash_STRBYTES];

	if (crypto_pwhash_str(h, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return -1;
	snprintf(out, DB_PWHASH_MAX + 1, "%s", h);
	return 0;
}

void
web_password_generate(char *out, size_t n)
{
	/* No 0/O, 1/l/I: read off a screen and typed on a phone. */
	static const char alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";

	for (size_t i = 0; i + 1 < n; i++)
		out[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
	if (n > 0)
		out[n - 1] = '\0';
}

int
web_user_create(struct db *db, const char *name, const char *role,
    const char *zone, const char *pw, char *gen, size_t genlen,
    int64_t *id, char *err, size_t errlen)
{
	char made[17], hash[DB_PWHASH_MAX + 1];
	int r = web_role_parse(role);

	if (r < 0) {
		snprintf(err, errlen, "a role is county, township or village");
		return -1;
	}
	if (!web_role_fits((enum web_role)r, zone)) {
		snprintf(err, errlen, "a %s user needs a %d-digit zone", role,
		    r == WEB_COUNTY ? 6 : r == WEB_TOWNSHIP ? 9 : 12);
		return -1;
	}
	if (pw == NULL) {
		web_password_generate(made, sizeof(made));
		pw = made;
	} else if (g_utf8_strlen(pw, -1) < WEB_PASSWORD_MIN ||
	    strlen(pw) > WEB_PASSWORD_MAX) {
		snprintf(err, errlen, "a password is %d to %d characters",
		    WEB_PASSWORD_MIN, WEB_PASSWORD_MAX);
		return -1;
	}
	if (web_password_hash(pw, hash) != 0) {
		snprintf(err, errlen, "out of memory hashing the password");
		return -1;
	}
	if (db_user_add(db, name, role, zone, hash, id, err, errlen) != 0)
		return -1;
	if (gen && pw == made)
		snprintf(gen, genlen, "%s", made);
	sodium_memzero(made, sizeof(made));
	return 0;
}
