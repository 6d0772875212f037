/*
 * cli_page.c — `dalaba page`: issue an emergency page, watch how many of
 * its loudspeakers confirm playing it, list pages, cancel one (and watch
 * them fall silent). The counts are the API's (GET pages/ID), the same
 * the web page shows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cli_int.h"

enum { O_EXPIRES = 2000, O_WAIT, O_WATCH };

static void
page_usage(FILE *f)
{
	fprintf(f,
"usage: dalaba page --zone ZONE [--zone ZONE]... [options] TEXT|-\n"
"       dalaba page status ID [--watch]\n"
"       dalaba page cancel ID [--wait SECONDS]\n"
"       dalaba page list\n\n"
"An emergency page cuts into everything on the target zones' loudspeakers\n"
"within a second, whatever the hour: alert tone, then TEXT read as often as\n"
"--repeat says. County staff (and the state directory's token) may page;\n"
"township staff their own township if [pages] township = 1.\n\n"
"options:\n"
"  --zone ZONE       target zone code (up to 16; none inside another)\n"
"  --repeat N        times the text is read, 1-10 (default 2)\n"
"  --volume V        loudspeaker volume for the page, 0-100 (default 100)\n"
"  --expires MIN     off the air after this many minutes (default: the\n"
"                    server's [pages] expires_minutes)\n"
"  --voice NAME      mandarin (default) or cantonese\n"
"  --wait SECONDS    after paging: wait until every target confirms playing;\n"
"                    after cancel: until none plays it (exit 1 if not by then)\n"
"  --watch           status: print the counts every second until it ends\n"
"  --state-dir DIR   dalabad's state directory (for its address and token)\n"
"  --json            print the API's JSON\n");
}

/* A province's page: the sums of the counties below (NULL: none). */
static JsonObject *
federated(JsonObject *o)
{
	return json_object_has_member(o, "federated") ?
	    json_object_get_object_member(o, "federated") : NULL;
}

static void
print_counts(JsonObject *o)
{
	JsonObject *f = federated(o);

	printf("page %lld %s: %lld of %lld loudspeaker%s confirmed, %lld playing "
	    "now", (long long)cli_num(o, "id"), cli_str(o, "state"),
	    (long long)(cli_num(o, "confirmed") + (f ? cli_num(f, "confirmed") :
	    0)), (long long)(cli_num(o, "targets") + (f ? cli_num(f, "targets") :
	    0)), cli_num(o, "targets") + (f ? cli_num(f, "targets") : 0) == 1 ?
	    "" : "s", (long long)(cli_num(o, "playing") + (f ? cli_num(f,
	    "playing") : 0)));
	if (f)
		printf(" (in %lld of %lld counties below)", (long long)cli_num(f,
		    "delivered"), (long long)cli_num(f, "counties"));
	printf("\n");
	fflush(stdout);
}

/* Each county below, and a warning for each that has not taken it. */
static int
print_counties(JsonObject *o, bool lines)
{
	JsonArray *a = json_object_has_member(o, "counties") ?
	    json_object_get_array_member(o, "counties") : NULL;
	int n = 0;

	for (guint i = 0; a && i < json_array_get_length(a); i++) {
		JsonObject *k = json_array_get_object_element(a, i);
		const char *st = cli_str(k, "state");
		bool bad = strcmp(st, "unreachable") == 0 || strcmp(st,
		    "refused") == 0;
		if (lines)
			printf("  county %s %s: %s, %lld of %lld confirmed, %lld "
			    "playing%s%s%s\n", cli_str(k, "zone"), cli_str(k, "name"),
			    st, (long long)cli_num(k, "confirmed"),
			    (long long)cli_num(k, "targets"),
			    (long long)cli_num(k, "playing"),
			    json_object_has_member(k, "error") ? " (" : "",
			    json_object_has_member(k, "error") ? cli_str(k, "error") :
			    "", json_object_has_member(k, "error") ? ")" : "");
		if (bad) {
			n++;
			fprintf(stderr, "dalaba: WARNING: page %lld: county %s %s has "
			    "not taken it: %s%s%s\n", (long long)cli_num(o, "id"),
			    cli_str(k, "zone"), cli_str(k, "name"), st,
			    json_object_has_member(k, "error") ? ": " : "",
			    json_object_has_member(k, "error") ? cli_str(k, "error") :
			    "");
		}
	}
	return n;
}

