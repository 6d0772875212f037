/*
 * bench/polyphone.c — how often a polyphonic character (多音字) is read
 * right in sentences nobody here wrote: 2,362 sentences of the test set of
 * CPP, the Chinese Polyphones with Pinyin benchmark (g2pM, Interspeech
 * 2020; bench/data/NOTICE), each with one polyphonic character marked and
 * its reading. Only sentences of Hanzi and Chinese punctuation are taken,
 * so normalisation moves no character.
 *
 *   BENCH tts_polyphone_cpp_pct         dalaba: its tables, the phrase
 *                                       dictionary, eSpeak NG for the rest
 *   BENCH tts_polyphone_cpp_own_pct     dalaba without the phrase dictionary
 *                                       (DALABA_PHRASES="", a child process)
 *   BENCH tts_polyphone_cpp_espeak_pct  eSpeak NG alone on the same text
 *
 * What is compared is what eSpeak NG will say, not what dalaba meant: the
 * phoneme trace of the whole sentence (one token a syllable), the marked
 * character's token against eSpeak NG's trace of the right syllable alone.
 * Tones are compared by their contour (55 first, 35 second, 21x third, 51
 * fourth, anything else neutral), a third tone said as a second before
 * another third counting as right. A sentence whose trace does not have
 * one token a syllable is left out, and the count of those is printed.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <espeak-ng/speak_lib.h>

#include "bench/figure.h"
#include "tts/tts.h"

#define DATA "bench/data/cpp_test_subset.tsv"
#define MAXTOK 512

/* eSpeak NG's phoneme trace of text, as `espeak-ng -x` prints it. */
static char *
trace(const char *text)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *m = open_memstream(&buf, &n);

	if (m == NULL)
		return NULL;
	espeak_SetVoiceByName(tts_voice_default()->espeak_name);
	espeak_SetPhonemeTrace(espeakPHONEMES_SHOW, m);
	espeak_Synth(text, strlen(text) + 1, 0, POS_CHARACTER, 0,
	    espeakCHARS_UTF8, NULL, NULL);
	espeak_SetPhonemeTrace(0, NULL);
	fclose(m);
	return buf;
}

/* A syllable's token: its phonemes without stress and tone, and its tone
 * contour as 1-5. */
struct syl {
	char seg[32];
	int tone;
};

static struct syl
parse_token(const char *t, size_t len)
{
	struct syl s = { "", 5 };
	char digits[8] = "";
	size_t nd = 0, ns = 0;

	for (size_t i = 0; i < len; i++) {
		char c = t[i];
		if (isdigit((unsigned char)c)) {
			if (nd + 1 < sizeof(digits))
				digits[nd++] = c;
		} else if (c != '\'' && c != ',' && c != '_' && c != '|' &&
		    ns + 1 < sizeof(s.seg)) {
			s.seg[ns++] = c;
		}
	}
	s.seg[ns] = '\0';
	digits[nd] = '\0';
	if (strcmp(digits, "55") == 0)
		s.tone = 1;
	else if (strcmp(digits, "35") == 0)
		s.tone = 2;
	else if (strncmp(digits, "21", 2) == 0)
		s.tone = 3;
	else if (strcmp(digits, "51") == 0)
		s.tone = 4;
	return s;
}

/* The trace's syllable tokens, in order. */
static size_t
tokens(const char *tr, struct syl *out, size_t max)
{
	size_t n = 0;
	const char *p = tr;

	while (p && *p) {
		while (*p && isspace((unsigned char)*p))
			p++;
		const char *s = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		if (p > s && n < max)
			out[n++] = parse_token(s, (size_t)(p - s));
		else if (p > s)
			n++;
	}
	return n;
}

/* Syllables in text as eSpeak NG is given it: a Hanzi, or a run of ASCII
 * letters and digits (pinyin), each one; punctuation none. */
static size_t
units(const char *s)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; ) {
		if (isalnum(*p)) {
			while (isalnum(*p))
				p++;
			n++;
		} else if (*p >= 0xE3 && *p <= 0xE9 && !(*p == 0xE3 && p[1] < 0x90)) {
			n++;
			p += 3;
		} else {
			p++;
		}
	}
	return n;
}

/* The marked character's syllable index, the sentence without marks. */
static int
unmark(char *s, size_t *index)
{
	char *m = strstr(s, "▁");
	if (m == NULL)
		return -1;
	char save = *m;
	*m = '\0';
	*index = units(s);
	*m = save;
	for (char *p; (p = strstr(s, "▁")) != NULL; )
		memmove(p, p + 3, strlen(p + 3) + 1);
	return 0;
}

static int
same(const struct syl *got, const struct syl *want, int want_tone)
{
	if (strcmp(got->seg, want->seg) != 0)
		return 0;
	return got->tone == want_tone || (want_tone == 3 && got->tone == 2);
}

struct score {
	size_t right, counted, skipped;
};

static void
judge(const char *tr, const char *spoken, size_t index, const char *label,
    struct score *sc)
{
	static struct syl tok[MAXTOK];
	size_t n = tokens(tr, tok, MAXTOK);

