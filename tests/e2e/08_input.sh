# 08_input.sh — hostile and mistaken input to every dalaba command and API
# endpoint: each gets a clear error (non-zero exit / 4xx with a JSON error
# naming the problem) and the store is left exactly as it was.
. tests/e2e/lib.sh
. tests/e2e/daemon.sh
cd "$TMP"

dalabad_conf >d.conf
start_dalabad d.conf d.log
"$DALABA" zone add 110101001001 东村 >/dev/null
"$DALABA" notice add --zone 110101001001 "已有的通知。" >/dev/null
"$DALABA" speaker add 7 --zone 110101001001 >/dev/null

snapshot() {
	q "SELECT (SELECT count(*) FROM zones) || ',' || (SELECT count(*) FROM notices) \
	    || ',' || (SELECT count(*) FROM schedules) || ',' || (SELECT count(*) FROM speakers) \
	    || ',' || (SELECT count(*) FROM broadcasts) || ',' || (SELECT count(*) FROM notices WHERE cancelled_at IS NOT NULL)"
}
BEFORE=$(snapshot)

# refused CODE WHAT-STDERR-SAYS DESCRIPTION COMMAND...: exits CODE, says so
refused() {
	_code=$1 _says=$2 _desc=$3; shift 3
	"$@" >"$TMP/last.out" 2>"$TMP/last.err"
	_rc=$?
	if [ $_rc -eq "$_code" ] && grep -q -- "$_says" "$TMP/last.err"; then
		ok "$_desc"
	else
		bad "$_desc (exit $_rc, stderr: $(head -c 200 "$TMP/last.err"))"
	fi
}

# --- the CLI ----------------------------------------------------------------
refused 1 "6 (county), 9 (township) or 12" "zone add: a 5-digit code" "$DALABA" zone add 11010 x
refused 1 "6 (county), 9 (township) or 12" "zone add: letters in the code" "$DALABA" zone add 11010100100a x
refused 1 "exists already" "zone add: a duplicate" "$DALABA" zone add 110101001001 again
refused 1 "quiet" "zone add: bad quiet hours" "$DALABA" zone add 110101001002 x --quiet 25:00-06:00
refused 2 "--quiet is HH:MM-HH:MM" "zone add: quiet hours without a dash" "$DALABA" zone add 110101001002 x --quiet 2130
refused 1 '"zone" is required' "notice add: no zone" "$DALABA" notice add "text"
refused 1 "not set up" "notice add: a zone nobody created" "$DALABA" notice add --zone 110101009009 "text"
refused 1 "emergencies are pages" "notice add: class emergency" "$DALABA" notice add --zone 110101001001 --class emergency "text"
refused 1 '"class" is village' "notice add: unknown class" "$DALABA" notice add --zone 110101001001 --class mayor "text"
refused 1 '"repeat" must be from 1 to 10' "notice add: repeat 0" "$DALABA" notice add --zone 110101001001 --repeat 0 "text"
refused 2 "takes a number" "notice add: repeat not a number" "$DALABA" notice add --zone 110101001001 --repeat two "text"
refused 1 '"rate" must be from 80 to 450' "notice add: rate 1000" "$DALABA" notice add --zone 110101001001 --rate 1000 "text"
refused 1 "unknown voice" "notice add: unknown voice" "$DALABA" notice add --zone 110101001001 --voice klingon "text"
refused 1 '"body" is empty' "notice add: empty text" "$DALABA" notice add --zone 110101001001 ""
head -c 40000 /dev/zero | tr '\0' 'a' >big.txt
refused 1 "longer than 32768 bytes" "notice add: 40 KB of text" sh -c "'$DALABA' notice add --zone 110101001001 - <big.txt"
printf '\377\376bad' >bad.txt
refused 1 "UTF-8" "notice add: text that is not UTF-8" sh -c "'$DALABA' notice add --zone 110101001001 - <bad.txt"
refused 1 "has passed" "notice add: a one-time slot in the past" "$DALABA" notice add --zone 110101001001 --at "2020-01-01 12:00" "text"
refused 1 '"at" is' "notice add: a date that does not exist" "$DALABA" notice add --zone 110101001001 --at "2031-02-30 12:00" "text"
refused 1 '"times"' "notice add: 25:00" "$DALABA" notice add --zone 110101001001 --daily 25:00 "text"
refused 1 '"weekdays"' "notice add: weekday 8" "$DALABA" notice add --zone 110101001001 --weekly 08:00 --weekdays 8 "text"
refused 1 '"to" is before "from"' "notice add: a date range backwards" "$DALABA" notice add --zone 110101001001 --daily 08:00 --from 2031-05-01 --to 2031-04-01 "text"
refused 1 "no slot left" "notice add: a range that has ended" "$DALABA" notice add --zone 110101001001 --daily 08:00 --from 2020-01-01 --to 2020-02-01 "text"
refused 1 '"feed"' "notice add: a feed that is not http(s) or dir:" "$DALABA" notice add --zone 110101001001 --feed file:///etc/passwd "text"
refused 2 "one TEXT" "notice add: two texts" "$DALABA" notice add --zone 110101001001 a b
refused 1 "no notice 999" "notice show: no such notice" "$DALABA" notice show 999
refused 2 "one id" "notice cancel: not an id" "$DALABA" notice cancel abc
refused 1 "no notice 999" "schedule add: no such notice" "$DALABA" schedule add 999 --now
refused 2 "say when" "schedule add: no time given" "$DALABA" schedule add 1
refused 1 "no schedule" "schedule rm: no such schedule" "$DALABA" schedule rm 999
refused 1 "12-digit" "speaker add: a township zone" "$DALABA" speaker add 8 --zone 110101001
refused 1 "exists already" "speaker add: a duplicate id" "$DALABA" speaker add 7 --zone 110101001001
refused 2 "needs --zone" "speaker add: no zone" "$DALABA" speaker add 9
refused 1 "no speaker 99" "speaker token: no such speaker" "$DALABA" speaker token 99
refused 2 "unknown command" "an unknown command" "$DALABA" frobnicate
DALABA_STATE_DIR=$TMP/nowhere refused 3 "no dalabad found" "no dalabad at the state dir" "$DALABA" status

