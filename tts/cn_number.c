/*
 * cn_number.c — Chinese readings of numbers. The rules are the ones a
 * broadcaster follows: 一千零五 (one 零 for any run of zeros), 十五 but
 * 一百一十, 两 for a leading 2 before 百/千/万/亿 and for 2 of something,
 * never 两 inside a number (十二, 一千零二).
 */
#include <assert.h>
#include <string.h>

#include "tts/cn_number.h"

static const char *const digit_hz[10] = {
	"零", "一", "二", "三", "四", "五", "六", "七", "八", "九",
};

void
cn_digits(struct sbuf *sb, const char *d, size_t n, int yao)
{
	for (size_t i = 0; i < n; i++) {
		assert(d[i] >= '0' && d[i] <= '9');
		if (yao && d[i] == '1')
			sbuf_puts(sb, "幺");
		else
			sbuf_puts(sb, digit_hz[d[i] - '0']);
	}
}

/*
 * One four-digit section (thousands .. units) of a number. first_section:
 * this is the most significant section, where 10-19 read 十X, not 一十X.
 * *leading: no digit of the whole number spoken yet (for the 两 rule).
 */
static void
section(struct sbuf *sb, const int dg[4], int first_section, int *leading,
    int group, int flags)
{
	static const char *const unit[4] = { "千", "百", "十", "" };
	int started = 0, zero = 0;

	for (int p = 0; p < 4; p++) {
		int d = dg[p];
		if (d == 0) {
			if (started)
				zero = 1;
			continue;
		}
		if (zero) {
			sbuf_puts(sb, "零");
			zero = 0;
		}
		if (d == 1 && p == 2 && !started && first_section) {
			/* 十五, 十万: the 一 is silent at the very front */
		} else if (d == 2 && *leading && (flags & CN_LIANG_LEADING) &&
		    (p <= 1 || (p == 3 && group > 0))) {
			sbuf_puts(sb, "两");
		} else {
			sbuf_puts(sb, digit_hz[d]);
		}
		sbuf_puts(sb, unit[p]);
		started = 1;
		*leading = 0;
	}
}

void
cn_cardinal(struct sbuf *sb, const char *d, size_t n, int flags)
{
	while (n > 1 && d[0] == '0') {
		d++;
		n--;
	}
	if (n > CN_MAX_CARDINAL_DIGITS) {
		cn_digits(sb, d, n, 0);
		return;
	}
	if (n == 1) {
		if (d[0] == '2' && (flags & CN_LIANG_ALONE))
			sbuf_puts(sb, "两");
		else
			sbuf_puts(sb, digit_hz[d[0] - '0']);
		return;
	}

	/* Split into sections of four digits, most significant first. */
	int ngroups = (int)((n + 3) / 4);
	int secs[4][4];
	int val[4];
	size_t pos = 0;
	size_t headlen = n - (size_t)(ngroups - 1) * 4;

	memset(secs, 0, sizeof(secs));
	for (int g = 0; g < ngroups; g++) {
		size_t len = g == 0 ? headlen : 4;
		val[g] = 0;
		for (size_t k = 0; k < len; k++) {
			int dig = d[pos++] - '0';
			secs[g][4 - len + k] = dig;
			val[g] = val[g] * 10 + dig;
		}
	}

	int leading = 1, emitted = 0, skipped_zero = 0;
	for (int g = 0; g < ngroups; g++) {
		int group = ngroups - 1 - g;	/* 0 units, 1 万, 2 亿, 3 万亿 */
		if (val[g] == 0) {
			if (emitted)
				skipped_zero = 1;
			continue;
		}
		if (emitted && (val[g] < 1000 || skipped_zero))
			sbuf_puts(sb, "零");
		if (val[g] == 2 && leading && group > 0 &&
		    (flags & CN_LIANG_LEADING)) {
			sbuf_puts(sb, "两");
			leading = 0;
		} else {
			section(sb, secs[g], !emitted, &leading, group, flags);
		}
		if (group == 1 || group == 3)
			sbuf_puts(sb, "万");
		if (group == 2 || (group == 3 && ngroups > 2 && val[g + 1] == 0))
			sbuf_puts(sb, "亿");
		emitted = 1;
		skipped_zero = 0;
	}
}

void
cn_decimal(struct sbuf *sb, const char *int_d, size_t ni, const char *frac_d,
    size_t nf)
{
	cn_cardinal(sb, int_d, ni, 0);
	sbuf_puts(sb, "点");
	cn_digits(sb, frac_d, nf, 0);
}
