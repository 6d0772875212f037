/*
 * page_admin.c — the county's pages: users and zones, the pronunciation
 * lexicon (everyone may listen; county staff change it), and the audit log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web-admin/web_int.h"

/* ---- users and zones ---- */

static void
users_page(struct web_ctx *c, const char *ok, const char *err)
{
	JsonNode *un = web_get(c, "users"), *zn = web_get(c, "zones");
	JsonArray *users = un ? json_node_get_array(un) : NULL;
	JsonArray *zones = zn ? json_node_get_array(zn) : NULL;
	GString *g = html_begin(c, "用户和地区", "users");

	if (ok)
		html_notice_box(g, "ok", ok);
	if (err)
		html_notice_box(g, "err", web_esc(c, err));
	g_string_append(g, "<h2>用户</h2>");
	for (guint i = 0; users && i < json_array_get_length(users); i++) {
		JsonObject *u = json_array_get_object_element(users, i);
		bool off = web_jnum(u, "disabled_at") != 0;
		g_string_append_printf(g, "<div class=\"card user\"><h3>%s</h3><div "
		    "class=\"meta\">%s · %s%s</div>", web_esc(c, web_jstr(u, "name")),
		    html_role_zh((enum web_role)web_role_parse(web_jstr(u, "role"))),
		    html_zone_name(c, zones, web_jstr(u, "zone")),
		    off ? " · 已停用" : "");
		if (!off && web_jnum(u, "id") != c->who.user_id) {
			char to[64];
			snprintf(to, sizeof(to), "/users/%lld/reset",
			    (long long)web_jnum(u, "id"));
			html_action(c, g, to, "重设密码", "plain", NULL, NULL);
			snprintf(to, sizeof(to), "/users/%lld/disable",
			    (long long)web_jnum(u, "id"));
			html_action(c, g, to, "停用", "danger", NULL, NULL);
		}
		g_string_append(g, "</div>");
	}
	/* A refused form comes back as it was typed; which form it was is
	 * in the path (both have a "name"). */
	bool uf = err && c->form && strcmp(c->parts[0], "users") == 0 &&
	    c->nparts == 2;
	bool zf = err && c->form && strcmp(c->parts[0], "zones") == 0;
	const char *role = uf ? web_field(c, "role", "") : "";
	const char *uzone = uf ? web_field(c, "zone", "") : "";
	static const char *const roles[][2] = { { "village", "村干部" },
	    { "township", "乡镇干部" }, { "county", "县里工作人员" } };
	g_string_append(g, "<h2>新建用户</h2><form method=\"post\" action=\""
	    "/users/new\" class=\"card\">");
	html_csrf(c, g);
	if (uf)		/* also where the eye is: the top is far up */
		html_notice_box(g, "err", web_esc(c, err));
	g_string_append_printf(g, "<label for=\"uname\">用户名</label><input "
	    "id=\"uname\" name=\"name\" required maxlength=\"64\" value=\"%s\">"
	    "<label for=\"urole\">角色</label><select id=\"urole\" name=\"role\">",
	    web_esc(c, uf ? web_field(c, "name", "") : ""));
	for (size_t i = 0; i < G_N_ELEMENTS(roles); i++)
		g_string_append_printf(g, "<option value=\"%s\"%s>%s</option>",
		    roles[i][0], strcmp(role, roles[i][0]) == 0 ? " selected" : "",
		    roles[i][1]);
	g_string_append(g, "</select><label for=\"uzone\">地区（要和角色相符）"
	    "</label><select id=\"uzone\" name=\"zone\">");
	/* Grouped by the role each level is for; /static/page.js shows
	 * only the chosen role's group. */
	static const struct { size_t len; const char *role, *label; } levels[] = {
		{ 12, "village", "村（村干部）" },
		{ 9, "township", "乡镇（乡镇干部）" },
		{ 6, "county", "县（县里工作人员）" } };
	for (size_t k = 0; k < G_N_ELEMENTS(levels); k++) {
		g_string_append_printf(g, "<optgroup label=\"%s\" data-role=\"%s\">",
		    levels[k].label, levels[k].role);
		for (guint i = 0; zones && i < json_array_get_length(zones); i++) {
			JsonObject *z = json_array_get_object_element(zones, i);
			const char *code = web_jstr(z, "code");
			if (strlen(code) == levels[k].len && web_within(&c->who, code))
				g_string_append_printf(g, "<option value=\"%s\"%s>%s（%s）"
				    "</option>", web_esc(c, code), strcmp(uzone,
				    code) == 0 ? " selected" : "", web_esc(c,
				    web_jstr(z, "name")), web_esc(c, code));
		}
		g_string_append(g, "</optgroup>");
	}
	g_string_append_printf(g, "</select><label for=\"upw\">密码（不填则自动生成）"
	    "</label><input id=\"upw\" name=\"password\" type=\"password\" "
	    "autocomplete=\"new-password\" value=\"%s\"><button type=\"submit\">"
	    "新建用户</button></form>", web_esc(c, uf ? web_field(c, "password",
	    "") : ""));
	g_string_append(g, "<h2>地区</h2><table><tr><th>代码</th><th>名称</th>"
	    "<th>静音时段</th></tr>");
	for (guint i = 0; zones && i < json_array_get_length(zones); i++) {
		JsonObject *z = json_array_get_object_element(zones, i);
		const char *zc = web_esc(c, web_jstr(z, "code"));
		g_string_append_printf(g, "<tr><td>%s</td><td>%s</td><td>%s–%s</td>"
		    "</tr>", zc, web_esc(c, web_jstr(z, "name")),
		    web_esc(c, web_jstr(z, "quiet_start")), web_esc(c, web_jstr(z, "quiet_end")));
		if (strlen(zc) == 12)	/* a village: listening again */
			g_string_append_printf(g, "<tr><td></td><td colspan=\"2\">"
			    "<a class=\"button plain\" href=\"/v/%s\">村民收听页</a> "
			    "<a class=\"button plain\" href=\"/zones/%s/plates.pdf\">"
			    "打印二维码门牌</a></td></tr>", zc, zc);
	}
	g_string_append(g, "</table><h2>新建地区</h2><form method=\"post\" "
	    "action=\"/zones/new\" class=\"card\">");
	html_csrf(c, g);
	if (zf)
		html_notice_box(g, "err", web_esc(c, err));
	g_string_append_printf(g, "<label for=\"zcode\">行政区划代码（县 6 位、"
	    "乡镇 9 位、村 12 位）</label><input id=\"zcode\" name=\"code\" "
	    "required inputmode=\"numeric\" maxlength=\"12\" value=\"%s\"><label "
	    "for=\"zname\">名称</label><input id=\"zname\" name=\"name\" required "
	    "maxlength=\"64\" value=\"%s\"><label for=\"zqs\">静音开始</label>"
	    "<input id=\"zqs\" name=\"quiet_start\" type=\"time\" value=\"%s\">"
	    "<label for=\"zqe\">静音结束</label><input id=\"zqe\" "
	    "name=\"quiet_end\" type=\"time\" value=\"%s\"><button "
	    "type=\"submit\">新建地区</button></form>",
	    web_esc(c, zf ? web_field(c, "code", "") : ""),
	    web_esc(c, zf ? web_field(c, "name", "") : ""),
	    web_esc(c, zf ? web_field(c, "quiet_start", "21:30") : "21:30"),
	    web_esc(c, zf ? web_field(c, "quiet_end", "06:00") : "06:00"));
	g_string_append(g, "<script src=\"/static/page.js\"></script>");
	html_end(c, g, err ? 400 : 200);
	if (un)
		json_node_unref(un);
	if (zn)
		json_node_unref(zn);
}

