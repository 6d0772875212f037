/*
 * page_targets.c — where a notice airs, on the pages: the write form's
 * "several villages" checkboxes (one notice, one log per village) and the
 * names of a notice's targets for its page and its confirm steps.
 */
#include <string.h>

#include "web-admin/web_int.h"

/* Is code one of the stored notice's targets (its "zones", when it has
 * several)? */
static bool
stored_target(JsonObject *cur, const char *code)
{
	JsonArray *a = cur && json_object_has_member(cur, "zones") ?
	    json_object_get_array_member(cur, "zones") : NULL;

	for (guint i = 0; a && json_array_get_length(a) > 1 &&
	    i < json_array_get_length(a); i++)
		if (g_strcmp0(json_array_get_string_element(a, i), code) == 0)
			return true;
	return false;
}

/* Several villages at once: each village of the user's area a checkbox
 * t_CODE (one field per zone: the form decoder keeps one value a name),
 * under its township. Only for an area of more than one village. */
void
web_targets_field(struct web_ctx *c, GString *g, JsonArray *zones, JsonObject *cur)
{
	GString *b = g_string_new(NULL);
	guint villages = 0;
	bool open = false;
	const char *town = NULL;

	for (guint i = 0; zones && i < json_array_get_length(zones); i++) {
		JsonObject *z = json_array_get_object_element(zones, i);
		const char *code = web_jstr(z, "code");
		if (!web_within(&c->who, code))
			continue;
		if (strlen(code) == 9) {
			g_string_append_printf(b, "%s<fieldset><legend>%s</legend>"
			    "<div class=\"inline\">", town ? "</div></fieldset>" : "",
			    web_esc(c, web_jstr(z, "name")));
			town = code;
			continue;
		}
		if (strlen(code) != 12)
			continue;
		gchar *k = g_strdup_printf("t_%s", code);
		bool on = c->form ? web_field(c, k, NULL) != NULL :
		    stored_target(cur, code);
		open |= on;
		villages++;
		g_string_append_printf(b, "<label><input type=\"checkbox\" "
		    "name=\"%s\" value=\"1\"%s> %s</label>", k, on ? " checked" : "",
		    web_esc(c, web_jstr(z, "name")));
		g_free(k);
	}
	if (villages > 1)
		g_string_append_printf(g, "<details id=\"targets\"%s><summary>"
		    "播给好几个村（可以多选）</summary><p class=\"small\">勾了村，"
		    "就只播给勾的这些村，上面的「播给哪里」不算。每个村各记一条"
		    "播出记录。</p>%s%s</details>", open ? " open" : "", b->str,
		    town ? "</div></fieldset>" : "");
	g_string_free(b, TRUE);
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
