/*
 * page_targets.c — where a notice airs, on the pages: the write form's
 * "several places" (one notice, one log per place), drawn by the paging
 * form's chooser (zone_pick.c) folded away, and the names of a notice's
 * targets for its page, its list card and its confirm steps.
 */
#include <string.h>

#include "web-admin/web_int.h"

/* The stored notice's targets, when it has several. */
static GPtrArray *
stored_targets(JsonObject *cur)
{
	JsonArray *a = cur && json_object_has_member(cur, "zones") ?
	    json_object_get_array_member(cur, "zones") : NULL;
	GPtrArray *v = g_ptr_array_new_with_free_func(g_free);

	for (guint i = 0; a && json_array_get_length(a) > 1 &&
	    i < json_array_get_length(a); i++)
		g_ptr_array_add(v, g_strdup(json_array_get_string_element(a, i)));
	return v;
}

void
web_targets_field(struct web_ctx *c, GString *g, JsonArray *zones,
    JsonObject *cur, const char *here)
{
	guint villages = 0;

	for (guint i = 0; zones && i < json_array_get_length(zones); i++) {
		const char *code = web_jstr(json_array_get_object_element(zones, i),
		    "code");
		villages += strlen(code) == 12 && web_within(&c->who, code);
	}
	if (villages < 2)
		return;		/* a village cadre's one village: nothing to pick */
	GPtrArray *ticked = c->form ? web_zone_ticked(c, zones, WEB_TARGETS) :
	    stored_targets(cur);
	const char *q = web_field(c, "zq", web_qarg(c, "zq", ""));
	g_string_append_printf(g, "<details id=\"targets\"%s><summary>"
	    "播给好几个地方（可以多选）</summary><p class=\"small\">选了这里，"
	    "就只播给选的这些镇和村，上面的「播给哪里」不算。每处各记一条"
	    "播出记录。</p>", ticked->len || *q ? " open" : "");
	web_zone_pick(c, g, zones, WEB_TARGETS, here, ticked);
	g_string_append(g, "</details>");
	g_ptr_array_unref(ticked);
}

/* Where the notice airs: its zone's name, or its villages' names. */
const char *
web_targets_text(struct web_ctx *c, JsonArray *zones, JsonObject *n)
{
	JsonArray *a = json_object_has_member(n, "zones") ?
	    json_object_get_array_member(n, "zones") : NULL;

	if (a == NULL || json_array_get_length(a) < 2)
		return html_zone_name(c, zones, web_jstr(n, "zone"));
	GString *t = g_string_new("播给 ");
	for (guint i = 0; i < json_array_get_length(a); i++)
		g_string_append_printf(t, "%s%s", i ? "、" : "", html_zone_name(c,
		    zones, json_array_get_string_element(a, i)));
	gchar *s = g_string_free(t, FALSE);
	g_ptr_array_add(c->keep, s);
	return s;
}
