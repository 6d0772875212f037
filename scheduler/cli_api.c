/*
 * cli_api.c — the dalaba commands that talk to dalabad: zone, notice,
 * schedule, speaker, status, broadcasts. Each builds a JSON body from its
 * options, sends it (client.c) and prints the answer for a person, or as
 * JSON with --json. Checking is dalabad's job: the CLI passes values
 * through, so the API and the CLI can never disagree on what is valid.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scheduler/cli.h"
#include "scheduler/client.h"

static const char *state_flag;
static bool json_out;

static const char *
when(gint64 t, char *buf, size_t cap)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0)
		return "-";
	localtime_r(&tt, &tm);
	strftime(buf, cap, "%Y-%m-%d %H:%M:%S", &tm);
	return buf;
}

static const char *
str(JsonObject *o, const char *name)
{
	JsonNode *n = json_object_get_member(o, name);

	return n && json_node_get_value_type(n) == G_TYPE_STRING ?
	    json_node_get_string(n) : "";
}

static gint64
num(JsonObject *o, const char *name)
{
	JsonNode *n = json_object_get_member(o, name);

	return n && json_node_get_value_type(n) == G_TYPE_INT64 ?
	    json_node_get_int(n) : 0;
}

static int
call(const char *method, const char *path, JsonObject *body, JsonNode **out)
{
	JsonNode *b = NULL;
	int rc;

	if (body) {
		b = json_node_new(JSON_NODE_OBJECT);
		json_node_take_object(b, body);
	}
	rc = client_call(client_state_dir(state_flag), method, path, b, out);
	if (b)
		json_node_unref(b);
	return rc;
}

/* --- schedule options, shared by `notice add` and `schedule add` --- */

enum { O_NOW = 1000, O_AT, O_DAILY, O_WEEKLY, O_WEEKDAYS, O_FROM, O_TO,
    O_EVERY, O_VOLUME, O_STATE, O_JSON, O_TITLE, O_CLASS, O_REPEAT,
    O_NOCHIME, O_VOICE, O_RATE, O_FEED, O_ITEMS, O_ZONE, O_NAME, O_QUIET,
    O_NOTICE };

#define COMMON_OPTS \
	{ "state-dir", required_argument, NULL, O_STATE }, \
	{ "json", no_argument, NULL, O_JSON }, \
	{ "help", no_argument, NULL, 'h' }
#define SCHEDULE_OPTS \
	{ "now", no_argument, NULL, O_NOW }, \
	{ "at", required_argument, NULL, O_AT }, \
	{ "daily", required_argument, NULL, O_DAILY }, \
	{ "weekly", required_argument, NULL, O_WEEKLY }, \
	{ "weekdays", required_argument, NULL, O_WEEKDAYS }, \
	{ "from", required_argument, NULL, O_FROM }, \
	{ "to", required_argument, NULL, O_TO }, \
	{ "every-weeks", required_argument, NULL, O_EVERY }, \
	{ "volume", required_argument, NULL, O_VOLUME }

static const char SCHEDULE_HELP[] =
"when (one of):\n"
"  --now                air as soon as possible\n"
"  --at \"YYYY-MM-DD HH:MM\"  once, local time\n"
"  --daily HH:MM[,HH:MM...]  every day at these times\n"
"  --weekly HH:MM[,...] --weekdays 1-5   on these weekdays (1 = Monday)\n"
"and optionally:\n"
"  --from YYYY-MM-DD --to YYYY-MM-DD     only within these dates\n"
"  --every-weeks N      with --weekly: every N weeks, counted from --from\n"
"  --volume 0-100       loudness at the speakers (e.g. lower early morning)\n";

/* A number option: dalabad checks the range; this only checks it is one. */
static bool
int_arg(const char *s, gint64 *v)
{
	char *end;

	*v = g_ascii_strtoll(s, &end, 10);
	return s[0] && *end == '\0';
}

/* Handle one schedule option into sched (created on first use). 1 if it
 * was one, 0 if not, -1 on a bad value. */
