# 14_cap.sh — CAP 1.2 alerts POSTed by an upstream platform, each with its
# expected outcome: Alert/Update/Cancel with references, every status
# (Exercise/Test only to drill zones), unknown and partly unknown areas,
# several info blocks picking the voice, expired alerts, urgency and
# severity mapped to class and repeats, bad tokens, and malformed and
# hostile XML (entity bomb, external entity, huge bodies), which are
# refused with a CAP Error, logged, and never aired. Real dalabad, real
# speakers on loopback.
. tests/e2e/lib.sh
. tests/e2e/daemon.sh
cd "$TMP"

dalabad_conf >d.conf
start_dalabad d.conf d.log
"$DALABA" zone add 110101 东城区 >/dev/null
"$DALABA" zone add 110101001 城关镇 --quiet 00:00-00:00 >/dev/null
"$DALABA" zone add 110101001001 东村 --quiet 00:00-00:00 --drills >/dev/null
"$DALABA" zone add 110101001002 西村 --quiet 00:00-00:00 >/dev/null
check "speaker 1 enrolled in 东村 (drills allowed)" enrol 1 110101001001
check "speaker 2 enrolled in 西村" enrol 2 110101001002
check "both online" wait_until 15 sh -c \
    "'$DALABA' speaker list | grep -c ' online ' | grep -qx 2"
API=$(cat "$STATE/api.url")

# A sender is a county account of its own with a personal API token.
token_of() {	# NAME PASSWORD ROLE ZONE
	printf '%s\n' "$2" | "$DALABA" user add "$1" --role "$3" --zone "$4" \
	    --password-stdin >/dev/null || return 1
	_csrf=$(web_login "$1" "$2")
	curl -s -b "$1.jar" -H "X-CSRF-Token: $_csrf" -H 'Content-Type: application/json' \
	    -d '{"label":"cap"}' "$API/api/v1/tokens" | sed -n 's/.*"token" *: *"\([^"]*\)".*/\1/p'
}
TOK=$(token_of platform pw-platform-1 county 110101)
check "the platform's account has a token" [ -n "$TOK" ]
OTHER=$(token_of platform2 pw-platform-2 county 110101)
VTOK=$(token_of cunguan pw-village-11 village 110101001001)

iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%S+00:00; }
NOW=$(date +%s)
SENT=$(iso "$NOW")
LATER=$(iso $((NOW + 3600)))

# info LANG URGENCY SEVERITY EXPIRES CODES DESCRIPTION [INSTRUCTION]
info() {
	printf '<info><language>%s</language><category>Met</category><event>暴雨</event>' "$1"
	printf '<urgency>%s</urgency><severity>%s</severity><certainty>Observed</certainty>' "$2" "$3"
	printf '<expires>%s</expires><headline>预警</headline><description>%s</description>' "$4" "$6"
	[ -n "${7:-}" ] && printf '<instruction>%s</instruction>' "$7"
	printf '<area><areaDesc>测试</areaDesc>'
	for c in $5; do
		printf '<geocode><valueName>GB/T 2260</valueName><value>%s</value></geocode>' "$c"
	done
	printf '</area></info>'
}
# alert ID MSGTYPE STATUS REFERENCES INFO...
alert() {
	printf '<?xml version="1.0" encoding="UTF-8"?>\n'
	printf '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>%s</identifier>' "$1"
	printf '<sender>qxj@110101.gov.cn</sender><sent>%s</sent><status>%s</status>' "$SENT" "$3"
	printf '<msgType>%s</msgType><scope>Public</scope>' "$2"
	[ -n "$4" ] && printf '<references>%s</references>' "$4"
	shift 4
	printf '%s' "$*"
	printf '</alert>\n'
}
# post FILE [TOKEN] [CONTENT-TYPE]: HTTP code on stdout, answer in FILE.out
post() {
	curl -s -o "$1.out" -D "$1.hdr" -w '%{http_code}' \
	    -H "Authorization: Bearer ${2:-$TOK}" \
	    -H "Content-Type: ${3:-application/cap+xml}" \
	    --data-binary "@$1" "$API/api/v1/cap"
}
pages() { q "SELECT count(*) FROM pages"; }
page_of() { sed -n 's/^X-Dalaba-Page: *\([0-9]*\).*/\1/p' "$1.hdr" | tr -d '\r'; }
state() { q "SELECT state FROM pages WHERE id = $1"; }
confirmed() { "$DALABA" page status "$1" --json | grep -q "\"confirmed\" *: *$2"; }

