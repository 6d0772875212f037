/*
 * agent.c — the speaker's loop: say HELLO (hello.c), take in signed audio,
 * and play each frame at its presentation time. Nothing from
 * the network is used before bcast_audio_parse has verified it against the
 * server's public key; what is refused is counted by reason. The audio path
 * allocates nothing once running: the jitter buffer is a fixed ring.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <opus/opus.h>

#include "broadcaster/log.h"
#include "speakers/nack.h"
#include "speakers/speaker.h"

#include "speakers/agent_int.h"

static int
open_socket(struct agent *a, char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM }, *res;
	char port[8];
	int e;

	snprintf(port, sizeof(port), "%d", a->c->port);
	if ((e = getaddrinfo(a->c->server, port, &hints, &res)) != 0) {
		snprintf(err, errlen, "server %s: %s", a->c->server,
		    gai_strerror(e));
		return -1;
	}
	memcpy(&a->srv, res->ai_addr, res->ai_addrlen);
	a->srvlen = res->ai_addrlen;
	a->fd = socket(res->ai_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	freeaddrinfo(res);
	if (a->fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	/* Room for bursts (a queue flushed after a network stall, or a flood
	 * of forged packets) while a slow board verifies signatures. */
	int buf = 1 << 20;
	if (setsockopt(a->fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf)) != 0)
		setsockopt(a->fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	/* Not connect()ed: a forged packet from any address must meet the
	 * signature check, which is the defence that matters. */
	return 0;
}

/* over: it ended (END, or pre-empted): its late packets must not start
 * it again. 0: given up on after a long silence; it may still come back. */
void
agent_end_stream(struct agent *a, int over)
{
	dlog(LOG_INFO, "stream %08x (class %u) over: %llu frames played",
	    a->ssrc, a->prio, (unsigned long long)(a->k.played -
	    a->played_at_start));
	if (over)
		a->done_ssrc[a->ndone++ % 8] = a->ssrc;
	/* Tell the server at once that it stopped: a cancelled page is
	 * confirmed off the air from these heartbeats. */
	if (a->started)
		a->next_hello = 0;
	a->active = 0;
	a->started = 0;
	a->stalled = 0;
	a->buffered = 0;
	for (int i = 0; i < JB_SLOTS; i++)
		a->jb[i].used = 0;
}

static int
recently_done(const struct agent *a, uint32_t ssrc)
{
	for (int i = 0; i < 8 && i < a->ndone; i++)
		if (a->done_ssrc[i] == ssrc)
			return 1;
	return 0;
}

