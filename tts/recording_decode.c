/*
 * recording_decode.c — a phone's recording decoded by FFmpeg's libraries
 * (libavformat, libavcodec, libswresample), as hostile input: the bytes
 * are read from memory or an open file through our own AVIOContext (no
 * URL, no temporary file), only the demuxers and decoders a phone or a
 * browser makes are allowed, probing is bounded, and a wall-clock deadline
 * and a decoded-seconds limit stop a file built to make us work forever.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avstring.h>
#include <libavutil/channel_layout.h>
#include <libavutil/log.h>
#include <libswresample/swresample.h>

#include "tts/recording.h"

/*
 * The demuxers by their libavformat names: "mov,mp4,m4a,3gp,3g2,mj2" is
 * one demuxer (MP4, M4A, 3GP: phones' recorders and WeChat), amr/amrnb/
 * amrwb raw AMR, mp3, ogg (Opus, Vorbis), "matroska,webm" (Chrome's and
 * Firefox's MediaRecorder), wav, flac, aac (ADTS). Nothing that opens
 * other files or URLs (HLS, concat, image2) can be probed into.
 */
#define FORMATS "mov,mp4,m4a,3gp,3g2,mj2,amr,amrnb,amrwb,mp3,ogg," \
	"matroska,webm,wav,flac,aac"
/* The decoders by their libavcodec names; mov's "sowt"/"twos" PCM is
 * pcm_s16le/pcm_s16be. No video decoder: a video's audio still decodes,
 * its pictures are never looked at. */
#define CODECS "aac,aac_fixed,amrnb,amrwb,libopencore_amrnb," \
	"libopencore_amrwb,mp3,mp3float,opus,libopus,vorbis,libvorbis,flac," \
	"pcm_s16le,pcm_s16be,pcm_s24le,pcm_s32le,pcm_f32le,pcm_u8," \
	"pcm_alaw,pcm_mulaw"

#define AVIO_BUF 32768
#define PROBE_BYTES "1048576"		/* what probing may read */
#define ANALYZE_US "5000000"		/* and how far into the stream */
#define MAX_STREAMS "16"
/* A phone's file with a damaged stretch still airs; one that is mostly
 * damage is refused. */
#define MAX_BAD_PACKETS 32
#define MAX_RATE 384000
#define MAX_CHANNELS 64

struct dec {
	const struct rec_source *src;
	size_t pos;			/* in src->data */
	long long deadline_ms;		/* 0: none */
	const atomic_int *cancel;	/* set: stop as at the deadline */
	int timed_out;
	/* the conversion */
	SwrContext *swr;
	int swr_rate, swr_fmt, swr_channels;
	float *out;
	int out_cap;
	size_t total, max_total;	/* output samples; 0: no limit */
	int too_long, stopped;
	rec_sink_fn fn;
	void *arg;
};

/* ---- quiet: a library does not print ---------------------------------------- */

static void
log_nothing(void *avcl, int level, const char *fmt, va_list ap)
{
	(void)avcl;
	(void)level;
	(void)fmt;
	(void)ap;
}

static pthread_once_t quiet_once = PTHREAD_ONCE_INIT;

/* av_log's callback is process-wide: set once, before any decode, so no
 * thread races another's setting. */
static void
quiet(void)
{
	av_log_set_level(AV_LOG_QUIET);
	av_log_set_callback(log_nothing);
}

/* ---- the bytes: our own I/O, with the deadline in it ---------------------------- */

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* libavformat calls this in its loops; we also call it from our reads and
 * between packets, since a custom AVIOContext never does. */
static int
interrupt_cb(void *opaque)
{
	struct dec *d = opaque;

	if ((d->deadline_ms > 0 && now_ms() > d->deadline_ms) ||
	    (d->cancel && atomic_load(d->cancel)))
		d->timed_out = 1;
	return d->timed_out;
}

static int
read_cb(void *opaque, uint8_t *buf, int size)
{
	struct dec *d = opaque;
	const struct rec_source *s = d->src;
	size_t n;

	if (interrupt_cb(d))
		return AVERROR_EXIT;
	if (size <= 0)
		return 0;
	if (s->f != NULL) {
		n = fread(buf, 1, (size_t)size, s->f);
		if (n == 0)
			return ferror(s->f) ? AVERROR(EIO) : AVERROR_EOF;
		return (int)n;
	}
	if (d->pos >= s->len)
		return AVERROR_EOF;
	n = s->len - d->pos < (size_t)size ? s->len - d->pos : (size_t)size;
	memcpy(buf, s->data + d->pos, n);
	d->pos += n;
	return (int)n;
}

