# tests/e2e/daemon.sh — helpers for the tests that run the real dalabad
# (sourced after lib.sh). Everything stays on loopback: the API and the
# enrolment listener on 127.0.0.1, the loudspeakers' UDP on 127.0.0.1
# (loopback.sh, which the benchmarks share).
DALABAD=$TOP/$BUILD/dalabad
DALABA=$TOP/$BUILD/dalaba
SPK=$TOP/$BUILD/dalaba-speaker
UDP_PORT=$((20000 + ($$ + 71) % 20000))
STATE=$TMP/state
export DALABA_STATE_DIR=$STATE
DB=$STATE/dalaba.db
. "$TOP/tests/e2e/loopback.sh"

# dalabad_conf [GRACE_MINUTES] [TIMEZONE]: a test configuration on stdout
dalabad_conf() {
	loopback_conf "$STATE" "$UDP_PORT" 5 127.0.0.1 "timezone = ${2:-Asia/Shanghai}
grace_minutes = ${1:-10}
reair_minutes = 10" "delay_ms = 300"
}

# start_dalabad CONF LOG: start it, wait until its API answers
start_dalabad() { loopback_start "$1" "$2"; }

# stop_dalabad [SIGNAL]: stop it and wait for it to go
stop_dalabad() {
	kill -"${1:-TERM}" $DPID 2>/dev/null
	wait $DPID 2>/dev/null
	DRC=$?
}

# q SQL: one value from the store (the real file, read beside the daemon)
q() { sqlite3 -cmd ".timeout 5000" "$DB" "$1"; }

# enrol ID ZONE: create the speaker through the CLI, enrol a box with the
# printed command's URL, token and fingerprint (the real flow), start its agent with a
# WAV output and a stats file; its pid lands in SPK_<ID>
enrol() {
	"$DALABA" speaker add "$1" --zone "$2" --name "test $1" >"add$1.out" ||
	    return 1
	_url=$(awk '/--enroll/ { print $3 }' "add$1.out")
	_tok=$(awk '/--enroll/ { print $4 }' "add$1.out")
	_fp=$(awk '/--enroll/ { print $5 }' "add$1.out")
	"$SPK" --enroll "$_url" "$_tok" "$_fp" -c "spk$1.conf" -o "wav:$TMP/out$1.wav" \
	    2>"enrol$1.err" || return 1
	printf '[agent]\nhello_ms = 300\n' >>"spk$1.conf"
	"$SPK" -c "spk$1.conf" --stats "spk$1.stats" 2>"spk$1.err" &
	eval "SPK_$1=\$!"
}

# enrol_at ID PORT CONF: the real enrolment (as enrol, without starting the
# agent) into CONF, its server port set to PORT (a proxy's, or dalabad's)
enrol_at() {
	"$DALABA" speaker add "$1" --zone 110101001001 --name "test $1" \
	    >"add$1.out" || return 1
	"$SPK" --enroll $(awk '/--enroll/ { print $3, $4, $5 }' "add$1.out") \
	    -c "$3" -o "wav:$TMP/out$1.wav" 2>"enrol$1.err" || return 1
	sed -i "s/^port = .*/port = $2/" "$3"
	printf '[agent]\nhello_ms = 300\n' >>"$3"
}

# stat ID NAME: a counter from a speaker's stats file
stat() { awk -v k="$2" '$1 == k { print $2 }' "spk$1.stats" 2>/dev/null; }

# outcome NOTICE: the outcome of a notice's (first) broadcast
outcome() { q "SELECT COALESCE(outcome, 'pending') FROM broadcasts WHERE notice_id = $1 ORDER BY id LIMIT 1"; }
aired() { [ "$(outcome "$1")" = aired ]; }
notice_id() { awk '/^notice [0-9]+ stored/ { print $2 }' "$1"; }
on_air() { [ "$(q "SELECT on_air_at IS NOT NULL FROM broadcasts WHERE notice_id = $1")" = 1 ]; }

# node_result LOG: add a node script's ok/FAIL lines and RESULT to ours
node_result() {
	_r=$(grep '^RESULT ' "$1" | tail -n 1)
	grep -E '^(ok|FAIL) - ' "$1"
	if [ -z "$_r" ]; then
		bad "$(basename "$1") printed no RESULT: $(tail -n 8 "$1" | tr '\n' ' ' | cut -c1-600)"
		return
	fi
	set -- $_r
	T_PASS=$((T_PASS + $2))
	T_FAIL=$((T_FAIL + $3))
}

# web_login NAME PASSWORD: log in through the API; the session cookie goes
# in NAME.jar, the session's CSRF token is printed
web_login() {
	curl -s -c "$1.jar" -H 'Content-Type: application/json' \
	    -d "{\"name\":\"$1\",\"password\":\"$2\"}" \
	    "$(cat "$STATE/api.url")/api/v1/login" |
	    sed -n 's/.*"csrf" *: *"\([^"]*\)".*/\1/p'
}

# api METHOD PATH [JSON]: the JSON API as the machine (api.token); the
# answer goes to api.json, the HTTP status is printed
api() {
	if [ $# -ge 3 ]; then
		curl -s -o api.json -w '%{http_code}' -X "$1" \
		    -H "Authorization: Bearer $(cat "$STATE/api.token")" \
		    -H 'Content-Type: application/json' -d "$3" \
		    "$(cat "$STATE/api.url")/api/v1/$2"
	else
		curl -s -o api.json -w '%{http_code}' -X "$1" \
		    -H "Authorization: Bearer $(cat "$STATE/api.token")" \
		    "$(cat "$STATE/api.url")/api/v1/$2"
	fi
}
# api_as NAME CSRF METHOD PATH [JSON]: the same as a user logged in with
# web_login (NAME.jar)
api_as() {
	_n=$1 _c=$2; shift 2
	if [ $# -ge 3 ]; then
		curl -s -o api.json -w '%{http_code}' -X "$1" -b "$_n.jar" \
		    -H "X-CSRF-Token: $_c" -H 'Content-Type: application/json' \
		    -d "$3" "$(cat "$STATE/api.url")/api/v1/$2"
	else
		curl -s -o api.json -w '%{http_code}' -X "$1" -b "$_n.jar" \
		    -H "X-CSRF-Token: $_c" "$(cat "$STATE/api.url")/api/v1/$2"
	fi
}
# jget PATH [FILE]: one value of a JSON answer (default api.json), by a
# SQLite JSON path such as '$.error.code'; NULL prints as "null"
jget() {
	sqlite3 :memory: "SELECT COALESCE(json_extract(readfile('${2:-api.json}'), '$1'), 'null')"
}
