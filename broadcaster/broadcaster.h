/*
 * broadcaster.h — PCM to signed Opus RTP, fanned out to loudspeakers, and
 * the wire protocol both ends share (speakers/ links this module for
 * parsing and verifying; it has no GLib in it), and the one WAV header
 * layout (tts/, speakers/ and dalaba-broadcast all link this module).
 * The protocol, packet by packet, is written up in broadcaster/README.md:
 * audio is plain RTP (RFC 3550) with Opus (RFC 7587, PT 96) and one RFC
 * 8285 extension block (presentation time, zone, class, flags, volume; the
 * server's Ed25519 signature), 60 ms a packet to stay under 32 kb/s;
 * control packets start with "DLB": HELLO, reply, challenge, NACK, carry
 * report and revoke.
 */
#ifndef DALABA_BROADCASTER_H
#define DALABA_BROADCASTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The wire protocol's version: boxes and servers of others cannot hear
 * each other (each logs what it hears from the other). */
#define BCAST_PROTOCOL "0.5"
#define BCAST_RATE 48000		/* RTP clock and PCM rate */
#define BCAST_FRAME_MS 60
#define BCAST_FRAME_SAMPLES (BCAST_RATE * BCAST_FRAME_MS / 1000)
#define BCAST_OPUS_BITRATE 13000
#define BCAST_PT 96
#define BCAST_MAX_PACKET 1400		/* never fragment */
#define BCAST_MAX_OPUS 1000
#define BCAST_SIG_LEN 64
#define BCAST_PK_LEN 32
#define BCAST_SK_LEN 64
#define BCAST_SPEAKER_KEY_LEN 32

/* Priority classes, low to high. URGENT is a village's or township's own
 * cut-in (插播): above routine items of every class on its speakers, below
 * the county's emergency pages. On the wire the byte keeps 3 for
 * emergency and an urgent stream goes as county with BCAST_FLAG_URGENT
 * (broadcaster/README.md). */
enum bcast_priority {
	BCAST_PRIO_VILLAGE = 0,
	BCAST_PRIO_TOWNSHIP = 1,
	BCAST_PRIO_COUNTY = 2,
	BCAST_PRIO_URGENT = 3,
	BCAST_PRIO_EMERGENCY = 4,
};

#define BCAST_FLAG_START 0x01		/* first packet of a stream */
#define BCAST_FLAG_END 0x02		/* last packet of a stream */
#define BCAST_FLAG_CARRY 0x04		/* of an item sent ahead of its slot */
#define BCAST_FLAG_URGENT 0x08		/* an urgent cut-in: bcast_audio_pack
					 * sets it from BCAST_PRIO_URGENT */
#define BCAST_VOLUME_DEFAULT 0xFF	/* the speaker keeps its own */

/* ---- zones ------------------------------------------------------------------ */

/* Administrative division codes: county 6 digits, township 9, village 12.
 * A target covers every zone with its prefix; 0 digits covers all. */
struct bcast_zone {
	uint64_t code;		/* the digits as a number */
	uint8_t digits;		/* 0, 6, 9 or 12 */
};

/* Parse "110101001" (6, 9 or 12 digits; "" or "*" for all). */
int bcast_zone_parse(const char *s, struct bcast_zone *z);
/* Does target cover zone (a speaker's 12-digit zone, or any)? */
bool bcast_zone_covers(const struct bcast_zone *target,
    const struct bcast_zone *zone);
/* Format as digits into out (13 bytes), "*" for all. */
void bcast_zone_format(const struct bcast_zone *z, char out[13]);

/* ---- audio packets ------------------------------------------------------------- */

struct bcast_audio {
	uint32_t ssrc;		/* the stream id */
	uint64_t seq;		/* extended sequence number (48 bits used) */
	uint32_t timestamp;	/* RTP timestamp, 48 kHz */
	int64_t pts_us;		/* presentation time, server clock */
	struct bcast_zone zone;
	uint8_t priority;
	uint8_t flags;
	uint8_t volume;
	bool marker;
	const uint8_t *opus;	/* points into the packet */
	size_t opus_len;
};

/* Build and sign a packet into buf; returns its length or -1. Its
 * ticket (below) is zero: whoever sends it to a box sets the box's. */
int bcast_audio_pack(const struct bcast_audio *a, const uint8_t *sk,
    uint8_t *buf, size_t cap);

/* The ticket: a cheap filter in front of the signature (broadcaster/
 * README.md). Each packet a box is sent carries in its RTP padding (not
 * signed: one signed packet goes to every box) 4 bytes of SipHash-2-4 of
 * the whole packet under a key only that box and the server hold; the
 * box checks it, in well under a microsecond, before it spends ~60 µs on
 * the signature. Authenticity is still the signature's. */
#define BCAST_TICKET_LEN 4
#define BCAST_TICKET_KEY_LEN 16
/* RTP padding (RFC 3550 5.1): the ticket, then the padding's length. */
#define BCAST_TRAILER_LEN (BCAST_TICKET_LEN + 1)
/* A box's ticket key, from its enrolment key. */
void bcast_ticket_key(const uint8_t box_key[BCAST_SPEAKER_KEY_LEN],
    uint8_t tkey[BCAST_TICKET_KEY_LEN]);