/* 停用 cannot be undone from the pages: the first tap asks. true: the
 * question is the answer to this request (false: no such user here; the
 * API says so). */
static bool
ask_disable(struct web_ctx *c)
{
	JsonNode *un = web_get(c, "users");
	JsonArray *users = un ? json_node_get_array(un) : NULL;
	int64_t id = g_ascii_strtoll(c->parts[1], NULL, 10);
	bool asked = false;

	for (guint i = 0; users && i < json_array_get_length(users); i++) {
		JsonObject *u = json_array_get_object_element(users, i);
		if (web_jnum(u, "id") != id)
			continue;
		char action[64];
		gchar *m = g_strdup_printf("停用用户「%s」吗？停用后他马上就不能"
		    "登录，他的程序口令也都作废。", web_esc(c, web_jstr(u, "name")));
		snprintf(action, sizeof(action), "/users/%lld/disable",
		    (long long)id);
		html_confirm_page(c, "停用用户？", m, action, "确定停用", "/users");
		g_free(m);
		asked = true;
		break;
	}
	if (un)
		json_node_unref(un);
	return asked;
}

void
page_users(struct web_ctx *c)
{
	char err[512], ok[256];
	JsonNode *res = NULL;
	int st;

	if (!web_is_county(&c->who)) {
		html_error_page(c, 403, "只有县里的管理员能管理用户和地区。");
		return;
	}
	if (strcmp(c->method, "GET") == 0) {
		users_page(c, NULL, NULL);
		return;
	}
	JsonObject *b = json_object_new();
	const char *what = "";
	if (strcmp(c->parts[0], "zones") == 0) {
		json_object_set_string_member(b, "code", web_field(c, "code", ""));
		json_object_set_string_member(b, "name", web_field(c, "name", ""));
		json_object_set_string_member(b, "quiet_start", web_field(c,
		    "quiet_start", "21:30"));
		json_object_set_string_member(b, "quiet_end", web_field(c,
		    "quiet_end", "06:00"));
		st = web_call(c, "POST", "zones", b, &res, err, sizeof(err));
		what = "地区已建立。";
	} else if (c->nparts == 3 && strcmp(c->parts[2], "reset") == 0) {
		char path[64];
		snprintf(path, sizeof(path), "users/%s/password", c->parts[1]);
		st = web_call(c, "POST", path, NULL, &res, err, sizeof(err));
		what = "密码已重设。";
	} else if (c->nparts == 3 && strcmp(c->parts[2], "disable") == 0) {
		char path[64];
		if (!web_field(c, "confirm", NULL) && ask_disable(c)) {
			json_object_unref(b);
			return;
		}
		snprintf(path, sizeof(path), "users/%s/disable", c->parts[1]);
		st = web_call(c, "POST", path, NULL, &res, err, sizeof(err));
		what = "用户已停用。";
	} else {
		json_object_set_string_member(b, "name", web_field(c, "name", ""));
		json_object_set_string_member(b, "role", web_field(c, "role", ""));
		json_object_set_string_member(b, "zone", web_field(c, "zone", ""));
		if (*web_field(c, "password", ""))
			json_object_set_string_member(b, "password", web_field(c,
			    "password", ""));
		st = web_call(c, "POST", "users", b, &res, err, sizeof(err));
		what = "用户已建立。";
	}
	json_object_unref(b);
	if (st == WEB_PENDING)
		return;
	if (st < 300) {
		JsonObject *o = JSON_NODE_HOLDS_OBJECT(res) ?
		    json_node_get_object(res) : NULL;
		const char *pw = o ? web_jstr(o, "password") : NULL;
		if (pw) {
			gchar *t = g_markup_printf_escaped("%s密码只显示这一次，请抄下来"
			    "交给本人：<strong id=\"new-password\">%s</strong>", what,
			    pw);
			snprintf(ok, sizeof(ok), "%s", t);
			g_free(t);
		} else {
			snprintf(ok, sizeof(ok), "%s", what);
		}
		users_page(c, ok, NULL);
	} else {
		users_page(c, NULL, err);
	}
	if (res)
		json_node_unref(res);
}

