/*
 * cli_say.c — `dalaba say`: render a notice locally, to a file or the sound
 * card, or show exactly what will be spoken (--text-only, --explain). It is
 * how a cadre checks a reading and how tests reach the speech pipeline.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "speakers/speaker.h"
#include "tts/tts.h"

static void
say_usage(FILE *f)
{
	fprintf(f,
"usage: dalaba say [options] TEXT|-\n"
"\n"
"Read TEXT (or standard input, with -) aloud as a village notice: attention\n"
"chime, title, body, repeats, closing chime. Without -o it plays on the\n"
"sound card.\n"
"\n"
"  -o, --output FILE     write FILE.wav, FILE.ogg or FILE.opus (Ogg Opus), or\n"
"                        FILE.mp3\n"
"  -d, --device NAME     ALSA device to play on (default: default)\n"
"  -v, --voice VOICE     mandarin (default) or cantonese; 'list' lists them\n"
"  -r, --rate N          words a minute, 80-450 (default %d, slower than\n"
"                        eSpeak NG's 175, for elderly listeners)\n"
"  -p, --pitch N         0-100 (default %d)\n"
"  -a, --volume N        0-200 (default %d: the loudness every render is\n"
"                        brought to, %d LUFS; 50 is 6 dB under it)\n"
"  -n, --repeat N        read the body N times in all, 1-10 (default 1);\n"
"                        each repeat is announced with 再播一遍\n"
"  -t, --title TEXT      a title read once before the body\n"
"      --chime           chime before and after (the default)\n"
"      --no-chime        no chime\n"
"  -e, --emergency       the emergency alert tone instead of the chime\n"
"  -l, --lexicon FILE    pronunciation overrides, lines of \"WORD pin1 yin1\"\n"
"                        (default: $DALABA_LEXICON when set)\n"
"      --cache DIR       render once: reuse DIR/<hash>.wav for the same input\n"
"      --text-only       print the text eSpeak NG will be given, nothing else\n"
"      --explain         print that text and eSpeak NG's phoneme trace\n"
"  -h, --help            this help\n"
"\n"
"Text is UTF-8, at most %d bytes.\n",
	    TTS_DEFAULT_RATE, TTS_DEFAULT_PITCH, TTS_DEFAULT_VOLUME,
	    TTS_DEFAULT_LOUDNESS_LUFS, TTS_MAX_TEXT_BYTES);
}

/* Read all of standard input, refusing more than the text limit. */
static char *
read_stdin(size_t *len)
{
	size_t cap = TTS_MAX_TEXT_BYTES + 2, n = 0;
	char *buf = malloc(cap);

	if (buf == NULL)
		return NULL;
	while (n < cap - 1) {
		size_t r = fread(buf + n, 1, cap - 1 - n, stdin);
		if (r == 0)
			break;
		n += r;
	}
	if (ferror(stdin)) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

static int
parse_int(const char *s, const char *what, int lo, int hi, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end != '\0' || v < lo || v > hi) {
		fprintf(stderr, "dalaba say: %s must be a number from %d to %d, "
		    "not \"%s\"\n", what, lo, hi, s);
		return -1;
	}
	*out = (int)v;
	return 0;
}

struct play_count {
	tts_pcm_fn fn;
	void *arg;
	size_t frames;
};

static int
count_fn(const int16_t *pcm, size_t frames, void *arg)
{
	struct play_count *c = arg;

	c->frames += frames;
	return c->fn(pcm, frames, c->arg);
}

/* Without -o, say plays through the speaker agent's own output code, so
 * there is one ALSA writer; it waits on the device, as the CLI has nothing
 * else to do while it plays. */
static struct spk_output *
player_open(const char *device, char *err, size_t errlen)
{
	struct spk_output *o;
	char *spec;

	if (asprintf(&spec, "alsa:%s", device) < 0) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	o = spk_output_open(spec, TTS_OUTPUT_RATE, SPK_OUTPUT_WAIT, err, errlen);
	free(spec);
	return o;
}

static int
player_write(const int16_t *pcm, size_t frames, void *arg)
{
	return spk_output_write(arg, pcm, frames) != 0;
}

