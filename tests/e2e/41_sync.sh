# 41_sync.sh — the loudspeakers of a village play in step on real clocks
# (issue 16). dalaba-broadcast streams a 2-minute programme through
# tests/impair (20-80 ms of jitter down, 40-120 ms up) to three real
# dalaba-speaker agents, each with a clock of its own (DALABA_TEST_CLOCK:
# offsets within ±500 ms, rates within ±50 ppm, one whose crystal moves by
# 2 ppm mid-run) and a
# simulated sound card on a crystal of its own (sim:PPM, within ±200 ppm).
# They all run on this machine, so the trace's sixth column, when a frame
# is heard on the machine's monotonic clock, is the physical instant: the
# boxes are judged by it, not by what they believe. A fourth box talks
# through a second proxy that sends every reply to a HELLO twice more,
# 150 ms late (a sniffer re-sending what it saw): it must play in step with
# the other three all the same.
#
# Checked: every box played the programme, its card never running dry
# (each time is a gap heard); the spread of a frame (latest box minus
# earliest) stays under SYNC_BOUND_MS at the 99th percentile once settled;
# it does not grow (the last 30 s against 30-60 s in); the attacked box is
# no further from the others' mean than that bound.
. tests/e2e/lib.sh
SPK=$TOP/$BUILD/dalaba-speaker
BC=$TOP/$BUILD/dalaba-broadcast
IMPAIR=$TOP/$BUILD/tests/impair
PORT=$((20000 + ($$ + 41) % 20000))
PPORT=$((PORT + 1))
APORT=$((PORT + 2))
WARM=45		# s of HELLOs before the programme
SECS=120	# the programme
# The bound on the settled p99 spread. Since play-out follows the device
# (c021ed3) what the boxes believe they play is within 0.2 ms (median);
# the spread left is each box's error about the server's clock, a few ms
# through 20-80 ms of jitter with a HELLO every 2 s, ramping while an
# estimate lags a drifting clock. Measured 6.7 ms with this warm-up (13.6
# with 20 s of it; bench/sync.sh 7.6 over 9 minutes); 20 ms leaves room for
# a loaded CI machine. What this test catches before all else is a card
# run dry (play-out before c021ed3: 222 times in 2 minutes per box).
SYNC_BOUND_MS=${SYNC_BOUND_MS:-20}
# How much the median spread may grow from 30-60 s in to the last 30 s:
# the estimates wander by a few ms; two cards 380 ppm apart left to
# themselves would part by 34 ms between those windows.
GROW_MS=4
cd "$TMP"

clock_of() { case $1 in 1) echo 480,50 ;; 2) echo -450,-40 ;; 3) echo -200,-25,60,-23 ;; 4) echo 300,20 ;; esac; }
card_of() { case $1 in 1) echo 200 ;; 2) echo -180 ;; 3) echo 90 ;; 4) echo -120 ;; esac; }
PK=$("$BC" --key server.key --pubkey)
for i in 1 2 3 4; do
	k=$(new_key)
	echo "$i 110101001001 $k" >>speakers.txt
	p=$PPORT
	[ $i = 4 ] && p=$APORT
	# (hello_ms: the agent's default, as a real box)
	speaker_conf $i 110101001001 "$k" $p "$PK" "sim:$(card_of $i)" 2000 >s$i.conf
done
"$DALABA" say --no-chime -o one.wav "各位村民请注意，今天下午两点到五点，因线路检修，全村停电，请大家提前做好准备。" 2>/dev/null
one=$("$WAVPROBE" info one.wav | sed 's/.*seconds=\([0-9.]*\).*/\1/')
sox one.wav -b 16 -e signed-integer src.wav \
    repeat "$(awk -v s=$SECS -v o="$one" 'BEGIN { print int(s / o) + 1 }')" trim 0 $SECS
check "a ${SECS} s programme was made" [ "$(sox --i -D src.wav 2>/dev/null | cut -d. -f1)" = $SECS ]

"$IMPAIR" $PPORT $PORT $((WARM + SECS + 30)) 0 20 80 0 ${SEED:-41} up=40,120 >impair.txt &
IP1=$!
"$IMPAIR" $APORT $PORT $((WARM + SECS + 30)) 0 20 80 0 ${SEED:-42} 0 0 2 150 up=40,120 >impair4.txt &
IP2=$!
pids=
for i in 1 2 3 4; do
	DALABA_TEST_CLOCK=$(clock_of $i) "$SPK" -c s$i.conf --stats s$i.stats \
	    --trace s$i.trace 2>s$i.err &
	pids="$pids $!"
done
# One box more than there are: the broadcaster answers HELLOs for the whole
# warm-up, then streams, and ends after the last frame is heard.
"$BC" --key server.key --speakers speakers.txt --port $PORT \
    --zone 110101001001 --wait-speakers 5 --wait-ms $((WARM * 1000)) \
    --priority village --wav src.wav 2>bc.err
check "dalaba-broadcast streamed it to the four boxes" \
    [ "$(grep -c ' online ' bc.err)" = 4 ]
sleep 2
kill $pids $IP1 $IP2
wait $pids $IP1 $IP2 2>/dev/null

