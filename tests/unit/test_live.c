/*
 * test_live.c — a page is heard while it is still being synthesised:
 * live_pcm hands audio to every reader as it is appended (each from its
 * own position), a failed render reaches them, a stop request frees a
 * waiting reader; and the TTS worker (real eSpeak NG) takes a page ahead
 * of a long routine render, which gives way and is finished afterwards,
 * and the page's first audio reaches a reader long before its own long
 * text has finished rendering; and a news fetch that hangs and a long
 * preview's transcode, both under way, do not hold a page back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <gio/gio.h>

#include "broadcaster/broadcaster.h"
#include "scheduler/live.h"
#include "scheduler/worker.h"
#include "tests/unit/harness.h"
#include "tts/tts.h"

static void
test_buffer(void)
{
	struct live_pcm *l = live_new();
	int16_t in[100], out[64];
	size_t a = 0, b = 0;
	char err[128];
	atomic_int stop;

	for (int i = 0; i < 100; i++)
		in[i] = (int16_t)i;
	live_append(in, 100, l);
	CHECK(live_read(l, &a, out, 64, NULL, err, sizeof(err)) == 64 &&
	    out[63] == 63, "a reader gets what was appended");
	CHECK(live_read(l, &a, out, 64, NULL, err, sizeof(err)) == 36 &&
	    out[0] == 64, "and goes on from where it was");
	CHECK(live_read(l, &b, out, 10, NULL, err, sizeof(err)) == 10 &&
	    out[0] == 0, "a second reader starts at the beginning");
	atomic_init(&stop, 1);
	CHECK(live_read(l, &a, out, 64, &stop, err, sizeof(err)) == -1,
	    "a reader waiting for more gives up when told to stop");
	live_finish(l, 0, NULL);
	CHECK(live_read(l, &a, out, 64, NULL, err, sizeof(err)) == 0,
	    "the end of a complete render reads as 0");
	live_unref(l);

	l = live_new();
	live_append(in, 10, l);
	live_finish(l, -1, "eSpeak NG failed");
	a = 0;
	CHECK(live_read(l, &a, out, 64, NULL, err, sizeof(err)) == 10,
	    "what came before a failure still plays");
	CHECK(live_read(l, &a, out, 64, NULL, err, sizeof(err)) == -1 &&
	    strstr(err, "eSpeak") != NULL, "then the failure reaches the reader "
	    "(%s)", err);
	live_unref(l);
}

/* ---- the worker puts a page first ---- */

static int order[2], norder;
static GMainLoop *loop;

struct reader {
	struct live_pcm *live;
	long first;		/* frames of the first read */
	bool ended_at_first;	/* had a render been handed back by then? */
	size_t total;
	long last;
};

static gpointer
read_all(gpointer data)
{
	struct reader *r = data;
	int16_t out[2048];
	size_t pos = 0;
	char err[256];

	r->first = live_read(r->live, &pos, out, G_N_ELEMENTS(out), NULL, err,
	    sizeof(err));
	r->ended_at_first = g_atomic_int_get(&norder) > 0;
	r->total = r->first > 0 ? (size_t)r->first : 0;
	while ((r->last = live_read(r->live, &pos, out, G_N_ELEMENTS(out), NULL,
	    err, sizeof(err))) > 0)
		r->total += (size_t)r->last;
	return NULL;
}

static void
job_done(struct render_job *job, void *arg)
{
	order[g_atomic_int_add(&norder, 1)] = GPOINTER_TO_INT(arg);
	CHECK(job->rc == 0, "job %d rendered (%s)", GPOINTER_TO_INT(arg),
	    job->rc ? job->err : "ok");
	render_job_free(job);
	if (norder == 2)
		g_main_loop_quit(loop);
}

static gboolean
give_up(gpointer data)
{
	(void)data;
	g_main_loop_quit(loop);
	return G_SOURCE_REMOVE;
}

