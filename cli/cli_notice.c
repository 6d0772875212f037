/*
 * cli_notice.c — `dalaba notice` and `dalaba schedule`: what is read, and
 * when, through dalabad's JSON API.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_int.h"

/* ---- notice ---- */

static void
notice_usage(FILE *f)
{
	fprintf(f,
"usage: dalaba notice add --zone CODE [options] [when] TEXT|-\n"
"       dalaba notice add --zone CODE --recording FILE [options] [when] [TEXT|-]\n"
"       dalaba notice list [--zone PREFIX]\n"
"       dalaba notice show ID\n"
"       dalaba notice cancel ID\n"
"\n"
"add options:\n"
"  --zone CODE[,CODE..] target: county (6 digits), township (9), village (12);\n"
"                       several (one notice, one log each) comma-separated\n"
"  --title TEXT         read once after the chime\n"
"  --class C            village, township or county (default: by the zone)\n"
"  --repeat N           times the text is read, 1-10 (default 1)\n"
"  --no-chime           no attention chime\n"
"  --voice V            mandarin (default) or cantonese\n"
"  --rate N             words per minute, 80-450 (default 150)\n"
"  --feed URL|dir:PATH  news: read the newest items of an RSS/Atom feed or\n"
"                       of .txt files in a folder after TEXT\n"
"  --items N            how many news items (default 3)\n"
"  --recording FILE     a voice notice: FILE (M4A/AAC, AMR, MP3, Ogg or WebM\n"
"                       Opus/Vorbis, WAV, FLAC; 10 MB, 10 minutes at most) is\n"
"                       heard instead of TEXT, which is then only shown\n"
"  --private            not on the village's listen-again page and podcast\n"
"%s"
"Without a time the notice is stored; `dalaba schedule add` airs it later.\n"
"common: --state-dir DIR (where dalabad keeps api.url and api.token),\n"
"        --json (print dalabad's answer as JSON)\n", cli_schedule_help);
}

/* Bring FILE to dalabad (POST recordings, for the notice's one zone) and
 * name it in body as the notice's recording. */
static int
upload(const char *file, JsonObject *body)
{
	gchar *data = NULL, *path;
	gsize len;
	GError *gerr = NULL;
	JsonNode *out = NULL;
	const char *zone = json_object_has_member(body, "zone") ?
	    json_object_get_string_member(body, "zone") : NULL;

	if (!g_file_get_contents(file, &data, &len, &gerr)) {
		fprintf(stderr, "dalaba: %s\n", gerr->message);
		g_error_free(gerr);
		return CLI_USAGE;
	}
	path = zone ? g_strdup_printf("recordings?zone=%s", zone) :
	    g_strdup("recordings");
	GBytes *b = g_bytes_new_take(data, len);
	int rc = client_call_bytes(client_state_dir(cli_state_flag), "POST",
	    path, "application/octet-stream", b, &out);
	g_bytes_unref(b);
	g_free(path);
	if (rc == CLI_OK) {
		JsonObject *o = json_node_get_object(out);
		json_object_set_string_member(body, "recording",
		    json_object_get_string_member(o, "recording"));
		if (!cli_json)
			printf("recording %s: %.1f s (%s, %s)\n",
			    json_object_get_string_member(o, "recording"),
			    json_object_get_double_member(o, "seconds"),
			    json_object_get_string_member(o, "format"),
			    json_object_get_string_member(o, "codec"));
	}
	if (out)
		json_node_unref(out);
	return rc;
}

