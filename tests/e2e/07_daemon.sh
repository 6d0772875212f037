# 07_daemon.sh — dalabad end to end: two villages of one township, each
# with a real dalaba-speaker enrolled through the CLI's token and writing
# WAV; a village notice reaches only its village, a township notice both;
# a county-class item pre-empts a village one, which re-airs; quiet hours
# hold routine items; SIGTERM stops cleanly and a restart keeps the state.
. tests/e2e/lib.sh
. tests/e2e/daemon.sh
cd "$TMP"

dalabad_conf >d.conf
check "dalabad -n accepts the test configuration" "$DALABAD" -n -c d.conf
start_dalabad d.conf d.log
check "dalabad is up and its API answers the CLI" "$DALABA" status
check "dalabad logs the phrase dictionary it loaded" \
    grep -q "phrase dictionary: [0-9][0-9]* words from .*phrases.txt" d.log

"$DALABA" zone add 110101001 城关镇 --quiet 00:00-00:00 >/dev/null
"$DALABA" zone add 110101001001 东村 --quiet 00:00-00:00 >/dev/null
"$DALABA" zone add 110101001002 西村 --quiet 00:00-00:00 >/dev/null
check "three zones listed" [ "$("$DALABA" zone list | grep -c '^1101')" = 3 ]
check "speaker 1 enrolled in 东村 with the printed command" enrol 1 110101001001
check "speaker 2 enrolled in 西村" enrol 2 110101001002
check "both speakers come online" wait_until 15 sh -c \
    "'$DALABA' speaker list | grep -c ' online ' | grep -qx 2"

# --- a village notice reaches its village only ---------------------------------
"$DALABA" notice add --zone 110101001001 --title 通知 --no-chime --now \
    "东村村民请注意，明天上午9:00在村委会开会。" >n1.out
N1=$(notice_id n1.out)
check "the CLI acknowledged the village notice ($N1)" [ -n "$N1" ]
check "it aired" wait_until 40 aired "$N1"
p1=$(stat 1 played); p2=$(stat 2 played)
check "东村's speaker played it ($p1 frames)" [ "${p1:-0}" -gt 30 ]
check "西村's speaker played nothing ($p2 frames)" [ "${p2:-1}" -eq 0 ]
check "东村 confirmed playing: 1 of 1 target" \
    [ "$(q "SELECT count(*) || '/' || sum(confirmed) FROM broadcast_speakers WHERE broadcast_id = (SELECT id FROM broadcasts WHERE notice_id = $N1)")" = 1/1 ]
check "notice show reports aired, confirmed 1/1" \
    sh -c "'$DALABA' notice show $N1 | grep -q 'aired  *1/1'"
