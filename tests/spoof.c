/*
 * spoof.c — an attacker on the village network who sniffs a box's HELLO
 * and sends it again, many times, from a forged source address: the
 * victim's. If the server answered each with a reply or audio, the victim
 * would be flooded by our server at little cost to the attacker (an
 * amplifier). For bench/flood.sh, on loopback only, as root: it captures
 * one HELLO to SERVER_PORT off the loopback interface (AF_PACKET), sends
 * it COUNT times from 127.0.0.1:VICTIM_PORT (a raw IP socket), and counts
 * what reaches the victim's port, which it binds itself.
 *
 *   spoof SERVER_PORT VICTIM_PORT COUNT
 *
 * Prints "sent_bytes N", "victim_bytes N" (UDP payloads both) and
 * "victim_packets N"; exits 1 if it saw no HELLO within 10 s.
 */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int64_t
mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* What reached the victim so far. */
static uint64_t victim_bytes, victim_packets;

static void
drain(int fd)
{
	uint8_t b[2048];
	ssize_t n;

	while ((n = recv(fd, b, sizeof(b), MSG_DONTWAIT)) > 0) {
		victim_bytes += (uint64_t)n;
		victim_packets++;
	}
}

int
main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: spoof SERVER_PORT VICTIM_PORT COUNT\n");
		return 2;
	}
	int sport = atoi(argv[1]), vport = atoi(argv[2]), count = atoi(argv[3]);
	if (sport <= 0 || sport > 65535 || vport <= 0 || vport > 65535 ||
	    count <= 0 || count > 1000000) {
		fprintf(stderr, "spoof: bad port or count\n");
		return 2;
	}

	int victim = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in va = { .sin_family = AF_INET,
	    .sin_port = htons((uint16_t)vport) };
	inet_pton(AF_INET, "127.0.0.1", &va.sin_addr);
	if (victim < 0 || bind(victim, (struct sockaddr *)&va, sizeof(va)) != 0) {
		perror("spoof: victim socket");
		return 1;
	}

	/* Sniff: the first HELLO on lo to the server's port. */
	int cap = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP));
	struct sockaddr_ll ll = { .sll_family = AF_PACKET,
	    .sll_protocol = htons(ETH_P_IP), .sll_ifindex = (int)if_nametoindex("lo") };
	if (cap < 0 || ll.sll_ifindex == 0 ||
	    bind(cap, (struct sockaddr *)&ll, sizeof(ll)) != 0) {
		perror("spoof: capture socket (root needed)");
		return 1;
	}
	uint8_t pkt[2048], hello[2048];
	size_t hlen = 0;
	for (int64_t end = mono_ms() + 10000; hlen == 0 && mono_ms() < end;) {
		struct pollfd p = { .fd = cap, .events = POLLIN };
		if (poll(&p, 1, 200) <= 0)
			continue;
		ssize_t n = recv(cap, pkt, sizeof(pkt), 0);
		if (n < (ssize_t)(sizeof(struct iphdr) + sizeof(struct udphdr) + 4))
			continue;
		const struct iphdr *ip = (const struct iphdr *)pkt;
		size_t ihl = (size_t)ip->ihl * 4;
		if (ip->version != 4 || ip->protocol != IPPROTO_UDP ||
		    (size_t)n < ihl + sizeof(struct udphdr) + 4)
			continue;
		const struct udphdr *u = (const struct udphdr *)(pkt + ihl);
		const uint8_t *pl = pkt + ihl + sizeof(*u);
		size_t plen = (size_t)n - ihl - sizeof(*u);
		if (ntohs(u->dest) == sport && memcmp(pl, "DLBH", 4) == 0) {
			memcpy(hello, pl, plen);
			hlen = plen;
		}
	}
	close(cap);
	if (hlen == 0) {
		fprintf(stderr, "spoof: no HELLO to port %d seen in 10 s\n", sport);
		return 1;
	}

	/* Send it again from the victim's address. */
	int raw = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (raw < 0) {
		perror("spoof: raw socket (root needed)");
		return 1;
	}
	uint8_t out[2048];
	struct iphdr *ip = (struct iphdr *)out;
	struct udphdr *u = (struct udphdr *)(out + sizeof(*ip));
	memset(out, 0, sizeof(*ip) + sizeof(*u));
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->saddr = va.sin_addr.s_addr;
	ip->daddr = va.sin_addr.s_addr;
	u->source = htons((uint16_t)vport);
	u->dest = htons((uint16_t)sport);
	u->len = htons((uint16_t)(sizeof(*u) + hlen));
	u->check = 0;		/* optional over IPv4 */
	memcpy(out + sizeof(*ip) + sizeof(*u), hello, hlen);
	size_t olen = sizeof(*ip) + sizeof(*u) + hlen;
	ip->tot_len = htons((uint16_t)olen);
	struct sockaddr_in to = { .sin_family = AF_INET,
	    .sin_port = htons((uint16_t)sport), .sin_addr = va.sin_addr };
	uint64_t sent_bytes = 0;
	for (int i = 0; i < count; i++) {
		if (sendto(raw, out, olen, 0, (struct sockaddr *)&to, sizeof(to)) ==
		    (ssize_t)olen)
			sent_bytes += hlen;
		if (i % 16 == 15) {
			usleep(1000);
			drain(victim);
		}
	}
	/* What the server sends the victim afterwards counts too. */
	for (int64_t end = mono_ms() + 1500; mono_ms() < end;) {
		struct pollfd p = { .fd = victim, .events = POLLIN };
		if (poll(&p, 1, 100) > 0)
			drain(victim);
	}
	printf("sent_bytes %llu\nvictim_bytes %llu\nvictim_packets %llu\n",
	    (unsigned long long)sent_bytes, (unsigned long long)victim_bytes,
	    (unsigned long long)victim_packets);
	return 0;
}
