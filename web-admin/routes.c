/*
 * routes.c — the one route table of dalabad's HTTP side: every JSON API
 * resource (/api/v1/...) and every page, by method and path pattern. The
 * first match wins, so a literal goes before a pattern it would also
 * match. Patterns are path components: a literal, ":" (any one
 * component: an id, an audio key) and a final "*" (any number, none
 * included).
 */
#include <string.h>

#include "web-admin/api_int.h"
#include "web-admin/public.h"
#include "web-admin/web_int.h"

struct route {
	const char *method;	/* "*": any (the page checks) */
	const char *path;
	void (*api)(struct api_req *r);
	void (*page)(struct web_ctx *c);
};

static void page_home(struct web_ctx *c);

static const struct route routes[] = {
	/* ---- the JSON API, /api/v1/... ---- */
	{ "GET", "status", api_get_status, NULL },
	{ "GET", "zones", api_get_zones, NULL },
	{ "POST", "zones", api_post_zone, NULL },
	{ "GET", "notices", api_get_notices, NULL },
	{ "POST", "notices", api_post_notice, NULL },
	{ "GET", "notices/:", api_get_notice, NULL },
	{ "POST", "notices/:", api_post_notice_edit, NULL },
	{ "POST", "notices/:/cancel", api_cancel_notice, NULL },
	{ "GET", "notices/:/audio", api_get_notice_audio, NULL },
	{ "GET", "schedules", api_get_schedules, NULL },
	{ "POST", "schedules", api_post_schedule, NULL },
	{ "DELETE", "schedules/:", api_delete_schedule, NULL },
	{ "GET", "speakers", api_get_speakers, NULL },
	{ "GET", "speakers/summary", api_get_speakers_summary, NULL },
	{ "POST", "speakers", api_post_speaker, NULL },
	{ "POST", "speakers/:/token", api_post_speaker_token, NULL },
	{ "POST", "speakers/:/volume", api_post_speaker_volume, NULL },
	{ "POST", "speakers/:/tone", api_post_speaker_tone, NULL },
	{ "GET", "speakers/:/history", api_get_speaker_history, NULL },
	{ "GET", "broadcasts", api_get_broadcasts, NULL },
	{ "GET", "broadcasts/:/audio", api_get_broadcast_audio, NULL },
	{ "GET", "lexicon", api_get_lexicon, NULL },
	{ "POST", "lexicon", api_post_lexicon, NULL },
	{ "DELETE", "lexicon", api_delete_lexicon, NULL },
	{ "POST", "preview", api_post_preview, NULL },
	{ "GET", "timetable", api_get_timetable, NULL },
	{ "GET", "audio/:", api_get_cached_audio, NULL },
	{ "GET", "recordings/:/audio", api_get_recording_audio, NULL },
	{ "GET", "speak", api_get_speak, NULL },
	/* Emergency alerts keep the API's word for them, "pages". */
	{ "GET", "coverage", api_get_coverage, NULL },
	{ "POST", "pages", api_post_alert, NULL },
	{ "GET", "pages", api_get_alerts, NULL },
	{ "GET", "pages/:", api_get_alert, NULL },
	{ "POST", "pages/:/cancel", api_cancel_alert, NULL },
	{ "POST", "login", api_post_login, NULL },
	{ "POST", "logout", api_post_logout, NULL },
	{ "GET", "me", api_get_me, NULL },
	{ "GET", "users", api_get_users, NULL },
	{ "POST", "users", api_post_user, NULL },
	{ "POST", "users/:/disable", api_post_user_disable, NULL },
	{ "POST", "users/:/password", api_post_user_password, NULL },
	{ "POST", "tokens", api_post_token, NULL },
	{ "GET", "tokens", api_get_tokens, NULL },
	{ "DELETE", "tokens/:", api_delete_token, NULL },
	{ "GET", "audit", api_get_audit, NULL },
	/* (POST cap, CAP 1.2 XML, is taken before any JSON is read:
	 * api_server.c.) */

	/* ---- the pages, /... (GET and POST only: web.c) ---- */
	{ "*", "", NULL, page_home },
	{ "GET", "today", NULL, page_today },
	{ "GET", "more", NULL, page_more },
	{ "GET", "notices", NULL, page_notices },
	{ "GET", "notices/new/voice", NULL, page_record },
	{ "POST", "recordings", NULL, page_record_post },
	{ "*", "notices/new/*", NULL, page_notice_new },
	{ "*", "notices/:/edit", NULL, page_notice_new },
	{ "GET", "notices/:", NULL, page_notice },
	{ "POST", "notices/:/:", NULL, page_notice_action },
	{ "POST", "schedules/:/:", NULL, page_notice_action },
	{ "*", "pages/*", NULL, page_pages },
	{ "GET", "timetable/*", NULL, page_timetable },
	{ "*", "speakers/*", NULL, page_speakers },
	{ "GET", "history/*", NULL, page_history },
	{ "*", "lexicon/*", NULL, page_lexicon },
	{ "*", "users/*", NULL, page_users },
	/* The QR plates for a village's doors (plates.c). */
	{ "GET", "zones/:/plates.png", NULL, page_plates },
	{ "GET", "zones/:/plates.pdf", NULL, page_plates },
	{ "*", "zones/*", NULL, page_users },
	{ "GET", "audit/*", NULL, page_audit },
	{ "*", "account/*", NULL, page_account },
	/* Listening again, for anyone (web.c routes it before any session):
	 * /v/CODE, /v/CODE/feed.xml, /v/CODE/ID.mp3 and .ogg. */
	{ "*", "v/*", NULL, page_public },
};

static void
page_home(struct web_ctx *c)
{
	html_redirect(c, "/today");
}

/* Does parts[0..n) match pattern? */
static bool
path_matches(const char *pattern, char *const *parts, int n)
{
	const char *p = pattern;
	int i = 0;

	if (*p == '\0')
		return n == 0;
	for (;;) {
		const char *end = strchr(p, '/');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == 1 && *p == '*')
			return true;	/* the rest, whatever it is */
		if (i >= n)
			return false;
		if (!(len == 1 && *p == ':') && (strlen(parts[i]) != len ||
		    memcmp(parts[i], p, len) != 0))
			return false;
		i++;
		if (end == NULL)
			return i == n;
		p = end + 1;
	}
}

static const struct route *
find(bool api, const char *method, char *const *parts, int n)
{
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		const struct route *rt = &routes[i];
		if ((api ? rt->api == NULL : rt->page == NULL) ||
		    (strcmp(rt->method, "*") != 0 &&
		    strcmp(rt->method, method) != 0))
			continue;
		if (path_matches(rt->path, parts, n))
			return rt;
	}
	return NULL;
}

int
web_route_api(struct api_req *r)
{
	const struct route *rt = find(true, r->method, r->parts, r->nparts);

	if (rt == NULL)
		return -1;
	rt->api(r);
	return 0;
}

int
web_route_page(struct web_ctx *c)
{
	/* "//x" and the like: an empty first component is the home page. */
	int n = c->nparts > 0 && c->parts[0][0] == '\0' ? 0 : c->nparts;
	const struct route *rt = find(false, c->method, c->parts, n);

	if (rt == NULL)
		return -1;
	rt->page(c);
	return 0;
}