/* The trailer (ticket and padding length) of packet pkt (len bytes, its
 * trailer included) for the box whose ticket key is tkey. */
void bcast_ticket_make(const uint8_t tkey[BCAST_TICKET_KEY_LEN],
    const uint8_t *pkt, size_t len, uint8_t trailer[BCAST_TRAILER_LEN]);
/* Write that trailer into pkt's last BCAST_TRAILER_LEN bytes. */
void bcast_ticket_set(const uint8_t tkey[BCAST_TICKET_KEY_LEN], uint8_t *pkt,
    size_t len);
/* 1 if pkt (already shape-checked by bcast_audio_peek) carries the
 * ticket of tkey, in constant time; else 0. */
int bcast_ticket_check(const uint8_t tkey[BCAST_TICKET_KEY_LEN],
    const uint8_t *pkt, size_t len);

/* Why a packet was refused. Speakers count each. */
enum bcast_verdict {
	BCAST_OK = 0,
	BCAST_BAD_FORMAT,	/* truncated, not RTP, wrong extension shape */
	BCAST_BAD_SIGNATURE,	/* unsigned, forged or altered */
	BCAST_REPLAYED,		/* sequence already seen or too old */
	BCAST_STALE,		/* presentation time outside the window */
	BCAST_WRONG_ZONE,	/* not for this speaker's zone */
	BCAST_BAD_TICKET,	/* not this box's ticket: not sent to it */
	BCAST_VERDICT_MAX,
};
const char *bcast_verdict_name(enum bcast_verdict v);

/* Parse a packet, checking its shape and its signature with the server's
 * public key (not its ticket). On BCAST_OK, a->opus points into buf.
 * Never reads past len. */
enum bcast_verdict bcast_audio_parse(const uint8_t *buf, size_t len,
    const uint8_t *pk, struct bcast_audio *a);
/* The same without the signature (a->* not to be trusted yet): for a
 * box's checks before it verifies, and for simulators. */
enum bcast_verdict bcast_audio_peek(const uint8_t *buf, size_t len,
    struct bcast_audio *a);
/* The signature alone, of a packet bcast_audio_peek took. */
enum bcast_verdict bcast_audio_verify(const uint8_t *buf, size_t len,
    const uint8_t *pk);

/* The audio packet's layout, in byte offsets from its start: the 12-byte
 * RTP header, the 4-byte RFC 8285 extension header, element 1 (id, length,
 * BCAST_META_LEN bytes), element 2 (id, length, the signature), then Opus,
 * then the RTP padding with the ticket (BCAST_TRAILER_LEN bytes).
 * Named once here for wire.c and for the tools that build or damage
 * packets on purpose (tests/fuzz, tests/forge.c, bench/). */
#define BCAST_AUDIO_OFF_SEQ 2		/* RTP sequence number, low 16 bits */
#define BCAST_AUDIO_OFF_TS 4		/* RTP timestamp */
#define BCAST_AUDIO_OFF_SSRC 8
#define BCAST_AUDIO_OFF_EXT 12		/* profile, then length in words */
#define BCAST_AUDIO_OFF_META 16		/* element 1: id, length */
#define BCAST_META_LEN 24
#define BCAST_AUDIO_OFF_PTS (BCAST_AUDIO_OFF_META + 2)		/* 8 bytes */
#define BCAST_AUDIO_OFF_ZONE (BCAST_AUDIO_OFF_PTS + 8)		/* 8 bytes */
#define BCAST_AUDIO_OFF_DIGITS (BCAST_AUDIO_OFF_ZONE + 8)
#define BCAST_AUDIO_OFF_PRIO (BCAST_AUDIO_OFF_DIGITS + 1)
#define BCAST_AUDIO_OFF_FLAGS (BCAST_AUDIO_OFF_PRIO + 1)
#define BCAST_AUDIO_OFF_VOLUME (BCAST_AUDIO_OFF_FLAGS + 1)
#define BCAST_AUDIO_OFF_SEQ_HI (BCAST_AUDIO_OFF_VOLUME + 1)	/* 4 bytes */
/* Element 2: id, length. The signature covers the packet without it: the
 * BCAST_AUDIO_OFF_SIG_ELEM bytes before it, then the payload. */
#define BCAST_AUDIO_OFF_SIG_ELEM (BCAST_AUDIO_OFF_META + 2 + BCAST_META_LEN)
#define BCAST_AUDIO_OFF_SIG (BCAST_AUDIO_OFF_SIG_ELEM + 2)
#define BCAST_HDR_LEN (BCAST_AUDIO_OFF_SIG + BCAST_SIG_LEN)	/* the payload */

/* ---- control packets ------------------------------------------------------------- */

enum bcast_spk_state {
	BCAST_STATE_IDLE = 0,
	BCAST_STATE_PLAYING = 1,
};

