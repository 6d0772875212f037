/*
 * test_loudness.c — every render airs at one loudness: twenty different
 * items (short, long, repeated, titled, emergency, both voices, rates and
 * pitches from slow to fast) each measure within 1 LU of the target with
 * their true peak under the ceiling; the chime and the alert tone sit at
 * their stated levels; another target is met as well, and is part of the
 * cache key. Measured with libebur128 through tts_meter; tests/e2e/01_say.sh
 * checks the same with ffmpeg's own meter.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/harness.h"
#include "tts/tts.h"

struct item {
	const char *what;
	const char *title, *body;
	const char *voice;
	int rate, pitch, repeat;
	bool chime, emergency;
};

static char long_body[8192], digits_body[4096];

static const struct item items[] = {
	{ "short, no chime", NULL, "今天下午停电，请大家做好准备。", "mandarin",
	    0, -1, 1, false, false },
	{ "short, chimes", NULL, "今天下午停电，请大家做好准备。", "mandarin",
	    0, -1, 1, true, false },
	{ "one sentence", NULL, "乡亲们，周末咱村西蓝花基地要移植菜苗，需要用工100人。",
	    "mandarin", 0, -1, 1, true, false },
	{ "titled", "停电通知", "明天上午九点到下午五点，全村停电检修线路。",
	    "mandarin", 0, -1, 1, true, false },
	{ "repeated three times", NULL, "明天上午九点在村委会开会，请各组组长准时参加。",
	    "mandarin", 0, -1, 3, true, false },
	{ "long", "防火通知", long_body, "mandarin", 0, -1, 1, true, false },
	{ "long, repeated", NULL, long_body, "mandarin", 0, -1, 2, false, false },
	{ "phone numbers", NULL, digits_body, "mandarin", 0, -1, 1, true, false },
	{ "emergency, short", NULL, "紧急通知，山洪预警，请立即转移。", "mandarin",
	    0, -1, 1, false, true },
	{ "emergency, long", NULL, long_body, "mandarin", 0, -1, 1, false, true },
	{ "emergency, repeated", NULL, "山洪预警，请沿河村民立即转移到安全地带，不要返回家中取物。",
	    "mandarin", 0, -1, 2, false, true },
	{ "slow, rate 80", NULL, "今天下午停电，请大家做好准备。", "mandarin",
	    80, -1, 1, true, false },
	{ "fast, rate 300", NULL, "乡亲们，周末咱村西蓝花基地要移植菜苗，需要用工100人。",
	    "mandarin", 300, -1, 1, false, false },
	{ "low pitch 20", NULL, "明天上午九点在村委会开会，请各组组长准时参加。",
	    "mandarin", 0, 20, 1, false, false },
	{ "high pitch 80", NULL, "明天上午九点在村委会开会，请各组组长准时参加。",
	    "mandarin", 0, 80, 1, true, false },
	{ "Cantonese", NULL, "各位街坊，今日下午停水，请大家预早储水。", "cantonese",
	    0, -1, 1, true, false },
	{ "Cantonese, long", NULL, long_body, "cantonese", 0, -1, 1, false, false },
	{ "Cantonese, fast", NULL, "各位街坊，今日下午停水，请大家预早储水。",
	    "cantonese", 300, -1, 1, false, false },
	{ "Cantonese, emergency", NULL, "紧急通知，山洪预警，请立即转移。",
	    "cantonese", 120, -1, 1, false, true },
	{ "slow and repeated", "通知", "请大家按时缴纳医疗保险。", "mandarin",
	    100, 60, 2, true, false },
};
#define NITEMS (sizeof(items) / sizeof(items[0]))

static int
render_measure(struct tts_engine *eng, const struct item *it, double *lufs,
    double *dbtp, char *err, size_t errlen)
{
	struct tts_notice n = { .title = it->title, .body = it->body,
	    .repeat = it->repeat, .chime = it->chime,
	    .emergency = it->emergency };
	struct tts_meter *m = tts_meter_new(TTS_OUTPUT_RATE);
	int rc;

	tts_params_default(&n.params);
	n.params.voice = tts_voice_find(it->voice);
	if (it->rate)
		n.params.rate = it->rate;
	if (it->pitch >= 0)
		n.params.pitch = it->pitch;
	rc = tts_render(eng, &n, tts_meter_pcm_fn, m, err, errlen);
	tts_meter_read(m, lufs, dbtp);
	tts_meter_free(m);
	return rc;
}

static void
test_items(struct tts_engine *eng, double target, double ceiling)
{
	char err[256];

	for (size_t i = 0; i < NITEMS; i++) {
		double l, tp;
		int rc = render_measure(eng, &items[i], &l, &tp, err,
		    sizeof(err));
		CHECK(rc == 0 && fabs(l - target) <= 1.0 && tp <= ceiling,
		    "%s: %.2f LUFS (target %.0f), true peak %.2f dBTP (at most "
		    "%.0f)%s%s", items[i].what, l, target, tp, ceiling,
		    rc ? ": " : "", rc ? err : "");
	}
}

/* A tone's level: the first seconds of a render, lead silence and the tone
 * alone (the speech begins after a 500 ms pause). */
