# 13_page.sh — emergency pages end to end, with real dalabad and two real
# dalaba-speaker agents (东村 and 西村 of one township) writing WAV: a
# township notice is on the air in both villages; a page for 东村 alone
# cuts in there only (alert tone and text reach 东村's output, 西村 keeps
# the notice), the notice re-airs in 东村 afterwards; confirmations and
# "playing" counts from the API and the CLI; a speaker that was offline
# joins a page while it is on; cancel silences it; who may page.
. tests/e2e/lib.sh
. tests/e2e/daemon.sh
cd "$TMP"

dalabad_conf >d.conf
start_dalabad d.conf d.log
"$DALABA" zone add 110101001 城关镇 --quiet 00:00-00:00 >/dev/null
"$DALABA" zone add 110101001001 东村 --quiet 00:00-00:00 >/dev/null
"$DALABA" zone add 110101001002 西村 --quiet 00:00-00:00 >/dev/null
check "speaker 1 enrolled in 东村" enrol 1 110101001001
check "speaker 2 enrolled in 西村" enrol 2 110101001002
check "both speakers come online" wait_until 15 sh -c \
    "'$DALABA' speaker list | grep -c ' online ' | grep -qx 2"

# --- a page for one village pre-empts a township notice there only -----------
"$DALABA" notice add --zone 110101001 --repeat 3 --no-chime --now \
    "全镇居民请注意，本周六上午8:30，镇卫生院为60岁以上的老人免费体检，请带好身份证。" >n1.out
N1=$(notice_id n1.out)
check "the township notice goes on the air" wait_until 30 on_air "$N1"
both_play() { [ "$(q "SELECT sum(confirmed) FROM broadcast_speakers WHERE broadcast_id = (SELECT min(id) FROM broadcasts WHERE notice_id = $N1)")" = 2 ]; }
check "both villages play it" wait_until 10 both_play
# The stats files are rewritten twice a second: a confirmation can reach the
# store before the box's file says it plays, and a count read then is one short.
stats_play() { [ "$(stat 1 playing)" = 1 ] && [ "$(stat 2 playing)" = 1 ]; }
check "both boxes' stats files show the stream playing" wait_until 5 stats_play
s1=$(stat 1 streams); s2=$(stat 2 streams)
"$DALABA" page --zone 110101001001 --repeat 1 --wait 10 \
    "东村村民请注意：河水上涨，请立即转移到村委会。" >p1.out 2>p1.err
check "dalaba page returned once the target confirmed (rc $?)" [ $? -eq 0 ]
P1=$(awk '/^page [0-9]+ on the air/ { print $2 }' p1.out)
check "it printed the page id ($P1) and the live count" \
    grep -q "page $P1 active: 1 of 1 loudspeaker confirmed" p1.out
check "the API shows the page active, 1 target confirmed" sh -c \
    "'$DALABA' page status $P1 --json | grep -q '\"confirmed\" *: *1'"
check "the township notice gave 东村 to the page and went on in 西村" \
    grep -q "broadcast .* (notice $N1) gives zone 110101001001 to broadcast" d.log
check "西村's speaker kept playing the notice, no new stream" \
    [ "$(stat 2 streams)" = "$s2" ]
page_ended() { [ "$(q "SELECT state FROM pages WHERE id = $P1")" = ended ]; }
notice_aired() { [ "$(q "SELECT outcome FROM broadcasts WHERE notice_id = $N1 ORDER BY id LIMIT 1")" = aired ]; }
reaired() { [ "$(q "SELECT zone || ' ' || outcome || ' ' || interruptions FROM broadcasts WHERE notice_id = $N1 ORDER BY id DESC LIMIT 1")" = '110101001001 aired 1' ]; }
check "the page ends by itself" wait_until 60 page_ended
check "its broadcast aired" [ "$(q "SELECT outcome FROM broadcasts b JOIN notices n ON n.id = b.notice_id WHERE n.page_id = $P1")" = aired ]
check "the notice itself aired to the end (in 西村)" wait_until 90 notice_aired
check "and re-aired in 东村 alone afterwards" wait_until 90 reaired
check "东村 heard notice, page, notice again ($s1 -> $(stat 1 streams) streams)" \
    [ $(($(stat 1 streams) - s1)) -eq 2 ]