/* ---- lexicon ---- */

void
page_lexicon(struct web_ctx *c)
{
	char err[512] = "", ok[128] = "";

	if (strcmp(c->method, "POST") == 0) {
		int st;
		if (c->nparts == 2 && strcmp(c->parts[1], "delete") == 0) {
			gchar *q = g_uri_escape_string(web_field(c, "word", ""), NULL,
			    FALSE);
			gchar *path = g_strdup_printf("lexicon?word=%s", q);
			st = web_call(c, "DELETE", path, NULL, NULL, err, sizeof(err));
			g_free(path);
			g_free(q);
			snprintf(ok, sizeof(ok), "已删除。");
		} else {
			JsonObject *b = json_object_new();
			json_object_set_string_member(b, "word", web_field(c, "word", ""));
			json_object_set_string_member(b, "pinyin", web_field(c, "pinyin",
			    ""));
			st = web_call(c, "POST", "lexicon", b, NULL, err, sizeof(err));
			json_object_unref(b);
			snprintf(ok, sizeof(ok), "已保存。");
		}
		if (st >= 300)
			ok[0] = '\0';
		else
			err[0] = '\0';
	}
	JsonNode *ln = web_get(c, "lexicon");
	JsonArray *lex = ln ? json_node_get_array(ln) : NULL;
	GString *g = html_begin(c, "读音", "lexicon");
	const char *try = web_qarg(c, "try", web_field(c, "word", ""));

	if (ok[0])
		html_notice_box(g, "ok", ok);
	if (err[0])
		html_notice_box(g, "err", web_esc(c, err));
	g_string_append_printf(g, "<form method=\"get\" action=\"/lexicon\" "
	    "class=\"card\"><label for=\"try\">试听一句话</label><input id=\"try\" "
	    "name=\"try\" maxlength=\"200\" value=\"%s\"><button type=\"submit\" "
	    "class=\"plain\">试听</button></form>", web_esc(c, try));
	if (*try && strlen(try) <= 600) {
		char e2[256];
		char *sp = web_reading(c, try, "mandarin", e2, sizeof(e2));
		gchar *q = g_uri_escape_string(try, NULL, FALSE);
		g_string_append_printf(g, "<div class=\"reading\" id=\"reading\">%s"
		    "</div><audio controls preload=\"auto\" src=\"/api/v1/speak?text="
		    "%s\"></audio>", sp ? web_esc(c, sp) :
		    "这句话读不出来，请检查后再试。", web_esc(c, q));
		g_free(q);
		free(sp);
	}
	g_string_append(g, "<h2>读音表</h2>");
	for (guint i = 0; lex && i < json_array_get_length(lex); i++) {
		JsonObject *e = json_array_get_object_element(lex, i);
		g_string_append_printf(g, "<div class=\"card\"><strong>%s</strong> → "
		    "%s", web_esc(c, web_jstr(e, "word")), web_esc(c, web_jstr(e, "pinyin")));
		if (web_is_county(&c->who)) {
			html_action(c, g, "/lexicon/delete", "删除", "plain", "word",
			    web_jstr(e, "word"));
		}
		g_string_append(g, "</div>");
	}
	if (lex == NULL || json_array_get_length(lex) == 0)
		g_string_append(g, "<p>读音表是空的。</p>");
	if (web_is_county(&c->who)) {
		g_string_append(g, "<h2>添加或修改读音</h2><form method=\"post\" "
		    "action=\"/lexicon\" class=\"card\">");
		html_csrf(c, g);
		/* Refused, it comes back as it was typed. */
		bool back = err[0] && c->nparts == 1;
		g_string_append_printf(g, "<label for=\"word\">词语</label><input "
		    "id=\"word\" name=\"word\" required maxlength=\"32\" "
		    "value=\"%s\"><label for=\"pinyin\">拼音（带声调数字，如 chong2 "
		    "qing4）</label><input id=\"pinyin\" name=\"pinyin\" required "
		    "maxlength=\"200\" value=\"%s\"><button type=\"submit\">保存"
		    "</button></form>", web_esc(c, back ? web_field(c, "word", "") :
		    ""), web_esc(c, back ? web_field_typed(c, "pinyin", "") : ""));
	}
	html_end(c, g, err[0] ? 400 : 200);
	if (ln)
		json_node_unref(ln);
}

