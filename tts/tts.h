/*
 * tts.h — the speech a village hears: Chinese text normalisation, the
 * pronunciation lexicon, eSpeak NG synthesis, generated chimes, resampling,
 * loudness normalisation (EBU R128), WAV / Ogg Opus output and a render
 * cache keyed by content hash.
 *
 * THREADS. eSpeak NG keeps global state and is not reentrant. Every function
 * that takes a struct tts_engine must be called from one and the same thread
 * (dalabad's TTS worker; the CLI's main thread), and only one engine may be
 * made in a process's lifetime (eSpeak NG 1.51 deadlocks when it is shut
 * down after being started a second time). Everything else here (normalisation, lexicon, voices, writers,
 * cache keys) is pure or self-contained and safe from any thread.
 *
 * ERRORS. Functions return 0 / -1 (or NULL) and, where they take err/errlen,
 * write a one-line human-readable reason there. Nothing here prints or exits.
 */
#ifndef DALABA_TTS_H
#define DALABA_TTS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest notice text accepted, in bytes of UTF-8 (about 10 000 Hanzi, over
 * half an hour of speech). Anything longer is refused, not truncated. */
#define TTS_MAX_TEXT_BYTES 32768

/* eSpeak NG's default is 175 words per minute, which for its Mandarin voice is
 * about 3.4 syllables a second including pauses. Village broadcasters read
 * slower for elderly listeners; 150 gives about 2.9 syllables a second. */
#define TTS_DEFAULT_RATE 150
#define TTS_DEFAULT_PITCH 50
#define TTS_DEFAULT_VOLUME 100
#define TTS_DEFAULT_SENTENCE_PAUSE_MS 450

/*
 * Loudness. Every render is brought to one integrated loudness (EBU R128,
 * LUFS) with its true peak under a ceiling (dBTP): -16 LUFS is the usual
 * target for speech heard on small speakers and on the move, loud enough
 * over village noise; -1 dBTP leaves the DAC and the Opus encoder room.
 * The chime sits 1 LU under the speech, the alert tone 1 LU over it
 * (tts/loudness.c says why).
 */
#define TTS_DEFAULT_LOUDNESS_LUFS (-16)
#define TTS_DEFAULT_TRUE_PEAK_DBTP (-1)
#define TTS_LOUDNESS_MIN (-30)
#define TTS_LOUDNESS_MAX (-10)
#define TTS_TRUE_PEAK_MIN (-9)
#define TTS_TRUE_PEAK_MAX 0

/* The rate Opus and the broadcaster want. */
#define TTS_OUTPUT_RATE 48000

enum tts_dialect {
	TTS_MANDARIN,
	TTS_CANTONESE,
};

/* ---- voices ---------------------------------------------------------------- */

struct tts_voice {
	const char *name;		/* ours: "mandarin", "cantonese" */
	const char *espeak_name;	/* the eSpeak NG voice behind it */
	enum tts_dialect dialect;
	const char *description;
};

/* Look a voice up by our name or an alias ("zh", "cmn", "yue", ...).
 * Returns NULL for an unknown voice. */
const struct tts_voice *tts_voice_find(const char *name);
/* The table of voices; *n gets its length. */
const struct tts_voice *tts_voice_list(size_t *n);
const struct tts_voice *tts_voice_default(void);

/* ---- text normalisation ------------------------------------------------------ */

/*
 * Rewrite notice text into the words a native broadcaster would read:
 * numbers, years, dates, clock times, ranges, decimals, percentages,
 * fractions, temperatures, units, money, phone and emergency numbers, Latin
 * letters, and punctuation turned into pauses (，。). len is the byte length
 * of text. Returns a malloc'd UTF-8 string the caller frees, or NULL with
 * err set: invalid UTF-8, text over TTS_MAX_TEXT_BYTES, or nothing to say.
 */
char *tts_normalize(const char *text, size_t len, enum tts_dialect dialect,
    char *err, size_t errlen);

/* ---- lexicon ------------------------------------------------------------------ */

