/*
 * qr.c — a QR code (libqrencode) drawn as inline SVG, so the enrolment
 * command can be read off the screen by the phone of whoever installs the
 * box, with no image file and nothing fetched.
 */
#include <qrencode.h>

#include "web-admin/web_int.h"

void
html_qr_svg(GString *g, const char *text)
{
	QRcode *q = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);

	if (q == NULL)
		return;
	int n = q->width, m = n + 8;	/* 4 modules of quiet zone each side */
	g_string_append_printf(g, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "viewBox=\"0 0 %d %d\" shape-rendering=\"crispEdges\" role=\"img\" "
	    "aria-label=\"二维码：接入喇叭的命令\"><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
	    "<path fill=\"#000\" d=\"", m, m, m, m);
	for (int y = 0; y < n; y++)
		for (int x = 0; x < n; x++)
			if (q->data[y * n + x] & 1)
				g_string_append_printf(g, "M%d %dh1v1h-1z", x + 4, y + 4);
	g_string_append(g, "\"/></svg>");
	QRcode_free(q);
}
