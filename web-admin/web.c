/*
 * web.c — the pages' front door: security headers, the session check,
 * CSRF on every form, strict form parsing, and the route table. Pages
 * write through the JSON API's own handlers (web_call), so a rule checked
 * there — a zone, a role, a field — is checked once for both.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "web-admin/api_int.h"
#include "broadcaster/log.h"
#include "tts/tts.h"
#include "web-admin/web_int.h"

const char *
web_field(struct web_ctx *c, const char *name, const char *def)
{
	const char *v = c->form ? g_hash_table_lookup(c->form, name) : NULL;

	return v ? v : def;
}

const char *
web_field_typed(struct web_ctx *c, const char *name, const char *def)
{
	gchar *k = g_strconcat("=", name, NULL);
	const char *v = c->form ? g_hash_table_lookup(c->form, k) : NULL;

	g_free(k);
	return v ? v : web_field(c, name, def);
}

const char *
web_qarg(struct web_ctx *c, const char *name, const char *def)
{
	const char *v = c->query ? g_hash_table_lookup(c->query, name) : NULL;

	return v && g_utf8_validate(v, -1, NULL) ? v : def;
}

/* The Chinese for an API error answer (zh.c); the English stays in the
 * JSON for scripts. */
static void
error_zh(JsonNode *reply, const char *field, char *out, size_t n)
{
	JsonObject *e = reply && JSON_NODE_HOLDS_OBJECT(reply) ?
	    json_object_get_object_member(json_node_get_object(reply), "error") :
	    NULL;

	web_error_zh(e ? json_object_get_string_member(e, "code") : NULL, field,
	    out, n);
}

int
web_call(struct web_ctx *c, const char *method, const char *path,
    JsonObject *body, JsonNode **out, char *msg, size_t msglen)
{
	struct api_req r = { .wa = c->wa, .msg = c->msg, .method = method,
	    .who = c->who, .capture = true, .body = body };
	const char *q = strchr(path, '?');
	gchar *p = q ? g_strndup(path, (gsize)(q - path)) : g_strdup(path);
	gchar **parts = g_strsplit(p, "/", 0);
	int status;

	g_free(p);
	if (q)
		r.query = soup_form_decode(q + 1);
	snprintf(r.source, sizeof(r.source), "%s", c->source);
	for (r.nparts = 0; parts[r.nparts] && r.nparts < 6; r.nparts++)
		r.parts[r.nparts] = parts[r.nparts];
	if (r.body == NULL)
		r.body = json_object_new();
	else
		json_object_ref(r.body);
	if (web_route_api(&r) != 0 && !r.answered)
		api_error(&r, 404, "not_found", "no such resource");
	if (r.in_txn) {
		dlog(LOG_ERR, "web: %s %s left a transaction open; rolled back",
		    method, path);
		api_rollback(&r);
		api_error(&r, 500, "internal", "the change was not made");
	}
	if (r.paused && !r.answered) {
		/* Waiting on password work: the page runs again later. */
		c->pending = true;
		status = WEB_PENDING;
		if (out)
			*out = NULL;
		goto out;
	}
	if (!r.answered)
		api_error(&r, 500, "internal", "not answered");
	status = r.status;
	if (status >= 400 && msg)
		error_zh(r.result, r.err_field, msg, msglen);
	if (out)
		*out = r.result;
	else
		json_node_unref(r.result);
out:
	json_object_unref(r.body);
	if (r.query)
		g_hash_table_unref(r.query);
	g_strfreev(parts);
	return status;
}

JsonNode *
web_get(struct web_ctx *c, const char *path)
{
	JsonNode *n = NULL;

	if (web_call(c, "GET", path, NULL, &n, NULL, 0) != 200) {
		if (n)
			json_node_unref(n);
		return NULL;
	}
	return n;
}

const char *
web_jstr(JsonObject *o, const char *name)
{
	JsonNode *n = json_object_get_member(o, name);

	return n && !JSON_NODE_HOLDS_NULL(n) ? json_node_get_string(n) : NULL;
}

int64_t
web_jnum(JsonObject *o, const char *name)
{
	JsonNode *n = json_object_get_member(o, name);

	return n && !JSON_NODE_HOLDS_NULL(n) ? json_node_get_int(n) : 0;
}

void
web_speaker_totals(JsonArray *a, struct web_speaker_totals *t)
{
	*t = (struct web_speaker_totals){ 0 };
	for (guint i = 0; a && i < json_array_get_length(a); i++) {
		JsonObject *o = json_array_get_object_element(a, i);
		t->speakers += web_jnum(o, "speakers");
		t->online += web_jnum(o, "online");
		t->playing += web_jnum(o, "playing");
		t->enrolled += web_jnum(o, "enrolled");
	}
}

