/*
 * recording.c — a voice notice from a cadre's phone becomes an archive the
 * village can hear: decoded (recording_decode.c), the silence before and
 * after the words cut off, brought to the loudness every render has (the
 * same R128 target and true-peak limiter as the engine's, loudness.c), and
 * written as Ogg Opus, whole or not at all. Also the archive's playback.
 */
#include <errno.h>
#include <stdbool.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ebur128.h>

#include "tts/engine.h"
#include "tts/recording.h"

#define DEFAULT_WALL_MS 20000
/* Silence: 10 ms windows, against the loudest 100 ms. A phone's noise
 * floor is 40-60 dB under its speech; 30 dB under the loudest stretch
 * catches a word's soft start and not the hiss. */
#define WIN 480				/* 10 ms at 48 kHz */
#define BLOCK_WINS 10			/* 100 ms */
#define TRIM_BELOW_DB 30.0
#define SILENT_DBFS (-55.0)		/* the loudest 100 ms under this: nothing said */
#define MARGIN_SAMPLES (TTS_OUTPUT_RATE * 150 / 1000)	/* kept around the words */
/* A whisper at -50 LUFS reaches -16 with 34 dB; more only lifts hiss. */
#define MAX_GAIN_DB 40.0
#define CHUNK 4096
/* The archive: what Opus changes allowed for at first (measured on
 * speech: peaks 0.4-1.2 dB higher, loudness 0.3-0.7 LU lower), then
 * another attempt or two if it still misses. */
#define OPUS_HEADROOM_DB 1.0
#define OPUS_LOSS_LU 0.6
#define LEVEL_SLACK_LU 0.5
#define ARCHIVE_ATTEMPTS 3

/* The whole decoded signal: at most 10 minutes, 28.8 M floats (115 MB). */
struct pcm {
	float *x;
	size_t n, cap;
	size_t most;			/* what the decode's limit lets in */
	int failed;
};

static int
collect(const float *x, size_t n, void *arg)
{
	struct pcm *p = arg;

	if (p->n + n > p->cap) {
		size_t cap = p->cap ? p->cap * 2 : (size_t)TTS_OUTPUT_RATE * 16;
		while (cap < p->n + n)
			cap *= 2;
		/* Doubling past the limit would ask for 200 MB to hold 115. */
		if (cap > p->most && p->most >= p->n + n)
			cap = p->most;
		float *y = realloc(p->x, cap * sizeof(*y));
		if (y == NULL) {
			p->failed = 1;
			return 1;
		}
		p->x = y;
		p->cap = cap;
	}
	memcpy(p->x + p->n, x, n * sizeof(*x));
	p->n += n;
	return 0;
}

void
tts_recording_limits_default(struct tts_recording_limits *l)
{
	l->max_bytes = TTS_RECORDING_MAX_BYTES;
	l->max_seconds = TTS_RECORDING_MAX_SECONDS;
	l->max_wall_ms = DEFAULT_WALL_MS;
	l->lufs = TTS_DEFAULT_LOUDNESS_LUFS;
	l->ceiling_dbtp = TTS_DEFAULT_TRUE_PEAK_DBTP;
	l->cancel = NULL;
}

/* ---- trimming --------------------------------------------------------------------- */

static double
rms_db(const float *x, size_t n)
{
	double s = 0;

	for (size_t i = 0; i < n; i++)
		s += (double)x[i] * x[i];
	return n && s > 0 ? 10 * log10(s / n) : -HUGE_VAL;
}

/*
 * Where the words are: the first and last 10 ms window within
 * TRIM_BELOW_DB of the loudest 100 ms, widened by MARGIN_SAMPLES. The
 * loudest block, not the loudest window, so one click does not set the
 * level. -1 when nothing is loud enough to be speech.
 */
static int
find_words(const float *x, size_t n, size_t *from, size_t *to)
{
	size_t nw = (n + WIN - 1) / WIN, first = SIZE_MAX, last = 0;
	double top = -HUGE_VAL;

	for (size_t b = 0; b < n; b += WIN * BLOCK_WINS) {
		size_t len = n - b < WIN * BLOCK_WINS ? n - b : WIN * BLOCK_WINS;
		if (len < WIN * BLOCK_WINS / 2 && b > 0)
			break;	/* a last scrap is not a block */
		double db = rms_db(x + b, len);
		if (db > top)
			top = db;
	}
	if (!(top >= SILENT_DBFS))
		return -1;
	double thr = top - TRIM_BELOW_DB;
	for (size_t w = 0; w < nw; w++) {
		size_t at = w * WIN, len = n - at < WIN ? n - at : WIN;
		if (rms_db(x + at, len) >= thr) {
			if (first == SIZE_MAX)
				first = w;
			last = w;
		}
	}
	if (first == SIZE_MAX)
		return -1;
	*from = first * WIN > MARGIN_SAMPLES ? first * WIN - MARGIN_SAMPLES : 0;
	*to = (last + 1) * WIN + MARGIN_SAMPLES;
	if (*to > n)
		*to = n;
	return 0;
}

