/*
 * worker_files.c — the slow pool's file jobs (see worker.c): the Ogg Opus
 * copy of a cached render, and aired audio in another format for
 * listening again (MP3 for podcasts). Both stream from disk to disk and
 * never hold a whole render in memory; both run on a pool thread, never
 * on the TTS thread or the loop.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "scheduler/worker.h"
#include "tts/tts.h"

/* The cached WAV as Ogg Opus beside it (what a browser's <audio> plays,
 * at a tenth of the size), made once. On a pool thread. */
int
render_job_ogg_copy(struct render_job *job, const char *title)
{
	size_t n = strlen(job->path);
	struct tts_writer *wr;

	if (n < 4 || n >= sizeof(job->ogg) ||
	    strcmp(job->path + n - 4, ".wav") != 0) {
		snprintf(job->err, sizeof(job->err), "not a cached WAV: %.200s",
		    job->path);
		return -1;
	}
	snprintf(job->ogg, sizeof(job->ogg), "%.*s.ogg", (int)(n - 4), job->path);
	if (access(job->ogg, R_OK) == 0)
		return 0;
	wr = tts_writer_open(job->ogg, TTS_FORMAT_OGG_OPUS, TTS_OUTPUT_RATE,
	    title, job->err, sizeof(job->err));
	if (wr == NULL)
		return -1;
	if (tts_wav_stream(job->path, TTS_OUTPUT_RATE, tts_writer_pcm_fn, wr,
	    job->err, sizeof(job->err)) != 0) {
		tts_writer_abort(wr);
		return -1;
	}
	return tts_writer_close(wr, job->err, sizeof(job->err));
}

/* ---- listening again: aired audio in another format ----
 * job->path (a WAV render or its Ogg Opus archive) to job->ogg in the
 * format its name says, unless it is there already; job->frames counts
 * what the source holds either way (the podcast feed's durations). */
static int
count_pcm(const int16_t *pcm, size_t frames, void *arg)
{
	(void)pcm;
	((struct render_job *)arg)->frames += (int64_t)frames;
	return 0;
}

struct convert_out {
	struct render_job *job;
	struct tts_writer *wr;
};

static int
convert_pcm(const int16_t *pcm, size_t frames, void *arg)
{
	struct convert_out *o = arg;

	o->job->frames += (int64_t)frames;
	return tts_writer_write(o->wr, pcm, frames);
}

static int
stream_source(struct render_job *job, tts_pcm_fn fn, void *arg)
{
	size_t n = strlen(job->path);

	if (n > 4 && strcmp(job->path + n - 4, ".wav") == 0)
		return tts_wav_stream(job->path, TTS_OUTPUT_RATE, fn, arg,
		    job->err, sizeof(job->err));
	return tts_recording_stream(job->path, fn, arg, job->err,
	    sizeof(job->err));
}

int
render_job_convert(struct render_job *job)
{
	int fmt = tts_format_from_path(job->ogg);
	struct convert_out o = { job, NULL };

	job->frames = 0;
	if (access(job->ogg, R_OK) == 0)
		return stream_source(job, count_pcm, job);
	if (fmt < 0) {
		snprintf(job->err, sizeof(job->err), "no format: %.200s", job->ogg);
		return -1;
	}
	o.wr = tts_writer_open(job->ogg, (enum tts_format)fmt, TTS_OUTPUT_RATE,
	    job->notice.title, job->err, sizeof(job->err));
	if (o.wr == NULL)
		return -1;
	if (stream_source(job, convert_pcm, &o) != 0) {
		tts_writer_abort(o.wr);
		return -1;
	}
	return tts_writer_close(o.wr, job->err, sizeof(job->err));
}
