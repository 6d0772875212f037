/*
 * writer.c — WAV, Ogg Opus and MP3 files for previews, the archive, the
 * cache and podcast apps.
 * Data goes to PATH.new; close() fsyncs and renames it over PATH, so a crash
 * or a full disk never leaves a truncated file under the name a web page or
 * the broadcaster will open.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libgen.h>

#include <lame/lame.h>
#include <opus/opusenc.h>

#include "broadcaster/broadcaster.h"
#include "tts/tts.h"
#include "tts/wavfile.h"

#define OPUS_BITRATE 24000	/* speech and chimes, mono: clear at 24 kb/s */
#define OPUS_COMPLEXITY 8
/*
 * MP3 for podcast apps, which do not all play Opus: constant 64 kb/s mono
 * at 48 kHz. Constant, because a player that estimates duration and seeks
 * from the bitrate (old ones, some car radios) gets both right; 64 kb/s,
 * what podcast hosts advise for spoken mono, where LAME's speech is clean;
 * 48 kHz, the rate everything here is at: MPEG-1 Layer III has it, every
 * app plays it, and LAME's own resampler is never used.
 */
#define MP3_KBPS 64
#define MP3_QUALITY 3		/* LAME's 0 (slow) .. 9; 3 is near 2's quality, faster */
#define MP3_CHUNK 4608		/* frames a call: four MPEG frames */
#define MP3_BUF (MP3_CHUNK * 5 / 4 + 7200)	/* LAME's stated worst case */

struct tts_writer {
	enum tts_format fmt;
	char *path, *tmp;
	FILE *f;
	int rate;
	uint32_t frames;
	int failed;
	OggOpusEnc *enc;
	OggOpusComments *comments;
	lame_t lame;
	long id3_len;			/* where the MP3 frames start */
	unsigned char *mp3;		/* MP3_BUF bytes */
};

int
tts_format_from_path(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (dot == NULL)
		return -1;
	if (strcmp(dot, ".wav") == 0)
		return TTS_FORMAT_WAV;
	if (strcmp(dot, ".ogg") == 0 || strcmp(dot, ".opus") == 0)
		return TTS_FORMAT_OGG_OPUS;
	if (strcmp(dot, ".mp3") == 0)
		return TTS_FORMAT_MP3;
	return -1;
}

