# 39_carry.sh — store and forward (断网续播) with real dalabad and two real
# boxes, each behind its own tests/impair: two notices scheduled for one
# slot are carried to both boxes ahead of it; one is cancelled, and the
# boxes forget it. Box 1's link is cut from 30 s before the slot to 40 s
# after, and it restarts (a power cut) in the dark: at the slot it airs
# the notice from its own copy. Box 2's link holds at the slot and is cut
# 4 s into the notice: it hears the live airing, the very packets of its
# copy, and goes on from the copy without a gap. Both on time by the
# clock all processes share, and in step; the cancelled notice stays
# silent; when the links return, the broadcast log fills in (box 1
# confirmed from its copy) and box 1 forgets the item.
. tests/e2e/lib.sh
. tests/e2e/daemon.sh
IMPAIR=$TOP/$BUILD/tests/impair
PPORT=$((UDP_PORT + 1)) PPORT2=$((UDP_PORT + 2))
cd "$TMP"

dalabad_conf >d.conf
sed -i 's/^reair_minutes = 10/&\nrender_ahead_minutes = 1/' d.conf
check "the configuration renders (and carries) a minute ahead" \
    grep -q '^render_ahead_minutes = 1' d.conf
start_dalabad d.conf d.log
"$DALABA" zone add 110101001001 东村 --quiet 00:00-00:00 >/dev/null
mkdir box1 box2
check "two boxes enrolled (each through its proxy)" all enrol_at 1 $PPORT box1/speaker.conf \
    -and enrol_at 2 $PPORT2 box2/speaker.conf

# The slot: the first whole minute at least 75 s away (schedules are to the
# minute); the link goes 30 s before it and comes back 40 s after.
now=$(date +%s)
SLOT=$(( (now + 75 + 59) / 60 * 60 ))
AT=$(TZ=Asia/Shanghai date -d "@$SLOT" '+%Y-%m-%d %H:%M')
CUT_MS=$(( (SLOT - 30 - now) * 1000 ))
"$IMPAIR" $PPORT $UDP_PORT $((SLOT - now + 120)) 0 0 0 0 7 $CUT_MS 70000 >impair1.txt &
IP=$!
"$IMPAIR" $PPORT2 $UDP_PORT $((SLOT - now + 120)) 0 0 0 0 8 $(( (SLOT + 4 - now) * 1000 )) 36000 >impair2.txt &
IP2=$!
"$SPK" -c box1/speaker.conf --stats spk1.stats --trace trace1.txt 2>spk1.err & SPK_1=$!
"$SPK" -c box2/speaker.conf --stats spk2.stats --trace trace2.txt 2>spk2.err & SPK_2=$!
check "both boxes online" wait_until 15 sh -c \
    "'$DALABA' speaker list | grep -c ' online ' | grep -qx 2"

"$DALABA" notice add --zone 110101001001 --no-chime \
    "各位村民请注意，明天上午九点，村卫生室为六十岁以上的老人免费量血压，请带好身份证。" >n1.out
"$DALABA" notice add --zone 110101001001 --no-chime \
    "各位村民请注意，这条通知已经取消，不应当播出。" >n2.out
N1=$(notice_id n1.out); N2=$(notice_id n2.out)
"$DALABA" schedule add "$N1" --at "$AT" >s1.out
"$DALABA" schedule add "$N2" --at "$AT" >s2.out
check "both scheduled for $AT ($(($SLOT - now)) s away)" \
    all grep -q . s1.out -and grep -q . s2.out
held() { [ "$(stat "$1" carried_held)" = "$2" ]; }
check "both are carried to both boxes ahead of the slot" \
    wait_until 60 all held 1 2 -and held 2 2
check "dalabad logged it" grep -q "notice $N1: carried to the boxes of 110101001001" d.log
check "the carried copies are on each box's storage" \
    [ "$(ls box1/carried/*.pkts box2/carried/*.pkts | wc -l)" = 4 ]
"$DALABA" notice cancel "$N2" >/dev/null
check "the cancelled notice is forgotten by both boxes" \
    wait_until 20 all held 1 1 -and held 2 1
check "its copy is revoked in the store" \
    [ "$(q "SELECT count(*) FROM carries WHERE notice_id = $N2 AND revoked_at IS NOT NULL")" -ge 1 ]
check "and gone from the boxes' storage" \
    [ "$(ls box1/carried/*.pkts box2/carried/*.pkts | wc -l)" = 2 ]
check "the link is still up before the cut ($(date +%s) < $((SLOT - 30)))" \
    [ "$(date +%s)" -lt $((SLOT - 31)) ]

# Cut off: box 1 notices, and restarts (a power cut) in the dark.
lost() { grep -q "no answer from the server" "$1"; }
check "box 1 finds itself cut off" wait_until 45 lost spk1.err
check "box 2 does not" sh -c "! grep -q 'no answer from the server' spk2.err"
kill $SPK_1; wait $SPK_1 2>/dev/null
"$SPK" -c box1/speaker.conf --stats spk1.stats --trace trace1b.txt 2>spk1b.err & SPK_1=$!
check "box 1, restarted cut off, reloads its copy and the server clock" \
    wait_until 10 all grep -q "carried item .* held" spk1b.err -and \
    grep -q "the server clock as last known (this boot)" spk1b.err
check "before the slot nothing plays" all [ "$(stat 1 played)" = 0 ] -and [ "$(stat 2 played)" = 0 ]

