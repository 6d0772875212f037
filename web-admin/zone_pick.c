/*
 * zone_pick.c — choosing where something airs among a county's hundreds
 * of villages: the whole county, whole townships, or villages folded
 * beneath their township, with a search by name that works without
 * script (the form posts back to its own page with the words typed) and
 * narrows as one types with it (/static/page.js). Any form may use it:
 * the emergency page's today, one notice to several villages later.
 */
#include <stdio.h>
#include <string.h>

#include "web-admin/web_int.h"

/* A field from the posted form, else the query (a GET /pages/new?zq=...
 * is a search typed into the address or a bookmark). */
static const char *
form_or_query(struct web_ctx *c, const char *name)
{
	const char *v = web_field(c, name, NULL);

	return v ? v : web_qarg(c, name, NULL);
}

/* Is code inside one of the ticked codes (the same, or a prefix)? */
static bool
covered(GPtrArray *ticked, const char *code)
{
	for (guint i = 0; ticked && i < ticked->len; i++)
		if (g_str_has_prefix(code, g_ptr_array_index(ticked, i)))
			return true;
	return false;
}

GPtrArray *
web_zone_ticked(struct web_ctx *c, JsonArray *zones, const char *field)
{
	GPtrArray *v = g_ptr_array_new_with_free_func(g_free);
	const char *raw = form_or_query(c, field);
	gchar **want = g_strsplit(raw ? raw : "", ",", 0);

	/* In the zones' order (by code), so a township comes before its
	 * villages and drops them: ticking 甲镇 and 甲镇一村 is 甲镇. */
	for (guint i = 0; zones && i < json_array_get_length(zones); i++) {
		const char *code = web_jstr(json_array_get_object_element(zones, i),
		    "code");
		if (code == NULL || !g_strv_contains((const gchar *const *)want,
		    code) || !web_within(&c->who, code) || covered(v, code))
			continue;
		g_ptr_array_add(v, g_strdup(code));
	}
	g_strfreev(want);
	return v;
}

/* Does a zone answer the search? Its name holds the words, or its code
 * starts with the digits. */
static bool
matches(JsonObject *z, const char *q)
{
	return *q == '\0' || strstr(web_jstr(z, "name") ? web_jstr(z, "name") : "",
	    q) != NULL || g_str_has_prefix(web_jstr(z, "code"), q);
}

static bool
is_ticked(GPtrArray *ticked, const char *code)
{
	for (guint i = 0; ticked && i < ticked->len; i++)
		if (strcmp(g_ptr_array_index(ticked, i), code) == 0)
			return true;
	return false;
}

/* One checkbox. A zone inside a ticked larger one shows ticked and
 * greyed: it is chosen by that one, and sends nothing itself. */
static void
box(struct web_ctx *c, GString *g, const char *field, const char *code,
    const char *cls, const char *label_esc, GPtrArray *ticked)
{
	bool own = is_ticked(ticked, code);
	bool in = !own && covered(ticked, code);

	g_string_append_printf(g, "<label class=\"%s\" data-code=\"%s\"><input "
	    "type=\"checkbox\" name=\"%s\" value=\"%s\"%s%s><span>%s</span>"
	    "</label>", cls, web_esc(c, code), web_esc(c, field), web_esc(c, code),
	    own || in ? " checked" : "", in ? " disabled" : "", label_esc);
}

/* The villages (12 digits) under township code t, counted. */
static guint
villages_of(JsonArray *zones, const char *t)
{
	guint n = 0;

	for (guint i = 0; i < json_array_get_length(zones); i++) {
		const char *code = web_jstr(json_array_get_object_element(zones, i),
		    "code");
		n += strlen(code) == 12 && strncmp(code, t, 9) == 0;
	}
	return n;
}

