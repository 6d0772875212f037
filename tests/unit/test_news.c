/*
 * test_news.c — news text from RSS 2.0 and Atom feeds and from a folder of
 * .txt files: newest items first, markup stripped, caps kept, and hostile
 * feeds (DOCTYPE with entities, external entities, not XML) refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "scheduler/news.h"
#include "tests/unit/harness.h"

static char *
parse(const char *xml, int items, char *err)
{
	return news_parse_feed(xml, strlen(xml), items, err, 256);
}

static void
test_rss(void)
{
	char err[256];
	char *t = parse("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>"
	    "<title>县新闻</title>"
	    "<item><title>明天有雨</title><description>&lt;p&gt;降雨量10毫米&lt;/p&gt;"
	    "</description></item>"
	    "<item><title>玉米收购</title><description><![CDATA[每斤<b>1.25</b>元]]>"
	    "</description></item>"
	    "<item><title>第三条</title></item></channel></rss>", 2, err);
	CHECK_STREQ(t, "第1条：明天有雨。降雨量10毫米。第2条：玉米收购。每斤 1.25 元。",
	    "RSS: two newest items, HTML stripped");
	g_free(t);
}

static void
test_atom(void)
{
	char err[256];
	char *t = parse("<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>x</title>"
	    "<entry><title>停水通知</title><summary>周三9:00到17:00停水</summary></entry>"
	    "<entry><title>只有标题</title></entry></feed>", 5, err);
	CHECK_STREQ(t, "第1条：停水通知。周三9:00到17:00停水。第2条：只有标题。",
	    "Atom: summaries, and an entry with a title only");
	g_free(t);
}

static void
test_hostile(void)
{
	char err[256];
	char *t;

	t = parse("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
	    "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>"
	    "<rss><channel><item><title>&lol2;</title></item></channel></rss>", 3,
	    err);
	CHECK(t == NULL && strstr(err, "DOCTYPE"), "entity bombs refused (%s)", err);
	g_free(t);
	t = parse("<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM "
	    "\"file:///etc/passwd\">]><rss><channel><item><title>&x;</title>"
	    "</item></channel></rss>", 3, err);
	CHECK(t == NULL, "external entities refused (%s)", err);
	g_free(t);
	t = parse("not xml at all", 3, err);
	CHECK(t == NULL && strstr(err, "well-formed"), "not XML: %s", err);
	g_free(t);
	t = parse("<html><body>hi</body></html>", 3, err);
	CHECK(t == NULL && strstr(err, "neither"), "HTML is not a feed: %s", err);
	g_free(t);
	t = parse("<rss><channel></channel></rss>", 3, err);
	CHECK(t == NULL && strstr(err, "no readable"), "an empty feed: %s", err);
	g_free(t);
	GString *big = g_string_new("<rss><channel><item><title>");
	for (int i = 0; i < 3000; i++)
		g_string_append(big, "很长的标题");
	g_string_append(big, "</title></item></channel></rss>");
	t = parse(big->str, 3, err);
	CHECK(t && strlen(t) <= NEWS_MAX_ITEM_BYTES && g_utf8_validate(t, -1, NULL),
	    "a huge title is cut to the item cap on a character boundary (%zu)",
	    t ? strlen(t) : 0);
	g_free(t);
	g_string_free(big, TRUE);
	char *huge = g_malloc(NEWS_MAX_FEED_BYTES + 2);
	memset(huge, ' ', NEWS_MAX_FEED_BYTES + 1);
	huge[NEWS_MAX_FEED_BYTES + 1] = '\0';
	t = news_parse_feed(huge, NEWS_MAX_FEED_BYTES + 1, 3, err, sizeof(err));
	CHECK(t == NULL && strstr(err, "larger"), "over 2 MB refused: %s", err);
	g_free(huge);
}

static void
test_sources_and_folder(void)
{
	char dir[] = "/tmp/dalaba-news-XXXXXX", err[256];
	bool stale;

	CHECK(news_source_valid("https://example.org/rss.xml"), "https URL");
	CHECK(news_source_valid("dir:/srv/news"), "dir:/absolute");
	CHECK(!news_source_valid("dir:relative"), "dir: must be absolute");
	CHECK(!news_source_valid("file:///etc/passwd"), "file: URLs refused");
	CHECK(!news_source_valid("http://"), "an empty URL refused");
	if (mkdtemp(dir) == NULL)
		return;
	gchar *a = g_build_filename(dir, "a.txt", NULL);
	gchar *b = g_build_filename(dir, "b.txt", NULL);
	gchar *bad = g_build_filename(dir, "c.txt", NULL);
	gchar *cache = g_build_filename(dir, "cache", NULL);
	gchar *src = g_strconcat("dir:", dir, NULL);
	g_file_set_contents(a, "旧消息。", -1, NULL);
	g_file_set_contents(b, "新消息。", -1, NULL);
	g_file_set_contents(bad, "\xff\xfe", 2, NULL);
	/* b is newer than a; the non-UTF-8 file is newest and skipped */
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "touch -d '2 min ago' %s; touch -d '1 min ago' "
	    "%s", a, b);
	CHECK(system(cmd) == 0, "set file times");
	char *t = news_text(src, 5, cache, 2, &stale, err, sizeof(err));
	CHECK_STREQ(t, "第1条：新消息。第2条：旧消息。", "folder: newest first, bad file skipped");
	CHECK(!stale, "fresh, not from cache");
	g_free(t);
	g_unlink(a);
	g_unlink(b);
	g_unlink(bad);
	t = news_text(src, 5, cache, 2, &stale, err, sizeof(err));
	CHECK(t && stale, "an empty folder: the cached copy, marked stale (%s)", err);
	g_free(t);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK(system(cmd) == 0, "clean up");
	g_free(a);
	g_free(b);
	g_free(bad);
	g_free(cache);
	g_free(src);
}

int
main(void)
{
	test_rss();
	test_atom();
	test_hostile();
	test_sources_and_folder();
	return t_done();
}