/* ---- loudness ----------------------------------------------------------------------- */

static int16_t
to_s16(float v)
{
	v *= 32768.0f;
	return v >= 32767 ? 32767 : v <= -32768 ? -32768 : (int16_t)lrintf(v);
}

/*
 * One pass of x through gain and the true-peak limiter: measured (its
 * integrated loudness in *lufs) and, if w is set, written. The limiter's
 * output lags by its look-ahead; zeros push the last of it out and the
 * first lim_delay samples, from before the signal, are dropped.
 */
static bool
cancelled(const atomic_int *cancel)
{
	return cancel != NULL && atomic_load(cancel) != 0;
}

static int
limit_pass(const float *x, size_t n, double gain_db, double ceiling,
    struct tts_writer *w, const atomic_int *cancel, double *lufs)
{
	struct eng_limiter *lim = malloc(sizeof(*lim));
	ebur128_state *st = ebur128_init(1, TTS_OUTPUT_RATE, EBUR128_MODE_I);
	float buf[CHUNK];
	int16_t pcm[CHUNK];
	float g = (float)pow(10, gain_db / 20);
	int rc = -1;

	if (lim == NULL || st == NULL)
		goto out;
	lim_init(lim, TTS_OUTPUT_RATE, ceiling);
	size_t d = (size_t)lim_delay(lim), total = n + d;
	for (size_t at = 0; at < total;) {
		size_t k = total - at < CHUNK ? total - at : CHUNK;
		if (cancelled(cancel))
			goto out;
		for (size_t i = 0; i < k; i++)
			buf[i] = at + i < n ? x[at + i] * g : 0;
		lim_process(lim, buf, k);
		/* buf[i] is the signal's sample at + i - d. */
		size_t skip = at < d ? (d - at < k ? d - at : k) : 0;
		if (k > skip) {
			if (ebur128_add_frames_float(st, buf + skip, k - skip) !=
			    EBUR128_SUCCESS)
				goto out;
			if (w != NULL) {
				for (size_t i = skip; i < k; i++)
					pcm[i - skip] = to_s16(buf[i]);
				if (tts_writer_write(w, pcm, k - skip) == -1)
					goto out;
			}
		}
		at += k;
	}
	if (ebur128_loudness_global(st, lufs) != EBUR128_SUCCESS)
		goto out;
	rc = 0;
out:
	if (st)
		ebur128_destroy(&st);
	free(lim);
	return rc;
}

static double
clamp_gain(double g)
{
	return g > MAX_GAIN_DB ? MAX_GAIN_DB : g;
}

/* The gain that reaches target once the limiter has taken the peaks down
 * to ceiling: a phone's speech has peaks 15-25 dB over its loudness, so
 * the first guess lands under by what the limiter took, and is raised by
 * that (nearly the same a dB or two higher; the archive's own measurement
 * catches the rest). */
static double
find_gain(const float *x, size_t n, double lufs_in, double target,
    double ceiling, const atomic_int *cancel)
{
	double gain_db = clamp_gain(target - lufs_in), got;

	if (limit_pass(x, n, gain_db, ceiling, NULL, cancel, &got) == 0 &&
	    isfinite(got))
		gain_db = clamp_gain(gain_db + target - got);
	return gain_db;
}

static int
write_archive(const float *x, size_t n, double gain_db, double ceiling,
    const char *path, const char *title, const atomic_int *cancel, char *err,
    size_t errlen)
{
	struct tts_writer *w;
	double lufs;

	w = tts_writer_open(path, TTS_FORMAT_OGG_OPUS, TTS_OUTPUT_RATE, title,
	    err, errlen);
	if (w == NULL)
		return -1;
	if (limit_pass(x, n, gain_db, ceiling, w, cancel, &lufs) == -1) {
		tts_writer_abort(w);
		snprintf(err, errlen, "%s: could not write the archive", path);
		return -1;
	}
	return tts_writer_close(w, err, errlen);
}