static void
list_voices(void)
{
	size_t n;
	const struct tts_voice *v = tts_voice_list(&n);

	for (size_t i = 0; i < n; i++)
		printf("%-10s %-16s %s\n", v[i].name, v[i].espeak_name,
		    v[i].description);
}

enum { OPT_CHIME = 256, OPT_NO_CHIME, OPT_TEXT_ONLY, OPT_EXPLAIN, OPT_CACHE };

int
cli_say(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "device", required_argument, NULL, 'd' },
		{ "voice", required_argument, NULL, 'v' },
		{ "rate", required_argument, NULL, 'r' },
		{ "pitch", required_argument, NULL, 'p' },
		{ "volume", required_argument, NULL, 'a' },
		{ "repeat", required_argument, NULL, 'n' },
		{ "title", required_argument, NULL, 't' },
		{ "chime", no_argument, NULL, OPT_CHIME },
		{ "no-chime", no_argument, NULL, OPT_NO_CHIME },
		{ "emergency", no_argument, NULL, 'e' },
		{ "lexicon", required_argument, NULL, 'l' },
		{ "cache", required_argument, NULL, OPT_CACHE },
		{ "text-only", no_argument, NULL, OPT_TEXT_ONLY },
		{ "explain", no_argument, NULL, OPT_EXPLAIN },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct tts_notice n = { .repeat = 1, .chime = true };
	const char *output = NULL, *device = "default", *lexpath = NULL;
	const char *cache = NULL;
	int text_only = 0, explain = 0, c, status = 1;
	char err[512];
	char *text = NULL, *spoken = NULL, *phon = NULL;
	size_t len;
	struct tts_lexicon *lex = NULL;
	struct tts_engine *eng = NULL;

	tts_params_default(&n.params);
	lexpath = getenv("DALABA_LEXICON");
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:d:v:r:p:a:n:t:el:h", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'o': output = optarg; break;
		case 'd': device = optarg; break;
		case 'v':
			if (strcmp(optarg, "list") == 0) {
				list_voices();
				return 0;
			}
			if ((n.params.voice = tts_voice_find(optarg)) == NULL) {
				fprintf(stderr, "dalaba say: unknown voice \"%s\" "
				    "(try --voice list)\n", optarg);
				return 2;
			}
			break;
		case 'r':
			if (parse_int(optarg, "--rate", 80, 450, &n.params.rate))
				return 2;
			break;
		case 'p':
			if (parse_int(optarg, "--pitch", 0, 100, &n.params.pitch))
				return 2;
			break;
		case 'a':
			if (parse_int(optarg, "--volume", 0, 200, &n.params.volume))
				return 2;
			break;
		case 'n':
			if (parse_int(optarg, "--repeat", 1, 10, &n.repeat))
				return 2;
			break;
		case 't': n.title = optarg; break;
		case OPT_CHIME: n.chime = true; break;
		case OPT_NO_CHIME: n.chime = false; break;
		case 'e': n.emergency = true; break;
		case 'l': lexpath = optarg; break;
		case OPT_CACHE: cache = optarg; break;
		case OPT_TEXT_ONLY: text_only = 1; break;
		case OPT_EXPLAIN: explain = 1; break;
		case 'h': say_usage(stdout); return 0;
		default: say_usage(stderr); return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "dalaba say: give the text as one argument, or - "
		    "to read standard input\n");
		say_usage(stderr);
		return 2;
	}
	if (output && tts_format_from_path(output) == -1) {
		fprintf(stderr, "dalaba say: %s: the name must end in .wav, .ogg, "
		    ".opus or .mp3\n", output);
		return 2;
	}
	if (strcmp(argv[optind], "-") == 0) {
		if ((text = read_stdin(&len)) == NULL) {
			fprintf(stderr, "dalaba say: cannot read standard input\n");
			return 1;
		}
	} else {
		len = strlen(argv[optind]);
		if ((text = strdup(argv[optind])) == NULL)
			return 1;
	}
	if (lexpath && lexpath[0]) {
		if ((lex = tts_lexicon_new()) == NULL ||
		    tts_lexicon_load(lex, lexpath, err, sizeof(err)) == -1) {
			fprintf(stderr, "dalaba say: lexicon: %s\n",
			    lex ? err : "out of memory");
			goto out;
		}
	}
	if (text_only) {
		spoken = tts_spoken_text(text, len, n.params.voice, lex, err,
		    sizeof(err));
		if (spoken == NULL) {
			fprintf(stderr, "dalaba say: %s\n", err);
			goto out;
		}
		printf("%s\n", spoken);
		status = 0;
		goto out;
	}
	/* Check the text before starting eSpeak: a clear error, no audio. */
	if ((spoken = tts_spoken_text(text, len, n.params.voice, lex, err,
	    sizeof(err))) == NULL) {
		fprintf(stderr, "dalaba say: %s\n", err);
		goto out;
	}
	if ((eng = tts_engine_new(TTS_OUTPUT_RATE, err, sizeof(err))) == NULL) {
		fprintf(stderr, "dalaba say: %s\n", err);
		goto out;
	}
	tts_engine_set_lexicon(eng, lex);
	if (explain) {
		free(spoken);
		if (tts_explain(eng, text, &n.params, &spoken, &phon, err,
		    sizeof(err)) == -1) {
			fprintf(stderr, "dalaba say: %s\n", err);
			goto out;
		}
		/* Where each word's reading came from, so a cadre fixing a
		 * name sees why it was read so. */
		char *why = tts_readings(text, len, n.params.voice,
		    lex, err, sizeof(err));
		if (why == NULL) {
			fprintf(stderr, "dalaba say: %s\n", err);
			goto out;
		}
		size_t wl = strlen(why);
		const struct tts_phrasebook_info *book = tts_phrasebook();
		printf("text: %s\n%s%s", spoken, why,
		    wl && why[wl - 1] != '\n' ? "\n" : "");
		if (book->words > 0)
			printf("phrase dictionary: %zu words, %s\n", book->words,
			    book->path);
		else
			printf("phrase dictionary: not in use: %s%s%s\n",
			    book->path, book->path[0] ? ": " : "", book->error);
		printf("phonemes:\n%s", phon);
		free(why);
		status = 0;
		goto out;
	}

	n.body = text;
	struct tts_writer *w = NULL;
	struct spk_output *pl = NULL;
	struct play_count pc = { 0 };
	if (output) {
		w = tts_writer_open(output, (enum tts_format)tts_format_from_path(output),
		    TTS_OUTPUT_RATE, n.title, err, sizeof(err));
		if (w == NULL) {
			fprintf(stderr, "dalaba say: %s\n", err);
			goto out;
		}
		pc.fn = tts_writer_pcm_fn;
		pc.arg = w;
	} else {
		if ((pl = player_open(device, err, sizeof(err))) == NULL) {
			fprintf(stderr, "dalaba say: %s (use -o FILE.ogg to write "
			    "a file instead)\n", err);
			goto out;
		}
		pc.fn = player_write;
		pc.arg = pl;
	}
	bool hit = false;
	int rc = cache ? tts_render_cached(eng, cache, &n, count_fn, &pc, &hit,
	    err, sizeof(err)) : tts_render(eng, &n, count_fn, &pc, err,
	    sizeof(err));
	if (rc != 0) {
		fprintf(stderr, "dalaba say: %s\n", rc == 1 ?
		    (output ? "cannot write the output file" :
		    "sound device failed") : err);
		tts_writer_abort(w);
		spk_output_close(pl);
		goto out;
	}
	spk_output_close(pl);
	if (w && tts_writer_close(w, err, sizeof(err)) == -1) {
		fprintf(stderr, "dalaba say: %s\n", err);
		goto out;
	}
	fprintf(stderr, "%s %s: %.1f s of audio%s\n", output ? "wrote" :
	    "played on", output ? output : device,
	    (double)pc.frames / TTS_OUTPUT_RATE,
	    cache ? (hit ? " (from cache)" : " (rendered, cached)") : "");
	status = 0;
out:
	free(text);
	free(spoken);
	free(phon);
	tts_engine_free(eng);
	tts_lexicon_free(lex);
	return status;
}
