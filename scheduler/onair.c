/*
 * onair.c — see onair.h.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "scheduler/onair.h"
#include "tts/tts.h"

struct onair {
	GThread *thread;
	struct bcast_stream *st;
	uint32_t ssrc;
	char path[512];
	struct live_pcm *live;
	bool carried;		/* st sends carried packets: no PCM */
	struct tts_horn *horn;	/* NULL: no processing */
	_Atomic int64_t first_audio_us;	/* monotonic; 0 until the first */
	atomic_int stop;
	enum onair_result result;
	char err[256];
	onair_done_fn done;
	void *arg;
};

static int
feed(const int16_t *pcm, size_t frames, void *arg)
{
	struct onair *oa = arg;

	int16_t buf[2048];

	if (atomic_load(&oa->stop))
		return 1;
	if (atomic_load(&oa->first_audio_us) == 0)
		atomic_store(&oa->first_audio_us, g_get_monotonic_time());
	if (oa->horn == NULL)
		return bcast_stream_write(oa->st, pcm, frames) != 0;
	/* The horn processing works in place: on a copy of the cached audio. */
	for (size_t done = 0; done < frames; ) {
		size_t n = frames - done < G_N_ELEMENTS(buf) ? frames - done :
		    G_N_ELEMENTS(buf);
		memcpy(buf, pcm + done, n * sizeof(buf[0]));
		tts_horn_process(oa->horn, buf, n);
		if (bcast_stream_write(oa->st, buf, n) != 0)
			return 1;
		done += n;
	}
	return 0;
}

static gboolean
report(gpointer data)
{
	struct onair *oa = data;

	oa->done(oa, oa->arg);
	return G_SOURCE_REMOVE;
}

/* Audio still being rendered: as it comes, never ahead of it. */
static int
stream_live(struct onair *oa)
{
	int16_t buf[2048];
	size_t pos = 0;
	long n;

	while ((n = live_read(oa->live, &pos, buf, G_N_ELEMENTS(buf), &oa->stop,
	    oa->err, sizeof(oa->err))) > 0)
		if (feed(buf, (size_t)n, oa) != 0)
			return 1;
	return n == 0 ? 0 : atomic_load(&oa->stop) ? 1 : -1;
}

static gpointer
onair_main(gpointer data)
{
	struct onair *oa = data;
	int rc;

	if (oa->carried) {
		atomic_store(&oa->first_audio_us, g_get_monotonic_time());
		rc = bcast_stream_send_carried(oa->st);
	} else {
		rc = oa->live ? stream_live(oa) : tts_wav_stream(oa->path,
		    BCAST_RATE, feed, oa, oa->err, sizeof(oa->err));
	}

	if (rc == 0 && !atomic_load(&oa->stop)) {
		bcast_stream_close(oa->st);
		oa->result = ONAIR_DONE;
	} else {
		bcast_stream_cancel(oa->st);
		oa->result = atomic_load(&oa->stop) ? ONAIR_STOPPED : ONAIR_FAILED;
		if (oa->result == ONAIR_FAILED && !oa->err[0])
			snprintf(oa->err, sizeof(oa->err), "the stream was cut");
	}
	oa->st = NULL;
	/* Not g_main_context_invoke: with the loop stopped it would call
	 * done() here, and onair_free would join this very thread. Ahead of
	 * the web's requests: at the idle priority, a loop kept busy by page
	 * reloads never ran it, and the next item (a page) never started. */
	g_idle_add_full(G_PRIORITY_HIGH, report, oa, NULL);
	return NULL;
}

static struct onair *
start(struct bcast_server *srv, uint32_t carried, uint32_t only,
    const char *zone,
    enum bcast_priority prio, int volume, int delay_ms, int horn_highpass_hz,
    bool horn_compress, const char *wav_path, struct live_pcm *live,
    onair_done_fn done, void *arg, char *err, size_t errlen)
{
	struct onair *oa = calloc(1, sizeof(*oa));

	if (oa == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (horn_highpass_hz > 0 || horn_compress) {
		oa->horn = tts_horn_new(BCAST_RATE, horn_highpass_hz, horn_compress);
		if (oa->horn == NULL) {
			snprintf(err, errlen, "out of memory");
			free(oa);
			return NULL;
		}
	}
	snprintf(oa->path, sizeof(oa->path), "%s", wav_path);
	if (carried != 0) {
		char why[128];
		oa->st = bcast_stream_open_carried(srv, carried, volume, delay_ms,
		    why, sizeof(why));
		oa->carried = oa->st != NULL;
	}
	if (oa->st == NULL && only != 0)
		oa->st = bcast_stream_open_one(srv, only, prio, volume, delay_ms,
		    err, errlen);
	else if (oa->st == NULL)
		oa->st = bcast_stream_open(srv, zone, prio, volume, delay_ms,
		    err, errlen);
	if (oa->st == NULL) {
		tts_horn_free(oa->horn);
		free(oa);
		return NULL;
	}
	oa->ssrc = bcast_stream_ssrc(oa->st);
	oa->live = live ? live_ref(live) : NULL;
	oa->done = done;
	oa->arg = arg;
	atomic_init(&oa->stop, 0);
	oa->thread = g_thread_new("onair", onair_main, oa);
	return oa;
}

struct onair *
onair_start(struct bcast_server *srv, const char *zone,
    enum bcast_priority prio, int volume, int delay_ms, int horn_highpass_hz,
    bool horn_compress, const char *wav_path, struct live_pcm *live,
    onair_done_fn done, void *arg, char *err, size_t errlen)
{
	return start(srv, 0, 0, zone, prio, volume, delay_ms, horn_highpass_hz,
	    horn_compress, wav_path, live, done, arg, err, errlen);
}

struct onair *
onair_start_one(struct bcast_server *srv, uint32_t speaker_id,
    enum bcast_priority prio, int volume, int delay_ms, int horn_highpass_hz,
    bool horn_compress, const char *wav_path, onair_done_fn done, void *arg,
    char *err, size_t errlen)
{
	return start(srv, 0, speaker_id, "", prio, volume, delay_ms,
	    horn_highpass_hz, horn_compress, wav_path, NULL, done, arg, err,
	    errlen);
}

struct onair *
onair_start_carried(struct bcast_server *srv, uint32_t carried,
    const char *zone, enum bcast_priority prio, int volume, int delay_ms,
    int horn_highpass_hz, bool horn_compress, const char *wav_path,
    onair_done_fn done, void *arg, char *err, size_t errlen)
{
	return start(srv, carried, 0, zone, prio, volume, delay_ms,
	    horn_highpass_hz, horn_compress, wav_path, NULL, done, arg, err,
	    errlen);
}

void
onair_stop(struct onair *oa)
{
	atomic_store(&oa->stop, 1);
}

uint32_t
onair_ssrc(const struct onair *oa)
{
	return oa->ssrc;
}

enum onair_result
onair_result(const struct onair *oa)
{
	return oa->result;
}

const char *
onair_error(const struct onair *oa)
{
	return oa->err;
}

void
onair_free(struct onair *oa)
{
	if (oa == NULL)
		return;
	g_thread_join(oa->thread);
	live_unref(oa->live);
	tts_horn_free(oa->horn);
	free(oa);
}

int64_t
onair_first_audio_us(const struct onair *oa)
{
	return atomic_load(&oa->first_audio_us);
}
