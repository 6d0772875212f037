/*
 * cli_common.c — see cli_int.h. Checking values is dalabad's job: the CLI
 * passes them through, so the API and the CLI never disagree on what is
 * valid.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli_int.h"

const char *cli_state_flag;
bool cli_json;

const char *
cli_when(gint64 t, char *buf, size_t cap)
{
	/* In dalabad's time zone: the server's schedules are local there,
	 * and this machine (often the server itself, often on UTC) need
	 * not be. */
	static GTimeZone *tz;
	static char *tz_name;
	const char *name = client_timezone();

	if (t <= 0)
		return "-";
	if (name && (tz_name == NULL || strcmp(name, tz_name) != 0)) {
		GTimeZone *z = g_time_zone_new_identifier(name);
		if (z) {
			if (tz)
				g_time_zone_unref(tz);
			tz = z;
			g_free(tz_name);
			tz_name = g_strdup(name);
		}
	}
	GDateTime *u = g_date_time_new_from_unix_utc(t);
	GDateTime *l = u ? (tz ? g_date_time_to_timezone(u, tz) :
	    g_date_time_to_local(u)) : NULL;
	gchar *s = l ? g_date_time_format(l, "%Y-%m-%d %H:%M:%S") : NULL;
	snprintf(buf, cap, "%s", s ? s : "-");
	g_free(s);
	if (l)
		g_date_time_unref(l);
	if (u)
		g_date_time_unref(u);
	return buf;
}

const char *
cli_str(JsonObject *o, const char *name)
{
	JsonNode *n = json_object_get_member(o, name);

	return n && json_node_get_value_type(n) == G_TYPE_STRING ?
	    json_node_get_string(n) : "";
}

gint64
cli_num(JsonObject *o, const char *name)
{
	JsonNode *n = json_object_get_member(o, name);

	return n && json_node_get_value_type(n) == G_TYPE_INT64 ?
	    json_node_get_int(n) : 0;
}

int
cli_call(const char *method, const char *path, JsonObject *body, JsonNode **out)
{
	JsonNode *b = NULL;
	int rc;

	if (body) {
		b = json_node_new(JSON_NODE_OBJECT);
		json_node_take_object(b, body);
	}
	rc = client_call(client_state_dir(cli_state_flag), method, path, b, out);
	if (b)
		json_node_unref(b);
	return rc;
}


const char cli_schedule_help[] =
"when (one of):\n"
"  --now                air as soon as possible\n"
"  --at \"YYYY-MM-DD HH:MM\"  once, local time\n"
"  --daily HH:MM[,HH:MM...]  every day at these times\n"
"  --weekly HH:MM[,...] --weekdays 1-5   on these weekdays (1 = Monday)\n"
"and optionally:\n"
"  --from YYYY-MM-DD --to YYYY-MM-DD     only within these dates\n"
"  --every-weeks N      with --weekly: every N weeks, counted from --from\n"
"  --volume 0-100       loudness at the speakers (e.g. lower early morning)\n"
"  --urgent             with --now or --at: a cut-in (插播), above routine\n"
"                       items of every class where it airs, below pages\n";

/* A number option: dalabad checks the range; this only checks it is one. */
bool
cli_int_arg(const char *s, gint64 *v)
{
	char *end;

	*v = g_ascii_strtoll(s, &end, 10);
	return s[0] && *end == '\0';
}

/* Handle one schedule option into sched (created on first use). 1 if it
 * was one, 0 if not, -1 on a bad value. */
int
cli_schedule_opt(int c, JsonObject **sched)
{
	gint64 v;

	if (c < O_NOW || c > O_URGENT)
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
	case O_URGENT:
		json_object_set_boolean_member(s, "urgent", TRUE);
		break;
	case O_TO:
		json_object_set_string_member(s, "to", optarg);
		break;
	case O_EVERY:
	case O_VOLUME:
		if (!cli_int_arg(optarg, &v)) {
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

int
cli_common_opt(int c)
{
	if (c == O_STATE) {
		cli_state_flag = optarg;
		return 1;
	}
	if (c == O_JSON) {
		cli_json = true;
		return 1;
	}
	return 0;
}

/* Read TEXT, or standard input for "-" (at most 32 KB + 1, so dalabad
 * can say it is too long). */
char *
cli_text_arg(const char *a)
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

int
cli_print_created(JsonNode *out, const char *what)
{
	if (cli_json) {
		client_print_json(out);
		return CLI_OK;
	}
	JsonObject *o = json_node_get_object(out);
	printf("%s %lld stored", what, (long long)cli_num(o, "id"));
	if (json_object_has_member(o, "schedule") &&
	    !json_object_get_null_member(o, "schedule"))
		printf(", schedule %lld", (long long)cli_num(o, "schedule"));
	printf("\n");
	return CLI_OK;
}

/* Parse the common options of a simple subcommand; leaves optind at the
 * first operand. 0 go on, else the exit status. */
int
cli_simple_opts(int argc, char **argv, void (*usage)(FILE *), const char **zone)
{
	static const struct option opts[] = {
		COMMON_OPTS,
		{ "zone", required_argument, NULL, O_ZONE },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (cli_common_opt(c))
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

int
cli_id_operand(int argc, char **argv, const char *what, gint64 *id)
{
	if (optind != argc - 1 || !cli_int_arg(argv[optind], id) || *id <= 0) {
		fprintf(stderr, "dalaba: %s takes one id (a number)\n", what);
		return -1;
	}
	return 0;
}

const char *
cli_subcommand(int *argc, char ***argv, void (*usage)(FILE *), int *rc)
{
	if (*argc < 2 || strcmp((*argv)[1], "-h") == 0 ||
	    strcmp((*argv)[1], "--help") == 0) {
		usage(*argc < 2 ? stderr : stdout);
		*rc = *argc < 2 ? CLI_USAGE : CLI_OK;
		return NULL;
	}
	(*argc)--;
	(*argv)++;
	return (*argv)[0];
}

void
cli_kind(JsonObject *s, char *out, size_t cap)
{
	gint64 mask = cli_num(s, "weekdays"), every = cli_num(s, "every_weeks");
	size_t n;

	if (strcmp(cli_str(s, "kind"), "weekly") != 0) {
		snprintf(out, cap, "%s", cli_str(s, "kind"));
		return;
	}
	/* weekly 1,3,5 (Monday = 1), /2 for every other week */
	n = (size_t)snprintf(out, cap, "weekly ");
	for (int d = 0; d < 7 && n + 3 < cap; d++)
		if (mask & (1 << d))
			n += (size_t)snprintf(out + n, cap - n, "%s%d",
			    out[n - 1] == ' ' ? "" : ",", d + 1);
	if (every > 1 && n + 4 < cap)
		snprintf(out + n, cap - n, "/%lld", (long long)every);
}
