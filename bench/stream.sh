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
#   sync_p50_ms/p99    spread of the play-out instants of the same frame
#                      across the three speakers, with 20-80 ms jitter
#   loss10_decoded_pct frames played as decoded audio (packet or FEC),
#                      not concealment, at 10 % loss
set -u
BUILD=${BUILD:-build}
TOP=$(cd "$(dirname "$0")/.." && pwd)
B=$TOP/$BUILD
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
"$B/dalaba" say --repeat 2 -o src.wav "各位村民请注意，今天下午两点到五点，因线路检修，全村停电。\
请大家提前做好准备，冰箱里的食物注意保存，老人和孩子注意安全。" 2>/dev/null
secs=$("$B/tests/wavprobe" info src.wav | sed 's/.*seconds=\([0-9.]*\).*/\1/')

run() {	# LOSS DMIN DMAX TAG PRIORITY
	rm -f s*.stats s*.trace
	"$B/tests/impair" $PPORT $PORT 120 "$1" "$2" "$3" 0 11 >impair$4.txt &
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
	t0=$(cut -d' ' -f14,15 /proc/$S1/stat | awk '{print $1+$2}')
	w0=$(date +%s.%N)
	rss=0
	while kill -0 $BP 2>/dev/null; do
		r=$(awk '/VmRSS/{print $2}' /proc/$S1/status)
		[ "$r" -gt "$rss" ] && rss=$r
		sleep 0.5
	done
	t1=$(cut -d' ' -f14,15 /proc/$S1/stat | awk '{print $1+$2}')
	w1=$(date +%s.%N)
	sleep 1
	kill $S1 $S2 $S3 $IP
	wait $S1 $S2 $S3 $IP 2>/dev/null
	RSS_KB=$rss
	CPU_PCT=$(awk -v a="$t0" -v b="$t1" -v w0="$w0" -v w1="$w1" -v hz="$(getconf CLK_TCK)" \
	    'BEGIN { printf "%.2f", (b - a) / hz / (w1 - w0) * 100 }')
}

# 1. clean network: wire rate, latency, footprint
run 0 0 0 clean emergency
pk=$(awk '$1=="audio_pkts"{print $2}' impairclean.txt)
by=$(awk '$1=="audio_bytes"{print $2}' impairclean.txt)
# three speakers share the proxy: per speaker is a third
awk -v p="$pk" -v b="$by" -v s="$secs" \
    'BEGIN { printf "BENCH wire_kbps %.1f kbps\n", (b + 28 * p) / 3 * 8 / s / 1000 }'
first=$(awk '/first_pcm_mono_us/{print $3}' bcclean.err)
out=$(head -qn1 s1.trace s2.trace s3.trace | awk '{print $3}' | sort -n | head -n1)
awk -v a="$first" -v b="$out" 'BEGIN { printf "BENCH e2e_latency_ms %.1f ms\n", (b - a) / 1000 }'
awk -v r="$RSS_KB" 'BEGIN { printf "BENCH speaker_rss_mb %.2f MB\n", r / 1024 }'
echo "BENCH speaker_cpu_pct $CPU_PCT %"

# 2. 10 % loss, 20-80 ms jitter: sync spread and loss recovery
run 10 20 80 lossy village
cat s1.trace s2.trace s3.trace | awk '{ k = $1 " " $2; if (!(k in mn) || $4 < mn[k]) mn[k] = $4;
    if (!(k in mx) || $4 > mx[k]) mx[k] = $4; n[k]++ }
    END { for (k in n) if (n[k] == 3) print (mx[k] - mn[k]) / 1000 }' | sort -n >spread.txt
cnt=$(wc -l <spread.txt)
awk -v n="$cnt" 'NR == int(n * 0.50) + 1 { printf "BENCH sync_p50_ms %.2f ms\n", $1 }
    NR == int(n * 0.99) + 1 { printf "BENCH sync_p99_ms %.2f ms\n", $1 }' spread.txt
cat s1.stats s2.stats s3.stats | awk '$1=="played"{p+=$2} $1=="fec_recovered"{f+=$2}
    $1=="concealed"{c+=$2} END { printf "BENCH loss10_decoded_pct %.1f %%\n", (p + f) * 100 / (p + f + c)
    printf "# at 10%% loss: %d played, %d rebuilt by FEC, %d concealed\n", p, f, c }'
