#!/bin/sh
# bench/page.sh — emergency pages measured on loopback with a real dalabad.
#
#   page_latency_p50_ms / _p99_ms  POST /api/v1/pages sent -> the page's
#                                  first sample handed to ALSA at a real
#                                  dalaba-speaker (ALSA null device through
#                                  the file plugin); 20 pages, each a new
#                                  text, so each is synthesised as it airs
#   cap_latency_p99_ms             the same from a CAP 1.2 POST (10 alerts)
#   cancel_latency_ms              cancel sent -> the last sample of the page
#                                  written at any real speaker (p50 of 20)
#   page_confirm_10/100/1000_ms    page sent -> the API counts all N target
#                                  speakers confirmed playing, with N boxes
#                                  simulated (bench/speakers_sim in confirm
#                                  mode: verify, play at the presentation
#                                  time, report at once, as boxes do)
#   cancel_confirm_1000_ms         cancel sent -> the API counts 0 playing
#   page_under_abuse_p99_ms        page sent -> first sample at a real box
#                                  while, in turn, each abuse of the issue
#                                  "An emergency page that nothing can
#                                  stall" runs: held and leaked connections,
#                                  password guesses by a cadre, long previews
#                                  and speak calls, parallel and many-range
#                                  downloads of a 200 MB file, and GET
#                                  schedules over 500 schedules (3 pages
#                                  each; the note gives the idle p99 of the
#                                  same setting: target within 100 ms)
#   fds_after_10k_requests         dalabad's open descriptors after 10,000
#                                  keep-alive requests (target: as before)
#   page_under_web_load_p99_ms     page sent -> first sample at a real box,
#                                  while 10,000 simulated boxes are online, a
#                                  county notice is on the air to them and
#                                  wrk reloads the county's speakers page
#                                  (2 threads, 16 connections); 10 API pages
#                                  and 5 CAP alerts (target <= 500)
#
# Play-out delay of pages: the default [pages] delay_ms = 300, part of
# every latency here (it is what keeps the villages in step).
set -u
BUILD=${BUILD:-build}
TOP=$(cd "$(dirname "$0")/.." && pwd)
B=$TOP/$BUILD
ROUNDS=${PAGE_BENCH_ROUNDS:-20}
T=$(mktemp -d /tmp/dalaba-bench-page.XXXXXX)
DPID= SIM= S1= S2=
WRK=
trap 'kill $DPID $SIM $S1 $S2 $WRK 2>/dev/null; wait 2>/dev/null; [ -n "${KEEP_TMP:-}" ] || rm -rf "$T"' EXIT
cd "$T"
NAME=page PORT_SALT=13
. "$TOP/bench/daemon.sh"
BENCH_NAME=bench/page
. "$TOP/bench/lib.sh"
bench_conf 127.0.0.1
cat >.asoundrc <<EOC
pcm.dalaba_file { type file; slave.pcm "null"; file "$T/alsa.wav"; format "wav" }
EOC
us() { date +%s%6N; }
api() {	# METHOD PATH [JSON]
	curl -s -X "$1" -H "Authorization: Bearer $TOKEN" \
	    -H 'Content-Type: application/json' ${3:+-d "$3"} "$URL/api/v1/$2"
}
num() { sed -n "s/.*\"$1\" *: *\([0-9]*\).*/\1/p" | head -n1; }

start
for z in "110101 示范县" "110101001 城关镇" "110101001001 东风村" \
    "110101001002 西风村" "110101002 河口镇" "110101002001 河口村" \
    "110102 邻县" "110102001 邻镇" "110102001001 实测村"; do
	set -- $z
	"$B/dalaba" zone add "$1" "$2" --quiet 00:00-00:00 >/dev/null
done
# Two real boxes in their own county, enrolled the real way.
for i in 1 2; do
	"$B/dalaba" speaker add $((20000 + i)) --zone 110102001001 --name "实测$i" >add$i.out
	set -- $(awk '/--enroll/ { print $3, $4, $5 }' add$i.out)
	out=wav:$T/out$i.wav
	[ $i = 1 ] && out=alsa:dalaba_file
	"$B/dalaba-speaker" --enroll "$1" "$2" "$3" -c s$i.conf -o "$out" >/dev/null 2>&1 ||
	    die "enrolment failed"
	printf '[agent]\nhello_ms = 1000\n' >>s$i.conf