# isnum V: V is a plain decimal number (a quantile of no frames is "none")
isnum() { awk -v v="$1" 'BEGIN { exit !(v ~ /^-?[0-9]+(\.[0-9]+)?$/) }'; }
# frames BOXES...: a line per frame heard by all of BOXES, T_S SPREAD_MS
# DEV_MS (T_S from the first such frame; DEV_MS the last box's instant
# less the mean of the others).
frames() {
	_n=$#
	for _b in "$@"; do cat s$_b.trace; echo "--"; done 2>/dev/null | awk -v n=$_n 'BEGIN { box = 0 }
	    $1 == "--" { box++; next }
	    NF >= 6 && !((box, $1, $2) in h) { h[box, $1, $2] = $6; k = $1 " " $2
		if (++c[k] == n) ord[++m] = k }
	    END { for (j = 1; j <= m; j++) { split(ord[j], f, " ")
		lo = hi = h[0, f[1], f[2]]; s = 0
		for (b = 0; b < n; b++) { v = h[b, f[1], f[2]]
			if (b < n - 1) s += v
			if (v < lo) lo = v; if (v > hi) hi = v }
		if (j == 1) t0 = lo
		printf "%.3f %.3f %.3f\n", (lo - t0) / 1e6, (hi - lo) / 1e3,
		    (h[n - 1, f[1], f[2]] - s / (n - 1)) / 1e3 } }' | sort -n
}
# q COLUMN Q FROM TO <FRAMES: the Q quantile of |COLUMN| over FROM <= T_S < TO
q() {
	awk -v c=$1 -v a=$3 -v b=$4 '$1 >= a && $1 < b { v = $c; print v < 0 ? -v : v }' |
	    sort -n | awk -v q=$2 '{ v[NR] = $1 } END { i = int(NR * q) + 1; if (i > NR) i = NR
		if (NR) printf "%.2f", v[i]; else print "none" }'
}
frames 1 2 3 >f123.txt
frames 1 2 3 4 >f1234.txt
want=$((SECS * 1000 / 60))
for i in 1 2 3 4; do
	n=$(awk 'NF >= 6' s$i.trace 2>/dev/null | wc -l)
	echo "# box $i (clock $(clock_of $i), card $(card_of $i) ppm): $n frames traced;" \
	    "played $(stat_of s$i.stats played), concealed $(stat_of s$i.stats concealed)," \
	    "late $(stat_of s$i.stats late), underruns $(stat_of s$i.stats underruns)," \
	    "replies $(stat_of s$i.stats replies)"
	check "box $i played the programme ($n of $want frames)" \
	    all [ "$n" -ge $((want * 95 / 100)) ] -and [ "$n" -le $((want + 20)) ]
	# A card that ran dry was heard as a gap (and what did not fit in
	# it before was dropped): once at the end is the programme ending.
	check "box $i's card did not run dry while it played ($(stat_of s$i.stats underruns) times)" \
	    all isnum "$(stat_of s$i.stats underruns)" -and [ "$(stat_of s$i.stats underruns)" -le 2 ]
done
cnt=$(wc -l <f123.txt)
end=$(tail -n 1 f123.txt | cut -d' ' -f1)
check "boxes 1-3 heard the same frames ($cnt of $want)" [ "$cnt" -ge $((want * 95 / 100)) ]
p99=$(q 2 0.99 30 1000000 <f123.txt)
p99all=$(q 2 0.99 0 1000000 <f123.txt)
early=$(q 2 0.5 30 60 <f123.txt)
late=$(q 2 0.5 "$(awk -v e="${end:-0}" 'BEGIN { print e - 30 }')" 1000000 <f123.txt)
echo "# spread of boxes 1-3: p99 $p99all ms over the programme, $p99 ms from 30 s in;" \
    "median $early ms at 30-60 s, $late ms in the last 30 s"
echo "# spread by 10 s (median ms):$(awk '{ print int($1 / 10), $2 }' f123.txt | sort -k1,1n -k2,2n |
    awk '{ v[$1, ++c[$1]] = $2; if ($1 > mm) mm = $1 } END { for (m = 0; m <= mm; m++) printf " %.1f", v[m, int(c[m] / 2) + 1] }')"
check "the boxes play in step: p99 spread $p99 ms once settled (bound $SYNC_BOUND_MS)" \
    all isnum "$p99" -and lt "$p99" $SYNC_BOUND_MS
check "and do not drift apart: median $late ms in the last 30 s, $early ms at 30-60 s" \
    all isnum "$late" -and isnum "$early" \
    -and lt "$late" "$(awk -v e="$early" -v g=$GROW_MS 'BEGIN { print e + g }')"
# The attacked box: its copies of replies were sent, and refused or
# harmless; it stays with the others.
check "the proxy re-sent replies to box 4 ($(stat_of impair4.txt replies_replayed))" \
    gt "$(stat_of impair4.txt replies_replayed)" 0
d4=$(q 3 0.99 30 1000000 <f1234.txt)
check "box 4, its replies re-sent late, plays with the others (p99 $d4 ms off their mean)" \
    all isnum "$d4" -and lt "$d4" $SYNC_BOUND_MS
finish
