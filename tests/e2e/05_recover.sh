# 05_recover.sh — the server vanishes and comes back: the same speaker
# process keeps saying HELLO (backing off), rejoins, and plays the next
# notice without being restarted. A speaker that goes silent is marked
# offline by the server.
. tests/e2e/lib.sh
SPK=$TOP/$BUILD/dalaba-speaker
BC=$TOP/$BUILD/dalaba-broadcast
PORT=$((20000 + ($$ + 29) % 20000))
cd "$TMP"

PK=$("$BC" --key server.key --pubkey)
K=$(new_key)
echo "5 110101001001 $K" >speakers.txt
speaker_conf 5 110101001001 "$K" $PORT "$PK" "wav:$TMP/out.wav" 400 >s.conf
"$SPK" -c s.conf --stats s.stats & SP=$!

"$BC" --key server.key --speakers speakers.txt --port $PORT --idle 2 2>idle1.err
check "the speaker joined the first server" grep -q "speaker 5 .* online" idle1.err
r1=$(awk '$1=="replies"{print $2}' s.stats)
sleep 3	# the server is gone: the speaker backs off
"$TOP/$BUILD/dalaba" say -o src.wav "通知，明天上午九点开会。" 2>/dev/null
"$BC" --key server.key --speakers speakers.txt --port $PORT --zone 110101001001 \
    --wait-speakers 1 --wait-ms 20000 --wav src.wav 2>bc.err
sleep 1
check "the same speaker process rejoined the returning server" grep -q "speaker 5 .* online" bc.err
check "and is still running" kill -0 $SP
r2=$(awk '$1=="replies"{print $2}' s.stats)
check "it heard from the server again ($r1 -> $r2 replies)" [ "$r2" -gt "$r1" ]
played=$(awk '$1=="played"{print $2}' s.stats)
check "it played the notice after the outage ($played frames)" [ "$played" -gt 20 ]
corr=$("$WAVPROBE" xcorr src.wav out.wav 0.5 | cut -d' ' -f1)
check "what it played is the notice (correlation $corr)" gt "$corr" 0.85

# A server whose speakers go silent: heard at first, offline after 1 s.
kill $SP
wait $SP
"$BC" --key server.key --speakers speakers.txt --port $PORT --idle 3 \
    --offline-ms 1000 2>idle2.err &
BP=$!
"$SPK" -c s.conf & SP=$!
sleep 1
kill $SP
wait $SP $BP
check "a speaker heard from and then silent is marked offline" \
    grep -q "speaker 5 .* offline 127.0.0.1:[0-9]" idle2.err
finish
