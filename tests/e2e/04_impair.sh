# 04_impair.sh — speech still plays through a bad network. dalaba-broadcast
# streams a notice to two speakers: one direct, one through tests/impair
# with 10 % loss, 20-80 ms of jitter (which reorders) and 2 % duplicates.
# The impaired speaker must still play the notice, its counters must show
# FEC and concealment at work, and nothing may be refused as hostile. It
# does not ask for lost packets again (retransmit = no): this is FEC alone,
# what is left when a resend cannot come in time (23_retransmit has both).
. tests/e2e/lib.sh
SPK=$TOP/$BUILD/dalaba-speaker
BC=$TOP/$BUILD/dalaba-broadcast
IMPAIR=$TOP/$BUILD/tests/impair
PORT=$((20000 + ($$ + 13) % 20000))
PPORT=$((PORT + 1))
cd "$TMP"

PK=$("$BC" --key server.key --pubkey)
direct_and_proxied "$PK" $PORT $PPORT
echo 'retransmit = no' >>s2.conf
TEXT="各位村民请注意，今天下午两点到五点，因线路检修，全村停电，请大家提前做好准备。"
"$TOP/$BUILD/dalaba" say -o src.wav "$TEXT" 2>/dev/null
"$IMPAIR" $PPORT $PORT 40 10 20 80 2 ${SEED:-7} >impair.txt &
IP=$!
"$SPK" -c s1.conf --stats s1.stats & S1=$!
"$SPK" -c s2.conf --stats s2.stats & S2=$!
"$BC" --key server.key --speakers speakers.txt --port $PORT \
    --zone 110101001001 --wait-speakers 2 --wav src.wav 2>bc.err
sleep 1.5
kill $S1 $S2 $IP
wait $S1 $S2 $IP 2>/dev/null
check "the proxy dropped packets" sh -c "awk '\$1==\"dropped\" && \$2>0' impair.txt | grep -q ."
total=$(awk '$1=="played"{print $2}' s1.stats)
p=$(awk '$1=="played"{print $2}' s2.stats)
f=$(awk '$1=="fec_recovered"{print $2}' s2.stats)
c=$(awk '$1=="concealed"{print $2}' s2.stats)
l=$(awk '$1=="late"{print $2}' s2.stats)
echo "# direct: $total frames; impaired: $p played, $f FEC, $c PLC, $l late"
check "every frame slot was filled ($p+$f+$c of $total)" [ $((p + f + c)) -ge $((total - 1)) ]
check "most frames arrived and played ($p of $total)" [ "$p" -ge $((total * 80 / 100)) ]
check "FEC rebuilt some lost frames ($f)" [ "$f" -gt 0 ]
check "lost frames were counted as recovered or concealed ($f+$c)" [ $((f + c)) -gt 0 ]
check "duplicates were refused as replays" sh -c "awk '\$1==\"dropped_replayed\" && \$2>0' s2.stats | grep -q ."
check "nothing was refused as forged" grep -q "^dropped_bad_signature 0" s2.stats
corr=$("$WAVPROBE" xcorr out1.wav out2.wav 0.3 | cut -d' ' -f1)
check "the impaired output still follows the direct one (correlation $corr)" gt "$corr" 0.5
a1=$("$WAVPROBE" active out1.wav)
a2=$("$WAVPROBE" active out2.wav)
check "and carries as much speech ($a2 s vs $a1 s active)" gt "$a2" "$(awk -v a="$a1" 'BEGIN{print a*0.85}')"
finish
