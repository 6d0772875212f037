/*
 * server_int.h — inside broadcaster/: the server's state, shared by
 * registry.c (speakers, HELLOs), sender.c (streams, the paced sender) and
 * server.c (socket and threads). One mutex guards all of it; the sender
 * holds it only to pick packets and addresses, never while sending.
 */
#ifndef DALABA_BCAST_SERVER_INT_H
#define DALABA_BCAST_SERVER_INT_H

#include <pthread.h>
#include <sys/socket.h>

#include <opus/opus.h>

#include "broadcaster/broadcaster.h"

#define STREAM_QUEUE 32		/* packets, ~1.9 s at 60 ms */

struct spk_entry {
	uint32_t id;
	struct bcast_zone zone;
	uint8_t key[BCAST_SPEAKER_KEY_LEN];
	struct sockaddr_storage addr;
	socklen_t alen;
	uint64_t last_counter;
	int64_t last_heard_us;		/* server clock */
	int64_t last_heard_mono;	/* for the offline timeout */
	struct bcast_status st;
};

struct queued_pkt {
	int64_t due_mono;
	uint16_t len;
	uint8_t data[BCAST_MAX_PACKET];
};

struct bcast_stream {
	struct bcast_server *srv;
	struct bcast_stream *next;
	uint32_t ssrc;
	struct bcast_zone zone;
	enum bcast_priority prio;
	uint8_t volume;
	int64_t delay_us;
	OpusEncoder *enc;
	int16_t pcm[BCAST_FRAME_SAMPLES];
	size_t npcm;
	uint64_t seq;
	uint64_t frames;		/* encoded so far */
	int64_t t0_mono, t0_server;	/* timeline origin; 0 until the first frame */
	struct queued_pkt q[STREAM_QUEUE];
	size_t qhead, qcount;
	int ended;			/* the END packet is queued */
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
	uint64_t packets_sent;
	uint32_t next_ssrc;
	volatile int stop;
	pthread_t rx, tx;
	int threads;
};

/* registry.c */
void reg_handle_datagram(struct bcast_server *s, const uint8_t *buf,
    size_t len, const struct sockaddr_storage *from, socklen_t alen);
/* sender.c */
void *sender_main(void *arg);

#endif
