# 29_burst.sh — a 4G link's losses come in bursts and its uplink is slower
# than its downlink. tests/impair loses audio by the Gilbert-Elliott model
# (ge=2,25: a good link turns bad with 2 % a packet, a bad one recovers with
# 25 %, so bursts of about 4 packets, about 7 % lost) and delays what the
# boxes send up (HELLOs, NACKs) by 100-300 ms against 20-80 ms down.
# dalaba-broadcast streams a notice to three real speakers: one clean (the
# reference), one behind the proxy asking for lost packets, one behind it
# on FEC alone. Counted from the proxy and the speakers' own stats. (The
# two lossy boxes see different bursts, so each is judged against its own
# losses, not against the other.)
. tests/e2e/lib.sh
SPK=$TOP/$BUILD/dalaba-speaker
BC=$TOP/$BUILD/dalaba-broadcast
IMPAIR=$TOP/$BUILD/tests/impair
PORT=$((20000 + ($$ + 37) % 20000))
PPORT=$((PORT + 1))
cd "$TMP"

PK=$("$BC" --key server.key --pubkey)
clean_asking_fec "$PK" $PORT $PPORT
"$IMPAIR" $PPORT $PORT 60 0 20 80 0 ${SEED:-13} ge=2,25 up=100,300 >impair.txt &
IP=$!
pids=
for i in 1 2 3; do
	"$SPK" -c s$i.conf --stats s$i.stats --trace s$i.trace 2>s$i.err &
	pids="$pids $!"
done
"$BC" --key server.key --speakers speakers.txt --port $PORT \
    --zone 110101001001 --wait-speakers 3 --wav src.wav 2>bc.err
check "the broadcast ran to all three boxes (their HELLOs through a slow uplink)" [ $? -eq 0 ]
sleep 1
kill $pids $IP
wait $pids $IP 2>/dev/null

bursts=$(stat_of impair.txt bursts) dropped=$(stat_of impair.txt dropped)
bdropped=$(stat_of impair.txt burst_dropped) audio=$(stat_of impair.txt audio_pkts)
echo "# impair: $audio audio packets, $dropped dropped in $bursts bursts, $(stat_of impair.txt held_up) held on the way up"
# (A random process over some 750 packets: about 14 bursts expected, 5 seen
# in one CI run; the bounds check the model's shape, not its luck.)
check "the proxy lost packets in bursts ($bursts bursts, $bdropped of $dropped lost in them)" \
    all gt "${bursts:-0}" 1 -and [ "$bdropped" = "$dropped" ]
check "losses cluster: more than one packet a burst ($dropped / $bursts)" \
    awk -v d="$dropped" -v b="$bursts" 'BEGIN { exit !(b > 0 && d / b > 1.5 && d / b <= 15) }'
check "a few % of the audio lost ($dropped of $audio, to the two behind it)" \
    awk -v d="$dropped" -v a="$audio" 'BEGIN { exit !(a > 0 && d / a >= 0.005 && d / a <= 0.25) }'
check "it held what went up (HELLOs, NACKs)" gt "$(stat_of impair.txt held_up)" 0
total=$(stat_of s1.stats played)
p2=$(stat_of s2.stats played) f2=$(stat_of s2.stats fec_recovered) c2=$(stat_of s2.stats concealed)
p3=$(stat_of s3.stats played) f3=$(stat_of s3.stats fec_recovered) c3=$(stat_of s3.stats concealed)
echo "# clean $total frames; with NACKs $p2 played, $f2 FEC, $c2 PLC; FEC alone $p3 played, $f3 FEC, $c3 PLC"
# What it lost the first time: its frames less what it received that was
# neither a resend in time (nack_recovered) nor one too late (late).
r2=$(stat_of s2.stats received) n2=$(stat_of s2.stats nack_recovered)
l2=$(stat_of s2.stats late)
lost2=$((total - (r2 - n2 - l2)))
# A box whose END packet was lost in a burst conceals on past the end
# until the stream goes quiet: those slots are not the stream's.
past2=$((p2 + f2 + c2 - total)); [ $past2 -gt 0 ] || past2=0
echo "# the asking box lost $lost2 packets the first time, got $n2 back in time by NACK ($l2 too late), concealed $c2 ($past2 past the end)"
check "the asking box got lost packets back in time through the slow uplink ($n2)" gt "${n2:-0}" 0
check "within the stream it concealed no more frames than it lost ($((c2 - past2)) of $lost2)" \
    [ $((c2 - past2)) -le "$lost2" ]
# Frames lost at the very end (the END among them) are past the newest
# packet a box has: it plays them as silence, not PLC (TAIL_FRAMES).
# And a burst over the first packets: a box starts at the first it gets
# (the FEC box cannot know of frames before it), so slots are counted from
# its first frame (its trace's first sequence number; streams start at 0).
s2=$(stat_of s2.stats silent) s3=$(stat_of s3.stats silent)
first2=$(awk 'NR == 1 { print $2 }' s2.trace) first3=$(awk 'NR == 1 { print $2 }' s3.trace)
check "every frame slot of both was filled from its first (silent past the newest: $s2, $s3; first frames $first2, $first3)" \
    all [ $((p2 + f2 + c2 + s2)) -ge $((total - 1 - ${first2:-0})) ] \
    -and [ $((p3 + f3 + c3 + s3)) -ge $((total - 1 - ${first3:-0})) ]
finish