static int64_t
seek_cb(void *opaque, int64_t off, int whence)
{
	struct dec *d = opaque;
	const struct rec_source *s = d->src;
	int64_t size, at;

	whence &= ~AVSEEK_FORCE;
	if (s->f != NULL) {
		struct stat sb;
		if (fstat(fileno(s->f), &sb) == -1)
			return AVERROR(errno);
		size = sb.st_size;
	} else
		size = (int64_t)s->len;
	switch (whence) {
	case AVSEEK_SIZE:
		return size;
	case SEEK_SET:
		at = off;
		break;
	case SEEK_CUR:
		at = (s->f ? ftello(s->f) : (int64_t)d->pos) + off;
		break;
	case SEEK_END:
		at = size + off;
		break;
	default:
		return AVERROR(EINVAL);
	}
	if (at < 0 || at > size)
		return AVERROR(EINVAL);
	if (s->f != NULL) {
		if (fseeko(s->f, at, SEEK_SET) == -1)
			return AVERROR(errno);
	} else
		d->pos = (size_t)at;
	return at;
}

/* ---- to mono floats at the output rate --------------------------------------------- */

static int
emit(struct dec *d, const float *x, int n)
{
	if (n <= 0)
		return 0;
	d->total += (size_t)n;
	if (d->max_total > 0 && d->total > d->max_total) {
		d->too_long = 1;
		return -1;
	}
	if (d->fn(x, (size_t)n, d->arg) != 0) {
		d->stopped = 1;
		return -1;
	}
	return 0;
}

static int
out_room(struct dec *d, int n)
{
	if (n <= d->out_cap)
		return 0;
	float *p = av_realloc(d->out, (size_t)n * sizeof(*p));
	if (p == NULL)
		return -1;
	d->out = p;
	d->out_cap = n;
	return 0;
}

/* Push out what the resampler still holds. */
static int
swr_drain(struct dec *d)
{
	if (d->swr == NULL)
		return 0;
	for (;;) {
		int room = swr_get_out_samples(d->swr, 0);
		if (room <= 0)
			return 0;
		if (out_room(d, room) == -1)
			return -1;
		uint8_t *o = (uint8_t *)d->out;
		int n = swr_convert(d->swr, &o, room, NULL, 0);
		if (n <= 0)
			return n < 0 ? -1 : 0;
		if (emit(d, d->out, n) == -1)
			return -1;
	}
}

/* (Re)build the converter for a frame's layout: a stream may change its
 * rate or channels midway (an AAC stream's SBR switching on). */
static int
swr_for(struct dec *d, const AVFrame *fr)
{
	AVChannelLayout in = { 0 }, mono = AV_CHANNEL_LAYOUT_MONO;
	int nch = fr->ch_layout.nb_channels;

	if (d->swr && fr->sample_rate == d->swr_rate &&
	    fr->format == d->swr_fmt && nch == d->swr_channels)
		return 0;
	if (swr_drain(d) == -1)
		return -1;
	swr_free(&d->swr);
	if (fr->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC)
		av_channel_layout_default(&in, nch);
	else if (av_channel_layout_copy(&in, &fr->ch_layout) < 0)
		return -1;
	int r = swr_alloc_set_opts2(&d->swr, &mono, AV_SAMPLE_FMT_FLT,
	    TTS_OUTPUT_RATE, &in, fr->format, fr->sample_rate, 0, NULL);
	av_channel_layout_uninit(&in);
	if (r < 0 || swr_init(d->swr) < 0) {
		swr_free(&d->swr);
		return -1;
	}
	d->swr_rate = fr->sample_rate;
	d->swr_fmt = fr->format;
	d->swr_channels = nch;
	return 0;
}

/* -1: the frame is unusable; -2: stop (too long, or the sink said so). */
static int
convert(struct dec *d, const AVFrame *fr)
{
	int nch = fr->ch_layout.nb_channels;

	if (fr->nb_samples <= 0)
		return 0;
	if (fr->sample_rate <= 0 || fr->sample_rate > MAX_RATE || nch <= 0 ||
	    nch > MAX_CHANNELS)
		return -1;
	if (swr_for(d, fr) == -1)
		return -1;
	int room = swr_get_out_samples(d->swr, fr->nb_samples);
	if (room < 0 || out_room(d, room) == -1)
		return -1;
	uint8_t *o = (uint8_t *)d->out;
	/* swr_convert's input is const uint8_t **; the frame's planes are
	 * only read. */
	const uint8_t **in = (const uint8_t **)(void *)fr->extended_data;
	int n = swr_convert(d->swr, &o, room, in, fr->nb_samples);
	if (n < 0)
		return -1;
	return emit(d, d->out, n) == -1 ? -2 : 0;
}

/* A packet that gives no audio still had its time: as much silence, so
 * the words after it stay where they were (at most a second a packet). */
