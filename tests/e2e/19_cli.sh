# 19_cli.sh — the dalaba command line as a county technician uses it on
# the server, whose own clock is on UTC while dalabad's schedules are on
# Asia/Shanghai: options before the command, times printed in dalabad's
# zone (not the machine's), a weekly schedule that names its days (and is
# refused without any), the loudspeakers of one village, and singular
# counts; the web page shows the weekly days in words.
. tests/e2e/lib.sh
. tests/e2e/daemon.sh
cd "$TMP"

dalabad_conf 10 Asia/Shanghai >d.conf
start_dalabad d.conf d.log
export TZ=UTC
"$DALABA" zone add 110101 示范县 >/dev/null
"$DALABA" zone add 110101001 城关镇 >/dev/null
"$DALABA" zone add 110101001001 东村 >/dev/null
"$DALABA" zone add 110101001002 西村 >/dev/null

expect_exit 0 "dalaba --state-dir DIR status: options before the command" \
    "$DALABA" --state-dir "$STATE" status
check "and it is the status" grep -q "^dalabad " "$TMP/last.out"
expect_exit 0 "dalaba --json status" "$DALABA" --json status
check "as JSON" grep -q '"timezone" *: *"Asia/Shanghai"' "$TMP/last.out"
expect_exit 2 "an unknown option before the command is a usage error" "$DALABA" --loud status

"$DALABA" notice add --zone 110101001001 --title 时间 "看看时间。" >n.out
N=$(notice_id n.out)
AT=$(q "SELECT created_at FROM notices WHERE id = $N")
WANT=$(TZ=Asia/Shanghai date -d "@$AT" '+%Y-%m-%d %H:%M:%S')
check "on a UTC machine, notice list prints dalabad's local time ($WANT)" \
    sh -c "'$DALABA' notice list | grep -q '$WANT'"
"$DALABA" schedule add "$N" --daily 08:00 >/dev/null
NEXT=$(TZ=Asia/Shanghai date -d 'tomorrow 08:00' '+%Y-%m-%d 08:00:00')
NEXT0=$(TZ=Asia/Shanghai date '+%Y-%m-%d 08:00:00')
check "schedule list's NEXT is 08:00 there ($NEXT or $NEXT0)" \
    sh -c "'$DALABA' schedule list | grep -Eq '$NEXT|$NEXT0'"

expect_exit 1 "a weekly schedule without its days is refused" \
    "$DALABA" notice add --zone 110101001001 --weekly 08:00 "每周的通知。"
check "saying which days are missing" stderr_has "weekdays"
check "and nothing was stored" [ "$(q "SELECT count(*) FROM notices WHERE body = '每周的通知。'")" = 0 ]
"$DALABA" notice add --zone 110101001001 --weekly 08:00 --weekdays 1,3,5 "每周的通知。" >w.out
W=$(notice_id w.out)
check "with its days it is stored ($W)" [ -n "$W" ]
check "schedule list names them" sh -c "'$DALABA' schedule list | grep -q 'weekly 1,3,5'"
printf 'county-pass-1\n' | "$DALABA" user add xian --role county --zone 110101 --password-stdin >/dev/null
web_login xian county-pass-1 >/dev/null
curl -s -b xian.jar -o w.html "$(cat "$STATE/api.url")/notices/$W"
check "the web page says 每周一、三、五 08:00" grep -q '每周一、三、五 08:00' w.html
check "not a bit mask" lacks '掩码' w.html

for s in "1 110101001001" "2 110101001001" "3 110101001002"; do
	set -- $s
	"$DALABA" speaker add "$1" --zone "$2" --name "喇叭$1" >/dev/null
done
"$DALABA" speaker list --zone 110101001002 >sl.out
check "speaker list --zone lists that village's only ($(grep -c '^[0-9]' sl.out))" \
    sh -c "[ \$(grep -c '^[0-9]' sl.out) = 1 ] && grep -q '^3 ' sl.out"
check "and without --zone all three" [ "$("$DALABA" speaker list | grep -c '^[0-9]')" = 3 ]
"$DALABA" page --zone 110101001002 --repeat 1 "西村注意。" >p.out 2>p.err
check "one loudspeaker is one (\"$(head -n 1 p.out)\")" grep -q "1 loudspeaker targeted" p.out
"$DALABA" page cancel "$(awk '/^page [0-9]+ on the air/ { print $2 }' p.out)" >/dev/null

# A county of 2,500 loudspeakers: the CLI pages through all of them, the
# API answers a page at a time, the web page counts them.
stop_dalabad
awk 'BEGIN { print "BEGIN;"; for (i = 100; i < 2600; i++) printf "INSERT INTO speakers (id, zone, name, created_at) VALUES (%d, '"'"'110101001002'"'"', '"'"'喇叭%d'"'"', 0);\n", i, i; print "COMMIT;" }' |
    sqlite3 "$DB"
start_dalabad d.conf d.log
check "speaker list pages through all 2503" [ "$("$DALABA" speaker list | grep -c '^[0-9]')" = 2503 ]
code=$(api GET speakers)
check "GET speakers answers 500 at a time ($code)" [ "$(sqlite3 :memory: "SELECT json_array_length(readfile('api.json'))")" = 500 ]
code=$(api GET "speakers?after=2500&limit=1000")
check "and the rest after an id" [ "$(sqlite3 :memory: "SELECT json_array_length(readfile('api.json'))")" = 99 ]
code=$(api GET "speakers/summary?zone=110101001")
check "the summary counts them by village" [ "$(jget '$[1].zone')/$(jget '$[1].speakers')" = 110101001002/2501 ]
curl -s -b xian.jar -o sp.html "$(cat "$STATE/api.url")/speakers"
check "the county's speakers page counts, not lists ($(wc -c <sp.html) bytes)" \
    all grep -q '共 2503 个喇叭' sp.html -and [ "$(wc -c <sp.html)" -lt 20000 ]

stop_dalabad
check "dalabad stopped cleanly (rc $DRC)" [ "$DRC" = 0 ]
finish
