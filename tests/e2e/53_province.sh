#!/bin/sh
# e2e/53_province: a province dalabad over three county dalabads, all
# real, on loopback (bench/province.sh does ten in network namespaces).
# County 1 serves its API over HTTPS with a certificate of its own (the
# province trusts exactly that certificate), county 2 over plain HTTP (on
# loopback only), county 3 is configured with a wrong token. Each county
# has one real enrolled loudspeaker. A page issued at the province goes
# down as CAP 1.2 to the counties its area covers, airs on their boxes,
# and the province's view of the page shows each county's coverage;
# cancelling it at the province stops it in the counties. A county that
# does not answer is shown as such and retried until it does; a refused
# one says why. A county's credentials page that county only. Bad
# [federation] and [county] configurations stop dalabad at start.
. tests/e2e/lib.sh
. tests/e2e/daemon.sh
cd "$TMP" || exit 1

# --- configurations that must be refused --------------------------------
touch tok.ok && chmod 600 tok.ok && echo 0123456789abcdef >tok.ok
touch tok.open && chmod 644 tok.open && echo 0123456789abcdef >tok.open
bad_conf() {	# NAME EXPECTED-WORDS FED-LINES
	printf '[dalabad]\nstate_dir = %s\n%s\n' "$TMP/never" "$3" >"bad-$1.conf"
	if "$DALABAD" -n -c "bad-$1.conf" >"bad-$1.out" 2>&1; then
		echo "bad config $1 was accepted"; return 1
	fi
	grep -q "$2" "bad-$1.out" || { echo "bad config $1: $(cat "bad-$1.out")"; return 1; }
}
check "a [county] without [federation] is refused" bad_conf nofed 'federation' \
    "[county 330102]
name = 上城区
url = http://127.0.0.1:1
token_file = $TMP/tok.ok"
check "a federation with no county is refused" bad_conf nocounty 'count' \
    "[federation]
role = province"
check "a county code of five digits is refused" bad_conf code '33010' \
    "[federation]
role = province
[county 33010]
name = x
url = http://127.0.0.1:1
token_file = $TMP/tok.ok"
check "plain http to a non-loopback address is refused" bad_conf http 'https' \
    "[federation]
role = province
[county 330102]
name = 上城区
url = http://10.1.2.3:8443
token_file = $TMP/tok.ok"
check "a world-readable token file is refused" bad_conf open 'read by anyone' \
    "[federation]
role = province
[county 330102]
name = 上城区
url = https://10.1.2.3:8443
token_file = $TMP/tok.open"
check "an unknown key is refused" bad_conf key 'colour' \
    "[federation]
role = province
colour = red
[county 330102]
name = 上城区
url = https://10.1.2.3:8443
token_file = $TMP/tok.ok"
check "a role other than province or city is refused" bad_conf role 'role' \
    "[federation]
role = nation
[county 330102]
name = 上城区
url = https://10.1.2.3:8443
token_file = $TMP/tok.ok"

# --- three counties -----------------------------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -keyout c1.key -out c1.pem \
    -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null
