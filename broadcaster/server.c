/*
 * server.c — the broadcaster's one UDP port and its two threads: a receiver
 * answering speakers' HELLOs, and the sender (sender.c) pacing audio out.
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <sodium.h>

#include "broadcaster/server_int.h"

static void *
receiver_main(void *arg)
{
	struct bcast_server *s = arg;
	uint8_t buf[2048];

	while (!s->stop) {
		struct pollfd p = { .fd = s->fd, .events = POLLIN };
		if (poll(&p, 1, 100) <= 0)
			continue;
		for (int i = 0; i < 64; i++) {	/* drain, but let stop be seen */
			struct sockaddr_storage from;
			socklen_t alen = sizeof(from);
			ssize_t n = recvfrom(s->fd, buf, sizeof(buf), MSG_DONTWAIT,
			    (struct sockaddr *)&from, &alen);
			if (n < 0)
				break;
			reg_handle_datagram(s, buf, (size_t)n, &from, alen);
		}
	}
	return NULL;
}

struct bcast_server *
bcast_server_new(const struct bcast_config *cfg, char *err, size_t errlen)
{
	struct bcast_server *s;
	struct sockaddr_in a;
	socklen_t alen = sizeof(a);

	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium failed to start");
		return NULL;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->fd = -1;
	memcpy(s->sk, cfg->sk, BCAST_SK_LEN);
	s->offline_after_ms = cfg->offline_after_ms > 0 ? cfg->offline_after_ms :
	    15000;
	randombytes_buf(&s->next_ssrc, sizeof(s->next_ssrc));
	randombytes_buf(s->cookie_secret, sizeof(s->cookie_secret));
	timeline_open(s, cfg->timeline_path);
	s->rtx_box_pps = cfg->rtx_box_pps ? cfg->rtx_box_pps : BCAST_RTX_BOX_PPS;
	s->rtx_box_burst = s->rtx_box_pps > BCAST_RTX_BOX_BURST ? s->rtx_box_pps :
	    BCAST_RTX_BOX_BURST;
	s->rtx_total_pps = cfg->rtx_total_pps ? cfg->rtx_total_pps :
	    BCAST_RTX_TOTAL_PPS;
	s->rtx_total_burst = s->rtx_total_pps;	/* a second's worth */
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)(cfg->port ? cfg->port : 5004));
	if (cfg->port < 0)
		a.sin_port = 0;
	if (inet_pton(AF_INET, cfg->bind_addr ? cfg->bind_addr : "0.0.0.0",
	    &a.sin_addr) != 1) {
		snprintf(err, errlen, "bad bind address \"%s\"", cfg->bind_addr);
		goto fail;
	}
	if ((s->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0 ||
	    bind(s->fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    getsockname(s->fd, (struct sockaddr *)&a, &alen) < 0) {
		snprintf(err, errlen, "UDP port %d: %s", ntohs(a.sin_port),
		    strerror(errno));
		goto fail;
	}
	/* Thousands of speakers say HELLO together after a restart or a
	 * network outage; the default buffers (~200 KB) overflow. As root the
	 * limits can be forced past net.core.[rw]mem_max. */
	int buf = 8 << 20;
	if (setsockopt(s->fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf)) != 0)
		setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	if (setsockopt(s->fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof(buf)) != 0)
		setsockopt(s->fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	s->port = ntohs(a.sin_port);
	if (mcast_setup(s, cfg, err, errlen) != 0)
		goto fail;
	if (pthread_create(&s->rx, NULL, receiver_main, s) != 0) {
		snprintf(err, errlen, "cannot start the receiver thread");
		goto fail;
	}
	if (pthread_create(&s->tx, NULL, sender_main, s) != 0) {
		s->stop = 1;
		pthread_join(s->rx, NULL);
		snprintf(err, errlen, "cannot start the sender thread");
		goto fail;
	}
	/* Named, so that top -H and /proc/PID/task/TID/comm tell them apart
	 * (bench/province.sh measures the sender thread's CPU alone). */
	pthread_setname_np(s->rx, "dalaba-recv");
	pthread_setname_np(s->tx, "dalaba-send");
	if (carry_start(s) != 0) {
		s->stop = 1;
		pthread_mutex_lock(&s->lock);
		pthread_cond_broadcast(&s->cond);
		pthread_mutex_unlock(&s->lock);
		pthread_join(s->rx, NULL);
		pthread_join(s->tx, NULL);
		snprintf(err, errlen, "cannot start the carrier thread");
		goto fail;
	}
	s->threads = 1;
	return s;
fail:
	if (s->fd >= 0)
		close(s->fd);
	if (s->tl_fd >= 0)
		close(s->tl_fd);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->cond);
	free(s);
	return NULL;
}

void
bcast_server_free(struct bcast_server *s)
{
	if (s == NULL)
		return;
	if (s->threads) {
		pthread_mutex_lock(&s->lock);
		s->stop = 1;
		pthread_cond_broadcast(&s->cond);
		pthread_mutex_unlock(&s->lock);
		pthread_join(s->rx, NULL);
		pthread_join(s->tx, NULL);
		pthread_join(s->cx, NULL);
	}
	carry_stop(s);
	close(s->fd);
	timeline_close(s);
	while (s->hist) {
		struct rtx_history *h = s->hist;
		s->hist = h->next;
		free(h);
	}
	free(s->spk);
	free(s->idx);
	sodium_memzero(s->sk, sizeof(s->sk));
	free(s->groups);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->cond);
	free(s);
}

int
bcast_server_port(const struct bcast_server *s)
{
	return s->port;
}

uint64_t
bcast_server_packets_sent(struct bcast_server *s)
{
	pthread_mutex_lock(&s->lock);
	uint64_t n = s->packets_sent;
	pthread_mutex_unlock(&s->lock);
	return n;
}

uint64_t
bcast_server_challenges(struct bcast_server *s)
{
	pthread_mutex_lock(&s->lock);
	uint64_t n = s->challenges;
	pthread_mutex_unlock(&s->lock);
	return n;
}

int64_t
bcast_server_sender_cpu_us(struct bcast_server *s)
{
	clockid_t cid;
	struct timespec ts;

	if (pthread_getcpuclockid(s->tx, &cid) != 0 ||
	    clock_gettime(cid, &ts) != 0)
		return -1;
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}
