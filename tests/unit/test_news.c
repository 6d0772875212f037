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
#include <gio/gio.h>

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
	/* An item with nothing to read is skipped, not counted: listeners
	 * hear 第1条 first, and the count is of items read. */
	t = parse("<rss><channel><item><link>http://x/1</link></item>"
	    "<item><title> </title><description/></item>"
	    "<item><title>秋收</title></item><item><title>征兵</title></item>"
	    "</channel></rss>", 1, err);
	CHECK_STREQ(t, "第1条：秋收。", "empty items neither numbered nor counted");
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
	CHECK(news_source_valid("dir:weather"), "dir: relative to the news root");
	CHECK(!news_source_valid("dir:../etc"), "dir: with .. refused");
	CHECK(!news_source_valid("dir:"), "dir: without a folder refused");
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
	char *t = news_text(src, 5, dir, cache, 2, NULL, &stale, err,
	    sizeof(err));
	CHECK_STREQ(t, "第1条：新消息。第2条：旧消息。", "folder: newest first, bad file skipped");
	CHECK(!stale, "fresh, not from cache");
	g_free(t);
	g_unlink(a);
	g_unlink(b);
	g_unlink(bad);
	t = news_text(src, 5, dir, cache, 2, NULL, &stale, err, sizeof(err));
	CHECK(t && stale, "an empty folder: the cached copy, marked stale (%s)", err);
	g_free(t);
	t = news_text(src, 5, "/var/empty", cache, 2, NULL, &stale, err,
	    sizeof(err));
	CHECK(t == NULL || stale, "a folder outside the root is not read again "
	    "(%s)", err);
	g_free(t);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK(system(cmd) == 0, "clean up");
	g_free(a);
	g_free(b);
	g_free(bad);
	g_free(cache);
	g_free(src);
}

/* Who may read news from where: folders only inside the news root (not
 * by "..", not through a symbolic link), addresses by allowed prefix. */
static void
test_where_from(void)
{
	char root[] = "/tmp/dalaba-root-XXXXXX", cmd[512];

	if (mkdtemp(root) == NULL)
		return;
	snprintf(cmd, sizeof(cmd), "mkdir -p %s/weather %s/../dalaba-outside-$$ "
	    "&& ln -s /etc %s/etc-link", root, root, root);
	CHECK(system(cmd) == 0, "make the folders");
	gchar *in = g_strdup_printf("dir:%s/weather", root);
	gchar *w = news_folder(in, root), *rel = news_folder("dir:weather", root);
	CHECK(w && g_str_has_suffix(w, "/weather"), "a folder inside the root");
	CHECK_STREQ(rel, w, "the same folder named relative to the root");
	g_free(w);
	g_free(rel);
	g_free(in);
	CHECK(news_folder("dir:/etc", root) == NULL, "/etc is outside the root");
	CHECK(news_folder("dir:etc-link", root) == NULL,
	    "a link inside the root that leads out is outside");
	gchar *dots = g_strdup_printf("dir:%s/weather/../../etc", root);
	CHECK(news_folder(dots, root) == NULL, "and so is a way out with ..");
	g_free(dots);
	CHECK(news_folder("dir:missing", root) == NULL, "a folder not there");
	CHECK(news_folder("https://x.test/", root) == NULL, "not a folder");

	const char *allow = "https://news.example.gov.cn/county/ "
	    "http://10.0.0.5:8000/";
	CHECK(news_url_allowed("https://news.example.gov.cn/county/rss.xml",
	    allow), "an allowed prefix");
	CHECK(news_url_allowed("HTTPS://NEWS.example.gov.cn/county/a", allow),
	    "scheme and host in any case");
	CHECK(!news_url_allowed("https://news.example.gov.cn/other/rss.xml",
	    allow), "another path of the same host");
	CHECK(!news_url_allowed("https://news.example.gov.cn.evil.test/county/",
	    allow), "a host that only starts like an allowed one");
	CHECK(!news_url_allowed("http://news.example.gov.cn/county/rss.xml",
	    allow), "plain http where https is allowed");
	CHECK(news_url_allowed("http://10.0.0.5:8000/x", allow), "with a port");
	CHECK(!news_url_allowed("http://10.0.0.5:8001/x", allow),
	    "another port of the same host");
	CHECK(!news_url_allowed("https://news.example.gov.cn/county/", "none"),
	    "\"none\" allows nothing");
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	CHECK(system(cmd) == 0, "clean up");
}

/* A loopback server that answers with headers, then one byte every
 * 400 ms for far longer than the fetch may take: the fetch must give up
 * at its deadline, whatever the per-read timeout. */
struct trickle {
	GSocketListener *l;
	int port;
};

static gpointer
trickle_main(gpointer data)
{
	struct trickle *t = data;
	GSocketConnection *c = g_socket_listener_accept(t->l, NULL, NULL, NULL);
	GOutputStream *out;
	char buf[1024];
	const char *hdr = "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml"
	    "\r\nContent-Length: 100000\r\n\r\n<";

	if (c == NULL)
		return NULL;
	g_input_stream_read(g_io_stream_get_input_stream(G_IO_STREAM(c)), buf,
	    sizeof(buf), NULL, NULL);
	out = g_io_stream_get_output_stream(G_IO_STREAM(c));
	g_output_stream_write_all(out, hdr, strlen(hdr), NULL, NULL, NULL);
	for (int i = 0; i < 100; i++) {	/* 40 s at most */
		if (!g_output_stream_write_all(out, " ", 1, NULL, NULL, NULL))
			break;
		g_usleep(400000);
	}
	g_object_unref(c);
	return NULL;
}

static void
test_deadline(void)
{
	struct trickle t = { g_socket_listener_new(), 0 };
	char dir[] = "/tmp/dalaba-news-XXXXXX", err[256] = "", url[64];
	bool stale;

	t.port = g_socket_listener_add_any_inet_port(t.l, NULL, NULL);
	CHECK(t.port > 0 && mkdtemp(dir) != NULL, "a trickling server");
	GThread *th = g_thread_new("trickle", trickle_main, &t);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/rss.xml", t.port);
	gint64 t0 = g_get_monotonic_time();
	char *text = news_text(url, 3, dir, dir, 2, NULL, &stale, err,
	    sizeof(err));
	double took = (double)(g_get_monotonic_time() - t0) / G_USEC_PER_SEC;
	CHECK(text == NULL, "a feed that never finishes gives no text");
	/* Not a speed check: the server trickles for 40 s, the per-read
	 * timeout (2 s) never fires; only the overall deadline ends it. */
	CHECK(took < 20, "the fetch gave up at its deadline (%.1f s: %s)", took,
	    err);
	g_socket_listener_close(t.l);
	g_thread_join(th);
	g_object_unref(t.l);
	snprintf(url, sizeof(url), "rm -rf %s", dir);
	CHECK(system(url) == 0, "clean up");
}

int
main(void)
{
	test_rss();
	test_atom();
	test_hostile();
	test_sources_and_folder();
	test_where_from();
	test_deadline();
	return t_done();
}