# --- the API directly ----------------------------------------------------------
URL=$(cat "$STATE/api.url")
TOKEN=$(cat "$STATE/api.token")
# api METHOD PATH [CURL-ARGS...]: prints the status, body in last.body
api() {
	_m=$1 _p=$2; shift 2
	curl -s -o "$TMP/last.body" -w '%{http_code}' -X "$_m" \
	    -H "Authorization: Bearer $TOKEN" "$@" "$URL/api/v1/$_p"
}
# status CODE ERROR-CODE DESCRIPTION METHOD PATH [CURL-ARGS...]
status() {
	_want=$1 _ecode=$2 _desc=$3; shift 3
	_got=$(api "$@")
	if [ "$_got" = "$_want" ] && { [ -z "$_ecode" ] ||
	    grep -q "\"code\" *: *\"$_ecode\"" "$TMP/last.body"; }; then
		ok "$_desc"
	else
		bad "$_desc (HTTP $_got: $(head -c 200 "$TMP/last.body"))"
	fi
}
J="-H Content-Type:application/json"
got=$(curl -s -o /dev/null -w '%{http_code}' "$URL/api/v1/status")
check "no token: 401" [ "$got" = 401 ]
got=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer 0000" "$URL/api/v1/status")
check "a wrong token: 401" [ "$got" = 401 ]
got=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer ${TOKEN}x" "$URL/api/v1/status")
check "the token with a byte more: 401" [ "$got" = 401 ]
status 200 "" "GET status with the token: 200" GET status
status 404 not_found "an unknown resource: 404" GET frobs
status 404 not_found "a deeper unknown path: 404" GET notices/1/2/3/4/5/6/7
status 404 not_found "a notice id that is not a number: 404" GET notices/abc
status 404 not_found "a negative id: 404" GET notices/-1
status 404 not_found "PUT on a collection: 404" PUT notices
status 415 not_json "a body that is not JSON-typed: 415" POST notices -H Content-Type:text/plain --data 'x'
status 400 bad_json "broken JSON: 400" POST notices $J --data '{"zone": '
status 400 bad_json "a JSON array instead of an object: 400" POST notices $J --data '[1,2]'
status 400 unknown_field "an unknown field: 400" POST notices $J --data '{"zone":"110101001001","body":"x","colour":"red"}'
status 400 bad_field "a number where text belongs: 400" POST notices $J --data '{"zone":110101001001,"body":"x"}'
status 400 bad_field "text where a number belongs: 400" POST notices $J --data '{"zone":"110101001001","body":"x","repeat":"3"}'
status 400 bad_field "a float repeat: 400" POST notices $J --data '{"zone":"110101001001","body":"x","repeat":2.5}'
status 400 bad_field "a schedule that is not an object: 400" POST notices $J --data '{"zone":"110101001001","body":"x","schedule":"now"}'
status 400 unknown_field "an unknown schedule field: 400" POST notices $J --data '{"zone":"110101001001","body":"x","schedule":{"kind":"once","at":"now","when":1}}'
status 400 bad_field "a bad schedule kind: 400" POST schedules $J --data '{"notice":1,"kind":"hourly","times":"08:00"}'
status 400 bad_text "text the speech side cannot read (a lone NUL escape): 400" POST notices $J --data '{"zone":"110101001001","body":"a\u0000b"}'
head -c 70000 /dev/zero | tr '\0' 'a' | sed 's/.*/{"zone":"110101001001","body":"&"}/' >huge.json
status 413 too_large "a 70 KB body: 413" POST notices $J --data-binary @huge.json
head -c 2000000 /dev/zero | tr '\0' 'a' >huge.bin
status 413 too_large "a 2 MB body is refused before it is read: 413" POST notices $J --data-binary @huge.bin
status 411 length_required "a chunked body of no stated length: 411" POST notices $J -H Transfer-Encoding:chunked --data-binary @huge.bin
got=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/x-www-form-urlencoded' --data-binary @huge.bin "$URL/login")
check "a 2 MB form to a page: 413 ($got)" [ "$got" = 413 ]
printf '{"zone":"110101001001","body":"\377"}' >raw.json
status 400 bad_json "raw bytes that are not UTF-8: 400" POST notices $J --data-binary @raw.json
status 404 not_found "DELETE a schedule that does not exist: 404" DELETE schedules/999
check "a cancel through the API: 200" [ "$(api POST notices/1/cancel)" = 200 ]
AFTER_CANCEL=$(snapshot)
status 409 cancelled "cancel twice: 409" POST notices/1/cancel
check "nothing refused above changed the store (apart from the one cancel)" \
    [ "$(snapshot)" = "$AFTER_CANCEL" ]
