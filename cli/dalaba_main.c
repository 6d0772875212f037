/*
 * dalaba_main.c — the `dalaba` command line: a dispatcher over subcommands.
 * `say` renders locally; the others talk to dalabad's JSON API.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_int.h"


static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *summary;
} commands[] = {
	{ "notice", cli_notice, "add, list, show or cancel notices" },
	{ "page", cli_page, "emergency pages: issue, watch confirmations, cancel" },
	{ "schedule", cli_schedule, "when notices air: add, list, rm" },
	{ "zone", cli_zone, "villages, townships, counties: add, list" },
	{ "user", cli_user, "people of the web admin: add, list, disable" },
	{ "speaker", cli_speaker, "loudspeakers: add (with an enrolment token), list, token, "
	    "volume, tone" },
	{ "status", cli_status, "what dalabad is doing now" },
	{ "broadcasts", cli_broadcasts, "what aired, where, and who confirmed it" },
	{ "say", cli_say, "read a notice aloud locally (to a file or the sound card)" },
	{ "backup", cli_backup, "copy dalabad's store to a file, while it runs" },
	{ "restore", cli_restore, "put a backup back as the store (dalabad stopped)" },
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: dalaba [--state-dir DIR] [--json] COMMAND [options] ..."
	    "\n\n"
	    "dalaba (大喇叭) reads village notices aloud and broadcasts them to\n"
	    "networked loudspeakers.\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n`dalaba COMMAND --help` describes a command.\n");
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("dalaba %s\n", DALABA_VERSION);
		return 0;
	}
	/* Options every command takes may also come before it:
	 * dalaba --state-dir DIR status. */
	int first = 1;
	while (first < argc && argv[first][0] == '-') {
		if (strcmp(argv[first], "--json") == 0) {
			cli_json = true;
			first++;
		} else if (strcmp(argv[first], "--state-dir") == 0 &&
		    first + 1 < argc) {
			cli_state_flag = argv[first + 1];
			first += 2;
		} else if (strncmp(argv[first], "--state-dir=", 12) == 0) {
			cli_state_flag = argv[first] + 12;
			first++;
		} else {
			fprintf(stderr, "dalaba: unknown option \"%s\" (before a "
			    "command only --state-dir DIR and --json)\n",
			    argv[first]);
			usage(stderr);
			return 2;
		}
	}
	if (first >= argc) {
		usage(stderr);
		return 2;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[first], commands[i].name) == 0)
			return commands[i].fn(argc - first, argv + first);
	fprintf(stderr, "dalaba: unknown command \"%s\"\n", argv[first]);
	usage(stderr);
	return 2;
}