/*
 * Pronunciation overrides: a word (Hanzi) and the pinyin to read instead,
 * tone numbers 1-5 per syllable ("chong2 qing4"). Applied, longest match
 * first, to normalised Mandarin text. The file format is one entry a line,
 * "WORD PINYIN...", '#' starts a comment.
 */
struct tts_lexicon;

struct tts_lexicon *tts_lexicon_new(void);
void tts_lexicon_free(struct tts_lexicon *lex);	/* NULL is a no-op */
/* Add or replace one entry; refuses empty words and malformed pinyin. */
int tts_lexicon_add(struct tts_lexicon *lex, const char *word,
    const char *pinyin, char *err, size_t errlen);
/* Load a file into lex. On error nothing is added and err names the line. */
int tts_lexicon_load(struct tts_lexicon *lex, const char *path,
    char *err, size_t errlen);
/* The same from the file's text (len bytes); name heads every message. */
int tts_lexicon_parse(struct tts_lexicon *lex, const char *text, size_t len,
    const char *name, char *err, size_t errlen);
size_t tts_lexicon_count(const struct tts_lexicon *lex);
/* Apply to text; returns a malloc'd string (NULL only on out of memory). */
char *tts_lexicon_apply(const struct tts_lexicon *lex, const char *text);
/* 16 hex digits that change whenever an entry changes (part of cache keys). */
const char *tts_lexicon_version(const struct tts_lexicon *lex);

/*
 * The exact text eSpeak NG will be given for this input: normalised, then
 * (Mandarin only) with lexicon overrides. lex may be NULL.
 */
char *tts_spoken_text(const char *text, size_t len,
    const struct tts_voice *voice, const struct tts_lexicon *lex,
    char *err, size_t errlen);

/*
 * Where each word's reading comes from, for a cadre fixing a name: a
 * malloc'd "readings:" line and one line a piece after it, in the order
 * tts_spoken_text makes them: "  2026年 → 二零二六年 (normalisation:
 * numbers, dates, times, units)", then "  村长 → cun1 zhang3 (polyphone
 * table)", "(county lexicon)", "(default lexicon)", "(phrase
 * dictionary)", or "  讲话 (eSpeak NG's dictionary)" for Hanzi left to
 * eSpeak NG. NULL with err as tts_spoken_text.
 */
/*
 * The phrase dictionary (tts/phrasebook.c): ~237,000 words with their
 * frequency, by which text is cut into words, and the reading of ~39,000
 * with a polyphonic character, from Rime's data and Unihan, below the
 * county's lexicon and dalaba's own tables. Loaded once per process,
 * on first use or on this call (any thread); never fails: without the
 * file words is 0 and error says why.
 */
struct tts_phrasebook_info {
	char path[4096];	/* where it was looked for, or read from */
	size_t words;		/* 0: not in use */
	size_t readings;	/* of them with a reading */
	double load_ms;		/* finding, reading and checking it */
	char version[17];	/* 16 hex digits of its BLAKE2b, or "-" */
	char error[160];	/* why it is not in use, else "" */
};
const struct tts_phrasebook_info *tts_phrasebook(void);

char *tts_readings(const char *text, size_t len,
    const struct tts_voice *voice, const struct tts_lexicon *lex,
    char *err, size_t errlen);

/*
 * About how many seconds spoken text (as tts_spoken_text gives it, no
 * lexicon) takes read once at rate (words/minute; 0: the default), pauses
 * included: measured on eSpeak NG 1.51's Mandarin, a character or mark
 * takes about 48/rate seconds (0.32 s at 150, 0.6 s at 80). An estimate
 * to refuse what would run for hours, not a timing.
 */
int tts_estimate_seconds(const char *spoken, int rate);

/* ---- rendering a notice --------------------------------------------------------- */

struct tts_params {
	const struct tts_voice *voice;	/* NULL: the default voice */
	int rate;			/* words/minute, 80..450; 0: default */
	int pitch;			/* 0..100; -1: default */
	int volume;			/* 0..200, about the target loudness:
					 * 100 is it, 50 6 dB under; -1: default */
	int sentence_pause_ms;		/* -1: default */
};

