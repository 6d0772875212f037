#!/bin/sh
# bench/tls.sh — what an HTTPS request costs dalabad. Every request has a
# connection of its own (http_gate.c answers "Connection: close"), so each
# is a TLS handshake on the server's main loop; a province polls each
# county's API over HTTPS several times a second (bench/province.sh).
#
#   https_request_cpu_ms     dalabad's CPU (all its threads, from
#                            /proc/PID/stat) per GET /api/v1/status over
#                            HTTPS, REQUESTS of them one after another
#   http_request_cpu_ms      the same over plain HTTP, in the same run
#   https_over_http_cpu_ratio
#
# Before the server's TLS connections were made without the system's
# certificate database (http_gate.c), the first was ~11.7 ms here.
set -u
BUILD=${BUILD:-build}
TOP=$(cd "$(dirname "$0")/.." && pwd)
B=$TOP/$BUILD
BENCH_NAME=bench/tls
. "$TOP/bench/lib.sh"
REQUESTS=${TLS_BENCH_REQUESTS:-400}
FIGS="https_request_cpu_ms http_request_cpu_ms https_over_http_cpu_ratio"
cannot() { for f in $FIGS; do bench_skip "$f" "$1"; done; bench_done; }
command -v openssl >/dev/null || cannot "openssl is missing"
command -v curl >/dev/null || cannot "curl is missing"
[ -x "$B/dalabad" ] || cannot "$B/dalabad is not built"
T=$(mktemp -d /tmp/dalaba-bench-tls.XXXXXX)
DPID=
trap 'kill $DPID 2>/dev/null; wait 2>/dev/null; [ -n "${KEEP_TMP:-}" ] || rm -rf "$T"' EXIT
cd "$T" || exit 1
openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem \
    -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
    2>/dev/null || cannot "openssl could not make a certificate"
TICK=$(getconf CLK_TCK)

# cpu_ms_per_request TLS(0|1): start a dalabad, REQUESTS requests, its
# CPU per request in ms (printed), stopped again
cpu_ms_per_request() {
	rm -rf state && mkdir state
	{
		printf '[dalabad]\nstate_dir = %s/state\n' "$T"
		printf '[broadcast]\nbind = 127.0.0.1\nport = 0\n'
		printf '[api]\nbind = 127.0.0.1\nport = 0\n'
		[ "$1" = 1 ] && printf 'tls_certificate = %s/cert.pem\ntls_key = %s/key.pem\n' "$T" "$T"
		printf '[enroll]\nbind = off\nport = 0\n'
	} >d.conf
	DALABA_STATE_DIR=$T/state "$B/dalabad" -c d.conf >>dalabad.log 2>&1 &
	DPID=$!
	_n=0
	until [ -s state/api.url ] && [ -s state/api.token ]; do
		_n=$((_n + 1))
		[ $_n -gt 150 ] && return 1
		sleep 0.2
	done
	_url=$(cat state/api.url) _tok=$(cat state/api.token)
	curl -s -f --cacert cert.pem -o /dev/null -H "Authorization: Bearer $_tok" \
	    "$_url/api/v1/status" || return 1
	sleep 1		# its start-up work done
	_a=$(awk '{ print $14 + $15 }' /proc/$DPID/stat)
	_ok=0
	for _i in $(seq 1 "$REQUESTS"); do
		curl -s -f --cacert cert.pem -o /dev/null -H "Authorization: Bearer $_tok" \
		    "$_url/api/v1/status" && _ok=$((_ok + 1))
	done
	_b=$(awk '{ print $14 + $15 }' /proc/$DPID/stat)
	kill $DPID; wait $DPID 2>/dev/null; DPID=
	[ "$_ok" -eq "$REQUESTS" ] || return 1
	awk -v a="$_a" -v b="$_b" -v t="$TICK" -v n="$REQUESTS" \
	    'BEGIN { printf "%.3f\n", (b - a) * 1000 / t / n }'
}
tls=$(cpu_ms_per_request 1) || cannot "the HTTPS dalabad did not answer every request (see $T/dalabad.log)"
plain=$(cpu_ms_per_request 0) || cannot "the plain dalabad did not answer every request"
bench_fig https_request_cpu_ms "$tls" ms 0.001 1000 "($REQUESTS requests, one connection each)"
bench_fig http_request_cpu_ms "$plain" ms 0.001 1000 "(the same, plain HTTP)"
bench_fig https_over_http_cpu_ratio "$(awk -v a="$tls" -v b="$plain" 'BEGIN { if (b > 0) printf "%.1f\n", a / b }')" - 0.1 1000
bench_done
