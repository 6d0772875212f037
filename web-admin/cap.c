/*
 * cap.c — see cap.h. CAP 1.2 element names and values are from the OASIS
 * standard (Common Alerting Protocol Version 1.2, 2010): alert has
 * identifier, sender, sent, status, msgType, scope (required) and
 * references; each info has category, event, urgency, severity, certainty
 * (required), language, expires, headline, description, instruction and
 * areas with areaDesc and geocodes.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "web-admin/cap.h"

static const char *const status_names[] = { "Actual", "Exercise", "System",
    "Test", "Draft", NULL };
static const char *const msgtype_names[] = { "Alert", "Update", "Cancel",
    "Ack", "Error", NULL };
static const char *const urgency_names[] = { "Immediate", "Expected",
    "Future", "Past", "Unknown", NULL };
static const char *const severity_names[] = { "Extreme", "Severe",
    "Moderate", "Minor", "Unknown", NULL };
static const char *const certainty_names[] = { "Observed", "Likely",
    "Possible", "Unlikely", "Unknown", NULL };
static const char *const scope_names[] = { "Public", "Restricted", "Private",
    NULL };

const char *
cap_status_name(enum cap_status s)
{
	return s <= CAP_DRAFT ? status_names[s] : "?";
}

const char *
cap_msgtype_name(enum cap_msgtype t)
{
	return t <= CAP_ERROR ? msgtype_names[t] : "?";
}

int64_t
cap_time(const char *s)
{
	int y, mo, d, h, mi, se, oh, om, n = 0;
	char sign;

	/* CAP: no fractions, no "Z"; "-00:00" for UTC. */
	if (s == NULL || strlen(s) != 25 ||
	    sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c%2d:%2d%n", &y, &mo, &d, &h, &mi,
	    &se, &sign, &oh, &om, &n) != 9 || n != 25 ||
	    (sign != '+' && sign != '-') || oh > 14 || om > 59)
		return -1;
	GDateTime *t = g_date_time_new_from_iso8601(s, NULL);
	if (t == NULL)
		return -1;
	int64_t u = g_date_time_to_unix(t);
	g_date_time_unref(t);
	return u;
}

static bool
is_cap(xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
	    strcmp((const char *)n->ns->href, CAP_NS) == 0 &&
	    strcmp((const char *)n->name, name) == 0;
}

/* The text of an element: trimmed, valid UTF-8, at most CAP_MAX_TEXT
 * bytes, no control characters but newlines and tabs. NULL with err. */
static char *
text_of(xmlNode *n, const char *name, char *err, size_t errlen)
{
	xmlChar *c = xmlNodeGetContent(n);
	char *s = c ? g_strdup((const char *)c) : g_strdup("");

	xmlFree(c);
	g_strstrip(s);
	if (strlen(s) > CAP_MAX_TEXT) {
		snprintf(err, errlen, "<%s> is longer than %d bytes", name,
		    CAP_MAX_TEXT);
		g_free(s);
		return NULL;
	}
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t' &&
		    *p != '\r') {
			snprintf(err, errlen, "<%s> holds control characters", name);
			g_free(s);
			return NULL;
		}
	return s;
}

/* The one child element called name: 1 found (*out set), 0 absent, -1 on
 * a repeat (err set). */
static int
one(xmlNode *parent, const char *name, char **out, char *err, size_t errlen)
{
	xmlNode *found = NULL;

	*out = NULL;
	for (xmlNode *c = parent->children; c; c = c->next) {
		if (!is_cap(c, name))
			continue;
		if (found) {
			snprintf(err, errlen, "<%s> appears twice", name);
			return -1;
		}
		found = c;
	}
	if (found == NULL)
		return 0;
	return (*out = text_of(found, name, err, errlen)) ? 1 : -1;
}

static int
required(xmlNode *parent, const char *name, char **out, char *err,
    size_t errlen)
{
	int rc = one(parent, name, out, err, errlen);

	if (rc == 0)
		snprintf(err, errlen, "<%s> is required", name);
	if (rc == 1 && (*out)[0] == '\0') {
		snprintf(err, errlen, "<%s> is empty", name);
		g_free(*out);
		*out = NULL;
		return -1;
	}
	return rc == 1 ? 0 : -1;
}

static int
pick(const char *v, const char *const *names, const char *what, char *err,
    size_t errlen)
{
	for (int i = 0; names[i]; i++)
		if (strcmp(v, names[i]) == 0)
			return i;
	snprintf(err, errlen, "<%s> \"%.40s\" is not a CAP 1.2 value", what, v);
	return -1;
}