static int
gap(struct dec *d, int64_t dur, AVRational tb)
{
	static const float zero[4800];
	int64_t n = dur > 0 ? av_rescale_q(dur, tb,
	    (AVRational){ 1, TTS_OUTPUT_RATE }) : 0;

	if (n > TTS_OUTPUT_RATE)
		n = TTS_OUTPUT_RATE;
	while (n > 0) {
		int k = n < 4800 ? (int)n : 4800;
		if (emit(d, zero, k) == -1)
			return -1;
		n -= k;
	}
	return 0;
}

/*
 * AMR's silence frames: with DTX on (sox's encoder, some phones) the
 * pauses are SID (comfort noise, 6 bytes) and NO_DATA (1 byte) frames,
 * which FFmpeg's decoder refuses; they are silence, not damage.
 */
static int
amr_silence(const AVCodecContext *cc, int size)
{
	return (cc->codec_id == AV_CODEC_ID_AMR_NB ||
	    cc->codec_id == AV_CODEC_ID_AMR_WB) && size <= 6;
}

/* ---- the decode --------------------------------------------------------------- */

static void
av_err(char *err, size_t errlen, const char *what, int e)
{
	char s[AV_ERROR_MAX_STRING_SIZE] = "";

	av_strerror(e, s, sizeof(s));
	snprintf(err, errlen, "%s: %s", what, s);
}

enum tts_recording_error
rec_decode(const struct rec_source *src, const struct rec_bounds *b,
    rec_sink_fn fn, void *arg, int *stopped,
    struct tts_recording_info *info, char *err, size_t errlen)
{
	struct dec d = { .src = src, .fn = fn, .arg = arg };
	AVFormatContext *fmt = NULL;
	AVIOContext *avio = NULL;
	AVDictionary *opts = NULL, *copts = NULL;
	AVCodecContext *cc = NULL;
	const AVCodec *codec = NULL;
	AVPacket *pkt = NULL;
	AVFrame *fr = NULL;
	enum tts_recording_error rc = TTS_REC_CORRUPT;
	unsigned char *iobuf;
	int si, r, bad = 0, good = 0;

	*stopped = 0;
	pthread_once(&quiet_once, quiet);
	if (b->max_wall_ms > 0)
		d.deadline_ms = now_ms() + b->max_wall_ms;
	d.cancel = b->cancel;
	if (b->max_seconds > 0)
		d.max_total = (size_t)b->max_seconds * TTS_OUTPUT_RATE;

	if ((fmt = avformat_alloc_context()) == NULL ||
	    (iobuf = av_malloc(AVIO_BUF)) == NULL)
		goto oom;
	avio = avio_alloc_context(iobuf, AVIO_BUF, 0, &d, read_cb, NULL,
	    seek_cb);
	if (avio == NULL) {
		av_free(iobuf);
		goto oom;
	}
	fmt->pb = avio;
	fmt->flags |= AVFMT_FLAG_CUSTOM_IO;
	fmt->interrupt_callback.callback = interrupt_cb;
	fmt->interrupt_callback.opaque = &d;
	av_dict_set(&opts, "format_whitelist", FORMATS, 0);
	av_dict_set(&opts, "codec_whitelist", CODECS, 0);
	/* Our bytes come through pb; no demuxer may open anything else. */
	av_dict_set(&opts, "protocol_whitelist", "none", 0);
	av_dict_set(&opts, "probesize", PROBE_BYTES, 0);
	av_dict_set(&opts, "analyzeduration", ANALYZE_US, 0);
	av_dict_set(&opts, "max_streams", MAX_STREAMS, 0);
	r = avformat_open_input(&fmt, NULL, NULL, &opts);
	av_dict_free(&opts);
	if (r < 0) {
		/* fmt is freed by the failure; avio is still ours. */
		rc = d.timed_out ? TTS_REC_TOO_SLOW : TTS_REC_NOT_AUDIO;
		av_err(err, errlen, d.timed_out ? "took too long to read" :
		    "not a recording in a format we take", r);
		goto out;
	}
	r = avformat_find_stream_info(fmt, NULL);
	if (d.timed_out) {
		rc = TTS_REC_TOO_SLOW;
		snprintf(err, errlen, "took too long to read");
		goto out;
	}
	si = av_find_best_stream(fmt, AVMEDIA_TYPE_AUDIO, -1, -1, &codec, 0);
	if (si < 0 || codec == NULL) {
		rc = TTS_REC_NOT_AUDIO;
		snprintf(err, errlen, si == AVERROR_DECODER_NOT_FOUND ?
		    "its audio is in a codec we do not take" :
		    "there is no audio in it");
		goto out;
	}
	if (av_match_list(codec->name, CODECS, ',') <= 0) {
		rc = TTS_REC_NOT_AUDIO;
		snprintf(err, errlen, "its audio is %s, a codec we do not take",
		    codec->name);
		goto out;
	}
	AVStream *st = fmt->streams[si];
	for (unsigned i = 0; i < fmt->nb_streams; i++)
		if ((int)i != si)
			fmt->streams[i]->discard = AVDISCARD_ALL;
	if (info != NULL) {
		snprintf(info->format, sizeof(info->format), "%s",
		    fmt->iformat->name);
		snprintf(info->codec, sizeof(info->codec), "%s", codec->name);
		info->in_rate = st->codecpar->sample_rate;
		info->in_channels = st->codecpar->ch_layout.nb_channels;
	}
	/* A file that says it runs far longer than we take is refused
	 * before it is decoded; one that lies is stopped by the count. */
	if (b->max_seconds > 0) {
		double secs = -1;
		if (fmt->duration != AV_NOPTS_VALUE && fmt->duration > 0)
			secs = fmt->duration / (double)AV_TIME_BASE;
		else if (st->duration != AV_NOPTS_VALUE && st->duration > 0)
			secs = st->duration * av_q2d(st->time_base);
		if (secs > b->max_seconds * 1.25 + 5) {
			rc = TTS_REC_TOO_LONG;
			snprintf(err, errlen, "it runs %.0f s, over %d s",
			    secs, b->max_seconds);
			goto out;
		}
	}

