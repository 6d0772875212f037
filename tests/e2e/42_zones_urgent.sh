#!/bin/sh
# 42_zones_urgent.sh — one notice to several villages, and a village's own
# urgent cut-in (插播), through the JSON API as the cadres' web pages use it,
# with the real dalabad and three real boxes (一村, 二村, 三村 of 甲镇).
#
# A township cadre's notice to 一村 and 二村 airs as one notice with one
# log per village, each confirmed by its own box, and never reaches 三村;
# targets outside the cadre's area, nested or malformed are refused with
# nothing stored. While a county routine notice is on the air everywhere,
# a village cadre's plain notice waits behind it; the same cadre's cut-in
# takes 一村's box at once, the county notice going on in 二村 and 三村
# and re-airing in 一村 after; the cut-in is audited, and one that would
# repeat daily is refused. Then the same in Chromium at 360x740 as the
# cadres do it (tests/web/targets.mjs).
. tests/e2e/lib.sh
. tests/e2e/daemon.sh
cd "$TMP" || exit 1

dalabad_conf >d.conf
start_dalabad d.conf dalabad.log
for z in "441202 县" "441202001 甲镇" "441202001001 一村" "441202001002 二村" \
    "441202001003 三村" "441202002 乙镇" "441202002001 乙镇一村"; do
	set -- $z
	"$DALABA" zone add "$1" "$2" --quiet 00:00-00:00 >/dev/null
done
echo town-pass-1 | "$DALABA" user add zhen --role township --zone 441202001 --password-stdin >/dev/null
echo cadre-pass-1 | "$DALABA" user add cun --role village --zone 441202001001 --password-stdin >/dev/null
echo admin-pass-1 | "$DALABA" user add admin --role county --zone 441202 --password-stdin >/dev/null
check "three boxes enrol, one in each village of 甲镇" \
    all enrol 1 441202001001 -and enrol 2 441202001002 -and enrol 3 441202001003
check "all three online" wait_until 15 sh -c \
    "'$DALABA' speaker list | grep -c ' online ' | grep -qx 3"
ZC=$(web_login zhen town-pass-1)
CC=$(web_login cun cadre-pass-1)
AC=$(web_login admin admin-pass-1)
check "the cadres log in" [ -n "$ZC" -a -n "$CC" -a -n "$AC" ]

# --- one notice, several villages --------------------------------------------
n0=$(q "SELECT count(*) FROM notices")
post() { api_as zhen "$ZC" POST notices "$1"; }
c=$(post '{"body":"明天停水。","zones":["441202001001","441202002001"]}')
check "a village outside the township is refused (403, got $c)" [ "$c" = 403 ]
c=$(post '{"body":"明天停水。","zones":["441202001","441202001001"]}')
check "a village inside a ticked township is refused ($c: $(jget '$.error.code'))" \
    [ "$c" = 400 -a "$(jget '$.error.code')" = overlapping_zones ]
c=$(post '{"body":"明天停水。","zones":[]}')
check "no village at all is refused ($c)" [ "$c" = 400 ]
c=$(post '{"body":"明天停水。","zones":["4412"]}')
check "a malformed code is refused ($c)" [ "$c" = 400 ]
c=$(post '{"body":"明天停水。","zone":"441202001001","zones":["441202001001","441202001002"]}')
check "a zone that does not hold the targets is refused ($c)" [ "$c" = 400 ]
check "and none of these stored a notice" [ "$(q "SELECT count(*) FROM notices")" = "$n0" ]
check "nor a target" [ "$(q "SELECT count(*) FROM notice_zones")" = 0 ]

s3=$(stat 3 streams)
c=$(post '{"title":"打疫苗","body":"一村和二村的老人请注意，明天上午九点到村卫生室打流感疫苗，请带好身份证。","zones":["441202001001","441202001002"],"schedule":{"kind":"once","at":"now"}}')
N=$(jget '$.id')
check "the township cadre sends one notice to 一村 and 二村 (201, got $c)" [ "$c" = 201 ]
api_as zhen "$ZC" GET "notices/$N" >/dev/null
check "it is one notice, of the township, with both targets" \
    [ "$(jget '$.zone')" = 441202001 -a "$(jget '$.class')" = township -a \
    "$(jget '$.zones[0]')" = 441202001001 -a "$(jget '$.zones[1]')" = 441202001002 -a \
    "$(jget '$.zones[2]')" = null ]
