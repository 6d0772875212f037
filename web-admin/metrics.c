/*
 * metrics.c — GET /metrics on the API's listener (metrics.h): who may
 * scrape (the bearer of metrics.token, nobody else), the answers counted
 * by status where libsoup finishes every one of them, and the figures
 * gathered in one pass over what the daemon already keeps. Nothing here
 * is kept for monitoring's sake but the answers' counts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "web-admin/metrics.h"
#include "web-admin/web_int.h"

/* Every answer the listener gave, whoever handled it (the API, a page,
 * an early refusal); one that never finished (the client went) is not an
 * answer. On the loop, like every request. */
static void
count_answer(SoupServer *server, SoupServerMessage *msg, gpointer data)
{
	struct web_admin *wa = data;
	guint code = soup_server_message_get_status(msg);

	(void)server;
	if (code >= 100 && code < G_N_ELEMENTS(wa->http_answers))
		wa->http_answers[code]++;
}

struct on_air {
	uint64_t streams[BCAST_PRIO_EMERGENCY + 1], waiting;
};

static void
add_airing(const struct dalabad_airing_info *a, void *arg)
{
	struct on_air *o = arg;

	if (!a->on_air)
		o->waiting++;
	else if (a->prio >= 0 && a->prio < 4)
		o->streams[a->prio]++;
}

static void
speakers(GString *out, struct web_admin *wa)
{
	size_t n = 0;
	struct bcast_speaker_info *v = bcast_registry_snapshot(
	    dalabad_broadcaster(wa->d), &n);
	uint64_t online = 0, playing = 0, lost = 0, received = 0, silent = 0;
	uint64_t amp = 0;

	for (size_t i = 0; v && i < n; i++) {
		if (!v[i].online)
			continue;
		online++;
		playing += v[i].st.playing_ssrc != 0;
		silent += v[i].due && v[i].st.playing_ssrc == 0;
		amp += v[i].st.amp_on != 0;
		lost += v[i].st.lost;
		received += v[i].st.received;
	}
	free(v);
	metric_head(out, "dalaba_loudspeakers", "gauge",
	    "Loudspeaker boxes enrolled (the broadcaster's registry).");
	metric_u64(out, "dalaba_loudspeakers", NULL, NULL, n);
	metric_head(out, "dalaba_loudspeakers_online", "gauge",
	    "Enrolled boxes heard from recently enough to count as online.");
	metric_u64(out, "dalaba_loudspeakers_online", NULL, NULL, online);
	metric_head(out, "dalaba_loudspeakers_playing", "gauge",
	    "Online boxes whose last heartbeat says they are playing a stream.");
	metric_u64(out, "dalaba_loudspeakers_playing", NULL, NULL, playing);
	metric_head(out, "dalaba_loudspeakers_silent_when_due", "gauge",
	    "Online boxes not playing although a stream covering their zone has "
	    "been on the air 3 s past its first audio: the ones to alert on.");
	metric_u64(out, "dalaba_loudspeakers_silent_when_due", NULL, NULL, silent);
	metric_head(out, "dalaba_loudspeakers_amplifier_on", "gauge",
	    "Online boxes whose last heartbeat says their amplifier is on.");
	metric_u64(out, "dalaba_loudspeakers_amplifier_on", NULL, NULL, amp);
	metric_head(out, "dalaba_loudspeaker_reported_lost_packets", "gauge",
	    "Sum over online boxes of the audio packets each reports missing "
	    "at play-out (recovered by FEC or concealed) since it started, as "
	    "of its last heartbeat; falls when a box restarts or goes offline.");
	metric_u64(out, "dalaba_loudspeaker_reported_lost_packets", NULL, NULL,
	    lost);
	metric_head(out, "dalaba_loudspeaker_reported_received_packets", "gauge",
	    "Sum over online boxes of the audio packets each reports received "
	    "since it started, as of its last heartbeat.");
	metric_u64(out, "dalaba_loudspeaker_reported_received_packets", NULL,
	    NULL, received);
}

static void
broadcaster(GString *out, struct web_admin *wa)
{
	struct bcast_server *srv = dalabad_broadcaster(wa->d);
	struct bcast_rtx_stats rtx;
	struct on_air o = { { 0 }, 0 };

	dalabad_airings_each(wa->d, add_airing, &o);
	metric_head(out, "dalaba_streams_on_air", "gauge",
	    "Airings streaming now, by class.");
	for (int i = 0; i <= BCAST_PRIO_EMERGENCY; i++)
		metric_u64(out, "dalaba_streams_on_air", "class",
		    dalabad_class_names[i], o.streams[i]);
	metric_head(out, "dalaba_airings_waiting", "gauge",
	    "Airings claimed but not on air: queued, rendering or pre-empted.");
	metric_u64(out, "dalaba_airings_waiting", NULL, NULL, o.waiting);
	bcast_server_rtx_stats(srv, &rtx);
	metric_head(out, "dalaba_audio_packets_sent_total", "counter",
	    "Audio packets sent, one for each box a packet went to "
	    "(resends not counted).");
	metric_u64(out, "dalaba_audio_packets_sent_total", NULL, NULL,
	    bcast_server_packets_sent(srv));
	metric_head(out, "dalaba_audio_packets_multicast_total", "counter",
	    "Audio packets sent to a zone's multicast group, one for each "
	    "group (the boxes that hear it are not sent their own).");
	metric_u64(out, "dalaba_audio_packets_multicast_total", NULL, NULL,
	    bcast_server_packets_multicast(srv));
	metric_head(out, "dalaba_audio_packets_resent_total", "counter",
	    "Audio packets sent again on a box's NACK.");
	metric_u64(out, "dalaba_audio_packets_resent_total", NULL, NULL,
	    rtx.resent);
	metric_head(out, "dalaba_audio_nacks_total", "counter",
	    "NACKs accepted (authentic, new, from an online box).");
	metric_u64(out, "dalaba_audio_nacks_total", NULL, NULL, rtx.nacks);
	metric_head(out, "dalaba_hello_challenges_total", "counter",
	    "HELLOs not taken for want of the right cookie (a box or the "
	    "server restarted, an address changed, or a replay) and answered "
	    "with a challenge.");
	metric_u64(out, "dalaba_hello_challenges_total", NULL, NULL,
	    bcast_server_challenges(srv));
	int64_t cpu = bcast_server_sender_cpu_us(srv);
	if (cpu >= 0) {
		metric_head(out, "dalaba_sender_cpu_seconds_total", "counter",
		    "CPU time the RTP sender thread has used.");
		metric_double(out, "dalaba_sender_cpu_seconds_total",
		    (double)cpu / 1e6);
	}
}