	if ((cc = avcodec_alloc_context3(codec)) == NULL)
		goto oom;
	if (avcodec_parameters_to_context(cc, st->codecpar) < 0)
		goto oom;
	cc->pkt_timebase = st->time_base;
	cc->thread_count = 1;	/* a daemon's thread decodes on itself */
	av_dict_set(&copts, "codec_whitelist", CODECS, 0);
	r = avcodec_open2(cc, codec, &copts);
	av_dict_free(&copts);
	if (r < 0) {
		rc = TTS_REC_CORRUPT;
		av_err(err, errlen, "its audio cannot be decoded", r);
		goto out;
	}
	if ((pkt = av_packet_alloc()) == NULL || (fr = av_frame_alloc()) == NULL)
		goto oom;

	for (int flushing = 0;;) {
		if (interrupt_cb(&d))
			break;
		if (!flushing) {
			r = av_read_frame(fmt, pkt);
			if (r < 0) {
				/* The end, or a cut-off file: what decoded
				 * so far is the recording. */
				flushing = 1;
				r = avcodec_send_packet(cc, NULL);
			} else if (pkt->stream_index != si) {
				av_packet_unref(pkt);
				continue;
			} else {
				int size = pkt->size;
				int64_t dur = pkt->duration;
				r = avcodec_send_packet(cc, pkt);
				av_packet_unref(pkt);
				if (r < 0 && r != AVERROR(EAGAIN) &&
				    r != AVERROR_EOF) {
					if (!amr_silence(cc, size))
						bad++;
					if (gap(&d, dur, st->time_base) == -1)
						goto stop;
				}
			}
		}
		for (;;) {
			r = avcodec_receive_frame(cc, fr);
			if (r == AVERROR(EAGAIN) || r == AVERROR_EOF)
				break;
			if (r < 0) {
				bad++;
				break;
			}
			int c = convert(&d, fr);
			av_frame_unref(fr);
			if (c == -2)
				goto stop;
			if (c == -1)
				bad++;
			else
				good++;
		}
		if (bad > MAX_BAD_PACKETS && bad > good) {
			rc = TTS_REC_CORRUPT;
			snprintf(err, errlen, "%d packets do not decode", bad);
			goto out;
		}
		if (flushing && r == AVERROR_EOF)
			break;
		if (flushing && r == AVERROR(EAGAIN))
			break;	/* a decoder that will give nothing more */
	}
	if (d.timed_out) {
		rc = TTS_REC_TOO_SLOW;
		snprintf(err, errlen, "took too long to decode");
		goto out;
	}
	if (swr_drain(&d) == -1 && !d.too_long && !d.stopped) {
		snprintf(err, errlen, "the resampler failed");
		goto out;
	}
stop:
	if (d.too_long) {
		rc = TTS_REC_TOO_LONG;
		snprintf(err, errlen, "it runs over %d s", b->max_seconds);
		goto out;
	}
	if (d.stopped) {
		*stopped = 1;
		rc = TTS_REC_OK;
		goto out;
	}
	if (d.total == 0) {
		rc = TTS_REC_CORRUPT;
		snprintf(err, errlen, bad ? "its audio does not decode" :
		    "its audio stream is empty");
		goto out;
	}
	rc = TTS_REC_OK;
	goto out;
oom:
	rc = TTS_REC_IO;
	snprintf(err, errlen, "out of memory");
out:
	av_frame_free(&fr);
	av_packet_free(&pkt);
	avcodec_free_context(&cc);
	swr_free(&d.swr);
	av_free(d.out);
	avformat_close_input(&fmt);
	if (avio != NULL) {
		av_freep(&avio->buffer);
		avio_context_free(&avio);
	}
	return rc;
}