struct bcast_status {
	uint8_t state;
	uint8_t priority;	/* of what is playing */
	uint8_t volume;
	uint8_t amp_on;
	uint32_t playing_ssrc;
	uint32_t buffer_ms;
	uint32_t received, lost, fec_recovered, concealed, dropped;
	int32_t clock_offset_ms;
	/* Its health: what a technician asks before driving out. */
	uint32_t uptime_s;	/* since the agent started */
	uint32_t version;	/* the agent's, major << 16 | minor << 8 | patch */
	uint32_t audio_errors;	/* ALSA underruns and failed writes */
	uint32_t free_mb;	/* free storage where its state lives;
				 * UINT32_MAX: not known */
	uint32_t amp_errors;	/* amplifier commands failed or killed */
	/* It hears its zone's multicast group (audio came on it lately):
	 * the top bit of the state byte on the wire. */
	uint8_t multicast;
};

/*
 * A HELLO is taken only if it echoes the cookie the server gave last: the
 * cookie of the box's address as registered (it changes with every HELLO
 * taken, so a HELLO seen cannot be taken twice), or, from an address not
 * yet registered, the cookie of that address (so a box moves only to an
 * address that proves it receives). Any other HELLO with a good MAC gets a
 * CHALLENGE ("DLBC", smaller than the HELLO: no amplification) with the
 * cookie to use, and changes nothing. Neither side needs a clock for
 * this: a box that boots into 1970, or whose counter went back, answers
 * the challenge like any other.
 */
#define BCAST_COOKIE_LEN 16

struct bcast_hello {
	uint32_t speaker_id;
	uint64_t counter;	/* the box's own; a reply echoes it */
	int64_t t1_us;		/* speaker clock at send */
	struct bcast_status st;
	uint8_t cookie[BCAST_COOKIE_LEN];	/* the last one given; 0s: none */
};

struct bcast_reply {
	uint32_t speaker_id;
	uint64_t counter;	/* echoed */
	int64_t t1_us;		/* echoed */
	int64_t t2_us;		/* server clock at receive */
	int64_t t3_us;		/* server clock at send */
	uint8_t cookie[BCAST_COOKIE_LEN];	/* for the next HELLO */
	/* The box's own volume as set on the server (0-100), or
	 * BCAST_VOLUME_DEFAULT: the one in its configuration. Per box, so it
	 * rides in the reply (signed for that box alone), never in audio
	 * packets (signed once for all). The box keeps it across restarts
	 * and a lost link, and its max_volume still caps it. */
	uint8_t volume;
};

/* A CHALLENGE: the HELLO was not taken; say it again with this cookie.
 * Not signed (the box checks the counter it echoes, and a forged one
 * costs it one more round trip, no more). */
struct bcast_challenge {
	uint32_t speaker_id;
	uint64_t counter;	/* echoed */
	uint8_t cookie[BCAST_COOKIE_LEN];
};

/* The control packets' layout, in byte offsets: "DLBH" or "DLBR", then
 * the speaker id, the counter and t1 in both. */
#define BCAST_CTL_OFF_ID 4
#define BCAST_CTL_OFF_COUNTER 8
#define BCAST_CTL_OFF_T1 16
/* A HELLO: the status, then HMAC-SHA-256 over everything before it. */
#define BCAST_HELLO_OFF_STATE 24
#define BCAST_HELLO_OFF_PRIO 25
#define BCAST_HELLO_OFF_VOLUME 26
#define BCAST_HELLO_OFF_AMP 27
#define BCAST_HELLO_OFF_SSRC 28
#define BCAST_HELLO_OFF_BUFFER 32
#define BCAST_HELLO_OFF_RECEIVED 36
#define BCAST_HELLO_OFF_LOST 40
#define BCAST_HELLO_OFF_FEC 44
#define BCAST_HELLO_OFF_CONCEALED 48
#define BCAST_HELLO_OFF_DROPPED 52
#define BCAST_HELLO_OFF_CLOCK 56
#define BCAST_HELLO_OFF_COOKIE 60
#define BCAST_HELLO_OFF_UPTIME 76
#define BCAST_HELLO_OFF_VERSION 80
#define BCAST_HELLO_OFF_AUDIO_ERRORS 84
#define BCAST_HELLO_OFF_FREE_MB 88
#define BCAST_HELLO_OFF_AMP_ERRORS 92
#define BCAST_HELLO_OFF_MAC 96
#define BCAST_HELLO_MAC_LEN 32		/* HMAC-SHA-256 */
#define BCAST_HELLO_LEN (BCAST_HELLO_OFF_MAC + BCAST_HELLO_MAC_LEN)
/* A reply: t2, t3, the next cookie, the box's volume and 3 zero bytes
 * (room for more of the box's own settings), then the server's signature
 * over everything before it. */
#define BCAST_REPLY_OFF_T2 24
#define BCAST_REPLY_OFF_T3 32
#define BCAST_REPLY_OFF_COOKIE 40
#define BCAST_REPLY_OFF_VOLUME 56
#define BCAST_REPLY_OFF_SIG 60
/* The box's ticket over the signed reply: a forged reply is refused
 * without a signature check (as audio packets are). */