/* Every target zone no loudspeaker will be heard in, named on stderr:
 * a page must never look complete while a village hears nothing. */
static int
warn_unheard(JsonObject *o)
{
	JsonArray *c = json_object_has_member(o, "coverage") ?
	    json_object_get_array_member(o, "coverage") : NULL;
	int n = 0;

	if (federated(o))	/* a province: its counties say who hears it */
		return print_counties(o, false);

	for (guint i = 0; c && i < json_array_get_length(c); i++) {
		JsonObject *z = json_array_get_object_element(c, i);
		gint64 total = cli_num(z, "speakers"), en = cli_num(z, "enrolled");
		if (cli_num(z, "online") > 0)
			continue;
		n++;
		fprintf(stderr, "dalaba: WARNING: page %lld: nobody hears it in "
		    "zone %s: %s\n", (long long)cli_num(o, "id"),
		    cli_str(z, "zone"), total == 0 ? "it has no loudspeaker" :
		    en == 0 ? "none of its loudspeakers has enrolled" :
		    "none of its loudspeakers is online");
	}
	return n;
}

static void
print_page(JsonObject *o)
{
	char b[32];
	JsonArray *z = json_object_has_member(o, "zones") ?
	    json_object_get_array_member(o, "zones") : NULL;

	printf("page %lld (%s), from %s at %s\n", (long long)cli_num(o, "id"),
	    cli_str(o, "state"), cli_str(o, "source"),
	    cli_when(cli_num(o, "created_at"), b, sizeof(b)));
	printf("  zones:");
	for (guint i = 0; z && i < json_array_get_length(z); i++)
		printf(" %s", json_array_get_string_element(z, i));
	printf("\n  read %lld times, volume %lld, expires %s\n",
	    (long long)cli_num(o, "repeat"), (long long)cli_num(o, "volume"),
	    cli_when(cli_num(o, "expires_at"), b, sizeof(b)));
	printf("  text: %s\n", cli_str(o, "text"));
	print_counts(o);
	JsonArray *u = json_object_has_member(o, "unconfirmed") ?
	    json_object_get_array_member(o, "unconfirmed") : NULL;
	for (guint i = 0; u && i < json_array_get_length(u); i++) {
		JsonObject *s = json_array_get_object_element(u, i);
		bool on = json_object_has_member(s, "online") &&
		    json_object_get_boolean_member(s, "online");
		bool en = !json_object_has_member(s, "enrolled") ||
		    json_object_get_boolean_member(s, "enrolled");
		printf("  not confirmed: speaker %lld %s (%s, %s)\n",
		    (long long)cli_num(s, "id"), cli_str(s, "name"),
		    cli_str(s, "zone"), !en ? "never enrolled" : on ? "online" :
		    "offline");
	}
	if (u && cli_num(o, "unconfirmed_count") > (gint64)json_array_get_length(u))
		printf("  ... and %lld more not confirmed\n",
		    (long long)(cli_num(o, "unconfirmed_count") -
		    (gint64)json_array_get_length(u)));
	if (federated(o))
		print_counties(o, true);
	else
		warn_unheard(o);
}

