/*
 * hello.c — the speaker's half of the HELLO exchange: the heartbeat that
 * carries its status, the replies that give it the server clock (each one
 * a pair of bounds on it, clock.c), and the server's cookies and challenges
 * (broadcaster/README.md).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/statvfs.h>

#include "broadcaster/log.h"
#include "speakers/agent_int.h"

/* "0.3.0" as 0x000300, for the heartbeat. */
static uint32_t
version_number(const char *v)
{
	uint32_t n = 0;

	for (int part = 0; part < 3; part++) {
		char *end;
		unsigned long x = strtoul(v, &end, 10);
		n = n << 8 | (uint32_t)(x > 255 ? 255 : x);
		v = *end == '.' ? end + 1 : end;
	}
	return n;
}

/* Free space where the box keeps its state, looked at once a minute. */
static uint32_t
free_mb(struct agent *a, int64_t now)
{
	struct statvfs fs;

	if (a->c->storage[0] == '\0')
		return UINT32_MAX;	/* not known; 0 is a full disk */
	if (a->free_checked && now - a->free_checked < 60000000)
		return a->free_mb;
	a->free_checked = now;
	if (statvfs(a->c->storage, &fs) != 0)
		a->free_mb = UINT32_MAX;
	else {
		uint64_t mb = (uint64_t)fs.f_bavail * fs.f_frsize >> 20;
		a->free_mb = mb >= UINT32_MAX ? UINT32_MAX - 1 : (uint32_t)mb;
	}
	return a->free_mb;
}

void
agent_send_hello(struct agent *a, int64_t now)
{
	struct bcast_hello h = { 0 };
	uint8_t buf[BCAST_HELLO_LEN];
	int64_t wall = bcast_server_now_us();

	/* Strictly increasing, also across restarts: the server refuses
	 * counters it has seen, so old HELLOs cannot be replayed. */
	a->counter = (uint64_t)wall > a->counter ? (uint64_t)wall : a->counter + 1;
	h.speaker_id = a->c->id;
	h.counter = a->counter;
	h.t1_us = now;
	memcpy(h.cookie, a->cookie, BCAST_COOKIE_LEN);
	/* "Playing" means audio has reached the output, not merely that
	 * packets arrived: it is what confirmations are counted from. */
	int playing = a->active && a->started && !a->stalled;
	h.st.state = playing ? BCAST_STATE_PLAYING : BCAST_STATE_IDLE;
	h.st.priority = playing ? a->prio : 0;
	/* What it plays at, under its own ceiling. */
	h.st.volume = (uint8_t)agent_volume(a);
	h.st.amp_on = (uint8_t)(a->amp.on == 1);
	h.st.playing_ssrc = playing ? a->ssrc : 0;
	h.st.received = (uint32_t)a->k.received;
	h.st.lost = (uint32_t)(a->k.fec_recovered + a->k.concealed);
	h.st.fec_recovered = (uint32_t)a->k.fec_recovered;
	h.st.concealed = (uint32_t)a->k.concealed;
	uint64_t dropped = 0;
	for (int i = 1; i < BCAST_VERDICT_MAX; i++)
		dropped += a->k.dropped[i];
	h.st.dropped = (uint32_t)dropped;
	h.st.clock_offset_ms = (int32_t)(a->offset_us / 1000);
	h.st.buffer_ms = (uint32_t)(a->buffered * BCAST_FRAME_MS);
	h.st.uptime_s = (uint32_t)((now - a->started_mono) / 1000000);
	h.st.version = version_number(DALABA_VERSION);
	h.st.audio_errors = (uint32_t)(a->k.write_errors +
	    spk_output_underruns(a->out));
	h.st.free_mb = free_mb(a, now);
	h.st.amp_errors = (uint32_t)a->amp.errors;
	h.st.multicast = (uint8_t)agent_mcast_hears(a, now);
	if (bcast_hello_pack(&h, a->c->key, buf, sizeof(buf)) > 0)
		sendto(a->fd, buf, sizeof(buf), 0, (struct sockaddr *)&a->srv,
		    a->srvlen);
}

/* A reply: the server clock (clock.c), the cookie, the server answering. */
void
agent_on_reply(struct agent *a, const uint8_t *buf, size_t len, int64_t t4)
{
	struct bcast_reply r;
	uint32_t id;
	uint64_t counter;

	/* One reply per HELLO: copies of it (a duplicating network, or a
	 * sniffer re-sending it late) would fill the clock samples with the
	 * same exchange at a wrong round trip, and steer the clock. What is
	 * not an answer to the last HELLO, or lacks this box's ticket, is
	 * refused before its signature is checked: a flood of replies
	 * cannot eat the box's CPU. */
	if (len == 124 && memcmp(buf, "DLBR", 4) == 0 &&
	    t4 - a->old_server_logged > 60000000) {
		/* A reply of a 0.4 server (before the box's volume rode in
		 * it): nothing in it can be taken. Named once a minute. */
		a->old_server_logged = t4;
		dlog(LOG_WARNING, "a reply from an older dalabad (the protocol "
		    "0.4): it cannot be taken; upgrade the server");
	}
	if (bcast_reply_peek(buf, len, &id, &counter) != 0 ||
	    id != a->c->id || counter != a->counter ||
	    a->answered == a->counter)
		return;
	if (bcast_reply_parse(buf, len, a->c->server_pk, a->tkey, &r) !=
	    BCAST_OK || r.speaker_id != a->c->id || r.counter != a->counter)
		return;
	a->answered = a->counter;
	memcpy(a->cookie, r.cookie, BCAST_COOKIE_LEN);
	agent_volume_set(a, r.volume);
	int64_t rtt = (t4 - r.t1_us) - (r.t3_us - r.t2_us);
	/* Each exchange bounds the offset from both sides (clock.c); one
	 * whose round trip is impossible or too long to say anything is
	 * not taken (the reply still counts as the server answering). */
	int taken = clk_add(&a->clk, r.t1_us, r.t2_us, r.t3_us, t4) == 0;
	if (taken)
		a->offset_us = clk_offset(&a->clk, t4);
	if (taken && (!a->synced || a->k.replies == 0))
		/* (synced already: by the clock kept on its storage) */
		dlog(LOG_NOTICE, "clock synced with the server (round trip %lld "
		    "ms)", (long long)(rtt / 1000));
	else if (a->server_lost)
		dlog(LOG_NOTICE, "the server answers again, after %lld s",
		    (long long)((t4 - a->last_reply) / 1000000));
	a->server_lost = 0;
	/* (a box with no clock yet is not synced by a reply it refused) */
	a->synced = a->synced || taken;
	a->last_reply = t4;
	a->hello_interval_ms = a->c->hello_ms;
	a->k.replies++;
}

/* The server did not take the last HELLO (the box or the server started
 * again, a reply was lost, or the box's address changed): say it again
 * at once with the cookie given, at most once a second. */
void
agent_on_challenge(struct agent *a, const uint8_t *buf, size_t len, int64_t now)
{
	struct bcast_challenge ch;

	if (bcast_challenge_parse(buf, len, &ch) != BCAST_OK ||
	    ch.speaker_id != a->c->id || ch.counter != a->counter)
		return;
	memcpy(a->cookie, ch.cookie, BCAST_COOKIE_LEN);
	/* The server may have started again, its clock elsewhere: the
	 * clock samples start afresh with the next reply (the offset in
	 * use stays until then). */
	clk_forget(&a->clk);
	if (now - a->last_rehello >= 1000000) {
		a->last_rehello = now;
		a->next_hello = now;
	}
}
