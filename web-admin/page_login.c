/*
 * page_login.c — the login form. The password check runs off the loop
 * (web_login), so the answer is written from its callback, with the
 * request paused meanwhile.
 */
#include <string.h>

#include "web-admin/web_int.h"

static void
login_form(SoupServerMessage *msg, int status, const char *error,
    const char *name)
{
	GString *g = g_string_new(NULL);
	gchar *n = g_markup_escape_text(name ? name : "", -1);

	g_string_append(g, "<!doctype html><html lang=\"zh-CN\"><head><meta "
	    "charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-"
	    "width, initial-scale=1\"><title>登录 · 大喇叭</title><link "
	    "rel=\"stylesheet\" href=\"/static/app.css\"></head><body><header>"
	    "<a href=\"/notices\">大喇叭</a></header><main><h1>登录</h1>");
	if (error)
		g_string_append_printf(g, "<div class=\"card err\" role=\"alert\">"
		    "%s</div>", error);
	g_string_append_printf(g, "<form method=\"post\" action=\"/login\">"
	    "<label for=\"name\">用户名</label><input id=\"name\" name=\"name\" "
	    "autocomplete=\"username\" required value=\"%s\">"
	    "<label for=\"password\">密码</label><input id=\"password\" "
	    "name=\"password\" type=\"password\" autocomplete=\"current-password\" "
	    "required><button type=\"submit\">登录</button></form></main>"
	    "</body></html>", n);
	g_free(n);
	soup_server_message_set_status(msg, (guint)status, NULL);
	soup_server_message_set_response(msg, "text/html; charset=utf-8",
	    SOUP_MEMORY_TAKE, g->str, g->len);
	g_string_free(g, FALSE);
}

struct login_page {
	char *name;
};

static void
done(struct dalabad *d, SoupServerMessage *msg, enum web_login_outcome outcome,
    const struct web_principal *p, const char *cookie, void *arg)
{
	struct login_page *lp = arg;

	(void)p;
	switch (outcome) {
	case WEB_LOGIN_OK:
		web_set_cookie(d, msg, cookie);
		soup_server_message_set_redirect(msg, 303, "/notices");
		break;
	case WEB_LOGIN_BAD:
		login_form(msg, 401, "用户名或密码不对。", lp->name);
		break;
	case WEB_LOGIN_LIMITED:
		login_form(msg, 429, "登录失败次数太多，请十分钟后再试。", lp->name);
		break;
	case WEB_LOGIN_BUSY:
		login_form(msg, 503, "系统正忙，请稍后再试。", lp->name);
		break;
	}
	g_free(lp->name);
	g_free(lp);
}

void
page_login(struct web_ctx *c)
{
	if (strcmp(c->method, "GET") == 0) {
		login_form(c->msg, 200, NULL, NULL);
		return;
	}
	const char *name = web_field(c, "name", "");
	const char *pw = web_field(c, "password", "");
	if (!*name || !*pw || strlen(name) > DB_NAME_MAX ||
	    strlen(pw) > WEB_PASSWORD_MAX) {
		login_form(c->msg, 400, "请填写用户名和密码。", name);
		return;
	}
	struct login_page *lp = g_new0(struct login_page, 1);
	lp->name = g_strdup(name);
	web_login(c->d, c->msg, name, pw, done, lp);
}
