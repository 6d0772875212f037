#!/bin/sh
# bench/sync.sh — loudspeakers of one village in step on real clocks (issue
# 16), measured with real processes on loopback: dalaba-broadcast streams a
# long programme to four dalaba-speaker agents through tests/impair, each
# box with a clock of its own (DALABA_TEST_CLOCK: offset, rate, and on one
# a crystal's change of rate mid-run) and a sound card of its own
# (sim:PPM, a crystal off 48 kHz). The boxes all run on this machine, so the
# trace's sixth column, when a frame is heard on the machine's monotonic
# clock, is the physical instant whatever each box believes; the spread of
# that column over the boxes, frame by frame, is how far apart the village
# hears the same sound.
#
#   sync_frames       frames heard by every box
#   sync_p50_ms, sync_p99_ms  spread (latest minus earliest
#                            box) of a frame, over the whole programme
#   sync_settled_p99_ms  the same without the programme's first 60 s
#   sync_believed_p99_ms  the spread of when the boxes believe they
#                            play a frame on the server's clock (trace
#                            column 4): what play-out leaves; the rest of
#                            the true spread is the boxes' errors about the
#                            server's clock (printed per box)
#   sync_drift_ms_per_hour  least-squares slope of the spread
#                            against time: near 0 when the boxes stay in
#                            step, ~1400 when two cards 400 ppm apart drift
#                            freely
#   sync_box_drift_ms_per_hour  the largest |slope| of one box's
#                            instant less the mean of the boxes' (which box
#                            walks away, and how fast)
#   sync_underruns_per_min  times a box's card ran dry, per box and
#                            minute of programme (the agent's own count):
#                            each is a gap heard, so 0 is the target (1
#                            at the programme's end, over its minutes)
#
# (bench/stream.sh's stream_sync_p50_ms and stream_sync_p99_ms are three
# boxes on the machine's own clock and outputs that take all at once.)
#
# The boxes say HELLO for SYNC_WARM_S seconds (default 60) before the
# programme starts (the broadcaster waits for one box more than there are,
# and so answers HELLOs for exactly that long), then SYNC_MINUTES minutes
# (default 10) of programme. The downlink has 20-80 ms of jitter, the
# uplink (HELLOs, NACKs) 40-120 ms: asymmetric, as on 4G. hello_ms is the
# agent's default.
#
# No figure is printed unless every box played and most of the programme's
# frames were heard by all of them; the script then exits 1.
set -u
BUILD=${BUILD:-build}
TOP=$(cd "$(dirname "$0")/.." && pwd)
B=$TOP/$BUILD
BENCH_NAME=bench/sync
. "$TOP/bench/lib.sh"
MIN=${SYNC_MINUTES:-10}
WARM=${SYNC_WARM_S:-60}
case "$MIN$WARM" in *[!0-9]*|"") echo "$BENCH_NAME: SYNC_MINUTES and SYNC_WARM_S are whole numbers" >&2; exit 2 ;; esac
T=$(mktemp -d /tmp/dalaba-bench-sync.XXXXXX)
# (KEEP_TMP=1 keeps the traces)
trap 'kill $(jobs -p) 2>/dev/null; sleep 0.2; [ -n "${KEEP_TMP:-}" ] && echo "# kept $T" >&2 || rm -rf "$T"' EXIT
trap 'exit 130' INT TERM
cd "$T" || exit 1
PORT=$((30000 + ($$ + 7) % 20000))
PPORT=$((PORT + 1))
N=4
FIGS="sync_frames sync_p50_ms sync_p99_ms sync_settled_p99_ms sync_believed_p99_ms
    sync_drift_ms_per_hour sync_box_drift_ms_per_hour sync_underruns_per_min"
# Box i: its clock (offset ms, ppm[, at s, ppm]) and its card's ppm. Box 3's
# crystal moves from -20 to -18 ppm 300 s after it starts (a board warming
# up, in the programme's fifth minute with the default warm-up). A box reads
# CLOCK_MONOTONIC_RAW, which NTP does not slew, so a crystal's own wander
# of a ppm or two is the change of rate it meets; a 50 ppm change (a slewed
# CLOCK_MONOTONIC) leaves that box's estimate ms off for minutes.
clock_of() { case $1 in 1) echo 420,35 ;; 2) echo -380,-45 ;; 3) echo 150,-20,300,-18 ;; 4) echo -490,10 ;; esac; }
card_of() { case $1 in 1) echo 180 ;; 2) echo -150 ;; 3) echo 60 ;; 4) echo -200 ;; esac; }

PK=$("$B/dalaba-broadcast" --key server.key --pubkey) || exit 1
i=1
while [ $i -le $N ]; do
	K=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
	echo "$i 110101001001 $K" >>speakers.txt
	printf '[speaker]\nid = %s\nzone = 110101001001\nkey = %s\n[server]\naddress = 127.0.0.1\nport = %s\npublic_key = %s\n[audio]\noutput = sim:%s\n' \
	    $i "$K" $PPORT "$PK" "$(card_of $i)" >s$i.conf
	i=$((i + 1))