/* ---- audit ---- */

void
page_audit(struct web_ctx *c)
{
	if (!web_is_county(&c->who)) {
		html_error_page(c, 403, "只有县里的管理员能看操作日志。");
		return;
	}
	JsonNode *an = web_get(c, "audit");
	JsonArray *a = an ? json_node_get_array(an) : NULL;
	GString *g = html_begin(c, "操作日志（最近 200 条）", "audit");

	/* A card each, not a table: four columns do not fit a phone. */
	for (guint i = 0; a && i < json_array_get_length(a); i++) {
		JsonObject *e = json_array_get_object_element(a, i);
		g_string_append_printf(g, "<div class=\"card audit\"><strong>%s"
		    "</strong><div class=\"small wrap\">%s</div><div class=\"meta\">"
		    "%s · %s · 从%s</div></div>",
		    web_audit_action_zh(web_jstr(e, "action")),
		    web_esc(c, web_jstr(e, "detail")), html_time(c, web_jnum(e, "at")),
		    web_esc(c, web_jstr(e, "user") ? web_jstr(e, "user") : "本机"),
		    web_source_zh(c, web_jstr(e, "source")));
	}
	if (a == NULL || json_array_get_length(a) == 0)
		g_string_append(g, "<p>还没有操作记录。</p>");
	html_end(c, g, 200);
	if (an)
		json_node_unref(an);
}
