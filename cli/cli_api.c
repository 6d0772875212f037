/*
 * cli_api.c — the dalaba commands for zones, loudspeakers and what dalabad
 * is doing: zone, speaker, status, broadcasts. Notices and schedules are
 * in cli_notice.c; the shared pieces in cli_common.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_int.h"

/* ---- zone ---- */

static void
zone_usage(FILE *f)
{
	fprintf(f,
"usage: dalaba zone add CODE NAME [--quiet HH:MM-HH:MM] [--drills]\n"
"                              [--volume 0-100]\n"
"       dalaba zone list\n\n"
"CODE is an administrative division code: county 6 digits, township 9,\n"
"village 12. Quiet hours (default 21:30-06:00) hold routine items.\n"
"--volume: routine items sent to this zone play at this volume when their\n"
"schedule sets none (else each loudspeaker plays at its own).\n"
"--drills: CAP alerts with status Exercise or Test air here (elsewhere\n"
"they are only logged).\n");
}

int
cli_zone(int argc, char **argv)
{
	static const struct option opts[] = { COMMON_OPTS,
	    { "quiet", required_argument, NULL, O_QUIET },
	    { "drills", no_argument, NULL, O_DRILLS },
	    { "volume", required_argument, NULL, O_VOLUME }, { NULL, 0, NULL, 0 } };
	JsonNode *out = NULL;
	const char *quiet = NULL, *volume = NULL;
	bool drills = false;
	int rc, c;

	const char *sub = cli_subcommand(&argc, &argv, zone_usage, &rc);
	if (sub == NULL)
		return rc;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (cli_common_opt(c))
			continue;
		if (c == O_QUIET) {
			quiet = optarg;
			continue;
		}
		if (c == O_DRILLS) {
			drills = true;
			continue;
		}
		if (c == O_VOLUME) {
			volume = optarg;
			continue;
		}
		zone_usage(c == 'h' ? stdout : stderr);
		return c == 'h' ? CLI_OK : CLI_USAGE;
	}
	if (strcmp(sub, "add") == 0) {
		if (optind != argc - 2) {
			zone_usage(stderr);
			return CLI_USAGE;
		}
		JsonObject *o = json_object_new();
		json_object_set_string_member(o, "code", argv[optind]);
		json_object_set_string_member(o, "name", argv[optind + 1]);
		if (drills)
			json_object_set_boolean_member(o, "drills", TRUE);
		if (volume) {
			char *end;
			long v = strtol(volume, &end, 10);
			if (*volume == '\0' || *end != '\0' || v < 0 || v > 100) {
				fprintf(stderr, "dalaba: --volume is 0 to 100, not "
				    "\"%s\"\n", volume);
				json_object_unref(o);
				return CLI_USAGE;
			}
			json_object_set_int_member(o, "volume", v);
		}
		if (quiet) {
			const char *dash = strchr(quiet, '-');
			if (dash == NULL) {
				fprintf(stderr, "dalaba: --quiet is HH:MM-HH:MM\n");
				json_object_unref(o);
				return CLI_USAGE;
			}
			gchar *start = g_strndup(quiet, (gsize)(dash - quiet));
			json_object_set_string_member(o, "quiet_start", start);
			json_object_set_string_member(o, "quiet_end", dash + 1);
			g_free(start);
		}
		rc = cli_call("POST", "zones", o, &out);
		if (rc == CLI_OK && cli_json)
			client_print_json(out);
		else if (rc == CLI_OK)
			printf("zone %s (%s) added\n", argv[optind], argv[optind + 1]);
	} else if (strcmp(sub, "list") == 0) {
		rc = cli_call("GET", "zones", NULL, &out);
		if (rc == CLI_OK && cli_json) {
			client_print_json(out);
		} else if (rc == CLI_OK) {
			JsonArray *a = json_node_get_array(out);
			printf("%-12s %-11s %-6s %s\n", "CODE", "QUIET", "VOLUME",
			    "NAME");
			for (guint i = 0; i < json_array_get_length(a); i++) {
				JsonObject *o = json_array_get_object_element(a, i);
				char vol[8] = "-";
				if (json_object_has_member(o, "volume") &&
				    !json_object_get_null_member(o, "volume"))
					snprintf(vol, sizeof(vol), "%lld",
					    (long long)cli_num(o, "volume"));
				printf("%-12s %s-%s %-6s %s\n", cli_str(o, "code"),
				    cli_str(o, "quiet_start"), cli_str(o, "quiet_end"),
				    vol, cli_str(o, "name"));
			}
		}
	} else {
		fprintf(stderr, "dalaba: zone %s: unknown (add, list)\n", sub);
		return CLI_USAGE;
	}
	if (out)
		json_node_unref(out);
	return rc;
}

