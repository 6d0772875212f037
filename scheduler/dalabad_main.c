/*
 * dalabad_main.c — the daemon's command line and its composition root:
 * options, configuration, the scheduler (scheduler/) and the HTTP side on
 * it (web-admin/), signals (TERM/INT stop cleanly, HUP reloads), the main
 * loop. The one file that sees both sides.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib-unix.h>

#include "scheduler/daemon.h"
#include "broadcaster/log.h"
#include "web-admin/web.h"

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

/* The daemon: the scheduler and the HTTP side on it. */
struct daemon {
	struct dalabad d;
	struct web_admin *web;
};

static gboolean
on_stop(gpointer data)
{
	struct daemon *dm = data;

	dlog(LOG_NOTICE, "stopping");
	dlog_notify("STOPPING=1");
	g_main_loop_quit(dm->d.loop);
	return G_SOURCE_CONTINUE;
}

static gboolean
on_hup(gpointer data)
{
	struct daemon *dm = data;

	dlog_notify("RELOADING=1");
	dalabad_reload(&dm->d);
	web_admin_reconfigure(dm->web);	/* its connection caps */
	dlog_notify("READY=1");
	return G_SOURCE_CONTINUE;
}

/* The watchdog's ping comes from the main loop itself: a loop that stops
 * turning (a deadlock, a stuck call) stops the pings, and systemd
 * restarts the daemon. */
static gboolean
on_watchdog(gpointer data)
{
	(void)data;
	dlog_notify("WATCHDOG=1");
	return G_SOURCE_CONTINUE;
}

/* The scheduler first (the store, keys, recovery), then the listeners on
 * it; stopped the other way round, so no request reaches a stopped core. */
static int
daemon_start(struct daemon *dm, char *err, size_t errlen)
{
	if (dalabad_start(&dm->d, err, errlen) != 0)
		return -1;
	dm->web = web_admin_start(&dm->d, err, errlen);
	return dm->web ? 0 : -1;
}

static void
daemon_stop(struct daemon *dm)
{
	web_admin_stop(dm->web);
	dm->web = NULL;
	dalabad_stop(&dm->d);
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
	static struct daemon dm;
	struct dalabad *d = &dm.d;
	const char *state_dir = NULL;
	bool check = false;
	char err[512];
	int c;

	dlog_init("dalabad");

	while ((c = getopt_long(argc, argv, "c:nh", opts, NULL)) != -1) {
		switch (c) {
		case 'c': d->config_path = optarg; break;
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
	if (dalabad_config_load(d->config_path, &d->cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "dalabad: %s\n", err);
		return 1;
	}
	if (state_dir) {
		g_free(d->cfg.state_dir);
		d->cfg.state_dir = g_strdup(state_dir);
	}
	if (check) {
		printf("# dalabad configuration%s%s: OK\n", d->config_path ?
		    " from " : " (built-in defaults)", d->config_path ?
		    d->config_path : "");
		dalabad_config_write(stdout, &d->cfg);
		dalabad_config_clear(&d->cfg);
		return 0;
	}
	d->loop = g_main_loop_new(NULL, FALSE);
	g_unix_signal_add(SIGTERM, on_stop, &dm);
	g_unix_signal_add(SIGINT, on_stop, &dm);
	g_unix_signal_add(SIGHUP, on_hup, &dm);
	if (daemon_start(&dm, err, sizeof(err)) != 0) {
		dlog(LOG_ERR, "%s", err);
		daemon_stop(&dm);
		dalabad_config_clear(&d->cfg);
		return 1;
	}
	/* Under systemd (Type=notify): up only now, with the store, keys and
	 * listeners ready. */
	dlog_notify("READY=1\nSTATUS=on the air, serving the API");
	unsigned wd = dlog_watchdog_ms();
	if (wd > 0)
		g_timeout_add(wd, on_watchdog, NULL);
	g_main_loop_run(d->loop);
	daemon_stop(&dm);
	g_main_loop_unref(d->loop);
	dalabad_config_clear(&d->cfg);
	return 0;
}