# At the slot: each box airs its copy. When was its first frame heard, on
# the machine's monotonic clock, against the slot plus the play-out delay?
onset() {
	python3 - "$1" "$SLOT" <<'EOF'
import sys, time
lines = [l.split() for l in open(sys.argv[1]) if l.strip()]
if not lines:
    sys.exit(1)
# the monotonic clock as the wall clock reads now
off = time.time() - time.clock_gettime(time.CLOCK_MONOTONIC)
heard = int(lines[0][5]) / 1e6 + off
print("%.0f" % ((heard - (int(sys.argv[2]) + 0.3)) * 1000))
EOF
}
aired_copy() { grep -q "airs from the box's copy" "$1"; }
check "at the slot box 1 airs the notice from its copy" \
    wait_until $((SLOT - $(date +%s) + 15)) aired_copy spk1b.err
heard() { [ -s "$1" ]; }
check "and both boxes' first frames are heard" wait_until 10 all heard trace1b.txt -and heard trace2.txt
o1=$(onset trace1b.txt); o2=$(onset trace2.txt)
check "box 1 (from its copy, restarted cut off) was heard on time: ${o1:-no} ms off the slot" \
    all [ -n "$o1" ] -and lt "${o1#-}" 1000
check "box 2 (live) too: ${o2:-no} ms off" \
    all [ -n "$o2" ] -and lt "${o2#-}" 1000
check "the two within 50 ms of each other" \
    lt "$(python3 -c "print(abs(${o1:-0} - ${o2:-9999}))")" 50
SSRC=$(q "SELECT ssrc FROM carries WHERE notice_id = $N1 AND revoked_at IS NULL")
check "the live airing sent the carried packets (stream $SSRC at box 2)" \
    [ "$(awk 'NR == 1 { print $1 }' trace2.txt)" = "$SSRC" ]
check "box 1 aired it all" wait_until 40 sh -c "[ \"\$(awk -v k=carried_aired '\$1 == k { print \$2 }' spk1.stats)\" = 1 ]"
filled() { grep -q "frames did not come live and were played from the box's copy" spk2.err; }
check "box 2, cut off 4 s in, went on from its copy" wait_until 20 filled
npkt=$(sed -n "s/.*carried item $(printf '%08x' "$SSRC") (class 0) held: \([0-9]*\) packets.*/\1/p" spk2.err | head -n 1)
# "went on from its copy" is logged when the last frame is handed to the
# jitter buffer, 200 ms before its turn: wait for the traces to end.
ended() { grep -q "stream .* over" "$1"; }
wait_until 10 all ended spk2.err -and ended spk1b.err
n1=$(wc -l <trace1b.txt); n2=$(wc -l <trace2.txt)
gaps2=$(awk 'NR > 1 && $2 != p + 1 { n++ } { p = $2 } END { print n + 0 }' trace2.txt)
check "every frame of it played at box 2 ($n2 of its ${npkt:-?} packets, $gaps2 gaps), as at box 1 ($n1)" \
    all [ "$n2" = "${npkt:-x}" ] -and [ "$n1" = "$npkt" ] -and [ "$gaps2" = 0 ]
check "from the notice's own packets, nothing made up" \
    all [ "$(stat 2 concealed)" = 0 ] -and [ "$(stat 2 fec_recovered)" = 0 ]
check "one stream at each box: the cancelled notice never aired" \
    all [ "$(stat 1 streams)" = 1 ] -and [ "$(stat 2 streams)" = 1 ]
a1=$("$WAVPROBE" active out1.wav)
check "the output is speech ($a1 s of sound), not silence" gt "$a1" 4
check "box 2 confirmed live, box 1 not yet (cut off)" \
    [ "$(q "SELECT group_concat(speaker_id) FROM broadcast_speakers bs JOIN broadcasts b ON b.id = bs.broadcast_id WHERE b.notice_id = $N1 AND bs.confirmed = 1")" = 2 ]

# The links come back: the log fills in.
confirmed_copy() { [ "$(q "SELECT group_concat(speaker_id || ':' || from_copy) FROM broadcast_speakers bs JOIN broadcasts b ON b.id = bs.broadcast_id WHERE b.notice_id = $N1 AND bs.confirmed = 1 ORDER BY speaker_id")" = "1:1,2:0" ]; }
check "when its link returns box 1 is confirmed, from its copy (box 2 live)" \
    wait_until 90 confirmed_copy
check "dalabad logged it" grep -q "speaker 1 aired notice $N1 .* from its own copy while cut off" d.log
check "confirmed at the slot's time" [ "$(q "SELECT max(abs(bs.confirmed_at - $SLOT)) <= 2 FROM broadcast_speakers bs JOIN broadcasts b ON b.id = bs.broadcast_id WHERE b.notice_id = $N1")" = 1 ]
check "the cancelled notice has no broadcast that aired" \
    [ "$(q "SELECT count(*) FROM broadcasts WHERE notice_id = $N2 AND outcome = 'aired'")" = 0 ]
gone1() { held 1 0 && [ "$(ls box1/carried/ | grep -c pkts)" = 0 ]; }
check "box 1 forgets the item once its airing is recorded" wait_until 20 gone1
kill $SPK_1 $SPK_2 2>/dev/null
kill $IP $IP2 2>/dev/null
wait $SPK_1 $SPK_2 2>/dev/null
stop_dalabad
check "dalabad stopped cleanly (rc $DRC)" [ "$DRC" = 0 ]
finish
