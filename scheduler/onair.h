/*
 * onair.h — inside scheduler/: one item on air. A thread streams a
 * rendered WAV to the broadcaster (which paces it) and, when it ends,
 * reports back on the GLib main loop. Stopping (pre-emption, cancel,
 * shutdown) takes effect within one 60 ms frame.
 */
#ifndef DALABA_SCHED_ONAIR_H
#define DALABA_SCHED_ONAIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "broadcaster/broadcaster.h"
#include "scheduler/live.h"

struct onair;
typedef void (*onair_done_fn)(struct onair *oa, void *arg);

enum onair_result {
	ONAIR_DONE = 0,		/* all of it was sent */
	ONAIR_STOPPED = 1,	/* onair_stop was called */
	ONAIR_FAILED = -1,	/* see onair_error */
};

/* Air wav_path, or, when live is not NULL, audio as it is rendered
 * (onair keeps a reference until it is freed), through the horn
 * processing (tts_horn_new: horn_highpass_hz 0 and !horn_compress is
 * none). */
struct onair *onair_start(struct bcast_server *srv, const char *zone,
    enum bcast_priority prio, int volume, int delay_ms, int horn_highpass_hz,
    bool horn_compress, const char *wav_path,
    struct live_pcm *live, onair_done_fn done, void *arg, char *err,
    size_t errlen);
/* The same for an item carried to the boxes ahead of its slot (carried:
 * its SSRC): its carried packets go out live, so a box that holds them
 * hears one stream whether its link holds or not. If it cannot start on
 * time that way, as onair_start (the WAV encoded afresh). */
struct onair *onair_start_carried(struct bcast_server *srv, uint32_t carried,
    const char *zone, enum bcast_priority prio, int volume, int delay_ms,
    int horn_highpass_hz, bool horn_compress, const char *wav_path,
    onair_done_fn done, void *arg, char *err, size_t errlen);
/* The same to one loudspeaker alone (a test tone from its page): no other
 * box of its village gets the packets (bcast_stream_open_one). */
struct onair *onair_start_one(struct bcast_server *srv, uint32_t speaker_id,
    enum bcast_priority prio, int volume, int delay_ms, int horn_highpass_hz,
    bool horn_compress, const char *wav_path, onair_done_fn done, void *arg,
    char *err, size_t errlen);
/* Ask it to stop; done() still comes, with ONAIR_STOPPED. */
void onair_stop(struct onair *oa);
/* The stream's RTP SSRC: what speakers report in their heartbeats. */
uint32_t onair_ssrc(const struct onair *oa);
/* When its first audio went to the stream (g_get_monotonic_time); 0 if
 * none did. */
int64_t onair_first_audio_us(const struct onair *oa);
enum onair_result onair_result(const struct onair *oa);
const char *onair_error(const struct onair *oa);
/* After done(): join the thread and free. */
void onair_free(struct onair *oa);

#endif
