# 36_amplifier.sh — the box switches its amplifier through a command of its
# own: off at start, on when a stream's audio comes (a pre-roll before its
# first frame is heard), off a hold time after the last, reported in its
# heartbeats (the API's "amplifier"). Box 1's command notes each switch on
# the clock the box's trace uses (CLOCK_MONOTONIC); box 2's hangs, and the
# box must still play on time and kill it, children and all; box 3's is of
# the kind that holds the amplifier on while it runs (mode = hold, as
# gpioset holds a GPIO line) and is stopped to switch it off. A relative
# command, or one with arguments, is refused.
. tests/e2e/lib.sh
. tests/e2e/daemon.sh
cd "$TMP"

# A second of play-out delay: audio is known that long before it is heard,
# time for the amplifier's 200 ms pre-roll on a busy machine.
dalabad_conf | sed 's/^delay_ms = .*/delay_ms = 1000/' >d.conf
start_dalabad d.conf d.log
"$DALABA" zone add 110101001001 东村 --quiet 00:00-00:00 >/dev/null
cat >amp <<EOS
#!/bin/sh
exec python3 -c 'import sys, time; print(sys.argv[1], time.monotonic_ns() // 1000)' "\$1" >>"$TMP/amp.log"
EOS
printf '#!/bin/sh\nsleep 31.5\n' >amp_stuck
cat >amp_hold <<EOS
#!/bin/sh
now() { python3 -c 'import time; print(time.monotonic_ns() // 1000)'; }
echo "hold \$(now)" >>"$TMP/amp3.log"
trap 'echo "release \$(now)" >>"$TMP/amp3.log"; exit 0' TERM
sleep 1000 &
wait \$!
EOS
chmod +x amp amp_stuck amp_hold
# enrol_amp ID COMMAND: enrol a box the real way, with an amplifier
enrol_amp() {
	"$DALABA" speaker add "$1" --zone 110101001001 --name "test $1" \
	    >"add$1.out" || return 1
	"$SPK" --enroll $(awk '/--enroll/ { print $3, $4, $5 }' "add$1.out") \
	    -c "spk$1.conf" -o "wav:$TMP/out$1.wav" 2>"enrol$1.err" || return 1
	printf '[agent]\nhello_ms = 300\n[amplifier]\ncommand = %s\npreroll_ms = 200\nhold_ms = 2000\n' \
	    "$2" >>"spk$1.conf"
}
check "three boxes enrolled" all enrol_amp 1 "$TMP/amp" -and enrol_amp 2 "$TMP/amp_stuck" \
    -and enrol_amp 3 "$TMP/amp_hold"
echo 'mode = hold' >>spk3.conf

sed 's|^command = .*|command = amp|' spk1.conf >relative.conf
expect_exit 1 "a relative amplifier command is refused" "$SPK" -c relative.conf
check "... saying which line" stderr_has "relative.conf:.*bad value for command"
sed "s|^command = .*|command = $TMP/amp on|" spk1.conf >args.conf
expect_exit 1 "a command with arguments is refused (they go in a script)" "$SPK" -c args.conf
sed "s|^command = .*|command = $TMP/no-such-amp|" spk1.conf >missing.conf
expect_exit 1 "a command that is not there is refused at start" "$SPK" -n -c missing.conf
check "... naming it" stderr_has "no-such-amp: No such file"

"$SPK" -c spk1.conf --stats spk1.stats --trace spk1.trace 2>spk1.err & SPK_1=$!
"$SPK" -c spk2.conf --stats spk2.stats --trace spk2.trace 2>spk2.err & SPK_2=$!
"$SPK" -c spk3.conf --stats spk3.stats --trace spk3.trace 2>spk3.err & SPK_3=$!
check "the three boxes online" wait_until 15 sh -c \
    "'$DALABA' speaker list | grep -c ' online ' | grep -qx 3"
amp_of() {	# ID: the API's "amplifier" of speaker ID
	api GET "speakers?zone=110101001001" >/dev/null
	python3 -c 'import json, sys
d = json.load(open("api.json"))
for s in (d if isinstance(d, list) else d.get("speakers", [])):
    if s["id"] == int(sys.argv[1]): print("on" if s.get("amplifier") else "off")' "$1"
}
check "box 1 switched its amplifier off at start" wait_until 5 grep -q '^off ' amp.log
check "the server sees it off" [ "$(amp_of 1)" = off ]

