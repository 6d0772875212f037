/*
 * news.c — see news.h.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <glib.h>
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
		return feed[4] == '/';
	if (!g_str_has_prefix(feed, "http://") &&
	    !g_str_has_prefix(feed, "https://"))
		return false;
	GUri *u = g_uri_parse(feed, G_URI_FLAGS_NONE, NULL);
	bool ok = u && g_uri_get_host(u) && g_uri_get_host(u)[0];
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

static void
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
	if (out->len == head)
		g_string_truncate(out, before);	/* an empty item: skip */
	g_string_free(raw, TRUE);
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
			    strcmp((const char *)c->name, "item") == 0)
				add_item(out, ++k, child(c, "title"),
				    child(c, "description"));
	} else if (root && strcmp((const char *)root->name, "feed") == 0) {
		for (xmlNode *c = root->children; c && k < items; c = c->next)
			if (c->type == XML_ELEMENT_NODE &&
			    strcmp((const char *)c->name, "entry") == 0) {
				xmlNode *t = child(c, "summary");
				add_item(out, ++k, child(c, "title"),
				    t ? t : child(c, "content"));
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
static GBytes *
fetch(const char *url, int timeout_s, char *err, size_t errlen)
{
	SoupSession *s = soup_session_new_with_options("timeout",
	    (guint)timeout_s, "idle-timeout", (guint)timeout_s, "user-agent",
	    "dalaba-news", NULL);
	SoupMessage *m = soup_message_new("GET", url);
	GError *gerr = NULL;
	GBytes *body = NULL;
	GInputStream *in;

	if (m == NULL) {
		snprintf(err, errlen, "bad feed address");
		g_object_unref(s);
		return NULL;
	}
	in = soup_session_send(s, m, NULL, &gerr);
	if (in == NULL) {
		snprintf(err, errlen, "%s", gerr->message);
	} else if (!SOUP_STATUS_IS_SUCCESSFUL(soup_message_get_status(m))) {
		snprintf(err, errlen, "HTTP %u", soup_message_get_status(m));
	} else {
		GByteArray *buf = g_byte_array_new();
		guint8 chunk[16384];
		gssize n;
		while ((n = g_input_stream_read(in, chunk, sizeof(chunk), NULL,
		    &gerr)) > 0 && buf->len <= NEWS_MAX_FEED_BYTES)
			g_byte_array_append(buf, chunk, (guint)n);
		if (n < 0)
			snprintf(err, errlen, "%s", gerr->message);
		else if (buf->len > NEWS_MAX_FEED_BYTES)
			snprintf(err, errlen, "feed larger than %d bytes",
			    NEWS_MAX_FEED_BYTES);
		else
			body = g_byte_array_free_to_bytes(g_steal_pointer(&buf));
		if (buf)
			g_byte_array_unref(buf);
	}
	g_clear_error(&gerr);
	if (in)
		g_object_unref(in);
	g_object_unref(m);
	g_object_unref(s);
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
news_text(const char *feed, int items, const char *cache_dir, int timeout_s,
    bool *stale, char *err, size_t errlen)
{
	gchar *key = g_compute_checksum_for_string(G_CHECKSUM_SHA256, feed, -1);
	gchar *name = g_strdup_printf("news-%.16s-%d.txt", key, items);
	gchar *cache = g_build_filename(cache_dir, name, NULL);
	char *text = NULL;

	*stale = false;
	if (g_str_has_prefix(feed, "dir:")) {
		text = folder_text(feed + 4, items, err, errlen);
	} else {
		GBytes *b = fetch(feed, timeout_s, err, errlen);
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
	g_free(key);
	g_free(name);
	g_free(cache);
	return text;
}