#define BCAST_REPLY_OFF_TICKET (BCAST_REPLY_OFF_SIG + BCAST_SIG_LEN)
#define BCAST_REPLY_LEN (BCAST_REPLY_OFF_TICKET + BCAST_TICKET_LEN)
/* A challenge: "DLBC", the id, the counter, the cookie. */
#define BCAST_CHALLENGE_OFF_COOKIE 16
#define BCAST_CHALLENGE_LEN (BCAST_CHALLENGE_OFF_COOKIE + BCAST_COOKIE_LEN)

/* A NACK ("DLBN"): the speaker id and a counter as in a HELLO (strictly
 * increasing, but its own: NACKs and HELLOs are counted apart, so a NACK
 * never makes the reply to a HELLO look stale), the stream, the first
 * missing extended sequence number and a bitmap of the 32 after it (bit i:
 * base + 1 + i is missing too, as in RFC 4585's generic NACK), then
 * HMAC-SHA-256 with the speaker's key over everything before it. At most
 * BCAST_NACK_SPAN packets per NACK. */
#define BCAST_NACK_OFF_SSRC 16
#define BCAST_NACK_OFF_BASE 20		/* 8 bytes */
#define BCAST_NACK_OFF_BITMAP 28
#define BCAST_NACK_OFF_MAC 32
#define BCAST_NACK_LEN (BCAST_NACK_OFF_MAC + BCAST_HELLO_MAC_LEN)
#define BCAST_NACK_SPAN 33		/* base and the 32 of the bitmap */

struct bcast_nack {
	uint32_t speaker_id;
	uint64_t counter;	/* strictly increasing per speaker */
	uint32_t ssrc;		/* the stream */
	uint64_t base;		/* missing: base ... */
	uint32_t bitmap;	/* ... and base + 1 + i for each bit i set */
};

int bcast_hello_pack(const struct bcast_hello *h, const uint8_t *key,
    uint8_t *buf, size_t cap);
/* Read the speaker id of a HELLO (to look its key up); -1 if not a HELLO. */
int bcast_hello_peek_id(const uint8_t *buf, size_t len, uint32_t *id);
enum bcast_verdict bcast_hello_parse(const uint8_t *buf, size_t len,
    const uint8_t *key, struct bcast_hello *h);
/* Signed by sk, with the ticket of the box whose ticket key is tkey. */
int bcast_reply_pack(const struct bcast_reply *r, const uint8_t *sk,
    const uint8_t tkey[BCAST_TICKET_KEY_LEN], uint8_t *buf, size_t cap);
/* The ticket first (unless tkey is NULL), then the signature. */
enum bcast_verdict bcast_reply_parse(const uint8_t *buf, size_t len,
    const uint8_t *pk, const uint8_t tkey[BCAST_TICKET_KEY_LEN],
    struct bcast_reply *r);

/* A reply's speaker id and HELLO counter, NOT verified (a box's check
 * before the signature's). 0, or -1 if buf is not reply-shaped. */
int bcast_reply_peek(const uint8_t *buf, size_t len, uint32_t *id,
    uint64_t *counter);

int bcast_challenge_pack(const struct bcast_challenge *c, uint8_t *buf,
    size_t cap);
enum bcast_verdict bcast_challenge_parse(const uint8_t *buf, size_t len,
    struct bcast_challenge *c);

/* For simulators and tests that play many boxes at little cost: if buf
 * is a reply or a challenge to speaker id, copy its cookie out (NOT
 * verified: a box checks the reply's signature first) and return 1 for a
 * reply, 2 for a challenge; else 0. */
int bcast_ctl_cookie(const uint8_t *buf, size_t len, uint32_t id,
    uint8_t cookie[BCAST_COOKIE_LEN]);

int bcast_nack_pack(const struct bcast_nack *n, const uint8_t *key,
    uint8_t *buf, size_t cap);
/* Read the speaker id of a NACK (to look its key up); -1 if not a NACK. */
int bcast_nack_peek_id(const uint8_t *buf, size_t len, uint32_t *id);
enum bcast_verdict bcast_nack_parse(const uint8_t *buf, size_t len,
    const uint8_t *key, struct bcast_nack *n);

/* ---- keys and clocks ---------------------------------------------------------------- */

/* The system clock: CLOCK_REALTIME in µs (a box's HELLO counter; times
 * shown to people). */
int64_t bcast_server_now_us(void);
struct bcast_server;
/* The wire's clock of a server, in µs: presentation times and clock
 * replies. The system clock at start, then monotonic, and never behind
 * what it was before a restart (timeline.c). */
int64_t bcast_server_time_us(const struct bcast_server *s);
/* CLOCK_MONOTONIC in µs, for pacing and for speakers' own clocks. */
int64_t bcast_mono_now_us(void);

/* Hex helpers: 0 on success, -1 if s is not exactly 2*len hex digits. */
int bcast_hex_decode(const char *s, uint8_t *out, size_t len);
void bcast_hex_encode(const uint8_t *in, size_t len, char *out);

/* Load the server key pair from path (hex secret key, one line), or create
 * it (mode 0600, written atomically) if absent. */
