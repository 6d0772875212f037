# tests/e2e/lib.sh — shared by the end-to-end tests (sourced, POSIX sh).
# Each check prints "ok - ..." or "FAIL - ..."; finish prints the RESULT line
# tests/run.sh adds up.
set -u
BUILD=${BUILD:-build}
TOP=$(pwd)
DALABA=$TOP/$BUILD/dalaba
WAVPROBE=$TOP/$BUILD/tests/wavprobe
T_PASS=0
T_FAIL=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/dalaba-e2e.XXXXXX")

# Whatever happens, nothing a test started outlives it: the background
# jobs of this shell and every process whose working directory is under
# $TMP (daemons and agents started from helpers), TERM then KILL; then
# $TMP goes (KEEP_TMP=1 keeps it). tests/run.sh stops a test that runs
# longer than E2E_TIMEOUT seconds (default 600) with TERM, which ends
# here the same way, and the test fails.
e2e_procs() {
	for _d in /proc/[0-9]*; do
		case "$(readlink "$_d/cwd" 2>/dev/null)" in
		"$TMP"|"$TMP"/*) [ "${_d#/proc/}" != $$ ] && echo "${_d#/proc/}" ;;
		esac
	done
}
e2e_cleanup() {
	trap - EXIT INT TERM
	_left=$(jobs -p; e2e_procs)
	if [ -n "$_left" ]; then
		kill $_left 2>/dev/null
		sleep 0.5
		kill -9 $(jobs -p; e2e_procs) 2>/dev/null
	fi
	[ -n "${E2E_CLEANUP:-}" ] && $E2E_CLEANUP
	[ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"
}
trap e2e_cleanup EXIT
trap 'echo "FAIL - stopped by a signal (E2E_TIMEOUT, ${E2E_TIMEOUT:-600} s?)"; exit 124' INT TERM

ok() { echo "ok - $1"; T_PASS=$((T_PASS + 1)); }
bad() { echo "FAIL - $1"; T_FAIL=$((T_FAIL + 1)); }
# check DESCRIPTION COMMAND...: passes when the command succeeds
check() {
	d=$1
	shift
	if "$@"; then ok "$d"; else bad "$d"; fi
}
# all CMD... [-and CMD...]...: every command succeeds (for check: in
# 'check D [ a ] && [ b ]' only the first test is the check's)
all() {
	while [ $# -gt 0 ]; do
		_n=0
		for _a in "$@"; do
			[ "$_a" = -and ] && break
			_n=$((_n + 1))
		done
		_c= _i=1
		while [ $_i -le $_n ]; do
			_c="$_c \"\${$_i}\""
			_i=$((_i + 1))
		done
		eval "$_c" || return 1
		shift $_n
		[ $# -gt 0 ] && shift
	done
	return 0
}
# float comparisons: gt A B, lt A B
gt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a > b) }'; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }
# expect_exit CODE DESCRIPTION COMMAND...: the command exits with CODE
expect_exit() {
	want=$1
	d=$2
	shift 2
	"$@" >"$TMP/last.out" 2>"$TMP/last.err"
	got=$?
	if [ "$got" -eq "$want" ]; then ok "$d (exit $got)"; else
		bad "$d: exit $got, want $want; stderr: $(head -c 300 "$TMP/last.err")"; fi
}
stderr_has() { grep -q -- "$1" "$TMP/last.err"; }
# lacks PATTERN FILE...: every FILE is there and none holds PATTERN (a
# file that is missing is not a pass, as with "! grep")
lacks() {
	_pat=$1
	shift
	for _f in "$@"; do
		[ -f "$_f" ] || return 1
		grep -q -- "$_pat" "$_f" && return 1
	done
	return 0
}
# ran_lacks PATTERN COMMAND...: the command succeeds and says nothing
# matching PATTERN (a command that failed is not a pass)
ran_lacks() {
	_pat=$1
	shift
	"$@" >"$TMP/ran.out" 2>&1
	_rc=$?
	[ $_rc -eq 0 ] && lacks "$_pat" "$TMP/ran.out" && return 0
	echo "# ran_lacks '$_pat': exit $_rc, said: $(head -c 300 "$TMP/ran.out")"
	return 1
}
finish() {
	echo "RESULT $T_PASS $T_FAIL"
	[ "$T_FAIL" -eq 0 ]
}
# A test-local ALSA configuration: HOME points at $TMP, whose .asoundrc
# defines pcm.dalaba_file, the real ALSA "file" plugin over "null",
# writing a WAV file at $1.
alsa_file_pcm() {
	cat >"$TMP/.asoundrc" <<EOC
pcm.dalaba_file {
	type file
	slave.pcm "null"
	file "$1"
	format "wav"
}
EOC
}
# new_key: 32 random bytes as hex (a speaker's HELLO key)
new_key() { od -An -tx1 -N32 /dev/urandom | tr -d ' \n'; }
# speaker_conf ID ZONE KEY PORT SERVER_PK OUTPUT [HELLO_MS]: an INI on stdout
# direct_and_proxied PK PORT PROXY_PORT [HELLO_MS]: speakers 1 and 2 of
# village 110101001001 for dalaba-broadcast (speakers.txt), s1.conf talking
# to PORT, s2.conf to a tests/impair proxy on PROXY_PORT; out1/2.wav.
direct_and_proxied() {
	for _i in 1 2; do
		_k=$(new_key)
		_p=$2
		[ "$_i" = 2 ] && _p=$3
		echo "$_i 110101001001 $_k" >>speakers.txt
		speaker_conf $_i 110101001001 "$_k" $_p "$1" "wav:$TMP/out$_i.wav" \
		    ${4:-} >s$_i.conf
	done
}

# clean_asking_fec PK PORT PROXY_PORT: speakers 1-3 of village
# 110101001001 for dalaba-broadcast (speakers.txt): s1.conf talks to PORT
# (the clean reference), s2.conf and s3.conf to a tests/impair proxy on
# PROXY_PORT, s2 asking for lost packets again, s3 on FEC alone
# (retransmit = no); out1-3.wav. And src.wav, a spoken notice to stream.
clean_asking_fec() {
	for _i in 1 2 3; do
		_k=$(new_key)
		_p=$3
		[ $_i = 1 ] && _p=$2
		echo "$_i 110101001001 $_k" >>speakers.txt
		speaker_conf $_i 110101001001 "$_k" $_p "$1" "wav:$TMP/out$_i.wav" >s$_i.conf
	done
	echo 'retransmit = no' >>s3.conf
	"$TOP/$BUILD/dalaba" say --no-chime -o src.wav "各位村民请注意，今天下午两点到五点，因线路检修，全村停电，请大家提前做好准备。停电期间请不要使用电梯，注意用火安全，照顾好家里的老人和孩子。" 2>/dev/null
}
# stat_of FILE KEY: a counter of a stats file (the speakers', tests/impair's)
stat_of() { awk -v k="$2" '$1==k{print $2}' "$1" 2>/dev/null; }
speaker_conf() {
	printf '[speaker]\nid = %s\nzone = %s\nkey = %s\n[server]\naddress = 127.0.0.1\nport = %s\npublic_key = %s\n[audio]\noutput = %s\n[agent]\nhello_ms = %s\n' \
	    "$1" "$2" "$3" "$4" "$5" "$6" "${7:-500}"
}
