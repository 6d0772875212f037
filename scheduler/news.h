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

#include <gio/gio.h>

#define NEWS_MAX_FEED_BYTES (2 * 1024 * 1024)
#define NEWS_MAX_ITEM_BYTES 2000
#define NEWS_MAX_ITEMS 20
#define NEWS_FRESH_S 300		/* a feed fetched this recently is reused */

/* Is feed something we can read: http(s)://HOST... or dir:FOLDER (a
 * folder inside the news root: absolute, or relative to the root)? */
bool news_source_valid(const char *feed);
/* The folder of a dir: feed, resolved (symbolic links followed), if it
 * exists inside root; else NULL. g_free it. */
char *news_folder(const char *feed, const char *root);
/* Does url start with one of the space-separated prefixes in allow (same
 * scheme, host and port; path a prefix)? "none" or "" allows nothing. */
bool news_url_allowed(const char *url, const char *allow);

/* The newest `items` items as one text ("第1条：title。text。..."),
 * g_malloc'd. A dir: feed must lie inside root. A feed is fetched at most
 * once every NEWS_FRESH_S, within timeout_s in all (stop, if not NULL,
 * cancels it early); on a failed fetch the cached copy (in cache_dir) is
 * returned and *stale set; NULL with err if there is neither. Blocks. */
char *news_text(const char *feed, int items, const char *root,
    const char *cache_dir, int timeout_s, GCancellable *stop, bool *stale,
    char *err, size_t errlen);

/* Parse feed bytes (exposed for tests and the fuzzer). */
char *news_parse_feed(const char *xml, size_t len, int items, char *err,
    size_t errlen);

#endif