/* The archive as it will be heard: decoded, measured. */
static int
measure_archive(const char *path, double *lufs, double *dbtp)
{
	struct tts_meter *m = tts_meter_new(TTS_OUTPUT_RATE);
	char err[256];
	int rc = -1;

	if (m != NULL && tts_recording_stream(path, tts_meter_pcm_fn, m, err,
	    sizeof(err)) == 0) {
		tts_meter_read(m, lufs, dbtp);
		rc = 0;
	}
	tts_meter_free(m);
	return rc;
}

/* ---- the import ------------------------------------------------------------------- */

enum tts_recording_error
tts_recording_import(const void *data, size_t len,
    const struct tts_recording_limits *lim_in, const char *out_path,
    const char *title, struct tts_recording_info *info_out, char *err,
    size_t errlen)
{
	struct tts_recording_limits lim;
	struct tts_recording_info info = { 0 };
	struct rec_source src = { .data = data, .len = len };
	struct pcm p = { 0 };
	enum tts_recording_error rc;
	size_t from, to;
	double lufs, gain_db;
	int stopped;

	tts_recording_limits_default(&lim);
	if (lim_in != NULL) {
		if (lim_in->max_bytes)
			lim.max_bytes = lim_in->max_bytes;
		if (lim_in->max_seconds)
			lim.max_seconds = lim_in->max_seconds;
		if (lim_in->max_wall_ms)
			lim.max_wall_ms = lim_in->max_wall_ms;
		lim.cancel = lim_in->cancel;
		/* A zeroed struct means the defaults; 0 LUFS is no target. */
		if (lim_in->lufs != 0) {
			lim.lufs = lim_in->lufs;
			lim.ceiling_dbtp = lim_in->ceiling_dbtp;
		}
	}
	if (info_out != NULL)
		memset(info_out, 0, sizeof(*info_out));
	/* Before a byte of it is looked at. */
	if (len > lim.max_bytes) {
		snprintf(err, errlen, "the file is %zu bytes, over %zu", len,
		    lim.max_bytes);
		return TTS_REC_TOO_BIG;
	}
	if (data == NULL || len == 0) {
		snprintf(err, errlen, "the file is empty");
		return TTS_REC_NOT_AUDIO;
	}
	if (!(lim.lufs >= TTS_LOUDNESS_MIN && lim.lufs <= TTS_LOUDNESS_MAX &&
	    lim.ceiling_dbtp >= TTS_TRUE_PEAK_MIN &&
	    lim.ceiling_dbtp <= TTS_TRUE_PEAK_MAX)) {
		snprintf(err, errlen, "loudness target %.1f LUFS / %.1f dBTP is "
		    "out of range", lim.lufs, lim.ceiling_dbtp);
		return TTS_REC_IO;
	}

	struct rec_bounds b = { lim.max_seconds, lim.max_wall_ms, lim.cancel };
	p.most = (size_t)lim.max_seconds * TTS_OUTPUT_RATE;
	rc = rec_decode(&src, &b, collect, &p, &stopped, &info, err, errlen);
	if (cancelled(lim.cancel)) {
		snprintf(err, errlen, "stopped while decoding");
		rc = TTS_REC_CANCELLED;
	}
	if (rc == TTS_REC_OK && p.failed) {
		snprintf(err, errlen, "out of memory for %zu samples", p.n);
		rc = TTS_REC_IO;
	}
	if (rc != TTS_REC_OK)
		goto out;
	info.in_seconds = (double)p.n / TTS_OUTPUT_RATE;

	if (find_words(p.x, p.n, &from, &to) == -1) {
		snprintf(err, errlen, "nothing in it is louder than %.0f dBFS",
		    SILENT_DBFS);
		rc = TTS_REC_SILENT;
		goto out;
	}
	const float *x = p.x + from;
	size_t n = to - from;
	info.seconds = (double)n / TTS_OUTPUT_RATE;

	ebur128_state *st = ebur128_init(1, TTS_OUTPUT_RATE, EBUR128_MODE_I);
	if (st == NULL || ebur128_add_frames_float(st, x, n) !=
	    EBUR128_SUCCESS || ebur128_loudness_global(st, &lufs) !=
	    EBUR128_SUCCESS) {
		if (st)
			ebur128_destroy(&st);
		snprintf(err, errlen, "out of memory");
		rc = TTS_REC_IO;
		goto out;
	}
	ebur128_destroy(&st);
	if (!isfinite(lufs)) {
		snprintf(err, errlen, "nothing in it rises above R128's gate");
		rc = TTS_REC_SILENT;
		goto out;
	}
	info.lufs_in = lufs;

	/*
	 * Opus at 24 kb/s does not give back the peaks it was given: decoded,
	 * speech limited to -1.3 dBTP measured up to -0.1, and 0.3-0.7 LU quieter
	 * (it drops what K-weighting counts most, the highs). So the archive
	 * is decoded and measured as it will be heard, and written again
	 * with the limiter lower, or the target higher, by what it missed.
	 */
	double ceiling = lim.ceiling_dbtp - OPUS_HEADROOM_DB;
	double target = lim.lufs + OPUS_LOSS_LU;
	for (int attempt = 0;; attempt++) {
		gain_db = find_gain(x, n, lufs, target, ceiling, lim.cancel);
		if (write_archive(x, n, gain_db, ceiling, out_path, title,
		    lim.cancel, err, errlen) == -1 || cancelled(lim.cancel)) {
			unlink(out_path);	/* an earlier attempt's */
			rc = TTS_REC_IO;
			if (cancelled(lim.cancel)) {
				snprintf(err, errlen, "stopped while encoding");
				rc = TTS_REC_CANCELLED;
			}
			goto out;
		}
		if (measure_archive(out_path, &info.lufs, &info.dbtp) == -1) {
			unlink(out_path);
			snprintf(err, errlen, "%s: the archive does not decode",
			    out_path);
			rc = TTS_REC_IO;
			goto out;
		}
		bool peak_ok = info.dbtp <= lim.ceiling_dbtp;
		bool level_ok = fabs(info.lufs - lim.lufs) <= LEVEL_SLACK_LU;
		if ((peak_ok && level_ok) || attempt + 1 == ARCHIVE_ATTEMPTS)
			break;
		if (!peak_ok)
			ceiling -= info.dbtp - lim.ceiling_dbtp + 0.1;
		if (!level_ok)
			target += lim.lufs - info.lufs;
	}
	rc = TTS_REC_OK;
	err[0] = '\0';
out:
	if (info_out != NULL)
		*info_out = info;
	free(p.x);
	return rc;
}

