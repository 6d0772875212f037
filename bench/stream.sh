#!/bin/sh
# bench/stream.sh — the streaming path measured with real processes on
# loopback: dalaba-broadcast, three dalaba-speaker agents (one through real
# ALSA via the file plugin), and tests/impair in front of them.
#
#   wire_kbps          audio bytes per speaker per second, IPv4+UDP included
#   e2e_latency_ms     first PCM handed to the broadcaster -> first frame out,
#                      for an emergency page (200 ms play-out delay)
#   speaker_rss_mb     a speaker's resident memory while playing
#   speaker_cpu_pct    a speaker's CPU while playing (one core = 100)
#   stream_sync_p50_ms/p99    spread of the instants the same frame is heard at
#                      across the three speakers, with 20-80 ms jitter, on
#                      the clock they all share (CLOCK_MONOTONIC: the
#                      physical instant, whatever each believes)
#   stream_sync_believed_p99_ms  the same spread as the speakers believe it (their
#                      instants moved by their own server-clock estimates):
#                      a speaker that misjudges the clock by 5 ms plays 5 ms
#                      off and still believes it is on time
#   loss10_decoded_pct frames played as decoded audio (packet or FEC),
#                      not concealment, at 10 % loss, by the two speakers
#                      that ask for lost packets again (NACKs): a programme
#                      (600 ms play-out delay)
#   loss10_fec_only_decoded_pct  the same for the third speaker, same run,
#                      which does not ask (retransmit = no): FEC alone
#   burst_loss_decoded_pct, burst_loss_fec_only_decoded_pct  the same with
#                      Gilbert-Elliott bursts (~4 packets, ~7 % lost) and
#                      a 100-300 ms uplink
#   outage2s_played_pct share of the frames of an emergency page that got
#                      through, with the link gone 2 s in its middle, that
#                      the boxes played (target 100)
#   emergency_loss10_decoded_pct, emergency_loss10_fec_only_decoded_pct
#                      the same for an emergency page (200 ms delay)
#   retransmit_kbps    resent audio per asking speaker in the programme
#                      run, IPv4+UDP included: packets tests/impair saw go
#                      down a second time for the same stream and sequence
#                      number, over the notice's length
#
# A figure whose inputs were not measured (a tool missing, a speaker that
# never played) is named on stderr instead, and the script exits 1.
set -u
BUILD=${BUILD:-build}
TOP=$(cd "$(dirname "$0")/.." && pwd)
B=$TOP/$BUILD
BENCH_NAME=bench/stream
. "$TOP/bench/lib.sh"
T=$(mktemp -d /tmp/dalaba-bench-stream.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$T"' EXIT
cd "$T"
PORT=$((30000 + $$ % 20000))
PPORT=$((PORT + 1))

PK=$("$B/dalaba-broadcast" --key server.key --pubkey)
cat >.asoundrc <<EOC
pcm.dalaba_file { type file; slave.pcm "null"; file "$T/alsa.wav"; format "wav" }
EOC
for i in 1 2 3; do
	K=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
	echo "$i 110101001001 $K" >>speakers.txt
	OUT=wav:$T/out$i.wav
	[ $i = 1 ] && OUT=alsa:dalaba_file
	printf '[speaker]\nid = %s\nzone = 110101001001\nkey = %s\n[server]\naddress = 127.0.0.1\nport = %s\npublic_key = %s\n[audio]\noutput = %s\n[agent]\nhello_ms = 500\n' \
	    $i "$K" $PPORT "$PK" "$OUT" >s$i.conf
done
# Speakers 1 and 2 ask for lost packets again; 3 relies on FEC alone.
echo 'retransmit = no' >>s3.conf
"$B/dalaba" say --repeat 2 -o src.wav "各位村民请注意，今天下午两点到五点，因线路检修，全村停电。\
请大家提前做好准备，冰箱里的食物注意保存，老人和孩子注意安全。" 2>/dev/null
secs=$("$B/tests/wavprobe" info src.wav | sed 's/.*seconds=\([0-9.]*\).*/\1/')

run() {	# LOSS DMIN DMAX TAG PRIORITY [IMPAIR_ARG...]
	_loss=$1 _dmin=$2 _dmax=$3 _tag=$4 _prio=$5
	shift 5
	rm -f s*.stats s*.trace
	"$B/tests/impair" $PPORT $PORT 120 "$_loss" "$_dmin" "$_dmax" 0 11 "$@" >impair$_tag.txt &
	set -- "$_loss" "$_dmin" "$_dmax" "$_tag" "$_prio"
	IP=$!
	for i in 1 2 3; do
		HOME=$T "$B/dalaba-speaker" -c s$i.conf --stats s$i.stats --trace s$i.trace &
		eval "S$i=\$!"
	done
	"$B/dalaba-broadcast" --key server.key --speakers speakers.txt --port $PORT \
	    --zone 110101001001 --wait-speakers 3 --priority "$5" --wav src.wav \
	    2>bc$4.err &
	BP=$!
	# Sample speaker 1 while it plays.
	sleep 2
	t0=$(cut -d' ' -f14,15 /proc/$S1/stat 2>/dev/null | awk '{print $1+$2}')
	w0=$(date +%s.%N)
	rss=0
	# (bounded by the broadcaster, which stops at the end of the file)
	while kill -0 $BP 2>/dev/null; do
		r=$(awk '/VmRSS/{print $2}' /proc/$S1/status 2>/dev/null)
		[ -n "$r" ] && [ "$r" -gt "$rss" ] && rss=$r
		sleep 0.5
	done
	t1=$(cut -d' ' -f14,15 /proc/$S1/stat 2>/dev/null | awk '{print $1+$2}')
	w1=$(date +%s.%N)
	wait $BP
	BC_RC=$?
	sleep 1
	kill $S1 $S2 $S3 $IP 2>/dev/null
	wait $S1 $S2 $S3 $IP 2>/dev/null
	RSS_KB=$rss
	# Only over a real window of a speaker that played: otherwise no figure.
	CPU_PCT=
	PLAYED1=$(awk '$1=="played"{print $2}' s1.stats 2>/dev/null)
	# (t0 may be 0 ticks: the speaker had barely run yet)
	if bench_num "$t0" && bench_num "$t1" && bench_pos "$PLAYED1" &&
	    awk -v a="$t0" -v b="$t1" -v w0="$w0" -v w1="$w1" \
	    'BEGIN { exit !(b > a && w1 - w0 >= 1) }'; then
		CPU_PCT=$(awk -v a="$t0" -v b="$t1" -v w0="$w0" -v w1="$w1" -v hz="$(getconf CLK_TCK)" \
		    'BEGIN { printf "%.2f", (b - a) / hz / (w1 - w0) * 100 }')
	fi
	ONLINE=$(grep -c ' online ' bc$4.err 2>/dev/null)
	if [ "$BC_RC" -ne 0 ] || [ "${ONLINE:-0}" -ne 3 ]; then
		echo "$BENCH_NAME: $4 run: dalaba-broadcast exit $BC_RC, ${ONLINE:-0} of 3 speakers online" >&2
		RUN_OK=0
	else
		RUN_OK=1
	fi
}

# 1. clean network: wire rate, latency, footprint
run 0 0 0 clean emergency
# Without retransmissions: what went down a second time is not counted
# (on a clean link there is none).
pk=$(awk '$1=="audio_pkts"{a=$2} $1=="repeat_pkts"{r=$2} END {print a - r}' impairclean.txt 2>/dev/null)
by=$(awk '$1=="audio_bytes"{a=$2} $1=="repeat_bytes"{r=$2} END {print a - r}' impairclean.txt 2>/dev/null)
# three speakers share the proxy: per speaker is a third
if [ "$RUN_OK" = 1 ] && bench_pos "$pk" "$by" "$secs"; then
	bench_fig wire_kbps "$(awk -v p="$pk" -v b="$by" -v s="$secs" \
	    'BEGIN { printf "%.1f", (b + 28 * p) / 3 * 8 / s / 1000 }')" kbps 5 500
else
	bench_skip wire_kbps "no audio counted through tests/impair (packets '$pk', bytes '$by', source '$secs' s)"
fi
first=$(awk '/first_pcm_mono_us/{print $3}' bcclean.err 2>/dev/null)
out=$(head -qn1 s1.trace s2.trace s3.trace 2>/dev/null | awk '{print $6}' | sort -n | head -n1)
if [ "$RUN_OK" = 1 ] && bench_pos "$first" "$out"; then
	bench_fig e2e_latency_ms "$(awk -v a="$first" -v b="$out" \
	    'BEGIN { printf "%.1f", (b - a) / 1000 }')" ms 1 10000
else
	bench_skip e2e_latency_ms "no first-PCM time ('$first') or no frame played ('$out')"
fi
if [ "$RUN_OK" = 1 ] && bench_pos "$RSS_KB" "${PLAYED1:-}"; then
	bench_fig speaker_rss_mb "$(awk -v r="$RSS_KB" 'BEGIN { printf "%.2f", r / 1024 }')" MB 0.1 1000
else
	bench_skip speaker_rss_mb "speaker 1 was not sampled while playing (VmRSS '$RSS_KB' kB, played '${PLAYED1:-}')"
fi
if [ "$RUN_OK" = 1 ] && [ -n "$CPU_PCT" ]; then
	bench_fig speaker_cpu_pct "$CPU_PCT" % 0.01 100
else
	bench_skip speaker_cpu_pct "speaker 1's CPU time was not sampled over a second of playing (ticks '$t0' to '$t1', played '${PLAYED1:-}')"
fi

# 2. 10 % loss, 20-80 ms jitter: sync spread and loss recovery
run 10 20 80 lossy village
# Trace columns: SSRC SEQ heard-on-the-box's-clock heard-on-the-server's-
# clock-as-estimated written heard-on-the-machine's-CLOCK_MONOTONIC. Every
# process here shares the machine's clock, so column 6 is the physical
# instant; column 4 is what a speaker believes.
spread() {	# column -> the spread of each frame heard by all three, in ms
	cat s1.trace s2.trace s3.trace 2>/dev/null | awk -v c="$1" '{ k = $1 " " $2;
	    if (!(k in mn) || $c < mn[k]) mn[k] = $c;
	    if (!(k in mx) || $c > mx[k]) mx[k] = $c; n[k]++ }
	    END { for (k in n) if (n[k] == 3) print (mx[k] - mn[k]) / 1000 }' | sort -n
}
spread 6 >spread.txt
spread 4 >believed.txt
cnt=$(wc -l <spread.txt)
# A p99 needs frames: the notice is some 400 of them, each heard by all three.
if [ "$RUN_OK" = 1 ] && [ "$cnt" -ge 100 ]; then
	bench_fig stream_sync_p50_ms "$(awk -v n="$cnt" 'NR == int(n * 0.50) + 1 { printf "%.2f", $1 }' spread.txt)" ms 0 1000
	bench_fig stream_sync_p99_ms "$(awk -v n="$cnt" 'NR == int(n * 0.99) + 1 { printf "%.2f", $1 }' spread.txt)" ms 0 1000
	bench_fig stream_sync_believed_p99_ms "$(awk -v n="$cnt" 'NR == int(n * 0.99) + 1 { printf "%.2f", $1 }' believed.txt)" ms 0 1000