int bcast_server_key_load(const char *path, uint8_t pk[BCAST_PK_LEN],
    uint8_t sk[BCAST_SK_LEN], char *err, size_t errlen);

/* ---- the server: registry, streams, sender ------------------------------------------- */

struct bcast_server;

struct bcast_config {
	const char *bind_addr;		/* default 0.0.0.0 */
	int port;			/* 0: 5004; -1: any free port */
	const uint8_t *sk;		/* server secret key */
	int offline_after_ms;		/* silent this long = offline (default 15000) */
	/* Packets resent on NACKs, a second: per speaker (0: the default,
	 * BCAST_RTX_BOX_PPS) and for the whole server (0: BCAST_RTX_TOTAL_PPS);
	 * negative: none. Each may burst to a second's worth (a speaker to
	 * BCAST_RTX_BOX_BURST). */
	int rtx_box_pps;
	int rtx_total_pps;
	/* Where the wire's clock is kept across restarts (timeline.c), so
	 * that no presentation time is used twice; NULL: not kept. */
	const char *timeline_path;
	/* Zones carried on IP multicast (mcast.c): each packet of a stream
	 * goes once to the group of every such zone inside the stream's,
	 * and unicast only to the boxes there that do not hear the group. */
	const struct bcast_mcast *mcast;
	int nmcast;
	int mcast_ttl;			/* 0: 1 (the village network only) */
};

/* One zone's multicast group. */
struct bcast_mcast {
	char zone[13];
	char group[16];			/* IPv4, 224.0.1.0-239.255.255.255 */
	int port;			/* 0: the server's port */
};
#define BCAST_MCAST_MAX 256

/* A multicast ANNOUNCE ("DLBM"), sent to each box of a zone that has a
 * group, after each reply: the zone (12 ASCII digits, zero-padded), the
 * group's IPv4 address and port, signed once by the server for all. A box
 * joins the group of the most specific zone that covers its own, takes
 * audio from it as from the server itself (the same signed packets; the
 * ticket is not checked there: one copy serves every box), and says in
 * each HELLO whether it hears it; a box that does not is sent its packets
 * one by one as before. */
#define BCAST_ANNOUNCE_OFF_ZONE 4
#define BCAST_ANNOUNCE_OFF_GROUP 16
#define BCAST_ANNOUNCE_OFF_PORT 20
#define BCAST_ANNOUNCE_OFF_SIG 24
#define BCAST_ANNOUNCE_LEN (BCAST_ANNOUNCE_OFF_SIG + BCAST_SIG_LEN)
struct bcast_announce {
	char zone[13];
	uint8_t group[4];		/* network order */
	uint16_t port;
};
int bcast_announce_pack(const struct bcast_announce *m, const uint8_t *sk,
    uint8_t *buf, size_t cap);
/* Quick shape check (length and magic): 0 if it is one. */
int bcast_announce_peek(const uint8_t *buf, size_t len);
enum bcast_verdict bcast_announce_parse(const uint8_t *buf, size_t len,
    const uint8_t *pk, struct bcast_announce *m);
/* 5 a second is 30 % of a stream's 16.7: a box at 10 % loss needs about
 * 1.9 (its losses and the resends lost again); a burst of 10 covers a
 * programme's 600 ms delay after a blip. */
#define BCAST_RTX_BOX_PPS 5
#define BCAST_RTX_BOX_BURST 10
#define BCAST_RTX_TOTAL_PPS 4000

/* What the server did with NACKs. */
struct bcast_rtx_stats {
	uint64_t nacks;			/* authentic, new, from an online speaker */
	uint64_t refused;		/* unknown speaker, bad MAC, replayed, offline */
	uint64_t asked;			/* packets the accepted NACKs asked for */
	uint64_t resent;		/* packets sent again */
	uint64_t resent_bytes;		/* their UDP payload */
	uint64_t limited;		/* not sent: over a budget */
	uint64_t unavailable;		/* not sent: not kept, too late, not theirs */
};

struct bcast_speaker_info {
	uint32_t id;
	char zone[13];
	bool online;
	int64_t last_heard_us;		/* server clock; 0 if never */
	char addr[64];
	struct bcast_status st;
	/* It should say it plays: a stream covering its zone is on the air
	 * BCAST_DUE_AFTER_MS past its first audio, and it said HELLO since. */
	bool due;
	/* Items carried ahead of their slot it said it holds (store and
	 * forward: what it can air if its link fails). */
	int carried;
};
#define BCAST_DUE_AFTER_MS 3000

struct bcast_server *bcast_server_new(const struct bcast_config *cfg,
    char *err, size_t errlen);
/* Stop the threads, close the socket, free. NULL is a no-op. */
void bcast_server_free(struct bcast_server *s);
int bcast_server_port(const struct bcast_server *s);

/* Registry: speakers allowed to join. Replaces an entry with the same id. */
int bcast_registry_add(struct bcast_server *s, uint32_t id, const char *zone,
    const uint8_t key[BCAST_SPEAKER_KEY_LEN], char *err, size_t errlen);
