/*
 * nav.c — how a cadre finds their way: five big buttons on every page
 * (今天, 通知, 紧急广播, 喇叭, 播出记录) and a sixth, 更多, leading to a
 * page with the rest, each said in a line; 退出 sits apart in the red
 * header, outlined, so it is never taken for one of them. Two rows of
 * three on a 360 px phone, one row on a wide screen; no script.
 */
#include <string.h>

#include "web-admin/api_int.h"
#include "web-admin/web_int.h"

struct nav_item {
	const char *path, *label, *what;
	bool county;		/* county staff only */
};

/* On every page, in this order. */
static const struct nav_item main_items[] = {
	{ "today", "今天", NULL, false },
	{ "notices", "通知", NULL, false },
	{ "pages", "紧急广播", NULL, false },
	{ "speakers", "喇叭", NULL, false },
	{ "history", "播出记录", NULL, false },
};

/* Behind 更多. */
static const struct nav_item more_items[] = {
	{ "timetable", "时间表", "今天和以后七天，什么时候播哪条通知", false },
	{ "lexicon", "读音", "名字、地名读错了，在这里改", false },
	{ "users", "用户和地区", "新建用户，重设密码，新建地区", true },
	{ "audit", "操作日志", "谁在什么时候做了什么", true },
	{ "account", "我的账号", "改自己的密码", false },
};

void
html_logout_button(struct web_ctx *c, GString *g)
{
	g_string_append(g, "<form method=\"post\" action=\"/logout\" "
	    "class=\"logout\">");
	html_csrf(c, g);
	g_string_append(g, "<button type=\"submit\" id=\"logout\">退出</button>"
	    "</form>");
}

void
html_nav(GString *g, const char *on)
{
	bool more = strcmp(on, "more") == 0;

	for (size_t i = 0; i < G_N_ELEMENTS(more_items); i++)
		more = more || strcmp(on, more_items[i].path) == 0;
	g_string_append(g, "<nav>");
	for (size_t i = 0; i < G_N_ELEMENTS(main_items); i++)
		g_string_append_printf(g, "<a href=\"/%s\"%s>%s</a>",
		    main_items[i].path, strcmp(on, main_items[i].path) == 0 ?
		    " class=\"on\" aria-current=\"page\"" : "", main_items[i].label);
	g_string_append_printf(g, "<a href=\"/more\"%s>更多…</a></nav>", more ?
	    " class=\"on\"" : "");
}

/* GET /more: the rest of the pages, a big button each with what it is
 * for, and 退出 once more at the foot, apart. */
void
page_more(struct web_ctx *c)
{
	GString *g = html_begin(c, "更多", "more");

	g_string_append(g, "<div class=\"more\">");
	for (size_t i = 0; i < G_N_ELEMENTS(more_items); i++) {
		if (more_items[i].county && !web_is_county(&c->who))
			continue;
		g_string_append_printf(g, "<a href=\"/%s\"><strong>%s</strong>"
		    "<span>%s</span></a>", more_items[i].path, more_items[i].label,
		    more_items[i].what);
	}
	g_string_append(g, "</div><h2>用完了？</h2>");
	html_logout_button(c, g);
	html_end(c, g, 200);
}
