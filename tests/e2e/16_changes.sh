# 16_changes.sh — changes to the store as people make them, with the real
# dalabad and its real SQLite file: a notice edited field by field through
# the API, with and without a news feed, read back from the API and from
# the file, then aired; where news may be read from, and by whom; a change
# whose audit row cannot be written is not made; enrolment tokens that
# outlive a restart of dalabad, work once, and die when replaced.
. tests/e2e/lib.sh
. tests/e2e/daemon.sh
cd "$TMP"

dalabad_conf >d.conf
NEWS=$STATE/news
mkdir -p "$NEWS/weather" "$NEWS/market" "$TMP/secret"
echo "明天晴，气温五度。" >"$NEWS/weather/today.txt"
echo "玉米每斤一块二。" >"$NEWS/market/today.txt"
echo "这是服务器上别的文件。" >"$TMP/secret/private.txt"
ln -s "$TMP/secret" "$NEWS/leak"
start_dalabad d.conf d.log
for z in "110101 示范县" "110101001 城关镇" "110101001001 东村" \
    "110101001002 西村"; do
	set -- $z
	"$DALABA" zone add "$1" "$2" --quiet 00:00-00:00 >/dev/null
done
printf 'village-pass-1\n' | "$DALABA" user add cun --role village \
    --zone 110101001001 --password-stdin >/dev/null
printf 'county-pass-1\n' | "$DALABA" user add xian --role county \
    --zone 110101 --password-stdin >/dev/null

# --- a notice edited field by field -------------------------------------------
code=$(api POST notices '{"title":"天气","body":"现在播报天气。","zone":"110101001001","class":"village","repeat":1,"chime":true,"voice":"mandarin","rate":150,"feed":"dir:weather","feed_items":2}')
check "a news notice is stored (201, got $code)" [ "$code" = 201 ]
N=$(jget '$.id')
code=$(api POST "notices/$N" '{"title":"新天气","body":"现在播报最新的天气。","zone":"110101001","class":"township","repeat":3,"chime":false,"voice":"cantonese","rate":120,"feed_items":5}')
check "every field but the feed is edited (200, got $code)" [ "$code" = 200 ]
api GET "notices/$N" >/dev/null
got=$(jget '$.title')/$(jget '$.body')/$(jget '$.zone')/$(jget '$.class')/$(jget '$.repeat')/$(jget '$.chime')/$(jget '$.voice')/$(jget '$.rate')/$(jget '$.feed_items')
check "each reads back as edited ($got)" \
    [ "$got" = "新天气/现在播报最新的天气。/110101001/township/3/0/cantonese/120/5" ]
check "the feed it was not given is kept ($(jget '$.feed'))" [ "$(jget '$.feed')" = dir:weather ]
check "and stored as text in the file" \
    [ "$(q "SELECT typeof(feed) || ' ' || feed FROM notices WHERE id = $N")" = "text dir:weather" ]
code=$(api POST "notices/$N" '{"feed":"dir:market"}')
api GET "notices/$N" >/dev/null
check "a new feed alone ($code): $(jget '$.feed'), the rest unchanged" \
    [ "$(jget '$.feed')/$(jget '$.title')/$(jget '$.repeat')" = "dir:market/新天气/3" ]
code=$(api POST "notices/$N" '{"feed":null,"title":null}')
check "null clears the feed and the title ($code)" \
    [ "$(q "SELECT typeof(feed) || typeof(title) FROM notices WHERE id = $N")" = nullnull ]
code=$(api POST "notices/$N" '{"feed":"dir:weather","title":"天气","voice":"mandarin","repeat":1,"chime":true}')
check "and the feed set again ($code)" [ "$(q "SELECT feed FROM notices WHERE id = $N")" = dir:weather ]
code=$(api POST "notices/$N" '{"zone":"110101002"}')
check "an edit to a zone nobody set up is refused (400, got $code)" [ "$code" = 400 ]
check "and changes nothing" [ "$(q "SELECT zone FROM notices WHERE id = $N")" = 110101001 ]
"$DALABA" schedule add "$N" --now >/dev/null
aired_n() { [ "$(outcome "$N")" = aired ]; }
check "the edited news notice airs" wait_until 60 aired_n
check "reading its news, with no complaint about the feed" \
    lacks "notice $N: news from" d.log
