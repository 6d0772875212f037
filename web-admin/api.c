/*
 * api.c — JSON in and out for dalabad's API: answering (or capturing the
 * answer for a page), errors, reading body fields, rows as JSON,
 * transactions and the audit. The HTTP side (listeners, who asks, limits)
 * is api_server.c; the resources are api_routes.c and its neighbours.
 */
#include <assert.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web-admin/api_int.h"
#include "broadcaster/log.h"
#include "tts/tts.h"

void
api_send(SoupServerMessage *msg, int status, JsonNode *node)
{
	gchar *text = json_to_string(node, TRUE);

	soup_server_message_set_status(msg, (guint)status, NULL);
	soup_server_message_set_response(msg, "application/json",
	    SOUP_MEMORY_TAKE, text, strlen(text));
	json_node_unref(node);
}

void
api_retry_after(SoupServerMessage *msg, int seconds)
{
	char v[16];

	snprintf(v, sizeof(v), "%d", seconds > 0 ? seconds : 1);
	soup_message_headers_replace(soup_server_message_get_response_headers(
	    msg), "Retry-After", v);
}

JsonNode *
api_error_node(int status, const char *code, const char *message)
{
	JsonObject *o = json_object_new(), *e = json_object_new();

	json_object_set_int_member(e, "status", status);
	json_object_set_string_member(e, "code", code);
	/* A message may quote input cut mid-character: keep it valid. */
	json_object_set_string_member(e, "message", g_utf8_validate(message, -1,
	    NULL) ? message : "(message not valid UTF-8)");
	json_object_set_object_member(o, "error", e);
	return api_object(o);
}

void
api_reply(struct api_req *r, int status, JsonNode *node)
{
	r->answered = true;
	if (r->capture) {
		r->status = status;
		if (r->result)
			json_node_unref(r->result);
		r->result = node;
		return;
	}
	api_send(r->msg, status, node);
}

void
api_error(struct api_req *r, int status, const char *code, const char *fmt,
    ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	api_reply(r, status, api_error_node(status, code, msg));
}

int
api_only(struct api_req *r, JsonObject *o, const char *const *fields)
{
	GList *names = json_object_get_members(o);
	int rc = 0;

	for (GList *l = names; l && rc == 0; l = l->next) {
		bool known = false;
		for (size_t i = 0; fields[i]; i++)
			known |= strcmp(fields[i], l->data) == 0;
		if (!known) {
			api_error(r, 400, "unknown_field", "unknown field \"%.64s\"",
			    (const char *)l->data);
			rc = -1;
		}
	}
	g_list_free(names);
	return rc;
}

static JsonNode *
member(struct api_req *r, const char *name)
{
	JsonNode *n = r->body ? json_object_get_member(r->body, name) : NULL;

	return n && !JSON_NODE_HOLDS_NULL(n) ? n : NULL;
}

int
api_str(struct api_req *r, const char *name, bool required, size_t max_bytes,
    const char **out)
{
	JsonNode *n = member(r, name);

	*out = NULL;
	/* err_field names the field only while this refuses it. */
	r->err_field = name;
	if (n == NULL) {
		if (!required) {
			r->err_field = NULL;
			return 0;
		}
		api_error(r, 400, "missing_field", "\"%s\" is required", name);
		return -1;
	}
	if (json_node_get_value_type(n) != G_TYPE_STRING) {
		api_error(r, 400, "bad_field", "\"%s\" must be a string", name);
		return -1;
	}
	const char *s = json_node_get_string(n);
	if (!g_utf8_validate(s, -1, NULL)) {
		api_error(r, 400, "bad_field", "\"%s\" is not valid UTF-8", name);
		return -1;
	}
	if (strlen(s) > max_bytes) {
		api_error(r, 400, "too_long", "\"%s\" is longer than %zu bytes",
		    name, max_bytes);
		return -1;
	}
	if (required && s[0] == '\0') {
		api_error(r, 400, "missing_field", "\"%s\" is empty", name);
		return -1;
	}
	*out = s;
	r->err_field = NULL;
	return 0;
}

int
api_int(struct api_req *r, const char *name, int min, int max, int def,
    int *out)
{
	JsonNode *n = member(r, name);

	*out = def;
	r->err_field = NULL;
	if (n == NULL)
		return 0;
	r->err_field = name;
	if (json_node_get_value_type(n) != G_TYPE_INT64) {
		api_error(r, 400, "bad_field", "\"%s\" must be a whole number", name);
		return -1;
	}
	gint64 v = json_node_get_int(n);
	if (v < min || v > max) {
		api_error(r, 400, "out_of_range", "\"%s\" must be from %d to %d",
		    name, min, max);
		return -1;
	}
	*out = (int)v;
	r->err_field = NULL;
	return 0;
}

int
api_bool(struct api_req *r, const char *name, bool def, bool *out)
{
	JsonNode *n = member(r, name);

	*out = def;
	r->err_field = NULL;
	if (n == NULL)
		return 0;
	r->err_field = name;
	if (json_node_get_value_type(n) != G_TYPE_BOOLEAN) {
		api_error(r, 400, "bad_field", "\"%s\" must be true or false", name);
		return -1;
	}
	*out = json_node_get_boolean(n);
	r->err_field = NULL;
	return 0;
}

struct rows {
	JsonArray *arr;
	JsonObject *o;		/* the row being filled */
};

static void
rows_row(void *arg)
{
	struct rows *rs = arg;

	rs->o = json_object_new();
	json_array_add_object_element(rs->arr, rs->o);
}

