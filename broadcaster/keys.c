/*
 * keys.c — the server's Ed25519 key pair, kept as one line of hex in a file
 * only the server reads (0600). Created on first start, atomically, so a
 * crash never leaves a half-written key that would lock every speaker out.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "broadcaster/broadcaster.h"

int
bcast_server_key_load(const char *path, uint8_t pk[BCAST_PK_LEN],
    uint8_t sk[BCAST_SK_LEN], char *err, size_t errlen)
{
	char hex[2 * BCAST_SK_LEN + 2], tmp[4096];
	FILE *f;

	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium failed to start");
		return -1;
	}
	if ((f = fopen(path, "r")) != NULL) {
		int ok = fgets(hex, sizeof(hex), f) != NULL;
		fclose(f);
		hex[strcspn(hex, "\r\n")] = '\0';
		if (!ok || bcast_hex_decode(hex, sk, BCAST_SK_LEN) != 0) {
			snprintf(err, errlen, "%s: not a dalaba server key "
			    "(one line of %d hex digits)", path, 2 * BCAST_SK_LEN);
			return -1;
		}
		crypto_sign_ed25519_sk_to_pk(pk, sk);
		return 0;
	}
	if (errno != ENOENT) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	crypto_sign_keypair(pk, sk);
	bcast_hex_encode(sk, BCAST_SK_LEN, hex);
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.new", path) >= sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	size_t n = strlen(hex);
	hex[n++] = '\n';
	/* write, fsync, rename: the key exists whole or not at all */
	if (write(fd, hex, n) != (ssize_t)n || fsync(fd) != 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	close(fd);
	if (rename(tmp, path) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	sodium_memzero(hex, sizeof(hex));
	return 0;
}
