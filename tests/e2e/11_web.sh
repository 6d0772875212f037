#!/bin/sh
# e2e/11_web: the web admin in a real browser and the authorisation matrix.
# A real dalabad with a real store; Debian's chromium driven by
# playwright-core (tests/web/browser.mjs) at phone size; then every API
# endpoint x role x own/other zone x credential (tests/web/authz.mjs).
# Screenshots of the main pages are kept in tests/out/web/.
. tests/e2e/lib.sh
. tests/e2e/daemon.sh
cd "$TMP" || exit 1

dalabad_conf >d.conf
mkdir -p "$STATE/news/weather"
echo "明天晴，最高气温八度。" >"$STATE/news/weather/today.txt"
start_dalabad d.conf dalabad.log
check "dalabad is up" test -s "$STATE/api.url"
URL=$(cat "$STATE/api.url")

for z in "441202 县" "441202001 甲镇" "441202001001 甲镇一村" \
    "441202001002 甲镇二村" "441202002 乙镇" "441202002001 乙镇一村" \
    "441203 邻县" "441203001 邻县某镇" "441203001001 邻县某村"; do
	set -- $z
	"$DALABA" zone add "$1" "$2" --quiet 00:00-00:00 >/dev/null
done
ADMIN_PW=admin-pass-1
CADRE_PW=cadre-pass-1
echo "$ADMIN_PW" | "$DALABA" user add admin --role county --zone 441202 \
    --password-stdin >/dev/null
echo "$CADRE_PW" | "$DALABA" user add cun1 --role village --zone 441202001001 \
    --password-stdin >/dev/null
echo town-pass-1 | "$DALABA" user add zhen1 --role township --zone 441202001 \
    --password-stdin >/dev/null
check "three users made with dalaba user add" test "$(q 'SELECT count(*) FROM users')" = 3
check "passwords are stored as argon2id hashes" \
    test "$(q "SELECT count(*) FROM users WHERE pw_hash LIKE '\$argon2id\$%'")" = 3
"$DALABA" user add gen --role village --zone 441202001002 >gen.out
check "a user made without a password gets one generated, printed once" \
    grep -q '^password: [a-z0-9]\{16\}$' gen.out
expect_exit 1 "a role that does not fit the zone is refused" \
    "$DALABA" user add bad --role township --zone 441202001001

SHOTS=$TOP/tests/out/web
mkdir -p "$SHOTS"
export URL CADRE_PW ADMIN_PW SHOTS OUT=$TMP
NODE_PATH=$TOP/tests/web/node_modules node "$TOP/tests/web/browser.mjs" \
    >browser.log 2>&1
node_result browser.log
check "screenshots of the main pages were saved" test "$(ls "$SHOTS"/*.png | wc -l)" -ge 10

# The enrolment command the county admin was shown works on a real box.
set -- $(cat enroll.cmd 2>/dev/null)
if [ $# -ge 5 ]; then
	"$SPK" --enroll "$3" "$4" "$5" -c spkweb.conf -o "wav:$TMP/outweb.wav" \
	    2>enrolweb.err
	check "the command from the page enrols the box" \
	    test "$(q "SELECT count(*) FROM speakers WHERE name = '村委会门口' AND key_hex IS NOT NULL")" = 1
else
	bad "the browser test left no enrolment command"
fi

NEWPW=$(cat newpw 2>/dev/null)
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    -d "{\"name\":\"二村王主任\",\"password\":\"$NEWPW\"}" "$URL/api/v1/login")
check "the password the user chose on the account page works ($code)" test "$code" = 200
N=$(cat notice.id 2>/dev/null)
check "the notice the cadre wrote is stored as theirs" \
    test "$(q "SELECT u.name FROM notices n JOIN users u ON u.id = n.created_by WHERE n.id = ${N:-0}")" = cun1