char *
web_reading(struct web_ctx *c, const char *text, const char *voice,
    char *err, size_t errlen)
{
	if (c->lex == NULL) {
		c->lex = tts_lexicon_new();
		if (c->lex && db_lexicon_load(c->wa->db, c->lex, err, errlen) != 0) {
			tts_lexicon_free(c->lex);
			c->lex = tts_lexicon_new();	/* read without it */
		}
	}
	return tts_spoken_text(text, strlen(text), tts_voice_find(voice), c->lex,
	    err, errlen);
}

/* ---- the handler ---- */

static void
security_headers(SoupServerMessage *msg)
{
	SoupMessageHeaders *h = soup_server_message_get_response_headers(msg);

	/* No inline script anywhere, no framing, nothing cached. */
	soup_message_headers_replace(h, "Content-Security-Policy",
	    "default-src 'self'; img-src 'self' data:; media-src 'self' blob:; "
	    "style-src 'self'; script-src 'self'; frame-ancestors 'none'; "
	    "form-action 'self'");
	soup_message_headers_replace(h, "X-Content-Type-Options", "nosniff");
	soup_message_headers_replace(h, "X-Frame-Options", "DENY");
	soup_message_headers_replace(h, "Referrer-Policy", "same-origin");
	soup_message_headers_replace(h, "Cache-Control", "no-store");
}

/* The recording form (page_record.c): multipart, its one file kept as
 * c->upload, its other fields (csrf, and "for": the form it goes on to)
 * in c->form. */
static bool
read_upload(struct web_ctx *c, SoupMessageBody *mb, SoupMessageHeaders *h)
{
	GBytes *b = soup_message_body_flatten(mb);
	SoupMultipart *mp = soup_multipart_new_from_message(h, b);

	g_bytes_unref(b);
	c->form = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	/* The form has three parts (csrf, for, audio); past the first six,
	 * none is looked at: a csrf behind a crowd of parts is not found. */
	for (int i = 0; mp && i < soup_multipart_get_length(mp) && i < 6; i++) {
		SoupMessageHeaders *ph;
		GBytes *pb;
		GHashTable *params = NULL;
		char *disp = NULL;
		if (!soup_multipart_get_part(mp, i, &ph, &pb) ||
		    !soup_message_headers_get_content_disposition(ph, &disp,
		    &params))
			continue;
		const char *name = g_hash_table_lookup(params, "name");
		if (name && strcmp(name, "audio") == 0 && c->upload == NULL)
			c->upload = g_bytes_ref(pb);
		else if (name && (strcmp(name, "csrf") == 0 ||
		    strcmp(name, "for") == 0) && g_bytes_get_size(pb) < 64)
			g_hash_table_replace(c->form, g_strdup(name), g_strndup(
			    g_bytes_get_data(pb, NULL), g_bytes_get_size(pb)));
		g_free(disp);
		g_hash_table_unref(params);
	}
	if (mp)
		soup_multipart_free(mp);
	else
		dlog(LOG_INFO, "web: a recording form that is not multipart");
	return true;
}

static bool
read_form(struct web_ctx *c)
{
	SoupMessageBody *mb = soup_server_message_get_request_body(c->msg);
	SoupMessageHeaders *h = soup_server_message_get_request_headers(c->msg);
	const char *ctype = soup_message_headers_get_content_type(h, NULL);
	char err[256];

	if (ctype && strcmp(ctype, "multipart/form-data") == 0 &&
	    c->nparts == 1 && strcmp(c->parts[0], "recordings") == 0)
		return read_upload(c, mb, h);
	if (ctype == NULL ||
	    strcmp(ctype, "application/x-www-form-urlencoded") != 0) {
		snprintf(err, sizeof(err), "请用网页上的表格提交。");
		html_error_page(c, 415, err);
		return false;
	}
	GBytes *b = soup_message_body_flatten(mb);
	gsize len;
	const char *data = g_bytes_get_data(b, &len);
	c->form = web_form_parse(data ? data : "", len, err, sizeof(err));
	g_bytes_unref(b);
	web_form_fold(c->form);	/* "０７：３０，１８：００" is a time list too */
	if (c->form == NULL) {
		/* err is English, for scripts; the page says it in Chinese. */
		html_error_page(c, 400, "提交的内容有问题（太长、项目太多或有乱码），"
		    "请返回、刷新页面后再试。");
		return false;
	}
	return true;
}

static void page_handle(SoupServerMessage *msg, const char *path,
    GHashTable *query, struct web_admin *wa);

/* Each address's share of the loop (web-admin/loop_share.h), but never for
 * the emergency pages' forms and live view, nor the static files. */
void
web_page_handler(SoupServer *server, SoupServerMessage *msg, const char *path,
    GHashTable *query, gpointer data)
{
	struct web_admin *wa = data;
	bool exempt = g_str_has_prefix(path, "/pages") ||
	    g_str_has_prefix(path, "/static/");

	(void)server;
	if (!exempt && !api_share_allow(wa, msg, true))
		return;
	int64_t t0 = g_get_monotonic_time();
	page_handle(msg, path, query, wa);
	if (!exempt)
		api_share_charge(wa, msg, t0);
}