check "西村 heard the notice once, nothing else" [ "$(stat 2 streams)" = "$s2" ]
t1=$("$WAVPROBE" peak out1.wav 960 | cut -d' ' -f1)
t2=$("$WAVPROBE" peak out2.wav 960 | cut -d' ' -f1)
check "the alert tone (960 Hz) is in 东村's output (share $t1)" gt "$t1" 0.5
check "and not in 西村's (share $t2)" lt "$t2" 0.3
check "the page's exact text is in the audit log" \
    sh -c "'$DALABA' page list --json | grep -q '河水上涨，请立即转移到村委会'"
check "audited with its text" [ "$(q "SELECT count(*) FROM audit WHERE action = 'page.create' AND detail LIKE '%河水上涨%'")" = 1 ]

# --- a page quiet hours do not hold; an offline speaker joins; cancel ---------
"$DALABA" zone add 110101001003 南村 --quiet 00:00-23:59 >/dev/null
check "speaker 3 enrolled in 南村 (quiet hours all day)" enrol 3 110101001003
check "it comes online" wait_until 15 sh -c \
    "'$DALABA' speaker list | grep -c ' online ' | grep -qx 3"
kill $SPK_2; wait $SPK_2 2>/dev/null
check "西村's speaker goes offline" wait_until 20 sh -c \
    "'$DALABA' speaker list | grep -c ' online ' | grep -qx 2"
"$DALABA" page --zone 110101001 --repeat 5 --expires 5 --volume 80 \
    "全镇紧急通知：山洪预警，请所有居民立即撤离到高处。" >p2.out
P2=$(awk '/^page [0-9]+ on the air/ { print $2 }' p2.out)
check "a township page ($P2) targets all 3 speakers" grep -q "3 loudspeakers targeted" p2.out
check "its broadcasts carry the page's volume (80)" [ "$(q "SELECT group_concat(DISTINCT volume) FROM broadcasts b JOIN notices n ON n.id = b.notice_id WHERE n.page_id = $P2")" = 80 ]
check "the two online ones confirm, despite 南村's quiet hours" wait_until 10 sh -c \
    "'$DALABA' page status $P2 | grep -q 'active: 2 of 3 loudspeakers confirmed'"
check "the status names the one that has not" sh -c \
    "'$DALABA' page status $P2 | grep -q 'not confirmed: speaker 2 .*offline'"
"$SPK" -c spk2.conf --stats spk2.stats 2>>spk2.err &
SPK_2=$!
check "西村's speaker, back while the page is on, joins it: 3 of 3" \
    wait_until 20 sh -c "'$DALABA' page status $P2 | grep -q 'active: 3 of 3'"
check "3 playing now" sh -c "'$DALABA' page status $P2 --json | grep -q '\"playing\" *: *3'"
"$DALABA" page cancel $P2 --wait 5 >c2.out 2>&1
check "cancel: every speaker falls silent within the wait (rc $?)" [ $? -eq 0 ]
check "the page is cancelled" [ "$(q "SELECT state FROM pages WHERE id = $P2")" = cancelled ]
check "its broadcasts logged as cancelled" [ "$(q "SELECT group_concat(DISTINCT outcome) FROM broadcasts b JOIN notices n ON n.id = b.notice_id WHERE n.page_id = $P2")" = cancelled ]
check "cancel is audited with the text" [ "$(q "SELECT count(*) FROM audit WHERE action = 'page.cancel' AND detail LIKE '%山洪预警%'")" = 1 ]
expect_exit 1 "cancelling again is refused (409)" "$DALABA" page cancel "$P2"
check "as no longer on the air" stderr_has "no longer on the air"
PN=$(q "SELECT min(id) FROM notices WHERE page_id = $P1")
check "a page's notice cannot be re-aired as a notice" sh -c \
    "'$DALABA' schedule add $PN --now 2>&1 | grep -q 'part of emergency page $P1'"