static int
notice_add(int argc, char **argv)
{
	static const struct option opts[] = {
		COMMON_OPTS, SCHEDULE_OPTS,
		{ "zone", required_argument, NULL, O_ZONE },
		{ "title", required_argument, NULL, O_TITLE },
		{ "class", required_argument, NULL, O_CLASS },
		{ "repeat", required_argument, NULL, O_REPEAT },
		{ "no-chime", no_argument, NULL, O_NOCHIME },
		{ "voice", required_argument, NULL, O_VOICE },
		{ "rate", required_argument, NULL, O_RATE },
		{ "feed", required_argument, NULL, O_FEED },
		{ "items", required_argument, NULL, O_ITEMS },
		{ "recording", required_argument, NULL, O_RECORDING },
		{ "private", no_argument, NULL, O_PRIVATE },
		{ NULL, 0, NULL, 0 },
	};
	const char *recording = NULL;
	JsonObject *body = json_object_new(), *sched = NULL;
	JsonNode *out = NULL;
	gint64 v;
	int c, rc;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		int k = cli_schedule_opt(c, &sched);
		if (k < 0)
			goto usage;
		if (k > 0 || cli_common_opt(c))
			continue;
		switch (c) {
		case O_ZONE:
			if (strchr(optarg, ',') == NULL) {
				json_object_set_string_member(body, "zone", optarg);
				break;
			}
			JsonArray *za = json_array_new();
			gchar **zs = g_strsplit(optarg, ",", 0);
			for (int i = 0; zs[i]; i++)
				json_array_add_string_element(za, g_strstrip(zs[i]));
			g_strfreev(zs);
			json_object_set_array_member(body, "zones", za);
			break;
		case O_TITLE: json_object_set_string_member(body, "title", optarg); break;
		case O_CLASS: json_object_set_string_member(body, "class", optarg); break;
		case O_VOICE: json_object_set_string_member(body, "voice", optarg); break;
		case O_FEED: json_object_set_string_member(body, "feed", optarg); break;
		case O_NOCHIME: json_object_set_boolean_member(body, "chime", FALSE); break;
		case O_PRIVATE: json_object_set_boolean_member(body, "private", TRUE); break;
		case O_RECORDING: recording = optarg; break;
		case O_REPEAT:
		case O_RATE:
		case O_ITEMS:
			if (!cli_int_arg(optarg, &v)) {
				fprintf(stderr, "dalaba: --%s takes a number\n",
				    c == O_REPEAT ? "repeat" : c == O_RATE ? "rate" :
				    "items");
				goto usage;
			}
			json_object_set_int_member(body, c == O_REPEAT ? "repeat" :
			    c == O_RATE ? "rate" : "feed_items", v);
			break;
		case 'h':
			notice_usage(stdout);
			rc = CLI_OK;
			goto done;
		default:
			goto usage;
		}
	}
	if (optind != argc - 1 && !(recording && optind == argc)) {
		fprintf(stderr, "dalaba: notice add takes one TEXT (or - for "
		    "standard input)%s\n", recording ? ", or none with "
		    "--recording" : "");
		goto usage;
	}
	if (recording && (rc = upload(recording, body)) != CLI_OK)
		goto done;
	if (optind < argc) {
		char *text = cli_text_arg(argv[optind]);
		json_object_set_string_member(body, "body", text);
		g_free(text);
	}
	if (sched)
		json_object_set_object_member(body, "schedule", sched);
	sched = NULL;
	rc = cli_call("POST", "notices", body, &out);
	body = NULL;
	if (rc == CLI_OK)
		rc = cli_print_created(out, "notice");
	goto done;
usage:
	notice_usage(stderr);
	rc = CLI_USAGE;
done:
	if (body)
		json_object_unref(body);
	if (sched)
		json_object_unref(sched);
	if (out)
		json_node_unref(out);
	return rc;
}

static int
notice_list(JsonNode *out)
{
	JsonArray *a = json_node_get_array(out);
	char b[32];

	printf("%-6s %-12s %-9s %-19s %-9s %s\n", "ID", "ZONE", "CLASS",
	    "CREATED", "STATE", "TITLE / TEXT");
	for (guint i = 0; i < json_array_get_length(a); i++) {
		JsonObject *o = json_array_get_object_element(a, i);
		const char *t = cli_str(o, "title");
		printf("%-6lld %-12s %-9s %-19s %-9s %.60s\n",
		    (long long)cli_num(o, "id"), cli_str(o, "zone"), cli_str(o, "class"),
		    cli_when(cli_num(o, "created_at"), b, sizeof(b)),
		    cli_num(o, "cancelled_at") ? "cancelled" : "live",
		    t[0] ? t : cli_str(o, "body"));
	}
	return CLI_OK;
}