done
# The programme: a spoken notice, repeated to SYNC_MINUTES minutes.
secs=$((MIN * 60))
if ! "$B/dalaba" say --no-chime -o one.wav "各位村民请注意，今天下午两点到五点，因线路检修，全村停电。\
请大家提前做好准备，冰箱里的食物注意保存，老人和孩子注意安全。" 2>/dev/null ||
    ! one=$("$B/tests/wavprobe" info one.wav | sed 's/.*seconds=\([0-9.]*\).*/\1/') ||
    ! bench_pos "$one" ||
    ! sox one.wav -b 16 -e signed-integer src.wav repeat "$(awk -v s=$secs -v o="$one" 'BEGIN { print int(s / o) + 1 }')" \
	trim 0 $secs 2>sox.err; then
	echo "$BENCH_NAME: could not make the programme ($(cat sox.err 2>/dev/null))" >&2
	for f in $FIGS; do
		bench_skip $f "no programme"
	done
	bench_done
fi
echo "# $N boxes, $WARM s of HELLOs, then a ${secs} s programme; downlink 20-80 ms, uplink 40-120 ms"

"$B/tests/impair" $PPORT $PORT $((WARM + secs + 60)) 0 20 80 0 ${SEED:-16} up=40,120 >impair.txt &
IP=$!
pids=
i=1
while [ $i -le $N ]; do
	DALABA_TEST_CLOCK=$(clock_of $i) HOME=$T "$B/dalaba-speaker" -c s$i.conf \
	    --stats s$i.stats --trace s$i.trace 2>s$i.err &
	pids="$pids $!"
	i=$((i + 1))
done
# --wait-speakers one more than there are: it waits the whole warm-up,
# answering HELLOs, then streams; it ends after the programme's last frame
# (or is stopped a minute after it should have, and the run fails).
timeout --foreground $((WARM + secs + 60)) "$B/dalaba-broadcast" --key server.key \
    --speakers speakers.txt --port $PORT --zone 110101001001 \
    --wait-speakers $((N + 1)) --wait-ms $((WARM * 1000)) \
    --priority village --wav src.wav 2>bc.err
BC_RC=$?
sleep 2
kill $pids $IP 2>/dev/null
wait $pids $IP 2>/dev/null
ONLINE=$(grep -c ' online ' bc.err 2>/dev/null)

# Per frame (SSRC SEQ) heard by all N boxes: the spread of column 6 and
# each box's instant less the boxes' mean, against the programme's time
# (the earliest box's instant, from the first such frame); then the spread
# of column 4, when the boxes believe they play it on the server's clock,
# and each box's error about that clock (column 4 less 6, less the boxes'
# mean of it: the server's clock is not the machine's monotonic one, but
# it is the same for all). A line per frame: T_S SPREAD_MS DEV1_MS ...
# DEVN_MS BELIEVED_SPREAD_MS ERR1_MS ... ERRN_MS.
awk -v n=$N '
    FNR == 1 { box++ }
    NF >= 6 && !((box, $1, $2) in h) { h[box, $1, $2] = $6; g[box, $1, $2] = $4
	k = $1 " " $2; c[k]++
	if (c[k] == n) ord[++m] = k }
    END {
	for (j = 1; j <= m; j++) {
		split(ord[j], f, " ")
		lo = hi = h[1, f[1], f[2]]; s = 0
		for (b = 1; b <= n; b++) { v = h[b, f[1], f[2]]; s += v
			if (v < lo) lo = v; if (v > hi) hi = v }
		if (j == 1) t0 = lo
		line = sprintf("%.3f %.3f", (lo - t0) / 1e6, (hi - lo) / 1e3)
		for (b = 1; b <= n; b++)
			line = line sprintf(" %.3f", (h[b, f[1], f[2]] - s / n) / 1e3)
		lo = hi = g[1, f[1], f[2]]; e = 0
		for (b = 1; b <= n; b++) { v = g[b, f[1], f[2]]; e += v - h[b, f[1], f[2]]
			if (v < lo) lo = v; if (v > hi) hi = v }
		line = line sprintf(" %.3f", (hi - lo) / 1e3)
		for (b = 1; b <= n; b++)
			line = line sprintf(" %.3f", (g[b, f[1], f[2]] - h[b, f[1], f[2]] - e / n) / 1e3)
		print line
	}
    }' s1.trace s2.trace s3.trace s4.trace 2>/dev/null | sort -n >frames.txt
