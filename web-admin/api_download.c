/*
 * api_download.c — audio files sent to people (previews, what a notice
 * sounds like, what a broadcast aired), in chunks.
 *
 * libsoup answers Range requests only for a body held whole in memory,
 * and builds a multi-range answer in memory too: six downloads of a long
 * aired WAV took 1.7 GB and read each file whole on the main loop, and one
 * request naming the same range a thousand times asked for a thousand
 * copies. Here a file is read CHUNK bytes at a time, by GIO's threads (an
 * asynchronous read: never on the loop), and each chunk is read only once
 * the one before it has been written to the client: memory per download is
 * one chunk, however slow the client, and each is paced to BYTES_PER_S.
 * One range is answered (206); a request for several gets the whole file
 * (200), which RFC 9110 allows.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>

#include "web-admin/api_int.h"

#define CHUNK (64 * 1024)
/* Each download is paced to this: a phone on 4G takes far less, a 30-
 * minute WAV still leaves in under a minute, and eight at once over a LAN
 * cannot take the machine's CPU from the synthesis of a page. */
#define BYTES_PER_S (4 * 1024 * 1024)

struct download {
	SoupServerMessage *msg;
	GInputStream *in;
	GCancellable *cancel;
	goffset left;		/* bytes still to read and send */
	goffset sent;		/* bytes appended so far */
	int64_t started;	/* monotonic us of the first read */
	guint pace;		/* a timer waiting for the pace */
	bool reading;		/* a read is in flight */
	bool over;		/* the message finished (or the client went) */
};

static void read_next(struct download *dl);

static void
download_free(struct download *dl)
{
	if (dl->pace)
		g_source_remove(dl->pace);
	g_object_unref(dl->cancel);
	if (dl->in)
		g_object_unref(dl->in);
	g_object_unref(dl->msg);
	g_free(dl);
}

static void
chunk_read(GObject *src, GAsyncResult *res, gpointer data)
{
	struct download *dl = data;
	GBytes *b = g_input_stream_read_bytes_finish(G_INPUT_STREAM(src), res,
	    NULL);

	dl->reading = false;
	if (dl->over) {
		if (b)
			g_bytes_unref(b);
		download_free(dl);
		return;
	}
	SoupMessageBody *body = soup_server_message_get_response_body(dl->msg);
	gsize n = b ? g_bytes_get_size(b) : 0;
	if (n == 0) {
		/* The file shrank under us, or cannot be read: the answer
		 * ends short of its Content-Length, and its connection with
		 * it (every answer here is the last on its connection). */
		if (b)
			g_bytes_unref(b);
		dl->left = 0;
		soup_message_body_complete(body);
		soup_server_message_unpause(dl->msg);
		return;
	}
	if ((goffset)n > dl->left)
		n = (gsize)dl->left;
	GBytes *part = g_bytes_new_from_bytes(b, 0, n);
	g_bytes_unref(b);
	soup_message_body_append_bytes(body, part);
	g_bytes_unref(part);
	dl->left -= (goffset)n;
	dl->sent += (goffset)n;
	if (dl->left == 0)
		soup_message_body_complete(body);
	soup_server_message_unpause(dl->msg);
}

static gboolean
paced(gpointer data)
{
	struct download *dl = data;

	dl->pace = 0;
	read_next(dl);
	return G_SOURCE_REMOVE;
}

static void
read_next(struct download *dl)
{
	if (dl->reading || dl->pace || dl->over || dl->left == 0)
		return;
	/* Ahead of the pace: the next chunk after a pause. */
	int64_t now = g_get_monotonic_time();
	int64_t due = dl->started + dl->sent * G_USEC_PER_SEC / BYTES_PER_S;
	if (dl->started == 0) {
		dl->started = now;
	} else if (due > now + 1000) {
		soup_server_message_pause(dl->msg);
		dl->pace = g_timeout_add((guint)((due - now) / 1000), paced, dl);
		return;
	}
	dl->reading = true;
	soup_server_message_pause(dl->msg);
	g_input_stream_read_bytes_async(dl->in, dl->left < CHUNK ?
	    (gsize)dl->left : CHUNK, G_PRIORITY_DEFAULT, dl->cancel, chunk_read,
	    dl);
}

/* The chunk sent has been written: read the next. */
static void
wrote_chunk(SoupServerMessage *msg, gpointer data)
{
	(void)msg;
	read_next(data);
}

static void
finished(SoupServerMessage *msg, gpointer data)
{
	struct download *dl = data;

	g_signal_handlers_disconnect_by_data(msg, dl);
	dl->over = true;
	if (dl->pace) {
		g_source_remove(dl->pace);
		dl->pace = 0;
	}
	if (dl->reading)
		g_cancellable_cancel(dl->cancel);	/* chunk_read frees */
	else
		download_free(dl);
}