/* Fill p with the defaults above. */
void tts_params_default(struct tts_params *p);

struct tts_notice {
	const char *title;		/* optional, read once after the chime */
	const char *body;		/* required */
	int repeat;			/* times the body is read in all, 1..10 */
	bool chime;			/* attention chime before, closing chime after */
	bool emergency;			/* the alert tone instead of the chime */
	struct tts_params params;
	/* A voice notice: the path of its archived recording (an Ogg Opus
	 * file tts_recording_import made), heard instead of title and body
	 * (which are then not read and may be NULL), each repeat after the
	 * lead-in, between the same chimes. NULL: a text notice. The cache
	 * key covers the file's bytes. */
	const char *recording;
};

/* Audio sink: frames of mono signed 16-bit PCM at the engine's output rate.
 * Return 0 to go on, non-zero to stop the render (tts_render returns 1). */
typedef int (*tts_pcm_fn)(const int16_t *pcm, size_t frames, void *arg);

struct tts_engine;

/* Start eSpeak NG. out_rate is the rate the sink wants (TTS_OUTPUT_RATE).
 * Once per process; see THREADS above. */
struct tts_engine *tts_engine_new(int out_rate, char *err, size_t errlen);
void tts_engine_free(struct tts_engine *eng);	/* NULL is a no-op */
/* The loudness later renders are brought to (defaults: the TTS_DEFAULT_
 * values above); -1 if out of the TTS_LOUDNESS / TTS_TRUE_PEAK ranges.
 * Part of the cache key. */
int tts_engine_set_loudness(struct tts_engine *eng, double lufs,
    double ceiling_dbtp, char *err, size_t errlen);
/* Borrow lex (NULL for none) for later renders; the caller keeps it alive. */
void tts_engine_set_lexicon(struct tts_engine *eng,
    const struct tts_lexicon *lex);

/*
 * Render a notice: chime, title, body, repeats with a lead-in, closing chime.
 * Audio is handed to fn in chunks of at most a few tens of milliseconds as
 * synthesis runs, so playback can start before the text is done. Returns 0
 * when finished, 1 when fn asked to stop, -1 on error (err says why).
 */
int tts_render(struct tts_engine *eng, const struct tts_notice *n,
    tts_pcm_fn fn, void *arg, char *err, size_t errlen);

/* Render with a cache: identical input (text, voice, rate, pitch, volume,
 * repeat, chime, lexicon version, output rate, loudness target) is synthesised once and later
 * streamed from cache_dir/<key>.wav. *hit tells which happened. */
int tts_render_cached(struct tts_engine *eng, const char *cache_dir,
    const struct tts_notice *n, tts_pcm_fn fn, void *arg, bool *hit,
    char *err, size_t errlen);

/* Make sure n is rendered in cache_dir (rendering it now if not) and put
 * the file's path in path. Airing then streams the file, from any thread,
 * with tts_wav_stream; the engine is free for the next render. */
int tts_cache_ensure(struct tts_engine *eng, const char *cache_dir,
    const struct tts_notice *n, char *path, size_t cap, bool *hit,
    char *err, size_t errlen);

/* Both at once: render n into the cache (or find it there), handing the
 * audio to fn as it comes (fn NULL: no audio wanted, a hit reads
 * nothing), and put the file's path in path. 0 done, 1 fn stopped it (no
 * file is kept), 2 all of it went to fn but the cache could not keep it
 * (a full disk: err says so), -1 error. What an emergency page airs while
 * it renders. */
int tts_cache_render(struct tts_engine *eng, const char *cache_dir,
    const struct tts_notice *n, tts_pcm_fn fn, void *arg, char *path,
    size_t cap, bool *hit, char *err, size_t errlen);

/* Stream a mono 16-bit WAV at rate (a cache entry) to fn in pieces of
 * 2048 frames or less. 0 done, 1 fn stopped it, -1 error. Any thread. */
int tts_wav_stream(const char *path, int rate, tts_pcm_fn fn, void *arg,
    char *err, size_t errlen);

/* The cache key: 64 hex digits of BLAKE2b over everything that shapes the
 * audio. out must hold 65 bytes. */
