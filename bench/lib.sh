# bench/lib.sh — sourced by the benchmark scripts (POSIX sh). A figure is
# printed only when it was measured: a run that lost a tool, a process or
# its input must not print -nan or a difference against an empty string as
# if it were a result. bench_fig prints a figure or says why it cannot;
# bench_skip names a figure whose inputs are missing; bench_done ends the
# script non-zero if any figure was not printed, so `make bench` fails.
# The caller sets BENCH_NAME (for messages) before sourcing.
BENCH_NAME=${BENCH_NAME:-bench}
BENCH_MISSING=

# bench_skip FIGURE WHY: FIGURE was not measured, and WHY (on stderr)
bench_skip() {
	echo "$BENCH_NAME: $1 not measured: $2" >&2
	BENCH_MISSING="$BENCH_MISSING $1"
}

# bench_num VALUE [MIN MAX]: VALUE is a plain decimal number (not nan, inf
# or empty), within [MIN, MAX] when they are given
bench_num() {
	awk -v v="$1" -v lo="${2-}" -v hi="${3-}" 'BEGIN {
	    if (v !~ /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/) exit 1
	    if (lo != "" && v + 0 < lo + 0) exit 1
	    if (hi != "" && v + 0 > hi + 0) exit 1 }'
}

# bench_pos VALUE...: each VALUE is a number greater than zero (a count or
# time that something really happened)
bench_pos() {
	for _v in "$@"; do
		bench_num "$_v" && awk -v v="$_v" 'BEGIN { exit !(v + 0 > 0) }' ||
		    return 1
	done
}

# bench_fig FIGURE VALUE UNIT MIN MAX [NOTE]: print "BENCH FIGURE VALUE UNIT
# [NOTE]" when VALUE is a number in [MIN, MAX] (what is plausible, so a
# garbage difference is caught too); otherwise bench_skip it. UNIT "-" is
# a ratio (printed without a unit, as before).
bench_fig() {
	_u=" $3"
	[ "$3" = - ] && _u=
	if ! bench_num "$2"; then
		bench_skip "$1" "value '$2' is not a number"
		return 1
	fi
	if ! bench_num "$2" "$4" "$5"; then
		bench_skip "$1" "$2$_u is outside the plausible $4..$5"
		return 1
	fi
	echo "BENCH $1 $2$_u${6:+ $6}"
}

# bench_done: the script's end; exit 1 when any figure went unmeasured
bench_done() {
	if [ -n "$BENCH_MISSING" ]; then
		echo "$BENCH_NAME: FAILED, not measured:$BENCH_MISSING" >&2
		exit 1
	fi
	exit 0
}