/* ---- speaker ---- */

static void
speaker_usage(FILE *f)
{
	fprintf(f,
"usage: dalaba speaker add ID --zone VILLAGE-CODE [--name NAME]\n"
"       dalaba speaker list [--zone PREFIX]\n"
"       dalaba speaker token ID\n"
"       dalaba speaker volume ID 0-100|default\n"
"       dalaba speaker tone ID\n\n"
"add and token print a one-time token (valid 24 hours) and the command\n"
"that enrols the loudspeaker box with it.\n"
"volume sets the box's own volume (default: back to the one in its\n"
"configuration); the box is told within seconds, keeps it across restarts\n"
"and a lost link, and never plays above its own max_volume. A schedule's\n"
"or a zone's volume still wins for the items it is set for.\n"
"tone plays a few seconds of chime and speech on that box alone (not its\n"
"neighbours); refused while a broadcast or a page is on air there.\n");
}

static void
print_token(JsonNode *out)
{
	JsonObject *o = json_node_get_object(out);

	if (cli_json) {
		client_print_json(out);
		return;
	}
	printf("speaker %lld (zone %s): one-time token %s\n"
	    "on the loudspeaker box, run:\n  %s\n", (long long)cli_num(o, "id"),
	    cli_str(o, "zone"), cli_str(o, "token"), cli_str(o, "command"));
}