/* Lines "ID ZONE KEYHEX", '#' comments. */
int bcast_registry_load(struct bcast_server *s, const char *path, char *err,
    size_t errlen);
/* Snapshot of up to max speakers (addr left empty); returns how many
 * there are in all. */
size_t bcast_registry_list(struct bcast_server *s,
    struct bcast_speaker_info *out, size_t max);
/* One speaker, with its address: 0, or -1 if it is not registered. */
int bcast_registry_get(struct bcast_server *s, uint32_t id,
    struct bcast_speaker_info *out);
/* The box's own volume (0-100; -1: its configured one), told it in every
 * reply to its HELLOs from now on. 0, or -1 if it is not registered. */
int bcast_registry_set_volume(struct bcast_server *s, uint32_t id,
    int volume);
/* All of them (addr left empty), in a calloc'd array (free() it); *n gets
 * the count. NULL only when out of memory. */
struct bcast_speaker_info *bcast_registry_snapshot(struct bcast_server *s,
    size_t *n);

/* A stream of audio to a zone. Write 48 kHz mono PCM at any pace; the
 * sender thread sends each 60 ms packet when due, so speakers hear it
 * delay_ms after it is due to leave (the jitter allowance). */
struct bcast_stream;
struct bcast_stream *bcast_stream_open(struct bcast_server *s,
    const char *zone, enum bcast_priority prio, int volume, int delay_ms,
    char *err, size_t errlen);
/* Queue PCM; blocks while more than max_ahead_ms is queued so a fast
 * producer (TTS) does not buffer a whole notice. Returns -1 if cancelled. */
int bcast_stream_write(struct bcast_stream *st, const int16_t *pcm,
    size_t frames);
/* Flush the last partial frame, mark the end, wait until it is all sent,
 * and free the stream. */
int bcast_stream_close(struct bcast_stream *st);
/* Stop now: drop what is queued, send an end packet, free. */
void bcast_stream_cancel(struct bcast_stream *st);
uint32_t bcast_stream_ssrc(const struct bcast_stream *st);
/* A stream to one box alone (a test tone): sent to speaker id and to no
 * other box of its zone, NACKs answered for it alone, and the others not
 * counted as due to play it. NULL with err if id is not registered. */
struct bcast_stream *bcast_stream_open_one(struct bcast_server *s,
    uint32_t id, enum bcast_priority prio, int volume, int delay_ms,
    char *err, size_t errlen);
/* Packets sent so far by this server (all streams, all speakers). */
uint64_t bcast_server_packets_sent(struct bcast_server *s);
/* Audio packets sent to multicast groups (one per group, not per box). */
uint64_t bcast_server_packets_multicast(struct bcast_server *s);
/* HELLOs not taken (no right cookie) and answered with a challenge. */
uint64_t bcast_server_challenges(struct bcast_server *s);
/* What retransmission did so far (broadcaster.h's struct). */
void bcast_server_rtx_stats(struct bcast_server *s, struct bcast_rtx_stats *out);
/* Wait until no packet this server sent can still be played, so a last
 * NACK is answered: for a program about to exit after its last stream
 * (at most the longest play-out delay, ~10 s). */
void bcast_server_drain(struct bcast_server *s);
/* CPU time the sender thread has used, µs (for monitoring and benchmarks). */
int64_t bcast_server_sender_cpu_us(struct bcast_server *s);

/* ---- store and forward (carry.c, carry_wire.c) ------------------------------------------ */

/*
 * A scheduled item is carried to the boxes of its zone ahead of its slot:
 * its signed packets (BCAST_FLAG_CARRY, presentation times at the slot),
 * paced under the live audio, until each box reports it holds them all.
 * A box cut off at the slot airs its copy by its own clock. Box to
 * server, a CARRY REPORT ("DLBA", HMAC with the box's key, its own
 * counter): held, aired from its copy, or forgotten. Server to box, a
 * REVOKE ("DLBX", signed once, the box's ticket after it): forget the
 * item (cancelled, replaced, or its airing recorded).
 */
enum bcast_carry_kind {
	BCAST_CARRY_HELD = 1,		/* every packet of the item is stored */
	BCAST_CARRY_AIRED = 2,		/* aired from the box's copy */
	BCAST_CARRY_FORGOTTEN = 3,	/* revoked: gone from the box */
};
struct bcast_carry_report {
	uint32_t speaker_id;
	uint64_t counter;		/* strictly increasing, its own */
	uint32_t ssrc;			/* the item */
	uint8_t kind;
	uint32_t held;			/* packets stored */
	int64_t aired_pts;		/* AIRED: first frame aired, wire clock */
	uint32_t played;		/* AIRED: frames played from the copy */
};
#define BCAST_CREPORT_LEN 72
#define BCAST_REVOKE_SIGNED 12		/* "DLBX", ssrc, reason, 3 zero bytes */
#define BCAST_REVOKE_LEN (BCAST_REVOKE_SIGNED + BCAST_SIG_LEN + BCAST_TICKET_LEN)
enum { BCAST_REVOKE_CANCELLED = 1, BCAST_REVOKE_DONE = 2 };

