/*
 * server_int.h — inside broadcaster/: the server's state, shared by
 * registry.c (speakers, HELLOs), sender.c (streams, the paced sender) and
 * server.c (socket and threads). One mutex guards all of it; the sender
 * holds it only to pick packets and addresses, never while sending, and a
 * stream's producer not while it encodes and signs a frame.
 */
#ifndef DALABA_BCAST_SERVER_INT_H
#define DALABA_BCAST_SERVER_INT_H

#include <pthread.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <opus/opus.h>

#include "broadcaster/broadcaster.h"

#define STREAM_QUEUE 32		/* packets, ~1.9 s at 60 ms */

/* Retransmission (retransmit.c). A token bucket: up to burst packets at
 * once, refilled at rate a second. */
struct rtx_bucket {
	double tokens;
	int64_t last_mono;		/* 0: full, never used */
};
/* Take one token if there is one: 1, else 0 (rate <= 0: never). */
int rtx_bucket_take(struct rtx_bucket *b, double rate, double burst,
    int64_t now_mono);

/* The packets a stream sent, signed, kept as long as a speaker can still
 * play them (until each one's presentation time), so a NACK gets the very
 * bytes again. A ring indexed by sequence number; it outlives its stream
 * (the last frames are asked for after the stream is closed). */
struct rtx_pkt {
	uint64_t seq1;			/* sequence number + 1; 0 empty */
	int64_t until_mono;		/* useless to anyone after this */
	uint16_t len;
	uint8_t end;			/* the stream's END packet */
	uint8_t data[BCAST_MAX_PACKET];
};
struct rtx_history {
	struct rtx_history *next;
	uint32_t ssrc;
	struct bcast_zone zone;
	enum bcast_priority prio;
	uint32_t only;			/* its stream's one box; 0 all of zone */
	int live;			/* its stream still exists */
	int64_t until_mono;		/* the newest packet's */
	size_t cap;
	struct rtx_pkt pkt[];
};
#define RTX_HISTORY_MAX 170		/* packets: 10.2 s, the longest delay */
/* A history for a stream heard delay_us after it is sent; NULL if out of
 * memory. Free with free(). */
struct rtx_history *rtx_history_new(uint32_t ssrc, const struct bcast_zone *z,
    enum bcast_priority prio, int64_t delay_us);
void rtx_history_put(struct rtx_history *h, uint64_t seq, const uint8_t *data,
    size_t len, int64_t until_mono);
/* The packet seq if it is kept and still of use at now_mono, else NULL. */
const struct rtx_pkt *rtx_history_get(const struct rtx_history *h,
    uint64_t seq, int64_t now_mono);


struct spk_entry {
	uint32_t id;
	struct bcast_zone zone;
	uint8_t key[BCAST_SPEAKER_KEY_LEN];
	uint8_t tkey[BCAST_TICKET_KEY_LEN];	/* its packets' tickets */
	struct sockaddr_storage addr;
	socklen_t alen;
	uint64_t last_counter;		/* of the last HELLO taken */
	uint8_t cookie[BCAST_COOKIE_LEN];	/* the next HELLO from addr echoes it */
	int64_t challenge_s;		/* challenges sent in this second */
	int challenges;
	uint64_t last_nack_counter;	/* NACKs are counted apart from HELLOs */
	uint64_t last_report_counter;	/* and carry reports (carry.c) too */
	struct rtx_bucket rtx;		/* its share of resent packets */
	int64_t last_heard_us;		/* server clock */
	int64_t last_heard_mono;	/* for the offline timeout */
	struct bcast_status st;
	uint8_t volume;			/* its own, told in replies (or DEFAULT) */
	int16_t group;			/* its zone's multicast group; -1 none */
};

/* mcast.c: a zone carried on multicast. Fixed from start to stop. */
struct mcast_group {
	struct bcast_zone zone;
	struct sockaddr_in addr;
	uint8_t announce[BCAST_ANNOUNCE_LEN];	/* signed at start */
};
struct bcast_server;
/* The groups of cfg, announcements signed, the socket's TTL and
 * interface set: 0, or -1 with err. */
int mcast_setup(struct bcast_server *s, const struct bcast_config *cfg,
    char *err, size_t errlen);
/* The group of the most specific multicast zone covering z; -1 none. */
int mcast_group_of(const struct bcast_server *s, const struct bcast_zone *z);

/* carry.c: an item sent ahead of its slot, and the server's list of them.
 * The carrier thread alone frees one. */
#define CARRY_REPORT_QUEUE 4096		/* boxes' AIRED reports not yet taken */
enum { BOX_WANTS = 0, BOX_HOLDS = 1, BOX_FORGOT = 2 };

struct carry {
	struct carry *next;
	uint32_t ssrc;
	struct bcast_zone zone;
	enum bcast_priority prio;
	int64_t first_pts, end_pts;	/* the wire's clock */
	size_t npkt, cursor;
	size_t resume;			/* the box its last tick stopped at */
	uint16_t *len;			/* npkt of them */
	uint8_t **pkt;			/* into one block */
	uint8_t *block;
	size_t bytes;
	uint8_t *box;			/* per registry index */
	size_t nbox;
	int64_t next_pass_mono;
	int revoked;
	int64_t next_revoke_mono;
	uint8_t revoke[BCAST_REVOKE_LEN];
};

struct carry_state {
	struct carry *list;
	size_t bytes;
	struct bcast_carry_report q[CARRY_REPORT_QUEUE];
	size_t qn;
};

