# 22_link.sh — a weak link: a speaker behind tests/impair loses everything
# for 2 s in the middle of a notice (a 4G blip), and a sniffer re-sends
# each reply to its HELLOs ten times, 1.2 s late. dalaba-broadcast streams
# to it and to a speaker on a clean link. The impaired one must rejoin
# the same stream after the gap and play the rest, and its clock must
# stay with the clean one's (both run on this machine, so their true
# offsets to the server are the same).
. tests/e2e/lib.sh
SPK=$TOP/$BUILD/dalaba-speaker
BC=$TOP/$BUILD/dalaba-broadcast
IMPAIR=$TOP/$BUILD/tests/impair
PORT=$((20000 + ($$ + 29) % 20000))
PPORT=$((PORT + 1))
cd "$TMP"

PK=$("$BC" --key server.key --pubkey)
direct_and_proxied "$PK" $PORT $PPORT 2000
TEXT="各位村民请注意，今天下午两点到五点，因线路检修，全村停电，请大家提前做好准备。停电期间请不要使用电梯，注意用火安全，照顾好家里的老人和孩子。"
"$TOP/$BUILD/dalaba" say --no-chime -o src.wav "$TEXT" 2>/dev/null
src_s=$(soxi -D src.wav)
# No loss or jitter; from 5 s after the proxy starts, 2 s of nothing;
# every reply to a HELLO again ten times, 1.2 s late.
"$IMPAIR" $PPORT $PORT 60 0 1 1 0 7 5000 2000 10 1200 >impair.txt &
IP=$!
"$SPK" -c s1.conf --stats s1.stats 2>s1.err & S1=$!
"$SPK" -c s2.conf --stats s2.stats 2>s2.err & S2=$!
"$BC" --key server.key --speakers speakers.txt --port $PORT \
    --zone 110101001001 --wait-speakers 2 --wav src.wav 2>bc.err &
BCP=$!
# The clocks, sampled while it plays: the largest difference seen. The
# offset only once synced, both read from one version of the file (read
# apart, an offset from before the sync, 0, met a "synced 1" written
# after it: a 57-year gap in one CI run).
off() {
	awk '$1 == "synced" { s = $2 } $1 == "clock_offset_us" { o = $2 }
	    END { if (s == 1 && o != "") print o }' "$1" 2>/dev/null
}
worst=0 n=0
while kill -0 $BCP 2>/dev/null && [ $n -lt 400 ]; do
	a=$(off s1.stats) b=$(off s2.stats)
	if [ -n "$a" ] && [ -n "$b" ]; then
		d=$((a - b)); [ $d -lt 0 ] && d=$((-d))
		[ $d -gt $worst ] && worst=$d
	fi
	n=$((n + 1))
	sleep 0.1
done
wait $BCP
sleep 1.5
kill $S1 $S2 $IP
wait $S1 $S2 $IP 2>/dev/null
check "the proxy blacked the link out and replayed replies" \
    all sh -c "awk '\$1==\"blacked_out\" && \$2>0' impair.txt | grep -q ." \
    -and sh -c "awk '\$1==\"replies_replayed\" && \$2>0' impair.txt | grep -q ."
# Taking every copy moved it by 600 ms. The clean speaker is no perfect
# reference: a first exchange timestamped late by a busy server can leave
# either estimate some 30 ms off (seen on an idle machine; the server's
# receive timestamps are the issue "Loudspeakers in step"'s to fix).
check "replayed replies do not steer the clock (worst gap to the clean speaker $worst us)" \
    [ "$worst" -lt 50000 ]
a1=$("$WAVPROBE" active out1.wav)
a2=$("$WAVPROBE" active out2.wav)
echo "# source $src_s s; clean speaker $a1 s active, impaired $a2 s"
check "the impaired speaker plays the rest after the gap ($a2 s of $a1 s, 2 s lost)" \
    gt "$a2" "$(awk -v a="$a1" 'BEGIN{print a-3}')"
check "it rejoined the same stream, not a new one" grep -q '^streams 1$' s2.stats
check "its log says the stream stopped and came back" \
    all grep -q "no packets for" s2.err -and grep -q "back after" s2.err
check "and the clean speaker saw no gap" lacks "no packets for" s1.err

# Sent 5 s ahead of its presentation time (a long play-out delay): every
# frame fits the jitter buffer; none is dropped for being too far ahead.
"$TOP/$BUILD/dalaba" say --no-chime -o short.wav "今天下午三点开会，请准时参加。" 2>/dev/null
"$SPK" -c s1.conf --stats ahead.stats 2>ahead.err & S1=$!
"$BC" --key server.key --speakers speakers.txt --port $PORT \
    --zone 110101001001 --wait-speakers 1 --delay 5000 --wav short.wav 2>bc2.err
frames=$(( ($("$WAVPROBE" info short.wav | sed 's/.*frames=\([0-9]*\).*/\1/') + 2879) / 2880 ))
n=0
until awk -v f=$frames '$1=="played" && $2 >= f - 1' ahead.stats 2>/dev/null | grep -q .; do
	n=$((n + 1)); [ $n -gt 150 ] && break	# 15 s
	sleep 0.1
done
kill $S1
wait $S1 2>/dev/null
played=$(awk '$1=="played"{print $2}' ahead.stats)
check "5 s ahead: all $frames frames played from packets ($played), none dropped as stale" \
    all [ "${played:-0}" -ge $((frames - 1)) ] -and grep -q '^dropped_stale 0$' ahead.stats
finish
