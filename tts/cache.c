/*
 * cache.c — a notice read every day is synthesised once. The key is a
 * BLAKE2b hash of everything that shapes the audio (a voice notice's
 * recording by its bytes); the value is a WAV file
 * at the output rate, written atomically, so a hit streams straight from
 * disk and a crash mid-render leaves no entry at all.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <espeak-ng/speak_lib.h>
#include <sodium.h>

#include "tts/engine.h"
#include "tts/polyphone.h"
#include "tts/wavfile.h"

/* Bump when normalisation or rendering changes what a text sounds like. */
#define CACHE_FORMAT "dalaba-tts-render-2"	/* 2: loudness normalised */

static void
hash_str(crypto_generichash_state *st, const char *s)
{
	uint32_t len = s ? (uint32_t)strlen(s) : 0xffffffffu;

	crypto_generichash_update(st, (const unsigned char *)&len, sizeof(len));
	if (s)
		crypto_generichash_update(st, (const unsigned char *)s, len);
}

static void
hash_int(crypto_generichash_state *st, long v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%ld", v);
	hash_str(st, buf);
}

/* A voice notice's recording by its bytes: a new file under the same
 * name is a new entry. One that cannot be read hashes as such; the render
 * then fails with the reason, so no entry is ever made under that key. */
static void
hash_file(crypto_generichash_state *st, const char *path)
{
	unsigned char buf[16384];
	size_t n;
	FILE *f = fopen(path, "rb");
	struct stat sb;

	hash_str(st, "recording");
	if (f == NULL || fstat(fileno(f), &sb) == -1) {
		hash_str(st, "unreadable");
		if (f)
			fclose(f);
		return;
	}
	/* The length first: the bytes then cannot run into what follows. */
	hash_int(st, (long)sb.st_size);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		crypto_generichash_update(st, buf, n);
	hash_str(st, ferror(f) ? "unreadable" : "read");
	fclose(f);
}

void
tts_cache_key(const struct tts_engine *eng, const struct tts_notice *n,
    char out[65])
{
	crypto_generichash_state st;
	unsigned char h[32];
	struct tts_params p;
	char err[8];

	if (eng_params(&n->params, &p, err, sizeof(err)) == -1)
		tts_params_default(&p);	/* render will refuse it anyway */
	crypto_generichash_init(&st, NULL, 0, sizeof(h));
	hash_str(&st, CACHE_FORMAT);
	hash_str(&st, espeak_Info(NULL));
	hash_str(&st, p.voice->espeak_name);
	hash_int(&st, p.rate);
	hash_int(&st, p.pitch);
	hash_int(&st, p.volume);
	hash_int(&st, p.sentence_pause_ms);
	hash_int(&st, n->repeat);
	hash_int(&st, n->chime);
	hash_int(&st, n->emergency);
	hash_int(&st, eng->out_rate);
	/* In tenths: the key must not depend on how a double prints. */
	hash_int(&st, lrint(eng->target_lufs * 10));
	hash_int(&st, lrint(eng->ceiling_dbtp * 10));
	hash_str(&st, p.voice->dialect == TTS_MANDARIN ?
	    tts_lexicon_version(eng->lex) : "-");
	hash_str(&st, p.voice->dialect == TTS_MANDARIN ?
	    tts_polyphone_version() : "-");
	hash_str(&st, n->title);
	hash_str(&st, n->body);
	/* Only for a voice notice: a text notice's key stays what it was
	 * before recordings existed, and so do the caches of them. */
	if (n->recording != NULL)
		hash_file(&st, n->recording);
	crypto_generichash_final(&st, h, sizeof(h));
	sodium_bin2hex(out, 65, h, sizeof(h));
}

struct tee {
	tts_pcm_fn fn;
	void *arg;
	struct tts_writer *w;
};

static int
tee_fn(const int16_t *pcm, size_t frames, void *arg)
{
	struct tee *t = arg;

	if (t->w && tts_writer_write(t->w, pcm, frames) == -1) {
		tts_writer_abort(t->w);	/* a full cache must not stop a render */
		t->w = NULL;
	}
	return t->fn(pcm, frames, t->arg);
}

