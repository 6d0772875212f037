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
for z in "441202 县" "441202001 甲镇" "441202001001 甲镇一村" "441202001002 甲镇二村" \
    "441202002 乙镇" "441202002001 乙镇一村" "441202002002 乙镇二村"; do
	set -- $z
	"$DALABA" zone add "$1" "$2" --quiet 00:00-00:00 >/dev/null
done
DUTY_PW=duty-pass-1
CADRE_PW=cadre-pass-1
echo "$DUTY_PW" | "$DALABA" user add duty --role county --zone 441202 --password-stdin >/dev/null
echo "$CADRE_PW" | "$DALABA" user add cun --role village --zone 441202001001 --password-stdin >/dev/null
ADMIN_PW=admin-pass-1
TOWN_PW=town-pass-1
echo "$ADMIN_PW" | "$DALABA" user add admin --role county --zone 441202 --password-stdin >/dev/null
echo "$TOWN_PW" | "$DALABA" user add zhen --role township --zone 441202001 --password-stdin >/dev/null
check "speaker 1 enrolled in 甲镇一村" enrol 1 441202001001
check "speaker 2 enrolled in 甲镇一村" enrol 2 441202001001
check "speaker 3 enrolled in 甲镇二村" enrol 3 441202001002
check "all three online" wait_until 15 sh -c \
    "'$DALABA' speaker list | grep -c ' online ' | grep -qx 3"
# 乙镇一村 has a loudspeaker that never enrolled; 乙镇二村 has none.
"$DALABA" speaker add 9 --zone 441202002001 --name 乙镇一村大喇叭 >/dev/null

SHOTS=$TOP/tests/out/web
mkdir -p "$SHOTS"
export URL DUTY_PW CADRE_PW SHOTS SPEAKERS=3
NODE_PATH=$TOP/tests/web/node_modules node "$TOP/tests/web/page.mjs" >page.log 2>&1
node_result page.log
check "the page was audited with its text, by duty" \
    [ "$(q "SELECT count(*) FROM audit a JOIN users u ON u.id = a.user_id WHERE u.name = 'duty' AND action = 'page.create' AND detail LIKE '%水库水位超过警戒线%'")" = 1 ]
check "and its cancels" [ "$(q "SELECT count(*) FROM audit WHERE action = 'page.cancel'")" = 2 ]
check "every speaker played the pages for it (甲镇二村 one, 甲镇一村 two)" [ "$(stat 1 streams)$(stat 2 streams)$(stat 3 streams)" = 221 ]

# The same from the CLI and the API: every zone nobody will hear is named.
"$DALABA" page --zone 441202001001 --zone 441202002001 --zone 441202002002 \
    --repeat 1 "命令行紧急通知。" >cli.out 2>cli.err
check "dalaba page warns of 乙镇一村 (never enrolled)" \
    grep -q "WARNING: page .* zone 441202002001: none of its loudspeakers has enrolled" cli.err
check "and of 乙镇二村 (no loudspeaker)" \
    grep -q "WARNING: page .* zone 441202002002: it has no loudspeaker" cli.err
check "and not of 甲镇一村" lacks 441202001001 cli.err
PC=$(awk '/^page [0-9]+ on the air/ { print $2 }' cli.out)
check "3 targets: the unenrolled box counts" grep -q "page $PC on the air: 3 loudspeakers targeted" cli.out
code=$(api GET "pages/$PC")
check "the API names both in unheard ($(jget '$.unheard'))" \
    [ "$(jget '$.unheard')" = '["441202002001","441202002002"]' ]
check "with their coverage" [ "$(jget '$.coverage[1].speakers')/$(jget '$.coverage[1].enrolled')/$(jget '$.coverage[2].speakers')" = 1/0/0 ]
"$DALABA" page cancel "$PC" >/dev/null

# Every word each role reads, on every page and refused form, is Chinese
# (tests/web/latin.mjs); the history and audit log now hold pages from
# the web and the CLI, cancelled on air.
export ADMIN_PW TOWN_PW
NODE_PATH=$TOP/tests/web/node_modules node "$TOP/tests/web/latin.mjs" >latin.log 2>&1
node_result latin.log

stop_dalabad
check "dalabad stopped cleanly (rc $DRC)" [ "$DRC" = 0 ]
kill $SPK_1 $SPK_2 $SPK_3 2>/dev/null
wait 2>/dev/null
finish
