/*
 * broadcast_main.c — `dalaba-broadcast`: the broadcaster without dalabad.
 * Loads the server key and the speaker registry, waits for speakers to say
 * HELLO, streams a WAV file or a freshly rendered notice to a zone, and
 * reports who was reached. dalabad uses the same library on its own threads.
 */
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libsoup/soup.h>
#include <sodium.h>

#include "broadcaster/broadcaster.h"
#include "broadcaster/log.h"
#include "tts/tts.h"

static volatile sig_atomic_t interrupted;

static void
on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

struct enroll_ctx {
	struct bcast_server *srv;
	const char *host;		/* written into speakers' configs */
	int port;
	const char *registry;		/* appended to, so restarts keep them */
};

/* Tokens in this process's memory, keys appended to the registry file
 * (fsynced, so a restart keeps them): an enrolment keeper
 * (broadcaster.h). */
static int
keeper_take(void *arg, const char *token, uint32_t *id, char zone[13])
{
	struct enroll_ctx *c = arg;

	return bcast_enroll_token_take(c->srv, token, id, zone);
}

static int
keeper_keep(void *arg, const struct bcast_enrolled *e)
{
	struct enroll_ctx *c = arg;
	char keyhex[2 * BCAST_SPEAKER_KEY_LEN + 1], line[128];

	int fd = open(c->registry, O_WRONLY | O_APPEND | O_CREAT, 0600);
	bcast_hex_encode(e->key, sizeof(e->key), keyhex);
	int n = snprintf(line, sizeof(line), "%u %s %s\n", e->id, e->zone,
	    keyhex);
	int rc = fd >= 0 && write(fd, line, (size_t)n) == n && fsync(fd) == 0 ?
	    0 : -1;
	if (fd >= 0)
		close(fd);
	sodium_memzero(keyhex, sizeof(keyhex));
	sodium_memzero(line, sizeof(line));
	return rc;
}

static void
keeper_undo(void *arg)
{
	(void)arg;	/* the token stays spent */
}

/* GET /enroll: the server's public key; GET /enroll?sealed=S: the
 * speaker's signed configuration, once per token (bcast_enroll_serve). */
static void
enroll_handler(SoupServer *server, SoupServerMessage *msg, const char *path,
    GHashTable *query, gpointer data)
{
	static const struct bcast_enroll_keeper keeper = { keeper_take,
	    keeper_keep, keeper_undo };
	struct enroll_ctx *c = data;
	char out[2048];

	(void)server;
	(void)path;
	int status = bcast_enroll_serve(c->srv, &keeper, c,
	    soup_server_message_get_method(msg), query ?
	    g_hash_table_lookup(query, "sealed") : NULL, query ?
	    g_hash_table_lookup(query, "token") : NULL, c->host, c->port,
	    soup_server_message_get_remote_host(msg), out, sizeof(out));
	soup_server_message_set_status(msg, (guint)status, NULL);
	if (status != 405)
		soup_server_message_set_response(msg, "text/plain",
		    SOUP_MEMORY_COPY, out, strlen(out));
	sodium_memzero(out, sizeof(out));
}

static gboolean
idle_tick(gpointer data)
{
	int64_t *deadline = ((void **)data)[0];
	GMainLoop *loop = ((void **)data)[1];

	if (interrupted || bcast_mono_now_us() >= *deadline)
		g_main_loop_quit(loop);
	return G_SOURCE_CONTINUE;
}