int
cli_speaker(int argc, char **argv)
{
	static const struct option opts[] = { COMMON_OPTS,
	    { "zone", required_argument, NULL, O_ZONE },
	    { "name", required_argument, NULL, O_NAME }, { NULL, 0, NULL, 0 } };
	JsonNode *out = NULL;
	const char *zone = NULL, *name = NULL;
	gint64 id;
	int rc, c;
	char b[32];

	const char *sub = cli_subcommand(&argc, &argv, speaker_usage, &rc);
	if (sub == NULL)
		return rc;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (cli_common_opt(c))
			continue;
		if (c == O_ZONE || c == O_NAME) {
			*(c == O_ZONE ? &zone : &name) = optarg;
			continue;
		}
		speaker_usage(c == 'h' ? stdout : stderr);
		return c == 'h' ? CLI_OK : CLI_USAGE;
	}
	if (strcmp(sub, "add") == 0) {
		if (cli_id_operand(argc, argv, "speaker add", &id) != 0 || zone == NULL) {
			if (zone == NULL)
				fprintf(stderr, "dalaba: speaker add needs --zone\n");
			return CLI_USAGE;
		}
		JsonObject *o = json_object_new();
		json_object_set_int_member(o, "id", id);
		json_object_set_string_member(o, "zone", zone);
		if (name)
			json_object_set_string_member(o, "name", name);
		if ((rc = cli_call("POST", "speakers", o, &out)) == CLI_OK)
			print_token(out);
	} else if (strcmp(sub, "token") == 0) {
		if (cli_id_operand(argc, argv, "speaker token", &id) != 0)
			return CLI_USAGE;
		gchar *path = g_strdup_printf("speakers/%lld/token", (long long)id);
		if ((rc = cli_call("POST", path, NULL, &out)) == CLI_OK)
			print_token(out);
		g_free(path);
	} else if (strcmp(sub, "volume") == 0) {
		gint64 v = -1;
		if (optind != argc - 2 || !cli_int_arg(argv[optind], &id) ||
		    id <= 0 || (strcmp(argv[optind + 1], "default") != 0 &&
		    (!cli_int_arg(argv[optind + 1], &v) || v < 0 || v > 100))) {
			fprintf(stderr, "dalaba: speaker volume takes an id and a "
			    "volume from 0 to 100 (or default)\n");
			return CLI_USAGE;
		}
		JsonObject *o = json_object_new();
		if (v < 0)
			json_object_set_null_member(o, "volume");
		else
			json_object_set_int_member(o, "volume", v);
		gchar *path = g_strdup_printf("speakers/%lld/volume", (long long)id);
		if ((rc = cli_call("POST", path, o, &out)) == CLI_OK && cli_json)
			client_print_json(out);
		else if (rc == CLI_OK && v < 0)
			printf("speaker %lld: its configured volume again\n",
			    (long long)id);
		else if (rc == CLI_OK)
			printf("speaker %lld: volume %lld\n", (long long)id,
			    (long long)v);
		g_free(path);
	} else if (strcmp(sub, "tone") == 0) {
		if (cli_id_operand(argc, argv, "speaker tone", &id) != 0)
			return CLI_USAGE;
		gchar *path = g_strdup_printf("speakers/%lld/tone", (long long)id);
		if ((rc = cli_call("POST", path, json_object_new(), &out)) ==
		    CLI_OK && cli_json)
			client_print_json(out);
		else if (rc == CLI_OK)
			printf("speaker %lld: test tone on its way (see GET "
			    "speakers/%lld/history for its answer)\n", (long long)id,
			    (long long)id);
		g_free(path);
	} else if (strcmp(sub, "list") == 0) {
		/* A page of 1000 at a time, as the API gives them. */
		JsonArray *all = json_array_new();
		gint64 after = 0;
		for (;;) {
			gchar *path = g_strdup_printf("speakers?limit=1000&after=%lld%s%s",
			    (long long)after, zone ? "&zone=" : "", zone ? zone : "");
			JsonNode *page = NULL;
			rc = cli_call("GET", path, NULL, &page);
			g_free(path);
			if (rc != CLI_OK)
				break;
			JsonArray *a = json_node_get_array(page);
			guint got = json_array_get_length(a);
			for (guint i = 0; i < got; i++) {
				JsonNode *e = json_array_get_element(a, i);
				after = json_object_get_int_member(json_node_get_object(e),
				    "id");
				json_array_add_element(all, json_node_copy(e));
			}
			json_node_unref(page);
			if (got < 1000)
				break;
		}
		out = json_node_new(JSON_NODE_ARRAY);
		json_node_take_array(out, all);
		if (rc == CLI_OK && cli_json) {
			client_print_json(out);
		} else if (rc == CLI_OK) {
			JsonArray *a = json_node_get_array(out);
			printf("%-6s %-12s %-8s %-8s %-19s %-8s %s\n", "ID", "ZONE",
			    "STATE", "PLAYING", "LAST HEARD", "LOST", "NAME");
			for (guint i = 0; i < json_array_get_length(a); i++) {
				JsonObject *o = json_array_get_object_element(a, i);
				bool enrolled = json_object_get_boolean_member(o,
				    "enrolled");
				bool online = json_object_get_boolean_member(o, "online");
				bool playing = json_object_has_member(o, "playing") &&
				    json_object_get_boolean_member(o, "playing");
				printf("%-6lld %-12s %-8s %-8s %-19s %-8lld %s\n",
				    (long long)cli_num(o, "id"), cli_str(o, "zone"),
				    !enrolled ? "new" : online ? "online" : "offline",
				    playing ? "yes" : "-", cli_when(cli_num(o, "last_heard"), b,
				    sizeof(b)), (long long)cli_num(o, "lost"), cli_str(o, "name"));
			}
		}
	} else {
		fprintf(stderr, "dalaba: speaker %s: unknown (add, list, token, "
		    "volume, tone)\n",
		    sub);
		return CLI_USAGE;
	}
	if (out)
		json_node_unref(out);
	return rc;
}

