# bench/daemon.sh — sourced by the benchmarks that run a real dalabad on
# loopback (web.sh, page.sh). The caller sets B (the build directory), T
# (a fresh directory, which is the current one) and NAME (for messages).
PORT=$((30000 + ($$ + ${PORT_SALT:-7}) % 20000))
export DALABA_STATE_DIR=$T/state

die() { echo "$NAME bench: $*" >&2; exit 1; }

# bench_conf [ENROLL_BIND]: d.conf on loopback (enrolment off by default)
bench_conf() {
	cat >d.conf <<EOC
[dalabad]
state_dir = $T/state
[broadcast]
bind = 127.0.0.1
port = $PORT
offline_seconds = 10
[api]
port = 0
[enroll]
bind = ${1:-off}
port = 0
advertise = 127.0.0.1
EOC
}

# start: dalabad on d.conf; returns once its API answers (DPID, URL, TOKEN)
start() {
	rm -f state/api.url
	"$B/dalabad" -c d.conf >>dalabad.log 2>&1 &
	DPID=$!
	_n=0
	until "$B/dalaba" status >/dev/null 2>&1; do
		_n=$((_n + 1)); [ $_n -gt 150 ] && die "dalabad did not start"
		sleep 0.2
	done
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
wait_online() {
	_n=0
	while [ "$("$B/dalaba" status --json | awk -F'[:,]' '/"online"/ { gsub(/ /, "", $2); print $2 }')" != "$1" ]; do
		_n=$((_n + 1)); [ $_n -gt 150 ] && die "speakers did not come online"
		sleep 0.2
	done
}