done
PK=$(awk -F' *= *' '$1 == "public_key" { print $2 }' s1.conf)
kill $DPID; wait $DPID 2>/dev/null
# 1000 simulated boxes: 10 in 东风村, 90 in 西风村 (城关镇: 100), 900 in
# 河口村 (示范县: 1000), their keys as enrolment would have stored them.
KEY=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
sim_speakers "$KEY" 110101001001:10 110101001002:90 110101002001:900
start
for i in 1 2; do
	HOME=$T "$B/dalaba-speaker" -c s$i.conf --trace s$i.trace 2>s$i.err &
	eval "S$i=\$!"
done
"$B/speakers_sim" "$PORT" 1000 "$KEY" 600 "$PK" >sim.out 2>&1 &
SIM=$!
wait_online 1002

# first_written SSRC-SEEN-FILE: "ssrc us" of the first frame of a stream
# not seen before, across both real boxes (empty until there is one)
first_new() {
	# (whole lines only: a box may be writing its last one)
	awk -v seen="$(cat seen 2>/dev/null)" '
	    BEGIN { n = split(seen, s, " "); for (i = 1; i <= n; i++) old[s[i]] = 1 }
	    !($1 in old) && NF >= 6 && length($5) >= 16 { if (!($1 in first) || $5 < first[$1]) first[$1] = $5 }
	    END { for (k in first) printf "%s %.0f\n", k, first[k] }' s1.trace s2.trace 2>/dev/null |
	    sort -k2 -n | head -n1
}
last_of() { awk -v s="$1" '$1 == s && NF >= 6 && length($5) >= 16 { if ($5 > m) m = $5 } END { printf "%.0f\n", m }' s1.trace s2.trace; }
: >seen
: >lat_page; : >lat_cap; : >lat_cancel
# one_page KIND I: page the real boxes' village, time it, cancel, time that
one_page() {
	t0=$(us)
	if [ "$1" = page ]; then
		api POST pages "{\"zones\":[\"110102001001\"],\"repeat\":1,\"text\":\"紧急通知第$2次：请注意防汛，听从村干部安排。\"}" >p.json
		id=$(num id <p.json)
	else
		cat >a.xml <<EOX
<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>BENCH-$2-$$</identifier><sender>bench@110102</sender><sent>$(date -u +%Y-%m-%dT%H:%M:%S+00:00)</sent><status>Actual</status><msgType>Alert</msgType><scope>Public</scope><info><language>zh-CN</language><category>Met</category><event>暴雨</event><urgency>Immediate</urgency><severity>Extreme</severity><certainty>Observed</certainty><description>暴雨预警第$2次：请立即转移到安全地带。</description><area><areaDesc>实测村</areaDesc><geocode><valueName>GB/T 2260</valueName><value>110102001001</value></geocode></area></info></alert>
EOX
		curl -s -D h.txt -o /dev/null -H "Authorization: Bearer $TOKEN" \
		    -H 'Content-Type: application/cap+xml' --data-binary @a.xml "$URL/api/v1/cap"
		id=$(sed -n 's/^X-Dalaba-Page: *\([0-9]*\).*/\1/p' h.txt | tr -d '\r')
	fi
	[ -n "$id" ] || die "the $1 was not accepted"
	n=0
	while :; do
		set -- $(first_new)
		[ $# = 2 ] && break
		n=$((n + 1)); [ $n -gt 3000 ] && die "page $id never reached a speaker"
		sleep 0.01
	done
	echo "$(( ($2 - t0) / 1000 ))" >>"lat_$KIND"
	ssrc=$1
	echo " $ssrc" >>seen
	sleep 0.5
	tc=$(us)
	api POST "pages/$id/cancel" >/dev/null
	# Wait until neither box writes the page any more.
	n=0
	while :; do
		a=$(last_of "$ssrc"); sleep 0.3; b=$(last_of "$ssrc")
		[ "$a" = "$b" ] && break
		n=$((n + 1)); [ $n -gt 30 ] && die "page $id did not stop"
	done
	echo "$(( (b - tc) / 1000 ))" >>lat_cancel
}
i=0
KIND=page
while [ $i -lt "$ROUNDS" ]; do i=$((i + 1)); one_page page $i; done
i=0
KIND=cap
while [ $i -lt $((ROUNDS / 2)) ]; do i=$((i + 1)); one_page cap $i; done

pct() { sort -n "$1" | awk -v p="$2" '{ v[NR] = $1 } END { i = int((NR - 1) * p / 100 + 0.999); if (i < 1) i = 1; print v[i] }'; }
bench_fig page_latency_p50_ms "$(pct lat_page 50)" ms 1 60000 "(API page sent -> first sample to ALSA, $ROUNDS pages, 300 ms play-out delay included)"
bench_fig page_latency_p99_ms "$(pct lat_page 99)" ms 1 60000
bench_fig cap_latency_p99_ms "$(pct lat_cap 99)" ms 1 60000 "(CAP POST -> first sample to ALSA, $((ROUNDS / 2)) alerts; p50 $(pct lat_cap 50) ms)"
bench_fig cancel_latency_ms "$(pct lat_cancel 50)" ms 1 60000 "(cancel sent -> last sample written at any speaker; p99 $(pct lat_cancel 99) ms)"

# Confirmations by N simulated boxes.
for spec in "10 110101001001" "100 110101001" "1000 110101"; do
	set -- $spec
	N=$1
	t0=$(us)
	id=$(api POST pages "{\"zones\":[\"$2\"],\"repeat\":3,\"text\":\"全体注意：这是$N个喇叭的确认测试。\"}" | num id)
	[ -n "$id" ] || die "page to $2 not accepted"
	n=0
	until [ "$(api GET "pages/$id" | num confirmed)" = "$N" ]; do
		n=$((n + 1)); [ $n -gt 600 ] && die "page $id: not all $N confirmed"
		sleep 0.02
	done
	bench_fig page_confirm_${N}_ms $(( ($(us) - t0) / 1000 )) ms 1 60000 "(page sent -> API counts $N/$N confirmed)"
	tc=$(us)
	api POST "pages/$id/cancel" >/dev/null
	n=0
	until [ "$(api GET "pages/$id" | num playing)" = 0 ]; do
		n=$((n + 1)); [ $n -gt 600 ] && die "page $id: still playing"
		sleep 0.02
	done
	[ "$N" = 1000 ] && bench_fig cancel_confirm_1000_ms $(( ($(us) - tc) / 1000 )) ms 1 60000 "(cancel sent -> API counts 0 of 1000 playing)"
	sleep 1
done

# Pages while the web admin is loaded: 10,000 boxes online, a county notice
# on the air to them, and one user reloading the speakers page 16 times in
# parallel. Nothing a user does in the web admin may delay a page.
kill $SIM; wait $SIM 2>/dev/null
echo bench-pass-1 | "$B/dalaba" user add admin --role county --zone 110101 \
    --password-stdin >/dev/null
kill $DPID; wait $DPID 2>/dev/null
sqlite3 state/dalaba.db "DELETE FROM broadcast_speakers WHERE speaker_id <= 1000; DELETE FROM enroll_tokens WHERE speaker_id <= 1000; DELETE FROM speakers WHERE id <= 1000"
sim_speakers "$KEY" 110101001001:10 110101001002:90 110101002001:9900
start
"$B/speakers_sim" "$PORT" 10000 "$KEY" 400 >sim.out 2>&1 &
SIM=$!
wait_online 10002
COOKIE=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
    -d '{"name":"admin","password":"bench-pass-1"}' "$URL/api/v1/login" |
    awk -F'[ ;]' 'tolower($1) == "set-cookie:" { print $2 }')