else
	for f in stream_sync_p50_ms stream_sync_p99_ms stream_sync_believed_p99_ms; do
		bench_skip $f "$cnt frames were heard by all three speakers (100 needed)"
	done
fi
# decoded FIGURE TAG STATS...: frames played as decoded audio (packet or FEC)
# over all played, from the speakers' own counters, through a proxy that
# really lost packets (impair$TAG.txt)
decoded() {
	_fig=$1 _tag=$2
	shift 2
	set -- $(cat "$@" 2>/dev/null | awk '$1=="played"{p+=$2}
	    $1=="fec_recovered"{f+=$2} $1=="concealed"{c+=$2} END { print p + 0, f + 0, c + 0 }')
	_dropped=$(awk '$1=="dropped"{print $2}' impair$_tag.txt 2>/dev/null)
	echo "# $_fig: $1 played, $2 rebuilt by FEC, $3 concealed; tests/impair dropped ${_dropped:-?}"
	if [ "$RUN_OK" = 1 ] && bench_pos "$(($1 + $2 + $3))" "$_dropped"; then
		bench_fig $_fig "$(awk -v p="$1" -v f="$2" -v c="$3" \
		    'BEGIN { printf "%.2f", (p + f) * 100 / (p + f + c) }')" % 0 100
	else
		bench_skip $_fig "no frames played ($(($1 + $2 + $3))) or no packets dropped by tests/impair ('$_dropped')"
	fi
}
decoded loss10_decoded_pct lossy s1.stats s2.stats
decoded loss10_fec_only_decoded_pct lossy s3.stats
# Resent traffic per asking speaker: the repeats tests/impair saw, with
# IPv4 and UDP headers, over the notice (speaker 3 asks for nothing).
rp=$(awk '$1=="repeat_pkts"{print $2}' impairlossy.txt 2>/dev/null)
rb=$(awk '$1=="repeat_bytes"{print $2}' impairlossy.txt 2>/dev/null)
n2=$(cat s1.stats s2.stats 2>/dev/null | awk '$1=="nacks"{n+=$2} END {print n + 0}')
echo "# retransmission: $n2 NACKs from speakers 1 and 2; $(grep NACKs bclossy.err 2>/dev/null)"
if [ "$RUN_OK" = 1 ] && bench_pos "$rp" "$rb" "$n2" "$secs"; then
	bench_fig retransmit_kbps "$(awk -v p="$rp" -v b="$rb" -v s="$secs" \
	    'BEGIN { printf "%.2f", (b + 28 * p) / 2 * 8 / s / 1000 }')" kbps 0.01 100
else
	bench_skip retransmit_kbps "no resent packets seen by tests/impair ('$rp' packets, '$rb' bytes) or no NACKs ('$n2')"
fi

# 3. the same loss and jitter for an emergency page (200 ms delay)
run 10 20 80 elossy emergency
decoded emergency_loss10_decoded_pct elossy s1.stats s2.stats
decoded emergency_loss10_fec_only_decoded_pct elossy s3.stats

# 4. a 4G link: losses in bursts (Gilbert-Elliott: bad with 2 % a packet,
# good again with 25 %, so bursts of ~4 packets and ~7 % lost) and an
# uplink of 100-300 ms against 20-80 ms down, for a programme
run 0 20 80 burst village ge=2,25 up=100,300
decoded burst_loss_decoded_pct burst s1.stats s2.stats
decoded burst_loss_fec_only_decoded_pct burst s3.stats

# 5. the link gone for 2 s in the middle of an emergency page: of the
# frames that got through (tests/impair's audio, which leaves out what it
# blacked out, less the repeats), the share the boxes played, decoded or
# FEC. A box that gave the stream up in the gap, as before issue 16, played
# under a third of them.
run 0 20 80 outage emergency 6000 2000
set -- $(cat s1.stats s2.stats s3.stats 2>/dev/null | awk '$1=="played"{p+=$2}
    $1=="fec_recovered"{f+=$2} END { print p + f + 0 }')
_heard=$1
_sent=$(awk '$1=="audio_pkts"{a=$2} $1=="repeat_pkts"{r=$2} END { print a - r }' \
    impairoutage.txt 2>/dev/null)
_gap=$(awk '$1=="blacked_audio"{print $2}' impairoutage.txt 2>/dev/null)
echo "# outage: the three boxes played $_heard of the ${_sent:-?} frames that got through; ${_gap:-?} were lost in the 2 s gap"
if [ "$RUN_OK" = 1 ] && bench_pos "$_heard" "$_sent" "$_gap"; then
	bench_fig outage2s_played_pct "$(awk -v h="$_heard" -v s="$_sent" \
	    'BEGIN { printf "%.2f", h * 100 / s }')" % 0 100.01
else
	bench_skip outage2s_played_pct "no frames played ('$_heard'), none sent ('$_sent') or no gap ('$_gap')"
fi
bench_done