check "it airs in both villages" wait_until 60 sh -c \
    "[ \"\$(sqlite3 -cmd '.timeout 5000' '$DB' \"SELECT count(*) FROM broadcasts WHERE notice_id = $N AND outcome = 'aired'\")\" = 2 ]"
check "one log per village" [ "$(q "SELECT group_concat(zone, ' ') FROM (SELECT zone FROM broadcasts WHERE notice_id = $N ORDER BY zone)")" = "441202001001 441202001002" ]
for b in $(q "SELECT id FROM broadcasts WHERE notice_id = $N"); do
	check "broadcast $b: its village's one box was sent it and confirmed" \
	    [ "$(q "SELECT count(*) || '/' || sum(confirmed) FROM broadcast_speakers WHERE broadcast_id = $b")" = 1/1 ]
done
check "box 1 in 一村 confirmed one of them, box 2 in 二村 the other" \
    [ "$(q "SELECT group_concat(x.speaker_id || ':' || b.zone, ' ') FROM (SELECT * FROM broadcast_speakers ORDER BY speaker_id) x JOIN broadcasts b ON b.id = x.broadcast_id WHERE b.notice_id = $N")" = "1:441202001001 2:441202001002" ]
check "三村's box heard nothing of it" [ "$(stat 3 streams)" = "$s3" ]
api_as cun "$CC" GET "broadcasts?notice=$N" >/dev/null
check "一村's cadre sees 一村's log only" \
    [ "$(jget '$[0].zone')" = 441202001001 -a "$(jget '$[1].zone')" = null ]
api_as zhen "$ZC" GET "broadcasts?notice=$N" >/dev/null
check "the township cadre sees both" [ "$(jget '$[1].zone')" != null ]
check "the audit names both villages" [ "$(q "SELECT count(*) FROM audit WHERE action = 'notice.add' AND detail LIKE '%441202001001、441202001002%'")" = 1 ]

# --- a county routine notice on the air everywhere ----------------------------
long="各位村民请注意，现在播送县里的春耕生产通知。今年春耕要抓紧时间，做好选种、育秧和农田灌溉，各村要组织好劳动力，互相帮助，不误农时。"
c=$(api_as admin "$AC" POST notices "{\"title\":\"春耕\",\"body\":\"$long\",\"zone\":\"441202\",\"repeat\":3,\"chime\":false,\"schedule\":{\"kind\":\"once\",\"at\":\"now\"}}")
K=$(jget '$.id')
check "the county sends a long routine notice to the whole county ($c)" [ "$c" = 201 ]
kb() { q "SELECT id FROM broadcasts WHERE notice_id = $K AND zone IS NULL"; }
check "it plays on all three boxes" wait_until 30 sh -c \
    "[ \"\$(sqlite3 -cmd '.timeout 5000' '$DB' \"SELECT sum(x.confirmed) FROM broadcast_speakers x JOIN broadcasts b ON b.id = x.broadcast_id WHERE b.notice_id = $K\")\" = 3 ]"

# A village's plain notice waits behind it.
c=$(api_as cun "$CC" POST notices '{"title":"寻人","body":"一村村民请注意，村里的王大爷今天早上走失，看到的请告诉村委会。","zone":"441202001001","schedule":{"kind":"once","at":"now"}}')
P=$(jget '$.id')
sleep 4
check "一村's plain notice sent now waits behind the county's ($c)" \
    [ "$(q "SELECT count(*) FROM broadcasts WHERE notice_id = $P AND on_air_at IS NOT NULL")" = 0 -a \
    "$(q "SELECT outcome IS NULL FROM broadcasts WHERE id = $(kb)")" = 1 ]
api_as cun "$CC" POST "notices/$P/cancel" >/dev/null