expect_exit 1 "nor cancelled as one" "$DALABA" notice cancel "$PN"
check "it is the page's" stderr_has "part of emergency page"

# --- a page on the air when dalabad stops airs again after the restart -------
"$DALABA" page --zone 110101001001 --repeat 6 --wait 10 \
    "东村村民请注意：大风预警，请收好晾晒的衣物，关好门窗。" >p3.out
P3=$(awk '/^page [0-9]+ on the air/ { print $2 }' p3.out)
check "page $P3 is confirmed in 东村" grep -q "page $P3 active: 1 of 1" p3.out
s1=$(stat 1 streams)
stop_dalabad
check "dalabad stops with the page on the air (rc $DRC)" [ "$DRC" = 0 ]
check "the page's broadcast stays open in the store" \
    [ "$(q "SELECT count(*) FROM broadcasts b JOIN notices n ON n.id = b.notice_id WHERE n.page_id = $P3 AND b.outcome IS NULL")" = 1 ]
start_dalabad d.conf d.log
playing1() { "$DALABA" page status "$P3" --json | grep -q '"playing" *: *1'; }
check "after the restart the page is on the air again in 东村" wait_until 20 playing1
more_streams() { [ "$(stat 1 streams)" -gt "$s1" ]; }
check "as a new stream at the speaker (stats: $s1 before)" wait_until 5 more_streams
check "logged as re-aired" grep -q "was not finished when dalabad stopped: it airs again" d.log
"$DALABA" page cancel "$P3" --wait 5 >/dev/null
check "and it can be cancelled as before" [ "$(q "SELECT state FROM pages WHERE id = $P3")" = cancelled ]

# --- one page, two villages ------------------------------------------------------
"$DALABA" page --zone 110101001001 --zone 110101001002 --repeat 1 --wait 10 \
    "东村、西村村民请注意：今晚有暴雨。" >p4.out
P4=$(awk '/^page [0-9]+ on the air/ { print $2 }' p4.out)
check "a page for two villages ($P4): 2 of 2 confirm" grep -q "page $P4 active: 2 of 2" p4.out
check "it is one notice per village" [ "$(q "SELECT group_concat(zone, ' ') FROM notices WHERE page_id = $P4 ORDER BY id")" = "110101001001 110101001002" ]
check "listed once" [ "$("$DALABA" page list | grep -c '东村、西村村民请注意')" = 1 ]
"$DALABA" page cancel "$P4" --wait 5 >/dev/null
check "cancelled in both" [ "$(q "SELECT group_concat(DISTINCT outcome) FROM broadcasts b JOIN notices n ON n.id = b.notice_id WHERE n.page_id = $P4")" = cancelled ]

# --- who may page ---------------------------------------------------------------------
printf 'pw-township-1\n' | "$DALABA" user add zhen --role township --zone 110101001 --password-stdin >/dev/null
API=$(cat "$STATE/api.url")
tcsrf=$(web_login zhen pw-township-1)
code=$(curl -s -o pz.json -w '%{http_code}' -b zhen.jar -H "X-CSRF-Token: $tcsrf" \
    -H 'Content-Type: application/json' -d '{"text":"镇里试试","zones":["110101001"]}' "$API/api/v1/pages")