void tts_cache_key(const struct tts_engine *eng, const struct tts_notice *n,
    char out[65]);

/*
 * Speak text (no chimes) only to capture eSpeak NG's phoneme trace, as
 * `espeak-ng -x` prints it. *spoken is the text eSpeak NG is given (where
 * each word's reading came from: tts_readings). *spoken and *phonemes are
 * malloc'd.
 */
int tts_explain(struct tts_engine *eng, const char *text,
    const struct tts_params *p, char **spoken, char **phonemes,
    char *err, size_t errlen);

/* ---- measuring loudness ------------------------------------------------------------ */

/* An EBU R128 meter (libebur128) over mono 16-bit PCM at rate: integrated
 * loudness and true peak, as the renders are normalised by. Any thread. */
/*
 * Speech for outdoor horns (tts/horn.c), for the loudspeaker stream only:
 * a 24 dB/octave high-pass at highpass_hz (0: none) and, if compress,
 * gentle 2:1 compression with +6 dB make-up and a -1 dBFS limiter.
 * Process 48 kHz mono in place, in pieces of any size; one per stream,
 * one thread at a time. With neither step it leaves audio untouched.
 */
#define TTS_HORN_DEFAULT_HIGHPASS_HZ 300
struct tts_horn;
struct tts_horn *tts_horn_new(int rate, int highpass_hz, bool compress);
bool tts_horn_active(const struct tts_horn *h);	/* NULL: false */
void tts_horn_process(struct tts_horn *h, int16_t *pcm, size_t frames);
void tts_horn_free(struct tts_horn *h);	/* NULL is a no-op */

struct tts_meter;
struct tts_meter *tts_meter_new(int rate);	/* NULL: out of memory */
int tts_meter_add(struct tts_meter *m, const int16_t *pcm, size_t frames);
/* A tts_pcm_fn adding to the struct tts_meter passed as arg. */
int tts_meter_pcm_fn(const int16_t *pcm, size_t frames, void *arg);
/* LUFS (-HUGE_VAL when nothing rose above the gate) and dBTP (-HUGE_VAL
 * for silence) of everything added so far. */
void tts_meter_read(struct tts_meter *m, double *lufs, double *dbtp);
void tts_meter_free(struct tts_meter *m);	/* NULL is a no-op */

/* ---- chimes ------------------------------------------------------------------------ */

enum tts_tone {
	TTS_TONE_ATTENTION,	/* rising three-note chime before a notice */
	TTS_TONE_CLOSING,	/* falling chime after it */
	TTS_TONE_ALERT,		/* emergency: two-tone warble, unmistakable */
	TTS_TONE_ALERT_END,	/* short alert tone closing an emergency page */
};

/* Number of frames tone lasts at rate. */
size_t tts_tone_frames(enum tts_tone tone, int rate);
/* Synthesise frames [from, from+count) of tone into out (so long tones can be
 * streamed in pieces). */
void tts_tone_render(enum tts_tone tone, int rate, size_t from, size_t count,
    int16_t *out);

/* ---- recordings: voice notices from a phone (tts/recording.c) -------------------- */

/*
 * A cadre's recording (a phone's recorder, a WeChat export, the web page's
 * MediaRecorder): any of the containers and codecs FFmpeg's libavformat
 * and libavcodec are allowed here (MP4/M4A/3GP with AAC, AMR-NB/WB, MP3,
 * Ogg and WebM/Matroska with Opus or Vorbis, WAV with PCM, FLAC) is
 * decoded, mixed to mono, resampled to TTS_OUTPUT_RATE, trimmed of the
 * silence before and after, brought to the loudness renders have, and
 * archived as Ogg Opus. Any thread (no engine); one decode is bounded in
 * input bytes, decoded seconds and the wall-clock time it may take.
 */
#define TTS_RECORDING_MAX_BYTES (10 * 1024 * 1024)
#define TTS_RECORDING_MAX_SECONDS 600