static void
test_worker_order(struct render_worker *w)
{
	char body[8192] = "", text[4096] = "";
	struct reader rd = { 0 };
	struct render_job *routine = calloc(1, sizeof(*routine));
	struct render_job *page = calloc(1, sizeof(*page));

	for (int i = 0; i < 60; i++)
		strcat(body, "今天下午三点在村委会召开全体村民大会，请准时参加。");
	routine->notice = (struct db_notice){ .id = 1, .body = strdup(body),
	    .voice = strdup("mandarin"), .zone = strdup("110101001001"),
	    .repeat = 1 };
	routine->done = job_done;
	routine->arg = GINT_TO_POINTER(1);
	for (int i = 0; i < 20; i++)
		strcat(text, "各位村民请注意，河水正在上涨，请立即转移到高处。");
	page->notice = (struct db_notice){ .id = 2, .body = strdup(text),
	    .voice = strdup("mandarin"), .zone =
	    strdup("110101001001"), .repeat = 1, .priority = BCAST_PRIO_EMERGENCY,
	    .page_id = 7 };
	page->live = live_new();
	rd.live = live_ref(page->live);
	page->done = job_done;
	page->arg = GINT_TO_POINTER(2);
	loop = g_main_loop_new(NULL, FALSE);
	render_worker_submit(w, routine);
	g_usleep(200000);	/* the long routine render is under way */
	render_worker_submit(w, page);
	GThread *t = g_thread_new("reader", read_all, &rd);
	guint to = g_timeout_add_seconds(120, give_up, NULL);
	g_main_loop_run(loop);
	g_source_remove(to);
	CHECK(norder == 2 && order[0] == 2 && order[1] == 1, "the page was "
	    "rendered first, the routine render gave way and then finished "
	    "(order %d, %d)", order[0], order[1]);
	g_thread_join(t);
	CHECK(rd.first > 0, "the page's first audio reached a reader (%ld "
	    "frames)", rd.first);
	CHECK(!rd.ended_at_first, "before its long text had finished rendering");
	CHECK(rd.last == 0 && rd.total > (size_t)TTS_OUTPUT_RATE * 20, "then "
	    "all of it, to a clean end (%.1f s)", (double)rd.total /
	    TTS_OUTPUT_RATE);
	live_unref(rd.live);
	g_main_loop_unref(loop);
}

/* ---- slow work never holds a page back ---- */

static gint news_done, preview_done, page_heard;

static void
slow_done(struct render_job *job, void *arg)
{
	g_atomic_int_set((gint *)arg, 1);
	render_job_free(job);
}

/* A feed that accepts and never answers. */
static gpointer
hang_main(gpointer data)
{
	GSocketListener *l = data;
	GSocketConnection *c = g_socket_listener_accept(l, NULL, NULL, NULL);

	if (c) {
		char buf[512];
		g_input_stream_read(g_io_stream_get_input_stream(G_IO_STREAM(c)),
		    buf, sizeof(buf), NULL, NULL);
		while (!g_atomic_int_get(&page_heard) ||
		    !g_atomic_int_get(&news_done))
			g_usleep(50000);
		g_object_unref(c);
	}
	return NULL;
}

struct heard {
	struct live_pcm *live;
	gint news_then, preview_then;	/* were they done when it was heard? */
};

static gpointer
hear_page(gpointer data)
{
	struct heard *h = data;
	int16_t out[2048];
	size_t pos = 0;
	char err[256];

	if (live_read(h->live, &pos, out, G_N_ELEMENTS(out), NULL, err,
	    sizeof(err)) > 0) {
		h->news_then = g_atomic_int_get(&news_done);
		h->preview_then = g_atomic_int_get(&preview_done);
		g_atomic_int_set(&page_heard, 1);
	}
	while (live_read(h->live, &pos, out, G_N_ELEMENTS(out), NULL, err,
	    sizeof(err)) > 0)
		;
	return NULL;
}

static gboolean
all_done(gpointer data)
{
	(void)data;
	if (g_atomic_int_get(&news_done) && g_atomic_int_get(&preview_done) &&
	    g_atomic_int_get(&page_heard))
		g_main_loop_quit(loop);
	return G_SOURCE_CONTINUE;
}

/* Is a transcode under way (an Ogg file being written in the cache)? */
static bool
transcoding(const char *dir)
{
	gchar *rd = g_build_filename(dir, "render", NULL);
	GDir *d = g_dir_open(rd, 0, NULL);
	const char *n;
	bool yes = false;

	while (d && (n = g_dir_read_name(d)) != NULL)
		yes = yes || g_str_has_suffix(n, ".ogg.new");
	if (d)
		g_dir_close(d);
	g_free(rd);
	return yes;
}

