/*
 * news.h — inside scheduler/: the text a news slot reads, from the newest
 * items of an RSS 2.0 / Atom 1.0 feed (fetched with libsoup, parsed with
 * libxml2: no network access from the parser, no DTDs, no entity
 * expansion, size-capped) or of text files dropped in a folder. Each
 * successful fetch is cached, so a feed that is down does not silence
 * the slot. Blocking: call it off the main loop (the TTS worker does).
 */
#ifndef DALABA_SCHED_NEWS_H
#define DALABA_SCHED_NEWS_H

#include <stdbool.h>
#include <stddef.h>

#define NEWS_MAX_FEED_BYTES (2 * 1024 * 1024)
#define NEWS_MAX_ITEM_BYTES 2000
#define NEWS_MAX_ITEMS 20

/* Is feed something we can read: http(s)://... or dir:/absolute/path? */
bool news_source_valid(const char *feed);

/* The newest `items` items as one text ("第1条：title。text。..."),
 * g_malloc'd. On a failed fetch the cached copy is returned and *stale set;
 * NULL with err if there is neither. */
char *news_text(const char *feed, int items, const char *cache_dir,
    int timeout_s, bool *stale, char *err, size_t errlen);

/* Parse feed bytes (exposed for tests and the fuzzer). */
char *news_parse_feed(const char *xml, size_t len, int items, char *err,
    size_t errlen);

#endif
