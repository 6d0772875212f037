/*
 * page_login.c — the login form, and one's own account (a new password, a
 * personal API token). The password check runs off the loop (web_login),
 * so the login answer is written from its callback, with the request
 * paused meanwhile.
 */
#include <stdio.h>
#include <string.h>

#include "web-admin/api_int.h"
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
done(struct web_admin *wa, SoupServerMessage *msg, enum web_login_outcome outcome,
    const struct web_principal *p, const char *cookie, int wait_s, void *arg)
{
	struct login_page *lp = arg;
	char m[128];

	(void)p;
	switch (outcome) {
	case WEB_LOGIN_OK:
		web_set_cookie(wa, msg, cookie);
		soup_server_message_set_redirect(msg, 303, "/today");
		break;
	case WEB_LOGIN_BAD:
		login_form(msg, 401, "用户名或密码不对。", lp->name);
		break;
	case WEB_LOGIN_LIMITED:
		if (wait_s >= 120)
			snprintf(m, sizeof(m), "密码输错的次数太多，请 %d 分钟后再试。",
			    (wait_s + 59) / 60);
		else
			snprintf(m, sizeof(m), "密码输错的次数太多，请 %d 秒后再试。",
			    wait_s);
		login_form(msg, 429, m, lp->name);
		api_retry_after(msg, wait_s);
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
	if (!web_login_origin_ok(c->wa, c->msg)) {
		login_form(c->msg, 403, "这个登录不是从本系统的网页发来的，没有登录。"
		    "请直接打开本系统的网址再登录。", NULL);
		return;
	}
	struct login_page *lp = g_new0(struct login_page, 1);
	lp->name = g_strdup(name);
	web_login(c->wa, c->msg, name, pw, done, lp);
}

/* ---- my account ---- */

/* The user's live API tokens, each with its revoke button. */
static void
account_tokens(struct web_ctx *c, GString *g)
{
	JsonNode *n = web_get(c, "tokens");
	JsonArray *a = n && JSON_NODE_HOLDS_ARRAY(n) ? json_node_get_array(n) :
	    NULL;
	guint len = a ? json_array_get_length(a) : 0;

	if (len == 0) {
		g_string_append(g, "<p class=\"small\">现在没有可用的程序口令。</p>");
	} else {
		g_string_append_printf(g, "<h3>可用的口令（%u 个）</h3>", len);
		for (guint i = 0; i < len; i++) {
			JsonObject *o = json_array_get_object_element(a, i);
			const char *label = web_jstr(o, "label");
			char action[64];
			snprintf(action, sizeof(action), "/account/token/%lld/revoke",
			    (long long)web_jnum(o, "id"));
			g_string_append_printf(g, "<div class=\"card token\"><b>%s</b>"
			    "<br><span class=\"small\">生成于 %s</span>",
			    label && label[0] ? web_esc(c, label) : "（没写用途）",
			    html_time(c, web_jnum(o, "created_at")));
			html_action(c, g, action, "撤销这个口令", "danger", NULL, NULL);
			g_string_append(g, "</div>");
		}
	}
	if (n)
		json_node_unref(n);
}

void
page_account(struct web_ctx *c)
{
	char err[512] = "", ok[256] = "";
	JsonNode *res = NULL;

	if (strcmp(c->method, "POST") == 0 && c->nparts == 2 &&
	    strcmp(c->parts[1], "password") == 0) {
		const char *a = web_field(c, "password", ""), *b = web_field(c,
		    "password2", "");
		if (strcmp(a, b) != 0) {
			snprintf(err, sizeof(err), "两次输入的新密码不一样。");
		} else {
			JsonObject *o = json_object_new();
			char path[64];
			json_object_set_string_member(o, "password", a);
			json_object_set_string_member(o, "current", web_field(c,
			    "current", ""));
			snprintf(path, sizeof(path), "users/%lld/password",
			    (long long)c->who.user_id);
			int st = web_call(c, "POST", path, o, &res, err, sizeof(err));
			json_object_unref(o);
			if (st == WEB_PENDING)
				return;
			int64_t nt = st < 300 && res ? web_jnum(json_node_get_object(res),
			    "tokens_revoked") : 0;
			if (st < 300 && nt > 0)
				snprintf(ok, sizeof(ok), "密码已修改。别处的登录和 %lld 个 "
				    "程序口令都已失效。", (long long)nt);
			else if (st < 300)
				snprintf(ok, sizeof(ok), "密码已修改。别处的登录都已失效。");
			if (res) {
				json_node_unref(res);
				res = NULL;
			}
		}
	} else if (strcmp(c->method, "POST") == 0 && c->nparts == 2 &&
	    strcmp(c->parts[1], "token") == 0) {
		JsonObject *o = json_object_new();
		json_object_set_string_member(o, "label", web_field(c, "label", ""));
		if (web_call(c, "POST", "tokens", o, &res, err, sizeof(err)) < 300)
			snprintf(ok, sizeof(ok), "新的程序口令（只显示这一次）：");
		json_object_unref(o);
	} else if (strcmp(c->method, "POST") == 0 && c->nparts == 4 &&
	    strcmp(c->parts[1], "token") == 0 &&
	    strcmp(c->parts[3], "revoke") == 0) {
		char path[64];
		snprintf(path, sizeof(path), "tokens/%.20s", c->parts[2]);
		if (web_call(c, "DELETE", path, NULL, NULL, err, sizeof(err)) < 300)
			snprintf(ok, sizeof(ok), "这个程序口令已撤销，不能再用了。");
	} else if (strcmp(c->method, "GET") != 0 || c->nparts != 1) {
		html_error_page(c, 404, "没有这个页面。");
		return;
	}
	GString *g = html_begin(c, "我的账号", "account");
	if (ok[0]) {
		const char *tok = res ? web_jstr(json_node_get_object(res), "token") : NULL;
		gchar *t = g_strdup_printf("%s%s%s%s", ok, tok ? "<code id=\"token\">" :
		    "", tok ? web_esc(c, tok) : "", tok ? "</code>" : "");
		html_notice_box(g, "ok", t);
		g_free(t);
	}
	if (err[0])
		html_notice_box(g, "err", web_esc(c, err));
	g_string_append_printf(g, "<div class=\"card\">%s · %s · %s</div>",
	    web_esc(c, c->who.name), html_class_zh(web_role_name(c->who.role)),
	    web_esc(c, c->who.zone));
	g_string_append(g, "<h2>修改密码</h2><form method=\"post\" "
	    "action=\"/account/password\" class=\"card\">");
	html_csrf(c, g);
	g_string_append(g, "<label for=\"pwc\">现在的密码</label><input "
	    "id=\"pwc\" name=\"current\" type=\"password\" required "
	    "autocomplete=\"current-password\">"
	    "<label for=\"pw1\">新密码（至少 8 个字符）</label>"
	    "<input id=\"pw1\" name=\"password\" type=\"password\" required "
	    "autocomplete=\"new-password\"><label for=\"pw2\">再输一遍</label>"
	    "<input id=\"pw2\" name=\"password2\" type=\"password\" required "
	    "autocomplete=\"new-password\"><button type=\"submit\">修改密码"
	    "</button></form><h2>程序口令</h2><p class=\"small\">给电脑上的程序用"
	    "（例如县里的命令行工具），权限和您的账号一样。</p><form "
	    "method=\"post\" action=\"/account/token\" class=\"card\">");
	html_csrf(c, g);
	g_string_append(g, "<label for=\"label\">用途</label><input id=\"label\" "
	    "name=\"label\" maxlength=\"64\"><button type=\"submit\" "
	    "class=\"plain\">生成口令</button></form>");
	account_tokens(c, g);
	html_end(c, g, err[0] ? 400 : 200);
	if (res)
		json_node_unref(res);
}