check "county 1's certificate made" test -s c1.pem
CODES="330102 330105 330106"
NAMES="上城区 拱墅区 西湖区"
code_of() { echo $CODES | cut -d' ' -f"$1"; }
name_of() { echo $NAMES | cut -d' ' -f"$1"; }
# as K CMD...: CMD with county K's state directory (0: the province)
as() { _k=$1; shift; DALABA_STATE_DIR=$TMP/c$_k/state "$@"; }
county_up() {	# K
	mkdir -p "c$1/state"
	_port=$((UDP_PORT + 10 * $1))
	loopback_conf "$TMP/c$1/state" "$_port" 5 127.0.0.1 \
	    "timezone = Asia/Shanghai" "delay_ms = 300" |
	    # a fixed API port: the province is configured with its address
	    awk -v p=$((_port + 1)) '/^\[api\]/ { a = 1 } /^\[enroll\]/ { a = 0 }
	    a && /^port = 0$/ { $0 = "port = " p } { print }' >"c$1/d.conf"
	if [ "$1" = 1 ]; then
		sed -i "s|^port = 0$|port = 0\ntls_certificate = $TMP/c1.pem\ntls_key = $TMP/c1.key|" "c$1/d.conf"
		awk '/^\[api\]/ { a = 1 } /^\[enroll\]/ { a = 0 }
		    /^tls_/ && !a { next } { print }' "c$1/d.conf" >"c$1/d2" &&
		    mv "c$1/d2" "c$1/d.conf"
	fi
	rm -f "c$1/state/api.url"
	( cd "c$1" && exec "$DALABAD" -c d.conf >>dalabad.log 2>&1 ) &
	as "$1" wait_until 30 "$DALABA" status >/dev/null 2>&1
}
CURL1="--cacert $TMP/c1.pem"
county_token() {	# K: the province's account on county K and its API token
	_c=$(code_of "$1")
	printf 'pw-province-%s\n' "$_c" | as "$1" "$DALABA" user add province \
	    --role county --zone "$_c" --password-stdin >/dev/null || return 1
	_u=$(cat "c$1/state/api.url")
	_csrf=$(curl -s $CURL1 -c "c$1/jar" -H 'Content-Type: application/json' \
	    -d "{\"name\":\"province\",\"password\":\"pw-province-$_c\"}" "$_u/api/v1/login" |
	    sed -n 's/.*"csrf" *: *"\([^"]*\)".*/\1/p')
	curl -s $CURL1 -b "c$1/jar" -H "X-CSRF-Token: $_csrf" -H 'Content-Type: application/json' \
	    -d '{"label":"province"}' "$_u/api/v1/tokens" |
	    sed -n 's/.*"token" *: *"\([^"]*\)".*/\1/p' >"c$1/token"
	chmod 600 "c$1/token"
	[ -s "c$1/token" ]
}
for k in 1 2 3; do
	check "county $k's dalabad is up" county_up $k
	check "county $k's zones" all as $k "$DALABA" zone add "$(code_of $k)" "$(name_of $k)" \
	    -and as $k "$DALABA" zone add "$(code_of $k)001" 城关街道 --quiet 00:00-00:00 \
	    -and as $k "$DALABA" zone add "$(code_of $k)001001" 东村 --quiet 00:00-00:00
	check "county $k made the province an account and a token" county_token $k
done
# the boxes: enrolled for real, one per county (enrol works in $STATE)
for k in 1 2 3; do
	STATE=$TMP/c$k/state DALABA_STATE_DIR=$TMP/c$k/state
	export DALABA_STATE_DIR
	check "county $k's loudspeaker enrolled" enrol $k "$(code_of $k)001001"
done
online() { as "$1" "$DALABA" speaker list | grep -q ' online '; }
for k in 1 2 3; do
	check "county $k's loudspeaker online" wait_until 20 online $k
done
echo wrong-token-for-the-county >c3/token

# --- the province ---------------------------------------------------------
mkdir -p c0/state
{
	loopback_conf "$TMP/c0/state" "$((UDP_PORT + 5))" 5 off "timezone = Asia/Shanghai"
	printf '[federation]\nrole = province\nsender = dalaba.330000\npoll_ms = 200\n'
	for k in 1 2 3; do
		printf '[county %s]\nname = %s\nurl = %s\ntoken_file = %s\n' "$(code_of $k)" \
		    "$(name_of $k)" "$(cat "c$k/state/api.url")" "$TMP/c$k/token"
		[ $k = 1 ] && printf 'ca = %s\n' "$TMP/c1.pem"
	done
} >c0/d.conf
check "the province's configuration checks" "$DALABAD" -n -c c0/d.conf
( cd c0 && exec "$DALABAD" -c d.conf >>dalabad.log 2>&1 ) &
check "the province's dalabad is up" as 0 wait_until 30 "$DALABA" status
check "it made the counties' zones its own" sh -c \
    "DALABA_STATE_DIR=$TMP/c0/state '$DALABA' zone list | grep -q 330106"
as 0 "$DALABA" zone add 330000 浙江省 >/dev/null
as 0 "$DALABA" zone add 330100 杭州市 >/dev/null
echo duty-pass-1 | as 0 "$DALABA" user add duty --role county --zone 330000 --password-stdin >/dev/null
PURL=$(cat c0/state/api.url) PTOK=$(cat c0/state/api.token)
papi() {	# METHOD PATH [JSON] -> p.json, status printed
	curl -s -o p.json -w '%{http_code}' -X "$1" -H "Authorization: Bearer $PTOK" \
	    -H 'Content-Type: application/json' ${3:+-d "$3"} "$PURL/api/v1/$2"
}
# capi K METHOD PATH: county K's API as its machine token -> cK.json
capi() {
	curl -s $CURL1 -o "c$1.json" -w '%{http_code}' -X "$2" \
	    -H "Authorization: Bearer $(cat "c$1/state/api.token")" \
	    "$(cat "c$1/state/api.url")/api/v1/$3"
}
fed() { jget "\$.federated.$1" p.json; }
county_state() { jget "\$.counties[$1].state" p.json; }

