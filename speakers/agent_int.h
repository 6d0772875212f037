/*
 * agent_int.h — speakers/: the agent's state, shared by agent.c (the loop,
 * the audio path), hello.c (the HELLO exchange and the server clock) and
 * report.c (its stats file and log summary).
 * Private to speakers/.
 */
#ifndef DALABA_AGENT_INT_H
#define DALABA_AGENT_INT_H

#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include <opus/opus.h>

#include "speakers/amp.h"
#include "speakers/clock.h"
#include "speakers/nack.h"
#include "speakers/resample.h"
#include "speakers/simclock.h"
#include "speakers/speaker.h"

#define FRAME_US (BCAST_FRAME_MS * 1000)
#define WINDOW_PAST_US 2000000		/* older presentation times are stale */
#define WINDOW_FUTURE_US 10000000	/* and so are ones this far ahead */
/* The jitter buffer holds every frame the window lets in: 11.5 s of 60 ms
 * frames, so a server that sends far ahead of the presentation time (a
 * long play-out delay to ride out a weak link) loses nothing. About 200 KB. */
#define JB_SLOTS 192
_Static_assert((int64_t)JB_SLOTS * FRAME_US > WINDOW_FUTURE_US,
    "the jitter buffer must hold the whole future window");
/* Past the newest packet, no frame is known to be missing: the stream
 * may have ended (its END packet lost) or paused. PLC fades the last
 * sound out over this many frames, then the box plays silence rather
 * than PLC's buzz until packets come again or the stream stalls. */
#define TAIL_FRAMES 2
#define STREAM_IDLE_US 1500000		/* no packets this long: stalled */
/* A stalled stream is not over: only its END packet ends it, and after a
 * gap (a 4G blip) the box rejoins it where it then is. One that stays
 * silent this long has lost its server, and goes. */
#define STREAM_GIVEUP_US 60000000
#define HELLO_RETRY_MS 300		/* until the first reply */
/* A clock estimate improves with the number of exchanges, not with time
 * (with 20-80 ms of jitter each way only the rare exchange near the
 * shortest delays tells it much): a box that has few HELLOs every 500 ms,
 * four times the default rate, for its first 512 (four minutes), and is
 * within a ms of its neighbours some minutes sooner. One boot costs the
 * server 384 signed replies more. */
#define HELLO_YOUNG_MS 500
#define HELLO_YOUNG_EXCHANGES 512
#define HELLO_MAX_BACKOFF_MS 10000
/* Retransmission, on top of FEC: a missing packet is asked for again when
 * a later one shows the gap, by the rules of nack.c. */
#define NACK_PER_PASS 4			/* NACKs a pass: 132 packets */
/* Packets taken off the socket: RX_BATCH a system call, at most
 * RX_ROUNDS calls before the loop plays what is due. */
#define RX_BATCH 32
#define RX_ROUNDS 8

/* A device that plays on its own clock is kept this far ahead of what it
 * plays (play.c): room for the loop to be late, little taken from the
 * time a lost packet has to come again. */
#define PLAY_LEAD_US 100000
/* A frame resampled at the fastest rate the controller sets, and then some. */
#define RS_OUT_MAX (BCAST_FRAME_SAMPLES + BCAST_FRAME_SAMPLES / 64 + 4)

struct slot {
	uint64_t seq;
	int64_t pts;
	uint8_t used, flags, volume;
	uint16_t len;
	uint8_t data[BCAST_MAX_OPUS];
};

struct agent {
	const struct spk_config *c;
	uint8_t tkey[BCAST_TICKET_KEY_LEN];	/* its packets' tickets */
	int fd;
	/* Room for one more byte than a packet may have: a longer one
	 * reads as too long, not as cut to size. */
	uint8_t rx[RX_BATCH][BCAST_MAX_PACKET + 1];
	struct iovec rx_iov[RX_BATCH];
	struct mmsghdr rx_msgs[RX_BATCH];
	struct sockaddr_storage srv;
	socklen_t srvlen;
	struct bcast_zone zone;
	struct spk_output *out;
	OpusDecoder *dec;
	struct slot jb[JB_SLOTS];
	uint64_t seen[JB_SLOTS];	/* seq+1 of recent packets, for replays */

	int active;
	int started;			/* a frame of this stream was played */
	int stalled;			/* its packets stopped; waiting to rejoin */
	int buffered;			/* packets in jb */
	uint32_t ssrc;
	uint8_t prio;
	uint8_t stream_volume;		/* its packets' (BCAST_VOLUME_DEFAULT:
					 * the box's own) */
	uint64_t next_seq;
	int64_t next_pts;
	int64_t last_rx_mono;
	uint32_t done_ssrc[8];		/* recently ended streams */
	int ndone;
	uint64_t top_seq1;		/* this stream's newest seq + 1; 0 none */
	struct nack_miss miss[JB_SLOTS];
	uint64_t nack_counter;		/* strictly increasing, like HELLO's */