[ -n "$COOKIE" ] || die "login failed"
LONG=$(awk 'BEGIN { for (i = 0; i < 60; i++) printf "全县居民请注意，明天上午九点起全县停水检修，请提前储水。" }')
"$B/dalaba" notice add --zone 110101 --class county --now "$LONG" >/dev/null
n=0
until "$B/dalaba" status --json | grep -q '"class" *: *"county"'; do
	n=$((n + 1)); [ $n -gt 300 ] && die "the county notice did not go on the air"
	sleep 0.2
done
wrk -t2 -c16 -d120s --latency -H "Cookie: $COOKIE" "$URL/speakers" >wrk_load.out 2>&1 &
WRK=$!
sleep 3
: >lat_load
: >lat_page; : >lat_cap
i=0
KIND=page
while [ $i -lt 10 ]; do i=$((i + 1)); one_page page $((100 + i)); done
i=0
KIND=cap
while [ $i -lt 5 ]; do i=$((i + 1)); one_page cap $((100 + i)); done
kill -INT $WRK 2>/dev/null; wait $WRK 2>/dev/null	# wrk prints its figures on SIGINT
cat lat_page lat_cap >lat_load
RPS=$(awk '/Requests\/sec/ { print $2 }' wrk_load.out)
if bench_pos "${RPS:-0}"; then
	bench_fig page_under_web_load_p99_ms "$(pct lat_load 99)" ms 1 60000 \
	    "(page sent -> first sample, 10,000 boxes online, a county notice on air, wrk on the speakers page at $RPS req/s; p50 $(pct lat_load 50) ms, 15 pages)"
