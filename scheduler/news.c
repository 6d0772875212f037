/*
 * news.c — see news.h.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "scheduler/news.h"

bool
news_source_valid(const char *feed)
{
	if (feed == NULL || strlen(feed) > 1024)
		return false;
	if (g_str_has_prefix(feed, "dir:"))
		return feed[4] != '\0' && strstr(feed, "..") == NULL;
	if (!g_str_has_prefix(feed, "http://") &&
	    !g_str_has_prefix(feed, "https://"))
		return false;
	GUri *u = g_uri_parse(feed, G_URI_FLAGS_NONE, NULL);
	bool ok = u && g_uri_get_host(u) && g_uri_get_host(u)[0];
	if (u)
		g_uri_unref(u);
	return ok;
}

char *
news_folder(const char *feed, const char *root)
{
	const char *dir = feed + 4;
	gchar *path, *real = NULL;

	if (!g_str_has_prefix(feed, "dir:") || root == NULL)
		return NULL;
	path = g_path_is_absolute(dir) ? g_strdup(dir) :
	    g_build_filename(root, dir, NULL);
	/* Resolved, so neither "..", nor a symbolic link, leads out. */
	char *r1 = realpath(path, NULL), *r2 = realpath(root, NULL);
	if (r1 && r2) {
		size_t n = strlen(r2);
		if (strncmp(r1, r2, n) == 0 && (r1[n] == '/' || r1[n] == '\0' ||
		    (n == 1 && r2[0] == '/')))
			real = g_strdup(r1);
	}
	free(r1);
	free(r2);
	g_free(path);
	return real;
}

bool
news_url_allowed(const char *url, const char *allow)
{
	GUri *u = g_uri_parse(url, G_URI_FLAGS_NONE, NULL);
	gchar **prefixes = g_strsplit_set(allow ? allow : "", " \t,", 0);
	bool ok = false;

	for (int i = 0; u && prefixes[i] && !ok; i++) {
		GUri *p = prefixes[i][0] ? g_uri_parse(prefixes[i],
		    G_URI_FLAGS_NONE, NULL) : NULL;
		/* Scheme, host and port equal, the path a prefix: a prefix
		 * "https://news.example" must not let in
		 * "https://news.example.evil.test/". */
		if (p && g_uri_get_host(p) && g_uri_get_host(u) &&
		    g_ascii_strcasecmp(g_uri_get_scheme(p), g_uri_get_scheme(u)) ==
		    0 && g_ascii_strcasecmp(g_uri_get_host(p), g_uri_get_host(u)) ==
		    0 && g_uri_get_port(p) == g_uri_get_port(u) &&
		    g_str_has_prefix(g_uri_get_path(u), g_uri_get_path(p)))
			ok = true;
		if (p)
			g_uri_unref(p);
	}
	g_strfreev(prefixes);
	if (u)
		g_uri_unref(u);
	return ok;
}

/* End a sentence unless the text already does. */
static void
end_sentence(GString *out)
{
	static const char *const ends[] = { "。", "！", "？", ".", "!", "?" };

	for (size_t i = 0; i < G_N_ELEMENTS(ends); i++)
		if (g_str_has_suffix(out->str, ends[i]))
			return;
	g_string_append(out, "。");
}

/* Append s to out without markup: drop <...>, decode the few entities
 * feeds put in their HTML descriptions, squeeze white space, stop at cap
 * bytes on a character boundary. */
static void
append_plain(GString *out, const char *s, size_t cap)
{
	static const struct { const char *ent, *ch; } ents[] = {
		{ "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" },
		{ "&quot;", "\"" }, { "&#39;", "'" }, { "&nbsp;", " " },
	};
	size_t start = out->len;
	bool space = true;

	while (*s && out->len - start < cap) {
		if (*s == '<') {
			const char *e = strchr(s, '>');
			if (e == NULL)
				break;
			s = e + 1;
			if (!space)
				g_string_append_c(out, ' ');
			space = true;
			continue;
		}
		if (*s == '&') {
			size_t i;
			for (i = 0; i < G_N_ELEMENTS(ents); i++)
				if (strncmp(s, ents[i].ent, strlen(ents[i].ent)) == 0)
					break;
			if (i < G_N_ELEMENTS(ents)) {
				g_string_append(out, ents[i].ch);
				s += strlen(ents[i].ent);
				space = false;
				continue;
			}
		}
		if (g_ascii_isspace(*s)) {
			if (!space)
				g_string_append_c(out, ' ');
			space = true;
			s++;
			continue;
		}
		const char *next = s + g_utf8_skip[*(const guchar *)s];
		if (out->len - start + (size_t)(next - s) > cap)
			break;
		g_string_append_len(out, s, next - s);
		space = false;
		s = next;
	}
	while (out->len > start && out->str[out->len - 1] == ' ')
		g_string_truncate(out, out->len - 1);
}