const char *
tts_recording_error_zh(enum tts_recording_error e)
{
	switch (e) {
	case TTS_REC_OK:
		return "录音已收到。";
	case TTS_REC_TOO_BIG:
		return "录音文件太大（最多 10 MB），请录短一些再上传。";
	case TTS_REC_TOO_LONG:
		return "录音太长（最多 10 分钟），请分成几段，一段一段上传。";
	case TTS_REC_NOT_AUDIO:
		return "这个文件不是录音，或者格式认不出来。请用手机自带的录音机录好再上传。";
	case TTS_REC_CORRUPT:
		return "录音文件坏了，放不出来。请重新录一遍再上传。";
	case TTS_REC_SILENT:
		return "录音里听不到说话的声音。请对着手机说话，重新录一遍。";
	case TTS_REC_TOO_SLOW:
		return "这个录音文件处理不了。请重新录一遍再上传。";
	case TTS_REC_IO:
		return "录音没能保存，请过一会儿再试；还不行就告诉管理员。";
	case TTS_REC_CANCELLED:
		return "服务器正在重新启动，录音没有处理完。请过几分钟再上传一次。";
	}
	return "录音处理出错了，请重新上传。";
}

/* ---- playback ------------------------------------------------------------------------ */

struct play {
	tts_pcm_fn fn;
	void *arg;
};

static int
play_fn(const float *x, size_t n, void *arg)
{
	struct play *pl = arg;
	int16_t pcm[2048];

	while (n > 0) {
		size_t k = n < 2048 ? n : 2048;
		for (size_t i = 0; i < k; i++)
			pcm[i] = to_s16(x[i]);
		if (pl->fn(pcm, k, pl->arg) != 0)
			return 1;
		x += k;
		n -= k;
	}
	return 0;
}

int
tts_recording_stream(const char *path, tts_pcm_fn fn, void *arg, char *err,
    size_t errlen)
{
	struct play pl = { fn, arg };
	struct rec_source src = { 0 };
	/* Playback paces itself (a sink may block for real time): no wall
	 * clock; the archive is ours, but any file must still end. */
	struct rec_bounds b = { 2 * TTS_RECORDING_MAX_SECONDS, 0, NULL };
	char e[200];
	int stopped;

	if ((src.f = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	enum tts_recording_error rc = rec_decode(&src, &b, play_fn, &pl,
	    &stopped, NULL, e, sizeof(e));
	fclose(src.f);
	if (rc != TTS_REC_OK) {
		snprintf(err, errlen, "%s: %s", path, e);
		return -1;
	}
	return stopped ? 1 : 0;
}