int bcast_creport_pack(const struct bcast_carry_report *r, const uint8_t *key,
    uint8_t *buf, size_t cap);
int bcast_creport_peek_id(const uint8_t *buf, size_t len, uint32_t *id);
enum bcast_verdict bcast_creport_parse(const uint8_t *buf, size_t len,
    const uint8_t *key, struct bcast_carry_report *r);
/* Sign a revoke into buf (BCAST_REVOKE_LEN; its ticket left zero). */
void bcast_revoke_sign(uint32_t ssrc, int reason, const uint8_t *sk,
    uint8_t buf[BCAST_REVOKE_LEN]);
/* The ticket first (unless tkey is NULL), then the signature. */
enum bcast_verdict bcast_revoke_parse(const uint8_t *buf, size_t len,
    const uint8_t *pk, const uint8_t tkey[BCAST_TICKET_KEY_LEN],
    uint32_t *ssrc, int *reason);

/* Carry PCM (48 kHz mono) to the boxes of zone, to be heard from pts_us
 * (the wire's clock) on. Encodes it all (in the caller's thread) into
 * signed packets kept until the item has aired. 0 with *ssrc, or -1. */
int bcast_carry_new(struct bcast_server *s, const char *zone,
    enum bcast_priority prio, int volume, int64_t pts_us, const int16_t *pcm,
    size_t frames, uint32_t *ssrc, char *err, size_t errlen);
/* Forget an item, the boxes told until each confirms. A carry the server
 * lost (a restart) is revoked by its zone and end all the same. */
void bcast_carry_revoke(struct bcast_server *s, uint32_t ssrc, const char *zone,
    int64_t end_pts_us, int reason);
/* How many boxes said they hold the item (-1: not carried here). */
int bcast_carry_held(struct bcast_server *s, uint32_t ssrc);
/* The AIRED reports taken since the last call, up to max. */
size_t bcast_carry_reports(struct bcast_server *s,
    struct bcast_carry_report *out, size_t max);
/* The live airing of a carried item: a stream (closed or cancelled as
 * any other) that sends the carried packets themselves, so a box holding
 * them hears one stream, live or from its copy. NULL if not carried here
 * or too late to start on time (then encode afresh). */
struct bcast_stream *bcast_stream_open_carried(struct bcast_server *s,
    uint32_t ssrc, int volume, int delay_ms, char *err, size_t errlen);
/* Queue its packets at their times (blocks as bcast_stream_write);
 * -1 if cancelled or revoked. Then bcast_stream_close. */
int bcast_stream_send_carried(struct bcast_stream *st);

/* ---- enrolment ----------------------------------------------------------------------- */

/*
 * A new loudspeaker joins with a one-time token: the admin creates it for a
 * speaker id and zone and is given the command that enrols the box, which
 * carries the server key's fingerprint. The village network is not
 * trusted (enroll_msg.c):
 *   1. GET /enroll: the server's public key; the box checks it against the
 *      fingerprint it was given.
 *   2. GET /enroll?sealed=HEX: the token and the box's own fresh key,
 *      sealed (crypto_box_seal) to the server's X25519 key, derived from
 *      its Ed25519 key. Only the server can read either.
 *   3. The answer: id, zone, address, port and public key, bound to the
 *      request (its SHA-256) and signed with the server's Ed25519 key.
 * Tokens expire and work once.
 */
#define BCAST_TOKEN_LEN 32		/* hex digits */
#define BCAST_FP_LEN 64			/* hex digits: SHA-256 of the public key */
#define BCAST_ENROLL_SEALED_LEN (4 + BCAST_TOKEN_LEN / 2 + \
    BCAST_SPEAKER_KEY_LEN + 48)		/* bytes; crypto_box_SEALBYTES is 48 */
#define BCAST_ENROLL_REQUEST_LEN 32	/* bytes: SHA-256 of the sealed request */

/* The fingerprint of a server public key: SHA-256, 64 lower-case hex. */
void bcast_key_fingerprint(const uint8_t pk[BCAST_PK_LEN],
    char fp[BCAST_FP_LEN + 1]);
/* This server's own public key and its fingerprint (either may be NULL). */
void bcast_server_public_key(struct bcast_server *s, uint8_t pk[BCAST_PK_LEN],
    char fp[BCAST_FP_LEN + 1]);

/* The box's side: seal token (BCAST_TOKEN_LEN hex digits) and the box's
 * key to server_pk; request gets the request's id, which the answer must
 * carry. 0, or -1 (not a token, or not a usable key). */
int bcast_enroll_seal(const uint8_t server_pk[BCAST_PK_LEN], const char *token,
    const uint8_t key[BCAST_SPEAKER_KEY_LEN],
    uint8_t sealed[BCAST_ENROLL_SEALED_LEN],
    uint8_t request[BCAST_ENROLL_REQUEST_LEN]);
/* The id of a sealed request: SHA-256 of its bytes. */
void bcast_enroll_request_id(const uint8_t sealed[BCAST_ENROLL_SEALED_LEN],
    uint8_t request[BCAST_ENROLL_REQUEST_LEN]);