# The horn processing ([audio] horn_highpass_hz, default 300): what the box
# played has lost the voice's energy below 200 Hz; the render cache (what
# downloads and previews serve) has kept it.
cp out1.wav heard1.wav
render1=$(ls -t "$STATE"/render/*.wav | head -1)
low_cached=$("$WAVPROBE" below "$render1" 200)
low_heard=$("$WAVPROBE" below heard1.wav 200)
check "the render holds the voice below 200 Hz (share $low_cached)" gt "$low_cached" 0.01
check "the loudspeaker played it high-passed (share $low_heard)" \
    awk "BEGIN { exit !($low_heard * 10 < $low_cached) }"

# --- a township notice reaches both ----------------------------------------------
"$DALABA" notice add --zone 110101001 --no-chime --now "全镇居民请注意，今天下午停水。" >n2.out
N2=$(notice_id n2.out)
check "the township notice aired" wait_until 40 aired "$N2"
p2b=$(stat 2 played)
check "西村's speaker played the township notice ($p2b frames)" [ "${p2b:-0}" -gt 30 ]
check "both speakers confirmed it" [ "$(q "SELECT sum(confirmed) FROM broadcast_speakers WHERE broadcast_id = (SELECT id FROM broadcasts WHERE notice_id = $N2)")" = 2 ]

# --- pre-emption and re-air ----------------------------------------------------------
s1=$(stat 1 streams)
"$DALABA" notice add --zone 110101001001 --repeat 3 --now \
    "东村村民请注意，本周六上午8:30，村卫生室为60岁以上的老人免费体检。" >n3.out
N3=$(notice_id n3.out)
check "the long village notice goes on air" wait_until 20 on_air "$N3"
sleep 2
"$DALABA" notice add --zone 110101001 --class county --no-chime --now "县里通知：明天有大风。" >n4.out
N4=$(notice_id n4.out)
check "the county-class item aired" wait_until 40 aired "$N4"
check "the village notice was pre-empted (logged)" grep -q "broadcast .* (notice $N3) pre-empted" d.log
check "and re-aired to the end" wait_until 90 aired "$N3"
check "its broadcast counts one interruption" [ "$(q "SELECT interruptions FROM broadcasts WHERE notice_id = $N3")" = 1 ]
check "one broadcast row for it, not two" [ "$(q "SELECT count(*) FROM broadcasts WHERE notice_id = $N3")" = 1 ]
s1b=$(stat 1 streams)
check "东村's speaker heard village, county, village again ($s1 -> $s1b streams)" [ $((s1b - s1)) -eq 3 ]
check "no packet of a new stream was taken for a replay of the last one" \
    [ "$(stat 1 dropped_replayed)$(stat 2 dropped_replayed)" = 00 ]
s2=$(stat 2 streams)
check "西村's speaker heard the county item only (streams $s2)" [ "$s2" -eq 2 ]
rms=$("$WAVPROBE" info "$TMP/out1.wav" | sed 's/.*rms=//')
check "the WAV 东村's speaker wrote holds speech (rms $rms)" gt "$rms" 0.02

# --- quiet hours hold a routine item -----------------------------------------------------
now=$(date -u +%s)
qs=$(TZ=Asia/Shanghai date -d @$((now - 3600)) +%H:%M)
qe=$(TZ=Asia/Shanghai date -d @$((now + 3600)) +%H:%M)
"$DALABA" zone add 110101001003 南村 --quiet "$qs-$qe" >/dev/null
"$DALABA" notice add --zone 110101001003 --now "南村村民请注意。" >n5.out
N5=$(notice_id n5.out)
sleep 2
check "a notice in quiet hours ($qs-$qe) is held, not aired" \
    [ "$(q "SELECT on_air_at IS NULL AND outcome IS NULL FROM broadcasts WHERE notice_id = $N5")" = 1 ]
check "the log says until when" grep -q "(notice $N5) falls in quiet hours: held until" d.log

# --- cancel, schedule listing ------------------------------------------------------------
"$DALABA" notice add --zone 110101001002 --daily 12:00,18:30 "西村新闻时间到了。" >n6.out
N6=$(notice_id n6.out)
check "the daily schedule is listed with its next slot" sh -c \
    "'$DALABA' schedule list | grep -q '^[0-9]* *$N6 *daily *12:00,18:30 *110101001002 *20'"
check "notice cancel works" "$DALABA" notice cancel "$N6"
check "a cancelled notice's schedule leaves the list" \
    ran_lacks " $N6 " "$DALABA" schedule list
expect_exit 1 "cancelling it again is refused" "$DALABA" notice cancel "$N6"
check "... saying why" stderr_has "already cancelled"

# --- SIGHUP reloads the configuration -----------------------------------------------
dalabad_conf 10 UTC >d.conf
kill -HUP $DPID
check "SIGHUP re-reads the configuration" wait_until 5 grep -q "configuration reloaded (time zone UTC)" d.log
# item_max_minutes is taken on the fly too: a notice of about 100 s read
# is refused once an item may take one minute.
long=$(for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do printf '今天下午村里开会大家来'; done)
dalabad_conf 10 UTC | sed 's/^\[dalabad\]$/[dalabad]\nitem_max_minutes = 1/' >d.conf
kill -HUP $DPID
wait_until 5 sh -c '[ "$(grep -c "configuration reloaded" d.log)" -ge 2 ]'
expect_exit 1 "after a reload to item_max_minutes = 1, a notice of about 100 s is refused" \
    "$DALABA" notice add --zone 110101001001 --no-chime "$long"
check "... saying it would run too long" stderr_has "item_max_minutes"
dalabad_conf 10 UTC >d.conf
kill -HUP $DPID
wait_until 5 sh -c '[ "$(grep -c "configuration reloaded" d.log)" -ge 3 ]'
printf '[dalabad]\ntimezone = Nowhere/Atlantis\n' >>d.conf
kill -HUP $DPID
check "a broken file on SIGHUP is refused, the running one kept" \
    wait_until 5 grep -q "reload: .*keeping the running configuration" d.log
check "and dalabad keeps serving" "$DALABA" status
dalabad_conf >d.conf

# --- stop and restart ------------------------------------------------------------------------
"$DALABA" notice add --zone 110101001002 --repeat 3 --no-chime --now \
    "西村村民请注意，明天上午停电，请提前做好准备。" >n7.out
N7=$(notice_id n7.out)
check "a notice is on air when dalabad is told to stop" wait_until 20 on_air "$N7"
stop_dalabad TERM
check "SIGTERM stops dalabad cleanly, even mid-air (exit $DRC)" [ "$DRC" = 0 ]
check "and it said so" grep -q "dalabad: stopped" d.log
start_dalabad d.conf d.log
check "after a restart the notices are all there" [ "$("$DALABA" notice list | grep -c '^[0-9]')" = 7 ]
check "the notice cut short by the stop airs again" wait_until 60 aired "$N7"
check "... as the log says" grep -q "(notice $N7) was not finished when dalabad stopped: it airs again" d.log
check "the held notice is still held, not lost" \
    [ "$(q "SELECT outcome IS NULL FROM broadcasts WHERE notice_id = $N5")" = 1 ]
check "the store is sound" [ "$(q "PRAGMA integrity_check")" = ok ]
stop_dalabad TERM
kill $SPK_1 $SPK_2 2>/dev/null
wait 2>/dev/null
finish
