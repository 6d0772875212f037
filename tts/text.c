/*
 * text.c — strict UTF-8 and a growable string for tts/. Everything that
 * reaches the normaliser comes from outside (phones, CAP feeds), so decoding
 * rejects every malformed form rather than guessing.
 */
#include <stdlib.h>
#include <string.h>

#include "tts/text.h"

void
sbuf_init(struct sbuf *sb)
{
	memset(sb, 0, sizeof(*sb));
}

void
sbuf_free(struct sbuf *sb)
{
	free(sb->buf);
	sbuf_init(sb);
}

void
sbuf_putn(struct sbuf *sb, const char *s, size_t n)
{
	if (sb->oom)
		return;
	if (sb->len + n + 1 > sb->cap) {
		size_t cap = sb->cap ? sb->cap : 64;
		while (cap < sb->len + n + 1)
			cap *= 2;
		char *nb = realloc(sb->buf, cap);
		if (nb == NULL) {
			sb->oom = 1;
			return;
		}
		sb->buf = nb;
		sb->cap = cap;
	}
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void
sbuf_puts(struct sbuf *sb, const char *s)
{
	sbuf_putn(sb, s, strlen(s));
}

void
sbuf_putcp(struct sbuf *sb, uint32_t cp)
{
	char u[4];
	sbuf_putn(sb, u, utf8_encode(cp, u));
}

char *
sbuf_take(struct sbuf *sb)
{
	char *s;

	if (sb->oom) {
		sbuf_free(sb);
		return NULL;
	}
	if (sb->buf == NULL) {
		s = strdup("");
	} else {
		s = sb->buf;
	}
	sbuf_init(sb);
	return s;
}

size_t
utf8_encode(uint32_t cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Decode one code point at s[i]; returns its length or 0 if malformed. */
static size_t
decode_one(const unsigned char *s, size_t len, size_t i, uint32_t *cp)
{
	unsigned char c = s[i];
	size_t need;
	uint32_t v, min;

	if (c == 0)
		return 0;
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		need = 1; v = c & 0x1F; min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 2; v = c & 0x0F; min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 3; v = c & 0x07; min = 0x10000;
	} else {
		return 0;
	}
	if (len - i <= need)
		return 0;
	for (size_t k = 1; k <= need; k++) {
		if ((s[i + k] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[i + k] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return need + 1;
}

uint32_t *
utf8_decode(const char *s, size_t len, size_t *n, size_t *bad_offset)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t *out = malloc((len + 1) * sizeof(*out));
	size_t i = 0, k = 0;

	if (out == NULL) {
		*bad_offset = SIZE_MAX;
		return NULL;
	}
	while (i < len) {
		size_t l = decode_one(u, len, i, &out[k]);
		if (l == 0) {
			free(out);
			*bad_offset = i;
			return NULL;
		}
		i += l;
		k++;
	}
	*n = k;
	return out;
}

int
utf8_valid(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t cp;

	for (size_t i = 0; i < len;) {
		size_t l = decode_one(u, len, i, &cp);
		if (l == 0)
			return 0;
		i += l;
	}
	return 1;
}

void
sbuf_put_pinyin(struct sbuf *sb, const char *pinyin)
{
	if (sb->len > 0 && sb->buf[sb->len - 1] != ' ')
		sbuf_puts(sb, " ");
	sbuf_puts(sb, pinyin);
	sbuf_puts(sb, " ");
}

void
sbuf_put_after_pinyin(struct sbuf *sb, const char *c, size_t n)
{
	static const char marks[] = "，。、；：！？";

	if (sb->len > 0 && sb->buf[sb->len - 1] == ' ' && n == 3) {
		for (size_t k = 0; k + 3 <= sizeof(marks) - 1; k += 3)
			if (memcmp(marks + k, c, 3) == 0) {
				sb->buf[--sb->len] = '\0';
				break;
			}
	}
	sbuf_putn(sb, c, n);
}

char *
sbuf_take_trimmed(struct sbuf *sb)
{
	char *s = sbuf_take(sb);

	if (s != NULL) {
		size_t n = strlen(s);
		while (n > 0 && s[n - 1] == ' ')
			s[--n] = '\0';
	}
	return s;
}

size_t
utf8_lead_len(unsigned char c)
{
	return c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}
