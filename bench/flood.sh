#!/bin/sh
# bench/flood.sh — a loudspeaker box on a small board's CPU budget, flooded
# with well-shaped forged packets (tests/flood: our RTP shape, its zone, a
# time in its window, the emergency class, an attacker's signature and a
# guessed ticket) while dalaba-broadcast streams it a notice. The flooded
# box runs on one core, in a cgroup that gives it a quarter of it (about
# what a small ARM board's core does against this machine's); a second
# box of the same village, unflooded, is the reference. Real processes on
# loopback.
#
#   flood_genuine_played_pct   frames of the notice the flooded box played
#                              from packets, of those the reference played
#                              (target 100)
#   flood_box_cpu_pct          the flooded box's CPU, of one core, while the
#                              flood ran
#   flood_forged_checked       signatures the flooded box checked that were
#                              not the notice's (target 0)
#   flood_pps                  forged packets a second the box refused
#   spoofed_hello_bytes_ratio  bytes a victim receives from the server per
#                              byte an attacker sends it as the victim: a
#                              HELLO sniffed off the loopback interface
#                              (tests/spoof, AF_PACKET) sent again 2000
#                              times from the victim's address (a raw IP
#                              socket) while a notice plays to that box
#                              (target <= 1; the box must play it whole)
#
# FLOOD_RATE (default 100000, more than a 100 Mbit/s link carries of these
# packets) and FLOOD_CPU_PCT (default 25) change the attack and the budget.
# Without a cgroup it can write (v1 cpu or v2 cpu.max), the box has its one
# core whole, and the note says so.
set -u
BUILD=${BUILD:-build}
TOP=$(cd "$(dirname "$0")/.." && pwd)
B=$TOP/$BUILD
RATE=${FLOOD_RATE:-100000}
BUDGET=${FLOOD_CPU_PCT:-25}
BENCH_NAME=bench/flood
. "$TOP/bench/lib.sh"
T=$(mktemp -d /tmp/dalaba-bench-flood.XXXXXX)
P1= P2= FP= CG=
cleanup() {
	kill $P1 $P2 $FP 2>/dev/null
	wait 2>/dev/null
	[ -n "$CG" ] && rmdir "$CG" 2>/dev/null
	[ -n "${KEEP_TMP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
cd "$T"
pin0= pin1=
[ "$(nproc)" -ge 2 ] && pin0="taskset -c 0" pin1="taskset -c 1"
PORT=$((20000 + ($$ + 61) % 20000))
. "$TOP/tests/e2e/loopback.sh"	# wait_until, box_port
stat_of() { awk -v k="$2" '$1 == k { print $2 }' "$1" 2>/dev/null; }
# cpu_ticks PID: user + system time so far, in clock ticks
cpu_ticks() { awk '{ print $14 + $15 }' /proc/"$1"/stat 2>/dev/null; }
# budget PID: put it in a cgroup with BUDGET % of one core; 0 if done
budget() {
	_q=$((BUDGET * 1000))
	if [ -w /sys/fs/cgroup/cgroup.subtree_control ] &&
	    grep -qw cpu /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then
		echo +cpu >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null
		CG=/sys/fs/cgroup/dalaba-bench-flood-$$
		mkdir "$CG" 2>/dev/null && echo "$_q 100000" >"$CG/cpu.max" &&
		    echo "$1" >"$CG/cgroup.procs" && return 0
	elif [ -d /sys/fs/cgroup/cpu ]; then
		CG=/sys/fs/cgroup/cpu/dalaba-bench-flood-$$
		mkdir "$CG" 2>/dev/null && echo 100000 >"$CG/cpu.cfs_period_us" &&
		    echo "$_q" >"$CG/cpu.cfs_quota_us" && echo "$1" >"$CG/tasks" &&
		    return 0
	fi
	[ -n "$CG" ] && rmdir "$CG" 2>/dev/null
	CG=
	return 1
}

PK=$("$B/dalaba-broadcast" --key server.key --pubkey)
for i in 1 2; do
	k=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
	echo "$i 110101001001 $k" >>speakers.txt
	printf '[speaker]\nid = %s\nzone = 110101001001\nkey = %s\n[server]\naddress = 127.0.0.1\nport = %s\npublic_key = %s\n[audio]\noutput = null\n[agent]\nhello_ms = 300\n' \
	    $i "$k" $PORT "$PK" >s$i.conf
done
"$B/dalaba" say --no-chime -o src.wav "各位村民请注意，今天下午两点到五点，因线路检修，全村停电，请大家提前做好准备。停电期间请不要使用电梯，注意用火安全，照顾好家里的老人和孩子。" 2>say.err ||
    { bench_skip flood_genuine_played_pct "dalaba say failed: $(cat say.err)"; bench_done; }

"$B/dalaba-speaker" -c s1.conf --stats s1.stats 2>s1.err &
P1=$!
$pin1 "$B/dalaba-speaker" -c s2.conf --stats s2.stats 2>s2.err &
P2=$!
wait_until 10 box_port $P2 >/dev/null
port2=$(box_port $P2)
if budget $P2; then
	note="$RATE forged/s, the box on $BUDGET % of one core"
else
	note="$RATE forged/s, the box on one whole core (no cgroup to limit it)"
fi
$pin0 "$B/tests/flood" 127.0.0.1 "${port2:-9}" 110101001001 120 "$RATE" \
    >flood.out 2>flood.err &
FP=$!
sleep 1
c0=$(cpu_ticks $P2) t0=$(date +%s.%N)
$pin0 "$B/dalaba-broadcast" --key server.key --speakers speakers.txt \
    --port $PORT --zone 110101001001 --wait-speakers 2 --wav src.wav 2>bc.err
brc=$?
c1=$(cpu_ticks $P2) t1=$(date +%s.%N)
kill $FP 2>/dev/null
wait $FP 2>/dev/null
FP=
sleep 0.6
kill $P2
wait $P2 2>/dev/null
P2=

# The spoofer: box 1's HELLOs replayed from a victim's address while a
# notice plays to box 1 alone (box 2 is gone: the broadcast waits for 1).
first1=$(stat_of s1.stats played)
head -n 1 speakers.txt >speakers1.txt
$pin0 "$B/dalaba-broadcast" --key server.key --speakers speakers1.txt \
    --port $PORT --zone 110101001001 --wait-speakers 1 --wav src.wav 2>bc2.err &
BP=$!
sleep 1
"$B/tests/spoof" $PORT $((PORT + 2)) 2000 >spoof.out 2>spoof.err
src=$?
wait $BP
brc2=$?
sleep 0.6
kill $P1
wait $P1 2>/dev/null
P1=

[ $brc -eq 0 ] || bench_skip flood_genuine_played_pct "the broadcast failed: $(tail -n 2 bc.err)"
p1=$first1 p2=$(stat_of s2.stats played)
ver=$(stat_of s2.stats verified) rec=$(stat_of s2.stats received)
tick=$(stat_of s2.stats dropped_bad_ticket)
secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
echo "# flood: $(stat_of flood.out sent) sent at $(stat_of flood.out rate)/s; box refused ${tick:-?} by ticket; checked ${ver:-?} signatures for ${rec:-?} packets taken; played ${p2:-?} (FEC $(stat_of s2.stats fec_recovered), PLC $(stat_of s2.stats concealed)) against ${p1:-?}" >&2
if [ $brc -eq 0 ] && bench_pos "${p1:-}" && bench_num "${p2:-}"; then
	bench_fig flood_genuine_played_pct \
	    "$(awk -v a="$p2" -v b="$p1" 'BEGIN { printf "%.1f", 100 * a / b }')" % 0 100 "$note"
else
	bench_skip flood_genuine_played_pct "a box played nothing (${p1:-?}, ${p2:-?})"
fi
if bench_pos "${c0:-}" "${c1:-}" "$secs"; then
	bench_fig flood_box_cpu_pct "$(awk -v a="$c0" -v b="$c1" -v s="$secs" \
	    -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", 100 * (b - a) / hz / s }')" \
	    % 0 100 "$note"
else
	bench_skip flood_box_cpu_pct "no CPU reading of the box"
fi
if bench_num "${ver:-}" && bench_num "${rec:-}" && bench_pos "${tick:-}"; then
	bench_fig flood_forged_checked $((ver - rec)) - 0 100000000
	bench_fig flood_pps "$(awk -v n="$tick" -v s="$(stat_of flood.out seconds)" \
	    'BEGIN { if (s > 0) printf "%.0f", n / s; else print "none" }')" \
	    pkt/s 1 100000000 "refused by the box, of $(stat_of flood.out rate)/s sent"
else
	bench_skip flood_forged_checked "no counts from the box"
	bench_skip flood_pps "no counts from the box"
fi
second1=$(( $(stat_of s1.stats played) - ${first1:-0} ))
sb=$(stat_of spoof.out sent_bytes) vb=$(stat_of spoof.out victim_bytes)
echo "# spoofer: $sb bytes sent as the victim, $vb bytes ($(stat_of spoof.out victim_packets) packets) reached it; box 1 played $second1 of ${first1:-?} frames meanwhile" >&2
if [ $src -ne 0 ]; then
	bench_skip spoofed_hello_bytes_ratio "tests/spoof failed: $(cat spoof.err)"
elif [ $brc2 -ne 0 ] || [ "$second1" -lt $(( ${first1:-0} * 98 / 100 )) ]; then
	bench_skip spoofed_hello_bytes_ratio "box 1 did not play the second notice whole ($second1 of $first1)"
elif bench_pos "${sb:-}" && bench_num "${vb:-}"; then
	bench_fig spoofed_hello_bytes_ratio "$(awk -v v="$vb" -v s="$sb" 'BEGIN { printf "%.4f", v / s }')" \
	    - 0 1000 "($sb bytes sent as the victim, $vb received; the box played its notice whole)"
else
	bench_skip spoofed_hello_bytes_ratio "no counts from tests/spoof"
fi
bench_done