/* ---- status, broadcasts ---- */

static void
status_usage(FILE *f)
{
	fprintf(f, "usage: dalaba status [--json]\n"
	    "       dalaba broadcasts [--notice ID] [--json]\n");
}

int
cli_status(int argc, char **argv)
{
	JsonNode *out = NULL;
	int rc;
	char b[32];

	if ((rc = cli_simple_opts(argc, argv, status_usage, NULL)) != 0)
		return rc < 0 ? CLI_OK : rc;
	if ((rc = cli_call("GET", "status", NULL, &out)) != CLI_OK)
		return rc;
	if (cli_json) {
		client_print_json(out);
	} else {
		JsonObject *o = json_node_get_object(out);
		JsonObject *s = json_object_get_object_member(o, "speakers");
		printf("dalabad %s, %s (%s)\n", cli_str(o, "version"),
		    cli_when(cli_num(o, "now"), b, sizeof(b)), cli_str(o, "timezone"));
		printf("speakers: %lld known, %lld online, %lld playing\n",
		    (long long)cli_num(s, "known"), (long long)cli_num(s, "online"),
		    (long long)cli_num(s, "playing"));
		JsonArray *a = json_object_get_array_member(o, "on_air");
		printf("on air: %u, waiting: %lld\n", json_array_get_length(a),
		    (long long)cli_num(o, "waiting"));
		for (guint i = 0; i < json_array_get_length(a); i++) {
			JsonObject *x = json_array_get_object_element(a, i);
			printf("  broadcast %lld  notice %lld  %s  zone %s  "
			    "confirmed %lld/%lld  %s\n", (long long)cli_num(x,
			    "broadcast"), (long long)cli_num(x, "notice"),
			    cli_str(x, "class"), cli_str(x, "zone"), (long long)cli_num(x,
			    "confirmed"), (long long)cli_num(x, "targets"),
			    cli_str(x, "title"));
		}
	}
	json_node_unref(out);
	return CLI_OK;
}

int
cli_broadcasts(int argc, char **argv)
{
	static const struct option opts[] = { COMMON_OPTS,
	    { "notice", required_argument, NULL, O_NOTICE }, { NULL, 0, NULL, 0 } };
	JsonNode *out = NULL;
	gint64 notice = 0;
	int rc, c;
	char b1[32], b2[32];

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (cli_common_opt(c))
			continue;
		if (c == O_NOTICE && cli_int_arg(optarg, &notice))
			continue;
		status_usage(c == 'h' ? stdout : stderr);
		return c == 'h' ? CLI_OK : CLI_USAGE;
	}
	gchar *path = g_strdup_printf("broadcasts?notice=%lld", (long long)notice);
	rc = cli_call("GET", path, NULL, &out);
	g_free(path);
	if (rc != CLI_OK)
		return rc;
	if (cli_json) {
		client_print_json(out);
	} else {
		JsonArray *a = json_node_get_array(out);
		printf("%-6s %-6s %-12s %-19s %-19s %-11s %-9s %s\n", "BCAST",
		    "NOTICE", "ZONE", "SLOT", "ON AIR", "OUTCOME", "CONFIRMED",
		    "REASON");
		for (guint i = 0; i < json_array_get_length(a); i++) {
			JsonObject *x = json_array_get_object_element(a, i);
			char conf[32];
			snprintf(conf, sizeof(conf), "%lld/%lld", (long long)cli_num(x,
			    "confirmed"), (long long)cli_num(x, "targets"));
			printf("%-6lld %-6lld %-12s %-19s %-19s %-11s %-9s %s\n",
			    (long long)cli_num(x, "id"), (long long)cli_num(x, "notice"),
			    cli_str(x, "zone"), cli_when(cli_num(x, "slot_at"), b1, sizeof(b1)),
			    cli_when(cli_num(x, "on_air_at"), b2, sizeof(b2)),
			    cli_str(x, "outcome")[0] ? cli_str(x, "outcome") : "pending",
			    conf, cli_str(x, "reason"));
		}
	}
	json_node_unref(out);
	return CLI_OK;
}
