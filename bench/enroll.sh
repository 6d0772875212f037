#!/bin/sh
# bench/enroll.sh — enrolment under a man in the middle, with a real
# dalabad on loopback and tests/mitm between it and a real dalaba-speaker
# (the attacks of tests/e2e/29_enroll_mitm.sh, counted).
#
#   enroll_mitm_refused   attempts the box refused, writing nothing, of
#                         those tried (the note says how many): the
#                         server's key replaced, a wrong fingerprint, the
#                         address and port replaced, configuration lines
#                         appended, the answer's public_key replaced, a
#                         genuine answer replayed for another token. Only
#                         printed if the genuine enrolment through the same
#                         relay works.
set -u
BUILD=${BUILD:-build}
TOP=$(cd "$(dirname "$0")/.." && pwd)
B=$TOP/$BUILD
T=$(mktemp -d /tmp/dalaba-bench-enroll.XXXXXX)
DPID= MP=
trap 'kill $DPID $MP 2>/dev/null; wait 2>/dev/null; [ -n "${KEEP_TMP:-}" ] || rm -rf "$T"' EXIT
cd "$T"
NAME=enroll PORT_SALT=17
. "$TOP/bench/daemon.sh"
BENCH_NAME=bench/enroll
. "$TOP/bench/lib.sh"
bench_conf 127.0.0.1
start
"$B/dalaba" zone add 110101001001 东风村 --quiet 00:00-00:00 >/dev/null
EURL=$(cat state/enroll.url)
EPORT=$(echo "$EURL" | sed 's|.*:\([0-9]*\)/enroll|\1|')
MPORT=$((PORT + 3))
"$B/dalaba-broadcast" --key evil.key --pubkey >evil.pk
EVIL=$(cat evil.pk)
EVIL_FP=$(printf '%s' "$EVIL" | tr a-f A-F | basenc --base16 -d | sha256sum | cut -c1-64)
N=0
token() {
	N=$((N + 1))
	"$B/dalaba" speaker add $N --zone 110101001001 --name "box $N" >add.out ||
	    die "speaker add failed"
	TOK=$(awk '/--enroll/ { print $4 }' add.out)
	FP=$(awk '/--enroll/ { print $5 }' add.out)
}
mitm() {
	"$B/tests/mitm" $MPORT $EPORT mitm.log "$@" >mitm.out 2>&1 &
	MP=$!
	wait_until 5 grep -q listening mitm.out
}
unmitm() { kill $MP; wait $MP 2>/dev/null; MP=; }
# enrol URL FP: 0 if the box enrolled (box.conf written)
enrol() {
	rm -f box.conf box.conf.new
	"$B/dalaba-speaker" --enroll "$1" "$TOK" "$2" -c box.conf -o null \
	    >/dev/null 2>>enrol.err
}
tried=0 refused=0
# attempt URL FP: one attack; refused if the box failed and wrote nothing
attempt() {
	tried=$((tried + 1))
	if ! enrol "$1" "$2" && [ ! -e box.conf ] && [ ! -e box.conf.new ]; then
		refused=$((refused + 1))
	fi
}
RELAY=http://127.0.0.1:$MPORT/enroll

token; mitm key "$EVIL"; attempt "$RELAY" "$FP"; unmitm
attempt "$EURL" "$EVIL_FP"
mitm save genuine.answer; enrol "$RELAY" "$FP"; genuine=$?; unmitm
token; mitm address 127.0.0.1 $((PORT + 5)); attempt "$RELAY" "$FP"; unmitm
token; mitm append "[agent]
stats = $T/pwned
"; attempt "$RELAY" "$FP"; unmitm
[ -e "$T/pwned" ] && refused=$((refused - 1))
token; mitm key-answer "$EVIL"; attempt "$RELAY" "$FP"; unmitm
token; mitm replay genuine.answer; attempt "$RELAY" "$FP"; unmitm

if [ "$genuine" != 0 ]; then
	bench_skip enroll_mitm_refused "the genuine enrolment through the relay failed: $(tail -n 1 enrol.err)"
else
	bench_fig enroll_mitm_refused "$refused" - 0 "$tried" \
	    "of $tried tried (genuine enrolment through the relay: enrolled)"
fi
bench_done