static int
stream_file(FILE *f, uint32_t frames, tts_pcm_fn fn, void *arg)
{
	int16_t buf[2048];
	unsigned char raw[4096];

	while (frames > 0) {
		size_t n = frames < 2048 ? frames : 2048;
		if (fread(raw, 2, n, f) != n)
			return -1;
		for (size_t i = 0; i < n; i++)
			buf[i] = (int16_t)(raw[2 * i] | (raw[2 * i + 1] << 8));
		if (fn(buf, n, arg) != 0)
			return 1;
		frames -= (uint32_t)n;
	}
	return 0;
}

int
tts_render_cached(struct tts_engine *eng, const char *cache_dir,
    const struct tts_notice *n, tts_pcm_fn fn, void *arg, bool *hit,
    char *err, size_t errlen)
{
	char key[65], *path = NULL;
	struct tee t = { fn, arg, NULL };
	int rc;

	*hit = false;
	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium failed to start");
		return -1;
	}
	tts_cache_key(eng, n, key);
	if (asprintf(&path, "%s/%s.wav", cache_dir, key) == -1) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	FILE *f = fopen(path, "rb");
	if (f != NULL) {
		int rate;
		uint32_t frames;
		if (wav_read_header(f, &rate, &frames) == 0 &&
		    rate == eng->out_rate) {
			*hit = true;
			rc = stream_file(f, frames, fn, arg);
			fclose(f);
			if (rc != -1) {
				free(path);
				return rc;
			}
			/* A damaged entry: fall through and render afresh.
			 * The sink already had part of it; say so. */
			snprintf(err, errlen, "cache entry %s is damaged", path);
			remove(path);
			free(path);
			return -1;
		}
		fclose(f);
		remove(path);	/* not ours or stale: replace it */
	}
	if (mkdir(cache_dir, 0755) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", cache_dir, strerror(errno));
		free(path);
		return -1;
	}
	char werr[256];
	t.w = tts_writer_open(path, TTS_FORMAT_WAV, eng->out_rate, NULL, werr,
	    sizeof(werr));
	rc = tts_render(eng, n, tee_fn, &t, err, errlen);
	if (t.w) {
		if (rc == 0)
			tts_writer_close(t.w, werr, sizeof(werr));
		else
			tts_writer_abort(t.w);
	}
	free(path);
	return rc;
}

int
tts_wav_stream(const char *path, int rate, tts_pcm_fn fn, void *arg,
    char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	uint32_t frames;
	int r, rc;

	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (wav_read_header(f, &r, &frames) != 0 || r != rate) {
		snprintf(err, errlen, "%s: not a mono 16-bit WAV at %d Hz", path,
		    rate);
		fclose(f);
		return -1;
	}
	rc = stream_file(f, frames, fn, arg);
	fclose(f);
	if (rc == -1)
		snprintf(err, errlen, "%s: cut short", path);
	return rc;
}

static int
discard(const int16_t *pcm, size_t frames, void *arg)
{
	(void)pcm;
	(void)frames;
	(void)arg;
	return 0;
}

int
tts_cache_render(struct tts_engine *eng, const char *cache_dir,
    const struct tts_notice *n, tts_pcm_fn fn, void *arg, char *path,
    size_t cap, bool *hit, char *err, size_t errlen)
{
	char key[65];
	FILE *f;
	int rate, rc;
	uint32_t frames;

	tts_cache_key(eng, n, key);
	if ((size_t)snprintf(path, cap, "%s/%s.wav", cache_dir, key) >= cap) {
		snprintf(err, errlen, "cache path too long");
		return -1;
	}
	*hit = false;
	if (fn == NULL && (f = fopen(path, "rb")) != NULL) {
		int ok = wav_read_header(f, &rate, &frames) == 0 &&
		    rate == eng->out_rate;
		fclose(f);
		if (ok) {
			*hit = true;
			return 0;
		}
	}
	rc = tts_render_cached(eng, cache_dir, n, fn ? fn : discard, arg, hit,
	    err, errlen);
	if (rc != 0)
		return rc;
	if (access(path, R_OK) != 0) {
		snprintf(err, errlen, "%s: the render was not kept (disk full?)",
		    path);
		return 2;
	}
	return 0;
}

int
tts_cache_ensure(struct tts_engine *eng, const char *cache_dir,
    const struct tts_notice *n, char *path, size_t cap, bool *hit,
    char *err, size_t errlen)
{
	return tts_cache_render(eng, cache_dir, n, NULL, NULL, path, cap, hit,
	    err, errlen);
}