code=$(api POST "notices/$N" '{"title":"太晚了"}')
check "once it has aired it cannot be edited (409, got $code)" [ "$code" = 409 ]

# --- where news may come from ------------------------------------------------
csrf=$(web_login cun village-pass-1)
n0=$(q "SELECT count(*) FROM notices")
for f in "dir:$TMP/secret" "dir:weather/../../../secret" "dir:leak" "dir:nowhere"; do
	code=$(api_as cun "$csrf" POST notices "{\"body\":\"新闻\",\"zone\":\"110101001001\",\"feed\":\"$f\"}")
	check "a village cadre's feed $f is refused (400 bad_feed, got $code $(jget '$.error.code'))" \
	    [ "$code/$(jget '$.error.code')" = 400/bad_feed ]
done
code=$(api_as cun "$csrf" POST notices '{"body":"新闻","zone":"110101001001","feed":"https://example.org/rss.xml"}')
check "and any web address (403 feed_not_allowed, got $code)" \
    [ "$code/$(jget '$.error.code')" = 403/feed_not_allowed ]
check "none of those stored a notice" [ "$(q "SELECT count(*) FROM notices")" = "$n0" ]
code=$(api_as cun "$csrf" POST notices '{"body":"新闻","zone":"110101001001","feed":"dir:weather"}')
check "a folder inside the news root is fine (201, got $code)" [ "$code" = 201 ]
xcsrf=$(web_login xian county-pass-1)
code=$(api_as xian "$xcsrf" POST notices '{"body":"县新闻","zone":"110101","feed":"https://example.org/rss.xml"}')
check "county staff may read news from an address (201, got $code)" [ "$code" = 201 ]
printf '[news]\nallow = http://127.0.0.1:9/feeds/\n' >>d.conf
kill -HUP "$DPID"
wait_until 5 grep -q "configuration reloaded" d.log
code=$(api_as cun "$csrf" POST notices '{"body":"新闻","zone":"110101001001","feed":"http://127.0.0.1:9/feeds/village.xml"}')
check "with [news] allow reloaded, an allowed address is fine (201, got $code)" [ "$code" = 201 ]
code=$(api_as cun "$csrf" POST notices '{"body":"新闻","zone":"110101001001","feed":"http://127.0.0.1:9/admin/"}')
check "another path of that host is not (403, got $code)" [ "$code" = 403 ]
# A notice that names a folder outside the root (stored before the rule):
# read at air time, the folder is refused, the text alone is read.
q "INSERT INTO notices (body, priority, zone, created_at, feed) VALUES ('旧新闻。', 0, '110101001002', 0, 'dir:$TMP/secret')"
OLD=$(q "SELECT max(id) FROM notices")
"$DALABA" schedule add "$OLD" --now >/dev/null
aired_old() { [ "$(outcome "$OLD")" = aired ]; }
check "a stored notice with a folder outside the root still airs" wait_until 60 aired_old
check "without reading that folder" grep -q "notice $OLD: news from dir:$TMP/secret: .* not a folder inside the news root" d.log

# --- no audit row, no change -----------------------------------------------------
q "CREATE TRIGGER audit_broken BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'disk trouble'); END"
snap() { q "SELECT (SELECT count(*) FROM notices) || (SELECT count(*) FROM zones) || (SELECT count(*) FROM speakers) || (SELECT count(*) FROM enroll_tokens) || (SELECT count(*) FROM pages) || (SELECT count(*) FROM schedules) || (SELECT count(*) FROM users) || (SELECT count(*) FROM sessions) || (SELECT count(*) FROM notices WHERE cancelled_at IS NOT NULL)"; }
S0=$(snap)
code=$(api POST notices '{"body":"写不进日志的通知。","zone":"110101001001"}')
check "a notice whose audit fails is refused (500 audit, got $code $(jget '$.error.code'))" \
    [ "$code/$(jget '$.error.code')" = 500/audit ]