cnt=$(wc -l <frames.txt)
# What each box did: its counters, and the largest step of its column 6
# between consecutive frames beyond the frame's 60 ms (a jump in when it
# is heard: a resync, an underrun, a dropped or doubled frame).
i=1
played_all=1
under=0
while [ $i -le $N ]; do
	st=s$i.stats
	p=$(awk '$1=="played"{print $2}' $st 2>/dev/null)
	bench_pos "${p:-0}" || played_all=0
	u=$(awk '$1=="underruns"{print $2}' $st 2>/dev/null)
	bench_num "${u:-x}" && under=$((under + u)) || played_all=0
	step=$(awk '{ if (NR > 1) { d = ($6 - prev) / 1e3 - 60; if (d < 0) d = -d; if (d > mx) mx = d } prev = $6 }
	    END { printf "%.2f", mx + 0 }' s$i.trace 2>/dev/null)
	echo "# box $i (clock $(clock_of $i), card $(card_of $i) ppm): played ${p:-?}," \
	    "fec $(awk '$1=="fec_recovered"{print $2}' $st 2>/dev/null)," \
	    "concealed $(awk '$1=="concealed"{print $2}' $st 2>/dev/null)," \
	    "late $(awk '$1=="late"{print $2}' $st 2>/dev/null)," \
	    "underruns $(awk '$1=="underruns"{print $2}' $st 2>/dev/null)," \
	    "silent $(awk '$1=="silent"{print $2}' $st 2>/dev/null)," \
	    "clock_offset_us $(awk '$1=="clock_offset_us"{print $2}' $st 2>/dev/null);" \
	    "time_corrections $(awk '$1=="time_corrections"{print $2}' $st 2>/dev/null);" \
	    "largest step in when it is heard ${step} ms;" \
	    "its error about the server's clock against the others' (1st, 50th," \
	    "99th percentile):$(awk -v c=$((N + 3 + i)) '{ print $c }' frames.txt | sort -n |
		awk '{ v[NR] = $1 } END { if (NR) printf " %.2f %.2f %.2f ms", v[int(NR * 0.01) + 1], v[int(NR / 2) + 1], v[int(NR * 0.99) + 1] }')"
	i=$((i + 1))
done
want=$((secs * 1000 / 60))	# the programme's frames
if [ "$BC_RC" -ne 0 ] || [ "${ONLINE:-0}" -ne $N ] || [ $played_all = 0 ] ||
    [ "$cnt" -lt $((want * 9 / 10)) ]; then
	why="dalaba-broadcast exit $BC_RC, ${ONLINE:-0} of $N boxes online, every box played: $played_all, $cnt of $want frames heard by all"
	for f in $FIGS; do
		bench_skip $f "$why"
	done
	bench_done
fi
# quantile Q [FROM_S [COLUMN]]: of the spread (or COLUMN of frames.txt),
# over frames from FROM_S on
quantile() {
	awk -v f="${2:-0}" -v c="${3:-2}" '$1 >= f { print $c }' frames.txt | sort -n |
	    awk -v q="$1" '{ v[NR] = $1 } END { i = int(NR * q) + 1; if (i > NR) i = NR
		if (NR) printf "%.2f", v[i] }'
}
# slopes: of the spread, and the largest |slope| of a box's deviation, in
# ms per hour (least squares against T_S)
slopes() {
	awk -v nc=$((N + 2)) '{ n++; x = $1; sx += x; sxx += x * x
	    for (c = 2; c <= nc; c++) { sy[c] += $c; sxy[c] += x * $c } }
	    END { d = n * sxx - sx * sx; if (n < 2 || d <= 0) exit 1
		for (c = 2; c <= nc; c++) b[c] = (n * sxy[c] - sx * sy[c]) / d * 3600
		mx = 0; for (c = 3; c <= nc; c++) { a = b[c] < 0 ? -b[c] : b[c]; if (a > mx) mx = a }
		printf "%.1f %.1f\n", b[2], mx }' frames.txt
}
set -- $(slopes)
echo "# per-box slope against the mean (ms/h): $(awk -v nc=$((N + 2)) '{ n++; x = $1; sx += x; sxx += x * x
    for (c = 3; c <= nc; c++) { sy[c] += $c; sxy[c] += x * $c } }
    END { d = n * sxx - sx * sx; for (c = 3; c <= nc; c++) printf " %.1f", (n * sxy[c] - sx * sy[c]) / d * 3600 }' frames.txt)"
echo "# spread by minute (median ms): $(awk '{ m = int($1 / 60); print m, $2 }' frames.txt | sort -k1,1n -k2,2n |
    awk '{ v[$1, ++c[$1]] = $2; if ($1 > mm) mm = $1 } END { for (m = 0; m <= mm; m++) printf " %.1f", v[m, int(c[m] / 2) + 1] }')"
bench_fig sync_frames "$cnt" frames 1 1000000
bench_fig sync_p50_ms "$(quantile 0.50)" ms 0 100000
bench_fig sync_p99_ms "$(quantile 0.99)" ms 0 100000
if [ $secs -gt 120 ]; then
	bench_fig sync_settled_p99_ms "$(quantile 0.99 60)" ms 0 100000
else
	bench_skip sync_settled_p99_ms "a $secs s programme: nothing is left after its first 60 s"
fi
bench_fig sync_believed_p99_ms "$(quantile 0.99 0 $((N + 3)))" ms 0 100000
bench_fig sync_drift_ms_per_hour "${1:-}" ms/h -1000000 1000000
bench_fig sync_box_drift_ms_per_hour "${2:-}" ms/h 0 1000000
bench_fig sync_underruns_per_min "$(awk -v u=$under -v n=$N -v s=$secs \
    'BEGIN { printf "%.2f", u / n / (s / 60) }')" /min 0 100000
bench_done
