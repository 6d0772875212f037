#!/bin/sh
# 52_voice_carry.sh — a voice notice is carried to the box ahead of its
# slot like a text one (断网续播): real dalabad, one real box behind
# tests/impair. The notice is made from a recording the test makes (an
# M4A, as a phone's recorder gives), scheduled for the next whole minute
# at least 75 s away; the box holds its copy before the slot; the link is
# cut 30 s before the slot and comes back 40 s after; at the slot the box
# airs the recording from its own storage, and what it played follows the
# recording's loudness contour; when the link returns, the log says the
# box confirmed it from its copy.
. tests/e2e/lib.sh
. tests/e2e/daemon.sh
IMPAIR=$TOP/$BUILD/tests/impair
PROBE=$TOP/$BUILD/tests/wavprobe
PPORT=$((UDP_PORT + 1))
cd "$TMP" || exit 1

dalabad_conf >d.conf
sed -i 's/^reair_minutes = 10/&\nrender_ahead_minutes = 1/' d.conf
start_dalabad d.conf d.log
"$DALABA" zone add 110101001001 东村 --quiet 00:00-00:00 >/dev/null
mkdir box1
check "a box enrolled through its proxy" enrol_at 1 $PPORT box1/speaker.conf

espeak-ng -v cmn -s 140 -w speech.wav "各位村民请注意，明天上午九点在村委会发放新的医保卡，请带好户口本。" 2>/dev/null
ffmpeg -nostdin -hide_banner -loglevel error -y -i speech.wav \
    -af "adelay=1500:all=1,apad=pad_dur=1.5" -ar 44100 -ac 1 -c:a aac -b:a 64k phone.m4a
ffmpeg -nostdin -hide_banner -loglevel error -y -i speech.wav -ar 48000 -ac 1 ref.wav
check "the recording is made" test -s phone.m4a

now=$(date +%s)
SLOT=$(( (now + 75 + 59) / 60 * 60 ))
AT=$(TZ=Asia/Shanghai date -d "@$SLOT" '+%Y-%m-%d %H:%M')
CUT_MS=$(( (SLOT - 30 - now) * 1000 ))
"$IMPAIR" $PPORT $UDP_PORT $((SLOT - now + 120)) 0 0 0 0 7 $CUT_MS 70000 >impair1.txt &
IP=$!
"$SPK" -c box1/speaker.conf -o "wav:$TMP/out1.wav" --stats spk1.stats 2>spk1.err & SPK_1=$!
check "the box is online" wait_until 15 sh -c "'$DALABA' speaker list | grep -q ' online '"

expect_exit 0 "a voice notice is stored from the recording, for $AT" \
    "$DALABA" notice add --zone 110101001001 --recording phone.m4a --at "$AT"
N=$(notice_id "$TMP/last.out")
# (carried a minute or so ahead, render_ahead_minutes = 1: by the cut)
carried() { grep -q "notice $N: carried to the boxes of 110101001001" d.log; }
check "dalabad carries it to the box ahead of its slot" \
    wait_until $((SLOT - 31 - $(date +%s))) carried
held() { [ "$(ls box1/carried/*.pkts 2>/dev/null | wc -l)" = 1 ]; }
check "and the box holds its copy on its storage" wait_until 10 held
check "the link is still up before the cut" [ "$(date +%s)" -lt $((SLOT - 31)) ]
lost() { grep -q "no answer from the server" spk1.err; }
check "then the box is cut off" wait_until 45 lost
aired_copy() { grep -q "airs from the box's copy" spk1.err; }
check "at the slot it airs the voice notice from its copy" \
    wait_until $((SLOT - $(date +%s) + 15)) aired_copy
check "and airs it all" wait_until 60 sh -c "[ \"\$(awk -v k=carried_aired '\$1 == k { print \$2 }' spk1.stats)\" = 1 ]"
x=$("$PROBE" envcorr out1.wav ref.wav 30)
check "what it played follows the recording's loudness contour (r, lag s: $x)" gt "${x%% *}" 0.8
check "when the link is back, the log has the box's confirmation from its copy" \
    wait_until 90 sh -c "[ \"\$(sqlite3 -cmd '.timeout 5000' '$DB' 'SELECT count(*) FROM broadcast_speakers bs JOIN broadcasts b ON b.id = bs.broadcast_id WHERE b.notice_id = $N AND bs.confirmed AND bs.from_copy')\" = 1 ]"

stop_dalabad
check "dalabad stopped cleanly (rc $DRC)" [ "$DRC" = 0 ]
kill $SPK_1 $IP 2>/dev/null
wait 2>/dev/null
finish
