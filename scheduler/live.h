/*
 * live.h — inside scheduler/: audio that is still being synthesised. The
 * TTS thread appends PCM as eSpeak NG produces it; each stream that airs
 * it (one per target zone of an emergency page) reads from its own
 * position, waiting when it has caught up. This is what lets a page's
 * first sound go out before its text is fully rendered. Kept whole in
 * memory (96 kB per second of audio) while anyone holds a reference.
 */
#ifndef DALABA_SCHED_LIVE_H
#define DALABA_SCHED_LIVE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct live_pcm;

struct live_pcm *live_new(void);
struct live_pcm *live_ref(struct live_pcm *l);
void live_unref(struct live_pcm *l);	/* NULL is a no-op */

/* Writer side (a tts_pcm_fn): 0 go on, 1 stop (longer than any page
 * can be: 20 minutes). */
int live_append(const int16_t *pcm, size_t frames, void *arg);
/* The render ended: rc 0 complete, otherwise failed with err. */
void live_finish(struct live_pcm *l, int rc, const char *err);


/*
 * Reader side: copy up to max frames from *pos on into out, waiting for
 * the writer while there are none yet. Returns frames copied (and moves
 * *pos), 0 at the end of a complete render, -1 when the render failed
 * (err says why) or *stop became non-zero while waiting.
 */
long live_read(struct live_pcm *l, size_t *pos, int16_t *out, size_t max,
    atomic_int *stop, char *err, size_t errlen);

#endif