void
agent_on_audio(struct agent *a, const uint8_t *buf, size_t len, int64_t now,
    int group)
{
	struct bcast_audio p;
	/* The cheap checks first, on fields not yet verified: each only
	 * refuses, and what it compares against came from verified packets,
	 * so a forged packet cannot make a genuine one refused. The
	 * signature (~60 µs) is spent only on what passes them all. */
	enum bcast_verdict v = bcast_audio_peek(buf, len, &p);

	if (v == BCAST_OK && !group && !bcast_ticket_check(a->tkey, buf, len))
		v = BCAST_BAD_TICKET;
	if (v == BCAST_OK && !a->synced)
		v = BCAST_STALE;	/* no clock yet: cannot judge its time */
	if (v == BCAST_OK) {
		int64_t srv_now = now + a->offset_us;
		int in_window = p.pts_us >= srv_now - WINDOW_PAST_US &&
		    p.pts_us <= srv_now + WINDOW_FUTURE_US;
		/* (a carried packet far ahead of its time is carry.c's) */
		if (!in_window && !(p.flags & BCAST_FLAG_CARRY))
			v = BCAST_STALE;
		else if (!bcast_zone_covers(&p.zone, &a->zone))
			v = BCAST_WRONG_ZONE;
		else if (in_window && (recently_done(a, p.ssrc) || (a->active &&
		    p.ssrc == a->ssrc && (a->seen[p.seq % JB_SLOTS] == p.seq + 1 ||
		    p.seq + JB_SLOTS <= a->top_seq1))))
			v = BCAST_REPLAYED;	/* or older than the ring remembers */
	}
	if (v == BCAST_OK && (p.flags & BCAST_FLAG_CARRY)) {
		/* Sent ahead of its slot: kept (carry.c), and played too if
		 * its time has come (a live airing sends the same packets). */
		if (carry_take(a, buf, len, &p, now) != 0)
			return;
	}
	if (v == BCAST_OK) {
		a->k.verified++;
		v = bcast_audio_verify(buf, len, a->c->server_pk);
	}
	if (v == BCAST_BAD_FORMAT && len > 1 && buf[0] == 0x90 &&
	    (buf[1] & 0x7F) == BCAST_PT && now - a->old_server_logged > 60000000) {
		/* Audio of a server before 0.4 (no ticket, no padding). */
		a->old_server_logged = now;
		dlog(LOG_WARNING, "audio from an older dalabad (the protocol "
		    "before 0.4): it cannot be played; upgrade the server");
	}
	/* While a stream comes both ways (its first packets, before the
	 * server knows the box hears the group) the second copy is no
	 * fault of anyone's. */
	if (v == BCAST_REPLAYED && (group || agent_mcast_hears(a, now)))
		return;
	if (v != BCAST_OK) {
		a->k.dropped[v]++;
		return;
	}
	if (group) {
		a->mcast_heard = now;
		a->k.mcast_received++;
	}
	agent_take(a, &p, now);
}

/* A verified packet (live, or from the box's copy of a carried item)
 * into the jitter buffer. */
void
agent_take(struct agent *a, const struct bcast_audio *pp, int64_t now)
{
	struct bcast_audio p = *pp;

	if (p.opus_len > BCAST_MAX_OPUS) {
		a->k.dropped[BCAST_BAD_FORMAT]++;
		return;
	}
	if (a->stalled && p.ssrc == a->ssrc) {
		/* Back after a gap: rejoin where the stream now is (what was
		 * due during the gap is gone; what is buffered is old). */
		dlog(LOG_NOTICE, "stream %08x back after %lld ms", a->ssrc,
		    (long long)((now - a->last_rx_mono) / 1000));
		a->stalled = 0;
		agent_play_restart(a);
		if (p.seq > a->next_seq) {
			for (int i = 0; i < JB_SLOTS; i++)
				a->jb[i].used = 0;
			a->buffered = 0;
			a->next_seq = p.seq;
			a->next_pts = p.pts_us;
		}
	}
	if (!a->active || p.priority > a->prio ||
	    (a->stalled && p.ssrc != a->ssrc)) {
		/* Nothing playing, a higher class pre-empts what is, or the
		 * stalled one's END was lost and the server went on. */
		if (a->active) {
			dlog(LOG_NOTICE, "stream %08x (class %u) pre-empts %08x",
			    p.ssrc, p.priority, a->ssrc);
			agent_end_stream(a, 1);
		}
		a->active = 1;
		a->ssrc = p.ssrc;
		agent_play_restart(a);
		/* Sequence numbers restart with each stream: what the last
		 * one left in seen[] says nothing about this one. */
		memset(a->seen, 0, sizeof(a->seen));
		memset(a->miss, 0, sizeof(a->miss));
		a->top_seq1 = 0;
		a->prio = p.priority;
		a->stream_volume = p.volume;
		a->next_seq = p.seq;
		a->next_pts = p.pts_us;
		a->k.streams++;
		a->played_at_start = a->k.played;
		dlog(LOG_INFO, "stream %08x (class %u) starts", p.ssrc,
		    p.priority);
	} else if (p.ssrc != a->ssrc) {
		a->k.lower_priority++;
		return;
	}
	a->seen[p.seq % JB_SLOTS] = p.seq + 1;
	a->k.received++;
	/* Audio is coming: the amplifier warms up while it is buffered. */
	if (!a->amp.want) {
		amp_want(&a->amp, 1, now);
		a->last_audio_mono = now;	/* its hold counts from here */
	}
	a->last_rx_mono = now;
	if (p.seq < a->next_seq) {
		if (a->started || a->next_seq - p.seq >= JB_SLOTS ||
		    p.pts_us - a->offset_us <= now) {
			a->k.late++;
			return;
		}
		/* Reordered before play-out began: start earlier. */
		a->next_seq = p.seq;
		a->next_pts = p.pts_us;
	}
	if (p.seq >= a->next_seq + JB_SLOTS) {
		a->k.dropped[BCAST_STALE]++;
		return;
	}
	if (a->miss[p.seq % JB_SLOTS].seq1 == p.seq + 1 &&
	    a->miss[p.seq % JB_SLOTS].tries > 0)
		a->k.nack_recovered++;	/* asked for, and here in time */
	if (p.seq + 1 > a->top_seq1)
		a->top_seq1 = p.seq + 1;
	struct slot *s = &a->jb[p.seq % JB_SLOTS];
	if (s->used && s->seq != p.seq)
		a->buffered--;	/* overwritten by a newer lap of the ring */
	if (!s->used || s->seq != p.seq)
		a->buffered++;
	s->used = 1;
	s->seq = p.seq;
	s->pts = p.pts_us;
	s->flags = p.flags;
	s->volume = p.volume;
	s->len = (uint16_t)p.opus_len;
	memcpy(s->data, p.opus, p.opus_len);
}

