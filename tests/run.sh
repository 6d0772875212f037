#!/bin/sh
# tests/run.sh — run every test and print one closing line "N passed, N failed".
#   unit tests:  $BUILD/tests/test_*   (print "RESULT <passed> <failed>")
#   end-to-end:  tests/e2e/*.sh        (the same, via tests/e2e/lib.sh)
#   fuzzing:     a short libFuzzer run per target, and a corpus replay
#   build rules: tests/compile/run.sh (code that must not compile)
# A test binary that crashes or prints no RESULT counts as one failure.
# TESTS=pattern runs only matching tests.
set -u
BUILD=${BUILD:-build}
FUZZ_DIR=${FUZZ_DIR:-build-fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-15}
export BUILD FUZZ_DIR
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
out=$top/tests/out
rm -rf "$out"
mkdir -p "$out"

passed=0
failed=0
failures=""

run_one() {	# name, command...
	name=$1
	shift
	case "$name" in *${TESTS:-}*) ;; *) return ;; esac
	log=$out/$(echo "$name" | tr '/ ' '__').log
	"$@" >"$log" 2>&1
	rc=$?
	line=$(grep '^RESULT ' "$log" | tail -n 1)
	if [ -n "$line" ]; then
		p=$(echo "$line" | cut -d' ' -f2)
		f=$(echo "$line" | cut -d' ' -f3)
	else
		p=0
		f=0
	fi
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1	# crashed, or failed before counting
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$f" -gt 0 ]; then
		failures="$failures $name"
		printf '%-40s %4d passed, %d FAILED (log: %s)\n' "$name" "$p" "$f" "$log"
		grep -E '^FAIL' "$log" | head -n 20 | sed 's/^/    /'
		[ "$rc" -ne 0 ] && tail -n 5 "$log" | sed 's/^/    | /'
	else
		printf '%-40s %4d passed\n' "$name" "$p"
	fi
}

# What the compiler must refuse (SQL values bound by their C type).
run_one "build/compile_rules" sh tests/compile/run.sh

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	run_one "unit/$(basename "$t")" "$t"
done

# Races, under AddressSanitizer.
for t in "$BUILD"/tests/asan_*; do
	[ -x "$t" ] || continue
	run_one "asan/$(basename "$t" | sed 's/^asan_//')" "$t"
done

for t in tests/e2e/[0-9]*.sh; do
	[ -f "$t" ] || continue
	# A test that hangs is stopped (TERM: its lib.sh trap stops what it
	# started) and counted as failed.
	run_one "e2e/$(basename "$t" .sh)" timeout -k 10 "${E2E_TIMEOUT:-600}" \
	    sh "$t"
done

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
