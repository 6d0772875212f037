/*
 * cn_number.h — reading digit strings aloud in Chinese: cardinals with the
 * 零 / 十 / 两 rules, digit-by-digit readings (幺 for 1 in phone numbers)
 * and decimals. Private to tts/.
 */
#ifndef DALABA_TTS_CN_NUMBER_H
#define DALABA_TTS_CN_NUMBER_H

#include <stddef.h>

#include "tts/text.h"

/* Longest integer read as a number; longer ones are read digit by digit. */
#define CN_MAX_CARDINAL_DIGITS 16

enum {
	CN_LIANG_LEADING = 1 << 0,	/* 2 leading 百/千/万/亿 reads 两 (两千) */
	CN_LIANG_ALONE = 1 << 1,	/* the number 2 itself reads 两 (两个人) */
};

/* Digits one by one; yao reads 1 as 幺 (phone numbers). */
void cn_digits(struct sbuf *sb, const char *d, size_t n, int yao);
/* An integer of n ASCII digits (leading zeros ignored) as a cardinal. */
void cn_cardinal(struct sbuf *sb, const char *d, size_t n, int flags);
/* int_d "." frac_d: the integer as a cardinal, 点, the fraction digit by digit. */
void cn_decimal(struct sbuf *sb, const char *int_d, size_t ni,
    const char *frac_d, size_t nf);

#endif
