/*
 * test_recording.c — voice notices: a spoken notice (our own engine's
 * speech, 12 dB quieter, with 1.5 s of silence before and after) is made
 * into every kind of file a phone or a browser uploads, by ffmpeg and sox
 * at test time (nothing binary is committed), and each is imported: the
 * archive is Ogg Opus at 48 kHz mono, within 1 LU of -16 LUFS, under the
 * true-peak ceiling, trimmed of its silence and still the same speech (its
 * envelope correlates with the input's). Hostile and useless files are
 * refused with their reason and leave nothing behind. A render of a voice
 * notice holds the chime and the recording twice at the target loudness;
 * its cache key follows the recording's bytes while a text notice's key is
 * what it was before recordings existed. The MP3 writer's files are read
 * back by our decoder and by ffprobe.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tests/unit/harness.h"
#include "tts/tts.h"

#define RATE TTS_OUTPUT_RATE
#define PAD_S 1.5			/* silence around the speech */
#define ENV 480				/* envelope window: 10 ms */

static char dir[64];
static struct tts_engine *eng;

/* ---- helpers --------------------------------------------------------------------- */

static int
run(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	int rc = system(cmd);
	if (rc != 0)
		printf("# command failed (%d): %s\n", rc, cmd);
	return rc;
}

static void
path_of(char *out, size_t cap, const char *name)
{
	snprintf(out, cap, "%s/%s", dir, name);
}

static bool
exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}

static bool
nothing_left(const char *path)
{
	char tmp[512];

	snprintf(tmp, sizeof(tmp), "%s.new", path);
	return !exists(path) && !exists(tmp);
}

static unsigned char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;

	*len = 0;
	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	if (n >= 0 && (buf = malloc((size_t)n + 1)) != NULL &&
	    fread(buf, 1, (size_t)n, f) == (size_t)n)
		*len = (size_t)n;
	fclose(f);
	return buf;
}

