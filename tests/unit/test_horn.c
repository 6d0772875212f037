/*
 * test_horn.c — the horn processing of the loudspeaker stream (tts/horn.c):
 * what the high-pass filter passes and stops, what the compressor does to
 * quiet and loud passages, that nothing leaves above -1 dBFS, that pieces
 * of any size give the same audio as one piece, and that with neither
 * step the audio is untouched. Levels are measured on the output samples,
 * not read from the processor.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/unit/harness.h"
#include "tts/tts.h"

#define RATE 48000

static void
sine(int16_t *pcm, size_t n, double hz, double dbfs)
{
	double a = pow(10, dbfs / 20) * 32767;
	for (size_t i = 0; i < n; i++)
		pcm[i] = (int16_t)lrint(a * sin(2 * M_PI * hz * (double)i / RATE));
}

/* RMS in dBFS (a full-scale sine is -3 dB) of pcm[from, to). */
static double
rms_db(const int16_t *pcm, size_t from, size_t to)
{
	double e = 0;
	for (size_t i = from; i < to; i++)
		e += (double)pcm[i] * pcm[i];
	e /= (double)(to - from);
	return 10 * log10(e / (32768.0 * 32768.0) + 1e-20);
}

/* The filter's gain at hz, in dB: a 1 s sine in, its last half measured. */
static double
gain_at(double hz)
{
	int16_t *in = malloc(RATE * sizeof(*in)), *out = malloc(RATE * sizeof(*out));
	struct tts_horn *h = tts_horn_new(RATE, 300, false);

	sine(in, RATE, hz, -6);
	memcpy(out, in, RATE * sizeof(*in));
	tts_horn_process(h, out, RATE);
	double g = rms_db(out, RATE / 2, RATE) - rms_db(in, RATE / 2, RATE);
	tts_horn_free(h);
	free(in);
	free(out);
	return g;
}

static void
check_highpass(void)
{
	double g100 = gain_at(100), g300 = gain_at(300), g1k = gain_at(1000),
	    g3k = gain_at(3000);

	/* 4th-order Butterworth at 300 Hz: -3 dB at the corner, 24 dB an
	 * octave below it (100 Hz: -38 dB). */
	CHECK(g100 < -30, "100 Hz is stopped: %.1f dB", g100);
	CHECK(g300 > -4 && g300 < -2, "300 Hz, the corner, is -3 dB: %.1f dB",
	    g300);
	CHECK(fabs(g1k) < 0.5 && fabs(g3k) < 0.5, "speech's band passes: "
	    "1 kHz %.2f dB, 3 kHz %.2f dB", g1k, g3k);
}

static void
check_compression(void)
{
	/* A quiet second, then a loud one, 30 dB apart. */
	const size_t n = 2 * RATE;
	int16_t *pcm = malloc(n * sizeof(*pcm));
	sine(pcm, RATE, 1000, -36);
	sine(pcm + RATE, RATE, 1000, -6);
	double quiet_in = rms_db(pcm, RATE / 2, RATE),
	    loud_in = rms_db(pcm, RATE + RATE / 2, n);

	struct tts_horn *h = tts_horn_new(RATE, 0, true);
	tts_horn_process(h, pcm, n);
	double quiet = rms_db(pcm, RATE / 2, RATE),
	    loud = rms_db(pcm, RATE + RATE / 2, n);
	int peak = 0;
	for (size_t i = 0; i < n; i++)
		if (abs(pcm[i]) > peak)
			peak = abs(pcm[i]);
	tts_horn_free(h);
	free(pcm);

	CHECK(quiet - quiet_in > 5 && quiet - quiet_in < 7, "a quiet passage "
	    "comes up by the make-up gain: %+.1f dB", quiet - quiet_in);
	CHECK(loud < loud_in, "a loud one goes down: %+.1f dB", loud - loud_in);
	CHECK(loud - quiet > 18 && loud - quiet < 24, "30 dB apart in, %.1f dB "
	    "out (2:1 above -24 dBFS)", loud - quiet);
	CHECK(peak <= 29197, "no sample over -1 dBFS: peak %d", peak);
}

static void
check_limit(void)
{
	/* Full-scale noise and square waves, high-passed and compressed. */
	const size_t n = RATE;
	int16_t *pcm = malloc(n * sizeof(*pcm));
	unsigned seed = 7;
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245 + 12345;
		pcm[i] = i < n / 2 ? (int16_t)(seed >> 16) :
		    (i / 40 % 2 ? 32767 : -32768);
	}
	struct tts_horn *h = tts_horn_new(RATE, 300, true);
	tts_horn_process(h, pcm, n);
	int peak = 0;
	for (size_t i = 0; i < n; i++)
		if (abs(pcm[i]) > peak)
			peak = abs(pcm[i]);
	tts_horn_free(h);
	free(pcm);
	CHECK(peak <= 29197, "full-scale noise and squares stay under -1 dBFS: "
	    "peak %d", peak);
}

