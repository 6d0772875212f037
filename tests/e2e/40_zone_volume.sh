# 40_zone_volume.sh — a zone's own volume, set from the server: routine
# items sent to 东村 (volume 40) play there at 40 when their schedule sets
# none; 西村 (none set) plays at its boxes' own 80. Real dalabad and two real boxes; the level of each box's
# output measured by sox against the other's, in the same run.
. tests/e2e/lib.sh
. tests/e2e/daemon.sh
cd "$TMP"

dalabad_conf >d.conf
start_dalabad d.conf d.log
check "东村 gets a volume of its own (40)" sh -c \
    "'$DALABA' zone add 110101001001 东村 --quiet 00:00-00:00 --volume 40 >/dev/null"
"$DALABA" zone add 110101001002 西村 --quiet 00:00-00:00 >/dev/null
expect_exit 2 "a volume of 101 is refused by the command" \
    "$DALABA" zone add 110101001003 南村 --volume 101
code=$(curl -s -o z.json -w '%{http_code}' -H "Authorization: Bearer $(cat "$STATE/api.token")" \
    -H 'Content-Type: application/json' -d '{"code":"110101001003","name":"南村","volume":101}' \
    "$(cat "$STATE/api.url")/api/v1/zones")
check "and by the API (400, got $code)" [ "$code" = 400 ]
check "which stored no zone" [ "$(q "SELECT count(*) FROM zones WHERE code = '110101001003'")" = 0 ]
check "the zone list shows it" sh -c "'$DALABA' zone list | grep -q '^110101001001 .* 40 .*东村'"
check "speaker 1 in 东村, 2 in 西村, both at their own volume 80" \
    all enrol 1 110101001001 -and enrol 2 110101001002
check "both online" wait_until 15 sh -c \
    "'$DALABA' speaker list | grep -c ' online ' | grep -qx 2"
text="各位村民请注意，明天上午九点在村委会门口发放新的医保卡，请带好户口本。"
rms() { sox "$1" -n stat 2>&1 | awk '/RMS +amplitude/ { print $3 }'; }
# both NOTICE-OPTIONS: the same text to both villages at once; box 1's
# level over box 2's
both() {
	"$DALABA" notice add --zone 110101001001 --no-chime "$@" --now "$text" >a.out
	"$DALABA" notice add --zone 110101001002 --no-chime "$@" --now "$text" >b.out
	_a=$(notice_id a.out) _b=$(notice_id b.out)
	wait_until 60 all aired "$_a" -and aired "$_b" || { echo x; return; }
	sleep 1
	awk -v a="$(rms out1.wav)" -v b="$(rms out2.wav)" \
	    'BEGIN { if (b > 0) printf "%.3f\n", a / b; else print "x" }'
}
near() { awk -v v="$1" -v w="$2" 'BEGIN { exit !(v != "x" && v >= w * 0.93 && v <= w * 1.07) }'; }
s1=$(stat 1 streams)
r=$(both)
check "a notice without a volume: 东村 at its 40, 西村 at the boxes' 80 (ratio $r)" near "$r" 0.5
kill $SPK_1 $SPK_2; wait $SPK_1 $SPK_2 2>/dev/null
check "box 1 heard one stream ($s1 before)" [ "$(stat 1 streams)" = $((s1 + 1)) ]
stop_dalabad
check "dalabad stopped cleanly (rc $DRC)" [ "$DRC" = 0 ]
finish