check "township staff may not page by default (403, got $code)" [ "$code" = 403 ]
check "and nothing was stored" [ "$(q "SELECT count(*) FROM pages WHERE body = '镇里试试'")" = 0 ]
printf '[pages]\ntownship = 1\n' >>d.conf
kill -HUP $DPID
reloaded() { grep -q "configuration reloaded" d.log; }
check "SIGHUP reloads [pages] township = 1" wait_until 5 reloaded
code=$(curl -s -o pz.json -w '%{http_code}' -b zhen.jar -H "X-CSRF-Token: $tcsrf" \
    -H 'Content-Type: application/json' -d '{"text":"镇里紧急通知","zones":["110101001002"],"expires_minutes":1}' "$API/api/v1/pages")
check "then township staff may page inside their township (201, got $code)" [ "$code" = 201 ]
code=$(curl -s -o pz.json -w '%{http_code}' -b zhen.jar -H "X-CSRF-Token: $tcsrf" \
    -H 'Content-Type: application/json' -d '{"text":"越界","zones":["110101"]}' "$API/api/v1/pages")
check "but not beyond it (403, got $code)" [ "$code" = 403 ]
PT=$(q "SELECT id FROM pages WHERE body = '镇里紧急通知'")
"$DALABA" page list >/dev/null
code=$(curl -s -o pz.json -w '%{http_code}' -H "Authorization: Bearer $(cat "$STATE/api.token")" \
    -H 'Content-Type: application/json' -d '{"text":"x","zones":["110101001","110101001001"]}' "$API/api/v1/pages")
check "overlapping zones are refused (400, got $code)" [ "$code" = 400 ]
code=$(curl -s -o pz.json -w '%{http_code}' -H "Authorization: Bearer $(cat "$STATE/api.token")" \
    -H 'Content-Type: application/json' -d '{"text":"x","zones":["110101009"]}' "$API/api/v1/pages")
check "an unknown zone is refused (400, got $code)" [ "$code" = 400 ]
code=$(curl -s -o pz.json -w '%{http_code}' -H "Authorization: Bearer $(cat "$STATE/api.token")" \
    -H 'Content-Type: application/json' -d '{"text":"   ","zones":["110101001"]}' "$API/api/v1/pages")
check "an empty text is refused (400, got $code)" [ "$code" = 400 ]
check "none of those stored a page" [ "$(q "SELECT count(*) FROM pages")" = 5 ]

# Only the issuer's level or above stops a page (a township cadre may not
# silence the county's page in their township).
code=$(curl -s -o pz.json -w '%{http_code}' -H "Authorization: Bearer $(cat "$STATE/api.token")" \
    -H 'Content-Type: application/json' -d '{"text":"县里的紧急通知","zones":["110101001001"],"expires_minutes":1}' "$API/api/v1/pages")
PC=$(sed -n 's/.*"id" *: *\([0-9]*\).*/\1/p' pz.json | head -n1)
check "the county pages a village of the township ($code)" [ "$code" = 201 ]
code=$(curl -s -o pz.json -w '%{http_code}' -b zhen.jar -H "X-CSRF-Token: $tcsrf" \
    -X POST "$API/api/v1/pages/$PC/cancel")
check "the township cadre may not cancel the county's page (403, got $code)" [ "$code" = 403 ]
check "it says who may" grep -q 'county staff' pz.json
check "and the page is still on" [ "$(q "SELECT state FROM pages WHERE id = $PC")" = active ]
code=$(curl -s -o pz.json -w '%{http_code}' -b zhen.jar -H "X-CSRF-Token: $tcsrf" \
    -X POST "$API/api/v1/pages/$PT/cancel")
check "but may cancel their own township page ($code)" [ "$code" = 200 ]
"$DALABA" page cancel "$PC" >/dev/null
check "the county cancels its own page" [ "$(q "SELECT state FROM pages WHERE id = $PC")" = cancelled ]

stop_dalabad
check "dalabad stopped cleanly (rc $DRC)" [ "$DRC" = 0 ]
kill $SPK_1 $SPK_2 $SPK_3 2>/dev/null
wait 2>/dev/null
finish