/* Text of an element: its text and CDATA children only. Entity
 * references are skipped, never expanded. */
static void
node_text(xmlNode *n, GString *out)
{
	for (xmlNode *c = n->children; c; c = c->next) {
		if ((c->type == XML_TEXT_NODE ||
		    c->type == XML_CDATA_SECTION_NODE) && c->content)
			g_string_append(out, (const char *)c->content);
		else if (c->type == XML_ELEMENT_NODE)
			node_text(c, out);	/* Atom's xhtml content */
		if (out->len > NEWS_MAX_ITEM_BYTES * 4)
			return;
	}
}

static xmlNode *
child(xmlNode *n, const char *name)
{
	for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)c->name, name) == 0)
			return c;
	return NULL;
}

/* "第k条：title。text。" onto out; false, and out as it was, if the item
 * has nothing to read (so the next one is still item k). */
static bool
add_item(GString *out, int k, xmlNode *title, xmlNode *text)
{
	GString *raw = g_string_new(NULL);
	size_t before = out->len;

	g_string_append_printf(out, "第%d条：", k);
	size_t head = out->len;
	if (title) {
		node_text(title, raw);
		append_plain(out, raw->str, NEWS_MAX_ITEM_BYTES / 4);
		if (out->len > head)
			end_sentence(out);
	}
	g_string_truncate(raw, 0);
	if (text) {
		node_text(text, raw);
		size_t t = out->len;
		append_plain(out, raw->str, NEWS_MAX_ITEM_BYTES);
		if (out->len > t)
			end_sentence(out);
	}
	bool read = out->len > head;
	if (!read)
		g_string_truncate(out, before);	/* an empty item: skip */
	g_string_free(raw, TRUE);
	return read;
}

