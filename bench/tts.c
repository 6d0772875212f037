/*
 * bench/tts.c — how fast the speech pipeline is. Renders a long, real-looking
 * notice (chime, text, closing chime) to an Ogg Opus file and compares with
 * eSpeak NG alone synthesising the same normalised text, in the same
 * process, so the ratio holds on any machine:
 *
 *   BENCH tts_realtime_x        audio seconds per second of pipeline time
 *   BENCH tts_pipeline_over_espeak_ratio
 *                               the whole pipeline's time (normalising,
 *                               chimes, eSpeak NG, resampling, loudness,
 *                               Ogg Opus) over eSpeak NG alone synthesising
 *                               the same spoken text (>= 1)
 *   BENCH tts_first_audio_ms    from render call to the first audio piece
 *   BENCH tts_dict_load_ms      finding, reading and checking the phrase
 *                               dictionary (tts/phrasebook.c), once, timed
 *                               around the first call; no figure without it
 *
 * Each figure is the median of RUNS runs, printed only when measured
 * (bench/figure.h): no audio, or a time of zero, is a failure, not a figure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <espeak-ng/speak_lib.h>

#include "bench/figure.h"
#include "tts/tts.h"

#define RUNS 5

static const char notice[] =
	"各位村民请注意，现在播送冬季防火和安全用电通知。"
	"入冬以来，我县气温持续走低，最低气温-8℃，空气湿度只有25%，"
	"火灾风险明显上升。2026年11月1日至2027年3月31日为冬季防火期。"
	"一、严禁在山林、田边焚烧秸秆和垃圾，违者罚款200元至2000元。"
	"二、取暖用的电热毯、小太阳不要整夜通电，出门前请拔掉插头。"
	"三、家里有65岁以上独居老人的，请亲属每天至少打1次电话问候。"
	"四、村里已在村委会、小学和卫生室配备灭火器36具，"
	"每户可以到村委会免费领取1本安全手册。"
	"五、本周六上午8:30至11:30，镇消防队在村文化广场开展消防演练，"
	"每户至少派2个人参加，请带好身份证。"
	"六、发现火情请立即拨打火警电话119，或者拨打村委会值班电话13812345678。"
	"七、今年全村共有1765人，其中60岁以上老人432人，"
	"留守儿童58人，请大家互相照应。"
	"去年冬天全县共发生火灾12起，直接经济损失3.5万元，"
	"其中80%是因为用火用电不慎引起的。"
	"让我们共同努力，过一个平安、温暖的冬天。谢谢大家。";

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return v[n / 2];
}

struct sink {
	struct tts_writer *w;
	double t0, first;
	size_t frames;
};

static int
sink_fn(const int16_t *pcm, size_t frames, void *arg)
{
	struct sink *s = arg;

	if (s->first < 0)
		s->first = now() - s->t0;
	s->frames += frames;
	return tts_writer_write(s->w, pcm, frames) == -1;
}

int
main(void)
{
	char err[256], *spoken;
	double base[RUNS], pipe[RUNS], first[RUNS];
	size_t frames = 0;

	/* The first call loads the phrase dictionary: time it from outside. */
	double t_load = now();
	const struct tts_phrasebook_info *book = tts_phrasebook();
	t_load = now() - t_load;

	spoken = tts_spoken_text(notice, strlen(notice), NULL, NULL, err,
	    sizeof(err));
	if (spoken == NULL) {
		fprintf(stderr, "bench/tts: %s\n", err);
		return 1;
	}

	/* One eSpeak NG per process (see tts.h), so the baseline runs on the
	 * engine's instance: espeak_Synth with no user data reaches the
	 * engine's callback, which then ignores the audio. Baseline and
	 * pipeline runs alternate so drift in machine load hits both. */
	struct tts_engine *eng = tts_engine_new(TTS_OUTPUT_RATE, err, sizeof(err));
	if (eng == NULL) {
		fprintf(stderr, "bench/tts: %s\n", err);
		return 1;
	}
	char path[64];
	snprintf(path, sizeof(path), "/tmp/dalaba-bench-tts-%d.ogg", (int)getpid());
	struct tts_notice n = { .body = notice, .repeat = 1, .chime = true };
	tts_params_default(&n.params);
	for (int r = 0; r < RUNS; r++) {
		espeak_SetVoiceByName(tts_voice_default()->espeak_name);
		espeak_SetParameter(espeakRATE, TTS_DEFAULT_RATE, 0);
		double t = now();
		espeak_Synth(spoken, strlen(spoken) + 1, 0, POS_CHARACTER, 0,
		    espeakCHARS_UTF8, NULL, NULL);
		base[r] = now() - t;

		struct sink s = { .first = -1 };
		s.w = tts_writer_open(path, TTS_FORMAT_OGG_OPUS, TTS_OUTPUT_RATE,
		    NULL, err, sizeof(err));
		if (s.w == NULL) {
			fprintf(stderr, "bench/tts: %s\n", err);
			return 1;
		}
		s.t0 = now();
		if (tts_render(eng, &n, sink_fn, &s, err, sizeof(err)) != 0 ||
		    tts_writer_close(s.w, err, sizeof(err)) != 0) {
			fprintf(stderr, "bench/tts: %s\n", err);
			return 1;
		}
		pipe[r] = now() - s.t0;
		first[r] = s.first;
		frames = s.frames;
	}
	unlink(path);
	tts_engine_free(eng);

	double audio = (double)frames / TTS_OUTPUT_RATE;
	double p = median(pipe, RUNS), b = median(base, RUNS);
	int heard = 1, rc = 0;
	for (int r = 0; r < RUNS; r++)
		heard &= first[r] >= 0;	/* each run's first piece arrived */
	printf("# bench/tts: %zu-byte notice, %.1f s of audio, median of %d runs\n",
	    strlen(notice), audio, RUNS);
	printf("# pipeline %.3f s, eSpeak NG alone %.3f s\n", p, b);
	if (frames == 0 || p <= 0)
		rc |= bench_unmeasured("tts_realtime_x", "no audio was rendered");
	else
		rc |= bench_figure("tts_realtime_x", audio / p, 1, "x", 0.01, 1e5);
	/* The pipeline includes eSpeak NG: below 1 would be a broken run. */
	if (p <= 0 || b <= 0)
		rc |= bench_unmeasured("tts_pipeline_over_espeak_ratio",
		    "a run took no time");
	else
		rc |= bench_figure("tts_pipeline_over_espeak_ratio", p / b, 2,
		    "ratio", 1, 1e4);
	if (!heard)
		rc |= bench_unmeasured("tts_first_audio_ms",
		    "a render delivered no audio piece");
	else
		rc |= bench_figure("tts_first_audio_ms", median(first, RUNS) * 1000,
		    1, "ms", 0.001, 1e4);
	if (book->words == 0)
		rc |= bench_unmeasured("tts_dict_load_ms", book->error);
	else
		rc |= bench_figure("tts_dict_load_ms", t_load * 1000, 2, "ms",
		    0.001, 1e5);
	free(spoken);
	return rc ? 1 : 0;
}