/* A required element whose value is one of names. */
static int
enum_of(xmlNode *parent, const char *name, const char *const *names,
    char *err, size_t errlen)
{
	char *v;
	int k;

	if (required(parent, name, &v, err, errlen) != 0)
		return -1;
	k = pick(v, names, name, err, errlen);
	g_free(v);
	return k;
}

static int
parse_refs(struct cap_alert *a, const char *s, char *err, size_t errlen)
{
	gchar **words = g_strsplit_set(s, " \t\r\n", -1);
	int rc = 0;

	for (int i = 0; words[i] && rc == 0; i++) {
		if (words[i][0] == '\0')
			continue;
		gchar **f = g_strsplit(words[i], ",", -1);
		if (g_strv_length(f) != 3 || !f[0][0] || !f[1][0] ||
		    cap_time(f[2]) < 0) {
			snprintf(err, errlen, "<references> are sender,identifier,sent "
			    "separated by spaces");
			rc = -1;
		} else if (a->nrefs == CAP_MAX_REFS) {
			snprintf(err, errlen, "more than %d <references>", CAP_MAX_REFS);
			rc = -1;
		} else {
			struct cap_ref *r = &a->refs[a->nrefs++];
			r->sender = g_strdup(f[0]);
			r->identifier = g_strdup(f[1]);
			r->sent = g_strdup(f[2]);
		}
		g_strfreev(f);
	}
	g_strfreev(words);
	return rc;
}

static int
parse_area(struct cap_info *in, xmlNode *area, char *err, size_t errlen)
{
	char *desc;

	if (required(area, "areaDesc", &desc, err, errlen) != 0)
		return -1;
	g_free(desc);
	in->nareas++;
	for (xmlNode *g = area->children; g; g = g->next) {
		char *name, *value;
		if (!is_cap(g, "geocode"))
			continue;
		if (required(g, "valueName", &name, err, errlen) != 0)
			return -1;
		g_free(name);
		if (required(g, "value", &value, err, errlen) != 0)
			return -1;
		if (in->ncodes == CAP_MAX_CODES) {
			g_free(value);
			snprintf(err, errlen, "more than %d geocodes in one <info>",
			    CAP_MAX_CODES);
			return -1;
		}
		in->codes[in->ncodes++] = value;
	}
	return 0;
}

static int
parse_info(struct cap_info *in, xmlNode *n, char *err, size_t errlen)
{
	char *v = NULL, *cat;
	int k;

	if (required(n, "category", &cat, err, errlen) != 0)
		return -1;
	g_free(cat);
	if (one(n, "language", &in->language, err, errlen) < 0 ||
	    required(n, "event", &in->event, err, errlen) != 0 ||
	    one(n, "headline", &in->headline, err, errlen) < 0 ||
	    one(n, "description", &in->description, err, errlen) < 0 ||
	    one(n, "instruction", &in->instruction, err, errlen) < 0)
		return -1;
	if (in->language == NULL || in->language[0] == '\0') {
		g_free(in->language);
		in->language = g_strdup("en-US");
	}
	if ((k = enum_of(n, "urgency", urgency_names, err, errlen)) < 0)
		return -1;
	in->urgency = (enum cap_urgency)k;
	if ((k = enum_of(n, "severity", severity_names, err, errlen)) < 0)
		return -1;
	in->severity = (enum cap_severity)k;
	if (enum_of(n, "certainty", certainty_names, err, errlen) < 0)
		return -1;
	if ((k = one(n, "expires", &v, err, errlen)) < 0)
		return -1;
	if (k == 1 && (in->expires = cap_time(v)) < 0) {
		snprintf(err, errlen, "<expires> \"%.40s\" is not a CAP time", v);
		g_free(v);
		return -1;
	}
	g_free(v);
	for (xmlNode *c = n->children; c; c = c->next)
		if (is_cap(c, "area") && parse_area(in, c, err, errlen) != 0)
			return -1;
	return 0;
}

