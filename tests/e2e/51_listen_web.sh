#!/bin/sh
# 51_listen_web.sh — a village's public page (listening again) in real
# headless Chromium at 360x740 with JavaScript off, as a villager opens it
# from the QR code on the door (tests/web/listen.mjs): two notices aired
# in 一村 by the real dalabad to a real box, one due tomorrow. And
# [listen] public_url: its host is answered, the links name it.
. tests/e2e/lib.sh
. tests/e2e/daemon.sh
cd "$TMP" || exit 1

dalabad_conf >d.conf
printf '[listen]\npublic_url = https://listen.example/\n' >>d.conf
start_dalabad d.conf dalabad.log
URL=$(cat "$STATE/api.url")
A=441202001001
for z in "441202 县" "441202001 甲镇" "$A 一村"; do
	set -- $z
	"$DALABA" zone add "$1" "$2" --quiet 00:00-00:00 >/dev/null
done
check "a box in 一村 enrols" enrol 1 $A
check "it is online" wait_until 15 sh -c "'$DALABA' speaker list | grep -q ' online '"
for b in '{"title":"停水通知","body":"一村村民请注意，明天上午八点到十二点停水，请提前储水。"' \
    '{"body":"村里的老人请注意，后天上午九点到卫生院打流感疫苗，请带好身份证和医保卡。"'; do
	c=$(api POST notices "$b,\"zone\":\"$A\",\"schedule\":{\"kind\":\"once\",\"at\":\"now\"}}")
	check "a notice for 一村 ($c)" [ "$c" = 201 ]
done
tomorrow=$(TZ=Asia/Shanghai date -d tomorrow +%F)
c=$(api POST notices "{\"title\":\"收医保\",\"body\":\"一村村民请注意，明天收医保费。\",\"zone\":\"$A\",\"schedule\":{\"kind\":\"once\",\"at\":\"$tomorrow 09:30\"}}")
check "and one due tomorrow ($c)" [ "$c" = 201 ]
check "the two air" wait_until 90 sh -c \
    "[ \"\$(sqlite3 -cmd '.timeout 5000' '$DB' \"SELECT count(DISTINCT notice_id) FROM broadcasts WHERE outcome = 'aired' AND audio IS NOT NULL\")\" = 2 ]"

# [listen] public_url: its host is ours, and the page links to it.
c=$(curl -s -o pub.html -w '%{http_code}' -H 'Host: listen.example' "$URL/v/$A")
check "the public_url's host is answered ($c) and named in the page's links" \
    all [ "$c" = 200 ] -and grep -q 'href="https://listen.example/v/441202001001/feed.xml"' pub.html
c=$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: other.example' "$URL/v/$A")
check "another host is still refused ($c)" [ "$c" = 421 ]

SHOTS=$TOP/tests/out/web
mkdir -p "$SHOTS"
URL=$URL SHOTS=$SHOTS VILLAGE=$A NAME=一村 AIRED=2 NODE_PATH=$TOP/tests/web/node_modules \
    node "$TOP/tests/web/listen.mjs" >listen.log 2>&1
node_result listen.log
kill $SPK_1; wait $SPK_1 2>/dev/null
stop_dalabad
check "dalabad stopped cleanly (rc $DRC)" [ "$DRC" = 0 ]
finish
