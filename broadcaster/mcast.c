/*
 * mcast.c — zones carried on IP multicast. A zone's group gets one copy
 * of each packet of every stream whose zone holds it (sender.c), instead
 * of one per box: at a thousand boxes a village network carries a
 * thousandth of the traffic, and the sender thread does a thousandth of
 * the sends. The packets are the same signed ones; retransmissions,
 * HELLOs, replies, enrolment and carried items stay unicast.
 *
 * Each box is told its group by an ANNOUNCE after each reply (signed once
 * here, at start), joins it (IGMP does the rest on the network), and says
 * in each HELLO whether audio reaches it there. Only a box that says so
 * is left out of the unicast fan-out of a stream sent to its group: a box
 * behind a network that drops multicast, or that has not heard the group
 * yet (the first packets of each stream), is sent its packets as before.
 * A box that stops hearing its group says so at once and is unicast
 * again; a lost second is asked for again by NACK.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <sodium.h>

#include "broadcaster/log.h"
#include "broadcaster/server_int.h"

static const uint8_t announce_magic[4] = { 'D', 'L', 'B', 'M' };

int
bcast_announce_pack(const struct bcast_announce *m, const uint8_t *sk,
    uint8_t *buf, size_t cap)
{
	size_t n = strlen(m->zone);

	if (cap < BCAST_ANNOUNCE_LEN || n > 12)
		return -1;
	memset(buf, 0, BCAST_ANNOUNCE_LEN);
	memcpy(buf, announce_magic, 4);
	memcpy(buf + BCAST_ANNOUNCE_OFF_ZONE, m->zone, n);
	memcpy(buf + BCAST_ANNOUNCE_OFF_GROUP, m->group, 4);
	buf[BCAST_ANNOUNCE_OFF_PORT] = (uint8_t)(m->port >> 8);
	buf[BCAST_ANNOUNCE_OFF_PORT + 1] = (uint8_t)m->port;
	crypto_sign_detached(buf + BCAST_ANNOUNCE_OFF_SIG, NULL, buf,
	    BCAST_ANNOUNCE_OFF_SIG, sk);
	return BCAST_ANNOUNCE_LEN;
}

int
bcast_announce_peek(const uint8_t *buf, size_t len)
{
	return len == BCAST_ANNOUNCE_LEN && memcmp(buf, announce_magic, 4) == 0 ?
	    0 : -1;
}

enum bcast_verdict
bcast_announce_parse(const uint8_t *buf, size_t len, const uint8_t *pk,
    struct bcast_announce *m)
{
	struct bcast_zone z;

	if (bcast_announce_peek(buf, len) != 0)
		return BCAST_BAD_FORMAT;
	if (crypto_sign_verify_detached(buf + BCAST_ANNOUNCE_OFF_SIG, buf,
	    BCAST_ANNOUNCE_OFF_SIG, pk) != 0)
		return BCAST_BAD_SIGNATURE;
	memset(m, 0, sizeof(*m));
	memcpy(m->zone, buf + BCAST_ANNOUNCE_OFF_ZONE, 12);
	memcpy(m->group, buf + BCAST_ANNOUNCE_OFF_GROUP, 4);
	m->port = (uint16_t)(buf[BCAST_ANNOUNCE_OFF_PORT] << 8 |
	    buf[BCAST_ANNOUNCE_OFF_PORT + 1]);
	if (bcast_zone_parse(m->zone, &z) != 0 || z.digits == 0 ||
	    (m->group[0] & 0xF0) != 0xE0 || m->port == 0)
		return BCAST_BAD_FORMAT;
	return BCAST_OK;
}

int
mcast_setup(struct bcast_server *s, const struct bcast_config *cfg,
    char *err, size_t errlen)
{
	if (cfg->nmcast <= 0)
		return 0;
	if (cfg->nmcast > BCAST_MCAST_MAX) {
		snprintf(err, errlen, "more than %d multicast zones", BCAST_MCAST_MAX);
		return -1;
	}
	s->groups = calloc((size_t)cfg->nmcast, sizeof(*s->groups));
	if (s->groups == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (int i = 0; i < cfg->nmcast; i++) {
		const struct bcast_mcast *m = &cfg->mcast[i];
		struct mcast_group *g = &s->groups[i];
		struct bcast_announce an = { .port = (uint16_t)(m->port ? m->port :
		    s->port) };
		if (bcast_zone_parse(m->zone, &g->zone) != 0 || g->zone.digits == 0 ||
		    inet_pton(AF_INET, m->group, &g->addr.sin_addr) != 1 ||
		    (ntohl(g->addr.sin_addr.s_addr) >> 28) != 0xE) {
			snprintf(err, errlen, "multicast zone %s: \"%s\" is not a "
			    "zone and an IPv4 multicast group", m->zone, m->group);
			return -1;
		}
		g->addr.sin_family = AF_INET;
		g->addr.sin_port = htons(an.port);
		snprintf(an.zone, sizeof(an.zone), "%s", m->zone);
		memcpy(an.group, &g->addr.sin_addr, 4);
		bcast_announce_pack(&an, s->sk, g->announce, sizeof(g->announce));
		dlog(LOG_NOTICE, "zone %s on multicast %s:%d", m->zone, m->group,
		    an.port);
	}
	s->ngroups = cfg->nmcast;
	int ttl = cfg->mcast_ttl > 0 ? cfg->mcast_ttl : 1, loop = 1;
	/* Out of the interface the server is bound to (the village network),
	 * not wherever the routing table would put 224/4. */
	struct sockaddr_in a;
	socklen_t alen = sizeof(a);
	if (getsockname(s->fd, (struct sockaddr *)&a, &alen) == 0 &&
	    a.sin_addr.s_addr != htonl(INADDR_ANY) &&
	    setsockopt(s->fd, IPPROTO_IP, IP_MULTICAST_IF, &a.sin_addr,
	    sizeof(a.sin_addr)) != 0) {
		snprintf(err, errlen, "multicast out of %s: %s",
		    inet_ntoa(a.sin_addr), strerror(errno));
		return -1;
	}
	if (setsockopt(s->fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl,
	    sizeof(ttl)) != 0 || setsockopt(s->fd, IPPROTO_IP,
	    IP_MULTICAST_LOOP, &loop, sizeof(loop)) != 0) {
		snprintf(err, errlen, "multicast TTL: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int
mcast_group_of(const struct bcast_server *s, const struct bcast_zone *z)
{
	int best = -1;

	for (int i = 0; i < s->ngroups; i++)
		if (bcast_zone_covers(&s->groups[i].zone, z) && (best < 0 ||
		    s->groups[i].zone.digits > s->groups[best].zone.digits))
			best = i;
	return best;
}

uint64_t
bcast_server_packets_multicast(struct bcast_server *s)
{
	pthread_mutex_lock(&s->lock);
	uint64_t n = s->packets_multicast;
	pthread_mutex_unlock(&s->lock);
	return n;
}
