# 23_retransmit.sh — lost packets asked for again. dalaba-broadcast streams
# a notice to three real speakers: one on a clean link (the reference), two
# through one tests/impair proxy with 10 % loss and 20-80 ms of jitter. The
# second asks for lost packets again (NACKs, the default); the third does
# not (retransmit = no: FEC and concealment alone). Counted from the
# speakers' own stats: the asking one plays more frames from packets, and
# conceals fewer frames than it lost, as a programme (600 ms play-out
# delay) and as an emergency page (200 ms). During the page the proxy also replays every
# NACK and sends a forged copy of it from the box's own address: the
# server answers only the genuine ones. Last, a server that resends
# nothing (--retransmit-pps 0): the box asks for each lost packet at most
# three times, then leaves it to FEC.
. tests/e2e/lib.sh
SPK=$TOP/$BUILD/dalaba-speaker
BC=$TOP/$BUILD/dalaba-broadcast
IMPAIR=$TOP/$BUILD/tests/impair
PORT=$((20000 + ($$ + 31) % 20000))
PPORT=$((PORT + 1))
cd "$TMP"

PK=$("$BC" --key server.key --pubkey)
clean_asking_fec "$PK" $PORT $PPORT
run() {	# TAG PRIORITY NACK_ABUSE SPEAKERS [OPTION...]
	_tag=$1 _prio=$2 _abuse=$3 _n=$4
	shift 4
	"$IMPAIR" $PPORT $PORT 60 10 20 80 0 ${SEED:-11} 0 0 0 0 $_abuse >impair$_tag.txt &
	IP=$!
	_pids=
	for i in $(seq 1 $_n); do
		"$SPK" -c s$i.conf --stats s$i.$_tag.stats 2>s$i.$_tag.err &
		_pids="$_pids $!"
	done
	"$BC" --key server.key --speakers speakers.txt --port $PORT \
	    --zone 110101001001 --wait-speakers $_n --priority $_prio --wav src.wav \
	    "$@" 2>bc$_tag.err
	sleep 1
	kill $_pids $IP
	wait $_pids $IP 2>/dev/null
}

for tag in programme emergency; do
	if [ $tag = programme ]; then run $tag village 0 3; else run $tag emergency 1 3; fi
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
	# Each lossy box loses other packets (one random stream), so the
	# asking one is judged against its own losses: what it lost the first
	# time (its frames less what it received that was neither a resend in
	# time nor one too late) is more than it had to conceal.
	r2=$(stat_of s2.$tag.stats received) n2=$(stat_of s2.$tag.stats nack_recovered)
	l2=$(stat_of s2.$tag.stats late)
	lost2=$((total - (r2 - n2 - l2)))
	# (slots concealed past the end, when the END packet was lost, are
	# not the stream's)
	past2=$((p2 + f2 + c2 - total)); [ $past2 -gt 0 ] || past2=0
	check "$tag: the asking box concealed fewer frames than it lost ($((c2 - past2)) of $lost2)" \
	    [ $((c2 - past2)) -lt "$lost2" ]
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

# Nothing is resent: speaker 2 (the only one behind the proxy now) asks for
# each packet it lost three times at most, and FEC does the rest.
run unanswered village 0 2 --retransmit-pps 0
lost=$(stat_of impairunanswered.txt dropped)
asked=$(stat_of s2.unanswered.stats nack_asked)
echo "# unanswered: the proxy dropped $lost; speaker 2 asked $asked times in $(stat_of s2.unanswered.stats nacks) NACKs; $(grep NACKs bcunanswered.err)"
check "with no resends the box still asks ($asked), at most 3 times a lost packet ($lost lost)" \
    all gt "${asked:-0}" 0 -and [ "${asked:-0}" -le $((3 * ${lost:-0})) ]
check "and the server resent nothing" grep -q 'packets [0-9]* asked, 0 resent' bcunanswered.err
check "FEC still rebuilt lost frames ($(stat_of s2.unanswered.stats fec_recovered))" \
    gt "$(stat_of s2.unanswered.stats fec_recovered)" 0
finish
