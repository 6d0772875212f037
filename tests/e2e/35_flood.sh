# 35_flood.sh — an attacker on the village network floods a box with
# well-shaped forged packets (tests/flood: our RTP shape, the box's zone, a
# time in its window, the emergency class, an attacker's signature, a
# guessed ticket) while a notice plays, 100,000 a second (on the old
# verify-first code a box checked ~17,000 signatures a second at most and
# lost most of the notice). The flooded box runs on one core of its own;
# a second, unflooded box of the same village is the reference. The
# flooded box must play the notice as the reference does, refusing the
# flood by the ticket and checking no signature of it. The flood starts
# before the box has a clock (before the broadcast answers its HELLOs)
# and goes on through the notice.
. tests/e2e/lib.sh
SPK=$TOP/$BUILD/dalaba-speaker
BC=$TOP/$BUILD/dalaba-broadcast
FLOOD=$TOP/$BUILD/tests/flood
PORT=$((20000 + ($$ + 53) % 20000))
RATE=${FLOOD_RATE:-100000}
cd "$TMP"
# One core each for the box and for the rest, where there are two.
pin0= pin1=
[ "$(nproc)" -ge 2 ] && pin0="taskset -c 0" pin1="taskset -c 1"

PK=$("$BC" --key server.key --pubkey)
for i in 1 2; do
	k=$(new_key)
	echo "$i 110101001001 $k" >>speakers.txt
	speaker_conf $i 110101001001 "$k" $PORT "$PK" "wav:$TMP/out$i.wav" 300 >s$i.conf
done
"$TOP/$BUILD/dalaba" say --no-chime -o src.wav "各位村民请注意，今天下午两点到五点，因线路检修，全村停电，请大家提前做好准备。" 2>/dev/null
check "the notice was rendered" [ -s src.wav ]

"$SPK" -c s1.conf --stats s1.stats 2>s1.err &
P1=$!
# The flooded box alone on the second core (a small board's one core),
# the flood and the server on the first.
$pin1 "$SPK" -c s2.conf --stats s2.stats 2>s2.err &
P2=$!
. "$TOP/tests/e2e/loopback.sh"	# wait_until, box_port
wait_until 10 box_port $P2 >/dev/null
port2=$(box_port $P2)
check "the flooded box's port was found ($port2)" [ -n "$port2" ]

$pin0 "$FLOOD" 127.0.0.1 "${port2:-9}" 110101001001 30 $RATE >flood.out 2>flood.err &
FP=$!
sleep 1
$pin0 "$BC" --key server.key --speakers speakers.txt --port $PORT \
    --zone 110101001001 --wait-speakers 2 --wav src.wav 2>bc.err
check "the broadcast ran to both boxes under the flood" [ $? -eq 0 ]
sleep 1
kill $FP 2>/dev/null
wait $FP 2>/dev/null
kill $P1 $P2
wait $P1 $P2 2>/dev/null

# The flood's count: what it sent until it was stopped (it prints on
# SIGTERM too), else what the box saw.
sent=$(stat_of flood.out sent)
ticket=$(stat_of s2.stats dropped_bad_ticket)
ver=$(stat_of s2.stats verified) rec=$(stat_of s2.stats received)
p1=$(stat_of s1.stats played) p2=$(stat_of s2.stats played)
c2=$(stat_of s2.stats concealed) f2=$(stat_of s2.stats fec_recovered)
echo "# flood: ${sent:-?} sent; box 2 refused $ticket by ticket, checked $ver signatures for $rec packets; played $p2 ($f2 FEC, $c2 PLC) against the reference's $p1"
check "the flood was a flood (${ticket:-0} forged packets reached the box)" \
    gt "${ticket:-0}" $((RATE * 5))
check "none of it cost a signature check ($ver checked, $rec genuine taken)" \
    all [ -n "$ver" ] -and [ "$ver" -le $((rec + 5)) ]
check "none of it played: nothing but the notice was taken" \
    [ "$(stat_of s2.stats streams)" = 1 ]
check "the flooded box played the notice as the reference did ($p2 of $p1 frames)" \
    all gt "${p1:-0}" 50 -and [ "${p2:-0}" -ge $(( ${p1:-0} * 98 / 100 )) ]
finish
