# tests/e2e/loopback.sh — a real dalabad on loopback: its configuration,
# starting it, waiting on it. Shared by the e2e tests (tests/e2e/daemon.sh)
# and the benchmarks (bench/daemon.sh), so both run the daemon the same
# way. The caller sets DALABAD and DALABA (the programs) and
# DALABA_STATE_DIR (where dalabad writes api.url, and dalaba reads it).

# wait_until SECONDS COMMAND...: poll every 0.2 s; 0 once it succeeds
wait_until() {
	_n=$(($1 * 5)); shift
	while [ $_n -gt 0 ]; do
		"$@" && return 0
		sleep 0.2
		_n=$((_n - 1))
	done
	return 1
}

# box_port PID: the UDP port a box's socket is bound to (what an attacker
# on its network sees), from /proc
box_port() {
	for _f in /proc/"$1"/fd/*; do
		_l=$(readlink "$_f" 2>/dev/null) || continue
		case "$_l" in socket:*) ;; *) continue ;; esac
		_i=${_l#socket:[}
		_i=${_i%]}
		_h=$(awk -v i="$_i" '$10 == i { n = split($2, a, ":"); print a[n] }' \
		    /proc/net/udp /proc/net/udp6 2>/dev/null | head -n 1)
		[ -n "$_h" ] && { printf '%d\n' "0x$_h"; return 0; }
	done
	return 1
}

# loopback_conf STATE UDP_PORT OFFLINE_SECONDS ENROLL_BIND [DALABAD_LINES
# [BROADCAST_LINES]]: a configuration on stdout, every listener on
# 127.0.0.1 (enrolment on ENROLL_BIND, which may be "off"), the API and
# enrolment on ports the kernel picks; the optional lines go at the end of
# [dalabad] and after [broadcast]'s port
loopback_conf() {
	cat <<EOT
[dalabad]
state_dir = $1
${5:+$5
}[broadcast]
bind = 127.0.0.1
port = $2
${6:+$6
}offline_seconds = $3
[api]
port = 0
[enroll]
bind = $4
port = 0
advertise = 127.0.0.1
EOT
}

# loopback_start CONF LOG: start dalabad (its pid in DPID), appending its
# output to LOG; 0 once its API answers, 1 if it has not within 30 s
loopback_start() {
	rm -f "$DALABA_STATE_DIR/api.url"	# a stale one would answer "up" early
	"$DALABAD" -c "$1" >>"$2" 2>&1 &
	DPID=$!
	wait_until 30 "$DALABA" status >/dev/null 2>&1
}
