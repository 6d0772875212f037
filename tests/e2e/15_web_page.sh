#!/bin/sh
# e2e/15_web_page: the county duty officer pages from the web admin in real
# headless Chromium (tests/web/page.mjs), with the confirmation step, and
# watches the confirmed count reach all three real loudspeakers (agents on
# loopback writing WAV), then stops the page.
. tests/e2e/lib.sh
. tests/e2e/daemon.sh
cd "$TMP" || exit 1

dalabad_conf >d.conf
start_dalabad d.conf dalabad.log
URL=$(cat "$STATE/api.url")
for z in "441202 县" "441202001 甲镇" "441202001001 甲镇一村" "441202001002 甲镇二村"; do
	set -- $z
	"$DALABA" zone add "$1" "$2" --quiet 00:00-00:00 >/dev/null
done
DUTY_PW=duty-pass-1
CADRE_PW=cadre-pass-1
echo "$DUTY_PW" | "$DALABA" user add duty --role county --zone 441202 --password-stdin >/dev/null
echo "$CADRE_PW" | "$DALABA" user add cun --role village --zone 441202001001 --password-stdin >/dev/null
check "speaker 1 enrolled in 甲镇一村" enrol 1 441202001001
check "speaker 2 enrolled in 甲镇一村" enrol 2 441202001001
check "speaker 3 enrolled in 甲镇二村" enrol 3 441202001002
check "all three online" wait_until 15 sh -c \
    "'$DALABA' speaker list | grep -c ' online ' | grep -qx 3"

SHOTS=$TOP/tests/out/web
mkdir -p "$SHOTS"
export URL DUTY_PW CADRE_PW SHOTS SPEAKERS=3
NODE_PATH=$TOP/tests/web/node_modules node "$TOP/tests/web/page.mjs" >page.log 2>&1
node_result page.log
check "the page was audited with its text, by duty" \
    [ "$(q "SELECT count(*) FROM audit a JOIN users u ON u.id = a.user_id WHERE u.name = 'duty' AND action = 'page.create' AND detail LIKE '%水库水位超过警戒线%'")" = 1 ]
check "and its cancel" [ "$(q "SELECT count(*) FROM audit WHERE action = 'page.cancel'")" = 1 ]
check "every speaker played some of it" [ "$(stat 1 streams)$(stat 2 streams)$(stat 3 streams)" = 111 ]

stop_dalabad
check "dalabad stopped cleanly (rc $DRC)" [ "$DRC" = 0 ]
kill $SPK_1 $SPK_2 $SPK_3 2>/dev/null
wait 2>/dev/null
finish
