/*
 * speaker.h — dalaba-speaker, the agent on a loudspeaker box: configuration,
 * the output devices, the jitter buffer and the agent loop. Plain C and
 * poll(), no GLib, so it fits a small ARM board.
 */
#ifndef DALABA_SPEAKER_H
#define DALABA_SPEAKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "broadcaster/broadcaster.h"

/* ---- configuration (INI) ---------------------------------------------------- */

struct spk_config {
	uint32_t id;
	char zone[13];
	uint8_t key[BCAST_SPEAKER_KEY_LEN];
	char server[256];		/* host name or address */
	int port;
	uint8_t server_pk[BCAST_PK_LEN];
	char output[512];		/* alsa:NAME, wav:PATH, null */
	int volume;			/* 0-100 */
	int max_volume;			/* a ceiling on any stream's (0-100) */
	int emergency_volume;		/* for pages the server left at
					 * default; -1: volume */
	int hello_ms;			/* heartbeat interval */
	char stats[512];		/* write counters here ("" = none) */
	int retransmit;			/* ask for missing packets again (NACK) */
	int multicast;			/* join the group the server announces */
	char trace[512];		/* log each frame's play-out ("" = none) */
	int carry_mb;			/* items held for their slot, at most
					 * (store and forward); 0: none */
	/* Where the box keeps its state (its configuration's directory, set
	 * by the program, not read from the file): its free space goes in
	 * the heartbeat. "" : not reported. */
	char storage[512];
	/* [amplifier]: run as "COMMAND on" / "COMMAND off" ("" = none) */
	char amp_command[512];
	int amp_hold;			/* mode = hold: the command runs while on */
	int amp_preroll_ms;		/* on this long before audio, at least */
	int amp_hold_ms;		/* off this long after the last audio */
};

void spk_config_default(struct spk_config *c);
/* Read an INI file into c (defaults first). err names file and line. */
int spk_config_load(struct spk_config *c, const char *path, char *err,
    size_t errlen);
#define SPK_CONF_MAX 65536		/* bytes of a configuration file */
/* Which sections a text may set. */
#define SPK_CONF_SPEAKER 1u
#define SPK_CONF_SERVER 2u
#define SPK_CONF_AUDIO 4u
#define SPK_CONF_AGENT 8u
#define SPK_CONF_AMPLIFIER 16u
#define SPK_CONF_ALL 31u
/* The same from text (len bytes, any bytes), allowing only the sections
 * in `allowed`; name heads every message. c is changed only on success. */
int spk_config_parse(struct spk_config *c, const char *text, size_t len,
    const char *name, unsigned allowed, char *err, size_t errlen);
/* c as an INI file that spk_config_parse reads back as c (trace, which
 * only the command line sets, is not written); -1 if a value could not
 * read back the same (a control character, blanks at an end, " #"). */
int spk_config_write(FILE *f, const struct spk_config *c);
/* Check that everything needed is there and sane. */
int spk_config_check(const struct spk_config *c, char *err, size_t errlen);

/* ---- outputs ------------------------------------------------------------------- */

struct spk_output;
/* spec is alsa:NAME, wav:PATH, null, or sim:PPM (tests: a card playing in
 * real time PPM parts per million off its nominal rate). The agent paces its own writes and
 * an ALSA device that is full drops what it cannot take now (the clock
 * rules); with SPK_OUTPUT_WAIT a write waits for the device instead, for a
 * player with nothing else to do (`dalaba say`). */
#define SPK_OUTPUT_WAIT 1u
struct spk_output *spk_output_open(const char *spec, int rate, unsigned flags,
    char *err, size_t errlen);
/* 0, or -1 if the output failed. */
int spk_output_write(struct spk_output *o, const int16_t *pcm, size_t frames);
/* How long until a sample written now is heard (ALSA's delay); 0 for files. */
int64_t spk_output_delay_us(struct spk_output *o);
/* Whether it plays on a clock of its own, so that its delay is what paces
 * play-out: a simulated card, or an ALSA device once it has shown a delay
 * (the file and null plugins take everything at once). */
int spk_output_clocked(const struct spk_output *o);
/* The instant a sample written now will be heard, on the machine's
 * monotonic clock (bcast_mono_now_us): what tests of boxes in step compare.
 * A simulated card knows it exactly; ALSA's is now plus its delay. */
int64_t spk_output_heard_machine_us(struct spk_output *o);
/* Underruns the device had and recovered from (ALSA and sim). */
uint64_t spk_output_underruns(const struct spk_output *o);
/* Make what was written readable by others while running: a WAV file's
 * header gets the sizes so far, at most once a second (now_us: a monotonic
 * clock). A no-op for other outputs and when nothing new was written. */
int spk_output_sync(struct spk_output *o, int64_t now_us);
void spk_output_close(struct spk_output *o);	/* NULL is a no-op */

/* ---- enrolment ------------------------------------------------------------------ */

/* Fetch this box's configuration from URL with a one-time token and the
 * server key's fingerprint (BCAST_FP_LEN hex digits), and write it to
 * conf_path (0600), with output as its [audio] output. The box makes its
 * own key; it and the token travel sealed to the server's key. */
int spk_enroll(const char *url, const char *token, const char *fingerprint,
    const char *conf_path, const char *output, char *err, size_t errlen);
/* The server's first answer (len bytes, as received, HTTP and all): its
 * public key into pk if it hashes to fingerprint; -1 with err otherwise. */
int spk_enroll_key(const char *resp, size_t len, const char *fingerprint,
    uint8_t pk[BCAST_PK_LEN], char *err, size_t errlen);
/* The server's signed answer (len bytes, as received) to the request
 * whose id is request, checked against server_pk, into c: its id, zone,
 * server address, port and public key, parsed and checked; c's other
 * fields (the box's key among them) are kept. An answer not signed by
 * server_pk, for another request, of any other shape, cut short, or
 * incomplete is refused with c unchanged. */
int spk_enroll_answer(const char *resp, size_t len,
    const uint8_t server_pk[BCAST_PK_LEN],
    const uint8_t request[BCAST_ENROLL_REQUEST_LEN], struct spk_config *c,
    char *err, size_t errlen);

/* ---- the agent ------------------------------------------------------------------- */

struct spk_counters {
	uint64_t received;		/* verified audio packets */
	uint64_t mcast_received;	/* of which on the zone's multicast group */
	uint64_t verified;		/* signatures checked (the dear step) */
	uint64_t dropped[BCAST_VERDICT_MAX];	/* by reason; [0] unused */
	uint64_t lower_priority;	/* ignored: a higher stream plays */
	uint64_t late;			/* arrived after their time */
	uint64_t played;		/* frames played from packets */
	uint64_t fec_recovered;		/* frames rebuilt from FEC */
	uint64_t concealed;		/* frames made up by PLC */
	uint64_t silent;		/* frames of silence past the newest
					 * packet (an END lost, a pause) */
	uint64_t streams;		/* streams started */
	uint64_t replies;		/* server replies accepted */
	uint64_t write_errors;		/* frames the output failed to take */
	uint64_t nacks;			/* NACK messages sent */
	uint64_t nack_asked;		/* packets asked for in them */
	uint64_t nack_recovered;	/* asked-for packets that came in time */
	uint64_t amp_short_preroll;	/* streams begun with the amplifier on
					 * less than preroll_ms */
	uint64_t time_corrections;	/* jumps of more than 5 ms to keep a
					 * playing stream's time */
};

/* Run until *stop is set (by a signal handler). Returns 0 or -1 at start-up
 * failure (err says why). */
int spk_run(const struct spk_config *c, volatile int *stop, char *err,
    size_t errlen);

#endif