	if (n != units(spoken) || index >= n || n > MAXTOK) {
		sc->skipped++;
		if (getenv("BENCH_VERBOSE") != NULL)
			fprintf(stderr, "skip\t%zu tokens, %zu syllables\t%s\n", n,
			    units(spoken), spoken);
		return;
	}
	char *lt = trace(label);
	struct syl want[4];
	size_t wn = tokens(lt, want, 4);
	free(lt);
	size_t ll = strlen(label);
	if (wn != 1 || ll == 0 || !isdigit((unsigned char)label[ll - 1])) {
		sc->skipped++;
		return;
	}
	sc->counted++;
	int ok = same(&tok[index], &want[0], label[ll - 1] - '0');
	sc->right += ok;
	/* BENCH_VERBOSE=1: each miss on stderr, to study (not to fit: the
	 * test set stays out of dalaba's tables). */
	if (!ok && getenv("BENCH_VERBOSE") != NULL)
		fprintf(stderr, "miss\t%s\t%zu\t%s\t%s%d\n", label, index, spoken,
		    tok[index].seg, tok[index].tone);
}

/* Score the data set: dalaba's pipeline, and eSpeak NG alone if alone. */
static int
run(struct tts_engine *eng, struct score *ours, struct score *alone)
{
	FILE *f = fopen(DATA, "r");
	char line[4096], err[256];

	if (f == NULL) {
		perror(DATA);
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *tab = strchr(line, '\t');
		if (tab == NULL)
			continue;
		*tab = '\0';
		char *label = tab + 1;
		label[strcspn(label, "\r\n")] = '\0';
		size_t index;
		if (unmark(line, &index) != 0)
			continue;
		char *spoken = NULL, *ph = NULL;
		if (tts_explain(eng, line, NULL, &spoken, &ph, err,
		    sizeof(err)) == 0) {
			judge(ph, spoken, index, label, ours);
		} else {
			ours->skipped++;
		}
		free(spoken);
		free(ph);
		if (alone != NULL) {
			char *norm = tts_normalize(line, strlen(line), TTS_MANDARIN,
			    err, sizeof(err));
			char *tr = norm ? trace(norm) : NULL;
			if (tr != NULL)
				judge(tr, norm, index, label, alone);
			else
				alone->skipped++;
			free(tr);
			free(norm);
		}
	}
	fclose(f);
	return 0;
}

static double
pct(const struct score *s)
{
	return s->counted ? 100.0 * (double)s->right / (double)s->counted : 0;
}

int
main(int argc, char **argv)
{
	char err[256];
	struct score ours = { 0 }, alone = { 0 }, own = { 0 };
	int child = argc > 1 && strcmp(argv[1], "--no-dictionary") == 0;

	if (child)
		setenv("DALABA_PHRASES", "", 1);
	struct tts_engine *eng = tts_engine_new(TTS_OUTPUT_RATE, err, sizeof(err));
	if (eng == NULL) {
		fprintf(stderr, "bench/polyphone: %s\n", err);
		return 1;
	}
	if (child) {
		if (run(eng, &own, NULL) != 0)
			return 1;
		printf("%zu %zu %zu\n", own.right, own.counted, own.skipped);
		tts_engine_free(eng);
		return 0;
	}

	const struct tts_phrasebook_info *book = tts_phrasebook();
	if (run(eng, &ours, &alone) != 0)
		return 1;
	tts_engine_free(eng);

	/* Without the dictionary: the same program in a process of its own
	 * (the dictionary is loaded once per process). */
	char cmd[4200];
	snprintf(cmd, sizeof(cmd), "'%s' --no-dictionary", argv[0]);
	FILE *p = popen(cmd, "r");
	int got_own = p && fscanf(p, "%zu %zu %zu", &own.right, &own.counted,
	    &own.skipped) == 3;
	if (p)
		pclose(p);

	printf("# bench/polyphone: %s, %zu sentences judged (%zu left out: "
	    "trace not one token a syllable)\n", DATA, ours.counted, ours.skipped);
	printf("# dalaba %zu right, without the dictionary %zu, eSpeak NG "
	    "alone %zu of %zu\n", ours.right, own.right, alone.right,
	    alone.counted);
	int rc = 0;
	if (book->words == 0)
		rc |= bench_unmeasured("tts_polyphone_cpp_pct", book->error);
	else if (ours.counted < 1000)
		rc |= bench_unmeasured("tts_polyphone_cpp_pct",
		    "fewer than 1,000 sentences could be judged");
	else
		rc |= bench_figure("tts_polyphone_cpp_pct", pct(&ours), 1, "%",
		    1, 100);
	if (!got_own || own.counted < 1000)
		rc |= bench_unmeasured("tts_polyphone_cpp_own_pct",
		    "the run without the dictionary judged too few sentences");
	else
		rc |= bench_figure("tts_polyphone_cpp_own_pct", pct(&own), 1, "%",
		    1, 100);
	if (alone.counted < 1000)
		rc |= bench_unmeasured("tts_polyphone_cpp_espeak_pct",
		    "fewer than 1,000 sentences could be judged");
	else
		rc |= bench_figure("tts_polyphone_cpp_espeak_pct", pct(&alone), 1,
		    "%", 1, 100);
	return rc ? 1 : 0;
}