static void
put_le(unsigned char *p, uint32_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

int
wav_read_header(FILE *f, int *rate, uint32_t *frames)
{
	uint8_t h[BCAST_WAV_HEADER_LEN];

	if (fread(h, 1, sizeof(h), f) != sizeof(h))
		return -1;
	return bcast_wav_parse(h, rate, frames);
}

/*
 * An ID3v2.4 tag holding the title as UTF-8 (LAME's own id3tag_set_title
 * takes Latin-1, and a notice's title is Chinese). v2.4 sizes are
 * "syncsafe": 7 bits a byte.
 */
static int
write_id3(FILE *f, const char *title, long *len)
{
	size_t tl = strlen(title), frame = 1 + tl, body = 10 + frame;
	unsigned char h[20];

	*len = 0;
	if (body > 0x0fffffff)
		return 0;	/* no tag rather than a wrong one */
	memcpy(h, "ID3\x04\x00\x00", 6);
	for (int i = 0; i < 4; i++)
		h[6 + i] = (unsigned char)((body >> (7 * (3 - i))) & 0x7f);
	memcpy(h + 10, "TIT2", 4);
	for (int i = 0; i < 4; i++)
		h[14 + i] = (unsigned char)((frame >> (7 * (3 - i))) & 0x7f);
	h[18] = h[19] = 0;	/* frame flags */
	if (fwrite(h, 1, 20, f) != 20 || fputc(3, f) == EOF ||	/* 3: UTF-8 */
	    fwrite(title, 1, tl, f) != tl)
		return -1;
	*len = (long)(10 + body);
	return 0;
}

static int
mp3_open(struct tts_writer *w, const char *title, char *err, size_t errlen)
{
	/* MPEG-1, 2 and 2.5's rates: any other would be resampled by LAME. */
	static const int rates[] = { 8000, 11025, 12000, 16000, 22050, 24000,
	    32000, 44100, 48000 };
	size_t i;

	for (i = 0; i < sizeof(rates) / sizeof(rates[0]); i++)
		if (rates[i] == w->rate)
			break;
	if (i == sizeof(rates) / sizeof(rates[0])) {
		snprintf(err, errlen, "MP3 has no rate of %d Hz", w->rate);
		return -1;
	}
	if ((w->mp3 = malloc(MP3_BUF)) == NULL ||
	    (w->lame = lame_init()) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	lame_set_in_samplerate(w->lame, w->rate);
	lame_set_out_samplerate(w->lame, w->rate);
	lame_set_num_channels(w->lame, 1);
	lame_set_mode(w->lame, MONO);
	lame_set_VBR(w->lame, vbr_off);
	lame_set_brate(w->lame, MP3_KBPS);
	lame_set_quality(w->lame, MP3_QUALITY);
	/* We write the tag (UTF-8); LAME writes its Info frame, which
	 * tells players the exact length (delay and padding). */
	lame_set_write_id3tag_automatic(w->lame, 0);
	lame_set_bWriteVbrTag(w->lame, 1);
	if (lame_init_params(w->lame) < 0) {
		snprintf(err, errlen, "MP3 encoder: LAME refused %d Hz mono at "
		    "%d kb/s", w->rate, MP3_KBPS);
		return -1;
	}
	if (title && title[0] && write_id3(w->f, title, &w->id3_len) == -1) {
		snprintf(err, errlen, "%s: %s", w->tmp, strerror(errno));
		return -1;
	}
	return 0;
}

static int
mp3_put(struct tts_writer *w, int n)
{
	if (n < 0 || fwrite(w->mp3, 1, (size_t)n, w->f) != (size_t)n) {
		w->failed = 1;
		return -1;
	}
	return 0;
}

static void
mp3_write(struct tts_writer *w, const int16_t *pcm, size_t frames)
{
	while (frames > 0 && !w->failed) {
		size_t k = frames < MP3_CHUNK ? frames : MP3_CHUNK;
		/* Mono: LAME reads only the first buffer. */
		int n = lame_encode_buffer(w->lame, pcm, pcm, (int)k, w->mp3,
		    MP3_BUF);
		mp3_put(w, n);
		pcm += k;
		frames -= k;
	}
}

/* The last frames, then the Info frame over the empty one LAME began with. */
static void
mp3_finish(struct tts_writer *w)
{
	if (mp3_put(w, lame_encode_flush(w->lame, w->mp3, MP3_BUF)) == -1)
		return;
	size_t n = lame_get_lametag_frame(w->lame, w->mp3, MP3_BUF);
	if (n > MP3_BUF) {
		w->failed = 1;
		return;
	}
	if (n > 0 && (fseek(w->f, w->id3_len, SEEK_SET) != 0 ||
	    fwrite(w->mp3, 1, n, w->f) != n))
		w->failed = 1;
}

static int
ope_write_cb(void *user, const unsigned char *ptr, opus_int32 len)
{
	struct tts_writer *w = user;

	if (fwrite(ptr, 1, (size_t)len, w->f) != (size_t)len) {
		w->failed = 1;
		return 1;
	}
	return 0;
}

static int
ope_close_cb(void *user)
{
	(void)user;	/* the file is ours to fsync and close */
	return 0;
}

struct tts_writer *
tts_writer_open(const char *path, enum tts_format fmt, int rate,
    const char *title, char *err, size_t errlen)
{
	struct tts_writer *w = calloc(1, sizeof(*w));
	int oerr;

	if (w == NULL)
		goto oom;
	w->fmt = fmt;
	w->rate = rate;
	w->path = strdup(path);
	if (w->path == NULL || asprintf(&w->tmp, "%s.new", path) == -1) {
		w->tmp = NULL;
		goto oom;
	}
	if ((w->f = fopen(w->tmp, "wb")) == NULL) {
		snprintf(err, errlen, "%s: %s", w->tmp, strerror(errno));
		goto fail;
	}
	if (fmt == TTS_FORMAT_WAV) {
		uint8_t h[BCAST_WAV_HEADER_LEN];
		bcast_wav_header(h, rate, 0);
		if (fwrite(h, 1, sizeof(h), w->f) != sizeof(h)) {
			snprintf(err, errlen, "%s: %s", w->tmp, strerror(errno));
			goto fail;
		}
		return w;
	}
	if (fmt == TTS_FORMAT_MP3) {
		if (mp3_open(w, title, err, errlen) == -1)
			goto fail;
		return w;
	}

	static const OpusEncCallbacks cbs = { ope_write_cb, ope_close_cb };
	if ((w->comments = ope_comments_create()) == NULL)
		goto oom;
	ope_comments_add(w->comments, "ENCODER", "dalaba");
	if (title && title[0])
		ope_comments_add(w->comments, "TITLE", title);
	w->enc = ope_encoder_create_callbacks(&cbs, w, w->comments, rate, 1, 0,
	    &oerr);
	if (w->enc == NULL) {
		snprintf(err, errlen, "Opus encoder: %s", ope_strerror(oerr));
		goto fail;
	}
	ope_encoder_ctl(w->enc, OPUS_SET_BITRATE(OPUS_BITRATE));
	ope_encoder_ctl(w->enc, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE));
	/* 8, not the default 10: the Opus encoder was 72 % of a render's
	 * time, and 8 decodes to the same segmental SNR against the WAV
	 * (19.1 dB on a 26 s notice; 6 gives 18.7, 5 gives 18.0). */
	ope_encoder_ctl(w->enc, OPUS_SET_COMPLEXITY(OPUS_COMPLEXITY));
	return w;
oom:
	snprintf(err, errlen, "out of memory");
fail:
	tts_writer_abort(w);
	return NULL;
}

int
tts_writer_write(struct tts_writer *w, const int16_t *pcm, size_t frames)
{
	if (w->failed)
		return -1;
	if (w->fmt == TTS_FORMAT_OGG_OPUS) {
		if (ope_encoder_write(w->enc, pcm, (int)frames) != OPE_OK)
			w->failed = 1;
	} else if (w->fmt == TTS_FORMAT_MP3) {
		mp3_write(w, pcm, frames);
	} else {
		unsigned char buf[2048];
		size_t done = 0;
		while (done < frames) {
			size_t n = frames - done < 1024 ? frames - done : 1024;
			for (size_t i = 0; i < n; i++)
				put_le(buf + 2 * i, (uint16_t)pcm[done + i], 2);
			if (fwrite(buf, 2, n, w->f) != n) {
				w->failed = 1;
				break;
			}
			done += n;
		}
	}
	if (w->frames + frames < w->frames || w->frames + frames > 0x7fffffff)
		w->failed = 1;	/* WAV sizes are 32-bit */
	w->frames += (uint32_t)frames;
	return w->failed ? -1 : 0;
}

int
tts_writer_pcm_fn(const int16_t *pcm, size_t frames, void *arg)
{
	return tts_writer_write(arg, pcm, frames) == -1 ? 1 : 0;
}

static void
writer_free(struct tts_writer *w)
{
	if (w->enc)
		ope_encoder_destroy(w->enc);
	if (w->comments)
		ope_comments_destroy(w->comments);
	if (w->lame)
		lame_close(w->lame);
	free(w->mp3);
	if (w->f)
		fclose(w->f);
	free(w->path);
	free(w->tmp);
	free(w);
}

/* fsync the directory so the rename itself survives a power cut. */
static void
sync_dir(const char *path)
{
	char *copy = strdup(path);

	if (copy == NULL)
		return;
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(copy);
}

int
tts_writer_close(struct tts_writer *w, char *err, size_t errlen)
{
	if (w->fmt == TTS_FORMAT_OGG_OPUS && !w->failed &&
	    ope_encoder_drain(w->enc) != OPE_OK)
		w->failed = 1;
	if (w->fmt == TTS_FORMAT_MP3 && !w->failed)
		mp3_finish(w);
	if (w->fmt == TTS_FORMAT_WAV && !w->failed) {
		uint8_t h[BCAST_WAV_HEADER_LEN];
		bcast_wav_header(h, w->rate, w->frames);
		if (fseek(w->f, 0, SEEK_SET) != 0 ||
		    fwrite(h, 1, sizeof(h), w->f) != sizeof(h))
			w->failed = 1;
	}
	/* Write and sync before the name appears: see the file comment. */
	if (!w->failed && (fflush(w->f) != 0 || fsync(fileno(w->f)) != 0))
		w->failed = 1;
	if (!w->failed && rename(w->tmp, w->path) != 0)
		w->failed = 1;
	if (w->failed) {
		snprintf(err, errlen, "%s: %s", w->path,
		    errno ? strerror(errno) : "write failed");
		tts_writer_abort(w);
		return -1;
	}
	sync_dir(w->path);
	writer_free(w);
	return 0;
}

void
tts_writer_abort(struct tts_writer *w)
{
	if (w == NULL)
		return;
	if (w->tmp)
		unlink(w->tmp);
	writer_free(w);
}
