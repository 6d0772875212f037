/*
 * typed.c — what a Chinese keyboard types into a form's time, date,
 * number and list fields ("０７：３０，１８：００", "7：30、18：00") made the
 * ASCII the API reads ("07:30,18:00"). Only those fields: a notice's text
 * keeps its full-width punctuation, which is how it is read aloud.
 */
#include <string.h>

#include <glib.h>

#include "web-admin/web_int.h"

/* The fields of the pages' forms that hold times, dates, numbers, codes,
 * lists of them, and pinyin (letters and tone digits). */
static const char *const typed_fields[] = {
	"times", "at", "from", "to", "wd", "repeat", "volume", "expires",
	"id", "code", "quiet_start", "quiet_end", "feed_items", "rate",
	"every_weeks", "pinyin", NULL,
};

char *
web_fold_typed(const char *s, bool list)
{
	GString *g = g_string_sized_new(strlen(s));

	for (const char *p = s; *p; p += g_utf8_skip[*(const guchar *)p]) {
		gunichar u = g_utf8_get_char(p);
		if (u >= 0xFF01 && u <= 0xFF5E)		/* full-width ASCII */
			g_string_append_c(g, (char)(u - 0xFEE0));
		else if (u == 0x3000)			/* ideographic space */
			g_string_append_c(g, ' ');
		else if (u == 0x3001 || u == 0xFF64)	/* 、 */
			g_string_append_c(g, ',');
		else if (u == 0x2010 || u == 0x2012 || u == 0x2013 ||
		    u == 0x2014 || u == 0x2212)		/* dashes, minus */
			g_string_append_c(g, '-');
		else
			g_string_append_unichar(g, u);
	}
	/* A list is separated by commas, however it was typed: "12:00，
	 * 18:30", "12:00 18:30", "12:00；18:30". */
	if (list) {
		GString *l = g_string_sized_new(g->len);
		bool sep = false;
		for (size_t i = 0; i < g->len; i++) {
			char ch = g->str[i];
			if (ch == ',' || ch == ' ' || ch == ';' || ch == '\t') {
				sep = l->len > 0;
				continue;
			}
			if (sep)
				g_string_append_c(l, ',');
			sep = false;
			g_string_append_c(l, ch);
		}
		g_string_free(g, TRUE);
		g = l;
	}
	/* Spaces around a value are never meant. */
	g_strstrip(g->str);
	g->len = strlen(g->str);
	return g_string_free(g, FALSE);
}

void
web_form_fold(GHashTable *form)
{
	for (size_t i = 0; form && typed_fields[i]; i++) {
		const char *v = g_hash_table_lookup(form, typed_fields[i]);
		if (v == NULL)
			continue;
		bool list = strcmp(typed_fields[i], "times") == 0 ||
		    strcmp(typed_fields[i], "wd") == 0;
		/* As typed, for a refused form to show again ("=" is in no
		 * field's name). */
		g_hash_table_insert(form, g_strconcat("=", typed_fields[i], NULL),
		    g_strdup(v));
		g_hash_table_insert(form, g_strdup(typed_fields[i]),
		    web_fold_typed(v, list));
	}
}
