#!/bin/sh
# bench/web.sh — the web admin under load while dalabad streams. A real
# dalabad with 1000 enrolled (simulated) loudspeakers (bench/speakers_sim)
# airing a long county notice to all of them; wrk on loopback against the
# speakers page (the county admin's: counts by township) and the JSON
# status endpoint. The same two runs with nothing on air give the
# baseline, in this run.
#
#   web_rps / web_p99_ms               speakers page, while streaming
#   web_status_rps / web_status_p99_ms GET /api/v1/status, while streaming
#   web_rps_idle, web_streaming_vs_idle_ratio
#   web_stream_heard_pct               speakers that got audio during it
#   web_today_rps / web_today_p99_ms   the today page (the landing page:
#                                      pages in force, what airs next, what
#                                      aired today, boxes to look at), the
#                                      county admin's, while streaming
# Then dalabad again with 10,000 (the first thousand's village, and nine
# more townships of twenty villages of fifty), streaming to all of them:
#   web_rps_10k / web_p99_ms_10k       the speakers page (the county's
#                                      summary by township)
#   web_village_rps_10k / web_village_p99_ms_10k
#                                      a village's first 50 cards (东风村's
#                                      1000 boxes, 20 pages)
#   web_today_rps_10k / web_today_p99_ms_10k
#                                      the county admin's today page
set -u
BUILD=${BUILD:-build}
TOP=$(cd "$(dirname "$0")/.." && pwd)
B=$TOP/$BUILD
N=${WEB_BENCH_SPEAKERS:-1000}
N10K=$((N + 9000))
SECS=${WEB_BENCH_SECONDS:-8}
T=$(mktemp -d /tmp/dalaba-bench-web.XXXXXX)
DPID= SIM=
trap 'kill $DPID $SIM 2>/dev/null; wait 2>/dev/null; [ -n "${KEEP_TMP:-}" ] || rm -rf "$T"' EXIT
cd "$T"
NAME=web
command -v wrk >/dev/null || { echo "bench/web: wrk is not installed (.ci/deps: BENCH_PKGS)" >&2; exit 1; }
. "$TOP/bench/daemon.sh"
BENCH_NAME=bench/web
. "$TOP/bench/lib.sh"
# on_air_with COUNT: speakers_sim's COUNT boxes online (SIM), and a long
# county notice to them on the air
on_air_with() {
	"$B/speakers_sim" "$PORT" "$1" "$KEY" $((SECS * 3 + 40)) >sim.out 2>&1 &
	SIM=$!
	wait_online "$1"
	# About 13 minutes of audio: long enough for every run here, within
	# the default [dalabad] item_max_minutes of 15.
	"$B/dalaba" notice add --zone 110101 --class county --repeat 3 --now \
	    "$TEXT" >/dev/null || die "the notice was refused"
	n=0
	until [ "$(onair)" -ge 1 ]; do
		n=$((n + 1)); [ $n -gt 300 ] && die "the notice did not go on air"
		sleep 0.2
	done
}
TEXT=$(awk 'BEGIN { for (i = 0; i < 25; i++) printf "各位村民请注意，今天下午三点在村委会召开全体村民大会，请准时参加。" }')
onair() { sqlite3 -cmd ".timeout 5000" state/dalaba.db \
    "SELECT count(*) FROM broadcasts WHERE on_air_at IS NOT NULL AND outcome IS NULL"; }
login() {
	COOKIE=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
	    -d '{"name":"admin","password":"bench-pass-1"}' "$URL/api/v1/login" |
	    awk -F'[ ;]' 'tolower($1) == "set-cookie:" { print $2 }')
	[ -n "$COOKIE" ] || die "login failed"
}
bench_conf
start
"$B/dalaba" zone add 110101 示范县 --quiet 00:00-00:00 >/dev/null
"$B/dalaba" zone add 110101001 城关镇 --quiet 00:00-00:00 >/dev/null
"$B/dalaba" zone add 110101001001 东风村 --quiet 00:00-00:00 >/dev/null
echo bench-pass-1 | "$B/dalaba" user add admin --role county --zone 110101 \
    --password-stdin >/dev/null
kill $DPID; wait $DPID 2>/dev/null
# The boxes' keys go in as enrolment would have put them.
KEY=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
sim_speakers "$KEY" "110101001001:$N"
start
login

# wrk_run PATH HEADER: "rps p99_ms"
wrk_run() {
	wrk -t2 -c16 -d"${SECS}s" --latency -H "$2" "$URL$1" >wrk.out 2>&1
	awk '/Requests\/sec/ { rps = $2 }
	    $1 == "99%" { v = $2; ms = v + 0
	        if (v ~ /us$/) ms /= 1000; else if (v ~ /[0-9]s$/ && v !~ /ms$/) ms *= 1000
	        p99 = ms }
	    END { printf "%.0f %.2f\n", rps, p99 }' wrk.out
}