/* Poll the page every 0.5 s until done(o) or seconds pass. */
static int
watch(gint64 id, int seconds, bool (*done)(JsonObject *), bool quiet)
{
	gchar *path = g_strdup_printf("pages/%lld", (long long)id);
	gint64 until = g_get_monotonic_time() + (gint64)seconds * G_USEC_PER_SEC;
	char last[128] = "";
	int rc = CLI_OK;

	for (;;) {
		JsonNode *out = NULL;
		if ((rc = cli_call("GET", path, NULL, &out)) != CLI_OK)
			break;
		JsonObject *o = json_node_get_object(out);
		char now[128];
		JsonObject *f = federated(o);
		snprintf(now, sizeof(now), "%lld/%lld/%lld/%s/%lld/%lld/%lld/%lld",
		    (long long)cli_num(o, "confirmed"), (long long)cli_num(o,
		    "targets"), (long long)cli_num(o, "playing"), cli_str(o, "state"),
		    f ? (long long)cli_num(f, "confirmed") : 0LL, f ?
		    (long long)cli_num(f, "targets") : 0LL, f ? (long long)cli_num(f,
		    "playing") : 0LL, f ? (long long)cli_num(f, "delivered") : 0LL);
		if (!quiet && strcmp(now, last) != 0)
			print_counts(o);
		snprintf(last, sizeof(last), "%s", now);
		bool ok = done(o);
		json_node_unref(out);
		if (ok)
			break;
		if (g_get_monotonic_time() >= until) {
			fprintf(stderr, "dalaba: page %lld: not there after %d s\n",
			    (long long)id, seconds);
			rc = CLI_REFUSED;
			break;
		}
		g_usleep(500000);
	}
	g_free(path);
	return rc;
}

static bool
all_confirmed(JsonObject *o)
{
	JsonObject *f = federated(o);

	if (f)	/* every county took it, and all their boxes confirm */
		return (cli_num(f, "delivered") >= cli_num(f, "counties") &&
		    cli_num(f, "confirmed") >= cli_num(f, "targets")) ||
		    (strcmp(cli_str(o, "state"), "active") != 0 &&
		    cli_num(f, "on_air") == 0);
	return cli_num(o, "confirmed") >= cli_num(o, "targets") ||
	    strcmp(cli_str(o, "state"), "active") != 0;
}

static bool
silent(JsonObject *o)
{
	return cli_num(o, "playing") == 0;
}

static bool
ended(JsonObject *o)
{
	return strcmp(cli_str(o, "state"), "active") != 0 &&
	    cli_num(o, "playing") == 0;
}

static int
page_issue(int argc, char **argv)
{
	static const struct option opts[] = { COMMON_OPTS,
	    { "zone", required_argument, NULL, O_ZONE },
	    { "repeat", required_argument, NULL, O_REPEAT },
	    { "volume", required_argument, NULL, O_VOLUME },
	    { "expires", required_argument, NULL, O_EXPIRES },
	    { "voice", required_argument, NULL, O_VOICE },
	    { "wait", required_argument, NULL, O_WAIT },
	    { NULL, 0, NULL, 0 } };
	JsonObject *b = json_object_new();
	JsonArray *zones = json_array_new();
	JsonNode *out = NULL;
	gint64 v, wait = -1;
	int c, rc = CLI_USAGE;
	char *text = NULL;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (cli_common_opt(c))
			continue;
		if (c == O_ZONE) {
			json_array_add_string_element(zones, optarg);
		} else if (c == O_VOICE) {
			json_object_set_string_member(b, "voice", optarg);
		} else if ((c == O_REPEAT || c == O_VOLUME || c == O_EXPIRES ||
		    c == O_WAIT) && cli_int_arg(optarg, &v)) {
			if (c == O_WAIT)
				wait = v;
			else
				json_object_set_int_member(b, c == O_REPEAT ? "repeat" :
				    c == O_VOLUME ? "volume" : "expires_minutes", v);
		} else {
			if (c != 'h' && c != '?')
				fprintf(stderr, "dalaba: page: bad number \"%s\"\n",
				    optarg);
			page_usage(c == 'h' ? stdout : stderr);
			rc = c == 'h' ? CLI_OK : CLI_USAGE;
			goto out;
		}
	}
	if (optind != argc - 1 || json_array_get_length(zones) == 0) {
		fprintf(stderr, "dalaba: page: give --zone and the TEXT (or - to "
		    "read it from standard input)\n");
		goto out;
	}
	if ((text = cli_text_arg(argv[optind])) == NULL)
		goto out;
	json_object_set_string_member(b, "text", text);
	json_object_set_array_member(b, "zones", zones);
	zones = NULL;
	rc = cli_call("POST", "pages", b, &out);
	b = NULL;
	if (rc != CLI_OK)
		goto out;
	JsonObject *o = json_node_get_object(out);
	if (cli_json)
		client_print_json(out);
	else
	{
		printf("page %lld on the air: %lld loudspeaker%s targeted",
		    (long long)cli_num(o, "id"), (long long)cli_num(o, "targets"),
		    cli_num(o, "targets") == 1 ? "" : "s");
		if (federated(o))
			printf(" here, and going down to %lld count%s",
			    (long long)cli_num(federated(o), "counties"),
			    cli_num(federated(o), "counties") == 1 ? "y" : "ies");
		printf("\n");
	}
	warn_unheard(o);
	if (wait >= 0)
		rc = watch(cli_num(o, "id"), (int)wait, all_confirmed, cli_json);