static void
rows_cell(void *arg, const struct db_cell *c)
{
	struct rows *rs = arg;

	switch (c->type) {
	case DB_CELL_INT:
		json_object_set_int_member(rs->o, c->name, c->i);
		break;
	case DB_CELL_REAL:
		json_object_set_double_member(rs->o, c->name, c->real);
		break;
	case DB_CELL_NULL:
		json_object_set_null_member(rs->o, c->name);
		break;
	case DB_CELL_TEXT:
		json_object_set_string_member(rs->o, c->name, c->text);
	}
}

JsonNode *
api_rows(struct web_admin *wa, enum db_list which, const struct db_arg *args,
    int nargs)
{
	static const struct db_list_fn fn = { rows_row, rows_cell };
	struct rows rs = { .arr = json_array_new() };
	char err[256];

	JsonNode *node = json_node_new(JSON_NODE_ARRAY);
	json_node_take_array(node, rs.arr);
	if (db_list(wa->db, which, args, nargs, &fn, &rs, err,
	    sizeof(err)) != 0) {
		dlog(LOG_ERR, "api: %s", err);
		json_node_unref(node);
		return NULL;
	}
	return node;
}

bool
api_begin(struct api_req *r)
{
	assert(!r->in_txn);
	if (db_begin(r->wa->db) != 0) {
		api_error(r, 503, "busy", "the store is busy; try again");
		return false;
	}
	r->in_txn = true;
	r->audit_failed = false;
	return true;
}

int
api_commit(struct api_req *r)
{
	assert(r->in_txn);
	r->in_txn = false;
	if (r->audit_failed) {
		/* A change nobody can later account for is not made. */
		db_rollback(r->wa->db);
		api_error(r, 500, "audit", "the change could not be written to "
		    "the audit log, so it was not made");
		return -1;
	}
	if (db_commit(r->wa->db) != 0) {
		api_error(r, 500, "database", "the change could not be stored");
		return -1;
	}
	return 0;
}

void
api_rollback(struct api_req *r)
{
	if (r->in_txn)
		db_rollback(r->wa->db);
	r->in_txn = false;
}

bool
api_room(struct api_req *r)
{
	/* As of now, not of the last tick: the disk may have just filled. */
	if (!dalabad_disk_full(r->wa->d, true))
		return true;
	api_error(r, 507, "disk_full", "the server's disk is full: nothing new "
	    "is stored until there is room (what is stored still airs)");
	return false;
}

#define CHIME_AND_GAP_S 4	/* per reading: the chime and the pause after */

static int
text_seconds(const char *text, const struct tts_voice *v, int rate)
{
	char err[128];
	char *sp = text && *text ? tts_spoken_text(text, strlen(text), v, NULL,
	    err, sizeof(err)) : NULL;
	int s = sp ? tts_estimate_seconds(sp, rate) : 0;

	free(sp);
	return s;
}

int
api_spoken_seconds(const char *title, const char *body, const char *voice,
    int rate, int repeat)
{
	const struct tts_voice *v = tts_voice_find(voice ? voice : "mandarin");
	long once = text_seconds(title, v, rate) + text_seconds(body, v, rate) +
	    CHIME_AND_GAP_S;
	long all = once * (repeat > 0 ? repeat : 1);

	return all > INT_MAX ? INT_MAX : (int)all;
}

bool
api_spoken_fits(struct api_req *r, const char *title, const char *body,
    const char *voice, int rate, int repeat)
{
	int s = api_spoken_seconds(title, body, voice, rate, repeat);
	int max = r->wa->cfg->item_max_s;

	if (s <= max)
		return true;
	r->err_field = "body";
	api_error(r, 400, "too_long_spoken", "read %d time%s this takes about "
	    "%d minutes; one item may take %d ([dalabad] item_max_minutes)",
	    repeat, repeat == 1 ? "" : "s", (s + 59) / 60, max / 60);
	return false;
}

bool
api_is(struct api_req *r, const char *method, int nparts, const char *p0,
    const char *p2)
{
	return strcmp(r->method, method) == 0 && r->nparts == nparts &&
	    strcmp(r->parts[0], p0) == 0 &&
	    (p2 == NULL || (nparts > 2 && strcmp(r->parts[2], p2) == 0));
}

int
api_path_id(struct api_req *r, int64_t *id)
{
	char *end;
	long long v = strtoll(r->parts[1], &end, 10);

	if (r->parts[1][0] < '0' || r->parts[1][0] > '9' || *end != '\0' ||
	    v <= 0) {
		api_error(r, 404, "not_found", "\"%.32s\" is not an id",
		    r->parts[1]);
		return -1;
	}
	*id = v;
	return 0;
}

bool
api_zone_code_ok(const char *s)
{
	size_t n = strlen(s);

	if (n != 6 && n != 9 && n != 12)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

JsonNode *
api_object(JsonObject *o)
{
	JsonNode *n = json_node_new(JSON_NODE_OBJECT);

	json_node_take_object(n, o);
	return n;
}

int
api_audit(struct api_req *r, const char *action, const char *fmt, ...)
{
	va_list ap;
	gchar *detail;
	int rc;

	va_start(ap, fmt);
	detail = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	/* About the object acted on when the handler said which, else
	 * about the actor's own area. */
	rc = db_audit(r->wa->db, r->who.user_id, r->source, r->audit_zone ?
	    r->audit_zone : r->who.zone, action, detail);
	if (rc != 0) {
		dlog(LOG_ERR, "audit of %s by %s failed", action, r->who.name);
		r->audit_failed = true;	/* api_commit refuses the change */
	}
	g_free(detail);
	return rc;
}