struct head {
	struct tts_meter *m;
	size_t left;
};

static int
head_fn(const int16_t *pcm, size_t frames, void *arg)
{
	struct head *h = arg;
	size_t n = frames < h->left ? frames : h->left;

	tts_meter_add(h->m, pcm, n);
	h->left -= n;
	return h->left == 0;
}

static void
test_tones(struct tts_engine *eng, double target)
{
	char err[256];
	static const struct { bool emergency; enum tts_tone tone; double rel;
	    const char *what; } t[] = {
		{ false, TTS_TONE_ATTENTION, -1, "the chime" },
		{ true, TTS_TONE_ALERT, +1, "the alert tone" },
	};

	for (size_t i = 0; i < 2; i++) {
		struct tts_notice n = { .body = "注意。", .repeat = 1,
		    .chime = true, .emergency = t[i].emergency };
		int rate = TTS_OUTPUT_RATE;
		struct head h = { tts_meter_new(rate), (size_t)(0.15 * rate) +
		    tts_tone_frames(t[i].tone, rate) };
		double l, tp;
		tts_params_default(&n.params);
		int rc = tts_render(eng, &n, head_fn, &h, err, sizeof(err));
		tts_meter_read(h.m, &l, &tp);
		tts_meter_free(h.m);
		CHECK(rc == 1 && fabs(l - (target + t[i].rel)) <= 0.5,
		    "%s alone: %.2f LUFS, %+.0f LU from the speech's target",
		    t[i].what, l, t[i].rel);
	}
}

static void
test_meter(void)
{
	/* BS.1770's calibration point: a 997 Hz sine at 0 dBFS reads -3.01
	 * LUFS, so at -20 dBFS it reads -23.01. */
	int rate = 48000;
	size_t n = (size_t)rate * 5;
	int16_t *x = malloc(n * sizeof(*x));
	double l, tp;

	for (size_t i = 0; i < n; i++)
		x[i] = (int16_t)lrint(0.1 * 32767 * sin(2 * M_PI * 997 * i /
		    rate));
	struct tts_meter *m = tts_meter_new(rate);
	tts_meter_add(m, x, n);
	tts_meter_read(m, &l, &tp);
	tts_meter_free(m);
	CHECK(fabs(l - -23.01) < 0.05 && fabs(tp - -20) < 0.05,
	    "a 997 Hz sine at -20 dBFS: %.2f LUFS (BS.1770: -23.01), %.2f dBTP",
	    l, tp);
	memset(x, 0, n * sizeof(*x));
	m = tts_meter_new(rate);
	tts_meter_add(m, x, n);
	tts_meter_read(m, &l, &tp);
	tts_meter_free(m);
	CHECK(isinf(l) && l < 0, "silence has no loudness (%.1f)", l);
	tts_meter_free(NULL);
	free(x);
}

static void
test_settings(struct tts_engine *eng)
{
	char err[256], a[65], b[65];
	struct tts_notice n = { .body = "今天下午停电。", .repeat = 1 };

	tts_params_default(&n.params);
	tts_cache_key(eng, &n, a);
	CHECK(tts_engine_set_loudness(eng, -9, -1, err, sizeof(err)) == -1,
	    "-9 LUFS is refused: %s", err);
	CHECK(tts_engine_set_loudness(eng, -16, 1, err, sizeof(err)) == -1,
	    "a ceiling over 0 dBTP is refused: %s", err);
	CHECK(tts_engine_set_loudness(eng, NAN, -1, err, sizeof(err)) == -1,
	    "NaN is refused");
	tts_cache_key(eng, &n, b);
	CHECK(strcmp(a, b) == 0, "a refused setting changes nothing");
	CHECK(tts_engine_set_loudness(eng, -23, -3, err, sizeof(err)) == 0,
	    "-23 LUFS, -3 dBTP is taken");
	tts_cache_key(eng, &n, b);
	CHECK(strcmp(a, b) != 0, "the target is part of the cache key");
}

int
main(void)
{
	char err[256];
	struct tts_engine *eng;

	for (int i = 0; i < 4; i++)
		strcat(long_body, "各位村民请注意，现在播送冬季防火和安全用电通知。"
		    "入冬以来，我县气温持续走低，最低气温-8℃，空气湿度只有25%，"
		    "火灾风险明显上升。严禁在山林、田边焚烧秸秆和垃圾，"
		    "违者罚款200元至2000元。");
	for (int i = 0; i < 4; i++)
		strcat(digits_body, "发现火情请立即拨打火警电话119，"
		    "或者拨打村委会值班电话13812345678。");
	test_meter();
	eng = tts_engine_new(TTS_OUTPUT_RATE, err, sizeof(err));
	CHECK(eng != NULL, "engine starts (%s)", eng ? "ok" : err);
	if (eng == NULL)
		return t_done();
	test_items(eng, TTS_DEFAULT_LOUDNESS_LUFS, TTS_DEFAULT_TRUE_PEAK_DBTP);
	test_tones(eng, TTS_DEFAULT_LOUDNESS_LUFS);
	test_settings(eng);	/* leaves -23 LUFS, -3 dBTP */
	test_items(eng, -23, -3);
	tts_engine_free(eng);
	return t_done();
}
