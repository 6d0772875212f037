/*
 * wavprobe.c — what the tests know about a WAV file: its shape, its level,
 * how strong a frequency is in a window (Goertzel), and how well two
 * recordings match (normalised cross-correlation, since Opus is lossy).
 *
 *   wavprobe info FILE                  rate channels frames seconds rms
 *   wavprobe tone FILE START LEN HZ     share of the window's energy at HZ
 *   wavprobe active FILE                seconds above -40 dBFS (20 ms frames)
 *   wavprobe peak FILE HZ               the strongest 200 ms window at HZ:
 *                                       its share and start (seconds)
 *   wavprobe xcorr A B [MAXLAG_S]       best correlation and its lag
 *   wavprobe below FILE HZ              share of the energy below HZ (an
 *                                       8th-order Butterworth low-pass)
 *   wavprobe envcorr A B [MAXLAG_S]     where B is heard inside A: the best
 *                                       correlation of their loudness
 *                                       envelopes (10 ms frames, dB) and
 *                                       its lag (seconds); robust to the
 *                                       horn's filtering and compression,
 *                                       and fast over minutes of lag
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct wav {
	int rate, channels;
	size_t frames;
	double *x;		/* mono mix, -1..1 */
};

static uint32_t
le(const unsigned char *p, int n)
{
	uint32_t v = 0;
	for (int i = n - 1; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static int
wav_load(const char *path, struct wav *w)
{
	FILE *f = fopen(path, "rb");
	unsigned char h[12], ch[8];
	int bits = 0;

	if (f == NULL || fread(h, 1, 12, f) != 12 || memcmp(h, "RIFF", 4) ||
	    memcmp(h + 8, "WAVE", 4)) {
		fprintf(stderr, "%s: not a WAV file\n", path);
		return -1;
	}
	memset(w, 0, sizeof(*w));
	while (fread(ch, 1, 8, f) == 8) {
		uint32_t len = le(ch + 4, 4);
		if (memcmp(ch, "fmt ", 4) == 0) {
			unsigned char fmt[40];
			if (len < 16 || len > sizeof(fmt) || fread(fmt, 1, len, f) != len)
				return -1;
			w->channels = (int)le(fmt + 2, 2);
			w->rate = (int)le(fmt + 4, 4);
			bits = (int)le(fmt + 14, 2);
		} else if (memcmp(ch, "data", 4) == 0) {
			if (bits != 16 || w->channels < 1)
				return -1;
			/* ALSA's file plugin may leave the size at 0 or huge
			 * while writing; read to the end of the file. */
			size_t cap = 1 << 20, n = 0;
			int16_t *s = malloc(cap * sizeof(*s));
			size_t r;
			while ((r = fread(s + n, 2, cap - n, f)) > 0) {
				n += r;
				if (n == cap)
					s = realloc(s, (cap *= 2) * sizeof(*s));
			}
			w->frames = n / (size_t)w->channels;
			w->x = malloc((w->frames + 1) * sizeof(double));
			for (size_t i = 0; i < w->frames; i++) {
				double acc = 0;
				for (int c = 0; c < w->channels; c++)
					acc += s[i * (size_t)w->channels + (size_t)c];
				w->x[i] = acc / w->channels / 32768.0;
			}
			free(s);
			fclose(f);
			return 0;
		} else if (fseek(f, (long)(len + (len & 1)), SEEK_CUR) != 0) {
			break;
		}
	}
	fprintf(stderr, "%s: no data\n", path);
	return -1;
}

static double
rms(const double *x, size_t n)
{
	double e = 0;
	for (size_t i = 0; i < n; i++)
		e += x[i] * x[i];
	return n ? sqrt(e / (double)n) : 0;
}

/* Share of energy at hz in x[0..n): Goertzel power over total power. */
static double
tone_share(const double *x, size_t n, int rate, double hz)
{
	double k = 2 * cos(2 * M_PI * hz / rate), s1 = 0, s2 = 0, tot = 0;
	for (size_t i = 0; i < n; i++) {
		double s = x[i] + k * s1 - s2;
		s2 = s1;
		s1 = s;
		tot += x[i] * x[i];
	}
	double p = s1 * s1 + s2 * s2 - k * s1 * s2;
	return tot > 0 ? 2 * p / ((double)n * tot) : 0;
}

/* Share of x's energy that an 8th-order Butterworth low-pass at hz keeps
 * (48 dB an octave, so speech above 2 hz barely leaks in): four RBJ
 * low-pass sections, direct form I, in double. */
static double
below_share(const double *x, size_t n, int rate, double hz)
{
	static const double q[4] = { 0.50979558, 0.60134489, 0.89997622,
	    2.56291545 };
	double w = 2 * M_PI * hz / rate, c = cos(w), lo = 0, tot = 0;
	double b[4][3], a[4][3], xs[4][2] = { { 0 } }, ys[4][2] = { { 0 } };

	for (int k = 0; k < 4; k++) {
		double alpha = sin(w) / (2 * q[k]);
		a[k][0] = 1 + alpha;
		a[k][1] = -2 * c;
		a[k][2] = 1 - alpha;
		b[k][0] = b[k][2] = (1 - c) / 2;
		b[k][1] = 1 - c;
	}
	for (size_t i = 0; i < n; i++) {
		double v = x[i];
		tot += v * v;
		for (int k = 0; k < 4; k++) {
			double y = (b[k][0] * v + b[k][1] * xs[k][0] + b[k][2] * xs[k][1] -
			    a[k][1] * ys[k][0] - a[k][2] * ys[k][1]) / a[k][0];
			xs[k][1] = xs[k][0];
			xs[k][0] = v;
			ys[k][1] = ys[k][0];
			ys[k][0] = y;
			v = y;
		}
		lo += v * v;
	}
	return tot > 0 ? lo / tot : 0;
}

/* The loudness envelope: dB of each 10 ms frame, floored at -60. */
static double *
envelope(const struct wav *w, size_t *n)
{
	size_t hop = (size_t)w->rate / 100;
	double *e;

	*n = hop ? w->frames / hop : 0;
	e = calloc(*n ? *n : 1, sizeof(*e));
	for (size_t k = 0; e && k < *n; k++) {
		double sum = 0;
		for (size_t i = 0; i < hop; i++)
			sum += w->x[k * hop + i] * w->x[k * hop + i];
		double db = 10 * log10(sum / hop + 1e-12);
		e[k] = db < -60 ? -60 : db;
	}
	return e;
}

/* Pearson correlation of b against a's frames from lag on. */
static double
env_corr(const double *a, size_t na, const double *b, size_t nb, long lag)
{
	double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
	size_t n = 0;

	for (size_t j = 0; j < nb; j++) {
		long i = lag + (long)j;
		if (i < 0 || (size_t)i >= na)
			continue;
		sa += a[i];
		sb += b[j];
		saa += a[i] * a[i];
		sbb += b[j] * b[j];
		sab += a[i] * b[j];
		n++;
	}
	if (n < nb / 2 || n < 2)	/* B must be mostly inside A */
		return -1;
	double va = saa - sa * sa / n, vb = sbb - sb * sb / n;
	return va > 0 && vb > 0 ? (sab - sa * sb / n) / sqrt(va * vb) : 0;
}

int
main(int argc, char **argv)
{
	struct wav a, b;

	if (argc >= 3 && strcmp(argv[1], "info") == 0) {
		if (wav_load(argv[2], &a))
			return 1;
		printf("rate=%d channels=%d frames=%zu seconds=%.3f rms=%.4f\n",
		    a.rate, a.channels, a.frames, (double)a.frames / a.rate,
		    rms(a.x, a.frames));
		return 0;
	}
	if (argc >= 6 && strcmp(argv[1], "tone") == 0) {
		if (wav_load(argv[2], &a))
			return 1;
		size_t s = (size_t)(atof(argv[3]) * a.rate);
		size_t n = (size_t)(atof(argv[4]) * a.rate);
		if (s >= a.frames)
			n = 0;
		else if (s + n > a.frames)
			n = a.frames - s;
		printf("%.4f\n", tone_share(a.x + s, n, a.rate, atof(argv[5])));
		return 0;
	}
	if (argc >= 3 && strcmp(argv[1], "active") == 0) {
		if (wav_load(argv[2], &a))
			return 1;
		size_t fr = (size_t)a.rate / 50, act = 0;
		for (size_t i = 0; i + fr <= a.frames; i += fr)
			if (rms(a.x + i, fr) > 0.01)
				act++;
		printf("%.2f\n", act * 0.02);
		return 0;
	}
	if (argc >= 4 && strcmp(argv[1], "peak") == 0) {
		if (wav_load(argv[2], &a))
			return 1;
		size_t win = (size_t)a.rate / 5, hop = (size_t)a.rate / 20, at = 0;
		double best = 0, hz = atof(argv[3]);
		for (size_t i = 0; i + win <= a.frames; i += hop) {
			if (rms(a.x + i, win) < 0.01)
				continue;	/* silence: no share worth having */
			double s = tone_share(a.x + i, win, a.rate, hz);
			if (s > best) {
				best = s;
				at = i;
			}
		}
		printf("%.3f %.2f\n", best, (double)at / a.rate);
		return 0;
	}
	if (argc >= 4 && strcmp(argv[1], "xcorr") == 0) {
		if (wav_load(argv[2], &a) || wav_load(argv[3], &b))
			return 1;
		double maxlag = argc > 4 ? atof(argv[4]) : 0.5;
		long L = (long)(maxlag * a.rate), best_lag = 0;
		double best = -2;
		/* Coarse search on 4x decimated signals, then refine. */
		for (int pass = 0; pass < 2; pass++) {
			long from = pass ? best_lag - 8 : -L, to = pass ? best_lag + 8 : L;
			long step = pass ? 1 : 4;
			for (long lag = from; lag <= to; lag += step) {
				double xy = 0, xx = 0, yy = 0;
				for (size_t i = 0; i < a.frames; i += (size_t)step) {
					long j = (long)i + lag;
					if (j < 0 || (size_t)j >= b.frames)
						continue;
					xy += a.x[i] * b.x[j];
					xx += a.x[i] * a.x[i];
					yy += b.x[j] * b.x[j];
				}
				double c = xx > 0 && yy > 0 ? xy / sqrt(xx * yy) : 0;
				if (c > best) {
					best = c;
					best_lag = lag;
				}
			}
		}
		printf("%.4f %ld\n", best, best_lag);
		return 0;
	}
	if (argc >= 4 && strcmp(argv[1], "envcorr") == 0) {
		if (wav_load(argv[2], &a) || wav_load(argv[3], &b))
			return 1;
		size_t na, nb;
		double *ea = envelope(&a, &na), *eb = envelope(&b, &nb);
		long L = (long)((argc > 4 ? atof(argv[4]) : 5) * 100);
		double best = -2;
		long at = 0;
		for (long lag = -L; ea && eb && lag <= L; lag++) {
			double c = env_corr(ea, na, eb, nb, lag);
			if (c > best) {
				best = c;
				at = lag;
			}
		}
		printf("%.4f %.2f\n", best, at / 100.0);
		free(ea);
		free(eb);
		return 0;
	}
	if (argc >= 4 && strcmp(argv[1], "below") == 0) {
		if (wav_load(argv[2], &a))
			return 1;
		printf("%.5f\n", below_share(a.x, a.frames, a.rate, atof(argv[3])));
		return 0;
	}
	fprintf(stderr, "usage: wavprobe info|tone|active|peak|xcorr|below ...\n");
	return 2;
}