# A cut-in that would repeat is refused; the real one takes 一村 at once.
sch0=$(q "SELECT count(*) FROM schedules")
c=$(api_as cun "$CC" POST notices '{"body":"每天都插播。","zone":"441202001001","schedule":{"kind":"daily","times":"08:00","urgent":true}}')
check "a daily cut-in is refused ($c: $(jget '$.error.code'))" [ "$c" = 400 -a "$(jget '$.error.code')" = urgent_once ]
check "and stored nothing" [ "$(q "SELECT count(*) FROM schedules")" = "$sch0" ]
c=$(api_as cun "$CC" POST notices '{"title":"寻人","body":"一村村民请注意，村里的王大爷今天早上走失，穿蓝色上衣，看到的请马上告诉村委会。","zone":"441202001001","schedule":{"kind":"once","at":"now","urgent":true}}')
U=$(jget '$.id')
check "一村's cadre cuts in with the same notice (201, got $c)" [ "$c" = 201 ]
check "box 1 plays the cut-in" wait_until 15 sh -c \
    "[ \"\$(sqlite3 -cmd '.timeout 5000' '$DB' \"SELECT sum(x.confirmed) FROM broadcast_speakers x JOIN broadcasts b ON b.id = x.broadcast_id WHERE b.notice_id = $U\")\" = 1 ]"
check "while the county notice goes on in 二村 and 三村" \
    [ "$(q "SELECT outcome IS NULL FROM broadcasts WHERE id = $(kb)")" = 1 ]
check "dalabad gave 一村 to the cut-in" grep -q "gives zone 441202001001 to broadcast [0-9]* (urgent" dalabad.log
check "the cut-in is audited as such, by 一村's cadre" \
    [ "$(q "SELECT count(*) FROM audit a JOIN users u ON u.id = a.user_id WHERE u.name = 'cun' AND a.action = 'schedule.urgent'")" = 1 ]
check "the cut-in airs to its end" wait_until 90 aired "$U"
check "then the county notice re-airs in 一村, and box 1 plays it" wait_until 60 sh -c \
    "[ \"\$(sqlite3 -cmd '.timeout 5000' '$DB' \"SELECT sum(x.confirmed) FROM broadcast_speakers x JOIN broadcasts b ON b.id = x.broadcast_id WHERE b.notice_id = $K AND b.zone = '441202001001'\")\" = 1 ]"
api_as admin "$AC" POST "notices/$K/cancel" >/dev/null
check "the county notice is done" wait_until 20 sh -c \
    "[ \"\$(sqlite3 -cmd '.timeout 5000' '$DB' \"SELECT count(*) FROM broadcasts WHERE outcome IS NULL\")\" = 0 ]"

# --- the same from the command line ------------------------------------------
check "dalaba notice add takes several zones" sh -c \
    "'$DALABA' notice add --zone 441202001002,441202001003 '二村和三村明天停电。' >cli.out"
C=$(notice_id cli.out)
check "one notice with both targets" [ "$(q "SELECT group_concat(zone, ' ') FROM (SELECT zone FROM notice_zones WHERE notice_id = $C ORDER BY zone)")" = "441202001002 441202001003" ]
expect_exit 1 "a daily cut-in is refused by dalaba too" \
    "$DALABA" schedule add "$C" --daily 08:00 --urgent
stderr_has "once" || bad "and it says why"

# --- the same, as the cadres do it in Chromium at 360x740 ---------------------
SHOTS=$TOP/tests/out/web
mkdir -p "$SHOTS"
URL=$(cat "$STATE/api.url") TOKEN=$(cat "$STATE/api.token") TOWN_PW=town-pass-1 \
    CADRE_PW=cadre-pass-1 SHOTS=$SHOTS NODE_PATH=$TOP/tests/web/node_modules \
    node "$TOP/tests/web/targets.mjs" >targets.log 2>&1
node_result targets.log
kill $SPK_1 $SPK_2 $SPK_3; wait $SPK_1 $SPK_2 $SPK_3 2>/dev/null
stop_dalabad
check "dalabad stopped cleanly (rc $DRC)" [ "$DRC" = 0 ]
finish