int
cap_parse(const char *xml, size_t len, struct cap_alert *a, char *err,
    size_t errlen)
{
	xmlDoc *doc;
	xmlNode *root;
	char *v = NULL;
	int k;

	memset(a, 0, sizeof(*a));
	if (len > CAP_MAX_BYTES) {
		snprintf(err, errlen, "the alert is larger than %d bytes",
		    CAP_MAX_BYTES);
		return -1;
	}
	if (len == 0 || len > INT32_MAX) {
		snprintf(err, errlen, "the alert is empty");
		return -1;
	}
	/* NONET: nothing is fetched; without NOENT and DTDLOAD no entity is
	 * loaded or expanded; and a DOCTYPE is refused outright below. */
	doc = xmlReadMemory(xml, (int)len, "cap.xml", NULL, XML_PARSE_NONET |
	    XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
	if (doc == NULL) {
		snprintf(err, errlen, "not well-formed XML");
		return -1;
	}
	if (doc->intSubset != NULL || doc->extSubset != NULL) {
		snprintf(err, errlen, "alerts with a DOCTYPE are refused");
		goto fail;
	}
	root = xmlDocGetRootElement(doc);
	if (root == NULL || !is_cap(root, "alert")) {
		snprintf(err, errlen, "the root is not a CAP 1.2 <alert> (namespace "
		    CAP_NS ")");
		goto fail;
	}
	if (required(root, "identifier", &a->identifier, err, errlen) != 0 ||
	    required(root, "sender", &a->sender, err, errlen) != 0 ||
	    required(root, "sent", &a->sent_text, err, errlen) != 0)
		goto fail;
	if ((a->sent = cap_time(a->sent_text)) < 0) {
		snprintf(err, errlen, "<sent> \"%.40s\" is not a CAP time "
		    "(YYYY-MM-DDThh:mm:ss+hh:mm)", a->sent_text);
		goto fail;
	}
	if (strpbrk(a->identifier, " ,<&") || strpbrk(a->sender, " ,<&")) {
		snprintf(err, errlen, "<identifier> and <sender> may not hold "
		    "spaces, commas, < or &");
		goto fail;
	}
	if ((k = enum_of(root, "status", status_names, err, errlen)) < 0)
		goto fail;
	a->status = (enum cap_status)k;
	if ((k = enum_of(root, "msgType", msgtype_names, err, errlen)) < 0)
		goto fail;
	a->msgtype = (enum cap_msgtype)k;
	if (enum_of(root, "scope", scope_names, err, errlen) < 0)
		goto fail;
	if ((k = one(root, "references", &v, err, errlen)) < 0 ||
	    (k == 1 && parse_refs(a, v, err, errlen) != 0))
		goto fail;
	g_free(v);
	v = NULL;
	if ((a->msgtype == CAP_UPDATE || a->msgtype == CAP_CANCEL) &&
	    a->nrefs == 0) {
		snprintf(err, errlen, "an %s needs <references> to the alert it "
		    "%s", cap_msgtype_name(a->msgtype), a->msgtype == CAP_UPDATE ?
		    "updates" : "cancels");
		goto fail;
	}
	for (xmlNode *c = root->children; c; c = c->next) {
		if (!is_cap(c, "info"))
			continue;
		if (a->ninfos == CAP_MAX_INFOS) {
			snprintf(err, errlen, "more than %d <info> blocks",
			    CAP_MAX_INFOS);
			goto fail;
		}
		if (parse_info(&a->infos[a->ninfos++], c, err, errlen) != 0)
			goto fail;
	}
	if (a->ninfos == 0 && a->msgtype != CAP_CANCEL &&
	    a->msgtype != CAP_ACK && a->msgtype != CAP_ERROR) {
		snprintf(err, errlen, "an %s without <info> says nothing to air",
		    cap_msgtype_name(a->msgtype));
		goto fail;
	}
	xmlFreeDoc(doc);
	return 0;
fail:
	g_free(v);
	xmlFreeDoc(doc);
	cap_alert_clear(a);
	return -1;
}

void
cap_alert_clear(struct cap_alert *a)
{
	g_free(a->identifier);
	g_free(a->sender);
	g_free(a->sent_text);
	for (int i = 0; i < a->nrefs; i++) {
		g_free(a->refs[i].sender);
		g_free(a->refs[i].identifier);
		g_free(a->refs[i].sent);
	}
	for (int i = 0; i < a->ninfos; i++) {
		struct cap_info *in = &a->infos[i];
		g_free(in->language);
		g_free(in->event);
		g_free(in->headline);
		g_free(in->description);
		g_free(in->instruction);
		for (int k = 0; k < in->ncodes; k++)
			g_free(in->codes[k]);
	}
	memset(a, 0, sizeof(*a));
}
