/*
 * api_authz.c — the API's side of authorisation: the web admin's rules
 * (web-admin/authz.c) applied to a request, answering 403 or 404 itself so
 * each handler needs one line per check.
 */
#include <stdio.h>
#include <string.h>

#include "web-admin/api_int.h"

void
api_audit_about(struct api_req *r, const char *zone)
{
	snprintf(r->zone_buf, sizeof(r->zone_buf), "%s", zone ? zone : "");
	r->audit_zone = r->zone_buf;
}

bool
api_need_within(struct api_req *r, const char *zone)
{
	if (web_within(&r->who, zone)) {
		api_audit_about(r, zone);	/* what a change here is about */
		return true;
	}
	api_error(r, 403, "forbidden", "%s may act only inside zone %s, not in "
	    "%.12s", r->who.name, r->who.zone, zone);
	return false;
}

bool
api_need_county(struct api_req *r)
{
	if (web_is_county(&r->who))
		return true;
	api_error(r, 403, "forbidden", "only county staff may do this");
	return false;
}

bool
api_zone_allowed(struct api_req *r, const char *zone, const char *what,
    int64_t id, bool act)
{
	/* What the caller may not see does not exist, as far as they know. */
	if (zone == NULL || !web_sees(&r->who, zone)) {
		api_error(r, 404, "not_found", "no %s %lld", what, (long long)id);
		return false;
	}
	api_audit_about(r, zone);
	return !act || api_need_within(r, zone);
}

bool
api_notice_allowed(struct api_req *r, int64_t id, bool act)
{
	JsonNode *rows = api_rows(r->wa, DB_LIST_NOTICE_ZONE, DB_ARGS(id));
	JsonArray *a = rows ? json_node_get_array(rows) : NULL;
	JsonObject *o = a && json_array_get_length(a) == 1 ?
	    json_array_get_object_element(a, 0) : NULL;
	bool ok = api_zone_allowed(r, o ? json_object_get_string_member(o,
	    "zone") : NULL, "notice", id, act);
	int64_t page = o ? json_object_get_int_member(o, "page") : 0;

	if (rows)
		json_node_unref(rows);
	/* A page's notices are the page's: scheduled again, edited or
	 * cancelled one by one they would let anyone who may act in a
	 * village re-air or silence an emergency there. */
	if (ok && act && page) {
		api_error(r, 409, "page", "notice %lld is part of emergency page "
		    "%lld: act on the page (pages/%lld)", (long long)id,
		    (long long)page, (long long)page);
		return false;
	}
	return ok;
}

int
api_zones_ok(struct api_req *r, const char *const *zones, int n)
{
	for (int i = 0; i < n; i++) {
		if (!api_zone_code_ok(zones[i])) {
			api_error(r, 400, "bad_zone", "\"%.40s\" is not a zone code "
			    "(6, 9 or 12 digits)", zones[i]);
			return -1;
		}
		/* Outside first: whether a zone exists beyond yours is not
		 * yours to learn. */
		if (!web_within(&r->who, zones[i])) {
			api_error(r, 403, "forbidden", "zone %s is outside your "
			    "zone %s", zones[i], r->who.zone[0] ? r->who.zone :
			    "*");
			return -1;
		}
		if (db_zone_drills(r->wa->db, zones[i]) < 0) {
			api_error(r, 400, "unknown_zone", "no zone %s", zones[i]);
			return -1;
		}
		for (int j = 0; j < i; j++)
			if (dalabad_zones_overlap(zones[i], zones[j])) {
				api_error(r, 400, "overlapping_zones", "zones %s "
				    "and %s overlap: name the wider one only",
				    zones[j], zones[i]);
				return -1;
			}
	}
	return 0;
}

void
api_zones_common(const char *const *zones, int n, char common[13])
{
	common[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (i == 0) {
			snprintf(common, 13, "%.12s", zones[i]);
			continue;
		}
		size_t k = 0;
		while (common[k] && common[k] == zones[i][k])
			k++;
		/* Cut to a whole level: 6, 9 or 12 digits. */
		k = k >= 12 ? 12 : k >= 9 ? 9 : k >= 6 ? 6 : 0;
		common[k] = '\0';
	}
}
