/*
 * import.h — recordings brought for voice notices, imported off the main
 * loop and off the synthesis thread: one thread of their own (an upload
 * burst holds one core at most and never delays a render), a short queue
 * (a request finding it full is told to come back), and the limits of
 * tts_recording_import on each decode. Part of scheduler.h.
 */
#ifndef DALABA_SCHED_IMPORT_H
#define DALABA_SCHED_IMPORT_H

#include <glib.h>

#include "tts/tts.h"

#define IMPORT_QUEUE_MAX 4	/* waiting, besides the one in hand */

struct import_job;
typedef void (*import_done_fn)(struct import_job *job, void *arg);

struct import_job {
	GBytes *data;			/* the file brought (owned) */
	char path[600];			/* where its archive goes */
	char title[128];		/* the archive's TITLE comment, or "" */
	/* results, read in done(): */
	enum tts_recording_error rc;
	struct tts_recording_info info;
	char err[256];
	/* on the main loop; arg may be set to NULL meanwhile, from the
	 * loop, when whoever asked no longer wants the answer */
	import_done_fn done;
	void *arg;
};

struct import_pool;

struct import_pool *import_pool_new(void);
/* Queue job (the pool's until done ran); -1 and nothing queued when the
 * queue is full. */
int import_pool_submit(struct import_pool *p, struct import_job *job);
/* Stop the import in hand where it is and drop those waiting (their
 * done never runs: the listeners whose requests asked are stopped
 * first). A finished job's done may still be queued on the loop. */
void import_pool_free(struct import_pool *p);
void import_job_free(struct import_job *job);

#endif
