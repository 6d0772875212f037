# 32_clock_step.sh — the server's clock was 45 s fast while it aired a
# notice (libfaketime), then NTP corrected it and dalabad started again.
# The presentation times on the wire must go on past every one sent
# before: were they to go back 45 s, packets captured then would play as
# new 45 s later (a captured emergency page aired again in full). The box
# stays with the restarted server and plays the next notice.
. tests/e2e/lib.sh
. tests/e2e/daemon.sh
cd "$TMP"
[ -n "$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null)" ] || { echo "FAIL - faketime is not installed"; echo "RESULT 0 1"; exit 1; }

REAL=$DALABAD
# libfaketime preloaded into dalabad itself (the faketime program would
# stand between it and its signals).
LIBFT=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -n1)
cat >fast.sh <<EOS
#!/bin/sh
LD_PRELOAD=$LIBFT FAKETIME=+45s FAKETIME_DONT_FAKE_MONOTONIC=1 exec "$REAL" "\$@"
EOS
chmod +x fast.sh
dalabad_conf >d.conf
DALABAD=$TMP/fast.sh
start_dalabad d.conf d.log
"$DALABA" zone add 110101001001 东村 --quiet 00:00-00:00 >/dev/null
enrol 1 110101001001
check "a loudspeaker enrols" [ -n "${SPK_1:-}" ]
online() { "$DALABA" speaker list | grep -q ' online '; }
check "it comes online" wait_until 15 online
# Again with a trace of what it plays.
kill ${SPK_1:-} 2>/dev/null; wait ${SPK_1:-0} 2>/dev/null
"$SPK" -c spk1.conf --stats spk1.stats --trace t.trace 2>spk1.err & SPK_1=$!
"$DALABA" notice add --zone 110101001001 --no-chime --now "东村村民请注意，今天下午三点开会。" >n1.out
N1=$(notice_id n1.out)
check "a notice airs while the server's clock is 45 s fast" wait_until 60 aired "$N1"
sleep 1
# The trace: ssrc seq heard_local heard_server written_server (µs).
first=$(awk 'NF >= 6 { print $1; exit }' t.trace)
last1=$(awk -v s="$first" '$1 == s && $5 > m { m = $5 } END { printf "%.0f\n", m }' t.trace)
stop_dalabad
check "dalabad stopped cleanly" [ "$DRC" = 0 ]
check "it kept its timeline" test -s "$STATE/timeline"

DALABAD=$REAL	# the clock corrected
start_dalabad d.conf d.log
check "restarted, it says the system clock is behind what it sent" \
    grep -q 'timeline: the system clock is 4[0-9].[0-9] s behind' d.log
check "the box is taken back" wait_until 15 online
"$DALABA" notice add --zone 110101001001 --no-chime --now "东村村民请注意，会议改到四点。" >n2.out
N2=$(notice_id n2.out)
check "the next notice airs" wait_until 60 aired "$N2"
sleep 1
kill $SPK_1; wait $SPK_1 2>/dev/null
first2=$(awk -v s="$first" 'NF >= 6 && $1 != s { print $5; exit }' t.trace)
echo "# last time of the first notice $last1, first of the second $first2"
check "the box played the second notice" [ -n "$first2" ]
check "its presentation times are past all of the first's ($(( (${first2:-0} - last1) / 1000 )) ms later)" \
    [ "${first2:-0}" -gt "$last1" ]
finish