else
	bench_skip page_under_web_load_p99_ms "wrk did not load the speakers page ($(head -c 200 wrk_load.out))"
fi

# Descriptors: 10,000 requests on connections the client keeps alive (with
# wrk stopped and before the abuse, whose long renders go on writing files
# after it).
fds() { ls "/proc/$DPID/fd" | wc -l; }
FD0=$(fds)
awk -v u="$URL/login" 'BEGIN { for (i = 0; i < 2500; i++) printf "url = \"%s\"\noutput = \"/dev/null\"\n", u }' >urls.cfg
for c in 1 2 3 4; do curl -s -K urls.cfg -H 'Connection: keep-alive' >/dev/null 2>&1 & eval "C$c=\$!"; done
wait $C1 $C2 $C3 $C4
sleep 2
bench_fig fds_after_10k_requests "$(fds)" fds 1 100000 "(dalabad's open descriptors after 10,000 keep-alive requests; $FD0 before)"

# ---- pages while the web admin and the API are abused --------------------
# The same setting (10,000 boxes online, the county notice on the air), wrk
# stopped; first idle, then each abuse in turn, by one logged-in village
# cadre or by nobody logged in at all.
HOLD=$TOP/tests/e2e/hold.mjs
APORT=${URL##*:}
echo cun-pass-1 | "$B/dalaba" user add cun --role village --zone 110101001001 \
    --password-stdin >/dev/null
CJAR=$T/cun.jar
# The cadre works from 127.0.0.20: this machine's own 127.0.0.1 is held to
# no share of the loop (it is the county's terminal).
CSRF=$(curl -s -c "$CJAR" --interface 127.0.0.20 -H 'Content-Type: application/json' \
    -d '{"name":"cun","password":"cun-pass-1"}' "$URL/api/v1/login" |
    sed -n 's/.*"csrf" *: *"\([^"]*\)".*/\1/p')
[ -n "$CSRF" ] || die "the cadre's login failed"
CID=$(sqlite3 state/dalaba.db "SELECT id FROM users WHERE name = 'cun'")
as_cun() {	# METHOD PATH [JSON]
	curl -s -o /dev/null --interface 127.0.0.20 -b "$CJAR" -X "$1" -H "X-CSRF-Token: $CSRF" \
	    -H 'Content-Type: application/json' ${3:+-d "$3"} "$URL/api/v1/$2"
}
# 500 schedules of the cadre's (25 notices of 20), for the last abuse.
k=0
while [ $k -lt 25 ]; do
	nid=$(curl -s --interface 127.0.0.20 -b "$CJAR" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' \
	    -d "{\"body\":\"第$k条通知\",\"zone\":\"110101001001\"}" "$URL/api/v1/notices" | num id)
	m=0
	while [ $m -lt 20 ]; do
		as_cun POST schedules "{\"notice\":$nid,\"kind\":\"daily\",\"times\":\"0$((m % 10)):$((10 + m))\"}"
		m=$((m + 1))
	done
	k=$((k + 1))
done
BIG=$(printf 'b%.0s' $(seq 1 64)).ogg
head -c 200000000 /dev/zero >"state/render/$BIG"
LONGP=$(awk 'BEGIN { for (i = 0; i < 40; i++) printf "请各位村民注意防火，上山不要带火种，发现火情马上报告。" }')
ABUSE=
HAMMER=$TOP/bench/hammer.mjs
CCOOKIE="Cookie: $(awk '$6 == "dalaba_session" { print $6 "=" $7 }' "$CJAR")"
hammer() {	# METHOD PATH PARALLEL TOTAL [ARGS...]: from the cadre's address
	_m=$1 _p=$2 _n=$3 _t=$4; shift 4
	node "$HAMMER" "$_m" "$URL$_p" "$_n" "$_t" 127.0.0.20 "$CCOOKIE" \
	    "X-CSRF-Token: $CSRF" "$@" >>hammer.out 2>&1 &
	ABUSE="$ABUSE $!"
}
abuse() {	# start abuse $1 in the background; its pids in ABUSE
	ABUSE=
	case $1 in
	connections)	# slow clients from 8 addresses (32 each, the cap), and
			# 2,000 requests whose connections the client closes
		for a in 2 3 4 5 6 7 8 9; do
			node "$HOLD" "$APORT" "127.0.0.$a" 32 20 >"hold$a.out" 2>&1 &
			ABUSE="$ABUSE $!"
		done
		_n=0	# all held before the pages start
		until [ "$(cat hold*.out 2>/dev/null | grep -c '^held')" -ge 8 ]; do
			_n=$((_n + 1)); [ $_n -gt 100 ] && die "the slow clients did not connect"
			sleep 0.1
		done
		node "$HAMMER" GET "$URL/login" 2 2000 127.0.0.21 >>hammer.out 2>&1 &
		ABUSE="$ABUSE $!"
		;;
	passwords)	# wrong guesses at the cadre's current password, 32 at once
		hammer POST "/api/v1/users/$CID/password" 32 192 \
		    --body '{"current":"a-wrong-guess","password":"new-password-1"}'
		;;
	previews)	# ten previews of a long text at rate 80 (by the server's
			# token: four render at once, the most there may be),
			# and twelve speak calls by the cadre
		node "$HAMMER" POST "$URL/api/v1/preview" 10 10 127.0.0.22 \
		    "Authorization: Bearer $TOKEN" --body "{\"body\":\"$LONGP\",\"rate\":80,\"repeat\":1}" >>hammer.out 2>&1 &
		ABUSE="$ABUSE $!"
		hammer GET "/api/v1/speak?text=%E4%BB%8A%E5%A4%A9%E4%B8%8B%E5%8D%88%E4%B8%89%E7%82%B9%E5%BC%80%E4%BC%9A" 12 12
		;;
	downloads)	# six parallel downloads of 200 MB, one range asked a
			# thousand times (twice)
		hammer GET "/api/v1/audio/$BIG" 6 6
		R=$(awk 'BEGIN { for (i = 0; i < 1000; i++) printf "%s0-199999999", i ? "," : "" }')
		hammer GET "/api/v1/audio/$BIG" 2 2 "Range: bytes=$R"
		;;
	schedules)	# eight clients reading the 500 schedules without pause
		hammer GET /api/v1/schedules 8 800
		;;
	esac
}
stop_abuse() { kill $ABUSE 2>/dev/null; wait $ABUSE 2>/dev/null; ABUSE=; }
: >lat_idle; : >lat_abuse
KIND=idle
i=0
while [ $i -lt 5 ]; do i=$((i + 1)); one_page page $((200 + i)); done
NOTE=
k=0
for what in connections passwords previews downloads schedules; do
	k=$((k + 1))
	abuse $what
	sleep 1
	: >lat_one
	KIND=one
	i=0	# each page a new text: synthesised as it airs, like the idle ones
	while [ $i -lt 3 ]; do i=$((i + 1)); one_page page $((300 + 10 * k + i)); done
	stop_abuse
	NOTE="$NOTE $what $(sort -n lat_one | tail -n 1)"
	cat lat_one >>lat_abuse
	sleep 1
done
rm -f "state/render/$BIG"
IDLE99=$(pct lat_idle 99)
bench_fig page_under_abuse_p99_ms "$(pct lat_abuse 99)" ms 1 60000 \
    "(page sent -> first sample while each abuse runs in turn, 3 pages each, the slowest by abuse:$NOTE ms; idle p99 here $IDLE99 ms, target within 100 ms of it)"

bench_done
