/*
 * dalabad_main.c — the daemon's command line: options, configuration,
 * signals (TERM/INT stop cleanly, HUP reloads), the main loop.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib-unix.h>

#include "scheduler/daemon.h"
#include "scheduler/log.h"

static void
usage(FILE *f)
{
	fprintf(f,
"usage: dalabad [-c FILE] [--state-dir DIR] [-n]\n"
"\n"
"The dalaba scheduler daemon: turns notices into speech on a timetable,\n"
"streams them to the village loudspeakers, and serves the JSON API that\n"
"the dalaba command line uses.\n"
"\n"
"  -c, --config FILE   configuration (INI); without it, built-in defaults\n"
"      --state-dir DIR where the database, keys and caches live (overrides\n"
"                      the file; default ./state)\n"
"  -n, --check         check the configuration, print it in full, and exit\n"
"  -h, --help          this text\n"
"      --version       print the version\n"
"\n"
"Signals: TERM or INT stop cleanly (what is on air re-airs after the next\n"
"start, within the grace window); HUP re-reads the configuration and the\n"
"lexicon. `dalabad -n` prints every key with its default and meaning.\n");
}

static gboolean
on_stop(gpointer data)
{
	struct dalabad *d = data;

	dlog(LOG_NOTICE, "stopping");
	g_main_loop_quit(d->loop);
	return G_SOURCE_CONTINUE;
}

static gboolean
on_hup(gpointer data)
{
	dalabad_reload(data);
	return G_SOURCE_CONTINUE;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "state-dir", required_argument, NULL, 'S' },
		{ "check", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct dalabad d = { 0 };
	const char *state_dir = NULL;
	bool check = false;
	char err[512];
	int c;

	while ((c = getopt_long(argc, argv, "c:nh", opts, NULL)) != -1) {
		switch (c) {
		case 'c': d.config_path = optarg; break;
		case 'S': state_dir = optarg; break;
		case 'n': check = true; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("dalabad %s\n", DALABAD_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "dalabad: unexpected argument \"%s\"\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (dalabad_config_load(d.config_path, &d.cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "dalabad: %s\n", err);
		return 1;
	}
	if (state_dir) {
		g_free(d.cfg.state_dir);
		d.cfg.state_dir = g_strdup(state_dir);
	}
	if (check) {
		printf("# dalabad configuration%s%s: OK\n", d.config_path ?
		    " from " : " (built-in defaults)", d.config_path ?
		    d.config_path : "");
		dalabad_config_write(stdout, &d.cfg);
		dalabad_config_clear(&d.cfg);
		return 0;
	}
	d.loop = g_main_loop_new(NULL, FALSE);
	g_unix_signal_add(SIGTERM, on_stop, &d);
	g_unix_signal_add(SIGINT, on_stop, &d);
	g_unix_signal_add(SIGHUP, on_hup, &d);
	if (dalabad_start(&d, err, sizeof(err)) != 0) {
		dlog(LOG_ERR, "%s", err);
		dalabad_stop(&d);
		dalabad_config_clear(&d.cfg);
		return 1;
	}
	g_main_loop_run(d.loop);
	dalabad_stop(&d);
	g_main_loop_unref(d.loop);
	dalabad_config_clear(&d.cfg);
	return 0;
}