static void
on_packet(struct agent *a, const uint8_t *buf, size_t n, int64_t t4)
{
	if (n >= 4 && memcmp(buf, "DLBR", 4) == 0)
		agent_on_reply(a, buf, n, t4);
	else if (n >= 4 && memcmp(buf, "DLBC", 4) == 0)
		agent_on_challenge(a, buf, n, t4);
	else if (n >= 4 && memcmp(buf, "DLBX", 4) == 0)
		carry_on_revoke(a, buf, n, t4);
	else if (n >= 4 && memcmp(buf, "DLBM", 4) == 0)
		agent_on_announce(a, buf, n, t4);
	else
		agent_on_audio(a, buf, n, t4, 0);
}

static void
send_nack(struct agent *a, struct bcast_nack *n)
{
	uint8_t buf[BCAST_NACK_LEN];
	int64_t wall = bcast_server_now_us();

	/* As a HELLO's, but its own: the server refuses a NACK whose
	 * counter it has seen, so a NACK cannot be replayed. */
	a->nack_counter = (uint64_t)wall > a->nack_counter ? (uint64_t)wall :
	    a->nack_counter + 1;
	n->speaker_id = a->c->id;
	n->counter = a->nack_counter;
	n->ssrc = a->ssrc;
	if (bcast_nack_pack(n, a->c->key, buf, sizeof(buf)) > 0 &&
	    sendto(a->fd, buf, sizeof(buf), 0, (struct sockaddr *)&a->srv,
	    a->srvlen) == (ssize_t)sizeof(buf))
		a->k.nacks++;
}

/* Ask for the packets missing between the next frame to play and the
 * newest packet of the stream, those that can still come in time. */
static void
ask_missing(struct agent *a, int64_t now)
{
	struct bcast_nack n = { 0 };
	int have = 0, sent = 0;

	if (!a->c->retransmit || !a->active || a->stalled || !a->synced ||
	    a->top_seq1 <= a->next_seq + 1)
		return;
	int64_t lead = -1;
	for (uint64_t q = a->next_seq; q + 1 < a->top_seq1; q++) {
		struct slot *s = &a->jb[q % JB_SLOTS];
		if (s->used && s->seq == q)
			continue;
		if (lead < 0)	/* asked of the device only when needed */
			lead = agent_play_lead_us(a);
		/* Its frame's turn at the output, on our clock. */
		int64_t due = a->next_pts + (int64_t)(q - a->next_seq) * FRAME_US -
		    a->offset_us - lead;
		if (have && !nack_fits(&n, q)) {
			send_nack(a, &n);
			have = 0;
			if (++sent == NACK_PER_PASS)
				return;
		}
		if (!nack_should_ask(&a->miss[q % JB_SLOTS], q, now, due,
		    a->clk.rtt_min, a->clk.rtt_max))
			continue;
		nack_add(&n, &have, q);
		a->k.nack_asked++;
	}
	if (have)
		send_nack(a, &n);
}

