#!/bin/sh
# tests/run.sh — run every test and print one closing line "N passed, N failed".
#   unit tests:  $BUILD/tests/test_*   (print "RESULT <passed> <failed>")
#   end-to-end:  tests/e2e/*.sh        (the same, via tests/e2e/lib.sh)
#   fuzzing:     a short libFuzzer run per target, and a corpus replay
#   build rules: tests/compile/run.sh (code that must not compile)
# A test binary that crashes or prints no RESULT counts as one failure.
# TESTS=pattern runs only matching tests. TIER=unit|e2e|web|fuzz runs one
# tier (make check-unit, check-e2e, check-web, check-fuzz): unit needs
# neither npm nor clang; web is the tests that drive Chromium.
set -u
BUILD=${BUILD:-build}
FUZZ_DIR=${FUZZ_DIR:-build-fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-6}	# a short run each; FUZZ_SECONDS=600 for a soak
export BUILD FUZZ_DIR
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
out=$top/tests/out
rm -rf "$out"
mkdir -p "$out"

passed=0
failed=0
failures=""

tier_of() {	# test name -> its tier
	case "$1" in
	e2e/11_web|e2e/15_web_page|e2e/53_province|e2e/42_zones_urgent|e2e/44_page_zones|e2e/46_speaker_web|e2e/49_voice_web|e2e/51_listen_web) echo web ;;
	e2e/*) echo e2e ;;
	fuzz/*) echo fuzz ;;
	*) echo unit ;;
	esac
}

case "${TIER:-}" in
""|unit|e2e|web|fuzz) ;;
*) echo "TIER must be unit, e2e, web or fuzz" >&2; exit 2 ;;
esac

selected() {	# name: whether TESTS and TIER choose it
	case "$1" in *${TESTS:-}*) ;; *) return 1 ;; esac
	[ -z "${TIER:-}" ] || [ "$(tier_of "$1")" = "$TIER" ]
}
log_of() { echo "$out/$(echo "$1" | tr '/ ' '__').log"; }

run_log() {	# name, command...: run it into its log, its exit status beside
	_log=$(log_of "$1")
	shift
	"$@" >"$_log" 2>&1
	echo $? >"$_log.rc"
}

counts() {	# name -> "passed failed" from its log and exit status
	_log=$(log_of "$1")
	_rc=$(cat "$_log.rc" 2>/dev/null || echo 1)
	_line=$(grep '^RESULT ' "$_log" | tail -n 1)
	_p=0 _f=0
	if [ -n "$_line" ]; then
		_p=$(echo "$_line" | cut -d' ' -f2)
		_f=$(echo "$_line" | cut -d' ' -f3)
	fi
	if [ "$_rc" -ne 0 ] && [ "$_f" -eq 0 ]; then
		_f=1	# crashed, or failed before counting
	fi
	echo "$_p $_f $_rc"
}

report() {	# name: its line, and what failed
	set -- "$1" $(counts "$1")
	_log=$(log_of "$1")
	if [ "$3" -gt 0 ]; then
		printf '%-40s %4d passed, %d FAILED (log: %s)\n' "$1" "$2" "$3" "$_log"
		grep -E '^FAIL' "$_log" | head -n 20 | sed 's/^/    /'
		[ "$4" -ne 0 ] && tail -n 5 "$_log" | sed 's/^/    | /'
	else
		printf '%-40s %4d passed\n' "$1" "$2"
	fi
}

tally() {	# name: add its counts to the totals
	set -- "$1" $(counts "$1")
	passed=$((passed + $2))
	failed=$((failed + $3))
	[ "$3" -gt 0 ] && failures="$failures $1"
	return 0
}

run_one() {	# name, command...
	selected "$1" || return 0
	run_log "$@"
	report "$1"
	tally "$1"
}

# What the compiler must refuse (SQL values bound by their C type).
run_one "build/compile_rules" sh tests/compile/run.sh
# The modules depend one way, through public headers; and the check
# itself catches a private include and an upward one.
run_one "build/layers" sh tests/layers.sh
run_one "build/layers_catches" sh -c '
	t=$(mktemp -d) && mkdir -p "$t/web-admin" "$t/scheduler" &&
	echo "#include \"scheduler/daemon.h\"" >"$t/web-admin/x.c" &&
	echo "#include \"web-admin/web.h\"" >"$t/scheduler/y.c" &&
	out=$(LAYERS_ROOT=$t sh tests/layers.sh); rc=$?; rm -rf "$t"
	p=0; f=0
	for want in "web-admin/x.c includes scheduler/daemon.h, a private" \
	    "scheduler/y.c includes web-admin/web.h: scheduler/ may not use"; do
		case "$out" in *"$want"*) p=$((p + 1)) ;;
		*) f=$((f + 1)); echo "FAIL - not caught: $want" ;; esac
	done
	[ $rc -ne 0 ] && p=$((p + 1)) || { f=$((f + 1)); echo "FAIL - exit 0"; }
	echo "RESULT $p $f"'

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	run_one "unit/$(basename "$t")" "$t"
done

# Races, under AddressSanitizer.
for t in "$BUILD"/tests/asan_*; do
	[ -x "$t" ] || continue
	run_one "asan/$(basename "$t" | sed 's/^asan_//')" "$t"
done

# End-to-end tests wait on real time (audio plays at its own pace), so
# E2E_JOBS of them run at once (2 unless told): each worker claims the next
# test not yet claimed (mkdir is atomic) and prints its line when it ends;
# the totals are added up afterwards, in order. Ports derive from each
# test's own PID, so tests running side by side do not meet.
e2e_tests=""
for t in tests/e2e/[0-9]*.sh; do
	[ -f "$t" ] && selected "e2e/$(basename "$t" .sh)" && e2e_tests="$e2e_tests $t"
done
e2e_worker() {
	for t in $e2e_tests; do
		name=e2e/$(basename "$t" .sh)
		mkdir "$out/claimed_$(basename "$t" .sh)" 2>/dev/null || continue
		# A test that hangs is stopped (TERM: its lib.sh trap stops what
		# it started) and counted as failed.
		run_log "$name" timeout -k 10 "${E2E_TIMEOUT:-600}" sh "$t"
		report "$name"
	done
}
if [ -n "$e2e_tests" ]; then
	j=0
	while [ $j -lt "${E2E_JOBS:-2}" ]; do
		e2e_worker &
		j=$((j + 1))
	done
	wait
	for t in $e2e_tests; do tally "e2e/$(basename "$t" .sh)"; done
fi

# Fuzzing: replay the stored corpora (regressions), then fuzz briefly.
for corpus in tests/fuzz/corpus/*; do
	target=$(basename "$corpus")
	run_one "fuzz/replay_$target" sh -c \
	    "'$BUILD/tests/replay_$target' '$corpus'/* && echo 'RESULT 1 0'"
	if [ -x "$FUZZ_DIR/fuzz_$target" ]; then
		scratch=$out/fuzz_$target
		mkdir -p "$scratch"
		run_one "fuzz/libfuzzer_$target" sh -c \
		    "'$FUZZ_DIR/fuzz_$target' -max_total_time=$FUZZ_SECONDS \
		    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		    -artifact_prefix='$scratch/' '$scratch' '$corpus' && echo 'RESULT 1 0'"
	fi
done

[ -n "$failures" ] && echo "failed:$failures"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
