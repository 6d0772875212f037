/*
 * authz.c — what each role may do where: the rules every API handler and
 * page applies, kept pure so they can be tested on their own. A cadre acts
 * inside their own zone (a village cadre in their village, a township cadre
 * in every village of the township) and sees also the areas containing it,
 * so a village cadre sees the township's notice that will air at home but
 * cannot change it.
 */
#include <string.h>

#include "scheduler/scheduler.h"
#include "web-admin/web_int.h"

static const char *const role_names[] = { "village", "township", "county" };

const char *
web_role_name(enum web_role r)
{
	return r >= WEB_VILLAGE && r <= WEB_COUNTY ? role_names[r] : "?";
}

int
web_role_parse(const char *s)
{
	for (int i = 0; s && i < 3; i++)
		if (strcmp(s, role_names[i]) == 0)
			return i;
	return -1;
}

/* Is s inside the zone prefix (scheduler.h: the prefix rule, and a
 * province's or city's code holding its counties)? */
static bool
is_prefix(const char *prefix, const char *s)
{
	return dalabad_zone_inside(prefix, s);
}

bool
web_within(const struct web_principal *p, const char *zone)
{
	return zone != NULL && is_prefix(p->zone, zone);
}

bool
web_may_page(const struct web_principal *p, bool township_pages)
{
	return p->role == WEB_COUNTY || (p->role == WEB_TOWNSHIP &&
	    township_pages);
}

bool
web_sees(const struct web_principal *p, const char *zone)
{
	return zone != NULL && (is_prefix(p->zone, zone) ||
	    (zone[0] != '\0' && is_prefix(zone, p->zone)));
}

int
web_max_class(const struct web_principal *p)
{
	return (int)p->role;
}

bool
web_is_county(const struct web_principal *p)
{
	return p->role == WEB_COUNTY;
}

bool
web_role_fits(enum web_role r, const char *zone)
{
	size_t n = strlen(zone);

	return (r == WEB_COUNTY && n == 6) || (r == WEB_TOWNSHIP && n == 9) ||
	    (r == WEB_VILLAGE && n == 12);
}