static void
page_handle(SoupServerMessage *msg, const char *path, GHashTable *query,
    struct web_admin *wa)
{
	struct web_ctx c = { .wa = wa, .msg = msg, .query = query };
	gchar **parts;

	c.method = soup_server_message_get_method(msg);
	c.keep = g_ptr_array_new_with_free_func(g_free);
	web_source(msg, "web", c.source, sizeof(c.source));
	security_headers(msg);
	if (strcmp(path, "/static/record.js") == 0) {
		soup_message_headers_replace(soup_server_message_get_response_headers(
		    msg), "Cache-Control", "max-age=3600");
		soup_server_message_set_status(msg, 200, NULL);
		soup_server_message_set_response(msg, "text/javascript",
		    SOUP_MEMORY_STATIC, web_record_js, strlen(web_record_js));
		g_ptr_array_free(c.keep, TRUE);
		return;
	}
	if (strcmp(path, "/static/app.css") == 0 ||
	    strcmp(path, "/static/page.js") == 0) {
		bool css = path[8] == 'a';
		soup_message_headers_replace(soup_server_message_get_response_headers(
		    msg), "Cache-Control", "max-age=3600");
		soup_server_message_set_status(msg, 200, NULL);
		soup_server_message_set_response(msg, css ? "text/css" :
		    "text/javascript", SOUP_MEMORY_STATIC, css ? web_css :
		    web_page_js, strlen(css ? web_css : web_page_js));
		g_ptr_array_free(c.keep, TRUE);
		return;
	}
	if (strcmp(path, "/favicon.ico") == 0) {
		soup_server_message_set_status(msg, 204, NULL);	/* none */
		g_ptr_array_free(c.keep, TRUE);
		return;
	}
	parts = g_strsplit(path + 1, "/", 0);
	for (c.nparts = 0; parts[c.nparts] && c.nparts < 6; c.nparts++)
		c.parts[c.nparts] = parts[c.nparts];
	if (c.nparts == 1 && c.parts[0][0] == '\0')
		c.nparts = 0;
	if (c.nparts >= 1 && strcmp(c.parts[0], "v") == 0) {
		/* Listening again (page_public.c): anyone's, GET and HEAD;
		 * no session is read, none is set. */
		if (parts[c.nparts] != NULL)
			c.nparts = G_N_ELEMENTS(c.parts);	/* too deep: 404 */
		web_route_page(&c);
		g_strfreev(parts);
		g_ptr_array_free(c.keep, TRUE);
		return;
	}
	bool authed = web_authenticate(c.wa, msg, &c.who) == 1;
	if (strcmp(c.method, "GET") != 0 && strcmp(c.method, "POST") != 0) {
		soup_server_message_set_status(msg, 405, NULL);
	} else if (parts[c.nparts] != NULL) {
		html_error_page(&c, 404, "没有这个页面。");
	} else if (strcmp(c.method, "POST") == 0 && !read_form(&c)) {
		/* answered */
	} else if (c.nparts == 1 && strcmp(c.parts[0], "login") == 0) {
		page_login(&c);
	} else if (!authed) {
		html_redirect(&c, "/login");
	} else if (strcmp(c.method, "POST") == 0 &&
	    !web_csrf_ok(&c.who, web_field(&c, "csrf", NULL))) {
		html_error_page(&c, 403, "页面已过期（安全码不对），请返回、刷新后"
		    "再试。");
	} else if (c.nparts == 1 && strcmp(c.parts[0], "logout") == 0 &&
	    strcmp(c.method, "POST") == 0) {
		/* The page's logout is the API's, audited alike. */
		if (web_call(&c, "POST", "logout", NULL, NULL, NULL, 0) == 200) {
			web_set_cookie(c.wa, msg, NULL);
			html_redirect(&c, "/login");
		} else {
			html_error_page(&c, 500, "没能退出，请再试一次。");
		}
	} else {
		if (web_route_page(&c) != 0)
			html_error_page(&c, 404, "没有这个页面。");
	}
	if (c.form)
		g_hash_table_unref(c.form);
	if (c.upload)
		g_bytes_unref(c.upload);
	g_strfreev(parts);
	g_ptr_array_free(c.keep, TRUE);
	tts_lexicon_free(c.lex);
}

int
web_start(struct web_admin *wa, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	wa->logins = g_new0(struct web_logins, 1);
	wa->logins->lim = web_limiter_new();
	wa->logins->queue = g_queue_new();
	wa->logins->waiting = g_queue_new();
	wa->logins->tls = strcmp(wa->cfg->api_tls_cert, "off") != 0;
	soup_server_add_handler(wa->api, "/", web_page_handler, wa, NULL);
	if (db_user_count(wa->db) == 0)
		dlog(LOG_NOTICE, "web admin: no users yet; make the first county "
		    "admin with: dalaba user add NAME --role county --zone CODE");
	return 0;
}

void
web_stop(struct web_admin *wa)
{
	if (wa->logins == NULL)
		return;
	web_logins_stop(wa->logins);	/* frees it, now or later */
	wa->logins = NULL;
}