# --- a page for the whole province ------------------------------------------
TEXT='省防汛指挥部紧急通知：今晚有特大暴雨，请低洼地区群众立即转移。'
check "a province-wide page is issued" [ "$(papi POST pages "{\"zones\":[\"330000\"],\"repeat\":1,\"text\":\"$TEXT\"}")" = 201 ]
PID1=$(jget '$.id' p.json)
confirmed_is() { papi GET "pages/$1" >/dev/null; [ "$(fed confirmed)" = "$2" ]; }
check "the province sees both reachable counties confirm (2 of 2 boxes)" \
    wait_until 20 confirmed_is "$PID1" 2
check "the view lists three counties, all answering, two that took it" \
    all [ "$(fed counties)" = 3 ] -and [ "$(fed answering)" = 3 ] \
    -and [ "$(fed delivered)" = 2 ] -and [ "$(fed targets)" = 2 ]
check "county 1 (HTTPS) and county 2 took it (delivered)" \
    all [ "$(county_state 0)" = delivered ] -and [ "$(county_state 1)" = delivered ]
check "county 3, with a wrong token, is shown refused, with the reason" \
    all [ "$(county_state 2)" = refused ] \
    -and expr "$(jget '$.counties[2].error' p.json)" : 'HTTP 401: .*token' >/dev/null
R1=$(jget '$.counties[0].remote_page' p.json)
check "county 1 made it a page of its own, from CAP, sent by the province" \
    all [ "$(capi 1 GET "pages/$R1")" = 200 ] \
    -and [ "$(jget '$.source' c1.json)" = cap ] \
    -and [ "$(jget '$.cap.sender' c1.json)" = dalaba.330000 ] \
    -and [ "$(jget '$.zones[0]' c1.json)" = 330102 ] \
    -and [ "$(jget '$.text' c1.json)" = "$TEXT" ]
both_play() { [ "$(stat 1 playing)" = 1 ] && [ "$(stat 2 playing)" = 1 ]; }
check "county 1's and county 2's loudspeakers play it" wait_until 10 both_play
check "county 3's does not; county 2's page counts its box confirmed" \
    all [ "$(stat 3 playing)" != 1 ] \
    -and [ "$(capi 2 GET "pages/$(jget '$.counties[1].remote_page' p.json)")" = 200 ] \
    -and [ "$(jget '$.confirmed' c2.json)" = 1 ]

# --- cancelled at the province -------------------------------------------------
check "the page is cancelled at the province" [ "$(papi POST "pages/$PID1/cancel" '{}')" = 200 ]
none_playing() { papi GET "pages/$PID1" >/dev/null; [ "$(fed playing)" = 0 ] &&
    [ "$(county_state 0)" = cancelled ] && [ "$(county_state 1)" = cancelled ]; }
check "both counties cancelled it and the province sees none playing" \
    wait_until 15 none_playing
check "county 1's page is cancelled there" \
    all [ "$(capi 1 GET "pages/$R1")" = 200 ] -and [ "$(jget '$.state' c1.json)" = cancelled ]

# --- a page for one county only ------------------------------------------------
check "a page for 上城区 alone is issued" \
    [ "$(papi POST pages '{"zones":["330102"],"repeat":1,"text":"上城区通知：请注意防范。"}')" = 201 ]
PID2=$(jget '$.id' p.json)
one_county() { papi GET "pages/$PID2" >/dev/null; [ "$(fed counties)" = 1 ] && [ "$(fed confirmed)" = 1 ]; }
check "it goes to that county only, and is confirmed there" wait_until 20 one_county
papi POST "pages/$PID2/cancel" '{}' >/dev/null

# --- a county that does not answer ----------------------------------------------
# stop_in DIR: stop the dalabad running in $TMP/DIR and wait until it is gone
stop_in() {
	for _p in $(pgrep -x dalabad); do
		[ "$(readlink /proc/$_p/cwd)" = "$TMP/$1" ] || continue
		kill "$_p"
		wait_until 10 sh -c "! kill -0 $_p 2>/dev/null" || return 1
		return 0
	done
	return 1
}
check "county 2's dalabad is stopped" stop_in c2
check "a second province page is issued" \
    [ "$(papi POST pages '{"zones":["330100"],"repeat":2,"text":"杭州市紧急通知：请市民做好防台风准备。"}')" = 201 ]
PID3=$(jget '$.id' p.json)
retried() { papi GET "pages/$PID3" >/dev/null; [ "$(county_state 1)" = unreachable ] &&
    [ "$(jget '$.counties[1].tries' p.json)" -ge 2 ]; }
check "county 2 is shown unreachable and retried" wait_until 15 retried
check "county 1 took it meanwhile" [ "$(county_state 0)" = delivered ]
# the province's duty officer sees it so, on a phone, in real Chromium
SHOTS=$TOP/tests/out/web
mkdir -p "$SHOTS"
URL=$PURL DUTY_PW=duty-pass-1 PAGE=$PID3 SHOTS=$SHOTS NODE_PATH=$TOP/tests/web/node_modules \
    node "$TOP/tests/web/province.mjs" >province-web.log 2>&1
node_result province-web.log
( cd c2 && exec "$DALABAD" -c d.conf >>dalabad.log 2>&1 ) &
check "county 2 is back" as 2 wait_until 30 "$DALABA" status
back() { papi GET "pages/$PID3" >/dev/null; [ "$(county_state 1)" = delivered ] &&
    [ "$(fed confirmed)" = 2 ]; }
check "the retry delivers it, and county 2's box confirms" wait_until 30 back
as 0 "$DALABA" page status "$PID3" >status.out 2>status.err
check "dalaba page status at the province names each county and sums them" \
    all grep -q "2 of 2 loudspeakers confirmed.*(in 2 of 3 counties below)" status.out \
    -and grep -q "county 330105 拱墅区: delivered, 1 of 1 confirmed" status.out \
    -and grep -q "WARNING: page $PID3: county 330106 西湖区 has not taken it: refused" status.err

# --- the province restarts mid-page -----------------------------------------------
check "the province is stopped" stop_in c0
( cd c0 && exec "$DALABAD" -c d.conf >>dalabad.log 2>&1 ) &
check "the province is back" as 0 wait_until 30 "$DALABA" status
PURL=$(cat c0/state/api.url)	# a port of the kernel's choosing, again
check "its view of the page survived" all [ "$(papi GET "pages/$PID3")" = 200 ] \
    -and [ "$(fed counties)" = 3 ]
check "the page is cancelled after the restart" [ "$(papi POST "pages/$PID3/cancel" '{}')" = 200 ]
cancelled3() { papi GET "pages/$PID3" >/dev/null; [ "$(county_state 0)" = cancelled ] &&
    [ "$(county_state 1)" = cancelled ]; }
check "and the counties hear of it" wait_until 15 cancelled3
n2=$(as 2 sqlite3 "$TMP/c2/state/dalaba.db" "SELECT count(*) FROM pages WHERE cap_sender = 'dalaba.330000' AND cap_identifier = 'dalaba.330000.page.$PID3'")
check "county 2 aired the retried alert once, not once per try ($n2 page)" [ "$n2" = 1 ]

# --- a county's credentials page only that county -----------------------------------
cap_to() {	# K TOKENFILE CODE -> HTTP status
	_s=$(date -u +%Y-%m-%dT%H:%M:%S+00:00)
	printf '<?xml version="1.0" encoding="UTF-8"?>\n<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>x-%s</identifier><sender>intruder</sender><sent>%s</sent><status>Actual</status><msgType>Alert</msgType><scope>Public</scope><info><language>zh-CN</language><category>Safety</category><event>测试</event><urgency>Immediate</urgency><severity>Minor</severity><certainty>Observed</certainty><description>冒充的广播</description><area><areaDesc>x</areaDesc><geocode><valueName>GB/T 2260</valueName><value>%s</value></geocode></area></info></alert>\n' "$3$$" "$_s" "$3" >x.xml
	curl -s $CURL1 -o x.out -w '%{http_code}' -H "Authorization: Bearer $(cat "$2")" \
	    -H 'Content-Type: application/cap+xml' --data-binary @x.xml "$(cat "c$1/state/api.url")/api/v1/cap"
}
check "county 1's token is refused by county 2" [ "$(cap_to 2 c1/token 330105)" = 401 ]
s=$(cap_to 1 c1/token 330105)
check "county 1's token cannot page county 2's area at county 1 (HTTP $s)" \
    sh -c "[ '$s' = 403 ] || [ '$s' = 422 ]"
s=$(cap_to 0 c1/token 330000)
check "a county's token cannot page the province (HTTP $s)" [ "$s" = 401 ]

finish
