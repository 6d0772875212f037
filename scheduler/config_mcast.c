/*
 * config_mcast.c — see config.h: the [multicast] group, the zones whose
 * loudspeakers are sent one copy of each packet on an IP multicast group
 * (broadcaster/mcast.c) instead of one each.
 *
 *   [multicast]
 *   330102001001 = 239.192.1.1          (the [broadcast] port)
 *   330102001002 = 239.192.1.2:5006
 *   ttl = 1                             (hops the packets may go, 1..32)
 *
 * Groups are from 224.0.1.0 up (224.0.0.x is the link's own control
 * traffic); administratively scoped 239.x.x.x is what a county network
 * should use. Two zones may not share a group (a box would hear the
 * other zone's streams and drop them all). A zone must be 6, 9 or 12
 * digits; it need not exist yet in the store.
 */
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "scheduler/config.h"

#define MCAST_MAX 256		/* broadcaster's BCAST_MCAST_MAX */

static bool
zone_code(const char *s)
{
	size_t n = strlen(s);

	if (n != 6 && n != 9 && n != 12)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* "A.B.C.D[:PORT]" into m; false if not a usable group. */
static bool
group_parse(const char *v, struct dalabad_mcast *m)
{
	char addr[32];
	const char *colon = strchr(v, ':');
	size_t n = colon ? (size_t)(colon - v) : strlen(v);
	struct in_addr in;

	if (n == 0 || n >= sizeof(addr))
		return false;
	memcpy(addr, v, n);
	addr[n] = '\0';
	if (inet_pton(AF_INET, addr, &in) != 1)
		return false;
	uint32_t h = ntohl(in.s_addr);
	if ((h >> 28) != 0xE || (h >> 8) == 0xE00000)
		return false;	/* not multicast, or 224.0.0.x */
	m->port = 0;
	if (colon) {
		char *end;
		long p = strtol(colon + 1, &end, 10);
		if (*end != '\0' || p < 1 || p > 65535 || colon[1] == '\0')
			return false;
		m->port = (int)p;
	}
	inet_ntop(AF_INET, &in, m->group, sizeof(m->group));
	return true;
}

int
dalabad_config_mcast_parse(GKeyFile *kf, struct dalabad_config *c,
    char *err, size_t errlen)
{
	gchar **keys;
	int rc = 0;

	c->mcast_ttl = 1;
	if (!g_key_file_has_group(kf, "multicast"))
		return 0;
	keys = g_key_file_get_keys(kf, "multicast", NULL, NULL);
	for (size_t i = 0; keys && keys[i] && rc == 0; i++) {
		gchar *v = g_key_file_get_string(kf, "multicast", keys[i], NULL);
		if (v)
			g_strstrip(v);
		if (strcmp(keys[i], "ttl") == 0) {
			char *end;
			long t = v ? strtol(v, &end, 10) : 0;
			if (v == NULL || *end != '\0' || t < 1 || t > 32) {
				snprintf(err, errlen, "[multicast] ttl \"%s\": hops from 1 "
				    "to 32", v ? v : "");
				rc = -1;
			} else {
				c->mcast_ttl = (int)t;
			}
		} else if (!zone_code(keys[i])) {
			snprintf(err, errlen, "[multicast] \"%s\" is not a zone (6, 9 "
			    "or 12 digits) nor ttl", keys[i]);
			rc = -1;
		} else if (c->nmcast == MCAST_MAX) {
			snprintf(err, errlen, "[multicast] more than %d zones",
			    MCAST_MAX);
			rc = -1;
		} else {
			struct dalabad_mcast m = { 0 };
			snprintf(m.zone, sizeof(m.zone), "%s", keys[i]);
			if (v == NULL || !group_parse(v, &m)) {
				snprintf(err, errlen, "[multicast] %s = \"%s\": an IPv4 "
				    "multicast group (224.0.1.0 to 239.255.255.255), "
				    "optionally :PORT", keys[i], v ? v : "");
				rc = -1;
			}
			for (int j = 0; rc == 0 && j < c->nmcast; j++)
				if (strcmp(c->mcast[j].group, m.group) == 0 &&
				    c->mcast[j].port == m.port) {
					snprintf(err, errlen, "[multicast] zones %s and %s "
					    "share the group %s", c->mcast[j].zone, m.zone,
					    m.group);
					rc = -1;
				}
			if (rc == 0) {
				c->mcast = g_renew(struct dalabad_mcast, c->mcast,
				    c->nmcast + 1);
				c->mcast[c->nmcast++] = m;
			}
		}
		g_free(v);
	}
	g_strfreev(keys);
	return rc;
}

void
dalabad_config_mcast_clear(struct dalabad_config *c)
{
	g_free(c->mcast);
	c->mcast = NULL;
	c->nmcast = 0;
}

void
dalabad_config_mcast_write(FILE *f, const struct dalabad_config *c)
{
	if (c->nmcast == 0)
		return;
	fprintf(f, "\n[multicast]\n# hops multicast packets may go (1: the "
	    "village network)\nttl = %d\n", c->mcast_ttl);
	for (int i = 0; i < c->nmcast; i++) {
		if (c->mcast[i].port)
			fprintf(f, "%s = %s:%d\n", c->mcast[i].zone, c->mcast[i].group,
			    c->mcast[i].port);
		else
			fprintf(f, "%s = %s\n", c->mcast[i].zone, c->mcast[i].group);
	}
}