static void
check_pieces_and_off(void)
{
	const size_t n = RATE;
	int16_t *a = malloc(n * sizeof(*a)), *b = malloc(n * sizeof(*b)),
	    *orig = malloc(n * sizeof(*orig));
	for (size_t i = 0; i < n; i++)
		orig[i] = (int16_t)lrint(12000 * sin(2 * M_PI * 150 * i / RATE) +
		    6000 * sin(2 * M_PI * 1700 * i / RATE) * (i % 9600 < 4800));
	memcpy(a, orig, n * sizeof(*a));
	memcpy(b, orig, n * sizeof(*b));

	struct tts_horn *whole = tts_horn_new(RATE, 300, true),
	    *pieces = tts_horn_new(RATE, 300, true);
	tts_horn_process(whole, a, n);
	static const size_t sizes[] = { 1, 7, 480, 2048, 13 };
	for (size_t done = 0, k = 0; done < n; k++) {
		size_t m = sizes[k % 5] < n - done ? sizes[k % 5] : n - done;
		tts_horn_process(pieces, b + done, m);
		done += m;
	}
	CHECK(memcmp(a, b, n * sizeof(*a)) == 0, "pieces of 1 to 2048 samples "
	    "give the audio of one piece");
	CHECK(memcmp(a, orig, n * sizeof(*a)) != 0, "and that audio is "
	    "processed");
	tts_horn_free(whole);
	tts_horn_free(pieces);

	struct tts_horn *off = tts_horn_new(RATE, 0, false);
	memcpy(a, orig, n * sizeof(*a));
	tts_horn_process(off, a, n);
	CHECK(!tts_horn_active(off) && memcmp(a, orig, n * sizeof(*a)) == 0,
	    "with neither step the audio is untouched");
	tts_horn_free(off);
	CHECK(!tts_horn_active(NULL), "NULL is no processing");
	free(a);
	free(b);
	free(orig);
}

/* What a render's audio does through the horn processing. */
struct through {
	struct tts_meter *before, *after;
	struct tts_horn *h;
	int peak;
};

static int
through_fn(const int16_t *pcm, size_t n, void *arg)
{
	struct through *t = arg;
	int16_t tmp[4096];

	tts_meter_add(t->before, pcm, n);
	for (size_t done = 0; done < n; ) {
		size_t m = n - done < 4096 ? n - done : 4096;
		memcpy(tmp, pcm + done, m * sizeof(tmp[0]));
		tts_horn_process(t->h, tmp, m);
		tts_meter_add(t->after, tmp, m);
		for (size_t i = 0; i < m; i++)
			if (abs(tmp[i]) > t->peak)
				t->peak = abs(tmp[i]);
		done += m;
	}
	return 0;
}

/* A real render: loudness stays near the target, peaks under -1 dBFS. */
static void
check_speech(void)
{
	char err[256] = "";
	struct tts_engine *eng = tts_engine_new(RATE, err, sizeof(err));
	CHECK(eng != NULL, "engine: %s", eng ? "ok" : err);
	if (eng == NULL)
		return;
	struct tts_notice nt = { .body = "各位村民请注意，明天上午九点在村委会"
	    "开会，请家里有老人的村民转告一声。", .repeat = 1, .chime = true };
	tts_params_default(&nt.params);
	char path[] = "/tmp/dalaba-test-horn-XXXXXX.wav";
	int fd = mkstemps(path, 4);
	CHECK(fd >= 0, "a temporary file");
	close(fd);
	struct tts_writer *w = tts_writer_open(path, TTS_FORMAT_WAV, RATE, NULL,
	    err, sizeof(err));
	CHECK(w && tts_render(eng, &nt, tts_writer_pcm_fn, w, err,
	    sizeof(err)) == 0 && tts_writer_close(w, err, sizeof(err)) == 0,
	    "a notice renders: %s", err);

	struct through t = { tts_meter_new(RATE), tts_meter_new(RATE),
	    tts_horn_new(RATE, TTS_HORN_DEFAULT_HIGHPASS_HZ, true), 0 };
	CHECK(tts_wav_stream(path, RATE, through_fn, &t, err, sizeof(err)) == 0,
	    "the render reads back: %s", err);
	double lb, pb, la, pa;
	tts_meter_read(t.before, &lb, &pb);
	tts_meter_read(t.after, &la, &pa);
	CHECK(fabs(la - lb) < 3, "loudness %.1f LUFS as rendered, %.1f LUFS for "
	    "the horn", lb, la);
	CHECK(t.peak <= 29197, "peak under -1 dBFS: %d", t.peak);
	tts_meter_free(t.before);
	tts_meter_free(t.after);
	tts_horn_free(t.h);
	unlink(path);
	tts_engine_free(eng);
}

int
main(void)
{
	check_highpass();
	check_compression();
	check_limit();
	check_pieces_and_off();
	check_speech();
	return t_done();
}