static int
schedule_opt(int c, JsonObject **sched)
{
	gint64 v;

	if (c < O_NOW || c > O_VOLUME)
		return 0;
	if (*sched == NULL)
		*sched = json_object_new();
	JsonObject *s = *sched;
	switch (c) {
	case O_NOW:
		json_object_set_string_member(s, "kind", "once");
		json_object_set_string_member(s, "at", "now");
		break;
	case O_AT:
		json_object_set_string_member(s, "kind", "once");
		json_object_set_string_member(s, "at", optarg);
		break;
	case O_DAILY:
		json_object_set_string_member(s, "kind", "daily");
		json_object_set_string_member(s, "times", optarg);
		break;
	case O_WEEKLY:
		json_object_set_string_member(s, "kind", "weekly");
		json_object_set_string_member(s, "times", optarg);
		break;
	case O_WEEKDAYS:
		json_object_set_string_member(s, "weekdays", optarg);
		break;
	case O_FROM:
		json_object_set_string_member(s, "from", optarg);
		break;
	case O_TO:
		json_object_set_string_member(s, "to", optarg);
		break;
	case O_EVERY:
	case O_VOLUME:
		if (!int_arg(optarg, &v)) {
			fprintf(stderr, "dalaba: --%s takes a number\n",
			    c == O_EVERY ? "every-weeks" : "volume");
			return -1;
		}
		json_object_set_int_member(s, c == O_EVERY ? "every_weeks" :
		    "volume", v);
		break;
	}
	return 1;
}

static int
common_opt(int c)
{
	if (c == O_STATE) {
		state_flag = optarg;
		return 1;
	}
	if (c == O_JSON) {
		json_out = true;
		return 1;
	}
	return 0;
}

/* Read TEXT, or standard input for "-" (at most 32 KB + 1, so dalabad
 * can say it is too long). */
static char *
text_arg(const char *a)
{
	if (strcmp(a, "-") != 0)
		return g_strdup(a);
	GString *s = g_string_new(NULL);
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0 && s->len <= 32768)
		g_string_append_len(s, buf, (gssize)n);
	return g_string_free(s, FALSE);
}

/* ---- notice ---- */

static void
notice_usage(FILE *f)
{
	fprintf(f,
"usage: dalaba notice add --zone CODE [options] [when] TEXT|-\n"
"       dalaba notice list [--zone PREFIX]\n"
"       dalaba notice show ID\n"
"       dalaba notice cancel ID\n"
"\n"
"add options:\n"
"  --zone CODE          target: county (6 digits), township (9), village (12)\n"
"  --title TEXT         read once after the chime\n"
"  --class C            village, township or county (default: by the zone)\n"
"  --repeat N           times the text is read, 1-10 (default 1)\n"
"  --no-chime           no attention chime\n"
"  --voice V            mandarin (default) or cantonese\n"
"  --rate N             words per minute, 80-450 (default 150)\n"
"  --feed URL|dir:PATH  news: read the newest items of an RSS/Atom feed or\n"
"                       of .txt files in a folder after TEXT\n"
"  --items N            how many news items (default 3)\n"
"%s"
"Without a time the notice is stored; `dalaba schedule add` airs it later.\n"
"common: --state-dir DIR (where dalabad keeps api.url and api.token),\n"
"        --json (print dalabad's answer as JSON)\n", SCHEDULE_HELP);
}