check "its daily schedule is stored" \
    test "$(q "SELECT times FROM schedules WHERE notice_id = ${N:-0}")" = "12:00,18:30"
check "the audit log has the cadre's login, notice and schedule" \
    test "$(q "SELECT count(DISTINCT action) FROM audit a JOIN users u ON u.id = a.user_id WHERE u.name = 'cun1' AND action IN ('user.login', 'notice.add', 'schedule.add')")" = 3

# The box enrolled from the page plays; the speakers page says what.
printf '[agent]\nhello_ms = 300\n' >>spkweb.conf
"$SPK" -c spkweb.conf --stats spkweb.stats 2>spkweb.err &
SPKPID=$!
curl -s -c jar -o /dev/null -H 'Content-Type: application/json' \
    -d "{\"name\":\"cun1\",\"password\":\"$CADRE_PW\"}" "$URL/api/v1/login"
spage() { curl -s -b jar -o speakers.html "$URL/speakers" && grep -q "$1" speakers.html; }
wait_until 20 spage '在线'
check "the speakers page shows the new box online" grep -q '村委会门口.*在线' speakers.html
"$DALABA" notice add --zone 441202001001 --title 试播 --no-chime --now \
    "试播。各位村民请注意，这是一次试播，请不要惊慌。" >now.out
NN=$(notice_id now.out)
wait_until 60 spage '正在播放：试播'
check "while it airs, the speakers page says what the box is playing" \
    grep -q '正在播放：试播' speakers.html
# History: an aired broadcast's audio is downloadable from the page.
wait_until 60 aired "${NN:-0}"
check "the notice aired and the box confirmed it" test \
    "$(q "SELECT confirmed FROM broadcast_speakers WHERE broadcast_id = (SELECT id FROM broadcasts WHERE notice_id = ${NN:-0})")" = 1
kill $SPKPID 2>/dev/null
curl -s -b jar -o history.html "$URL/history"
LINK=$(grep -o '/api/v1/broadcasts/[0-9]*/audio' history.html | head -n 1)
check "the history page links the aired audio ($LINK)" test -n "$LINK"
curl -s -b jar -D audio.hdr -o aired.wav "$URL$LINK"
check "the download is the WAV that aired" sh -c "head -c 4 aired.wav | grep -q RIFF &&
    grep -qi 'content-disposition: attachment' audio.hdr"
SECS=$("$WAVPROBE" info aired.wav | sed -n 's/.*seconds=\([0-9.]*\).*/\1/p')
check "and it holds the speech (${SECS:-?} s)" gt "${SECS:-0}" 0.5

# The today page: the box, killed, goes offline and is named there; a
# notice aired to its village now is one it stayed silent for.
tpage() { curl -s -b jar -o today.html "$URL/today" && grep -q "$1" today.html; }
wait_until 40 tpage 'badge off-line">不在线'
check "the today page names the box that went offline" \
    grep -q 'off-line">不在线</span><strong>村委会门口' today.html
"$DALABA" notice add --zone 441202001001 --title 停水 --no-chime --now \
    "明天上午停水。" >silent.out
SN=$(notice_id silent.out)
wait_until 60 aired "${SN:-0}"
check "a notice aired with the box offline has no confirmation" test \
    "$(q "SELECT count(*) FROM broadcast_speakers WHERE confirmed = 0 AND broadcast_id = (SELECT id FROM broadcasts WHERE notice_id = ${SN:-0})")" = 1
export AIRED=$NN SILENT=$SN NEWPW
NODE_PATH=$TOP/tests/web/node_modules node "$TOP/tests/web/today.mjs" \
    >today.log 2>&1
node_result today.log

export TOKEN=$(cat "$STATE/api.token")
NODE_PATH=$TOP/tests/web/node_modules node "$TOP/tests/web/authz.mjs" \
    >authz.log 2>&1
node_result authz.log

stop_dalabad
check "dalabad stops cleanly" test "$DRC" = 0
finish
