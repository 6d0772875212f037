#!/bin/sh
# bench/carry.sh — store and forward (断网续播) at a village's scale: real
# dalabad, BOXES real dalaba-speaker agents of one village behind
# tests/impair, a notice scheduled for a slot and carried to them ahead of
# it; the link of every box is cut from CUT_BEFORE seconds before the slot
# to CUT_AFTER after. What is measured is physical: when each box's first
# frame of the notice is heard (its trace, on the CLOCK_MONOTONIC all the
# processes share), against the slot plus the play-out delay.
#
#   offline_slot_on_time_pct   boxes that aired the item within 1 s of its
#                              slot while cut off, of all (target 100)
#   offline_onset_max_ms       the latest box's first frame after the slot
#   offline_spread_ms          first frames, latest minus earliest: how far
#                              apart the horns of the village start
#   offline_logged_pct         boxes the broadcast log counts confirmed
#                              (from their copies) within 60 s of the link
#                              returning
#   carry_bytes_per_box        what carrying the item cost box 1's link
#   carry_link_ratio           that, over the bytes of the copy it keeps
#                              (1.0: each packet crossed the link once)
#
# BOXES (default 8), CUT_BEFORE (default 60), CUT_AFTER (default 60). The
# slot is a whole minute (schedules are to the minute), so a run takes
# 2.5 to 4 minutes.
set -u
BUILD=${BUILD:-build}
TOP=$(cd "$(dirname "$0")/.." && pwd)
B=$TOP/$BUILD
BOXES=${BOXES:-8}
CUT_BEFORE=${CUT_BEFORE:-60}
CUT_AFTER=${CUT_AFTER:-60}
BENCH_NAME=bench/carry NAME=carry
. "$TOP/bench/lib.sh"
T=$(mktemp -d /tmp/dalaba-bench-carry.XXXXXX)
PIDS= IP=
cleanup() {
	kill $PIDS $IP 2>/dev/null
	[ -n "${DPID:-}" ] && kill "$DPID" 2>/dev/null
	wait 2>/dev/null
	[ -n "${KEEP_TMP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
cd "$T"
. "$TOP/bench/daemon.sh"
SPK=$B/dalaba-speaker
PPORT=$((PORT + 1))

loopback_conf "$T/state" "$PORT" 5 127.0.0.1 "timezone = Asia/Shanghai
render_ahead_minutes = $(( (CUT_BEFORE + 30 + 59) / 60 ))" "delay_ms = 600" >d.conf
start
"$DALABA" zone add 110101001 城关镇 >/dev/null &&
    "$DALABA" zone add 110101001001 东村 --quiet 00:00-00:00 >/dev/null ||
    die "zones could not be added"
i=1
while [ $i -le "$BOXES" ]; do
	mkdir "box$i"
	"$DALABA" speaker add $i --zone 110101001001 --name "喇叭$i" >"add$i.out" &&
	    "$SPK" --enroll $(awk '/--enroll/ { print $3, $4, $5 }' "add$i.out") \
	    -c "box$i/speaker.conf" -o "wav:$T/out$i.wav" >"enrol$i.out" 2>"enrol$i.err" ||
	    die "box $i did not enrol"
	sed -i "s/^port = .*/port = $PPORT/" "box$i/speaker.conf"
	printf '[agent]\nhello_ms = 1000\n' >>"box$i/speaker.conf"
	i=$((i + 1))
done
now=$(date +%s)
lead=$(( (CUT_BEFORE + 30 + 59) / 60 * 60 ))
SLOT=$(( (now + lead + 20 + 59) / 60 * 60 ))
"$B/tests/impair" $PPORT $PORT $((SLOT - now + CUT_AFTER + 120)) 0 0 0 0 11 \
    $(( (SLOT - CUT_BEFORE - now) * 1000 )) $(( (CUT_BEFORE + CUT_AFTER) * 1000 )) \
    >impair.txt &
IP=$!
i=1
while [ $i -le "$BOXES" ]; do
	"$SPK" -c "box$i/speaker.conf" --stats "s$i.stats" --trace "t$i.txt" 2>"spk$i.err" &
	PIDS="$PIDS $!"
	i=$((i + 1))
done
wait_online "$BOXES"
"$DALABA" notice add --zone 110101001001 --no-chime \
    "各位村民请注意，今天下午三点，村委会召开村民大会，讨论今年的道路修建和自来水改造，请每户派一名代表参加。" >n.out
N=$(awk '/^notice [0-9]+ stored/ { print $2 }' n.out)
"$DALABA" schedule add "$N" --at "$(TZ=Asia/Shanghai date -d "@$SLOT" '+%Y-%m-%d %H:%M')" \
    >/dev/null || die "the notice could not be scheduled"
echo "$NAME: $BOXES boxes, slot in $((SLOT - now)) s, cut from $CUT_BEFORE s before to $CUT_AFTER s after" >&2
# (not _n: wait_until counts with it)
held() {
	_h=0
	for _f in s*.stats; do
		[ "$(awk '$1 == "carried_held" { print $2 }' "$_f")" = 1 ] && _h=$((_h + 1))
	done
	[ "$_h" = "$BOXES" ]
}
wait_until $((SLOT - CUT_BEFORE - $(date +%s) - 2)) held ||
    echo "$NAME: not every box held the item before the cut" >&2
# Past the slot and the notice (about 20 s), then the link returns.
sleep $((SLOT + CUT_AFTER - $(date +%s) + 2))

python3 - "$SLOT" "$BOXES" >onsets.txt <<'EOF'
import sys, time
slot, n = int(sys.argv[1]), int(sys.argv[2])
off = time.time() - time.clock_gettime(time.CLOCK_MONOTONIC)
for i in range(1, n + 1):
    try:
        first = open("t%d.txt" % i).readline().split()
        print("%.1f" % ((int(first[5]) / 1e6 + off - (slot + 0.6)) * 1000))
    except (OSError, IndexError, ValueError):
        print("none")
EOF
on_time=$(awk -v n="$BOXES" '$1 != "none" && ($1 < 0 ? -$1 : $1) <= 1000 { k++ }
    END { printf "%.1f", 100 * k / n }' onsets.txt)
heard=$(grep -vc none onsets.txt)
bench_fig offline_slot_on_time_pct "$on_time" pct 0 100 "($heard of $BOXES boxes heard it)"
if [ "$heard" -gt 0 ]; then
	bench_fig offline_onset_max_ms "$(grep -v none onsets.txt | sort -n | tail -n 1)" ms -1000 100000
	bench_fig offline_spread_ms "$(grep -v none onsets.txt | sort -n | awk 'NR == 1 { a = $1 } { b = $1 } END { printf "%.1f", b - a }')" ms 0 100000
else
	bench_skip offline_onset_max_ms "no box heard the item"
	bench_skip offline_spread_ms "no box heard the item"
fi
logged() {
	[ "$(sqlite3 -cmd '.timeout 5000' state/dalaba.db "SELECT count(*) FROM broadcast_speakers bs JOIN broadcasts b ON b.id = bs.broadcast_id WHERE b.notice_id = $N AND bs.confirmed = 1 AND bs.from_copy = 1")" = "$BOXES" ]
}
wait_until 60 logged
n_logged=$(sqlite3 -cmd '.timeout 5000' state/dalaba.db "SELECT count(*) FROM broadcast_speakers bs JOIN broadcasts b ON b.id = bs.broadcast_id WHERE b.notice_id = $N AND bs.confirmed = 1 AND bs.from_copy = 1")
bench_fig offline_logged_pct "$(awk -v a="$n_logged" -v n="$BOXES" 'BEGIN { printf "%.1f", 100 * a / n }')" pct 0 100
# What carrying cost each box's link: every carried packet it took in
# (repeats of a pass included), against the bytes of the one copy it
# keeps: 1.0 when each packet crossed the link once.
rx=$(awk '$1 == "carried_rx_bytes" { print $2 }' s1.stats)
item=$(awk '$1 == "carried_item_bytes" { print $2 }' s1.stats)
if bench_pos "${rx:-0}" "${item:-0}"; then
	bench_fig carry_bytes_per_box "$rx" bytes 1 100000000 "(box 1; its copy is $item bytes)"
	bench_fig carry_link_ratio "$(awk -v a="$rx" -v b="$item" 'BEGIN { printf "%.2f", a / b }')" - 0.5 100
else
	bench_skip carry_bytes_per_box "box 1 counted no carried bytes"
	bench_skip carry_link_ratio "box 1 counted no carried bytes"
fi
bench_done