"$DALABA" notice add --zone 110101001001 --no-chime --now \
    "各位村民请注意，今天下午两点到五点，因线路检修，全村停电，请大家提前做好准备。" >n1.out
N=$(notice_id n1.out)
seen_on() { [ "$(amp_of 1)" = on ]; }
check "while the notice airs the server sees the amplifier on" wait_until 30 seen_on
check "the notice airs" wait_until 60 aired "$N"
sleep 0.5
check "box 2 is told its stuck command failed (killed after 5 s)" \
    wait_until 10 grep -q 'did not finish in 5 s; killed' spk2.err
# It is tried again every 6 s or so: the try under way may be running, but
# none of the killed ones (each took its process group with it).
n=$(pgrep -f 'sleep 31.5' | wc -l)
check "and no killed try of it is left running ($n running, $(stat 2 amp_errors) killed)" \
    all [ "$n" -le 1 ] -and gt "$(stat 2 amp_errors)" 1
seen_off() { [ "$(amp_of 1)" = off ]; }
check "after the hold time the server sees it off again" wait_until 10 seen_off
check "box 3's holding command was stopped after the hold time" \
    wait_until 10 grep -q '^release ' amp3.log
kill $SPK_1 $SPK_2 $SPK_3
wait $SPK_1 $SPK_2 $SPK_3 2>/dev/null

cat amp.log | sed 's/^/# amp.log: /'
check "box 1's command ran off (at start), on, off" \
    [ "$(awk '{ printf "%s ", $1 }' amp.log)" = "off on off " ]
on=$(awk '$1 == "on" { print $2; exit }' amp.log)
off=$(awk '$1 == "off" { n++ } n == 2 { print $2; exit }' amp.log)
first=$(awk 'NR == 1 { print $6 }' spk1.trace)
last=$(awk 'END { print $6 }' spk1.trace)
frames=$(wc -l <spk1.trace)
echo "# box 1: on $(( (first - on) / 1000 )) ms before the first of $frames frames, off $(( (off - last) / 1000 )) ms after the last"
check "on at least the 200 ms pre-roll before the first frame was heard" \
    [ $((first - on)) -ge 200000 ]
check "off the 2 s hold after the last frame, not much later" \
    all [ $((off - last)) -ge 1950000 ] -and [ $((off - last)) -le 3500000 ]
check "box 1 counted no short pre-roll and no errors" \
    all [ "$(stat 1 amp_short_preroll)" = 0 ] -and [ "$(stat 1 amp_errors)" = 0 ]
check "box 2 played the notice whole despite its stuck amplifier ($(stat 2 played) of $(stat 1 played))" \
    all gt "$(stat 2 played)" 100 -and [ "$(stat 2 played)" = "$(stat 1 played)" ]
check "and counted the failure" gt "$(stat 2 amp_errors)" 0
hold=$(awk '$1 == "hold" { print $2; exit }' amp3.log)
rel=$(awk '$1 == "release" { print $2; exit }' amp3.log)
first3=$(awk 'NR == 1 { print $6 }' spk3.trace) last3=$(awk 'END { print $6 }' spk3.trace)
echo "# box 3 (hold): held $(( (first3 - hold) / 1000 )) ms before the first frame, released $(( (rel - last3) / 1000 )) ms after the last"
check "box 3 held its amplifier from before the first frame (pre-roll) to the hold time after the last" \
    all [ $((first3 - hold)) -ge 200000 ] -and [ $((rel - last3)) -ge 1950000 ] \
    -and [ $((rel - last3)) -le 3500000 ]
check "box 3 counted no errors, and its command ran once ($(grep -c '^hold' amp3.log))" \
    all [ "$(stat 3 amp_errors)" = 0 ] -and [ "$(grep -c '^hold' amp3.log)" = 1 ]
# Enrolled again (a new token): the box's own [amplifier] stays.
"$DALABA" speaker token 1 >tok1.out
"$SPK" --enroll $(awk '/--enroll/ { print $3, $4, $5 }' tok1.out) \
    -c spk1.conf -o "wav:$TMP/out1b.wav" >reenrol.out 2>reenrol.err
check "box 1 enrolled again, saying it kept its own settings" \
    grep -q "box's own settings kept" reenrol.out
check "its amplifier command, pre-roll and hold are still there" all \
    grep -q "^command = $TMP/amp\$" spk1.conf -and grep -q '^preroll_ms = 200' spk1.conf \
    -and grep -q '^hold_ms = 2000' spk1.conf
stop_dalabad
finish
