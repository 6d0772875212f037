/*
 * plates.c — the QR plates a village cadre prints for the households'
 * doors (issue 19, listening again): an A4 sheet of eight, each with the
 * village's name, a line in large Chinese type, the QR code of the
 * village's public page (page_public.c) and its address written out.
 * GET /zones/CODE/plates.png and .pdf, for a user whose zone holds the
 * village; both are drawn by the same code (cairo, text by pango), one
 * onto an image at 150 dpi, the other into a PDF. And the podcast feed's
 * cover (public_feed.c), drawn the same way.
 */
#include <stdio.h>
#include <string.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <qrencode.h>

#include "web-admin/api_int.h"
#include "web-admin/public.h"
#include "web-admin/web_int.h"

#define A4_W 595.28		/* points */
#define A4_H 841.89
#define PNG_DPI 150.0
#define COLS 2
#define ROWS 4
#define FONT "Noto Sans CJK SC, WenQuanYi Micro Hei, sans"

/* text centred in [x, x + w] from y down, at size pt; its height. */
static double
text(cairo_t *cr, const char *s, double x, double y, double w, double pt,
    bool bold)
{
	PangoLayout *l = pango_cairo_create_layout(cr);
	PangoFontDescription *fd = pango_font_description_from_string(FONT);
	int tw, th;

	pango_font_description_set_absolute_size(fd, pt * PANGO_SCALE);
	pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD :
	    PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(l, fd);
	pango_layout_set_width(l, (int)(w * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_CHAR);
	pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
	pango_layout_set_text(l, s, -1);
	pango_layout_get_size(l, &tw, &th);
	cairo_move_to(cr, x, y);
	pango_cairo_show_layout(cr, l);
	pango_font_description_free(fd);
	g_object_unref(l);
	return (double)th / PANGO_SCALE;
}

/* The QR code of url, size points square at (x, y), 4 modules of quiet
 * zone inside it. */
static void
qr(cairo_t *cr, const QRcode *q, double x, double y, double size)
{
	double m = size / (q->width + 8);

	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_rectangle(cr, x, y, size, size);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	for (int r = 0; r < q->width; r++)
		for (int c = 0; c < q->width; c++)
			if (q->data[r * q->width + c] & 1)
				cairo_rectangle(cr, x + (c + 4) * m, y + (r + 4) * m, m, m);
	cairo_fill(cr);
}

static void
plate(cairo_t *cr, const QRcode *q, const char *name, const char *url,
    double x, double y, double w, double h)
{
	double pad = 12, r = 12;

	/* A red frame with round corners, cut along the grey line. */
	cairo_set_source_rgb(cr, 0.7, 0.7, 0.7);
	cairo_set_line_width(cr, 0.5);
	cairo_rectangle(cr, x, y, w, h);
	cairo_stroke(cr);
	cairo_new_sub_path(cr);
	cairo_arc(cr, x + w - 6 - r, y + 6 + r, r, -G_PI / 2, 0);
	cairo_arc(cr, x + w - 6 - r, y + h - 6 - r, r, 0, G_PI / 2);
	cairo_arc(cr, x + 6 + r, y + h - 6 - r, r, G_PI / 2, G_PI);
	cairo_arc(cr, x + 6 + r, y + 6 + r, r, G_PI, 3 * G_PI / 2);
	cairo_close_path(cr);
	cairo_set_source_rgb(cr, 0.70, 0.15, 0.12);
	cairo_set_line_width(cr, 3);
	cairo_stroke(cr);

	gchar *title = g_strdup_printf("%s大喇叭", name);
	cairo_set_source_rgb(cr, 0.70, 0.15, 0.12);
	double ty = y + pad + text(cr, title, x + pad, y + pad, w - 2 * pad, 22,
	    true);
	g_free(title);
	double qs = h - (ty - y) - pad - 22;	/* room left, less the address */
	if (qs > w * 0.45)
		qs = w * 0.45;
	qr(cr, q, x + pad, ty + 2, qs);
	double tx = x + pad + qs + 4, tw = x + w - pad - tx;
	cairo_set_source_rgb(cr, 0, 0, 0);
	double yy = ty + 6;
	yy += text(cr, "扫一扫", tx, yy, tw, 24, true) + 2;
	yy += text(cr, "听村里的大喇叭", tx, yy, tw, 15, true) + 8;
	cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
	text(cr, "错过了广播？用微信扫码再听一遍", tx, yy, tw, 11, false);
	cairo_set_source_rgb(cr, 0, 0, 0);
	text(cr, url, x + pad, y + h - pad - 14, w - 2 * pad, 9, false);
}

/* The sheet, in points, on cr. */
static void
sheet(cairo_t *cr, const char *name, const char *url)
{
	QRcode *q = QRcode_encodeString8bit(url, 0, QR_ECLEVEL_M);
	double mx = 24, my = 28;
	double w = (A4_W - 2 * mx) / COLS, h = (A4_H - 2 * my) / ROWS;

	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	if (q == NULL)
		return;
	for (int r = 0; r < ROWS; r++)
		for (int c = 0; c < COLS; c++)
			plate(cr, q, name, url, mx + c * w, my + r * h, w, h);
	QRcode_free(q);
}

static cairo_status_t
to_bytes(void *closure, const unsigned char *data, unsigned int len)
{
	g_byte_array_append(closure, data, len);
	return CAIRO_STATUS_SUCCESS;
}

/* The sheet as PNG or PDF bytes; NULL if cairo failed. */
static GByteArray *
draw(const char *name, const char *url, bool pdf)
{
	GByteArray *out = g_byte_array_new();
	cairo_surface_t *s;
	cairo_status_t st;

	if (pdf) {
		s = cairo_pdf_surface_create_for_stream(to_bytes, out, A4_W, A4_H);
	} else {
		s = cairo_image_surface_create(CAIRO_FORMAT_RGB24,
		    (int)(A4_W * PNG_DPI / 72), (int)(A4_H * PNG_DPI / 72));
	}
	cairo_t *cr = cairo_create(s);
	if (!pdf)
		cairo_scale(cr, PNG_DPI / 72, PNG_DPI / 72);
	sheet(cr, name, url);
	st = cairo_status(cr);
	cairo_destroy(cr);
	if (!pdf && st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_write_to_png_stream(s, to_bytes, out);
	cairo_surface_finish(s);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(s);
	cairo_surface_destroy(s);
	if (st != CAIRO_STATUS_SUCCESS) {
		g_byte_array_unref(out);
		return NULL;
	}
	return out;
}

/* ---- the podcast's cover ---- */

#define COVER_PX 1400		/* what podcast directories ask for */

/* The feed's itunes:image: the village's name on the red of the pages,
 * ours, drawn as the plates are. PNG bytes, or NULL. */
static GByteArray *
cover_png(const char *name)
{
	GByteArray *out = g_byte_array_new();
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24,
	    COVER_PX, COVER_PX);
	cairo_t *cr = cairo_create(s);
	double u = COVER_PX / 100.0;

	cairo_set_source_rgb(cr, 0.70, 0.15, 0.12);
	cairo_paint(cr);
	/* A loudspeaker's horn: a trapezoid on a small box, and two waves. */
	cairo_set_source_rgb(cr, 1, 0.96, 0.85);
	cairo_rectangle(cr, 30 * u, 22 * u, 8 * u, 12 * u);
	cairo_fill(cr);
	cairo_move_to(cr, 38 * u, 22 * u);
	cairo_line_to(cr, 56 * u, 12 * u);
	cairo_line_to(cr, 56 * u, 44 * u);
	cairo_line_to(cr, 38 * u, 34 * u);
	cairo_close_path(cr);
	cairo_fill(cr);
	cairo_set_line_width(cr, 3 * u);
	for (int i = 1; i <= 2; i++) {
		cairo_arc(cr, 56 * u, 28 * u, (6 + 7 * i) * u, -G_PI / 4, G_PI / 4);
		cairo_stroke(cr);
	}
	cairo_set_source_rgb(cr, 1, 1, 1);
	text(cr, name, 5 * u, 52 * u, 90 * u, 15 * u, true);
	text(cr, "大喇叭", 5 * u, 74 * u, 90 * u, 12 * u, true);
	cairo_status_t st = cairo_status(cr);
	cairo_destroy(cr);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_write_to_png_stream(s, to_bytes, out);
	cairo_surface_destroy(s);
	if (st != CAIRO_STATUS_SUCCESS) {
		g_byte_array_unref(out);
		return NULL;
	}
	return out;
}

/* ---- off the loop ---- */

/* A sheet takes 80 ms and a cover about as long: drawn on GIO's worker
 * threads (pango and cairo keep their state per thread), two at most. */
#define DRAWING_MAX 2
static int drawing;

struct drawing {
	enum pub_drawing what;
	gchar *name, *url;
	pub_drawn_fn done;
	void *arg;
};

static void
drawing_free(gpointer data)
{
	struct drawing *d = data;

	g_free(d->name);
	g_free(d->url);
	g_free(d);
}

static void
draw_thread(GTask *task, gpointer src, gpointer data, GCancellable *cancel)
{
	struct drawing *d = data;
	GByteArray *b = d->what == PUB_COVER ? cover_png(d->name) :
	    draw(d->name, d->url, d->what == PUB_PLATES_PDF);

	(void)src;
	(void)cancel;
	g_task_return_pointer(task, b, (GDestroyNotify)g_byte_array_unref);
}

static void
drawn(GObject *src, GAsyncResult *res, gpointer data)
{
	struct drawing *d = g_task_get_task_data(G_TASK(res));
	GByteArray *b = g_task_propagate_pointer(G_TASK(res), NULL);

	(void)src;
	(void)data;
	drawing--;
	d->done(b, d->arg);
	if (b)
		g_byte_array_unref(b);
}

bool
pub_draw(enum pub_drawing what, const char *name, const char *url,
    pub_drawn_fn done, void *arg)
{
	if (drawing >= DRAWING_MAX)
		return false;
	struct drawing *d = g_new0(struct drawing, 1);
	d->what = what;
	d->name = g_strdup(name);
	d->url = g_strdup(url ? url : "");
	d->done = done;
	d->arg = arg;
	GTask *t = g_task_new(NULL, NULL, drawn, NULL);
	g_task_set_task_data(t, d, drawing_free);
	drawing++;
	g_task_run_in_thread(t, draw_thread);
	g_object_unref(t);
	return true;
}

/* ---- the plates' page ---- */

struct plates_req {
	SoupServerMessage *msg;
	bool pdf;
	char code[13];
};

static void
plates_drawn(GByteArray *b, void *arg)
{
	struct plates_req *p = arg;

	if (b == NULL) {
		pub_error(p->msg, 500, "门牌没能画出来，请再试一次。");
	} else {
		SoupMessageHeaders *h = soup_server_message_get_response_headers(
		    p->msg);
		gchar *cd = g_strdup_printf("inline; filename=\"plates-%s.%s\"",
		    p->code, p->pdf ? "pdf" : "png");
		soup_message_headers_replace(h, "Content-Disposition", cd);
		g_free(cd);
		soup_server_message_set_status(p->msg, 200, NULL);
		soup_server_message_set_response(p->msg, p->pdf ?
		    "application/pdf" : "image/png", SOUP_MEMORY_COPY,
		    (const char *)b->data, b->len);
	}
	soup_server_message_unpause(p->msg);
	g_object_unref(p->msg);
	g_free(p);
}

/* GET /zones/CODE/plates.png or .pdf. */
void
page_plates(struct web_ctx *c)
{
	const char *code = c->parts[1];
	bool pdf = strcmp(c->parts[2], "plates.pdf") == 0;
	gchar *name = NULL;

	if (web_within(&c->who, code))
		name = pub_village_name(c->wa, code);
	if (name == NULL) {
		html_error_page(c, 404, "没有这个村，或者不在您管的地区。");
		return;
	}
	gchar *base = pub_base(c->wa, c->msg);
	gchar *url = g_strdup_printf("%s/v/%s", base, code);
	struct plates_req *p = g_new0(struct plates_req, 1);
	p->msg = g_object_ref(c->msg);
	p->pdf = pdf;
	snprintf(p->code, sizeof(p->code), "%s", code);
	if (pub_draw(pdf ? PUB_PLATES_PDF : PUB_PLATES_PNG, name, url,
	    plates_drawn, p)) {
		soup_server_message_pause(c->msg);
	} else {
		g_object_unref(p->msg);
		g_free(p);
		api_retry_after(c->msg, 2);
		html_error_page(c, 503, "正在画别的门牌，请过几秒再试。");
	}
	g_free(url);
	g_free(base);
	g_free(name);
}