/* Off once nothing has played for the hold time: between broadcasts,
 * and when a stream stalls (its link cut) for that long. */
static void
amp_tick(struct agent *a, int64_t now)
{
	if (a->amp.want && (!a->active || a->stalled) &&
	    now - a->last_audio_mono >= (int64_t)a->c->amp_hold_ms * 1000)
		amp_want(&a->amp, 0, now);
	amp_poll(&a->amp, now);
}

int
spk_run(const struct spk_config *c, volatile int *stop, char *err,
    size_t errlen)
{
	struct agent *a = calloc(1, sizeof(*a));
	int oerr, rc = -1;

	if (a == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	a->c = c;
	bcast_ticket_key(c->key, a->tkey);
	a->fd = -1;
	a->mfd = -1;
	/* Tests and benches only: a clock as a box in a village has. */
	if (simclock_setup(getenv("DALABA_TEST_CLOCK"), err, errlen) != 0)
		goto out;
	for (int i = 0; i < RX_BATCH; i++) {
		a->rx_iov[i].iov_base = a->rx[i];
		a->rx_iov[i].iov_len = sizeof(a->rx[i]);
		a->rx_msgs[i].msg_hdr.msg_iov = &a->rx_iov[i];
		a->rx_msgs[i].msg_hdr.msg_iovlen = 1;
	}
	if (bcast_zone_parse(c->zone, &a->zone) != 0) {
		snprintf(err, errlen, "zone \"%s\" is not a division code", c->zone);
		goto out;
	}
	if (open_socket(a, err, errlen) != 0 || carry_open(a, err, errlen) != 0)
		goto out;
	agent_volume_load(a);
	if ((a->out = spk_output_open(c->output, BCAST_RATE, 0, err,
	    errlen)) == NULL)
		goto out;
	if ((a->dec = opus_decoder_create(BCAST_RATE, 1, &oerr)) == NULL) {
		snprintf(err, errlen, "Opus decoder: %s", opus_strerror(oerr));
		goto out;
	}
	if (c->trace[0] && (a->trace = fopen(c->trace, "we")) == NULL) {
		snprintf(err, errlen, "%s: %s", c->trace, strerror(errno));
		goto out;
	}
	dlog(LOG_NOTICE, "speaker %u of zone %s: server %s port %d, output %s",
	    c->id, c->zone, c->server, c->port, c->output);
	if (a->trace)	/* a line per frame, readable as it happens */
		setvbuf(a->trace, NULL, _IOLBF, 0);
	a->hello_interval_ms = HELLO_RETRY_MS;
	a->started_mono = spk_now_us();
	amp_init(&a->amp, c->amp_command, c->amp_hold ? AMP_HOLD : AMP_SWITCH,
	    a->started_mono);
	int64_t next_stats = 0;
	while (!*stop) {
		int64_t now = spk_now_us();
		/* The offset runs on at the estimated rate between replies:
		 * two clocks 50 ppm apart part by 100 µs a heartbeat. */
		if (a->clk.n > 0)
			a->offset_us = clk_offset(&a->clk, now);
		if (now >= a->next_hello) {
			/* No reply for three intervals: the server is gone;
			 * keep saying HELLO, backing off, until it answers. */
			if (a->k.replies == 0 || now - a->last_reply >
			    3000LL * c->hello_ms) {
				a->hello_interval_ms = a->hello_interval_ms * 2;
				if (a->hello_interval_ms > HELLO_MAX_BACKOFF_MS)
					a->hello_interval_ms = HELLO_MAX_BACKOFF_MS;
				if (a->k.replies == 0 && a->hello_interval_ms > 2000)
					a->hello_interval_ms = 2000;
			}
			agent_send_hello(a, now);
			int every = a->synced ? c->hello_ms : HELLO_RETRY_MS;
			if (a->synced && a->clk.n < HELLO_YOUNG_EXCHANGES &&
			    every > HELLO_YOUNG_MS)
				every = HELLO_YOUNG_MS;
			a->next_hello = now + (int64_t)every * 1000;
			if (a->synced && now - a->last_reply > 3000LL * c->hello_ms)
				a->next_hello = now + (int64_t)a->hello_interval_ms * 1000;
		}
		if (a->synced && !a->server_lost &&
		    now - a->last_reply > 3000LL * c->hello_ms) {
			a->server_lost = 1;
			dlog(LOG_WARNING, "no answer from the server for %.1f s; "
			    "still asking", (double)(now - a->last_reply) / 1e6);
		}
		if (now >= a->next_summary) {
			if (a->next_summary)
				agent_log_summary(a);
			a->next_summary = now + 60000000;
		}
		if (now >= next_stats) {
			agent_write_stats(a);
			next_stats = now + 500000;
		}
		carry_tick(a, now);
		int64_t wait = agent_play_due(a, now);
		amp_tick(a, now);
		ask_missing(a, now);
		/* Others read a WAV output while we run (sox, the tests): keep
		 * its header current rather than empty until exit. A failure
		 * counts like a frame the output would not take. */
		if (spk_output_sync(a->out, now) != 0)
			a->k.write_errors++;
		int64_t until_hello = a->next_hello - now;
		if (wait < 0 || wait > until_hello)
			wait = until_hello;
		if (wait > 100000)
			wait = 100000;
		/* Hearing the group or not: the server is told at once (it
		 * sends one by one to a box that does not). */
		int hears = agent_mcast_hears(a, now);
		if (hears != a->mcast_said) {
			a->mcast_said = hears;
			a->next_hello = 0;
			wait = 0;
		}
		struct pollfd p[2] = { { .fd = a->fd, .events = POLLIN },
		    { .fd = a->mfd, .events = POLLIN } };
		int t = (int)((wait + 999) / 1000);
		if (poll(p, a->mfd >= 0 ? 2 : 1, t < 0 ? 0 : t) > 0) {
			if (a->mfd >= 0 && (p[1].revents & POLLIN))
				agent_mcast_read(a);
			/* In batches (one system call for up to RX_BATCH: a
			 * flood costs the box little more than its checks), and
			 * a bounded number of them before playing on. */
			for (int round = 0; round < RX_ROUNDS; round++) {
				int n = recvmmsg(a->fd, a->rx_msgs, RX_BATCH, 0, NULL);
				if (n <= 0)
					break;
				int64_t t4 = spk_now_us();
				for (int i = 0; i < n; i++)
					on_packet(a, a->rx[i], a->rx_msgs[i].msg_len, t4);
				if (n < RX_BATCH)
					break;
			}
			ask_missing(a, spk_now_us());
		}
	}
	rc = 0;
	agent_log_summary(a);
	dlog(LOG_NOTICE, "stopping: %llu frames played, %llu streams",
	    (unsigned long long)a->k.played, (unsigned long long)a->k.streams);
out:
	amp_close(&a->amp);
	agent_write_stats(a);
	carry_close(a);
	if (a->trace)
		fclose(a->trace);
	if (a->dec)
		opus_decoder_destroy(a->dec);
	spk_output_close(a->out);
	agent_mcast_close(a);
	if (a->fd >= 0)
		close(a->fd);
	free(a);
	return rc;
}