static void
usage(FILE *f)
{
	fprintf(f,
"usage: dalaba-broadcast --key FILE [--pubkey]\n"
"       dalaba-broadcast --key FILE --speakers FILE [options] --zone ZONE\n"
"                        (--wav FILE | --text TEXT | --idle SECONDS)\n"
"\n"
"Stream audio to dalaba loudspeakers without the daemon.\n"
"\n"
"  --key FILE          the server's Ed25519 key (created if absent, mode 0600)\n"
"  --pubkey            print the server's public key (hex) and exit\n"
"  --speakers FILE     registry: lines \"ID ZONE KEYHEX\"\n"
"  --bind ADDR         address to listen on (default 0.0.0.0)\n"
"  --port N            UDP port (default 5004)\n"
"  --zone ZONE         target division code: 6, 9 or 12 digits\n"
"  --priority P        village (default), township, county, urgent (a\n"
"                      cut-in) or emergency\n"
"  --volume N          0-100 (default: each speaker's own)\n"
"  --delay MS          play-out delay after sending: the jitter allowance\n"
"                      (default 600; 200 for emergency)\n"
"  --wait-speakers N   wait until N speakers said HELLO (default 0)\n"
"  --wait-ms MS        ... but no longer than this (default 10000)\n"
"  --wav FILE          stream a 48 kHz mono 16-bit WAV file\n"
"  --text TEXT         render TEXT as a notice (chime, repeats) and stream it\n"
"  --repeat N          with --text: read it N times (default 1)\n"
"  --idle SECONDS      only answer HELLOs for this long (tests)\n"
"  --offline-ms MS     a speaker silent this long is offline (default 15000)\n"
"  --retransmit-pps N  packets resent on NACKs per speaker and second\n"
"                      (default 5, a burst of 10; 0: none)\n"
"  --enroll-port N     with --idle: serve enrolment on HTTP port N\n"
"  --new-token ID:ZONE create a one-time enrolment token and print it, the\n"
"                      server key's fingerprint and the box's command\n"
"  --advertise HOST    server address written into enrolled speakers'\n"
"                      configurations (default: --bind, or 127.0.0.1)\n"
"  -h, --help          this help\n");
}