out:
	if (zones)
		json_array_unref(zones);
	if (b)
		json_object_unref(b);
	if (out)
		json_node_unref(out);
	free(text);
	return rc;
}

int
cli_page(int argc, char **argv)
{
	static const struct option opts[] = { COMMON_OPTS,
	    { "wait", required_argument, NULL, O_WAIT },
	    { "watch", no_argument, NULL, O_WATCH },
	    { NULL, 0, NULL, 0 } };
	JsonNode *out = NULL;
	gint64 id, wait = -1;
	bool watching = false;
	int c, rc;

	if (argc < 2 || (strcmp(argv[1], "status") != 0 &&
	    strcmp(argv[1], "cancel") != 0 && strcmp(argv[1], "list") != 0))
		return page_issue(argc, argv);
	const char *sub = argv[1];
	argc--;
	argv++;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (cli_common_opt(c))
			continue;
		if (c == O_WATCH) {
			watching = true;
		} else if (c == O_WAIT && cli_int_arg(optarg, &wait)) {
			continue;
		} else {
			page_usage(c == 'h' ? stdout : stderr);
			return c == 'h' ? CLI_OK : CLI_USAGE;
		}
	}
	if (strcmp(sub, "list") == 0) {
		if ((rc = cli_call("GET", "pages", NULL, &out)) != CLI_OK)
			return rc;
		if (cli_json) {
			client_print_json(out);
		} else {
			JsonArray *a = json_node_get_array(out);
			char b[32];
			printf("%-5s %-9s %-16s %-9s %s\n", "ID", "STATE", "STARTED",
			    "CONFIRMED", "TEXT");
			for (guint i = 0; i < json_array_get_length(a); i++) {
				JsonObject *o = json_array_get_object_element(a, i);
				char conf[24];
				snprintf(conf, sizeof(conf), "%lld/%lld",
				    (long long)cli_num(o, "confirmed"),
				    (long long)cli_num(o, "targets"));
				printf("%-5lld %-9s %-16s %-9s %.60s\n",
				    (long long)cli_num(o, "id"), cli_str(o, "state"),
				    cli_when(cli_num(o, "created_at"), b, sizeof(b)),
				    conf, cli_str(o, "text"));
			}
		}
		json_node_unref(out);
		return CLI_OK;
	}
	if (cli_id_operand(argc, argv, sub, &id) != 0)
		return CLI_USAGE;
	gchar *path = g_strdup_printf("pages/%lld%s", (long long)id,
	    sub[0] == 'c' ? "/cancel" : "");
	rc = cli_call(sub[0] == 'c' ? "POST" : "GET", path, NULL, &out);
	g_free(path);
	if (rc != CLI_OK)
		return rc;
	if (cli_json)
		client_print_json(out);
	else if (sub[0] == 'c')
		printf("page %lld cancelled\n", (long long)id);
	else
		print_page(json_node_get_object(out));
	json_node_unref(out);
	if (sub[0] == 'c' && wait >= 0)
		rc = watch(id, (int)wait, silent, cli_json);
	else if (sub[0] == 's' && watching)
		rc = watch(id, 24 * 3600, ended, cli_json);
	return rc;
}
