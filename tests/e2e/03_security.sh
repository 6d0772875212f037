# 03_security.sh — a loudspeaker plays only what the server signed. A hostile
# server (tests/forge) sends a real speaker thousands of truncated, garbage,
# mutated, re-signed, unsigned, replayed, stale, wrong-zone and ticketless
# packets mixed with a short legitimate stream; the speaker must play
# exactly the legitimate frames and count every other packet under the
# right reason, and check a signature only for what passed the cheap
# checks (the ticket, time, zone, replay) first.
. tests/e2e/lib.sh
SPK=$TOP/$BUILD/dalaba-speaker
BC=$TOP/$BUILD/dalaba-broadcast
FORGE=$TOP/$BUILD/tests/forge
PORT=$((20000 + ($$ + 7) % 20000))
cd "$TMP"

PK=$("$BC" --key server.key --pubkey)
K=$(new_key)
speaker_conf 7 110101001001 "$K" $PORT "$PK" "wav:$TMP/out.wav" 300 >s.conf
"$SPK" -c s.conf --stats s.stats 2>s.err &
SP=$!
"$FORGE" server.key "$K" $PORT 110101 ${SEED:-42} >sent.txt
sleep 0.6
kill $SP
wait $SP
check "the forger ran" grep -q "^legit" sent.txt
for reason in bad_format bad_ticket bad_signature replayed stale wrong_zone; do
	want=$(awk -v k="dropped_$reason" '$1==k{print $2}' sent.txt)
	got=$(awk -v k="dropped_$reason" '$1==k{print $2}' s.stats)
	check "dropped as $reason: $got of $want sent" [ "$got" = "$want" ]
done
legit=$(awk '$1=="legit"{print $2}' sent.txt)
played=$(awk '$1=="played"{print $2}' s.stats)
fec=$(awk '$1=="fec_recovered"{print $2}' s.stats)
plc=$(awk '$1=="concealed"{print $2}' s.stats)
check "exactly the $legit legitimate frames were played ($played)" [ "$played" = "$legit" ]
check "nothing was made up ($fec FEC, $plc PLC)" [ "$fec" = 0 -a "$plc" = 0 ]
ver=$(awk '$1=="verified"{print $2}' s.stats)
sig=$(awk '$1=="dropped_bad_signature"{print $2}' s.stats)
check "signatures checked: the legitimate frames and the bad signatures only ($ver)" \
    [ "$ver" = $((legit + sig)) ]
frames=$("$WAVPROBE" info out.wav | sed 's/.*frames=\([0-9]*\).*/\1/')
check "the output holds exactly those frames ($frames samples)" [ "$frames" = $((legit * 2880)) ]
tone=$("$WAVPROBE" tone out.wav 0.1 2.0 440)
check "and it is the legitimate 440 Hz tone ($tone)" gt "$tone" 0.8
finish