static int
print_created(JsonNode *out, const char *what)
{
	if (json_out) {
		client_print_json(out);
		return CLI_OK;
	}
	JsonObject *o = json_node_get_object(out);
	printf("%s %lld stored", what, (long long)num(o, "id"));
	if (json_object_has_member(o, "schedule") &&
	    !json_object_get_null_member(o, "schedule"))
		printf(", schedule %lld", (long long)num(o, "schedule"));
	printf("\n");
	return CLI_OK;
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
		{ NULL, 0, NULL, 0 },
	};
	JsonObject *body = json_object_new(), *sched = NULL;
	JsonNode *out = NULL;
	gint64 v;
	int c, rc;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		int k = schedule_opt(c, &sched);
		if (k < 0)
			goto usage;
		if (k > 0 || common_opt(c))
			continue;
		switch (c) {
		case O_ZONE: json_object_set_string_member(body, "zone", optarg); break;
		case O_TITLE: json_object_set_string_member(body, "title", optarg); break;
		case O_CLASS: json_object_set_string_member(body, "class", optarg); break;
		case O_VOICE: json_object_set_string_member(body, "voice", optarg); break;
		case O_FEED: json_object_set_string_member(body, "feed", optarg); break;
		case O_NOCHIME: json_object_set_boolean_member(body, "chime", FALSE); break;
		case O_REPEAT:
		case O_RATE:
		case O_ITEMS:
			if (!int_arg(optarg, &v)) {
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
	if (optind != argc - 1) {
		fprintf(stderr, "dalaba: notice add takes one TEXT (or - for "
		    "standard input)\n");
		goto usage;
	}
	char *text = text_arg(argv[optind]);
	json_object_set_string_member(body, "body", text);
	g_free(text);
	if (sched)
		json_object_set_object_member(body, "schedule", sched);
	sched = NULL;
	rc = call("POST", "notices", body, &out);
	body = NULL;
	if (rc == CLI_OK)
		rc = print_created(out, "notice");
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

/* Parse the common options of a simple subcommand; leaves optind at the
 * first operand. 0 go on, else the exit status. */
static int
simple_opts(int argc, char **argv, void (*usage)(FILE *), const char **zone)
{
	static const struct option opts[] = {
		COMMON_OPTS,
		{ "zone", required_argument, NULL, O_ZONE },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (common_opt(c))
			continue;
		if (c == O_ZONE && zone) {
			*zone = optarg;
			continue;
		}
		if (c == 'h') {
			usage(stdout);
			return -1;
		}
		usage(stderr);
		return CLI_USAGE;
	}
	return 0;
}

static int
id_operand(int argc, char **argv, const char *what, gint64 *id)
{
	if (optind != argc - 1 || !int_arg(argv[optind], id) || *id <= 0) {
		fprintf(stderr, "dalaba: %s takes one id (a number)\n", what);
		return -1;
	}
	return 0;
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
		const char *t = str(o, "title");
		printf("%-6lld %-12s %-9s %-19s %-9s %.60s\n",
		    (long long)num(o, "id"), str(o, "zone"), str(o, "class"),
		    when(num(o, "created_at"), b, sizeof(b)),
		    num(o, "cancelled_at") ? "cancelled" : "live",
		    t[0] ? t : str(o, "body"));
	}
	return CLI_OK;
}

static int
notice_show(JsonNode *out)
{
	JsonObject *o = json_node_get_object(out);
	char b1[32], b2[32];

	printf("notice %lld  zone %s  class %s  repeat %lld  voice %s  rate %lld%s\n",
	    (long long)num(o, "id"), str(o, "zone"), str(o, "class"),
	    (long long)num(o, "repeat"), str(o, "voice"), (long long)num(o, "rate"),
	    num(o, "cancelled_at") ? "  CANCELLED" : "");
	if (str(o, "title")[0])
		printf("title: %s\n", str(o, "title"));
	printf("text:  %s\n", str(o, "body"));
	if (str(o, "feed")[0])
		printf("news:  %s (%lld items)\n", str(o, "feed"),
		    (long long)num(o, "feed_items"));
	JsonArray *s = json_object_get_array_member(o, "schedules");
	for (guint i = 0; s && i < json_array_get_length(s); i++) {
		JsonObject *x = json_array_get_object_element(s, i);
		printf("schedule %lld: %s %s%s%s\n", (long long)num(x, "id"),
		    str(x, "kind"), num(x, "once_at") ? when(num(x, "once_at"), b1,
		    sizeof(b1)) : str(x, "times"), num(x, "removed_at") ?
		    " (removed)" : "", "");
	}
	JsonArray *bc = json_object_get_array_member(o, "broadcasts");
	if (bc && json_array_get_length(bc) > 0)
		printf("%-6s %-19s %-19s %-11s %-9s %s\n", "BCAST", "SLOT", "ON AIR",
		    "OUTCOME", "CONFIRMED", "REASON");
	for (guint i = 0; bc && i < json_array_get_length(bc); i++) {
		JsonObject *x = json_array_get_object_element(bc, i);
		char conf[32];
		snprintf(conf, sizeof(conf), "%lld/%lld", (long long)num(x,
		    "confirmed"), (long long)num(x, "targets"));
		printf("%-6lld %-19s %-19s %-11s %-9s %s%s\n", (long long)num(x, "id"),
		    when(num(x, "slot_at"), b1, sizeof(b1)), when(num(x,
		    "on_air_at"), b2, sizeof(b2)), str(x, "outcome")[0] ?
		    str(x, "outcome") : "pending", conf, str(x, "reason"),
		    num(x, "interruptions") ? " (pre-empted before)" : "");
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

	if (argc < 2 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0) {
		notice_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	const char *sub = argv[1];
	argc--, argv++;
	if (strcmp(sub, "add") == 0)
		return notice_add(argc, argv);
	if ((rc = simple_opts(argc, argv, notice_usage, &zone)) != 0)
		return rc < 0 ? CLI_OK : rc;
	if (strcmp(sub, "list") == 0) {
		gchar *path = g_strdup_printf("notices%s%s", zone ? "?zone=" : "",
		    zone ? zone : "");
		rc = call("GET", path, NULL, &out);
		g_free(path);
		if (rc == CLI_OK)
			rc = json_out ? (client_print_json(out), CLI_OK) :
			    notice_list(out);
	} else if (strcmp(sub, "show") == 0 || strcmp(sub, "cancel") == 0) {
		if (id_operand(argc, argv, sub, &id) != 0)
			return CLI_USAGE;
		gchar *path = g_strdup_printf("notices/%lld%s", (long long)id,
		    sub[0] == 'c' ? "/cancel" : "");
		rc = call(sub[0] == 'c' ? "POST" : "GET", path, NULL, &out);
		g_free(path);
		if (rc == CLI_OK && json_out)
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
"       dalaba schedule rm ID\n\n%s", SCHEDULE_HELP);
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

	if (argc < 2 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0) {
		schedule_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	const char *sub = argv[1];
	argc--, argv++;
	if (strcmp(sub, "add") == 0) {
		JsonObject *s = NULL;
		while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
			int k = schedule_opt(c, &s);
			if (k > 0 || (k == 0 && common_opt(c)))
				continue;
			if (s)
				json_object_unref(s);
			schedule_usage(c == 'h' ? stdout : stderr);
			return c == 'h' ? CLI_OK : CLI_USAGE;
		}
		if (id_operand(argc, argv, "schedule add", &id) != 0 || s == NULL) {
			if (s == NULL)
				fprintf(stderr, "dalaba: say when: --now, --at, --daily "
				    "or --weekly\n");
			if (s)
				json_object_unref(s);
			return CLI_USAGE;
		}
		json_object_set_int_member(s, "notice", id);
		rc = call("POST", "schedules", s, &out);
		if (rc == CLI_OK)
			rc = print_created(out, "schedule");
	} else {
		if ((rc = simple_opts(argc, argv, schedule_usage, NULL)) != 0)
			return rc < 0 ? CLI_OK : rc;
		if (strcmp(sub, "list") == 0) {
			rc = call("GET", "schedules", NULL, &out);
			if (rc == CLI_OK && json_out) {
				client_print_json(out);
			} else if (rc == CLI_OK) {
				JsonArray *a = json_node_get_array(out);
				printf("%-5s %-6s %-7s %-16s %-12s %-19s %s\n", "ID",
				    "NOTICE", "KIND", "TIMES", "ZONE", "NEXT", "TITLE");
				for (guint i = 0; i < json_array_get_length(a); i++) {
					JsonObject *o = json_array_get_object_element(a, i);
					printf("%-5lld %-6lld %-7s %-16s %-12s %-19s %.40s\n",
					    (long long)num(o, "id"), (long long)num(o,
					    "notice"), str(o, "kind"), str(o, "times")[0] ?
					    str(o, "times") : "-", str(o, "zone"),
					    when(num(o, "next"), b, sizeof(b)),
					    str(o, "title"));
				}
			}
		} else if (strcmp(sub, "rm") == 0) {
			if (id_operand(argc, argv, "schedule rm", &id) != 0)
				return CLI_USAGE;
			gchar *path = g_strdup_printf("schedules/%lld", (long long)id);
			rc = call("DELETE", path, NULL, &out);
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

/* ---- zone ---- */

static void
zone_usage(FILE *f)
{
	fprintf(f,
"usage: dalaba zone add CODE NAME [--quiet HH:MM-HH:MM]\n"
"       dalaba zone list\n\n"
"CODE is an administrative division code: county 6 digits, township 9,\n"
"village 12. Quiet hours (default 21:30-06:00) hold routine items.\n");
}

int
cli_zone(int argc, char **argv)
{
	static const struct option opts[] = { COMMON_OPTS,
	    { "quiet", required_argument, NULL, O_QUIET }, { NULL, 0, NULL, 0 } };
	JsonNode *out = NULL;
	const char *quiet = NULL;
	int rc, c;

	if (argc < 2 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0) {
		zone_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	const char *sub = argv[1];
	argc--, argv++;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (common_opt(c))
			continue;
		if (c == O_QUIET) {
			quiet = optarg;
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
		rc = call("POST", "zones", o, &out);
		if (rc == CLI_OK && json_out)
			client_print_json(out);
		else if (rc == CLI_OK)
			printf("zone %s (%s) added\n", argv[optind], argv[optind + 1]);
	} else if (strcmp(sub, "list") == 0) {
		rc = call("GET", "zones", NULL, &out);
		if (rc == CLI_OK && json_out) {
			client_print_json(out);
		} else if (rc == CLI_OK) {
			JsonArray *a = json_node_get_array(out);
			printf("%-12s %-11s %s\n", "CODE", "QUIET", "NAME");
			for (guint i = 0; i < json_array_get_length(a); i++) {
				JsonObject *o = json_array_get_object_element(a, i);
				printf("%-12s %s-%s %s\n", str(o, "code"),
				    str(o, "quiet_start"), str(o, "quiet_end"),
				    str(o, "name"));
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
"       dalaba speaker list\n"
"       dalaba speaker token ID\n\n"
"add and token print a one-time token (valid 24 hours) and the command\n"
"that enrols the loudspeaker box with it.\n");
}

static void
print_token(JsonNode *out)
{
	JsonObject *o = json_node_get_object(out);

	if (json_out) {
		client_print_json(out);
		return;
	}
	printf("speaker %lld (zone %s): one-time token %s\n"
	    "on the loudspeaker box, run:\n  %s\n", (long long)num(o, "id"),
	    str(o, "zone"), str(o, "token"), str(o, "command"));
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

	if (argc < 2 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0) {
		speaker_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	const char *sub = argv[1];
	argc--, argv++;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (common_opt(c))
			continue;
		if (c == O_ZONE || c == O_NAME) {
			*(c == O_ZONE ? &zone : &name) = optarg;
			continue;
		}
		speaker_usage(c == 'h' ? stdout : stderr);
		return c == 'h' ? CLI_OK : CLI_USAGE;
	}
	if (strcmp(sub, "add") == 0) {
		if (id_operand(argc, argv, "speaker add", &id) != 0 || zone == NULL) {
			if (zone == NULL)
				fprintf(stderr, "dalaba: speaker add needs --zone\n");
			return CLI_USAGE;
		}
		JsonObject *o = json_object_new();
		json_object_set_int_member(o, "id", id);
		json_object_set_string_member(o, "zone", zone);
		if (name)
			json_object_set_string_member(o, "name", name);
		if ((rc = call("POST", "speakers", o, &out)) == CLI_OK)
			print_token(out);
	} else if (strcmp(sub, "token") == 0) {
		if (id_operand(argc, argv, "speaker token", &id) != 0)
			return CLI_USAGE;
		gchar *path = g_strdup_printf("speakers/%lld/token", (long long)id);
		if ((rc = call("POST", path, NULL, &out)) == CLI_OK)
			print_token(out);
		g_free(path);
	} else if (strcmp(sub, "list") == 0) {
		rc = call("GET", "speakers", NULL, &out);
		if (rc == CLI_OK && json_out) {
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
				    (long long)num(o, "id"), str(o, "zone"),
				    !enrolled ? "new" : online ? "online" : "offline",
				    playing ? "yes" : "-", when(num(o, "last_heard"), b,
				    sizeof(b)), (long long)num(o, "lost"), str(o, "name"));
			}
		}
	} else {
		fprintf(stderr, "dalaba: speaker %s: unknown (add, list, token)\n",
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

	if ((rc = simple_opts(argc, argv, status_usage, NULL)) != 0)
		return rc < 0 ? CLI_OK : rc;
	if ((rc = call("GET", "status", NULL, &out)) != CLI_OK)
		return rc;
	if (json_out) {
		client_print_json(out);
	} else {
		JsonObject *o = json_node_get_object(out);
		JsonObject *s = json_object_get_object_member(o, "speakers");
		printf("dalabad %s, %s (%s)\n", str(o, "version"),
		    when(num(o, "now"), b, sizeof(b)), str(o, "timezone"));
		printf("speakers: %lld known, %lld online, %lld playing\n",
		    (long long)num(s, "known"), (long long)num(s, "online"),
		    (long long)num(s, "playing"));
		JsonArray *a = json_object_get_array_member(o, "on_air");
		printf("on air: %u, waiting: %lld\n", json_array_get_length(a),
		    (long long)num(o, "waiting"));
		for (guint i = 0; i < json_array_get_length(a); i++) {
			JsonObject *x = json_array_get_object_element(a, i);
			printf("  broadcast %lld  notice %lld  %s  zone %s  "
			    "confirmed %lld/%lld  %s\n", (long long)num(x,
			    "broadcast"), (long long)num(x, "notice"),
			    str(x, "class"), str(x, "zone"), (long long)num(x,
			    "confirmed"), (long long)num(x, "targets"),
			    str(x, "title"));
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
		if (common_opt(c))
			continue;
		if (c == O_NOTICE && int_arg(optarg, &notice))
			continue;
		status_usage(c == 'h' ? stdout : stderr);
		return c == 'h' ? CLI_OK : CLI_USAGE;
	}
	gchar *path = g_strdup_printf("broadcasts?notice=%lld", (long long)notice);
	rc = call("GET", path, NULL, &out);
	g_free(path);
	if (rc != CLI_OK)
		return rc;
	if (json_out) {
		client_print_json(out);
	} else {
		JsonArray *a = json_node_get_array(out);
		printf("%-6s %-6s %-12s %-19s %-19s %-11s %-9s %s\n", "BCAST",
		    "NOTICE", "ZONE", "SLOT", "ON AIR", "OUTCOME", "CONFIRMED",
		    "REASON");
		for (guint i = 0; i < json_array_get_length(a); i++) {
			JsonObject *x = json_array_get_object_element(a, i);
			char conf[32];
			snprintf(conf, sizeof(conf), "%lld/%lld", (long long)num(x,
			    "confirmed"), (long long)num(x, "targets"));
			printf("%-6lld %-6lld %-12s %-19s %-19s %-11s %-9s %s\n",
			    (long long)num(x, "id"), (long long)num(x, "notice"),
			    str(x, "zone"), when(num(x, "slot_at"), b1, sizeof(b1)),
			    when(num(x, "on_air_at"), b2, sizeof(b2)),
			    str(x, "outcome")[0] ? str(x, "outcome") : "pending",
			    conf, str(x, "reason"));
		}
	}
	json_node_unref(out);
	return CLI_OK;
}
