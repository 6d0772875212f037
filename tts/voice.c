/*
 * voice.c — the voices dalaba offers and the eSpeak NG voice behind each.
 * Mandarin uses cmn-latn-pinyin: eSpeak NG 1.51's plain "cmn" reads many
 * Hanzi as English-spelled pinyin ("xiang one"), visible as "(en)" in its
 * phoneme trace; the pinyin variant reads them all as Mandarin, and it also
 * reads the lexicon's pinyin overrides natively.
 */
#include <string.h>
#include <strings.h>

#include "tts/tts.h"

static const struct tts_voice voices[] = {
	{ "mandarin", "cmn-latn-pinyin", TTS_MANDARIN,
	  "普通话 Mandarin (default)" },
	{ "cantonese", "yue", TTS_CANTONESE, "粤语 Cantonese" },
};

static const struct {
	const char *alias;
	size_t voice;
} aliases[] = {
	{ "zh", 0 }, { "cmn", 0 }, { "zh-cn", 0 }, { "cmn-latn-pinyin", 0 },
	{ "putonghua", 0 }, { "普通话", 0 },
	{ "yue", 1 }, { "zh-yue", 1 }, { "zh-hk", 1 }, { "粤语", 1 },
};

const struct tts_voice *
tts_voice_find(const char *name)
{
	if (name == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof(voices) / sizeof(voices[0]); i++)
		if (strcasecmp(name, voices[i].name) == 0)
			return &voices[i];
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcasecmp(name, aliases[i].alias) == 0)
			return &voices[aliases[i].voice];
	return NULL;
}

const struct tts_voice *
tts_voice_list(size_t *n)
{
	*n = sizeof(voices) / sizeof(voices[0]);
	return voices;
}

const struct tts_voice *
tts_voice_default(void)
{
	return &voices[0];
}
