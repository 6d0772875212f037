# 31_no_rtc.sh — a box without a real-time clock: it ran (its HELLO
# counters from a 2026 clock), lost power, and came back in 1970. The
# server, still running, must take it back (a challenge, then its cookie)
# and the box must play the rest of the notice on the air. Before HELLOs
# were taken by cookie, the server ignored every HELLO whose counter was
# not above the last one, and the box played nothing until the server
# restarted.
. tests/e2e/lib.sh
SPK=$TOP/$BUILD/dalaba-speaker
BC=$TOP/$BUILD/dalaba-broadcast
PORT=$((20000 + ($$ + 43) % 20000))
cd "$TMP"
command -v faketime >/dev/null || { echo "FAIL - faketime is not installed"; echo "RESULT 0 1"; exit 1; }

PK=$("$BC" --key server.key --pubkey)
K=$(new_key)
echo "1 110101001001 $K" >speakers.txt
speaker_conf 1 110101001001 "$K" $PORT "$PK" "wav:$TMP/before.wav" 500 >before.conf
speaker_conf 1 110101001001 "$K" $PORT "$PK" "wav:$TMP/after.wav" 500 >after.conf
# 24 s of tone: long enough to pull the plug in the middle.
sox -n -r 48000 -b 16 -c 1 src.wav synth 24 sine 600 vol 0.5 2>/dev/null
"$SPK" -c before.conf --stats before.stats 2>before.err & S1=$!
"$BC" --key server.key --speakers speakers.txt --port $PORT \
    --zone 110101001001 --wait-speakers 1 --wav src.wav 2>bc.err &
BCP=$!
sleep 6
kill -9 $S1; wait $S1 2>/dev/null	# the power fails
FAKETIME_DONT_FAKE_MONOTONIC=1 faketime '1970-01-01 08:00:05' \
    "$SPK" -c after.conf --stats after.stats 2>after.err & S2=$!
sleep 1
year=$(FAKETIME_DONT_FAKE_MONOTONIC=1 faketime '1970-01-01 08:00:05' date +%Y)
wait $BCP
bc_rc=$?
sleep 1.5
kill $S2; wait $S2 2>/dev/null
check "the stream went out (dalaba-broadcast exit 0)" [ "$bc_rc" = 0 ]
check "the box played before the power failed" \
    gt "$("$WAVPROBE" active before.wav)" 2
check "the box came back with its clock in $year" [ "$year" = 1970 ]
a=$("$WAVPROBE" active after.wav 2>/dev/null || echo 0)
echo "# after the restart in 1970: $a s of the remaining ~17 s played"
check "the server took it back and it played the rest ($a s)" gt "$a" 12
check "it synced its clock with the server" grep -q '^synced 1' after.stats
finish