static int
parse_prio(const char *s)
{
	static const char *const names[BCAST_PRIO_EMERGENCY + 1] = {
	    [BCAST_PRIO_VILLAGE] = "village", [BCAST_PRIO_TOWNSHIP] = "township",
	    [BCAST_PRIO_COUNTY] = "county", [BCAST_PRIO_URGENT] = "urgent",
	    [BCAST_PRIO_EMERGENCY] = "emergency" };
	for (int i = 0; i <= BCAST_PRIO_EMERGENCY; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

/* Stream a WAV file's PCM (written by us or by any tool: canonical header). */
static int
stream_wav(struct bcast_stream *st, const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t h[BCAST_WAV_HEADER_LEN];
	int16_t buf[4800];
	int rate;
	uint32_t frames;	/* unused: a file is read to its end */
	size_t n;

	if (f == NULL || fread(h, 1, sizeof(h), f) != sizeof(h) ||
	    bcast_wav_parse(h, &rate, &frames) != 0 || rate != BCAST_RATE) {
		fprintf(stderr, "dalaba-broadcast: %s: need a 48 kHz mono 16-bit "
		    "WAV file\n", path);
		if (f)
			fclose(f);
		return -1;
	}
	while (!interrupted && (n = fread(buf, 2, 4800, f)) > 0)
		if (bcast_stream_write(st, buf, n) != 0)
			break;
	fclose(f);
	return 0;
}

static int
to_stream(const int16_t *pcm, size_t frames, void *arg)
{
	return interrupted || bcast_stream_write(arg, pcm, frames) != 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "pubkey", no_argument, NULL, 'P' },
		{ "speakers", required_argument, NULL, 's' },
		{ "bind", required_argument, NULL, 'b' },
		{ "port", required_argument, NULL, 'p' },
		{ "zone", required_argument, NULL, 'z' },
		{ "priority", required_argument, NULL, 'r' },
		{ "volume", required_argument, NULL, 'v' },
		{ "delay", required_argument, NULL, 'd' },
		{ "wait-speakers", required_argument, NULL, 'W' },
		{ "wait-ms", required_argument, NULL, 'T' },
		{ "wav", required_argument, NULL, 'w' },
		{ "text", required_argument, NULL, 't' },
		{ "repeat", required_argument, NULL, 'n' },
		{ "idle", required_argument, NULL, 'i' },
		{ "offline-ms", required_argument, NULL, 'O' },
		{ "retransmit-pps", required_argument, NULL, 'R' },
		{ "enroll-port", required_argument, NULL, 'E' },
		{ "new-token", required_argument, NULL, 'N' },
		{ "advertise", required_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *keyfile = NULL, *speakers = NULL, *bind = NULL, *zone = NULL;
	const char *wav = NULL, *text = NULL, *new_token = NULL, *advertise = NULL;
	int enroll_port = 0;
	int port = 0, prio = 0, volume = -1, delay = -1, want = 0, wait_ms = 10000;
	int repeat = 1, idle = -1, pubkey = 0, offline_ms = 0, rtx_pps = -1, ch;
	uint8_t pk[BCAST_PK_LEN], sk[BCAST_SK_LEN];
	char err[512], hex[2 * BCAST_PK_LEN + 1];

	dlog_init("dalaba-broadcast");

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'k': keyfile = optarg; break;
		case 'P': pubkey = 1; break;
		case 's': speakers = optarg; break;
		case 'b': bind = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 'z': zone = optarg; break;
		case 'r':
			if ((prio = parse_prio(optarg)) < 0) {
				fprintf(stderr, "dalaba-broadcast: unknown priority "
				    "\"%s\"\n", optarg);
				return 2;
			}
			break;
		case 'v': volume = atoi(optarg); break;
		case 'd': delay = atoi(optarg); break;
		case 'W': want = atoi(optarg); break;
		case 'T': wait_ms = atoi(optarg); break;
		case 'w': wav = optarg; break;
		case 't': text = optarg; break;
		case 'n': repeat = atoi(optarg); break;
		case 'i': idle = atoi(optarg); break;
		case 'O': offline_ms = atoi(optarg); break;
		case 'R': rtx_pps = atoi(optarg); break;
		case 'E': enroll_port = atoi(optarg); break;
		case 'N': new_token = optarg; break;
		case 'A': advertise = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (keyfile == NULL || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (bcast_server_key_load(keyfile, pk, sk, err, sizeof(err)) != 0) {
		fprintf(stderr, "dalaba-broadcast: %s\n", err);
		return 1;
	}
	if (pubkey) {
		bcast_hex_encode(pk, sizeof(pk), hex);
		printf("%s\n", hex);
		return 0;
	}
	if (speakers == NULL || (idle < 0 && (zone == NULL ||
	    (wav == NULL) == (text == NULL)))) {
		fprintf(stderr, "dalaba-broadcast: need --speakers, and --zone with "
		    "one of --wav or --text (or --idle)\n");
		return 2;
	}
	if (delay < 0)
		delay = prio == BCAST_PRIO_EMERGENCY ? 200 : 600;

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	struct bcast_config cfg = { .bind_addr = bind, .port = port, .sk = sk,
	    .offline_after_ms = offline_ms,
	    .rtx_box_pps = rtx_pps < 0 ? 0 : rtx_pps == 0 ? -1 : rtx_pps };
	struct bcast_server *srv = bcast_server_new(&cfg, err, sizeof(err));
	if (srv == NULL) {
		fprintf(stderr, "dalaba-broadcast: %s\n", err);
		return 1;
	}
	int status = 1;
	struct tts_engine *eng = NULL;
	if (bcast_registry_load(srv, speakers, err, sizeof(err)) != 0) {
		fprintf(stderr, "dalaba-broadcast: %s\n", err);
		goto out;
	}
	size_t total = bcast_registry_list(srv, NULL, 0);
	struct bcast_speaker_info *info = calloc(total + 1, sizeof(*info));
	if (info == NULL)
		goto out;
	if (new_token) {
		char tok[BCAST_TOKEN_LEN + 1], zone_s[16];
		unsigned long nid;
		if (sscanf(new_token, "%lu:%15s", &nid, zone_s) != 2 ||
		    bcast_enroll_token_new(srv, (uint32_t)nid, zone_s, 86400, tok,
		    err, sizeof(err)) != 0) {
			fprintf(stderr, "dalaba-broadcast: --new-token ID:ZONE: %s\n",
			    err);
			goto report;
		}
		char fp[BCAST_FP_LEN + 1];
		bcast_key_fingerprint(pk, fp);
		printf("token %s\n", tok);
		printf("fingerprint %s\n", fp);
		printf("enrol the box with: dalaba-speaker --enroll "
		    "http://%s:%d/enroll %s %s\n", advertise ? advertise :
		    bind ? bind : "127.0.0.1", enroll_port, tok, fp);
		fflush(stdout);
	}
	if (idle >= 0) {
		SoupServer *http = NULL;
		GError *gerr = NULL;
		struct enroll_ctx ec = { srv, advertise ? advertise : bind ? bind :
		    "127.0.0.1", bcast_server_port(srv), speakers };
		if (enroll_port > 0) {
			http = soup_server_new("server-header", "dalaba", NULL);
			soup_server_add_handler(http, "/enroll", enroll_handler, &ec,
			    NULL);
			GSocketAddress *ga = g_inet_socket_address_new_from_string(
			    bind ? bind : "0.0.0.0", (guint)enroll_port);
			if (ga == NULL || !soup_server_listen(http, ga, 0, &gerr)) {
				fprintf(stderr, "dalaba-broadcast: HTTP port %d: %s\n",
				    enroll_port, gerr ? gerr->message : "bad address");
				g_clear_error(&gerr);
				if (ga)
					g_object_unref(ga);
				g_object_unref(http);
				goto report;
			}
			g_object_unref(ga);
		}
		int64_t deadline = bcast_mono_now_us() + (int64_t)idle * 1000000;
		GMainLoop *loop = g_main_loop_new(NULL, FALSE);
		void *tick[2] = { &deadline, loop };
		g_timeout_add(100, idle_tick, tick);
		g_main_loop_run(loop);
		g_main_loop_unref(loop);
		if (http)
			g_object_unref(http);
		status = 0;
		goto report;
	}
	/* Wait for speakers to say HELLO: they sit behind NAT, so the server
	 * can only reach those it has heard from. */
	for (int waited = 0; waited < wait_ms && !interrupted; waited += 50) {
		int online = 0;
		bcast_registry_list(srv, info, total);
		for (size_t i = 0; i < total; i++)
			online += info[i].online;
		if (online >= want)
			break;
		usleep(50000);
	}
	if (text) {
		eng = tts_engine_new(BCAST_RATE, err, sizeof(err));
		if (eng == NULL) {
			fprintf(stderr, "dalaba-broadcast: %s\n", err);
			goto report;
		}
	}
	struct bcast_stream *st = bcast_stream_open(srv, zone, prio, volume,
	    delay, err, sizeof(err));
	if (st == NULL) {
		fprintf(stderr, "dalaba-broadcast: %s\n", err);
		goto report;
	}
	/* For latency measurements: when the first PCM was handed over. */
	fprintf(stderr, "dalaba-broadcast: first_pcm_mono_us %lld\n",
	    (long long)bcast_mono_now_us());
	if (wav) {
		if (stream_wav(st, wav) != 0) {
			bcast_stream_cancel(st);
			goto report;
		}
	} else {
		struct tts_notice n = { .body = text, .repeat = repeat,
		    .chime = true, .emergency = prio == BCAST_PRIO_EMERGENCY };
		tts_params_default(&n.params);
		if (tts_render(eng, &n, to_stream, st, err, sizeof(err)) == -1) {
			fprintf(stderr, "dalaba-broadcast: %s\n", err);
			bcast_stream_cancel(st);
			goto report;
		}
	}
	if (interrupted) {
		bcast_stream_cancel(st);
	} else {
		bcast_stream_close(st);
		/* Stay until the last frame is heard, answering NACKs for it
		 * (the play-out delay). */
		bcast_server_drain(srv);
	}
	status = 0;
report:
	/* Speakers may have enrolled meanwhile: size the list afresh. */
	free(info);
	total = bcast_registry_list(srv, NULL, 0);
	if ((info = calloc(total + 1, sizeof(*info))) == NULL)
		goto out;
	bcast_registry_list(srv, info, total);
	fprintf(stderr, "dalaba-broadcast: %llu packets sent\n",
	    (unsigned long long)bcast_server_packets_sent(srv));
	struct bcast_rtx_stats rs;
	bcast_server_rtx_stats(srv, &rs);
	fprintf(stderr, "dalaba-broadcast: NACKs %llu taken, %llu refused; "
	    "packets %llu asked, %llu resent (%llu bytes), %llu over budget, "
	    "%llu unavailable\n", (unsigned long long)rs.nacks,
	    (unsigned long long)rs.refused, (unsigned long long)rs.asked,
	    (unsigned long long)rs.resent, (unsigned long long)rs.resent_bytes,
	    (unsigned long long)rs.limited, (unsigned long long)rs.unavailable);
	for (size_t i = 0; i < total; i++)
		bcast_registry_get(srv, info[i].id, &info[i]);	/* with addresses */
	for (size_t i = 0; i < total; i++)
		fprintf(stderr, "  speaker %u zone %s %s %s received %u\n",
		    info[i].id, info[i].zone, info[i].online ? "online" : "offline",
		    info[i].addr, info[i].st.received);
	free(info);
out:
	tts_engine_free(eng);
	bcast_server_free(srv);
	return status;
}