char *
news_parse_feed(const char *xml, size_t len, int items, char *err,
    size_t errlen)
{
	xmlDoc *doc;
	xmlNode *root, *list;
	GString *out;
	int k = 0;

	if (len > NEWS_MAX_FEED_BYTES) {
		snprintf(err, errlen, "feed larger than %d bytes",
		    NEWS_MAX_FEED_BYTES);
		return NULL;
	}
	if (items < 1 || items > NEWS_MAX_ITEMS)
		items = 3;
	/* NONET: the parser never fetches anything; without NOENT and
	 * DTDLOAD, entities are neither loaded nor expanded. */
	doc = xmlReadMemory(xml, (int)len, "feed.xml", NULL, XML_PARSE_NONET |
	    XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
	if (doc == NULL) {
		snprintf(err, errlen, "the feed is not well-formed XML");
		return NULL;
	}
	if (doc->intSubset != NULL) {
		snprintf(err, errlen, "feeds with a DOCTYPE are refused");
		xmlFreeDoc(doc);
		return NULL;
	}
	root = xmlDocGetRootElement(doc);
	out = g_string_new(NULL);
	if (root && strcmp((const char *)root->name, "rss") == 0 &&
	    (list = child(root, "channel")) != NULL) {
		for (xmlNode *c = list->children; c && k < items; c = c->next)
			if (c->type == XML_ELEMENT_NODE &&
			    strcmp((const char *)c->name, "item") == 0 &&
			    add_item(out, k + 1, child(c, "title"),
			    child(c, "description")))
				k++;
	} else if (root && strcmp((const char *)root->name, "feed") == 0) {
		for (xmlNode *c = root->children; c && k < items; c = c->next)
			if (c->type == XML_ELEMENT_NODE &&
			    strcmp((const char *)c->name, "entry") == 0) {
				xmlNode *t = child(c, "summary");
				if (add_item(out, k + 1, child(c, "title"),
				    t ? t : child(c, "content")))
					k++;
			}
	} else {
		snprintf(err, errlen, "neither RSS 2.0 nor Atom");
		xmlFreeDoc(doc);
		g_string_free(out, TRUE);
		return NULL;
	}
	xmlFreeDoc(doc);
	if (out->len == 0 || !g_utf8_validate(out->str, (gssize)out->len, NULL)) {
		snprintf(err, errlen, "the feed has no readable items");
		g_string_free(out, TRUE);
		return NULL;
	}
	return g_string_free(out, FALSE);
}

/* GET url, at most NEWS_MAX_FEED_BYTES. */
/* An overall deadline for a fetch: the session's timeout is per read, so
 * a feed sending a byte every few seconds would hold a fetch for ever. A
 * small thread cancels the fetch when the deadline passes (or when the
 * caller's own cancellable fires, at shutdown). */
struct deadline {
	GMutex m;
	GCond c;
	bool done;
	gint64 until;		/* monotonic µs */
	GCancellable *cancel;
};

static gpointer
deadline_main(gpointer data)
{
	struct deadline *dl = data;

	g_mutex_lock(&dl->m);
	while (!dl->done)
		if (!g_cond_wait_until(&dl->c, &dl->m, dl->until))
			break;
	if (!dl->done)
		g_cancellable_cancel(dl->cancel);
	g_mutex_unlock(&dl->m);
	return NULL;
}

static void
cancel_child(GCancellable *parent, gpointer child)
{
	(void)parent;
	g_cancellable_cancel(child);
}

static GBytes *
fetch(const char *url, int timeout_s, GCancellable *stop, char *err,
    size_t errlen)
{
	SoupSession *s = soup_session_new_with_options("timeout",
	    (guint)timeout_s, "idle-timeout", (guint)timeout_s, "user-agent",
	    "dalaba-news", NULL);
	SoupMessage *m = soup_message_new("GET", url);
	GError *gerr = NULL;
	GBytes *body = NULL;
	GInputStream *in = NULL;
	struct deadline dl = { .until = g_get_monotonic_time() +
	    (gint64)timeout_s * G_USEC_PER_SEC, .cancel = g_cancellable_new() };
	gulong hook = stop ? g_cancellable_connect(stop, G_CALLBACK(cancel_child),
	    dl.cancel, NULL) : 0;
	GThread *timer;

	if (m == NULL) {
		snprintf(err, errlen, "bad feed address");
		goto out;
	}
	g_mutex_init(&dl.m);
	g_cond_init(&dl.c);
	timer = g_thread_new("news-deadline", deadline_main, &dl);
	in = soup_session_send(s, m, dl.cancel, &gerr);
	if (in == NULL) {
		snprintf(err, errlen, "%s", g_cancellable_is_cancelled(dl.cancel) ?
		    "no answer in time" : gerr->message);
	} else if (!SOUP_STATUS_IS_SUCCESSFUL(soup_message_get_status(m))) {
		snprintf(err, errlen, "HTTP %u", soup_message_get_status(m));
	} else {
		GByteArray *buf = g_byte_array_new();
		guint8 chunk[16384];
		gssize n;
		while ((n = g_input_stream_read(in, chunk, sizeof(chunk), dl.cancel,
		    &gerr)) > 0 && buf->len <= NEWS_MAX_FEED_BYTES)
			g_byte_array_append(buf, chunk, (guint)n);
		if (n < 0)
			snprintf(err, errlen, "%s", g_cancellable_is_cancelled(
			    dl.cancel) ? "not all of it arrived in time" :
			    gerr->message);
		else if (buf->len > NEWS_MAX_FEED_BYTES)
			snprintf(err, errlen, "feed larger than %d bytes",
			    NEWS_MAX_FEED_BYTES);
		else
			body = g_byte_array_free_to_bytes(g_steal_pointer(&buf));
		if (buf)
			g_byte_array_unref(buf);
	}
	g_mutex_lock(&dl.m);
	dl.done = true;
	g_cond_signal(&dl.c);
	g_mutex_unlock(&dl.m);
	g_thread_join(timer);
	g_mutex_clear(&dl.m);
	g_cond_clear(&dl.c);
out:
	g_clear_error(&gerr);
	if (in)
		g_object_unref(in);
	if (m)
		g_object_unref(m);
	g_object_unref(s);
	if (hook)
		g_cancellable_disconnect(stop, hook);
	g_object_unref(dl.cancel);
	return body;
}

struct dropped {
	char *path;
	time_t mtime;
};

static int
newest_first(const void *a, const void *b)
{
	const struct dropped *x = a, *y = b;

	if (x->mtime != y->mtime)
		return x->mtime < y->mtime ? 1 : -1;
	return strcmp(y->path, x->path);
}

/* The newest *.txt files of a folder, valid UTF-8 only. */
static char *
folder_text(const char *dir, int items, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	GArray *files = g_array_new(FALSE, FALSE, sizeof(struct dropped));
	GString *out = g_string_new(NULL);
	struct dirent *e;
	int k = 0;

	if (d == NULL) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		goto done;
	}
	while ((e = readdir(d)) != NULL && files->len < 10000) {
		struct stat sb;
		struct dropped f;
		if (e->d_name[0] == '.' || !g_str_has_suffix(e->d_name, ".txt"))
			continue;
		f.path = g_build_filename(dir, e->d_name, NULL);
		if (stat(f.path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
			g_free(f.path);
			continue;
		}
		f.mtime = sb.st_mtime;
		g_array_append_val(files, f);
	}
	closedir(d);
	g_array_sort(files, newest_first);
	for (guint i = 0; i < files->len && k < items; i++) {
		struct dropped *f = &g_array_index(files, struct dropped, i);
		gchar *text = NULL;
		gsize len;
		if (!g_file_get_contents(f->path, &text, &len, NULL) ||
		    len > NEWS_MAX_ITEM_BYTES * 4 || !g_utf8_validate(text,
		    (gssize)len, NULL)) {
			g_free(text);
			continue;	/* unreadable or not UTF-8: skip it */
		}
		size_t before = out->len;
		g_string_append_printf(out, "第%d条：", k + 1);
		size_t head = out->len;
		append_plain(out, text, NEWS_MAX_ITEM_BYTES);
		if (out->len == head)
			g_string_truncate(out, before);
		else {
			end_sentence(out);
			k++;
		}
		g_free(text);
	}
	if (k == 0)
		snprintf(err, errlen, "%s: no readable .txt files", dir);
done:
	for (guint i = 0; i < files->len; i++)
		g_free(g_array_index(files, struct dropped, i).path);
	g_array_free(files, TRUE);
	if (k == 0) {
		g_string_free(out, TRUE);
		return NULL;
	}
	return g_string_free(out, FALSE);
}

char *
news_text(const char *feed, int items, const char *root, const char *cache_dir,
    int timeout_s, GCancellable *stop, bool *stale, char *err, size_t errlen)
{
	gchar *key = g_compute_checksum_for_string(G_CHECKSUM_SHA256, feed, -1);
	gchar *name = g_strdup_printf("news-%.16s-%d.txt", key, items);
	gchar *cache = g_build_filename(cache_dir, name, NULL);
	char *text = NULL;
	GStatBuf sb;

	*stale = false;
	/* A feed fetched a moment ago is not fetched again: a notice that
	 * re-airs after a pre-emption, or several villages' news slots at
	 * the same minute, cost one fetch. */
	if (!g_str_has_prefix(feed, "dir:") && g_stat(cache, &sb) == 0 &&
	    time(NULL) - sb.st_mtime >= 0 && time(NULL) - sb.st_mtime <
	    NEWS_FRESH_S && g_file_get_contents(cache, &text, NULL, NULL))
		goto done;
	if (g_str_has_prefix(feed, "dir:")) {
		/* Checked when it was stored, and again: the root may have
		 * changed since, or the folder become a link elsewhere. */
		gchar *dir = news_folder(feed, root);
		if (dir == NULL)
			snprintf(err, errlen, "%s is not a folder inside the news "
			    "root %s", feed + 4, root ? root : "(none)");
		else
			text = folder_text(dir, items, err, errlen);
		g_free(dir);
	} else {
		GBytes *b = fetch(feed, timeout_s, stop, err, errlen);
		if (b != NULL) {
			gsize len;
			const char *xml = g_bytes_get_data(b, &len);
			text = news_parse_feed(xml, len, items, err, errlen);
			g_bytes_unref(b);
		}
	}
	if (text != NULL) {
		g_mkdir_with_parents(cache_dir, 0755);
		g_file_set_contents(cache, text, -1, NULL);	/* atomic */
	} else if (g_file_get_contents(cache, &text, NULL, NULL)) {
		*stale = true;
	}
done:
	g_free(key);
	g_free(name);
	g_free(cache);
	return text;
}