enum tts_recording_error {
	TTS_REC_OK,
	TTS_REC_TOO_BIG,	/* over max_bytes */
	TTS_REC_TOO_LONG,	/* over max_seconds of audio */
	TTS_REC_NOT_AUDIO,	/* no format we take, or no audio in it */
	TTS_REC_CORRUPT,	/* a format we take, but it does not decode */
	TTS_REC_SILENT,		/* nothing above the silence threshold */
	TTS_REC_TOO_SLOW,	/* the decode ran past its time limit */
	TTS_REC_IO,		/* could not write the archive (err says why) */
	TTS_REC_CANCELLED,	/* limits.cancel was set: stopped, nothing kept */
};

struct tts_recording_limits {
	size_t max_bytes;	/* 0: TTS_RECORDING_MAX_BYTES */
	int max_seconds;	/* 0: TTS_RECORDING_MAX_SECONDS */
	int max_wall_ms;	/* 0: 20000 */
	double lufs;		/* the target: the engine's (-16) */
	double ceiling_dbtp;	/* -1 */
	/* NULL, or a flag another thread sets non-zero to stop the import
	 * where it is (a daemon stopping must not wait a minute for a long
	 * file's encode): TTS_REC_CANCELLED, nothing left at out_path. */
	const atomic_int *cancel;
};

struct tts_recording_info {
	char format[32];	/* the container, as libavformat names it */
	char codec[32];		/* the audio codec, as libavcodec names it */
	int in_rate, in_channels;
	double in_seconds;	/* decoded, before trimming */
	double seconds;		/* archived, after trimming */
	double lufs_in;		/* measured before normalising */
	double lufs, dbtp;	/* of the archive's audio */
};

/* Fill l with the defaults. */
void tts_recording_limits_default(struct tts_recording_limits *l);

/* Decode len bytes of data and archive them at out_path (atomically, as
 * tts_writer does: nothing at out_path unless it all worked). title may
 * be NULL (the Ogg TITLE comment). Returns TTS_REC_OK or the reason, with
 * a one-line English err. */
enum tts_recording_error tts_recording_import(const void *data, size_t len,
    const struct tts_recording_limits *lim, const char *out_path,
    const char *title, struct tts_recording_info *info, char *err,
    size_t errlen);

/* A short Chinese sentence for a cadre saying what went wrong and what to
 * do ("文件太大……"). Never NULL. */
const char *tts_recording_error_zh(enum tts_recording_error e);

/* Stream an archived recording (or any file tts_recording_import takes) as
 * mono 16-bit PCM at TTS_OUTPUT_RATE to fn, in pieces of at most 2048
 * frames. 0 done, 1 fn stopped it, -1 error. Any thread. */
int tts_recording_stream(const char *path, tts_pcm_fn fn, void *arg,
    char *err, size_t errlen);

/* ---- output files -------------------------------------------------------------------- */

enum tts_format {
	TTS_FORMAT_WAV,
	TTS_FORMAT_OGG_OPUS,
	TTS_FORMAT_MP3,		/* libmp3lame, mono, for podcast apps */
};

/* The format a path's extension names (.wav, .ogg, .opus, .mp3); -1 if none. */
int tts_format_from_path(const char *path);

/*
 * A file being written. The data goes to PATH.new and reaches PATH only by
 * tts_writer_close, after fsync, so a crash never leaves a half file under
 * the real name. title may be NULL (an Ogg Opus TITLE comment).
 */
struct tts_writer;
struct tts_writer *tts_writer_open(const char *path, enum tts_format fmt,
    int rate, const char *title, char *err, size_t errlen);
int tts_writer_write(struct tts_writer *w, const int16_t *pcm, size_t frames);
/* Finish, fsync and rename into place; frees w whatever the outcome. */
int tts_writer_close(struct tts_writer *w, char *err, size_t errlen);
/* Drop the partial file; frees w. NULL is a no-op. */
void tts_writer_abort(struct tts_writer *w);
/* A tts_pcm_fn writing to the struct tts_writer passed as arg. */
int tts_writer_pcm_fn(const int16_t *pcm, size_t frames, void *arg);

#endif /* DALABA_TTS_H */
