/*
 * cli_user.c — `dalaba user`: the people who log in to the web admin.
 * This is how the first county admin is made on a new server (with the
 * machine's api.token), with a password generated and printed once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_int.h"

enum { O_ROLE = 2000, O_PWSTDIN };

static void
user_usage(FILE *f)
{
	fprintf(f,
"usage: dalaba user add NAME --role county|township|village --zone CODE\n"
"                  [--password-stdin]\n"
"       dalaba user list\n"
"       dalaba user disable ID\n\n"
"The role must fit the zone: county 6 digits, township 9, village 12. A\n"
"user acts only inside their zone. Without --password-stdin a password is\n"
"generated and printed once; it is not kept anywhere but as a hash.\n");
}

static char *
read_password(void)
{
	char buf[256];

	if (fgets(buf, sizeof(buf), stdin) == NULL)
		return NULL;
	buf[strcspn(buf, "\r\n")] = '\0';
	return g_strdup(buf);
}

int
cli_user(int argc, char **argv)
{
	static const struct option opts[] = { COMMON_OPTS,
	    { "role", required_argument, NULL, O_ROLE },
	    { "zone", required_argument, NULL, O_ZONE },
	    { "password-stdin", no_argument, NULL, O_PWSTDIN },
	    { NULL, 0, NULL, 0 } };
	const char *role = NULL, *zone = NULL;
	bool pw_stdin = false;
	JsonNode *out = NULL;
	int rc, c;

	const char *sub = cli_subcommand(&argc, &argv, user_usage, &rc);
	if (sub == NULL)
		return rc;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (cli_common_opt(c))
			continue;
		if (c == O_ROLE)
			role = optarg;
		else if (c == O_ZONE)
			zone = optarg;
		else if (c == O_PWSTDIN)
			pw_stdin = true;
		else {
			user_usage(c == 'h' ? stdout : stderr);
			return c == 'h' ? CLI_OK : CLI_USAGE;
		}
	}
	if (strcmp(sub, "add") == 0) {
		if (optind != argc - 1 || role == NULL || zone == NULL) {
			user_usage(stderr);
			return CLI_USAGE;
		}
		JsonObject *o = json_object_new();
		json_object_set_string_member(o, "name", argv[optind]);
		json_object_set_string_member(o, "role", role);
		json_object_set_string_member(o, "zone", zone);
		if (pw_stdin) {
			char *pw = read_password();
			if (pw == NULL) {
				fprintf(stderr, "dalaba: no password on standard input\n");
				json_object_unref(o);
				return CLI_USAGE;
			}
			json_object_set_string_member(o, "password", pw);
			g_free(pw);
		}
		rc = cli_call("POST", "users", o, &out);
		if (rc == CLI_OK && cli_json) {
			client_print_json(out);
		} else if (rc == CLI_OK) {
			JsonObject *u = json_node_get_object(out);
			printf("user %s (%s, zone %s) added, id %lld\n", cli_str(u,
			    "name"), cli_str(u, "role"), cli_str(u, "zone"),
			    (long long)cli_num(u, "id"));
			if (json_object_has_member(u, "password"))
				printf("password: %s\n(shown once; give it to the user, "
				    "who logs in at the web admin)\n", cli_str(u,
				    "password"));
		}
	} else if (strcmp(sub, "list") == 0) {
		rc = cli_call("GET", "users", NULL, &out);
		if (rc == CLI_OK && cli_json) {
			client_print_json(out);
		} else if (rc == CLI_OK) {
			JsonArray *a = json_node_get_array(out);
			printf("%-5s %-9s %-12s %s\n", "ID", "ROLE", "ZONE", "NAME");
			for (guint i = 0; i < json_array_get_length(a); i++) {
				JsonObject *u = json_array_get_object_element(a, i);
				printf("%-5lld %-9s %-12s %s%s\n", (long long)cli_num(u,
				    "id"), cli_str(u, "role"), cli_str(u, "zone"),
				    cli_str(u, "name"), cli_num(u, "disabled_at") ?
				    " (disabled)" : "");
			}
		}
	} else if (strcmp(sub, "disable") == 0) {
		gint64 id;
		if (cli_id_operand(argc, argv, "user", &id) != 0)
			return CLI_USAGE;
		char path[64];
		snprintf(path, sizeof(path), "users/%lld/disable", (long long)id);
		rc = cli_call("POST", path, NULL, &out);
		if (rc == CLI_OK && cli_json)
			client_print_json(out);
		else if (rc == CLI_OK)
			printf("user %lld disabled\n", (long long)id);
	} else {
		fprintf(stderr, "dalaba user: unknown subcommand \"%s\"\n", sub);
		user_usage(stderr);
		rc = CLI_USAGE;
	}
	if (out)
		json_node_unref(out);
	return rc;
}