/* Lock held. */
struct carry *carry_find(struct bcast_server *s, uint32_t ssrc);
/* Items not revoked that the box at registry index i said it holds. */
int carry_held_by(const struct bcast_server *s, size_t i);

struct queued_pkt {
	int64_t due_mono;
	int64_t until_mono;		/* its presentation time, our clock */
	int64_t pts;			/* the same on the wire's clock */
	uint64_t seq;
	uint16_t len;
	uint8_t end;			/* the stream's END packet */
	uint8_t data[BCAST_MAX_PACKET];
};

struct bcast_stream {
	struct bcast_server *srv;
	struct bcast_stream *next;
	uint32_t ssrc;
	struct bcast_zone zone;
	uint32_t only;			/* 0: every box of zone; else that one */
	enum bcast_priority prio;
	uint8_t volume;
	int64_t delay_us;
	OpusEncoder *enc;
	struct rtx_history *hist;	/* owned by the server's list */
	int16_t pcm[BCAST_FRAME_SAMPLES];
	size_t npcm;
	uint64_t seq;
	uint64_t frames;		/* encoded so far */
	int64_t t0_mono, t0_server;	/* timeline origin; 0 until the first frame */
	struct queued_pkt q[STREAM_QUEUE];
	size_t qhead, qcount;
	int ended;			/* the END packet is queued */
	struct carry *carried;		/* its frames are this item's (carry.c) */
	int cancelled;
	int sending;			/* the sender is between batches of one of
					 * its packets, the lock dropped: it must
					 * not be freed under it */
};

struct enroll_token {
	char token[BCAST_TOKEN_LEN + 1];
	uint32_t id;
	char zone[13];
	int64_t expires_mono;
};

#define MAX_TOKENS 256

struct bcast_server {
	struct enroll_token tokens[MAX_TOKENS];
	int ntokens;
	int fd;
	int port;
	uint8_t sk[BCAST_SK_LEN];
	int offline_after_ms;
	pthread_mutex_t lock;
	pthread_cond_t cond;		/* queues changed */
	struct spk_entry *spk;
	size_t nspk, cap;
	/* id -> index + 1 into spk, open addressing, 0 empty; twice cap.
	 * Every HELLO looks its speaker up: a county's ten thousand boxes
	 * say HELLO 5000 times a second, each a scan under the lock before. */
	uint32_t *idx;
	size_t idx_cap;
	struct bcast_stream *streams;
	struct rtx_history *hist;	/* every stream's, and recent ended ones' */
	double rtx_box_pps, rtx_box_burst, rtx_total_pps, rtx_total_burst;
	struct rtx_bucket rtx_total;
	struct bcast_rtx_stats rtx;
	/* What one NACK gets, for the receiver thread to send unlocked. */
	uint8_t rtx_out[BCAST_NACK_SPAN][BCAST_MAX_PACKET];
	uint16_t rtx_out_len[BCAST_NACK_SPAN];
	/* The wire's clock (timeline.c): base + monotonic time since mono0. */
	int64_t tl_base, tl_mono0;
	int64_t tl_high;		/* the last presentation time sent */
	int64_t tl_saved;		/* the file says this: past tl_high */
	int tl_fd;			/* -1: not kept */
	char tl_path[512];
	uint64_t packets_sent;		/* to boxes, one by one */
	uint64_t packets_multicast;	/* to groups */
	struct mcast_group *groups;
	int ngroups;
	uint64_t challenges;		/* HELLOs not taken, answered */
	int64_t old_hello_logged;	/* when an older box's HELLO was named */
	uint8_t cookie_secret[32];	/* addresses' cookies; new each start */
	uint32_t next_ssrc;
	struct carry_state *carry;	/* carry.c: items sent ahead of their slot */
	volatile int stop;
	pthread_t rx, tx, cx;
	int threads;
};

/* registry.c */
/* The speaker with this id, or NULL. Lock held. */
struct spk_entry *reg_find(struct bcast_server *s, uint32_t id);
void reg_handle_datagram(struct bcast_server *s, const uint8_t *buf,
    size_t len, const struct sockaddr_storage *from, socklen_t alen);
/* retransmit.c: a NACK from a registered speaker (lock not held). */
void rtx_handle_nack(struct bcast_server *s, const uint8_t *buf, size_t len,
    uint32_t id);
/* Free the histories of ended streams that nobody can use any more. Lock held. */
void rtx_sweep(struct bcast_server *s, int64_t now_mono);
/* timeline.c: start the wire's clock from the file at path (NULL: from
 * the system clock, not kept); note a presentation time queued (lock
 * held); write it down exactly at stop. */
void timeline_open(struct bcast_server *s, const char *path);
/* (called for each packet as it is sent, lock held) */
void timeline_sent(struct bcast_server *s, int64_t pts);
void timeline_close(struct bcast_server *s);
/* carry.c: the carrier thread; a box's carry report (lock not held). */
int carry_start(struct bcast_server *s);
void carry_stop(struct bcast_server *s);	/* after joining cx */
void carry_handle_report(struct bcast_server *s, const uint8_t *buf,
    size_t len, uint32_t id);
/* sender.c */
void *sender_main(void *arg);
/* Does a stream of a higher priority than prio cover zone z? Lock held. */
int sender_claimed_above(struct bcast_server *s, enum bcast_priority prio,
    const struct bcast_zone *z);

#endif
