/*
 * fuzz_news.c — libFuzzer target for RSS 2.0 / Atom feeds
 * (news_parse_feed, what a news slot runs on the fetched bytes; nothing is
 * fetched here): any bytes in, the text read aloud or a refusal out. The
 * text is UTF-8 on one line, starts at item 1, keeps within the item caps,
 * and asking for one item gives the start of the same text, up to where
 * item 2 begins.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "scheduler/news.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256] = "";
	char *all = news_parse_feed((const char *)data, size, NEWS_MAX_ITEMS,
	    err, sizeof(err));

	if (all == NULL) {
		if (err[0] == '\0')
			abort();	/* a refusal says why */
		return 0;
	}
	size_t n = strlen(all);
	if (n == 0 || !g_utf8_validate(all, (gssize)n, NULL))
		abort();
	/* White space is squeezed to ' ' and XML allows no other C0 control
	 * (DEL and C1 it allows; the normaliser drops those). */
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)all[i] < 0x20)
			abort();
	/* Each item: its number, the title's cap, the text's cap, and a full
	 * stop after each. */
	if (n > (size_t)NEWS_MAX_ITEMS * (16 + NEWS_MAX_ITEM_BYTES / 4 +
	    NEWS_MAX_ITEM_BYTES + 6))
		abort();
	if (strncmp(all, "第1条：", strlen("第1条：")) != 0)
		abort();	/* numbered from 1, whatever was skipped */

	/* The newest item alone is how the full text starts. */
	char *one = news_parse_feed((const char *)data, size, 1, err,
	    sizeof(err));
	if (one == NULL || strncmp(all, one, strlen(one)) != 0 ||
	    (strlen(one) < n && strncmp(all + strlen(one), "第2条：",
	    strlen("第2条：")) != 0))
		abort();
	g_free(one);
	g_free(all);
	return 0;
}