check "and before that cancel, nothing had changed at all" \
    [ "${BEFORE%,*}" = "${AFTER_CANCEL%,*}" ]
check "dalabad is still up after all that" "$DALABA" status
check "the audit log recorded the accepted changes only" \
    [ "$(q "SELECT count(*) FROM audit WHERE action LIKE 'notice.%'")" = 2 ]
stop_dalabad TERM

# --- the daemon's own configuration ------------------------------------------------
printf '[dalabad]\ngrace_minutes = lots\n' >bad1.conf
expect_exit 1 "dalabad -n refuses a non-number" "$DALABAD" -n -c bad1.conf
check "... naming the key" stderr_has "grace_minutes"
printf '[dalabad]\ntimzone = UTC\n' >bad2.conf
expect_exit 1 "dalabad -n refuses a misspelt key" "$DALABAD" -n -c bad2.conf
check "... naming it" stderr_has 'unknown key "timzone"'
printf '[dalabad]\ntimezone = Mars/Olympus\n' >bad3.conf
expect_exit 1 "dalabad -n refuses an unknown time zone" "$DALABAD" -n -c bad3.conf
printf '[broadcast]\nport = 70000\n' >bad4.conf
expect_exit 1 "dalabad -n refuses port 70000" "$DALABAD" -n -c bad4.conf
expect_exit 1 "dalabad refuses a missing config file" "$DALABAD" -c "$TMP/none.conf"
expect_exit 2 "dalabad refuses an unknown option" "$DALABAD" --frob
expect_exit 0 "dalabad --help" "$DALABAD" --help
finish