/*
 * A Range header's one range within size: 1 with [*from, *to] set, 0 no
 * usable single range (none, several, or not bytes: send it all), -1 not
 * satisfiable (416).
 */
static int
one_range(const char *h, goffset size, goffset *from, goffset *to)
{
	char *end;

	if (h == NULL || strncmp(h, "bytes=", 6) != 0 || strchr(h, ',') != NULL)
		return 0;
	h += 6;
	while (*h == ' ')
		h++;
	errno = 0;
	if (*h == '-') {	/* the last N bytes */
		long long n = strtoll(h + 1, &end, 10);
		if (end == h + 1 || *end != '\0' || errno || n <= 0)
			return n == 0 && end != h + 1 && *end == '\0' ? -1 : 0;
		if (size == 0)
			return -1;
		*from = n >= size ? 0 : size - n;
		*to = size - 1;
		return 1;
	}
	if (*h < '0' || *h > '9')
		return 0;
	long long a = strtoll(h, &end, 10);
	if (*end != '-' || errno)
		return 0;
	long long b = -1;
	if (end[1] != '\0') {
		char *e2;
		b = strtoll(end + 1, &e2, 10);
		if (*e2 != '\0' || errno || b < a)
			return 0;
	}
	if (a >= size)
		return -1;
	*from = a;
	*to = b < 0 || b >= size ? size - 1 : b;
	return 1;
}

void
api_send_file(SoupServerMessage *msg, const char *path, const char *type)
{
	GFile *f = g_file_new_for_path(path);
	GFileInputStream *in = g_file_read(f, NULL, NULL);
	GFileInfo *info = in ? g_file_input_stream_query_info(in,
	    G_FILE_ATTRIBUTE_STANDARD_SIZE, NULL, NULL) : NULL;
	SoupMessageHeaders *rq = soup_server_message_get_request_headers(msg);
	SoupMessageHeaders *h = soup_server_message_get_response_headers(msg);
	goffset size, from = 0, to;
	char cr[96];

	g_object_unref(f);
	if (info == NULL) {
		if (in)
			g_object_unref(in);
		soup_server_message_set_status(msg, 410, NULL);
		soup_server_message_unpause(msg);
		return;
	}
	size = g_file_info_get_size(info);
	g_object_unref(info);
	to = size - 1;
	int ranged = one_range(soup_message_headers_get_one(rq, "Range"), size,
	    &from, &to);
	soup_message_headers_replace(h, "Accept-Ranges", "bytes");
	if (ranged < 0) {
		g_object_unref(in);
		snprintf(cr, sizeof(cr), "bytes */%lld", (long long)size);
		soup_message_headers_replace(h, "Content-Range", cr);
		soup_server_message_set_status(msg, 416, NULL);
		soup_server_message_unpause(msg);
		return;
	}
	if (from > 0 && !g_seekable_seek(G_SEEKABLE(in), from, G_SEEK_SET, NULL,
	    NULL)) {
		g_object_unref(in);
		soup_server_message_set_status(msg, 500, NULL);
		soup_server_message_unpause(msg);
		return;
	}
	soup_server_message_set_status(msg, ranged ? 206 : 200, NULL);
	soup_message_headers_replace(h, "Cache-Control", "private, max-age=3600");
	soup_message_headers_set_content_type(h, type, NULL);
	soup_message_headers_set_content_length(h, size == 0 ? 0 : to - from + 1);
	if (ranged) {
		snprintf(cr, sizeof(cr), "bytes %lld-%lld/%lld", (long long)from,
		    (long long)to, (long long)size);
		soup_message_headers_replace(h, "Content-Range", cr);
	}
	SoupMessageBody *body = soup_server_message_get_response_body(msg);
	soup_message_body_set_accumulate(body, FALSE);
	if (size == 0) {
		g_object_unref(in);
		soup_message_body_complete(body);
		soup_server_message_unpause(msg);
		return;
	}
	struct download *dl = g_new0(struct download, 1);
	dl->msg = g_object_ref(msg);
	dl->in = G_INPUT_STREAM(in);
	dl->cancel = g_cancellable_new();
	dl->left = to - from + 1;
	g_signal_connect(msg, "wrote-chunk", G_CALLBACK(wrote_chunk), dl);
	g_signal_connect(msg, "finished", G_CALLBACK(finished), dl);
	/* A client gone (or dalabad stopping) may end it without "finished". */
	g_signal_connect(msg, "disconnected", G_CALLBACK(finished), dl);
	read_next(dl);
}
