#!/bin/sh
# e2e/49_voice_web: a voice notice recorded in real headless Chromium at
# 360x740 (tests/web/voice.mjs), its fake microphone playing speech the
# test made with eSpeak NG: recorded, heard back, uploaded, saved with a
# line of text, previewed and aired at once from the phone; the real box
# in the village plays it, and what it played correlates with what the
# microphone heard. Real dalabad, a real agent writing WAV.
. tests/e2e/lib.sh
. tests/e2e/daemon.sh
PROBE=$TOP/$BUILD/tests/wavprobe
cd "$TMP" || exit 1

dalabad_conf >d.conf
start_dalabad d.conf dalabad.log
URL=$(cat "$STATE/api.url")
for z in "441202 县" "441202001 甲镇" "441202001001 甲镇一村"; do
	set -- $z
	"$DALABA" zone add "$1" "$2" --quiet 00:00-00:00 >/dev/null
done
CADRE_PW=cadre-pass-1 ADMIN_PW=admin-pass-1
echo "$CADRE_PW" | "$DALABA" user add cun --role village --zone 441202001001 --password-stdin >/dev/null
echo "$ADMIN_PW" | "$DALABA" user add admin --role county --zone 441202 --password-stdin >/dev/null
check "a box enrols in the village" enrol 1 441202001001
check "it is online" wait_until 15 sh -c "'$DALABA' speaker list | grep -q ' online '"

# The microphone: a cadre speaking, a second of quiet room before and after.
espeak-ng -v cmn -s 140 -w speech.wav "乡亲们请注意，明天上午九点在村委会门口发放新的医保卡。" 2>/dev/null
ffmpeg -nostdin -hide_banner -loglevel error -y -i speech.wav \
    -af "adelay=1000:all=1,apad=pad_dur=1" -ar 48000 -ac 1 mic.wav
ffmpeg -nostdin -hide_banner -loglevel error -y -i speech.wav -ar 48000 -ac 1 ref.wav
mic_s=$("$PROBE" info mic.wav | sed 's/.*seconds=\([0-9.]*\).*/\1/')
check "the microphone's file is made ($mic_s s)" gt "$mic_s" 3
printf 'plain words, not a recording\n' >words.txt

SHOTS=$TOP/tests/out/web
mkdir -p "$SHOTS"
RECORD_S=$(awk -v s="$mic_s" 'BEGIN { printf "%d\n", s + 1.5 }')
export URL SHOTS CADRE_PW ADMIN_PW RECORD_S MIC=$TMP/mic.wav NOT_AUDIO=$TMP/words.txt \
    VILLAGE=441202001
NODE_PATH=$TOP/tests/web/node_modules node "$TOP/tests/web/voice.mjs" >voice.log 2>&1
node_result voice.log
N=$(sed -n 's/^NOTICE //p' voice.log)
check "the notice saved in the browser is a voice notice in the store" \
    [ -n "$N" ] && [ "$(q "SELECT recording IS NOT NULL FROM notices WHERE id = ${N:-0}")" = 1 ]
check "it airs at the box" wait_until 60 aired "${N:-0}"
sleep 1
x=$("$PROBE" envcorr out1.wav ref.wav 30)
check "what the box played follows what the microphone heard (loudness contour r, lag s: $x)" \
    gt "${x%% *}" 0.8

# The county pages a recorded alert from the phone.
cp out1.wav notice.wav
PART=alert NODE_PATH=$TOP/tests/web/node_modules node "$TOP/tests/web/voice.mjs" >alert.log 2>&1
node_result alert.log
P=$(sed -n 's/^PAGE //p' alert.log)
PN=$(q "SELECT id FROM notices WHERE page_id = ${P:-0}")
check "the page sent from the phone is heard from its recording" \
    [ -n "$PN" ] && [ "$(q "SELECT recording IS NOT NULL FROM notices WHERE id = ${PN:-0}")" = 1 ]
check "and airs at the box" wait_until 60 aired "${PN:-0}"

stop_dalabad
check "dalabad stopped cleanly (rc $DRC)" [ "$DRC" = 0 ]
kill $SPK_1 2>/dev/null
wait 2>/dev/null
finish