static int
notice_show(JsonNode *out)
{
	JsonObject *o = json_node_get_object(out);
	char b1[32], b2[32];

	printf("notice %lld  zone %s  class %s  repeat %lld  voice %s  rate %lld%s\n",
	    (long long)cli_num(o, "id"), cli_str(o, "zone"), cli_str(o, "class"),
	    (long long)cli_num(o, "repeat"), cli_str(o, "voice"), (long long)cli_num(o, "rate"),
	    cli_num(o, "cancelled_at") ? "  CANCELLED" : "");
	if (cli_str(o, "title")[0])
		printf("title: %s\n", cli_str(o, "title"));
	printf("text:  %s\n", cli_str(o, "body"));
	if (cli_str(o, "feed")[0])
		printf("news:  %s (%lld items)\n", cli_str(o, "feed"),
		    (long long)cli_num(o, "feed_items"));
	JsonArray *s = json_object_get_array_member(o, "schedules");
	for (guint i = 0; s && i < json_array_get_length(s); i++) {
		JsonObject *x = json_array_get_object_element(s, i);
		char kind[32];
		cli_kind(x, kind, sizeof(kind));
		printf("schedule %lld: %s %s%s\n", (long long)cli_num(x, "id"),
		    kind, cli_num(x, "once_at") ? cli_when(cli_num(x, "once_at"),
		    b1, sizeof(b1)) : cli_str(x, "times"), cli_num(x, "removed_at") ?
		    " (removed)" : "");
	}
	JsonArray *bc = json_object_get_array_member(o, "broadcasts");
	if (bc && json_array_get_length(bc) > 0)
		printf("%-6s %-19s %-19s %-11s %-9s %s\n", "BCAST", "SLOT", "ON AIR",
		    "OUTCOME", "CONFIRMED", "REASON");
	for (guint i = 0; bc && i < json_array_get_length(bc); i++) {
		JsonObject *x = json_array_get_object_element(bc, i);
		char conf[32];
		snprintf(conf, sizeof(conf), "%lld/%lld", (long long)cli_num(x,
		    "confirmed"), (long long)cli_num(x, "targets"));
		printf("%-6lld %-19s %-19s %-11s %-9s %s%s\n", (long long)cli_num(x, "id"),
		    cli_when(cli_num(x, "slot_at"), b1, sizeof(b1)), cli_when(cli_num(x,
		    "on_air_at"), b2, sizeof(b2)), cli_str(x, "outcome")[0] ?
		    cli_str(x, "outcome") : "pending", conf, cli_str(x, "reason"),
		    cli_num(x, "interruptions") ? " (pre-empted before)" : "");
	}
	return CLI_OK;
}

int
cli_notice(int argc, char **argv)
{
	JsonNode *out = NULL;
	const char *zone = NULL;
	gint64 id;
	int rc;

	const char *sub = cli_subcommand(&argc, &argv, notice_usage, &rc);
	if (sub == NULL)
		return rc;
	if (strcmp(sub, "add") == 0)
		return notice_add(argc, argv);
	if ((rc = cli_simple_opts(argc, argv, notice_usage, &zone)) != 0)
		return rc < 0 ? CLI_OK : rc;
	if (strcmp(sub, "list") == 0) {
		gchar *path = g_strdup_printf("notices%s%s", zone ? "?zone=" : "",
		    zone ? zone : "");
		rc = cli_call("GET", path, NULL, &out);
		g_free(path);
		if (rc == CLI_OK)
			rc = cli_json ? (client_print_json(out), CLI_OK) :
			    notice_list(out);
	} else if (strcmp(sub, "show") == 0 || strcmp(sub, "cancel") == 0) {
		if (cli_id_operand(argc, argv, sub, &id) != 0)
			return CLI_USAGE;
		gchar *path = g_strdup_printf("notices/%lld%s", (long long)id,
		    sub[0] == 'c' ? "/cancel" : "");
		rc = cli_call(sub[0] == 'c' ? "POST" : "GET", path, NULL, &out);
		g_free(path);
		if (rc == CLI_OK && cli_json)
			client_print_json(out);
		else if (rc == CLI_OK && sub[0] == 'c')
			printf("notice %lld cancelled\n", (long long)id);
		else if (rc == CLI_OK)
			notice_show(out);
	} else {
		fprintf(stderr, "dalaba: notice %s: unknown (add, list, show, "
		    "cancel)\n", sub);
		return CLI_USAGE;
	}
	if (out)
		json_node_unref(out);
	return rc;
}

