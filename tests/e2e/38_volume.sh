# 38_volume.sh — whose volume a box plays at: the server's for a stream
# that sets one, else the box's own, for emergency pages its own emergency
# level when it has one, and never above the box's ceiling (max_volume: a
# box beside a clinic or a school). Three boxes, a 600 Hz tone streamed
# three times by dalaba-broadcast; the level of each box's output is
# measured (sox) and compared with box 1's in the same broadcast.
#   box 1: volume 80            box 2: volume 80, max_volume 40
#   box 3: volume 50, emergency_volume 100
. tests/e2e/lib.sh
SPK=$TOP/$BUILD/dalaba-speaker
BC=$TOP/$BUILD/dalaba-broadcast
PORT=$((20000 + ($$ + 59) % 20000))
cd "$TMP"

PK=$("$BC" --key server.key --pubkey)
for i in 1 2 3; do
	k=$(new_key)
	echo "$i 110101001001 $k" >>speakers.txt
	speaker_conf $i 110101001001 "$k" $PORT "$PK" "wav:$TMP/OUT" 300 >s$i.conf
done
sed -i 's/^output = .*/&\nvolume = 80/' s1.conf
sed -i 's/^output = .*/&\nvolume = 80\nmax_volume = 40/' s2.conf
sed -i 's/^output = .*/&\nvolume = 50\nemergency_volume = 100/' s3.conf
sox -n -r 48000 -b 16 -c 1 tone.wav synth 2.5 sine 600 vol 0.5 2>/dev/null
check "the tone was made" [ -s tone.wav ]
rms() { sox "$1" -n trim 0.3 1.5 stat 2>&1 | awk '/RMS +amplitude/ { print $3 }'; }

# phase NAME BROADCAST-OPTIONS...: the three boxes hear one broadcast;
# prints box 2's and box 3's level against box 1's
phase() {
	_n=$1; shift
	_pids=
	for i in 1 2 3; do
		sed "s|wav:$TMP/OUT|wav:$TMP/$_n$i.wav|" s$i.conf >run$i.conf
		"$SPK" -c run$i.conf 2>$_n$i.err &
		_pids="$_pids $!"
	done
	"$BC" --key server.key --speakers speakers.txt --port $PORT \
	    --zone 110101001001 --wait-speakers 3 --wav tone.wav "$@" 2>$_n.bc.err
	_rc=$?
	sleep 0.8
	kill $_pids
	wait $_pids 2>/dev/null
	[ $_rc = 0 ] || { echo "x x"; return; }
	awk -v a="$(rms $_n'1.wav')" -v b="$(rms $_n'2.wav')" -v c="$(rms $_n'3.wav')" \
	    'BEGIN { if (a > 0) printf "%.3f %.3f\n", b / a, c / a; else print "x x" }'
}
near() { awk -v v="$1" -v w="$2" 'BEGIN { exit !(v != "x" && v >= w * 0.95 && v <= w * 1.05) }'; }

set -- $(phase village)
echo "# a notice at the boxes' own volumes: box 2 / box 1 $1, box 3 / box 1 $2"
check "a notice: box 2 at its ceiling, 40 of 80 ($1)" near "$1" 0.5
check "a notice: box 3 at its own 50 of 80 ($2)" near "$2" 0.625
set -- $(phase page --priority emergency)
echo "# an emergency page: box 2 / box 1 $1, box 3 / box 1 $2"
check "a page: box 3 at its emergency level, 100 of 80 ($2)" near "$2" 1.25
check "a page: box 2 still under its ceiling ($1)" near "$1" 0.5
set -- $(phase server --volume 100)
echo "# the server asks for 100: box 2 / box 1 $1, box 3 / box 1 $2"
check "the server's volume: box 3 at 100 like box 1 ($2)" near "$2" 1.0
check "but box 2 at its ceiling of 40 ($1)" near "$1" 0.4
finish