static double
secs_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
	    (t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* PCM gathered from a sink. */
struct pcm {
	int16_t *x;
	size_t n, cap;
	size_t calls, biggest;
	size_t stop_after;		/* calls; 0: never stop */
};

static int
gather(const int16_t *pcm, size_t frames, void *arg)
{
	struct pcm *p = arg;

	if (p->n + frames > p->cap) {
		size_t cap = p->cap ? p->cap * 2 : RATE * 8;
		while (cap < p->n + frames)
			cap *= 2;
		int16_t *y = realloc(p->x, cap * sizeof(*y));
		if (y == NULL)
			return 1;
		p->x = y;
		p->cap = cap;
	}
	memcpy(p->x + p->n, pcm, frames * sizeof(*pcm));
	p->n += frames;
	p->calls++;
	if (frames > p->biggest)
		p->biggest = frames;
	return p->stop_after && p->calls >= p->stop_after;
}

static void
measure(const int16_t *x, size_t n, double *lufs, double *dbtp)
{
	struct tts_meter *m = tts_meter_new(RATE);

	tts_meter_add(m, x, n);
	tts_meter_read(m, lufs, dbtp);
	tts_meter_free(m);
}

/* 10 ms RMS envelope; *ne gets its length. */
static double *
envelope(const int16_t *x, size_t n, size_t *ne)
{
	double *e = calloc(n / ENV + 1, sizeof(*e));

	*ne = n / ENV;
	for (size_t w = 0; w < *ne; w++) {
		double s = 0;
		for (size_t i = 0; i < ENV; i++)
			s += (double)x[w * ENV + i] * x[w * ENV + i];
		e[w] = sqrt(s / ENV);
	}
	return e;
}

/* Normalised cross-correlation of b against a at lag (b inside a). */
static double
ncc_at(const double *a, const double *b, size_t nb, size_t lag)
{
	double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;

	for (size_t i = 0; i < nb; i++) {
		ma += a[lag + i];
		mb += b[i];
	}
	ma /= nb;
	mb /= nb;
	for (size_t i = 0; i < nb; i++) {
		double u = a[lag + i] - ma, v = b[i] - mb;
		sab += u * v;
		saa += u * u;
		sbb += v * v;
	}
	return saa > 0 && sbb > 0 ? sab / sqrt(saa * sbb) : 0;
}

/* The best correlation of b anywhere in a, avoiding lags within avoid_w
 * windows of avoid (SIZE_MAX: none); *at gets the lag. */
static double
best_ncc(const double *a, size_t na, const double *b, size_t nb,
    size_t avoid, size_t avoid_w, size_t *at)
{
	double best = -1;

	*at = 0;
	for (size_t lag = 0; nb <= na && lag + nb <= na; lag++) {
		if (avoid != SIZE_MAX && lag + avoid_w > avoid &&
		    lag < avoid + avoid_w)
			continue;
		double c = ncc_at(a, b, nb, lag);
		if (c > best) {
			best = c;
			*at = lag;
		}
	}
	return best;
}

/* ---- the input: speech between silences ---------------------------------------------- */

static struct pcm speech;		/* the speech alone, as rendered */
static char ref_wav[256];

static int
make_reference(void)
{
	char err[256];
	struct tts_notice n = { .body = "各位村民请注意，明天上午九点在村委会开会，"
	    "请各组组长准时参加。下午两点，卫生院的医生来村里义诊。",
	    .repeat = 1 };

	tts_params_default(&n.params);
	if (tts_render(eng, &n, gather, &speech, err, sizeof(err)) != 0) {
		printf("# render: %s\n", err);
		return -1;
	}
	/* 12 dB under the target: the import must bring it up. */
	for (size_t i = 0; i < speech.n; i++)
		speech.x[i] = (int16_t)lrint(speech.x[i] * 0.25);
	path_of(ref_wav, sizeof(ref_wav), "ref.wav");
	struct tts_writer *w = tts_writer_open(ref_wav, TTS_FORMAT_WAV, RATE,
	    NULL, err, sizeof(err));
	static const int16_t zero[RATE / 2];
	if (w == NULL)
		return -1;
	for (int i = 0; i < 3; i++)
		tts_writer_write(w, zero, RATE / 2);
	tts_writer_write(w, speech.x, speech.n);
	for (int i = 0; i < 3; i++)
		tts_writer_write(w, zero, RATE / 2);
	return tts_writer_close(w, err, sizeof(err));
}

/* ---- each format imports --------------------------------------------------------------- */

struct kind {
	const char *name, *file;
	const char *make;		/* %1$s the reference WAV, %2$s the file */
	const char *codec;		/* what info->codec must say */
};

static const struct kind kinds[] = {
	{ "M4A/AAC (a phone's recorder)", "x.m4a",
	    "ffmpeg -v error -y -i %1$s -c:a aac -b:a 64k %2$s", "aac" },
	{ "M4A/AAC, stereo 44.1 kHz, moov first", "x2.m4a",
	    "ffmpeg -v error -y -i %1$s -ac 2 -ar 44100 -c:a aac -b:a 96k "
	    "-movflags +faststart %2$s", "aac" },
	{ "AMR-NB, raw (sox)", "x.amr",
	    "sox %1$s -r 8000 -t amr-nb %2$s", "amrnb" },
	{ "3GP/AMR-NB (WeChat, old phones)", "x.3gp",
	    "sox %1$s -r 8000 -t amr-nb %2$s.amr && "
	    "ffmpeg -v error -y -i %2$s.amr -c:a copy -f 3gp %2$s", "amrnb" },
	{ "MP3", "x.mp3",
	    "ffmpeg -v error -y -i %1$s -c:a libmp3lame -b:a 64k %2$s", "mp3float" },
	{ "Ogg/Opus", "x.opus",
	    "ffmpeg -v error -y -i %1$s -c:a libopus -b:a 32k %2$s", "opus" },
	{ "Ogg/Vorbis", "x.ogg",
	    "ffmpeg -v error -y -i %1$s -c:a libvorbis -q:a 3 %2$s", "vorbis" },
	{ "WebM/Opus (Chrome's MediaRecorder)", "x.webm",
	    "ffmpeg -v error -y -i %1$s -c:a libopus -b:a 32k -f webm %2$s",
	    "opus" },
	{ "WAV, 44.1 kHz stereo", "x.wav",
	    "ffmpeg -v error -y -i %1$s -ac 2 -ar 44100 -c:a pcm_s16le %2$s",
	    "pcm_s16le" },
	{ "FLAC", "x.flac",
	    "ffmpeg -v error -y -i %1$s -c:a flac %2$s", "flac" },
	{ "AAC in ADTS", "x.aac",
	    "ffmpeg -v error -y -i %1$s -c:a aac -b:a 48k -f adts %2$s", "aac" },
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

static char archive_m4a[300];		/* for the render tests */

static void
test_kind(const struct kind *k)
{
	char in[256], out[300], err[256];
	struct tts_recording_limits lim;
	struct tts_recording_info info;
	struct timespec t0;
	size_t len;

	path_of(in, sizeof(in), k->file);
	snprintf(out, sizeof(out), "%s.archive.ogg", in);
	if (run(k->make, ref_wav, in) != 0) {
		CHECK(false, "%s: made by the command", k->name);
		return;
	}
	unsigned char *data = slurp(in, &len);
	tts_recording_limits_default(&lim);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	enum tts_recording_error e = tts_recording_import(data, len, &lim, out,
	    "村委会开会", &info, err, sizeof(err));
	double took = secs_since(&t0);
	free(data);
	CHECK(e == TTS_REC_OK, "%s: imported (%s)", k->name,
	    e == TTS_REC_OK ? "ok" : err);
	if (e != TTS_REC_OK)
		return;
	CHECK(strcmp(info.codec, k->codec) == 0, "%s: codec %s, format %s, "
	    "%d Hz x %d", k->name, info.codec, info.format, info.in_rate,
	    info.in_channels);
	CHECK(exists(out) && !nothing_left(out), "%s: the archive is there",
	    k->name);
	char tmp[320];
	snprintf(tmp, sizeof(tmp), "%s.new", out);
	CHECK(!exists(tmp), "%s: no .new left", k->name);

	/* It is Ogg Opus... */
	unsigned char *arc = slurp(out, &len);
	CHECK(arc && len > 64 && memcmp(arc, "OggS", 4) == 0 &&
	    memmem(arc, len < 200 ? len : 200, "OpusHead", 8) != NULL &&
	    memmem(arc, len < 4096 ? len : 4096, "TITLE=村委会开会", strlen(
	    "TITLE=村委会开会")) != NULL,
	    "%s: the archive is Ogg Opus with its title", k->name);
	free(arc);
	/* ...at 48 kHz mono (our decoder says so by giving 48 kHz mono;
	 * ffprobe as a second opinion). */
	CHECK(run("test \"$(ffprobe -v error -select_streams a:0 -show_entries "
	    "stream=codec_name,sample_rate,channels -of csv=p=0 %s)\" = "
	    "'opus,48000,1'", out) == 0, "%s: ffprobe: opus, 48000 Hz, mono",
	    k->name);

	struct pcm back = { 0 };
	int rc = tts_recording_stream(out, gather, &back, err, sizeof(err));
	CHECK(rc == 0 && back.n > 0 && back.biggest <= 2048,
	    "%s: streams back in pieces of <= 2048 frames (%zu)", k->name,
	    back.biggest);
	double lufs, dbtp;
	measure(back.x, back.n, &lufs, &dbtp);
	CHECK(fabs(lufs - -16) <= 1.0 && dbtp <= -1 + 0.5,
	    "%s: %.2f LUFS (%+.2f LU), %.2f dBTP; from %.1f LUFS; import "
	    "%.0f ms", k->name, lufs, lufs + 16, dbtp, info.lufs_in,
	    took * 1000);

	/* The silence is gone, the speech is all there: 150 ms kept each
	 * side, the speech's own quiet start and end may go too. */
	double want = (double)speech.n / RATE, got = (double)back.n / RATE;
	CHECK(got > want - 0.5 && got < want + 0.45 &&
	    fabs(info.seconds - got) < 0.1 &&
	    fabs(info.in_seconds - (want + 2 * PAD_S)) < 0.2,
	    "%s: %.2f s archived of %.2f s decoded, the speech %.2f s",
	    k->name, got, info.in_seconds, want);

	/* The same words: envelopes against the speech's. */
	size_t ns, na, at;
	double *es = envelope(speech.x, speech.n, &ns);
	double *ea = envelope(back.x, back.n, &na);
	double c = na >= ns ? best_ncc(ea, na, es, ns, SIZE_MAX, 0, &at) :
	    best_ncc(es, ns, ea, na, SIZE_MAX, 0, &at);
	CHECK(c > 0.8, "%s: envelope correlation %.3f", k->name, c);
	free(es);
	free(ea);
	free(back.x);
	if (strcmp(k->file, "x.m4a") == 0)
		snprintf(archive_m4a, sizeof(archive_m4a), "%s", out);
}

/* ---- refusals ------------------------------------------------------------------------- */

static void
refuse(const char *what, const void *data, size_t len,
    const struct tts_recording_limits *lim, enum tts_recording_error want,
    enum tts_recording_error also)
{
	char out[256], err[256] = "";
	struct tts_recording_info info;

	path_of(out, sizeof(out), "refused.ogg");
	enum tts_recording_error e = tts_recording_import(data, len, lim, out,
	    NULL, &info, err, sizeof(err));
	CHECK((e == want || e == also) && err[0] && nothing_left(out),
	    "%s: refused (%d: %s), nothing left", what, (int)e, err);
}

static void
refuse_file(const char *what, const char *name, const char *make,
    const struct tts_recording_limits *lim, enum tts_recording_error want,
    enum tts_recording_error also)
{
	char in[256];
	size_t len;

	path_of(in, sizeof(in), name);
	if (make && run(make, in) != 0) {
		CHECK(false, "%s: made by the command", what);
		return;
	}
	unsigned char *data = slurp(in, &len);
	refuse(what, data, len, lim, want, also);
	free(data);
}

static void
test_refusals(void)
{
	struct tts_recording_limits lim;
	char in[256];
	size_t len;

	tts_recording_limits_default(&lim);
	/* Over the size: refused before a byte is read (it is all zeros). */
	unsigned char *big = calloc(1, TTS_RECORDING_MAX_BYTES + 1);
	refuse("10 MB + 1 byte", big, TTS_RECORDING_MAX_BYTES + 1, &lim,
	    TTS_REC_TOO_BIG, TTS_REC_TOO_BIG);
	free(big);

	unsigned char noise[65536];
	srand(19);
	for (size_t i = 0; i < sizeof(noise); i++)
		noise[i] = (unsigned char)(rand() >> 7);
	refuse("random bytes", noise, sizeof(noise), &lim, TTS_REC_NOT_AUDIO,
	    TTS_REC_NOT_AUDIO);
	refuse("nothing", noise, 0, &lim, TTS_REC_NOT_AUDIO, TTS_REC_NOT_AUDIO);
	refuse("text", "#!/bin/sh\necho hello\n", 22, &lim, TTS_REC_NOT_AUDIO,
	    TTS_REC_NOT_AUDIO);

	/* Eleven minutes, at 8 kb/s: valid, and too long. */
	path_of(in, sizeof(in), "long.opus");
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	refuse_file("an 11-minute recording", "long.opus",
	    "ffmpeg -v error -y -f lavfi -i 'sine=frequency=300:duration=660' "
	    "-af 'volume=0.3' -c:a libopus -b:a 8k -ac 1 %s", &lim,
	    TTS_REC_TOO_LONG, TTS_REC_TOO_LONG);
	printf("# 11 minutes made and refused in %.1f s\n", secs_since(&t0));
	/* The same, given 1 ms: it cannot be decoded in time. */
	struct tts_recording_limits quick = lim;
	quick.max_wall_ms = 1;
	refuse_file("a decode over its time", "long.opus", NULL, &quick,
	    TTS_REC_TOO_SLOW, TTS_REC_TOO_SLOW);
	/* A container that says it runs an hour is refused undecoded. */
	struct tts_recording_limits short_lim = lim;
	short_lim.max_seconds = 3;
	refuse_file("over a 3 s limit", "x.flac", NULL, &short_lim,
	    TTS_REC_TOO_LONG, TTS_REC_TOO_LONG);

	/* An MP4 cut off before its index (moov at the end), and one whose
	 * audio is all garbage after a good index. */
	char m4a[256];
	path_of(m4a, sizeof(m4a), "x.m4a");
	unsigned char *d = slurp(m4a, &len);
	if (d != NULL)
		refuse("an MP4 cut off halfway", d, len / 2, &lim,
		    TTS_REC_NOT_AUDIO, TTS_REC_CORRUPT);
	free(d);
	char fast[256];
	path_of(fast, sizeof(fast), "x2.m4a");
	d = slurp(fast, &len);
	unsigned char *mdat = d ? memmem(d, len, "mdat", 4) : NULL;
	CHECK(mdat != NULL, "the faststart MP4 has its mdat after moov");
	if (mdat != NULL) {
		for (unsigned char *p = mdat + 4; p < d + len; p++)
			*p = (unsigned char)(rand() >> 7);
		refuse("an MP4 whose audio is garbage", d, len, &lim,
		    TTS_REC_CORRUPT, TTS_REC_NOT_AUDIO);
	}
	free(d);

	refuse_file("a video without sound", "video.mp4",
	    "ffmpeg -v error -y -f lavfi -i testsrc=size=64x48:rate=5:duration=2 "
	    "-c:v mpeg4 -an %s", &lim, TTS_REC_NOT_AUDIO, TTS_REC_NOT_AUDIO);
	refuse_file("five seconds of silence", "silence.m4a",
	    "ffmpeg -v error -y -f lavfi -i anullsrc=r=48000:cl=mono -t 5 "
	    "-c:a aac %s", &lim, TTS_REC_SILENT, TTS_REC_SILENT);
	refuse_file("five seconds of -70 dBFS hiss", "hiss.wav",
	    "ffmpeg -v error -y -f lavfi -i 'anoisesrc=a=0.0003:r=48000:d=5' "
	    "%s", &lim, TTS_REC_SILENT, TTS_REC_SILENT);
	/* An Ogg Opus file is taken only as a recording: a format outside
	 * the list is refused even though FFmpeg could read it. */
	refuse_file("AIFF (not on the list)", "x.aiff",
	    "ffmpeg -v error -y -f lavfi -i 'sine=frequency=300:duration=2' %s",
	    &lim, TTS_REC_NOT_AUDIO, TTS_REC_NOT_AUDIO);

	/* A directory that cannot be written: the reason, and no file. */
	struct tts_recording_info info;
	char err[256];
	path_of(in, sizeof(in), "x.flac");
	d = slurp(in, &len);
	enum tts_recording_error e = tts_recording_import(d, len, &lim,
	    "/nonexistent/dir/a.ogg", NULL, &info, err, sizeof(err));
	CHECK(e == TTS_REC_IO && strstr(err, "/nonexistent") != NULL,
	    "an unwritable archive path: TTS_REC_IO (%s)", err);
	free(d);

	/* A daemon stopping: the flag set before, or while, the import
	 * runs stops it with nothing kept. */
	atomic_int stop;
	atomic_init(&stop, 1);
	struct tts_recording_limits halt = lim;
	halt.cancel = &stop;
	refuse_file("an import told to stop", "x.flac", NULL, &halt,
	    TTS_REC_CANCELLED, TTS_REC_CANCELLED);
	atomic_store(&stop, 0);
	char kept[256];
	path_of(in, sizeof(in), "x.flac");
	path_of(kept, sizeof(kept), "kept.ogg");
	d = slurp(in, &len);
	CHECK(tts_recording_import(d, len, &halt, kept, NULL, &info, err,
	    sizeof(err)) == TTS_REC_OK && access(kept, R_OK) == 0,
	    "a flag left at 0 stops nothing (%s)", err);
	unlink(kept);
	free(d);
	for (int i = TTS_REC_OK; i <= TTS_REC_CANCELLED + 1; i++) {
		const char *zh = tts_recording_error_zh(
		    (enum tts_recording_error)i);
		CHECK(zh != NULL && zh[0] != '\0', "zh %d: %s", i, zh ? zh : "");
	}
	CHECK(strstr(tts_recording_error_zh(TTS_REC_TOO_BIG), "10 MB") != NULL,
	    "the size refusal names the limit");
}

/* ---- the render -------------------------------------------------------------------------- */

static void
test_render(void)
{
	char err[256];
	struct tts_notice n = { .recording = archive_m4a, .repeat = 2,
	    .chime = true };
	struct pcm out = { 0 }, rec = { 0 };

	tts_params_default(&n.params);
	if (archive_m4a[0] == '\0') {
		CHECK(false, "the M4A archive is there to render");
		return;
	}
	int rc = tts_render(eng, &n, gather, &out, err, sizeof(err));
	CHECK(rc == 0, "a voice notice renders, no title or body (%s)",
	    rc == 0 ? "ok" : err);
	tts_recording_stream(archive_m4a, gather, &rec, err, sizeof(err));

	size_t no, nr, nc, a1, a2;
	double *eo = envelope(out.x, out.n, &no);
	double *er = envelope(rec.x, rec.n, &nr);
	double c1 = best_ncc(eo, no, er, nr, SIZE_MAX, 0, &a1);
	double c2 = best_ncc(eo, no, er, nr, a1, nr, &a2);
	CHECK(c1 > 0.8 && c2 > 0.8, "the recording is heard twice: "
	    "correlation %.3f at %.2f s and %.3f at %.2f s", c1, a1 * 0.01,
	    c2, a2 * 0.01);
	double total = (double)out.n / RATE, one = (double)rec.n / RATE;
	CHECK(total > 2 * one + 3 && total < 2 * one + 12,
	    "%.1f s in all for twice %.1f s, the chimes and the lead-in",
	    total, one);

	/* It starts with the chime: the first strike is where it is alone. */
	size_t cf = tts_tone_frames(TTS_TONE_ATTENTION, RATE);
	int16_t *chime = malloc(cf * sizeof(*chime));
	tts_tone_render(TTS_TONE_ATTENTION, RATE, 0, cf, chime);
	double *ec = envelope(chime, cf, &nc);
	size_t lead = 40;	/* look in the first 0.4 s for where it starts */
	double cc = no > nc + lead ? best_ncc(eo, nc + lead, ec, nc, SIZE_MAX,
	    0, &a1) : 0;
	CHECK(cc > 0.9 && a1 * 0.01 < 0.3, "it starts with the chime: "
	    "correlation %.3f at %.2f s", cc, a1 * 0.01);
	free(chime);
	free(ec);

	double lufs, dbtp;
	measure(out.x, out.n, &lufs, &dbtp);
	CHECK(fabs(lufs - -16) <= 1.0 && dbtp <= -1 + 0.3,
	    "the voice notice at %.2f LUFS, %.2f dBTP", lufs, dbtp);
	free(eo);
	free(er);
	free(out.x);
	free(rec.x);

	/* A page stops it midway, inside the recording. */
	struct pcm part = { .stop_after = 60 };
	rc = tts_render(eng, &n, gather, &part, err, sizeof(err));
	CHECK(rc == 1 && part.calls == 60, "the sink stops it midway (%d, "
	    "%zu calls)", rc, part.calls);
	free(part.x);

	/* A recording that is not there fails before any audio. */
	struct pcm none = { 0 };
	n.recording = "/nonexistent/rec.ogg";
	err[0] = '\0';
	rc = tts_render(eng, &n, gather, &none, err, sizeof(err));
	CHECK(rc == -1 && none.calls == 0 && strstr(err, "/nonexistent"),
	    "a missing recording fails cleanly: %s", err);
	char cache[256], key[65], entry[400];
	bool hit;
	path_of(cache, sizeof(cache), "cache");
	rc = tts_render_cached(eng, cache, &n, gather, &none, &hit, err,
	    sizeof(err));
	tts_cache_key(eng, &n, key);
	snprintf(entry, sizeof(entry), "%s/%s.wav", cache, key);
	CHECK(rc == -1 && !exists(entry), "and through the cache, no entry");
	/* A file that is not a recording fails cleanly too. */
	n.recording = ref_wav;	/* a WAV: it decodes, so it would play */
	char junk[256];
	path_of(junk, sizeof(junk), "junk.ogg");
	FILE *f = fopen(junk, "w");
	fputs("not audio", f);
	fclose(f);
	n.recording = junk;
	rc = tts_render(eng, &n, gather, &none, err, sizeof(err));
	CHECK(rc == -1 && none.calls == 0, "a recording that is junk fails "
	    "cleanly: %s", err);
	free(none.x);

	struct tts_notice bad = { .repeat = 1 };
	tts_params_default(&bad.params);
	CHECK(tts_render(eng, &bad, gather, &none, err, sizeof(err)) == -1,
	    "neither body nor recording is refused: %s", err);
}

/* The key of a text notice, computed by this same notice on the build
 * before recordings (commit 4b639c1, DALABA_PHRASES="" so the phrase
 * dictionary's version is "-"): existing caches must stay valid. It is
 * meant to change, and then is updated here, only with what changes every
 * text key on purpose: CACHE_FORMAT, the built-in readings (polyphone.c,
 * deflex.c) or eSpeak NG's version. */
#define TEXT_KEY "f8bc1ea7532d6e18148e1dc8cc7f5966e7a5011802e2697fae1abde19bca71ad"

static void
test_cache_key(void)
{
	char a[65], b[65], c[65], copy[256], other[256];
	struct tts_notice t = { .title = "停水通知", .body = "今天停水",
	    .repeat = 2, .chime = true };

	tts_params_default(&t.params);
	tts_cache_key(eng, &t, a);
	CHECK_STREQ(a, TEXT_KEY, "a text notice's key is what it was");

	struct tts_notice n = { .recording = archive_m4a, .repeat = 2,
	    .chime = true };
	tts_params_default(&n.params);
	tts_cache_key(eng, &n, a);
	tts_cache_key(eng, &n, b);
	CHECK(strcmp(a, b) == 0 && strcmp(a, TEXT_KEY) != 0,
	    "a voice notice's key is stable");
	path_of(copy, sizeof(copy), "copy.ogg");
	run("cp %s %s", archive_m4a, copy);
	n.recording = copy;
	tts_cache_key(eng, &n, c);
	CHECK(strcmp(a, c) == 0, "the same bytes elsewhere: the same key");
	path_of(other, sizeof(other), "x.mp3.archive.ogg");
	n.recording = other;
	tts_cache_key(eng, &n, c);
	CHECK(strcmp(a, c) != 0, "other bytes: another key");
	run("printf x >> %s", copy);
	n.recording = copy;
	tts_cache_key(eng, &n, c);
	CHECK(strcmp(a, c) != 0, "one byte more: another key");
	n.recording = "/nonexistent/x.ogg";
	tts_cache_key(eng, &n, c);
	CHECK(strlen(c) == 64, "a missing file still has a key (the render "
	    "fails)");
}

/* ---- MP3 ---------------------------------------------------------------------------------- */

static void
test_mp3(void)
{
	char path[256], tmp[300], err[256];
	const size_t frames = RATE * 3 + 777;

	path_of(path, sizeof(path), "notice.mp3");
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	CHECK(tts_format_from_path(path) == TTS_FORMAT_MP3,
	    "a .mp3 path is MP3");
	struct tts_writer *w = tts_writer_open(path, TTS_FORMAT_MP3, RATE,
	    "停水通知", err, sizeof(err));
	CHECK(w != NULL, "the MP3 writer opens (%s)", w ? "ok" : err);
	if (w == NULL)
		return;
	int16_t *x = malloc(frames * sizeof(*x));
	for (size_t i = 0; i < frames; i++)
		x[i] = (int16_t)(8000 * sin(2 * M_PI * 440.0 * i / RATE) *
		    (0.5 + 0.5 * sin(2 * M_PI * 3.0 * i / RATE)));
	for (size_t at = 0; at < frames; at += 1000)
		tts_writer_write(w, x + at, frames - at < 1000 ? frames - at :
		    1000);
	CHECK(exists(tmp) && !exists(path), "written to .new first");
	CHECK(tts_writer_close(w, err, sizeof(err)) == 0 && exists(path) &&
	    !exists(tmp), "closed into place");

	struct pcm back = { 0 };
	int rc = tts_recording_stream(path, gather, &back, err, sizeof(err));
	CHECK(rc == 0 && labs((long)back.n - (long)frames) <= 1152,
	    "decoded back: %zu frames of %zu", back.n, frames);
	double lin = 0, lout = 0;
	measure(x, frames, &lin, &lout);
	double bl = 0, bt = 0;
	measure(back.x, back.n, &bl, &bt);
	CHECK(fabs(bl - lin) < 0.5, "at the same loudness: %.2f, %.2f LUFS",
	    lin, bl);
	CHECK(run("test \"$(ffprobe -v error -select_streams a:0 -show_entries "
	    "stream=codec_name,sample_rate,channels,bit_rate -of csv=p=0 %s)\" = "
	    "'mp3,48000,1,64000'", path) == 0,
	    "ffprobe: mp3, 48000 Hz, mono, 64 kb/s");
	CHECK(run("test \"$(ffprobe -v error -show_entries format_tags=title "
	    "-of csv=p=0 %s)\" = '停水通知'", path) == 0,
	    "ffprobe reads the UTF-8 title");
	CHECK(run("d=$(ffprobe -v error -show_entries format=duration -of "
	    "csv=p=0 %s) && awk -v d=$d 'BEGIN { exit !(d > 3.0 && d < 3.05) }'",
	    path) == 0, "ffprobe: the duration is 3.02 s");
	free(back.x);
	free(x);

	/* No title: no tag, still a file ffprobe takes. */
	path_of(path, sizeof(path), "untitled.mp3");
	w = tts_writer_open(path, TTS_FORMAT_MP3, RATE, NULL, err, sizeof(err));
	int16_t zero[4800] = { 0 };
	tts_writer_write(w, zero, 4800);
	CHECK(tts_writer_close(w, err, sizeof(err)) == 0 && run("ffprobe -v "
	    "error %s", path) == 0, "an untitled MP3");
	/* Abort leaves nothing. */
	path_of(path, sizeof(path), "aborted.mp3");
	w = tts_writer_open(path, TTS_FORMAT_MP3, RATE, "x", err, sizeof(err));
	tts_writer_write(w, zero, 4800);
	tts_writer_abort(w);
	CHECK(nothing_left(path), "an aborted MP3 leaves nothing");
	CHECK(tts_writer_open(path, TTS_FORMAT_MP3, 11000, NULL, err,
	    sizeof(err)) == NULL && nothing_left(path),
	    "a rate MP3 does not have is refused: %s", err);
}

/* The stream stops when its sink says so. */
static void
test_stream_stop(void)
{
	char err[256];
	struct pcm p = { .stop_after = 3 };

	CHECK(tts_recording_stream(ref_wav, gather, &p, err, sizeof(err)) == 1 &&
	    p.calls == 3, "the stream stops when its sink asks");
	free(p.x);
	CHECK(tts_recording_stream("/nonexistent.ogg", gather, &p, err,
	    sizeof(err)) == -1 && strstr(err, "/nonexistent.ogg"),
	    "a missing file: %s", err);
}

int
main(void)
{
	char err[256];

	/* The text notice's key below was taken without the dictionary. */
	setenv("DALABA_PHRASES", "", 1);
	if (run("command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null "
	    "&& command -v sox >/dev/null") != 0) {
		CHECK(false, "ffmpeg, ffprobe and sox are installed (make deps)");
		return t_done();
	}
	snprintf(dir, sizeof(dir), "/tmp/dalaba-rec-XXXXXX");
	if (mkdtemp(dir) == NULL) {
		CHECK(false, "a scratch directory: %s", strerror(errno));
		return t_done();
	}
	eng = tts_engine_new(RATE, err, sizeof(err));
	CHECK(eng != NULL, "the engine starts (%s)", eng ? "ok" : err);
	if (eng == NULL)
		return t_done();
	CHECK(make_reference() == 0, "the reference speech: %.2f s",
	    (double)speech.n / RATE);

	for (size_t i = 0; i < NKINDS; i++)
		test_kind(&kinds[i]);
	test_refusals();
	test_stream_stop();
	test_render();
	test_cache_key();
	test_mp3();

	tts_engine_free(eng);
	free(speech.x);
	if (getenv("KEEP") == NULL)
		run("rm -rf %s", dir);
	else
		printf("# files kept in %s\n", dir);
	return t_done();
}