/* ---- schedule ---- */

static void
schedule_usage(FILE *f)
{
	fprintf(f,
"usage: dalaba schedule add NOTICE-ID [when]\n"
"       dalaba schedule list\n"
"       dalaba schedule rm ID\n\n%s", cli_schedule_help);
}

int
cli_schedule(int argc, char **argv)
{
	static const struct option opts[] = { COMMON_OPTS, SCHEDULE_OPTS,
	    { NULL, 0, NULL, 0 } };
	JsonNode *out = NULL;
	gint64 id;
	int rc, c;
	char b[32];

	const char *sub = cli_subcommand(&argc, &argv, schedule_usage, &rc);
	if (sub == NULL)
		return rc;
	if (strcmp(sub, "add") == 0) {
		JsonObject *s = NULL;
		while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
			int k = cli_schedule_opt(c, &s);
			if (k > 0 || (k == 0 && cli_common_opt(c)))
				continue;
			if (s)
				json_object_unref(s);
			schedule_usage(c == 'h' ? stdout : stderr);
			return c == 'h' ? CLI_OK : CLI_USAGE;
		}
		if (cli_id_operand(argc, argv, "schedule add", &id) != 0 || s == NULL) {
			if (s == NULL)
				fprintf(stderr, "dalaba: say when: --now, --at, --daily "
				    "or --weekly\n");
			if (s)
				json_object_unref(s);
			return CLI_USAGE;
		}
		json_object_set_int_member(s, "notice", id);
		rc = cli_call("POST", "schedules", s, &out);
		if (rc == CLI_OK)
			rc = cli_print_created(out, "schedule");
	} else {
		if ((rc = cli_simple_opts(argc, argv, schedule_usage, NULL)) != 0)
			return rc < 0 ? CLI_OK : rc;
		if (strcmp(sub, "list") == 0) {
			rc = cli_call("GET", "schedules", NULL, &out);
			if (rc == CLI_OK && cli_json) {
				client_print_json(out);
			} else if (rc == CLI_OK) {
				JsonArray *a = json_node_get_array(out);
				printf("%-5s %-6s %-7s %-16s %-12s %-19s %s\n", "ID",
				    "NOTICE", "KIND", "TIMES", "ZONE", "NEXT", "TITLE");
				for (guint i = 0; i < json_array_get_length(a); i++) {
					JsonObject *o = json_array_get_object_element(a, i);
					char kind[32];
					cli_kind(o, kind, sizeof(kind));
					printf("%-5lld %-6lld %-7s %-16s %-12s %-19s %.40s\n",
					    (long long)cli_num(o, "id"), (long long)cli_num(o,
					    "notice"), kind, cli_str(o, "times")[0] ?
					    cli_str(o, "times") : "-", cli_str(o, "zone"),
					    cli_when(cli_num(o, "next"), b, sizeof(b)),
					    cli_str(o, "title"));
				}
			}
		} else if (strcmp(sub, "rm") == 0) {
			if (cli_id_operand(argc, argv, "schedule rm", &id) != 0)
				return CLI_USAGE;
			gchar *path = g_strdup_printf("schedules/%lld", (long long)id);
			rc = cli_call("DELETE", path, NULL, &out);
			g_free(path);
			if (rc == CLI_OK)
				printf("schedule %lld removed\n", (long long)id);
		} else {
			fprintf(stderr, "dalaba: schedule %s: unknown (add, list, "
			    "rm)\n", sub);
			return CLI_USAGE;
		}
	}
	if (out)
		json_node_unref(out);
	return rc;
}
