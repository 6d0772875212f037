/*
 * import.c — see import.h. The decode itself (FFmpeg's libraries, with its
 * whitelists and bounds) is tts_recording_import's; this is only where and
 * when it runs: one GThreadPool thread, jobs handed back to the main loop
 * at high priority, as the render worker does.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "scheduler/import.h"

struct import_pool {
	GThreadPool *pool;
	atomic_int waiting;
	atomic_int stopping;	/* the import in hand stops where it is */
};

void
import_job_free(struct import_job *job)
{
	if (job == NULL)
		return;
	if (job->data)
		g_bytes_unref(job->data);
	g_free(job);
}

static gboolean
hand_back(gpointer data)
{
	struct import_job *job = data;

	job->done(job, job->arg);
	return G_SOURCE_REMOVE;
}

static void
import_main(gpointer data, gpointer user)
{
	struct import_job *job = data;
	struct import_pool *p = user;
	struct tts_recording_limits lim;
	gsize len;
	const void *bytes = g_bytes_get_data(job->data, &len);

	atomic_fetch_sub(&p->waiting, 1);
	tts_recording_limits_default(&lim);
	lim.cancel = &p->stopping;
	job->rc = tts_recording_import(bytes, len, &lim, job->path,
	    job->title[0] ? job->title : NULL, &job->info, job->err,
	    sizeof(job->err));
	/* The upload is no longer needed: free it here, not on the loop. */
	g_bytes_unref(job->data);
	job->data = NULL;
	g_idle_add_full(G_PRIORITY_HIGH, hand_back, job, NULL);
}

struct import_pool *
import_pool_new(void)
{
	struct import_pool *p = g_new0(struct import_pool, 1);

	atomic_init(&p->waiting, 0);
	atomic_init(&p->stopping, 0);
	p->pool = g_thread_pool_new(import_main, p, 1, FALSE, NULL);
	return p;
}

int
import_pool_submit(struct import_pool *p, struct import_job *job)
{
	if (atomic_load(&p->waiting) >= IMPORT_QUEUE_MAX)
		return -1;
	atomic_fetch_add(&p->waiting, 1);
	g_thread_pool_push(p->pool, job, NULL);
	return 0;
}

void
import_pool_free(struct import_pool *p)
{
	if (p == NULL)
		return;
	/* Jobs not started are dropped without a word: the requests that
	 * asked are being shut with the listener. The one in hand stops
	 * where it is (TTS_REC_CANCELLED, nothing kept): a ten-minute file's
	 * encode would hold the stop for most of a minute, past systemd's
	 * TimeoutStopSec. */
	atomic_store(&p->stopping, 1);
	g_thread_pool_free(p->pool, TRUE, TRUE);
	g_free(p);
}
