/*
 * public.h — inside web-admin/: what page_public.c (the village's page,
 * caching, the limit) and public_feed.c (the podcast feed, the audio and
 * its MP3 copies) share. Listening again is for anyone: nothing here
 * reads a session.
 */
#ifndef DALABA_WEB_PUBLIC_H
#define DALABA_WEB_PUBLIC_H

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "web-admin/web_int.h"

#define PUB_ITEMS 30		/* notices on a page or in a feed */

/* GET /v/... (routes.c; web.c sends it here before any session). */
void page_public(struct web_ctx *c);

/* GET /zones/CODE/plates.png and .pdf (plates.c): a logged-in user whose
 * zone holds the village. */
void page_plates(struct web_ctx *c);
/* Drawn off the loop (plates.c): the plates of url as PNG or PDF, or the
 * podcast's cover (1400 px square, the village's name). done runs on the
 * loop with the bytes (NULL if cairo failed; the caller does not keep
 * them). false: too many drawings under way, done is never called. */
enum pub_drawing { PUB_PLATES_PNG, PUB_PLATES_PDF, PUB_COVER };
typedef void (*pub_drawn_fn)(GByteArray *out, void *arg);
bool pub_draw(enum pub_drawing what, const char *name, const char *url,
    pub_drawn_fn done, void *arg);

/* page_public.c */
/* body as the answer, with ETag, Last-Modified (when key's body last
 * changed), Cache-Control public; 304 when the client has it. */
void pub_answer(struct web_admin *wa, SoupServerMessage *msg,
    const char *key, const char *type, GString *body);
void pub_cache_headers(SoupServerMessage *msg, const char *etag,
    int64_t since, int max_age);
bool pub_not_modified(SoupMessageHeaders *rq, const char *etag,
    int64_t since);
void pub_error(SoupServerMessage *msg, int status, const char *what);
/* The village's aired public notices (DB_LIST_PUBLIC_AIRED), newest
 * first; json_node_unref. */
JsonNode *pub_aired(struct web_admin *wa, const char *village);
/* A notice's title, else the first words of its body (into buf). */
const char *pub_title(JsonObject *o, char *buf, size_t n);
/* The village's name, if code is a village (12 digits) in the store;
 * g_free it. NULL: no such village. */
gchar *pub_village_name(struct web_admin *wa, const char *code);
const char *pub_when(struct web_admin *wa, int64_t t, GPtrArray *keep);
/* http(s)://host of the public pages ([listen] public_url, else the
 * request's host); _esc: escaped for HTML and XML. g_free it. */
gchar *pub_base(struct web_admin *wa, SoupServerMessage *msg);
gchar *pub_base_esc(struct web_admin *wa, SoupServerMessage *msg);
gchar *pub_csp(void);

/* public_feed.c */
void pub_feed(struct web_admin *wa, SoupServerMessage *msg,
    const char *village, const char *name);
/* ID.mp3 or ID.ogg of a public notice of the village; 404 otherwise. */
/* cover.png: the feed's itunes:image. */
void pub_cover(struct web_admin *wa, SoupServerMessage *msg,
    const char *village, const char *name);
void pub_audio(struct web_admin *wa, SoupServerMessage *msg,
    const char *village, const char *file);
/* Is the Ogg Opus archive of render audio (a broadcast's "KEY.wav") there? */
bool pub_has_ogg(struct web_admin *wa, const char *audio);
/* Start making the MP3 of a listed notice (o: a DB_LIST_PUBLIC_AIRED
 * row) if it is not there or under way. */
void pub_want_mp3(struct web_admin *wa, JsonObject *o);

#endif