code=$(api POST zones '{"code":"110101001003","name":"南村"}')
check "a zone (500, got $code)" [ "$code" = 500 ]
code=$(api POST speakers '{"zone":"110101001001","name":"新喇叭"}')
check "a loudspeaker and its token (500, got $code)" [ "$code" = 500 ]
code=$(api POST pages '{"text":"紧急测试。","zones":["110101001001"]}')
check "an emergency page (500, got $code)" [ "$code" = 500 ]
LIVE=$(q "SELECT max(id) FROM notices WHERE cancelled_at IS NULL AND page_id IS NULL")
code=$(api POST "notices/$LIVE/cancel")
check "a cancel (500, got $code)" [ "$code" = 500 ]
code=$(api POST schedules "{\"notice\":$LIVE,\"kind\":\"daily\",\"times\":\"07:00\"}")
check "a schedule (500, got $code)" [ "$code" = 500 ]
code=$(api POST users '{"name":"新人","role":"village","zone":"110101001002"}')
check "a user (500, got $code)" [ "$code" = 500 ]
code=$(curl -s -o login.json -w '%{http_code}' -H 'Content-Type: application/json' \
    -d '{"name":"cun","password":"village-pass-1"}' "$(cat "$STATE/api.url")/api/v1/login")
check "a login (503, got $code)" [ "$code" = 503 ]
expect_exit 1 "dalaba notice add says it was refused" "$DALABA" notice add --zone 110101001001 "写不进日志的通知。"
check "with the reason" stderr_has "audit"
check "and none of them changed anything" [ "$(snap)" = "$S0" ]
check "not a page went on the air" lacks '紧急测试' d.log
q "DROP TRIGGER audit_broken"
code=$(api POST notices '{"body":"现在能写日志了。","zone":"110101001001"}')
check "with the audit log back, the same notice is stored (201, got $code)" [ "$code" = 201 ]

# --- enrolment tokens ------------------------------------------------------------------
"$DALABA" speaker add 5 --zone 110101001001 --name 东村喇叭 >add5.out
T1=$(awk '/--enroll/ { print $4 }' add5.out)
URL1=$(awk '/--enroll/ { print $3 }' add5.out)
FP=$(awk '/--enroll/ { print $5 }' add5.out)
check "with the server key's fingerprint" [ ${#FP} -eq 64 ]
check "a speaker's token is printed ($T1)" [ ${#T1} -eq 32 ]
check "and only its hash is in the file" lacks "$T1" "$STATE"/dalaba.db*
stop_dalabad
start_dalabad d.conf d.log
URL1=$(cat "$STATE/enroll.url")
expect_exit 0 "after a restart of dalabad the printed command still enrols the box" \
    "$SPK" --enroll "$URL1" "$T1" "$FP" -c spk5.conf -o null
check "the speaker has its key" [ "$(q "SELECT key_hex IS NOT NULL FROM speakers WHERE id = 5")" = 1 ]
expect_exit 1 "the token works once" "$SPK" --enroll "$URL1" "$T1" "$FP" -c again.conf -o null
"$DALABA" speaker token 5 >t2.out
"$DALABA" speaker token 5 >t3.out
T2=$(awk '/--enroll/ { print $4 }' t2.out)
T3=$(awk '/--enroll/ { print $4 }' t3.out)
expect_exit 1 "a newer token revokes the older one" "$SPK" --enroll "$URL1" "$T2" "$FP" -c t2.conf -o null
expect_exit 0 "and works itself" "$SPK" --enroll "$URL1" "$T3" "$FP" -c t3.conf -o null
check "the box's key changed with it" [ "$(grep '^key' spk5.conf)" != "$(grep '^key' t3.conf)" ]
check "every enrolment is audited" [ "$(q "SELECT count(*) FROM audit WHERE action = 'speaker.enrolled'")" = 2 ]

stop_dalabad
check "dalabad stopped cleanly (rc $DRC)" [ "$DRC" = 0 ]
finish