void
web_zone_pick(struct web_ctx *c, GString *g, JsonArray *zones,
    const char *field, const char *here, GPtrArray *ticked)
{
	const char *q0 = form_or_query(c, "zq");
	gchar *q = g_strstrip(g_strdup(q0 && !form_or_query(c, "zall") ? q0 :
	    ""));
	guint n = zones ? json_array_get_length(zones) : 0, shown = 0;
	GPtrArray *drawn = g_ptr_array_new();	/* codes with a box */

	g_string_append_printf(g, "<fieldset class=\"zpick\" id=\"zpick\" "
	    "data-field=\"%s\"><legend>播到哪里</legend><p class=\"zsum\" "
	    "id=\"zsum\">已选 <strong id=\"zn\">%u</strong> 处</p>"
	    "<div class=\"zfind\"><input type=\"search\" id=\"zq\" name=\"zq\" "
	    "maxlength=\"40\" placeholder=\"输入镇名或村名查找\" aria-label=\""
	    "查找镇、村\" value=\"%s\"><button type=\"submit\" class=\"plain\" "
	    "id=\"zfind\" formaction=\"%s\" formnovalidate>查找</button></div>",
	    web_esc(c, field), ticked->len, web_esc(c, q), web_esc(c, here));
	if (*q)
		g_string_append_printf(g, "<p class=\"small\">只显示名字里有“%s”"
		    "的镇和村。<button type=\"submit\" class=\"plain\" name=\"zall\" "
		    "value=\"1\" formaction=\"%s\" formnovalidate>显示全部</button></p>",
		    web_esc(c, q), web_esc(c, here));
	/* The county first: one tap for every loudspeaker. */
	for (guint i = 0; i < n; i++) {
		JsonObject *z = json_array_get_object_element(zones, i);
		const char *code = web_jstr(z, "code");
		if (strlen(code) != 6 || !web_within(&c->who, code))
			continue;
		gchar *l = g_strdup_printf("全县（%s，所有的镇和村）", web_esc(c,
		    web_jstr(z, "name")));
		box(c, g, field, code, "zall", l, ticked);
		g_ptr_array_add(drawn, (gpointer)(uintptr_t)code);
		g_free(l);
	}
	/* Then each township: its own box, its villages folded beneath. A
	 * village whose township is not in the list still gets a heading. */
	for (guint i = 0; i < n; ) {
		JsonObject *z = json_array_get_object_element(zones, i);
		const char *code = web_jstr(z, "code");
		if (strlen(code) < 9) {
			i++;
			continue;
		}
		char town[10];
		snprintf(town, sizeof(town), "%.9s", code);
		JsonObject *tz = strlen(code) == 9 ? z : NULL;
		guint first = tz ? i + 1 : i, end = first;
		while (end < n && strncmp(web_jstr(json_array_get_object_element(
		    zones, end), "code"), town, 9) == 0)
			end++;
		i = end;
		bool all = tz && matches(tz, q), any = false, open = false;
		guint nv = 0;
		for (guint k = first; k < end; k++) {
			JsonObject *v = json_array_get_object_element(zones, k);
			if (all || matches(v, q))
				any = true;
			if (is_ticked(ticked, web_jstr(v, "code")))
				open = true;
		}
		if (!(all || any))
			continue;
		const char *tname = tz ? web_esc(c, web_jstr(tz, "name")) : town;
		g_string_append_printf(g, "<div class=\"ztown\" data-code=\"%s\" "
		    "data-name=\"%s\">", town, tname);
		if (tz && web_within(&c->who, town)) {
			gchar *l = g_strdup_printf("整个%s <span class=\"small\">"
			    "（%u 个村）</span>", tname, villages_of(zones, town));
			box(c, g, field, town, "zt", l, ticked);
			g_ptr_array_add(drawn, (gpointer)(uintptr_t)web_jstr(tz, "code"));
			g_free(l);
		} else {
			g_string_append_printf(g, "<p class=\"zt\"><span>%s</span></p>",
			    tname);
		}
		g_string_append_printf(g, "<details%s><summary>只选%s里的某几个村"
		    "</summary><div class=\"zv\">", open || *q ? " open" : "", tname);
		for (guint k = first; k < end; k++) {
			JsonObject *v = json_array_get_object_element(zones, k);
			const char *vc = web_jstr(v, "code");
			if (!web_within(&c->who, vc) || !(all || matches(v, q)))
				continue;
			box(c, g, field, vc, "zvill", web_esc(c, web_jstr(v, "name")),
			    ticked);
			g_ptr_array_add(drawn, (gpointer)(uintptr_t)vc);
			nv++;
		}
		g_string_append(g, "</div></details></div>");
		shown += nv + (tz != NULL);
	}
	if (*q && shown == 0)
		g_string_append_printf(g, "<p class=\"err card\" id=\"znone\">没有"
		    "找到名字里有“%s”的镇或村。</p>", web_esc(c, q));
	/* What is ticked but not shown (a search hides it) is kept. */
	for (guint i = 0; i < ticked->len; i++) {
		const char *t = g_ptr_array_index(ticked, i);
		bool seen = false;
		for (guint k = 0; k < drawn->len && !seen; k++)
			seen = strcmp(g_ptr_array_index(drawn, k), t) == 0;
		if (!seen)
			g_string_append_printf(g, "<input type=\"hidden\" name=\"%s\" "
			    "value=\"%s\">", web_esc(c, field), web_esc(c, t));
	}
	g_string_append(g, "</fieldset>");
	g_ptr_array_unref(drawn);
	g_free(q);
}

void
web_zone_pick_summary(struct web_ctx *c, GString *g, JsonArray *zones,
    GPtrArray *ticked)
{
	guint counties = 0, towns = 0, villages = 0, reach = 0;

	(void)c;
	for (guint i = 0; i < ticked->len; i++) {
		size_t l = strlen(g_ptr_array_index(ticked, i));
		counties += l == 6;
		towns += l == 9;
		villages += l == 12;
	}
	for (guint i = 0; zones && i < json_array_get_length(zones); i++) {
		const char *code = web_jstr(json_array_get_object_element(zones, i),
		    "code");
		reach += strlen(code) == 12 && covered(ticked, code);
	}
	g_string_append_printf(g, "<p id=\"zone-count\"><strong>选了 %u 处：",
	    ticked->len);
	const char *sep = "";
	if (counties) {
		g_string_append(g, "全县");
		sep = "、";
	}
	if (towns) {
		g_string_append_printf(g, "%s%u 个镇", sep, towns);
		sep = "、";
	}
	if (villages)
		g_string_append_printf(g, "%s%u 个村", sep, villages);
	g_string_append_printf(g, "，一共 <strong id=\"villages\">%u</strong> "
	    "个村。</strong></p>", reach);
}
