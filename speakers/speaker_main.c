/*
 * speaker_main.c — `dalaba-speaker`: options, signals, and the agent.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "broadcaster/log.h"
#include "speakers/speaker.h"

static volatile int stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;	/* the loop sees it within 100 ms */
}

static void
usage(FILE *f)
{
	fprintf(f,
"usage: dalaba-speaker [-n] [-c FILE] [-o OUTPUT] [-s HOST[:PORT]] [--stats FILE] [--trace FILE]\n"
"       dalaba-speaker --enroll URL TOKEN FINGERPRINT [-c FILE] [-o OUTPUT]\n"
"\n"
"The agent on a village loudspeaker: says HELLO to the dalaba server, takes\n"
"in its signed Opus stream, and plays each frame at its presentation time.\n"
"\n"
"  -c, --config FILE   configuration (default /etc/dalaba/speaker.conf)\n"
"  -n, --check         check the configuration, print \"configuration OK\", exit\n"
"  -o, --output OUT    alsa:NAME (default alsa:default), wav:PATH, null,\n"
"                      or sim:PPM (tests: a simulated card PPM off 48 kHz)\n"
"  -s, --server HOST[:PORT]  the server, overriding the configuration\n"
"      --stats FILE    keep counters in FILE (rewritten twice a second)\n"
"      --trace FILE    log every frame played: SSRC SEQ, when it will be\n"
"                      heard (LOCAL_US SERVER_US), when it was written to the\n"
"                      output (SERVER_US), when it will be heard on the\n"
"                      machine's monotonic clock (MACHINE_US)\n"
"      --enroll URL TOKEN FINGERPRINT  fetch this box's configuration with a\n"
"                      one-time token into -c FILE, trusting only the server\n"
"                      key with that fingerprint (both printed by dalaba\n"
"                      speaker add or dalaba-broadcast --new-token)\n"
"  -h, --help          this help\n"
"\n"
"Configuration (INI):\n"
"  [speaker] id = 1001, zone = 110101001001 (12-digit village code),\n"
"            key = 64 hex digits (this speaker's HELLO key)\n"
"  [server]  address = HOST, port = 5004, public_key = 64 hex digits\n"
"  [audio]   output = alsa:default, volume = 80\n"
"  [agent]   hello_ms = 2000, stats = PATH, retransmit = yes,\n"
"            carry_mb = 64 (items kept to air when the link is down)\n");
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, 'n' },
		{ "output", required_argument, NULL, 'o' },
		{ "server", required_argument, NULL, 's' },
		{ "stats", required_argument, NULL, 'S' },
		{ "trace", required_argument, NULL, 'T' },
		{ "enroll", required_argument, NULL, 'E' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = "/etc/dalaba/speaker.conf", *output = NULL;
	const char *server = NULL, *stats = NULL, *trace = NULL, *enroll = NULL;
	struct spk_config c;
	char err[512];
	int check = 0, ch;

	dlog_init("dalaba-speaker");

	while ((ch = getopt_long(argc, argv, "c:no:s:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': path = optarg; break;
		case 'n': check = 1; break;
		case 'o': output = optarg; break;
		case 's': server = optarg; break;
		case 'S': stats = optarg; break;
		case 'T': trace = optarg; break;
		case 'E': enroll = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (enroll) {
		/* --enroll URL TOKEN FINGERPRINT: two operands. */
		if (optind != argc - 2) {
			fprintf(stderr, "dalaba-speaker: --enroll needs URL TOKEN "
			    "FINGERPRINT, as the enrolment command prints them "
			    "(the fingerprint is how the box knows its server)\n");
			usage(stderr);
			return 2;
		}
		if (spk_enroll(enroll, argv[optind], argv[optind + 1], path,
		    output ? output : "alsa:default", err, sizeof(err)) != 0) {
			fprintf(stderr, "dalaba-speaker: enrolment: %s\n", err);
			return 1;
		}
		return 0;
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	spk_config_default(&c);
	if (spk_config_load(&c, path, err, sizeof(err)) != 0) {
		fprintf(stderr, "dalaba-speaker: %s\n", err);
		return 1;
	}
	if (output && snprintf(c.output, sizeof(c.output), "%s", output) >=
	    (int)sizeof(c.output))
		return 2;
	if (stats)
		snprintf(c.stats, sizeof(c.stats), "%s", stats);
	{
		const char *slash = strrchr(path, '/');
		if (slash == NULL)
			snprintf(c.storage, sizeof(c.storage), ".");
		else if (slash == path)
			snprintf(c.storage, sizeof(c.storage), "/");
		else
			snprintf(c.storage, sizeof(c.storage), "%.*s",
			    (int)(slash - path), path);
	}
	if (trace)
		snprintf(c.trace, sizeof(c.trace), "%s", trace);
	if (server) {
		char host[256];
		snprintf(host, sizeof(host), "%s", server);
		char *colon = strrchr(host, ':');
		if (colon) {
			*colon = '\0';
			c.port = atoi(colon + 1);
		}
		snprintf(c.server, sizeof(c.server), "%s", host);
	}
	if (spk_config_check(&c, err, sizeof(err)) != 0) {
		fprintf(stderr, "dalaba-speaker: %s: %s\n", path, err);
		return 1;
	}
	if (check) {
		printf("configuration OK\n");
		return 0;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (spk_run(&c, &stop, err, sizeof(err)) != 0) {
		fprintf(stderr, "dalaba-speaker: %s\n", err);
		return 1;
	}
	return 0;
}
