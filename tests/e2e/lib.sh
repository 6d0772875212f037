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
trap "${KEEP_TMP:+:} rm -rf \"\$TMP\"" EXIT

ok() { echo "ok - $1"; T_PASS=$((T_PASS + 1)); }
bad() { echo "FAIL - $1"; T_FAIL=$((T_FAIL + 1)); }
# check DESCRIPTION COMMAND...: passes when the command succeeds
check() {
	d=$1
	shift
	if "$@"; then ok "$d"; else bad "$d"; fi
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
speaker_conf() {
	printf '[speaker]\nid = %s\nzone = %s\nkey = %s\n[server]\naddress = 127.0.0.1\nport = %s\npublic_key = %s\n[audio]\noutput = %s\n[agent]\nhello_ms = %s\n' \
	    "$1" "$2" "$3" "$4" "$5" "$6" "${7:-500}"
}
