# 23_retransmit.sh — lost packets asked for again. dalaba-broadcast streams
# a notice to three real speakers: one on a clean link (the reference), two
# through one tests/impair proxy with 10 % loss and 20-80 ms of jitter. The
# second asks for lost packets again (NACKs, the default); the third does
# not (retransmit = no: FEC and concealment alone). Counted from the
# speakers' own stats: the asking one plays more frames from packets, and
# decodes at least as many, as a programme (600 ms play-out delay) and as
# an emergency page (200 ms). During the page the proxy also replays every
# NACK and sends a forged copy of it from the box's own address: the
# server answers only the genuine ones.
. tests/e2e/lib.sh
SPK=$TOP/$BUILD/dalaba-speaker
BC=$TOP/$BUILD/dalaba-broadcast
IMPAIR=$TOP/$BUILD/tests/impair
PORT=$((20000 + ($$ + 31) % 20000))
PPORT=$((PORT + 1))
cd "$TMP"

PK=$("$BC" --key server.key --pubkey)
for i in 1 2 3; do
	k=$(new_key)
	p=$PPORT
	[ $i = 1 ] && p=$PORT
	echo "$i 110101001001 $k" >>speakers.txt
	speaker_conf $i 110101001001 "$k" $p "$PK" "wav:$TMP/out$i.wav" >s$i.conf
done
echo 'retransmit = no' >>s3.conf
TEXT="各位村民请注意，今天下午两点到五点，因线路检修，全村停电，请大家提前做好准备。停电期间请不要使用电梯，注意用火安全，照顾好家里的老人和孩子。"
"$TOP/$BUILD/dalaba" say --no-chime -o src.wav "$TEXT" 2>/dev/null

stat_of() { awk -v k="$2" '$1==k{print $2}' "$1" 2>/dev/null; }
run() {	# TAG PRIORITY NACK_ABUSE
	"$IMPAIR" $PPORT $PORT 60 10 20 80 0 ${SEED:-11} 0 0 0 0 "$3" >impair$1.txt &
	IP=$!
	for i in 1 2 3; do
		"$SPK" -c s$i.conf --stats s$i.$1.stats 2>s$i.$1.err &
		eval "S$i=\$!"
	done
	"$BC" --key server.key --speakers speakers.txt --port $PORT \
	    --zone 110101001001 --wait-speakers 3 --priority "$2" --wav src.wav \
	    2>bc$1.err
	sleep 1
	kill $S1 $S2 $S3 $IP
	wait $S1 $S2 $S3 $IP 2>/dev/null
}

for tag in programme emergency; do
	if [ $tag = programme ]; then run $tag village 0; else run $tag emergency 1; fi
	check "$tag: the proxy dropped packets" \
	    gt "$(stat_of impair$tag.txt dropped)" 0
	total=$(stat_of s1.$tag.stats played)
	p2=$(stat_of s2.$tag.stats played) f2=$(stat_of s2.$tag.stats fec_recovered)
	c2=$(stat_of s2.$tag.stats concealed)
	p3=$(stat_of s3.$tag.stats played) f3=$(stat_of s3.$tag.stats fec_recovered)
	c3=$(stat_of s3.$tag.stats concealed)
	echo "# $tag: clean $total frames; with NACKs $p2 played, $f2 FEC, $c2 PLC;" \
	    "FEC alone $p3 played, $f3 FEC, $c3 PLC"
	echo "# $tag: $(grep NACKs bc$tag.err)"
	check "$tag: the asking speaker sent NACKs and got packets back in time" \
	    all gt "$(stat_of s2.$tag.stats nacks)" 0 \
	    -and gt "$(stat_of s2.$tag.stats nack_recovered)" 0
	check "$tag: the other asked for nothing" [ "$(stat_of s3.$tag.stats nacks)" = 0 ]
	check "$tag: with NACKs more frames played from packets ($p2 vs $p3 of $total)" \
	    gt "$p2" "$p3"
	check "$tag: and at least as many decoded, packet or FEC ($((p2 + f2)) vs $((p3 + f3)))" \
	    [ $((p2 + f2)) -ge $((p3 + f3)) ]
	check "$tag: every frame slot of the asking speaker was filled ($p2+$f2+$c2 of $total)" \
	    [ $((p2 + f2 + c2)) -ge $((total - 1)) ]
	check "$tag: nothing was refused as forged at the speakers" \
	    all grep -q '^dropped_bad_signature 0$' s2.$tag.stats \
	    -and grep -q '^dropped_bad_signature 0$' s3.$tag.stats
done
# The page's NACKs were each replayed once and forged once, from the box's
# own address: the server took exactly the genuine ones and refused the rest.
up=$(stat_of impairemergency.txt nacks_up)
rep=$(stat_of impairemergency.txt nacks_replayed)
forged=$(stat_of impairemergency.txt nacks_forged)
set -- $(sed -n 's/.*NACKs \([0-9]*\) taken, \([0-9]*\) refused; packets \([0-9]*\) asked, \([0-9]*\) resent.*/\1 \2 \3 \4/p' bcemergency.err)
echo "# proxy: $up NACKs up, $rep replayed, $forged forged; server: ${1:-?} taken, ${2:-?} refused, ${3:-?} packets asked, ${4:-?} resent"
check "the proxy replayed and forged NACKs ($rep, $forged)" \
    all gt "${rep:-0}" 0 -and [ "$rep" = "$forged" ] -and [ "$rep" = "$up" ]
check "the server took the genuine NACKs only (${1:-?} of $up)" [ "${1:-x}" = "$up" ]
check "and refused every replayed and forged one (${2:-?} = $rep + $forged)" \
    [ "${2:-x}" = $((rep + forged)) ]
check "resending no more than the genuine ones asked for (${4:-?} of ${3:-?})" \
    all [ "${4:-1}" -gt 0 ] -and [ "${4:-1}" -le "${3:-0}" ]
finish
