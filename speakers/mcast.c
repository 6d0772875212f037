/*
 * mcast.c — the box's side of a zone carried on multicast (see
 * broadcaster/mcast.c). The server says in an ANNOUNCE, after each reply,
 * which group the box's zone is on; the box checks the signature (once
 * per change), joins the group on a socket bound to the group's address
 * and port (so nothing sent to the box alone arrives there), and plays
 * what comes on it exactly as what comes from the server: the same
 * signature, zone, time and replay checks, all but the ticket (one copy
 * serves the whole zone). It says in each HELLO whether audio reaches it
 * on the group; until it does, and whenever it stops, the server sends
 * to it one by one. [agent] multicast = no keeps a box off groups.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "broadcaster/log.h"
#include "speakers/agent_int.h"

void
agent_mcast_close(struct agent *a)
{
	if (a->mfd >= 0)
		close(a->mfd);
	a->mfd = -1;
}

static int
join(struct agent *a, const struct bcast_announce *g)
{
	struct sockaddr_in at = { .sin_family = AF_INET,
	    .sin_port = htons(g->port) };
	struct ip_mreq mr;
	int one = 1, fd;
	char addr[INET_ADDRSTRLEN];

	memcpy(&at.sin_addr, g->group, 4);
	inet_ntop(AF_INET, g->group, addr, sizeof(addr));
	mr.imr_multiaddr = at.sin_addr;
	mr.imr_interface.s_addr = htonl(INADDR_ANY);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof(one)) != 0 || bind(fd, (struct sockaddr *)&at,
	    sizeof(at)) != 0 || setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP,
	    &mr, sizeof(mr)) != 0) {
		dlog(LOG_WARNING, "cannot join multicast %s:%u for zone %s: %s; "
		    "the server sends to this box alone", addr, g->port, g->zone,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	agent_mcast_close(a);
	a->mfd = fd;
	dlog(LOG_NOTICE, "joined multicast %s:%u (zone %s)", addr, g->port,
	    g->zone);
	return 0;
}

void
agent_on_announce(struct agent *a, const uint8_t *buf, size_t len,
    int64_t now)
{
	struct bcast_announce g;
	struct bcast_zone z;

	(void)now;
	/* The same announcement every heartbeat: checked once. */
	if (!a->c->multicast || bcast_announce_peek(buf, len) != 0 ||
	    (a->announce[0] && memcmp(a->announce, buf, len) == 0))
		return;
	if (bcast_announce_parse(buf, len, a->c->server_pk, &g) != BCAST_OK ||
	    bcast_zone_parse(g.zone, &z) != 0 || !bcast_zone_covers(&z, &a->zone))
		return;	/* forged, or not for our zone */
	memcpy(a->announce, buf, len);	/* taken, even if the join fails */
	if (a->mfd >= 0 && memcmp(a->group.group, g.group, 4) == 0 &&
	    a->group.port == g.port)
		return;
	a->group = g;
	join(a, &g);
}

void
agent_mcast_read(struct agent *a)
{
	for (int round = 0; round < RX_ROUNDS; round++) {
		int n = recvmmsg(a->mfd, a->rx_msgs, RX_BATCH, 0, NULL);
		if (n <= 0)
			return;
		int64_t t4 = spk_now_us();
		for (int i = 0; i < n; i++)
			agent_on_audio(a, a->rx[i], a->rx_msgs[i].msg_len, t4, 1);
		if (n < RX_BATCH)
			return;
	}
}

int
agent_mcast_hears(const struct agent *a, int64_t now)
{
	return a->mfd >= 0 && a->mcast_heard > 0 &&
	    now - a->mcast_heard < STREAM_IDLE_US;
}
