/*
 * dalaba_main.c — the `dalaba` command line: a dispatcher over subcommands.
 * `say` renders locally; the others talk to dalabad's JSON API.
 */
#include <stdio.h>
#include <string.h>

#include "scheduler/cli.h"

#define DALABA_VERSION "0.1.0"

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
	{ "speaker", cli_speaker, "loudspeakers: add (with an enrolment token), list, token" },
	{ "status", cli_status, "what dalabad is doing now" },
	{ "broadcasts", cli_broadcasts, "what aired, where, and who confirmed it" },
	{ "say", cli_say, "read a notice aloud locally (to a file or the sound card)" },
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: dalaba COMMAND [options] ...\n\n"
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
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "dalaba: unknown command \"%s\"\n", argv[1]);
	usage(stderr);
	return 2;
}