# Baseline: nothing on air.
set -- $(wrk_run /speakers "Cookie: $COOKIE")
IDLE_RPS=$1
on_air_with "$N"
set -- $(wrk_run /speakers "Cookie: $COOKIE")
RPS=$1 P99=$2
set -- $(wrk_run /today "Cookie: $COOKIE")
TRPS=$1 TP99=$2
set -- $(wrk_run /api/v1/status "Authorization: Bearer $TOKEN")
SRPS=$1 SP99=$2
ONAIR=$(onair)
kill $SIM 2>/dev/null; wait $SIM 2>/dev/null
HEARD=$(awk '$1 == "received" { print $4 }' sim.out)

# The county of ten thousand: nine more townships of twenty villages of
# fifty boxes beside 东风村's, in the store as the first were.
kill $DPID; wait $DPID 2>/dev/null
awk -v k="$KEY" -v first="$N" 'BEGIN { print "BEGIN;"; i = first
    for (t = 2; t <= 10; t++) {
        printf "INSERT INTO zones (code, name, quiet_start, quiet_end, " \
            "created_at) VALUES (\"110101%03d\", \"第%d镇\", \"00:00\", " \
            "\"00:00\", 0);\n", t, t
        for (v = 1; v <= 20; v++) {
            printf "INSERT INTO zones (code, name, quiet_start, quiet_end, " \
                "created_at) VALUES (\"110101%03d%03d\", \"第%d镇%d村\", " \
                "\"00:00\", \"00:00\", 0);\n", t, v, t, v
            for (j = 0; j < 50; j++) { i++
                printf "INSERT INTO speakers (id, zone, name, key_hex, " \
                    "created_at) VALUES (%d, \"110101%03d%03d\", \"喇叭%d\", " \
                    "\"%s\", 0);\n", i, t, v, i, k } } }
    print "COMMIT;" }' | sqlite3 -bail state/dalaba.db || die "the 10,000 did not go in"
start
login
on_air_with "$N10K"
set -- $(wrk_run /speakers "Cookie: $COOKIE")
RPS10=$1 P9910=$2
set -- $(wrk_run "/speakers?zone=110101001001" "Cookie: $COOKIE")
VRPS10=$1 VP9910=$2
set -- $(wrk_run /today "Cookie: $COOKIE")
TRPS10=$1 TP9910=$2
kill $SIM 2>/dev/null; wait $SIM 2>/dev/null

# wrk_run gives 0 for a run that did not happen: 0 is outside every range.
bench_fig web_rps "$RPS" req/s 1 1e6 "(speakers page, $N speakers, streaming)"
bench_fig web_p99_ms "$P99" ms 0.01 60000
bench_fig web_today_rps "$TRPS" req/s 1 1e6 "(today page, $N speakers, streaming)"
bench_fig web_today_p99_ms "$TP99" ms 0.01 60000
bench_fig web_status_rps "$SRPS" req/s 1 1e6 "(GET /api/v1/status, streaming)"
bench_fig web_status_p99_ms "$SP99" ms 0.01 60000
bench_fig web_rps_idle "$IDLE_RPS" req/s 1 1e6 "(speakers page, nothing on air)"
if bench_pos "$RPS" "$IDLE_RPS"; then
	bench_fig web_streaming_vs_idle_ratio "$(awk -v a="$RPS" -v b="$IDLE_RPS" 'BEGIN { printf "%.2f", a / b }')" - 0.001 1000
else
	bench_skip web_streaming_vs_idle_ratio "no rate while streaming ('$RPS') or idle ('$IDLE_RPS')"
fi
if bench_num "$HEARD" 0 "$N"; then
	bench_fig web_stream_heard_pct "$(awk -v h="$HEARD" -v n="$N" 'BEGIN { printf "%.1f", 100 * h / n }')" % 0 100 "(on air to the end: $ONAIR)"
else
	bench_skip web_stream_heard_pct "speakers_sim reported no count ('$HEARD')"
fi
bench_fig web_rps_10k "$RPS10" req/s 1 1e6 "(speakers page, $N10K speakers, streaming)"
bench_fig web_p99_ms_10k "$P9910" ms 0.01 60000
bench_fig web_village_rps_10k "$VRPS10" req/s 1 1e6 "(a village's first 50 cards, $N10K speakers, streaming)"
bench_fig web_village_p99_ms_10k "$VP9910" ms 0.01 60000
bench_fig web_today_rps_10k "$TRPS10" req/s 1 1e6 "(today page, $N10K speakers, streaming)"
bench_fig web_today_p99_ms_10k "$TP9910" ms 0.01 60000
bench_done
