# 10_make_run.sh — what `make run` starts (scheduler/run-demo.sh), with
# the demo notice set to air at once: dalabad comes up, the local speaker
# enrols and plays the notice into its WAV output, the news slots are
# scheduled, and a signal stops everything cleanly. (The test sends TERM:
# a background job of a script ignores SIGINT, which Ctrl-C sends to the
# whole foreground group at a terminal; the script traps both.)
. tests/e2e/lib.sh
cd "$TMP"
STATE=$TMP/state
export DALABA_STATE_DIR=$STATE DALABA_DEMO_AT=now
export DALABA_DEMO_PORT=$((20000 + ($$ + 113) % 20000))
export DALABA_DEMO_OUTPUT=wav:$STATE/out.wav DALABA_DEMO_API_PORT=0
(cd "$TOP" && exec sh scheduler/run-demo.sh "$TOP/$BUILD") >run.out 2>&1 &
RPID=$!
aired() {
	[ "$(sqlite3 -cmd '.timeout 5000' "$STATE/dalaba.db" \
	    "SELECT count(*) FROM broadcasts WHERE outcome = 'aired'" 2>/dev/null)" = 1 ]
}
n=0
while [ $n -lt 300 ] && ! aired; do sleep 0.2; n=$((n + 1)); done
check "the demo notice aired within a minute" aired
played=$(awk '$1 == "played" { print $2 }' "$STATE/speaker.stats")
check "the local speaker played it ($played frames)" [ "${played:-0}" -gt 100 ]
check "it was confirmed by the speaker" [ "$(sqlite3 "$STATE/dalaba.db" \
    "SELECT sum(confirmed) FROM broadcast_speakers")" = 1 ]
check "the news is scheduled at noon and evening" \
    sh -c "'$TOP/$BUILD/dalaba' schedule list | grep -q 'daily *12:00,18:30'"
check "it told the user where to look" grep -q "dalaba is running" run.out
check "it made the first county admin and printed the password once" \
    grep -q "web admin user: admin   password: [a-z0-9]\{16\}" run.out
URL=$(awk '/Web admin:/ { print $3 }' run.out)
check "the web admin answers at the address it printed" \
    sh -c "curl -s -o /dev/null -w '%{http_code}' '${URL}login' | grep -q 200"
kill -TERM $RPID
wait $RPID
check "a stop signal stops it all" grep -q "dalaba: stopped" run.out
check "no dalabad is left running" sh -c "! pgrep -f '[d]alabad -c $STATE' >/dev/null"
check "no speaker agent is left running" sh -c "! pgrep -f '[d]alaba-speaker -c $STATE' >/dev/null"
finish
