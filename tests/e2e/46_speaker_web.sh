#!/bin/sh
# e2e/46_speaker_web: one loudspeaker's page in real headless Chromium at
# 360x740 (tests/web/speaker.mjs), as a village cadre (volume by typing and
# by one tap, a refused volume, the test tone confirmed by the real box)
# and as the county admin; another village's cadre gets 404. Two real
# agents in the village writing WAV: the tone is heard on box 1 only.
. tests/e2e/lib.sh
. tests/e2e/daemon.sh
PROBE=$TOP/$BUILD/tests/wavprobe
cd "$TMP" || exit 1

dalabad_conf >d.conf
start_dalabad d.conf dalabad.log
URL=$(cat "$STATE/api.url")
for z in "441202 县" "441202001 甲镇" "441202001001 甲镇一村" "441202001002 甲镇二村"; do
	set -- $z
	"$DALABA" zone add "$1" "$2" --quiet 00:00-00:00 >/dev/null
done
CADRE_PW=cadre-pass-1 OTHER_PW=cadre-pass-2 ADMIN_PW=admin-pass-1
echo "$CADRE_PW" | "$DALABA" user add cun --role village --zone 441202001001 --password-stdin >/dev/null
echo "$OTHER_PW" | "$DALABA" user add xicun --role village --zone 441202001002 --password-stdin >/dev/null
echo "$ADMIN_PW" | "$DALABA" user add admin --role county --zone 441202 --password-stdin >/dev/null
for i in 1 2; do
	mkdir -p box$i
	"$DALABA" speaker add $i --zone 441202001001 --name "村口大喇叭$i" >add$i.out
	"$SPK" --enroll $(awk '/--enroll/ { print $3, $4, $5 }' add$i.out) \
	    -c box$i/speaker.conf -o "wav:$TMP/out$i.wav" 2>enrol$i.err
	printf '[agent]\nhello_ms = 300\n' >>box$i/speaker.conf
	"$SPK" -c box$i/speaker.conf --stats spk$i.stats 2>spk$i.err &
	eval "SPK_$i=\$!"
done
check "both boxes online" wait_until 15 sh -c \
    "'$DALABA' speaker list | grep -c ' online ' | grep -qx 2"

SHOTS=$TOP/tests/out/web
mkdir -p "$SHOTS"
export URL SHOTS CADRE_PW OTHER_PW ADMIN_PW SPEAKER=1
NODE_PATH=$TOP/tests/web/node_modules node "$TOP/tests/web/speaker.mjs" >speaker.log 2>&1
node_result speaker.log
active() { "$PROBE" active "$1" 2>/dev/null || echo 0; }
a1=$(active out1.wav) a2=$(active out2.wav)
check "the tone was heard on box 1 ($a1 s of sound)" gt "$a1" 1
check "and not on box 2 beside it ($a2 s)" lt "$a2" 0.1
check "the volume set in the browser is the store's (70) and audited twice" \
    all [ "$(q "SELECT volume FROM speakers WHERE id = 1")" = 70 ] -and \
    [ "$(q "SELECT count(*) FROM audit WHERE action = 'speaker.volume'")" = 2 ]

stop_dalabad
check "dalabad stopped cleanly (rc $DRC)" [ "$DRC" = 0 ]
kill $SPK_1 $SPK_2 2>/dev/null
wait 2>/dev/null
finish
