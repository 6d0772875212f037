#!/bin/sh
# bench/province.sh — a province over ten counties, proven in network
# namespaces on one machine (issue 21). Each dalabad has a namespace of its
# own with its own addresses: the province (10.77.0.1, a bridge the
# counties hang on), county K (10.77.0.1K on that bridge, its API over
# HTTPS with a certificate of its own) and county K's villages (a further
# namespace, 10.78.K.2, joined to the county by a veth pair: the "village
# network" its loudspeakers are on). In each village namespace 1,000
# simulated loudspeakers (bench/speakers_sim in confirm mode: they verify,
# play at the presentation time and say so, as boxes do) in ten villages;
# half of the counties carry their villages on multicast (one group per
# village, [multicast] in dalabad.conf), the other half unicast. The
# province holds each county's address, certificate and API token
# ([federation], [county CODE]); a page at the province goes down as CAP
# 1.2 over HTTPS and each county's coverage comes back.
#
#   province_page_coverage_pct   share of the 10,000 simulated loudspeakers
#                                the province's view counts confirmed for a
#                                province-wide page (the best in 8 s)
#   province_page_confirm_ms     province page sent -> the province's view
#                                counts every confirmation (p50 of the
#                                rounds; the note gives the worst; target
#                                <= 2,000)
#   province_cancel_ms           cancel sent at the province -> its view
#                                counts none playing in any county (p50)
#   multicast_cpu_pct_per_1000   the county sender thread's CPU while a
#                                notice is on the air, per 1,000
#                                loudspeakers, in the multicast counties
#   unicast_cpu_pct_per_1000     the same in the unicast counties (the same
#                                run, the same notice)
#   multicast_cpu_ratio          the first over the second
#
# Each round is timed by bench/province_watch.py (python3), on kept-alive
# connections, in the province's namespace; it also looks at each county's
# own page, so that a round's line says where the time went: when the
# slowest county was delivered, when its own view counted all its boxes,
# and when the province's view did.
#
# The sender thread's CPU is its own runtime from the kernel's scheduler
# (/proc/PID/task/TID/schedstat, nanoseconds), over a 10 s window.
# Traffic stays inside the namespaces made here; all are deleted at exit.
set -u
BUILD=${BUILD:-build}
TOP=$(cd "$(dirname "$0")/.." && pwd)
B=$TOP/$BUILD
BENCH_NAME=bench/province
. "$TOP/bench/lib.sh"
NC=${PROVINCE_COUNTIES:-10}	# counties (the first half on multicast)
PER=${PROVINCE_SPEAKERS:-1000}	# simulated loudspeakers per county
ROUNDS=${PROVINCE_ROUNDS:-5}
NMC=${PROVINCE_MULTICAST:-$((NC / 2))}	# of which on multicast
TOTAL=$((NC * PER))
FIGS="province_page_coverage_pct province_page_confirm_ms province_cancel_ms multicast_cpu_pct_per_1000 unicast_cpu_pct_per_1000 multicast_cpu_ratio"

# Nothing can be measured without namespaces: say so and fail.
cannot() {
	for f in $FIGS; do bench_skip "$f" "$1"; done
	bench_done
}
[ "$(id -u)" -eq 0 ] || cannot "network namespaces need root"
command -v ip >/dev/null || cannot "ip (iproute2) is missing"
command -v openssl >/dev/null || cannot "openssl is missing"
SIM=${PROVINCE_SIM:-$B/speakers_sim}
for p in dalabad dalaba speakers_sim; do
	[ -x "$B/$p" ] || cannot "$B/$p is not built"
done