	int synced;
	int64_t offset_us;		/* server clock - our monotonic clock */
	struct clk clk;			/* the exchanges it is estimated from */

	uint64_t counter;
	uint64_t answered;		/* the HELLO counter a reply was taken for */
	uint8_t cookie[BCAST_COOKIE_LEN];	/* the server's, for the next HELLO */
	int64_t last_rehello;		/* when a challenge was last answered */
	int64_t next_hello, last_reply;
	int hello_interval_ms;

	struct amp amp;
	int64_t last_audio_mono;	/* the last frame of sound written */
	int64_t started_mono;		/* the agent's start, for its uptime */
	int64_t old_server_logged;	/* an older server's audio was named */
	int64_t free_checked;		/* when free_mb was last looked at */
	uint32_t free_mb;

	struct carried *carried;	/* carry.c: items held for their slot */
	int own_volume;			/* volume.c: the server's for this box;
					 * -1 the configured one */

	/* mcast.c: the zone's multicast group, once announced. */
	int mfd;			/* -1: none joined */
	uint8_t announce[BCAST_ANNOUNCE_LEN];	/* the last taken */
	struct bcast_announce group;
	int64_t mcast_heard;		/* last audio verified from the group */
	int mcast_said;			/* what the last HELLO said of it */

	struct spk_counters k;
	/* What the log has said: a lost server is named once, and what
	 * was dropped or failed once a minute, not per packet. */
	int server_lost;
	uint64_t played_at_start;	/* k.played when this stream began */
	struct spk_counters logged;	/* the counters at the last summary */
	int64_t next_summary;
	int16_t pcm[BCAST_FRAME_SAMPLES];
	FILE *trace;

	/* play.c: following a device that plays on its own clock */
	struct resampler rs;
	int play_fresh;			/* the resampler starts anew */
	int hard_seen;			/* the last frame saw a jump in time */
	double rate_i;			/* the controller's integral, ppm */
	double rate_ppm;		/* the rate it last set */
	int64_t rate_at;		/* when */
	int16_t rs_out[RS_OUT_MAX];
};

/* agent.c: a verified packet into the jitter buffer; a stream's end
 * (over: it may not start again). */
void agent_take(struct agent *a, const struct bcast_audio *p, int64_t now);
void agent_end_stream(struct agent *a, int over);

/* carry.c: store and forward. carry_take keeps a verified-shape carried
 * packet (checking its signature) and returns 0 if it is also to be
 * played now, 1 if not (kept, or refused and counted). */
int carry_open(struct agent *a, char *err, size_t errlen);
void carry_close(struct agent *a);
int carry_take(struct agent *a, const uint8_t *buf, size_t len,
    const struct bcast_audio *p, int64_t now);
void carry_on_revoke(struct agent *a, const uint8_t *buf, size_t len,
    int64_t now);
/* Air a held item whose slot has come while cut off; report; expire. */
void carry_tick(struct agent *a, int64_t now);
/* The server clock, for a box restarted while cut off. */
void carry_clock_save(struct agent *a);
/* Counters for the stats file. */
void carry_stats(const struct agent *a, FILE *f);

/* play.c: play what is due (µs until the next frame, or -1); how far
 * ahead of its time a frame leaves the jitter buffer; a new stream (or a
 * stream back after a stall) starts the resampler anew. */
int64_t agent_play_due(struct agent *a, int64_t now);
int64_t agent_play_lead_us(struct agent *a);
void agent_play_restart(struct agent *a);

/* volume.c: the box's own volume from the server's replies, kept on its
 * storage; what it plays at when a stream leaves the volume to it, under
 * its max_volume. */
void agent_volume_load(struct agent *a);
void agent_volume_set(struct agent *a, uint8_t v);
int agent_volume(const struct agent *a);

/* report.c */
void agent_write_stats(const struct agent *a);
void agent_log_summary(struct agent *a);

/* hello.c */
void agent_send_hello(struct agent *a, int64_t now);
void agent_on_reply(struct agent *a, const uint8_t *buf, size_t len,
    int64_t t4);
void agent_on_challenge(struct agent *a, const uint8_t *buf, size_t len,
    int64_t now);

/* The audio path (agent.c): a packet from the server's socket, or (group
 * set) from the multicast group, where no ticket is checked. */
void agent_on_audio(struct agent *a, const uint8_t *buf, size_t len,
    int64_t now, int group);

/* mcast.c: an ANNOUNCE from the server; the group's packets, when its
 * socket is readable; does the box hear its group now (audio within the
 * last STREAM_IDLE_US)? */
void agent_on_announce(struct agent *a, const uint8_t *buf, size_t len,
    int64_t now);
void agent_mcast_read(struct agent *a);
int agent_mcast_hears(const struct agent *a, int64_t now);
void agent_mcast_close(struct agent *a);

#endif
