# bench/daemon.sh — sourced by the benchmarks that run a real dalabad on
# loopback (web.sh, page.sh). The caller sets B (the build directory), T
# (a fresh directory, which is the current one) and NAME (for messages).
# The daemon is set up and started as the e2e tests do it (loopback.sh).
PORT=$((30000 + ($$ + ${PORT_SALT:-7}) % 20000))
export DALABA_STATE_DIR=$T/state
DALABAD=$B/dalabad DALABA=$B/dalaba
. "$TOP/tests/e2e/loopback.sh"

die() { echo "$NAME bench: $*" >&2; exit 1; }

# bench_conf [ENROLL_BIND]: d.conf on loopback (enrolment off by default)
bench_conf() { loopback_conf "$T/state" "$PORT" 10 "${1:-off}" >d.conf; }

# start: dalabad on d.conf; returns once its API answers (DPID, URL, TOKEN)
start() {
	loopback_start d.conf dalabad.log || die "dalabad did not start"
	URL=$(cat state/api.url)
	TOKEN=$(cat state/api.token)
}

# sim_speakers KEY ZONE:COUNT...: speakers 1, 2, ... in the store (dalabad
# stopped), their key as enrolment would have put it, for speakers_sim
sim_speakers() {
	_key=$1; shift
	printf '%s\n' "$@" | awk -F: -v k="$_key" 'BEGIN { print "BEGIN;" }
	    { for (j = 0; j < $2; j++) { i++
	        printf "INSERT INTO speakers (id, zone, name, key_hex, created_at) " \
	        "VALUES (%d, \"%s\", \"喇叭%d\", \"%s\", 0);\n", i, $1, i, k } }
	    END { print "COMMIT;" }' | sqlite3 state/dalaba.db
}

# wait_online N: until dalabad counts N speakers online
online() {
	[ "$("$B/dalaba" status --json | awk -F'[:,]' '/"online"/ { gsub(/ /, "", $2); print $2 }')" = "$1" ]
}
wait_online() { wait_until 30 online "$1" || die "speakers did not come online"; }