/* The server's side: open a sealed request with the server's secret key.
 * 0 with the token and the box's key, -1 if it was not sealed to this key
 * or is not a request. Wipe key after use. */
int bcast_enroll_open(const uint8_t sk[BCAST_SK_LEN],
    const uint8_t sealed[BCAST_ENROLL_SEALED_LEN],
    char token[BCAST_TOKEN_LEN + 1], uint8_t key[BCAST_SPEAKER_KEY_LEN]);

/* 1 if a is an address an enrolment answer may name: a host name, an
 * IPv4 address or an IPv6 one without brackets (letters, digits, '.',
 * '-', and ':' only in an IPv6 address; not starting with '-'; under 256
 * bytes), else 0. */
int bcast_enroll_address_ok(const char *a);

/* What an enrolment answer says. */
struct bcast_enroll_info {
	uint8_t request[BCAST_ENROLL_REQUEST_LEN];	/* the request answered */
	uint32_t id;
	char zone[13];
	char address[256];		/* host name or IP address, checked */
	int port;
	uint8_t server_pk[BCAST_PK_LEN];
};
/* The answer's text, signed with sk, into out: lines "dalaba-enroll-answer
 * 1", request, id, zone, address, port, public_key, signature (hex, over
 * every byte before its line). -1 with err if a field is unfit. */
int bcast_enroll_answer_sign(const uint8_t sk[BCAST_SK_LEN],
    const struct bcast_enroll_info *in, char *out, size_t cap, char *err,
    size_t errlen);
/* The box's side: body (len bytes, any bytes) parsed to exactly that
 * shape, its signature verified with server_pk (the key the box checked
 * against its fingerprint), naming server_pk and request. 0 with *out
 * set; -1 with a printable reason in err and *out untouched. */
int bcast_enroll_answer_verify(const char *body, size_t len,
    const uint8_t server_pk[BCAST_PK_LEN],
    const uint8_t request[BCAST_ENROLL_REQUEST_LEN],
    struct bcast_enroll_info *out, char *err, size_t errlen);

int bcast_enroll_token_new(struct bcast_server *s, uint32_t id,
    const char *zone, int ttl_s, char token[BCAST_TOKEN_LEN + 1],
    char *err, size_t errlen);

struct bcast_enrolled {
	uint32_t id;
	char zone[13];
	uint8_t key[BCAST_SPEAKER_KEY_LEN];	/* the box's own, as it sealed it */
};

/* Spend a token made by bcast_enroll_token_new (in this process's
 * memory): 1 with its speaker id and zone, 0 if unknown, used or expired. */
int bcast_enroll_token_take(struct bcast_server *s, const char *token,
    uint32_t *id, char zone[13]);

/* What keeps a server's enrolment tokens and speaker keys: dalabad's
 * store, or dalaba-broadcast's tokens in memory and registry file. */
struct bcast_enroll_keeper {
	/* Spend token (BCAST_TOKEN_LEN hex digits): 1 with its speaker id
	 * and zone, 0 unknown, used or expired, -1 the keeper failed.
	 * Whatever it opens (a transaction), keep or undo closes. */
	int (*take)(void *arg, const char *token, uint32_t *id,
	    char zone[13]);
	/* Keep the new key for good: 0, or -1 (then undo follows). */
	int (*keep)(void *arg, const struct bcast_enrolled *e);
	/* Forget what take began: the enrolment was refused or failed. */
	void (*undo)(void *arg);
};
/* One enrolment request from the address from, without its HTTP, the
 * same for every server: GET /enroll with sealed NULL (the query has no
 * "sealed") answers the server's public key ("dalaba-enroll-key 1" and a
 * public_key line); with sealed (hex of a sealed request) the token is
 * opened and spent, the box's key kept, and only then added to the
 * registry, and the answer is the signed one, for host and port. Returns
 * the HTTP status, with the answer in out (200) or why not (a line of
 * text). A token sent in clear (an old box: token but no sealed) is
 * refused unspent. Every copy of the box's key is wiped. Logs the outcome. */
int bcast_enroll_serve(struct bcast_server *s,
    const struct bcast_enroll_keeper *k, void *arg, const char *method,
    const char *sealed, const char *clear_token, const char *host, int port,
    const char *from, char *out, size_t cap);

/* ---- WAV files (wav.c) ----------------------------------------------------------------- */

/* The canonical 44-byte header of mono 16-bit little-endian PCM, the one
 * layout tts/ renders, speakers write (wav:PATH) and dalaba-broadcast
 * streams. Here because every one of them links this module. */
#define BCAST_WAV_HEADER_LEN 44

/* The header for frames frames at rate Hz into h. */
void bcast_wav_header(uint8_t h[BCAST_WAV_HEADER_LEN], int rate,
    uint32_t frames);
/* Check h is that header; fill *rate and *frames (the data chunk's
 * length, which a file still being written may not hold yet). -1 if not. */
int bcast_wav_parse(const uint8_t h[BCAST_WAV_HEADER_LEN], int *rate,
    uint32_t *frames);

#endif /* DALABA_BROADCASTER_H */