/* A news notice whose feed never answers, and a long preview being turned
 * into Ogg Opus, are both under way when a page comes: its audio is
 * heard before either is done (the TTS thread only synthesises; both run
 * beside it). Before, the page waited behind the feed's timeout and the
 * preview's transcode, on the TTS thread. */
static void
test_slow_work(struct render_worker *w, const char *dir)
{
	char body[8192] = "", url[64];
	GSocketListener *l = g_socket_listener_new();
	int port = g_socket_listener_add_any_inet_port(l, NULL, NULL);
	struct heard h = { NULL, 0, 0 };

	CHECK(port > 0, "a feed that hangs, on loopback");
	gchar *root = g_build_filename(dir, "news", NULL);
	render_worker_set_news(w, root, 8);
	g_free(root);
	GThread *hang = g_thread_new("hang", hang_main, l);
	loop = g_main_loop_new(NULL, FALSE);

	struct render_job *news = calloc(1, sizeof(*news));
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/rss.xml", port);
	news->notice = (struct db_notice){ .id = 10, .body = strdup("现在播报新闻。"),
	    .voice = strdup("mandarin"), .zone = strdup("110101001001"),
	    .repeat = 1, .feed = strdup(url), .feed_items = 3 };
	news->done = slow_done;
	news->arg = &news_done;
	render_worker_submit(w, news);

	struct render_job *pv = calloc(1, sizeof(*pv));
	for (int i = 0; i < 80; i++)
		strcat(body, "乡亲们，下周一开始全村统一收取医疗保险费，请带好户口本。");
	pv->notice = (struct db_notice){ .id = 11, .body = strdup(body),
	    .voice = strdup("mandarin"), .zone = strdup(""), .repeat = 1 };
	pv->want_ogg = true;
	pv->done = slow_done;
	pv->arg = &preview_done;
	render_worker_submit(w, pv);
	/* Until the preview's synthesis is done and its Ogg copy is being
	 * written (its synthesis takes the TTS thread a second or two). */
	for (int i = 0; i < 600 && !transcoding(dir); i++)
		g_usleep(20000);
	CHECK(transcoding(dir), "the preview's Ogg Opus copy is being made");

	struct render_job *page = calloc(1, sizeof(*page));
	page->notice = (struct db_notice){ .id = 12,
	    .body = strdup("紧急通知：河水上涨，请立即转移。"),
	    .voice = strdup("mandarin"), .zone = strdup("110101001001"),
	    .repeat = 1, .priority = BCAST_PRIO_EMERGENCY, .page_id = 9 };
	page->live = live_new();
	h.live = live_ref(page->live);
	page->done = slow_done;
	page->arg = &page_heard;
	GThread *t = g_thread_new("hear", hear_page, &h);
	render_worker_submit(w, page);
	guint poll = g_timeout_add(50, all_done, NULL);
	guint to = g_timeout_add_seconds(60, give_up, NULL);
	g_main_loop_run(loop);
	g_source_remove(to);
	g_source_remove(poll);
	g_thread_join(t);
	CHECK(g_atomic_int_get(&page_heard), "the page was heard");
	CHECK(!h.news_then, "before the news fetch that hangs had given up");
	CHECK(!h.preview_then, "and before the preview's transcode was done");
	CHECK(g_atomic_int_get(&news_done) && g_atomic_int_get(&preview_done),
	    "both finished afterwards");
	g_socket_listener_close(l);
	g_thread_join(hang);
	g_object_unref(l);
	live_unref(h.live);
	g_main_loop_unref(loop);
}

int
main(void)
{
	char dir[] = "/tmp/dalaba-test-live.XXXXXX";

	if (mkdtemp(dir) == NULL)
		return 1;
	test_buffer();
	/* One worker: eSpeak NG can be started once per process. */
	char err[256];
	struct render_worker *w = render_worker_new(dir, err, sizeof(err));
	CHECK(w != NULL, "the worker starts (%s)", w ? "ok" : err);
	if (w != NULL) {
		test_worker_order(w);
		test_slow_work(w, dir);
		render_worker_free(w);
	}
	gchar *cmd = g_strdup_printf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	g_free(cmd);
	return t_done();
}