T=$(mktemp -d /tmp/dalaba-bench-province.XXXXXX)
ID=$$
NSP=dlbp$ID			# namespace names: short, unique to this run
ns_c() { echo "dlbc$ID-$1"; }
ns_v() { echo "dlbv$ID-$1"; }
cleanup() {
	for ns in $NSP $(seq 1 "$NC" | while read -r k; do ns_c "$k"; ns_v "$k"; done); do
		pids=$(ip netns pids "$ns" 2>/dev/null)
		[ -n "$pids" ] && kill $pids 2>/dev/null
	done
	sleep 0.5
	for ns in $NSP $(seq 1 "$NC" | while read -r k; do ns_c "$k"; ns_v "$k"; done); do
		pids=$(ip netns pids "$ns" 2>/dev/null)
		[ -n "$pids" ] && kill -9 $pids 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	[ -n "${KEEP_TMP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
cd "$T" || exit 1
die() { echo "province bench: $*" >&2; for f in $FIGS; do bench_skip "$f" "$*"; done; bench_done; }
. "$TOP/tests/e2e/loopback.sh"	# wait_until
now_ms() { date +%s%3N; }

# The counties: real codes and names of Hangzhou's districts and counties.
COUNTIES="330102:上城区 330105:拱墅区 330106:西湖区 330108:滨江区 330109:萧山区 330110:余杭区 330111:富阳区 330112:临安区 330113:临平区 330114:钱塘区 330122:桐庐县 330127:淳安县 330182:建德市 330183:富阳市 330185:临安市 330186:新区"
county() { echo "$COUNTIES" | tr ' ' '\n' | sed -n "${1}p"; }
[ "$NC" -ge 2 ] && [ "$NC" -le 16 ] || die "PROVINCE_COUNTIES must be 2..16"

# --- the networks ------------------------------------------------------------
ip netns add $NSP || die "cannot make a network namespace"
ip -n $NSP link set lo up
ip -n $NSP link add br0 type bridge
ip -n $NSP addr add 10.77.0.1/24 dev br0
ip -n $NSP link set br0 up
for k in $(seq 1 "$NC"); do
	c=$(ns_c "$k") v=$(ns_v "$k")
	ip netns add "$c" && ip netns add "$v" || die "cannot make namespaces"
	ip -n "$c" link set lo up
	ip -n "$v" link set lo up
	# county <-> province bridge
	ip -n "$c" link add up0 type veth peer name c$k netns $NSP
	ip -n $NSP link set c$k master br0 up
	ip -n "$c" addr add 10.77.0.$((10 + k))/24 dev up0
	ip -n "$c" link set up0 up
	# county <-> its village network, multicast on, groups routed there
	ip -n "$c" link add vil0 type veth peer name up0 netns "$v"
	ip -n "$c" addr add 10.78.$k.1/24 dev vil0
	ip -n "$v" addr add 10.78.$k.2/24 dev up0
	ip -n "$c" link set vil0 multicast on up
	ip -n "$v" link set up0 multicast on up
	ip -n "$c" route add 224.0.0.0/4 dev vil0
	ip -n "$v" route add 224.0.0.0/4 dev up0
done
ip netns exec "$(ns_c 1)" curl -s -m 2 -o /dev/null http://10.77.0.1:9/ 2>/dev/null
# (a connection refused is an answer: the bridge carries it)
[ $? -eq 7 ] || die "the county cannot reach the province's bridge"

# --- the counties ------------------------------------------------------------
# in_c K CMD...: CMD in county K's namespace with its state dir
in_c() { _k=$1; shift; ip netns exec "$(ns_c "$_k")" env DALABA_STATE_DIR="$T/c$_k/state" "$@"; }
PORT=5004
KEY=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
for k in $(seq 1 "$NC"); do
	set -- $(county "$k" | tr ':' ' ')
	code=$1 name=$2
	d=$T/c$k
	mkdir -p "$d/state"
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/key.pem" \
	    -out "$d/cert.pem" -days 2 -subj "/CN=10.77.0.$((10 + k))" \
	    -addext "subjectAltName=IP:10.77.0.$((10 + k))" 2>/dev/null ||
	    die "openssl could not make a certificate"
	{
		printf '[dalabad]\nstate_dir = %s\n' "$d/state"
		printf '[broadcast]\nbind = 10.78.%d.1\nport = %d\noffline_seconds = 10\n' "$k" "$PORT"
		printf '[api]\nbind = 10.77.0.%d\nport = 8443\n' $((10 + k))
		printf 'tls_certificate = %s\ntls_key = %s\n' "$d/cert.pem" "$d/key.pem"
		printf '[enroll]\nbind = off\nport = 0\n'
		if [ "$k" -le "$NMC" ]; then
			printf '[multicast]\n'
			for vz in $(seq 1 10); do
				printf '%s001%03d = 239.192.%d.%d\n' "$code" "$vz" "$k" "$vz"
			done
		fi
	} >"$d/d.conf"
	echo "$code $name" >"$d/code"
	in_c "$k" "$B/dalabad" -c "$d/d.conf" >>"$d/dalabad.log" 2>&1 &
done
for k in $(seq 1 "$NC"); do
	wait_until 30 in_c "$k" "$B/dalaba" status >/dev/null 2>&1 ||
	    die "county $k's dalabad did not start (see its log)"
done
# Zones, the province's account and its API token, then the simulated
# loudspeakers' rows (with each dalabad stopped, as bench/daemon.sh does).
for k in $(seq 1 "$NC"); do
	read -r code name <"$T/c$k/code"
	d=$T/c$k
	in_c "$k" "$B/dalaba" zone add "$code" "$name" --quiet 00:00-00:00 >/dev/null &&
	in_c "$k" "$B/dalaba" zone add "${code}001" "城关街道" --quiet 00:00-00:00 >/dev/null ||
	    die "county $k: zones"
	for vz in $(seq 1 10); do
		in_c "$k" "$B/dalaba" zone add "$(printf '%s001%03d' "$code" "$vz")" \
		    "第${vz}村" --quiet 00:00-00:00 >/dev/null || die "county $k: zones"
	done
	printf 'province-pw-%s\n' "$code" | in_c "$k" "$B/dalaba" user add province \
	    --role county --zone "$code" --password-stdin >/dev/null || die "county $k: user"
	url=$(cat "$d/state/api.url")
	csrf=$(in_c "$k" curl -s --cacert "$d/cert.pem" -c "$d/jar" -H 'Content-Type: application/json' \
	    -d "{\"name\":\"province\",\"password\":\"province-pw-$code\"}" "$url/api/v1/login" |
	    sed -n 's/.*"csrf" *: *"\([^"]*\)".*/\1/p')
	in_c "$k" curl -s --cacert "$d/cert.pem" -b "$d/jar" -H "X-CSRF-Token: $csrf" \
	    -H 'Content-Type: application/json' -d '{"label":"province"}' "$url/api/v1/tokens" |
	    sed -n 's/.*"token" *: *"\([^"]*\)".*/\1/p' >"$d/province.token"
	[ -s "$d/province.token" ] || die "county $k: no token for the province"
	chmod 600 "$d/province.token"
	sed -n 's/.*server public key \([0-9a-f]*\).*/\1/p' "$d/dalabad.log" | head -n1 >"$d/pk"
	[ -s "$d/pk" ] || die "county $k: its public key is not in its log"
done
for k in $(seq 1 "$NC"); do
	kill $(ip netns pids "$(ns_c "$k")") 2>/dev/null
done
sleep 1
for k in $(seq 1 "$NC"); do
	read -r code name <"$T/c$k/code"
	printf '%s\n' $(seq 1 10 | while read -r vz; do
	    printf '%s001%03d:%d\n' "$code" "$vz" $((PER / 10)); done) |
	    awk -F: -v k="$KEY" 'BEGIN { print "BEGIN;" }
	    { for (j = 0; j < $2; j++) { i++
	        printf "INSERT INTO speakers (id, zone, name, key_hex, created_at) " \
	        "VALUES (%d, \"%s\", \"喇叭%d\", \"%s\", 0);\n", i, $1, i, k } }
	    END { print "COMMIT;" }' | sqlite3 "$T/c$k/state/dalaba.db" ||
	    die "county $k: speakers"
	in_c "$k" "$B/dalabad" -c "$T/c$k/d.conf" >>"$T/c$k/dalabad.log" 2>&1 &
done
for k in $(seq 1 "$NC"); do
	wait_until 30 in_c "$k" "$B/dalaba" status >/dev/null 2>&1 ||
	    die "county $k's dalabad did not start again"
	mc=
	[ "$k" -le "$NMC" ] && mc=--multicast
	ip netns exec "$(ns_v "$k")" "$SIM" "$PORT" $((PER / 10 * 10)) \
	    "$KEY" 600 "$(cat "$T/c$k/pk")" --server 10.78.$k.1 $mc \
	    >"$T/c$k/sim.out" 2>&1 &
done
PER=$((PER / 10 * 10)) TOTAL=$((NC * PER))
online_c() {
	[ "$(in_c "$1" "$B/dalaba" status --json | awk -F'[:,]' '/"online"/ { gsub(/ /, "", $2); print $2 }')" = "$PER" ]
}
for k in $(seq 1 "$NC"); do
	wait_until 40 online_c "$k" || die "county $k: the simulated loudspeakers did not come online"
done

# --- the province ------------------------------------------------------------
P=$T/province
mkdir -p "$P/state"
{
	printf '[dalabad]\nstate_dir = %s\n' "$P/state"
	printf '[broadcast]\nbind = 127.0.0.1\nport = %d\n' "$PORT"
	printf '[api]\nbind = 127.0.0.1\nport = 0\n[enroll]\nbind = off\nport = 0\n'
	printf '[federation]\nrole = province\nsender = dalaba.330000\npoll_ms = 250\n'
	for k in $(seq 1 "$NC"); do
		read -r code name <"$T/c$k/code"
		printf '[county %s]\nname = %s\nurl = https://10.77.0.%d:8443\n' "$code" "$name" $((10 + k))
		printf 'token_file = %s\nca = %s\n' "$T/c$k/province.token" "$T/c$k/cert.pem"
	done
} >"$P/d.conf"
in_p() { ip netns exec $NSP env DALABA_STATE_DIR="$P/state" "$@"; }
in_p "$B/dalabad" -c "$P/d.conf" >>"$P/dalabad.log" 2>&1 &
if ! wait_until 30 in_p "$B/dalaba" status >/dev/null 2>&1; then
	for f in province_page_coverage_pct province_page_confirm_ms province_cancel_ms; do
		bench_skip $f "the province's dalabad did not start: $(tail -n1 "$P/dalabad.log")"
	done
else
in_p "$B/dalaba" zone add 330000 浙江省 >/dev/null && in_p "$B/dalaba" zone add 330100 杭州市 >/dev/null ||
    die "the province's zones"
PURL=$(cat "$P/state/api.url") PTOK=$(cat "$P/state/api.token")
papi() {	# METHOD PATH [JSON]
	in_p curl -s -X "$1" -H "Authorization: Bearer $PTOK" \
	    -H 'Content-Type: application/json' ${3:+-d "$3"} "$PURL/api/v1/$2"
}

# --- pages from the province -------------------------------------------------
# The rounds are timed by bench/province_watch.py in the province's
# namespace: one process on kept-alive connections (a curl and a sqlite3
# for each look cost ~1 s a look on two loaded cores, and that was the
# figure's grain). It also looks at each county's own page, so that the
# note can tell delivery, the county's airing and the report back apart.
command -v python3 >/dev/null || die "python3 is missing (it times the rounds)"
for k in $(seq 1 "$NC"); do
	read -r code name <"$T/c$k/code"
	echo "$code https://10.77.0.$((10 + k)):8443 $T/c$k/province.token $T/c$k/cert.pem"
done >counties.txt
: >confirm.ms; : >cancel.ms; : >coverage.pct
for r in $(seq 1 "$ROUNDS"); do
	in_p python3 "$TOP/bench/province_watch.py" page "$PURL" "$PTOK" "$TOTAL" "$PER" 8 \
	    "{\"zones\":[\"330000\"],\"repeat\":1,\"text\":\"省防汛指挥部紧急通知第${r}次：今晚有特大暴雨，请低洼地区群众立即转移，听从村干部安排。\"}" \
	    counties.txt >round$r.txt 2>&1
	id=$(awk '$1 == "id" { print $2 }' round$r.txt)
	[ -n "$id" ] || { echo "province bench: round $r: no page ($(head -c 200 round$r.txt))" >&2; continue; }
	best=$(awk '$1 == "best" { print $2 }' round$r.txt)
	t_all=$(awk '$1 == "all_ms" { print $2 }' round$r.txt)
	echo "${best:-0}" >>coverage.pct
	[ -n "$t_all" ] && echo "$t_all" >>confirm.ms
	awk '$1 == "county" && $5 != "-" { print $2, $5 }' round$r.txt >county$r.ms
	# where the time went: the slowest county's delivery, own view, report
	awk '$1 == "county" { for (i = 3; i <= 5; i++) if ($i != "-" && $i > m[i]) m[i] = $i }
	    END { printf "%d %d %d\n", m[3], m[4], m[5] }' round$r.txt >>stages.ms
	echo "province bench: round $r: ${best:-0} of $TOTAL confirmed${t_all:+ in $t_all ms}" \
	    "(slowest county: delivered, its own view all confirmed, the province's view: $(tail -n1 stages.ms) ms)" >&2
	papi GET "pages/$id" >view$r.json
	sleep 1
	in_p python3 "$TOP/bench/province_watch.py" cancel "$PURL" "$PTOK" "$id" 8 >cancel$r.txt 2>&1
	t_off=$(awk '$1 == "off_ms" { print $2 }' cancel$r.txt)
	[ -n "$t_off" ] && echo "$t_off" >>cancel.ms
	sleep 3
done
p50() { sort -n "$1" | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }
max() { sort -n "$1" | tail -n1; }
best=$(max coverage.pct)
[ -n "$best" ] && bench_fig province_page_coverage_pct \
    "$(awk -v b="$best" -v t="$TOTAL" 'BEGIN { printf "%.2f", 100 * b / t }')" % 0 100 \
    "($best of $TOTAL simulated loudspeakers in $NC counties, $NMC on multicast)" ||
    bench_skip province_page_coverage_pct "no page was made"
# the counties apart: when the multicast ones and the unicast ones were
# all confirmed (the p50 over rounds of each half's slowest county)
for r in $(seq 1 "$ROUNDS"); do
	[ -s county$r.ms ] || continue
	for k in $(seq 1 "$NC"); do
		read -r code name <"$T/c$k/code"
		t=$(awk -v z="$code" '$1 == z { print $2 }' county$r.ms)
		[ -n "$t" ] && echo "$k $t"
	done | awk -v nmc="$NMC" '$1 <= nmc { if ($2 > m) m = $2 } $1 > nmc { if ($2 > u) u = $2 }
	    END { print m + 0, u + 0 }'
done >halves.ms
HALVES=$(awk '{ print $1 }' halves.ms | sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }')/$(awk '{ print $2 }' halves.ms | sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }')
if [ "$(wc -l <confirm.ms)" -eq "$ROUNDS" ]; then
	bench_fig province_page_confirm_ms "$(p50 confirm.ms)" ms 1 60000 \
	    "(p50 of $ROUNDS; worst $(max confirm.ms) ms; target <= 2000; the multicast/unicast counties all confirmed by $HALVES ms, p50)"
else
	bench_skip province_page_confirm_ms "only $(wc -l <confirm.ms) of $ROUNDS pages were confirmed by all $TOTAL"
fi
if [ "$(wc -l <cancel.ms)" -eq "$ROUNDS" ]; then
	bench_fig province_cancel_ms "$(p50 cancel.ms)" ms 1 60000 "(p50 of $ROUNDS; worst $(max cancel.ms) ms)"
else
	bench_skip province_cancel_ms "only $(wc -l <cancel.ms) of $ROUNDS cancels were seen to stop every county"
fi
fi

# --- the sender's CPU, multicast against unicast -------------------------------
# sender_ns K: the runtime so far of county K's sender thread (named
# dalaba-send), in ns
sender_ns() {
	_pid=$(ip netns pids "$(ns_c "$1")" | while read -r p; do
	    [ "$(cat /proc/$p/comm 2>/dev/null)" = dalabad ] && echo "$p"; done | head -n1)
	for _t in /proc/$_pid/task/*; do
		[ "$(cat "$_t/comm" 2>/dev/null)" = dalaba-send ] && { cut -d' ' -f1 "$_t/schedstat"; return; }
	done
}
for k in $(seq 1 "$NC"); do
	in_c "$k" "$B/dalaba" notice add "$(printf '各位村民请注意，%.0s' $(seq 1 40))本周六上午九点在村委会门口发放防汛物资。" \
	    --zone "$(sed 's/ .*//' "$T/c$k/code")" --now >"$T/c$k/notice.out" 2>&1 ||
	    echo "province bench: county $k: the notice was not taken: $(cat "$T/c$k/notice.out")" >&2
done
sleep 6	# rendered and on the air everywhere
# playing K: how many of county K's loudspeakers say they are playing
playing() { in_c "$1" "$B/dalaba" status --json | awk -F'[:,]' '/"playing"/ { gsub(/ /, "", $2); print $2; exit }'; }
all_playing() {
	for k in $(seq 1 "$NC"); do
		[ "$(playing "$k")" = "$PER" ] || { echo "province bench: county $k: $(playing "$k") of $PER playing" >&2; return 1; }
	done
}
all_playing && on0=1 || on0=0
# pkts K: "unicast multicast" audio packets county K has sent so far (its
# own metrics)
pkts() {
	in_c "$1" curl -s --cacert "$T/c$1/cert.pem" -H "Authorization: Bearer $(cat "$T/c$1/state/metrics.token")" \
	    "$(cat "$T/c$1/state/api.url")/metrics" | awk '
	    $1 == "dalaba_audio_packets_sent_total" { u = $2 }
	    $1 == "dalaba_audio_packets_multicast_total" { m = $2 }
	    END { printf "%.0f %.0f\n", u, m }'
}
: >cpu
for k in $(seq 1 "$NC"); do echo "$k $(sender_ns "$k") $(pkts "$k")" >>cpu0; done
w0=$(date +%s%N)
sleep 10
w1=$(date +%s%N)
for k in $(seq 1 "$NC"); do echo "$k $(sender_ns "$k") $(pkts "$k")" >>cpu1; done
# What went out in the window: a multicast county sends its packets to the
# groups, not to the boxes (a few unicast packets at most); a unicast one
# to each box.
PK=$(awk -v nmc="$NMC" 'NR == FNR { u[$1] = $3; m[$1] = $4; next }
    { du = $3 - u[$1]; dm = $4 - m[$1]
      if ($1 <= nmc) { mu += du; mm += dm } else { uu += du; um += dm } }
    END { printf "%d %d %d %d\n", mu, mm, uu, um }' cpu0 cpu1)
set -- $PK
MC_UNI=$1 MC_GRP=$2 UC_UNI=$3 UC_GRP=$4
echo "province bench: in 10 s the multicast counties sent $MC_GRP packets to groups and $MC_UNI to boxes; the unicast ones $UC_UNI to boxes and $UC_GRP to groups" >&2
# on the air all along? (each county's simulated boxes playing)
awk -v w=$((w1 - w0)) -v per="$PER" -v nmc="$NMC" '
    NR == FNR { a[$1] = $2; next }
    ($1 in a) && a[$1] != "" && $2 != "" {
        pct = 100 * ($2 - a[$1]) / w * 1000 / per
        if ($1 <= nmc) { m += pct; nm++ } else { u += pct; nu++ } }
    END { if (nm && nu) printf "%.4f %.4f\n", m / nm, u / nu }' cpu0 cpu1 >cpu
read -r MC UC <cpu 2>/dev/null
all_playing && on1=1 || on1=0
if [ "$on0$on1" != 11 ]; then
	for f in multicast_cpu_pct_per_1000 unicast_cpu_pct_per_1000 multicast_cpu_ratio; do
		bench_skip $f "the notice was not on the air to every loudspeaker all through the window"
	done
elif [ "$MC_GRP" -le 0 ] || [ "$MC_UNI" -gt "$((MC_GRP * 2))" ] || [ "$UC_GRP" -ne 0 ] || [ "$UC_UNI" -le 0 ]; then
	for f in multicast_cpu_pct_per_1000 unicast_cpu_pct_per_1000 multicast_cpu_ratio; do
		bench_skip $f "the multicast counties were not on their groups (or the unicast ones were)"
	done
elif [ -n "${MC:-}" ] && [ -n "${UC:-}" ]; then
	bench_fig multicast_cpu_pct_per_1000 "$MC" % 0 100 "(sender thread, $NMC counties, 10 groups each; $MC_GRP packets to groups, $MC_UNI to boxes in 10 s)"
	bench_fig unicast_cpu_pct_per_1000 "$UC" % 0.0001 100 "(sender thread, $((NC - NMC)) counties; $UC_UNI packets to boxes in 10 s)"
	bench_fig multicast_cpu_ratio "$(awk -v m="$MC" -v u="$UC" 'BEGIN { printf "%.3f", m / u }')" - 0 10 \
	    "(multicast over unicast, the same run)"
else
	for f in multicast_cpu_pct_per_1000 unicast_cpu_pct_per_1000 multicast_cpu_ratio; do
		bench_skip $f "the sender threads' runtime could not be read"
	done
fi
bench_done