# --- Alert, re-sent, Update, Cancel ---------------------------------------------------
alert A1 Alert Actual "" \
    "$(info en-US Immediate Extreme "$LATER" 110101001001 'Heavy rain.')" \
    "$(info zh-CN Immediate Extreme "$LATER" 110101001001 '今天夜间有特大暴雨。' '请东村村民立即转移到高处。')" >a1.xml
code=$(post a1.xml); P1=$(page_of a1.xml)
check "Alert/Actual/Extreme for 东村 is accepted (201, got $code) as page $P1" all [ "$code" = 201 ] -and [ -n "$P1" ]
check "the answer is a CAP Ack referencing the alert" sh -c \
    "grep -q '<msgType>Ack</msgType>' a1.xml.out && grep -q '<references>qxj@110101.gov.cn,A1,' a1.xml.out"
check "it reads description then instruction, in Chinese" \
    [ "$(q "SELECT body FROM pages WHERE id = $P1")" = "今天夜间有特大暴雨。
请东村村民立即转移到高处。" ]
check "Extreme: emergency class, read 3 times, mandarin" \
    [ "$(q "SELECT priority || ' ' || repeat || ' ' || voice FROM notices WHERE page_id = $P1")" = "3 3 mandarin" ]
check "东村's speaker confirms playing it" wait_until 10 confirmed "$P1" 1
check "西村's speaker is not a target" [ "$(q "SELECT group_concat(zone) FROM notices WHERE page_id = $P1")" = 110101001001 ]
code=$(post a1.xml)
check "the same alert again is acknowledged, not aired twice (200, got $code)" \
    sh -c "[ $code = 200 ] && [ $(pages) = 1 ] && grep -q 'already received' a1.xml.out"

# An alert with nothing to read would air silent and hold 东村 until it
# expired: refused, and nothing is stored.
alert A9 Alert Actual "" \
    "$(info zh-CN Immediate Extreme "$LATER" 110101001001 '。。。' '🌧🌧')" >a9.xml
code=$(post a9.xml)
check "an alert of punctuation and emoji only is refused ($code)" \
    all [ "$code" = 400 ] -and grep -q 'nothing to read aloud' a9.xml.out
check "and stores no page" [ "$(pages)" = 1 ]

# An Update that is refused changes nothing: what it would replace stays
# on the air (it was cancelled before the Update was checked).
alert A2x Update Actual "qxj@110101.gov.cn,A1,$SENT" \
    "$(info en-US Immediate Severe "$LATER" 110101001001 'Update: the river is over the bridge.')" >a2x.xml
code=$(post a2x.xml)
check "an Update with no Chinese block is refused (422, got $code)" [ "$code" = 422 ]
check "and the alert it would update is still on the air" [ "$(state "$P1")" = active ]
check "the refusal says so" grep -q 'stay on the air' a2x.xml.out
alert A2y Update Actual "qxj@110101.gov.cn,A1,$SENT" \
    "$(info zh-CN Immediate Severe "$LATER" 110102001001 '暴雨更新：邻区。')" >a2y.xml
code=$(post a2y.xml)
check "an Update for no area of ours is refused (422, got $code)" [ "$code" = 422 ]
check "and the alert it would update is still on the air" [ "$(state "$P1")" = active ]
check "东村's speaker still plays it" confirmed "$P1" 1
alert A2 Update Actual "qxj@110101.gov.cn,A1,$SENT" \
    "$(info zh-CN Immediate Severe "$LATER" 110101001001 '暴雨更新：河水已漫过桥面。')" >a2.xml
code=$(post a2.xml); P2=$(page_of a2.xml)
check "Update is accepted (201, got $code) as a new page $P2" all [ "$code" = 201 ] -and [ -n "$P2" ] -and [ "$P2" != "$P1" ]
check "and the page it updates is cancelled" [ "$(state "$P1")" = cancelled ]
check "in the same step: the cancel is audited as by the Update" \
    [ "$(q "SELECT count(*) FROM audit WHERE action = 'page.cancel' AND detail LIKE '紧急广播 $P1，%A2 取代：%'")" = 1 ]
check "the update airs" wait_until 10 confirmed "$P2" 1

alert A3 Cancel Actual "qxj@110101.gov.cn,A2,$SENT" >a3.xml
code=$(post a3.xml "$OTHER")
check "another sender cannot cancel it (403, got $code)" all [ "$code" = 403 ] -and [ "$(state "$P2")" = active ]
code=$(post a3.xml)
check "Cancel by its sender (200, got $code)" [ "$code" = 200 ]
check "the page is cancelled" [ "$(state "$P2")" = cancelled ]
silent() { "$DALABA" page status "$P2" --json | grep -q '"playing" *: *0'; }
check "and 东村's speaker falls silent" wait_until 5 silent
alert A4 Cancel Actual "qxj@110101.gov.cn,NOPE,$SENT" >a4.xml
code=$(post a4.xml)
check "a Cancel of an unknown alert is refused (404, got $code)" [ "$code" = 404 ]

# --- status ---------------------------------------------------------------------------
alert E1 Alert Exercise "" "$(info zh-CN Immediate Severe "$LATER" "110101001001 110101001002" '演习：请熟悉撤离路线。')" >e1.xml
code=$(post e1.xml); PE=$(page_of e1.xml)
check "Exercise: accepted (201, got $code)" [ "$code" = 201 ]
check "aired only to the drill zone 东村" [ "$(q "SELECT group_concat(zone) FROM notices WHERE page_id = $PE")" = 110101001001 ]
"$DALABA" page cancel "$PE" >/dev/null
alert T1 Alert Test "" "$(info zh-CN Immediate Severe "$LATER" 110101001002 '测试。')" >t1.xml
code=$(post t1.xml); PT=$(page_of t1.xml)
check "Test to a zone without drills: logged, not aired (202, got $code)" all \
    [ "$code" = 202 ] -and [ "$(state "$PT")" = logged ] -and [ "$(q "SELECT count(*) FROM notices WHERE page_id = $PT")" = 0 ]
for st in System Draft; do
	alert "S$st" Alert "$st" "" "$(info zh-CN Immediate Extreme "$LATER" 110101001001 '系统消息。')" >s.xml
	code=$(post s.xml); PS=$(page_of s.xml)
	check "$st: logged, never aired (202, got $code)" all \
	    [ "$code" = 202 ] -and [ "$(state "$PS")" = logged ] -and [ "$(q "SELECT count(*) FROM notices WHERE page_id = $PS")" = 0 ]
done

# --- areas, languages, expiry, mapping --------------------------------------------------
n=$(pages)
alert U1 Alert Actual "" "$(info zh-CN Immediate Extreme "$LATER" "999999001001 12345" '不知道在哪里。')" >u1.xml
code=$(post u1.xml)
check "only unknown areas: refused (422, got $code), nothing stored" all \
    [ "$code" = 422 ] -and [ "$(pages)" = "$n" ] -and grep -q '<msgType>Error</msgType>' u1.xml.out
alert U2 Alert Actual "" "$(info zh-CN Immediate Extreme "$LATER" "999999001001 110101001002" '西村注意。')" >u2.xml
code=$(post u2.xml); PU=$(page_of u2.xml)
check "partly unknown: aired to the known zone (201, got $code)" all \
    [ "$code" = 201 ] -and [ "$(q "SELECT zones FROM pages WHERE id = $PU")" = 110101001002 ]
check "and the answer names the unknown code" grep -q 'unknown areas: 999999001001' u2.xml.out
"$DALABA" page cancel "$PU" >/dev/null
alert L1 Alert Actual "" "$(info en-US Immediate Extreme "$LATER" 110101001002 'Flood.')" \
    "$(info yue Immediate Extreme "$LATER" 110101001002 '水浸，請即撤離。')" >l1.xml
code=$(post l1.xml); PL=$(page_of l1.xml)
check "English and Cantonese blocks: the Cantonese one is read (201, got $code)" all \
    [ "$code" = 201 ] -and [ "$(q "SELECT voice FROM notices WHERE page_id = $PL")" = cantonese ]
"$DALABA" page cancel "$PL" >/dev/null
alert L2 Alert Actual "" "$(info en-US Immediate Extreme "$LATER" 110101001002 'Flood.')" >l2.xml
code=$(post l2.xml)
check "English only: refused (422, got $code)" all [ "$code" = 422 ] -and grep -q 'no info block in Chinese' l2.xml.out
alert X1 Alert Actual "" "$(info zh-CN Immediate Extreme "$(iso $((NOW - 60)))" 110101001002 '已经过期。')" >x1.xml
code=$(post x1.xml); PX=$(page_of x1.xml)
check "expired on arrival: logged, not aired (409, got $code)" all \
    [ "$code" = 409 ] -and [ "$(state "$PX")" = logged ]
alert X2 Alert Actual "" "$(info zh-CN Immediate Extreme "$(iso $((NOW + 12)))" 110101001002 '大风预警：今天下午有十级大风，请不要外出，关好门窗，收好晾晒的衣物，照顾好家里的老人和孩子。')" >x2.xml
code=$(post x2.xml); PX2=$(page_of x2.xml)
check "an alert expiring in 12 s airs (201, got $code)" [ "$code" = 201 ]
expired() { [ "$(state "$PX2")" = expired ]; }
check "and goes off the air when it expires (state expired)" wait_until 30 expired
quiet2() { "$DALABA" page status "$PX2" --json | grep -q '"playing" *: *0'; }
check "西村's speaker falls silent" wait_until 5 quiet2
check "its broadcast is logged as cut by the expiry" \
    [ "$(q "SELECT reason FROM broadcasts b JOIN notices n ON n.id = b.notice_id WHERE n.page_id = $PX2")" = "the page expired on air" ]
alert M1 Alert Actual "" "$(info zh-CN Future Minor "$LATER" 110101001002 '下周有小雨。')" >m1.xml
code=$(post m1.xml); PM=$(page_of m1.xml)
check "Minor/Future: county class, read once (201, got $code)" all \
    [ "$code" = 201 ] -and [ "$(q "SELECT priority || ' ' || repeat FROM notices WHERE page_id = $PM")" = "2 1" ]
"$DALABA" page cancel "$PM" >/dev/null

# --- who may send, and hostile input ---------------------------------------------------------
n=$(pages)
code=$(post a1.xml not-a-token)
check "a bad token: 401 (got $code)" [ "$code" = 401 ]
code=$(post u2.xml "$VTOK")
check "a village cadre's token: 403 (got $code)" [ "$code" = 403 ]
code=$(post u2.xml "$TOK" application/json)
check "not XML: 415 (got $code)" [ "$code" = 415 ]
printf '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>B1</identifier>' >bad1.xml
code=$(post bad1.xml)
check "truncated XML: 400 CAP Error (got $code)" all [ "$code" = 400 ] -and grep -q '<msgType>Error</msgType>' bad1.xml.out
cat >bomb.xml <<'EOT'
<?xml version="1.0"?>
<!DOCTYPE alert [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&d;</identifier></alert>
EOT
code=$(post bomb.xml)
check "billion laughs: 400 (got $code)" [ "$code" = 400 ]
cat >xxe.xml <<'EOT'
<?xml version="1.0"?>
<!DOCTYPE alert [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&x;</identifier></alert>
EOT
code=$(post xxe.xml)
check "external entity: 400 (got $code), nothing of the file in the answer" all \
    [ "$code" = 400 ] -and lacks 'root:' xxe.xml.out
big=$(head -c 9000 /dev/zero | tr '\0' 'x')
alert H1 Alert Actual "" "$(info zh-CN Immediate Extreme "$LATER" 110101001002 "$big")" >h1.xml
code=$(post h1.xml)
check "a text element over 8 KB: 400 (got $code)" [ "$code" = 400 ]
head -c 300000 /dev/zero | tr '\0' ' ' >huge.xml
code=$(post huge.xml)
check "a body over 256 KB: 413 (got $code)" [ "$code" = 413 ]
check "none of these stored a page" [ "$(pages)" = "$n" ]
check "refusals are in the audit log" gt "$(q "SELECT count(*) FROM audit WHERE action = 'cap.refuse'")" 4
check "dalabad is still up" "$DALABA" status

stop_dalabad
check "dalabad stopped cleanly (rc $DRC)" [ "$DRC" = 0 ]
kill $SPK_1 $SPK_2 2>/dev/null
wait 2>/dev/null
finish