static void
render(GString *out, struct web_admin *wa)
{
	struct dalabad_stats st;

	metric_head(out, "dalaba_build_info", "gauge",
	    "Always 1; the version of dalabad in its label.");
	metric_u64(out, "dalaba_build_info", "version", DALABAD_VERSION, 1);
	speakers(out, wa);
	broadcaster(out, wa);
	dalabad_stats(wa->d, &st);
	metric_head(out, "dalaba_render_queue_length", "gauge",
	    "Render jobs waiting for the TTS thread (not the one in hand, nor "
	    "a news notice still fetching its feed).");
	metric_u64(out, "dalaba_render_queue_length", NULL, NULL,
	    (uint64_t)st.render_queue);
	metric_hist(out, "dalaba_render_duration_seconds", "Seconds the TTS "
	    "thread took over each render job it finished (a cached render's "
	    "check included; one that gave way to a page, from its restart).",
	    &st.render_seconds);
	metric_hist(out, "dalaba_page_latency_seconds", "Seconds from an "
	    "emergency page being handed to the scheduler (stored, after the "
	    "API's checks) to the first audio of each of its zone airings going "
	    "to the sender (boxes play it [pages] delay_ms later); counted when "
	    "that airing ends.", &st.page_latency_seconds);
	metric_head(out, "dalaba_store_size_bytes", "gauge",
	    "The SQLite store on disk: dalaba.db and its write-ahead log.");
	metric_u64(out, "dalaba_store_size_bytes", NULL, NULL,
	    (uint64_t)st.store_bytes);
	metric_head(out, "dalaba_http_requests_total", "counter",
	    "Answers the API's listener finished, by status (a scrape is "
	    "counted in the next one).");
	for (guint c = 100; c < G_N_ELEMENTS(wa->http_answers); c++) {
		char code[8];
		if (wa->http_answers[c] == 0)
			continue;
		snprintf(code, sizeof(code), "%u", c);
		metric_u64(out, "dalaba_http_requests_total", "code", code,
		    wa->http_answers[c]);
	}
}

static bool
scraper(struct web_admin *wa, SoupServerMessage *msg)
{
	const char *auth = soup_message_headers_get_one(
	    soup_server_message_get_request_headers(msg), "Authorization");
	char secret[65];
	bool ok = auth != NULL && web_bearer_secret(auth, secret) &&
	    sodium_memcmp(secret, wa->metrics_token, 64) == 0;

	sodium_memzero(secret, sizeof(secret));
	return ok;
}

static void
metrics_handler(SoupServer *server, SoupServerMessage *msg, const char *path,
    GHashTable *query, gpointer data)
{
	struct web_admin *wa = data;
	const char *method = soup_server_message_get_method(msg);

	(void)server;
	(void)query;
	if (strcmp(path, "/metrics") != 0) {
		soup_server_message_set_status(msg, 404, NULL);
		return;
	}
	if (!scraper(wa, msg)) {
		static const char no[] = "send Authorization: Bearer with the "
		    "state directory's metrics.token\n";
		soup_message_headers_replace(
		    soup_server_message_get_response_headers(msg),
		    "WWW-Authenticate", "Bearer realm=\"dalaba metrics\"");
		soup_server_message_set_status(msg, 401, NULL);
		soup_server_message_set_response(msg, "text/plain", SOUP_MEMORY_STATIC,
		    no, strlen(no));
		return;
	}
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		soup_server_message_set_status(msg, 405, NULL);
		return;
	}
	GString *out = g_string_sized_new(8192);
	render(out, wa);
	soup_server_message_set_status(msg, 200, NULL);
	gsize len = out->len;
	soup_server_message_set_response(msg,
	    "text/plain; version=0.0.4; charset=utf-8", SOUP_MEMORY_TAKE,
	    g_string_free(out, FALSE), len);
}

int
web_metrics_start(struct web_admin *wa, char *err, size_t errlen)
{
	char e2[256];

	if (web_token_load(wa, "metrics.token", wa->metrics_token, e2,
	    sizeof(e2)) != 0) {
		snprintf(err, errlen, "metrics token: %s", e2);
		return -1;
	}
	g_signal_connect(wa->api, "request-finished", G_CALLBACK(count_answer),
	    wa);
	soup_server_add_handler(wa->api, "/metrics", metrics_handler, wa, NULL);
	return 0;
}
