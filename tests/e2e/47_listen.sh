#!/bin/sh
# 47_listen.sh — listening again (issue 19): a village's public page, its
# podcast feed and the audio of what aired there, for anyone, with the
# real dalabad, two real boxes (一村 and 二村 of 甲镇) and real clients:
# curl, python3's XML parser and feedparser, podget (wget) subscribed to
# the feed, ffprobe on what it downloaded.
#
# What airs: a public notice in 一村, one its cadre made private, one in
# 二村, a township notice to both, and an emergency page to 一村. Then
# /v/一村 lists exactly 一村's public ones and the township's, newest
# first, with a player each and the next slot; the feed has the iTunes
# tags, and each enclosure is as long as what is served, an MP3 as long
# as the Ogg that aired; 304 on ETag and date; no cookie ever; a private
# notice's audio is 404 like one that does not exist; a burst gets 429.
# And the QR plates a cadre prints: PNG and PDF of one A4 page, the
# village's address read back from the PNG by zbarimg.
. tests/e2e/lib.sh
. tests/e2e/daemon.sh
cd "$TMP" || exit 1

dalabad_conf >d.conf
printf '[listen]\nrequests_per_minute = 200\n' >>d.conf
# Under SANITIZER=address: fontconfig's own allocations are not ours.
export LSAN_OPTIONS="suppressions=$TOP/tests/e2e/lsan_fontconfig.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
start_dalabad d.conf dalabad.log
URL=$(cat "$STATE/api.url")
A=441202001001 B=441202001002 T=441202001
for z in "441202 县" "$T 甲镇" "$A 一村" "$B 二村"; do
	set -- $z
	"$DALABA" zone add "$1" "$2" --quiet 00:00-00:00 >/dev/null
done
echo cadre-pass-1 | "$DALABA" user add cun --role village --zone $A --password-stdin >/dev/null
echo cadre-pass-2 | "$DALABA" user add xicun --role village --zone $B --password-stdin >/dev/null
check "a box in 一村 and one in 二村 enrol" all enrol 1 $A -and enrol 2 $B
check "both online" wait_until 15 sh -c \
    "'$DALABA' speaker list | grep -c ' online ' | grep -qx 2"

# --- what airs ----------------------------------------------------------------
notice() {	# JSON -> the new notice's id
	c=$(api POST notices "$1")
	[ "$c" = 201 ] || { echo "notice: $c $(cat api.json)" >&2; return 1; }
	jget '$.id'
}
now='"schedule":{"kind":"once","at":"now"}'
N1=$(notice "{\"title\":\"停水通知\",\"body\":\"一村村民请注意，明天上午八点到十二点停水，请提前储水。\",\"zone\":\"$A\",$now}")
# A cadre marks it private (不公开 on the form; "private" in the API).
N2=$(notice "{\"title\":\"低保名单\",\"body\":\"一村低保户请到村委会核对名单，只给本人看的通知。\",\"zone\":\"$A\",\"private\":true,$now}")
N3=$(notice "{\"title\":\"二村开会\",\"body\":\"二村村民请注意，今晚七点在村部开会。\",\"zone\":\"$B\",$now}")
N4=$(notice "{\"title\":\"打疫苗\",\"body\":\"甲镇各村的老人请注意，后天上午九点到卫生院打流感疫苗。\",\"zone\":\"$T\",$now}")
tomorrow=$(TZ=Asia/Shanghai date -d tomorrow +%F)
N6=$(notice "{\"title\":\"明天收医保\",\"body\":\"一村村民请注意，明天收医保费。\",\"zone\":\"$A\",\"schedule\":{\"kind\":\"once\",\"at\":\"$tomorrow 09:30\"}}")
check "five notices are stored ($N1 $N2 $N3 $N4 $N6)" [ -n "$N1" -a -n "$N2" -a -n "$N3" -a -n "$N4" -a -n "$N6" ]
check "the private one is private" [ "$(q "SELECT public FROM notices WHERE id = $N2")" = 0 ]
aired_in() {	# NOTICE ZONE...: aired in each
	for _z in "$@"; do :; done
	[ "$(q "SELECT count(*) FROM broadcasts WHERE notice_id = $1 AND outcome = 'aired' AND audio IS NOT NULL")" -ge 1 ]
}
check "the four routine notices air" wait_until 120 all aired_in $N1 -and \
    aired_in $N2 -and aired_in $N3 -and aired_in $N4
c=$(api POST pages "{\"text\":\"紧急通知，一村马上转移。\",\"zones\":[\"$A\"]}")
P=$(jget '$.id')
check "an emergency page goes to 一村 ($c)" [ "$c" = 201 ]
check "it airs" wait_until 30 sh -c \
    "[ \"\$(sqlite3 -cmd '.timeout 5000' '$DB' \"SELECT count(*) FROM broadcasts b JOIN notices n ON n.id = b.notice_id WHERE n.page_id = $P AND b.on_air_at IS NOT NULL\")\" -ge 1 ]"
sleep 6
api POST "pages/$P/cancel" '{}' >/dev/null
PN=$(q "SELECT id FROM notices WHERE page_id = $P LIMIT 1")

get() {	# PATH OUT [curl options]: the status; headers in OUT.h
	_p=$1 _o=$2; shift 2
	curl -s -D "$_o.h" -o "$_o" -w '%{http_code}' "$@" "$URL$_p"
}
# --- the first MP3: made from the WAV on the pool while the request waits ---------
c=$(curl -s -o first.mp3 -w '%{http_code} %{time_total}' "$URL/v/$A/$N1.mp3")
check "the first MP3 of a notice is made while its request waits (${c% *})" \
    all [ "${c% *}" = 200 ] -and sh -c "file first.mp3 | grep -q 'MPEG ADTS, layer III'"
echo "figure: time to the first MP3 (${N1}: $(wc -c <first.mp3) bytes) ${c#* } s"
check "dalabad made it beside the render, as KEY.mp3" [ "$(ls "$STATE"/render/*.mp3 | wc -l)" = 1 ]

# --- the village's page --------------------------------------------------------
c=$(get /v/$A a.html)
check "/v/一村 answers 200 without a login ($c)" [ "$c" = 200 ]
check "it is HTML in Chinese, the village's name on it" \
    all grep -qi '^content-type: text/html; charset=utf-8' a.html.h -and grep -q '一村大喇叭' a.html
has() { grep -q "$1" a.html; }
check "it lists 一村's public notice and the township's" all has 停水通知 -and has 打疫苗
check "with their text" all has '明天上午八点到十二点停水' -and has '后天上午九点到卫生院'
check "not the private one" sh -c "! grep -q -e 低保 a.html"
check "not 二村's" sh -c "! grep -q -e 二村开会 a.html"
check "not the emergency page" sh -c "! grep -q -e 马上转移 a.html"
# Newest first: the order they aired in (a township's notice goes before
# a village's when both wait).
ORDER=$(q "SELECT group_concat(title, ' ') FROM (SELECT n.title FROM broadcasts b JOIN notices n ON n.id = b.notice_id WHERE n.id IN ($N1, $N4) AND b.outcome = 'aired' GROUP BY n.id ORDER BY max(COALESCE(b.on_air_at, b.slot_at)) DESC, n.id DESC)")
check "newest first ($ORDER)" [ "$(sed -n 's/.*<h3>\([^<]*\)<\/h3>.*<h3>\([^<]*\)<\/h3>.*/\1 \2/p' a.html)" = "$ORDER" ]
check "a player each, nothing fetched before it is tapped" \
    [ "$(grep -o '<audio controls preload="none">' a.html | wc -l)" = 2 ]
check "with an Ogg Opus and an MP3 source" \
    all grep -q "src=\"/v/$A/$N1.ogg\" type=\"audio/ogg" a.html -and \
    grep -q "src=\"/v/$A/$N1.mp3\" type=\"audio/mpeg\"" a.html
check "the next slot is there (明天收医保, 09:30)" grep -q '09:30　明天收医保' a.html
check "and the feed's link with how to subscribe" all grep -q "/v/$A/feed.xml" a.html -and grep -q '小宇宙' a.html
check "no script at all" sh -c "! grep -qi '<script' a.html"
check "cacheable: ETag, Last-Modified, Cache-Control public" all \
    grep -qi '^etag: "' a.html.h -and grep -qi '^last-modified: ' a.html.h -and \
    grep -qi '^cache-control: public, max-age=' a.html.h
echo "figure: the page of 一村 is $(wc -c <a.html) bytes"
c=$(get /v/$B b.html)
check "/v/二村 has 二村's and the township's, not 一村's ($c)" all \
    grep -q 二村开会 b.html -and grep -q 打疫苗 b.html -and sh -c "! grep -q 停水通知 b.html"
c=$(get /v/999999999999 nx.html)
check "a village not in the store is 404 in Chinese ($c)" all [ "$c" = 404 ] -and grep -q '没有这个村' nx.html
c=$(get /v/$T t.html)
check "a township's code is not a village's page (404, got $c)" [ "$c" = 404 ]
c=$(get "/v/$A/x/y" deep.html)
check "nor anything below one ($c)" [ "$c" = 404 ]

# --- the feed --------------------------------------------------------------------
c=$(get /v/$A/feed.xml feed.xml)
check "the feed answers 200 ($c), as RSS" all [ "$c" = 200 ] -and grep -qi '^content-type: application/rss+xml' feed.xml.h
cat >feed_check.py <<'EOF'
import sys, xml.etree.ElementTree as ET
ns = {"itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd"}
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "rss" and root.get("version") == "2.0", root.tag
ch = root.find("channel")
for t in ("title", "link", "description", "language"):
    assert ch.findtext(t), t
assert ch.findtext("language") == "zh-cn"
assert ch.findtext("title") == "一村大喇叭", ch.findtext("title")
for t in ("itunes:author", "itunes:explicit"):
    assert ch.find(t, ns) is not None, t
assert ch.findtext("itunes:explicit", namespaces=ns) == "false"
assert ch.find("itunes:category", ns).get("text")
assert ch.find("itunes:image", ns).get("href").endswith("/cover.png")
items = ch.findall("item")
for it in items:
    for t in ("title", "description", "guid", "pubDate"):
        assert it.findtext(t), t
    assert it.find("guid").get("isPermaLink") == "false"
    e = it.find("enclosure")
    assert e.get("type") == "audio/mpeg" and int(e.get("length")) > 0
    assert it.findtext("itunes:duration", namespaces=ns)
    print(it.findtext("guid"), e.get("url"), e.get("length"))
EOF
check "python3's XML parser reads it: RSS 2.0, the channel and iTunes tags, two items" \
    sh -c "python3 feed_check.py feed.xml >items.txt && [ \$(wc -l <items.txt) = 2 ]"
cat >feed_parse.py <<'EOF'
import sys, feedparser
d = feedparser.parse(sys.argv[1])
assert not d.bozo, d.bozo_exception
assert d.version == "rss20", d.version
assert d.feed.title == "一村大喇叭" and d.feed.language == "zh-cn"
assert d.feed.get("itunes_explicit") in (False, None) and "author" in d.feed
titles = [e.title for e in d.entries]
assert titles == sys.argv[2].split(), titles
for e in d.entries:
    enc = e.enclosures[0]
    assert enc.type == "audio/mpeg", enc
    assert e.published_parsed and e.itunes_duration
print(len(d.entries))
EOF
check "feedparser reads it too, well formed, the two episodes newest first" \
    /usr/bin/python3 feed_parse.py feed.xml "$ORDER"
ok_len=1
while read -r guid url len; do
	p=${url#*//*/}
	hc=$(curl -s -I "$URL/$p" | tr -d '\r' | awk -F': ' 'tolower($1) == "content-length" { print $2 }')
	gc=$(curl -s "$URL/$p" | wc -c)
	[ "$hc" = "$len" -a "$gc" = "$len" ] || { ok_len=0; echo "# $url: feed $len, HEAD $hc, GET $gc"; }
done <items.txt
check "each enclosure's length is what HEAD says and GET sends" [ $ok_len = 1 ]
check "a private notice is not in the feed, nor 二村's, nor the page" sh -c \
    "! grep -q -e 低保 -e 二村开会 -e 马上转移 feed.xml"
c=$(curl -s -I -o head.h -w '%{http_code}' "$URL/v/$A/feed.xml")
hl=$(tr -d '\r' <head.h | awk -F': ' 'tolower($1) == "content-length" { print $2 }')
check "HEAD of the feed is 200 ($c), its Content-Length the feed's ($hl)" \
    [ "$c" = 200 -a "$hl" = "$(wc -c <feed.xml)" ]
c=$(get /v/$A/cover.png cover.png)
check "its cover (itunes:image) is ours: a 1400 px square PNG ($c)" all [ "$c" = 200 ] -and \
    sh -c "file cover.png | grep -q 'PNG image data, 1400 x 1400'"

# podget, subscribed to the feed, downloads every episode.
mkdir -p pg/cfg pg/lib
podget -d "$TMP/pg/cfg" --create-config podgetrc >/dev/null 2>&1
sed -i "s|^DIR_LIBRARY=.*|DIR_LIBRARY=$TMP/pg/lib|" pg/cfg/podgetrc
echo "$URL/v/$A/feed.xml village 一村" >pg/cfg/serverlist
podget -d "$TMP/pg/cfg" --dir_session "$TMP/pg" -s >podget.log 2>&1
got=$(find pg/lib -name '*.mp3' | wc -l)
check "podget downloads both episodes ($got)" [ "$got" = 2 ]
ok_mp3=1
for f in $(find pg/lib -name '*.mp3'); do
	id=$(basename "$f" .mp3)
	curl -s -o "$id.ogg" "$URL/v/$A/$id.ogg"
	fmt=$(ffprobe -v error -show_entries format=format_name -of csv=p=0 "$f")
	codec=$(ffprobe -v error -select_streams a:0 -show_entries stream=codec_name -of csv=p=0 "$f")
	dm=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$f")
	do=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$id.ogg")
	echo "# $id: $fmt/$codec ${dm}s, the Ogg ${do}s"
	[ "$fmt" = mp3 -a "$codec" = mp3 ] && awk -v a="$dm" -v b="$do" \
	    'BEGIN { d = a - b; exit !(b > 1 && d < 0.5 && d > -0.5) }' || ok_mp3=0
done
check "ffprobe: each is MP3 audio as long as the Ogg that aired (±0.5 s)" [ $ok_mp3 = 1 -a "$got" = 2 ]

# The WAV swept (its Ogg archive outlives it) and the MP3 with it: the MP3
# is made again, from the Ogg.
KEY=$(q "SELECT substr(audio, 1, length(audio) - 4) FROM broadcasts WHERE notice_id = $N4 AND zone IS NULL OR notice_id = $N4 AND zone = '$A' ORDER BY id DESC LIMIT 1")
rm -f "$STATE/render/$KEY.wav" "$STATE/render/$KEY.mp3"
c=$(get /v/$A/$N4.mp3 again.mp3)
curl -s -o again.ogg "$URL/v/$A/$N4.ogg"
dm=$(ffprobe -v error -show_entries format=duration -of csv=p=0 again.mp3)
do=$(ffprobe -v error -show_entries format=duration -of csv=p=0 again.ogg)
check "once its WAV is gone the MP3 is made from the Ogg archive ($c, ${dm}s, the Ogg ${do}s)" \
    all [ "$c" = 200 -a -f "$STATE/render/$KEY.mp3" ] -and awk -v a="$dm" -v b="$do" \
    'BEGIN { d = a - b; exit !(b > 1 && d < 0.5 && d > -0.5) }'

# --- caching -----------------------------------------------------------------------
tag() { tr -d '\r' <"$1" | awk -F': ' 'tolower($1) == "etag" { print $2 }'; }
lm() { tr -d '\r' <"$1" | awk -F': ' 'tolower($1) == "last-modified" { print $2 }'; }
c=$(get /v/$A a2.html -H "If-None-Match: $(tag a.html.h)")
check "the page again with its ETag: 304 ($c)" [ "$c" = 304 ]
c=$(get /v/$A a3.html -H "If-Modified-Since: $(lm a.html.h)")
check "with its Last-Modified: 304 ($c)" [ "$c" = 304 ]
c=$(get /v/$A a4.html -H 'If-None-Match: "something-else"')
check "another ETag: 200 ($c)" [ "$c" = 200 ]
c=$(get /v/$A/feed.xml f2.xml -H "If-None-Match: $(tag feed.xml.h)")
check "the feed with its ETag: 304 ($c)" [ "$c" = 304 ]
c=$(get /v/$A/$N1.mp3 m1.mp3)
check "an episode: 200, audio/mpeg ($c)" all [ "$c" = 200 ] -and grep -qi '^content-type: audio/mpeg' m1.mp3.h
c=$(get /v/$A/$N1.mp3 m2.mp3 -H "If-None-Match: $(tag m1.mp3.h)")
check "the episode with its ETag: 304 ($c)" [ "$c" = 304 ]
c=$(get /v/$A/$N1.mp3 m3.mp3 -r 0-99)
check "a Range of it: 206, 100 bytes ($c)" [ "$c" = 206 -a "$(wc -c <m3.mp3)" = 100 ]
c=$(get /v/$A/$N1.ogg o1.ogg)
check "the Ogg Opus of it: 200, audio/ogg ($c)" all [ "$c" = 200 ] -and grep -qi '^content-type: audio/ogg' o1.ogg.h

# --- what is not anyone's ----------------------------------------------------------
for u in "/v/$A/$N2.mp3" "/v/$A/$N2.ogg" "/v/$B/$N1.mp3" "/v/$A/$N3.mp3" \
    "/v/$A/$PN.mp3" "/v/$A/$PN.ogg" "/v/$A/99999.mp3" "/v/$A/0$N1.mp3" "/v/$A/$N1.wav"; do
	c=$(get "$u" nope.html)
	check "$u is 404 ($c)" [ "$c" = 404 ]
done
c=$(get /v/$A a5.html -X POST -d x=1)
check "a POST is refused ($c)" [ "$c" = 405 ]
CC=$(web_login cun cadre-pass-1)
c=$(get /v/$A a6.html -b cun.jar)
check "with a session cookie the page is the same, and reads nothing of it ($c)" \
    all [ "$c" = 200 ] -and cmp -s a.html a6.html
check "no answer under /v/ set a cookie" sh -c "! cat ./*.h | grep -qi '^set-cookie'"

# --- the plates a cadre prints -------------------------------------------------------
c=$(curl -s -b cun.jar -o plates.png -D png.h -w '%{http_code}' "$URL/zones/$A/plates.png")
echo "figure: the plates' PNG, $(wc -c <plates.png) bytes, in $(curl -s -b cun.jar -o /dev/null -w '%{time_total}' "$URL/zones/$A/plates.png") s"
check "the cadre's QR plates as PNG ($c)" all [ "$c" = 200 ] -and sh -c "file plates.png | grep -q 'PNG image data'"
c=$(curl -s -b cun.jar -o plates.pdf -w '%{http_code}' "$URL/zones/$A/plates.pdf")
check "and as PDF ($c): one page" all [ "$c" = 200 ] -and sh -c "file plates.pdf | grep -q 'PDF document'" -and \
    sh -c "pdfinfo plates.pdf | grep -q '^Pages: *1$'"
check "zbarimg reads the village's address back from the PNG" sh -c \
    "zbarimg -q --raw plates.png 2>/dev/null | grep -qx '$URL/v/$A'"
c=$(curl -s -o /dev/null -w '%{http_code}' "$URL/zones/$A/plates.png")
check "without a login: to the login ($c)" [ "$c" = 303 -o "$c" = 302 ]
web_login xicun cadre-pass-2 >/dev/null
c=$(curl -s -b xicun.jar -o /dev/null -w '%{http_code}' "$URL/zones/$A/plates.png")
check "another village's cadre: 404 ($c)" [ "$c" = 404 ]

# --- the limit -----------------------------------------------------------------------
n=0 limited=0
while [ $n -lt 300 ]; do
	c=$(curl -s -D burst.h -o burst.html -w '%{http_code}' "$URL/v/$A")
	[ "$c" = 429 ] && { limited=1; break; }
	n=$((n + 1))
done
check "a burst beyond the limit gets 429 (after $n)" [ $limited = 1 ]
check "with Retry-After and a Chinese page" all grep -qi '^retry-after: [0-9]' burst.h -and grep -q '请过一会儿' burst.html
check "and no cookie" sh -c "! grep -qi '^set-cookie' burst.h"

kill $SPK_1 $SPK_2; wait $SPK_1 $SPK_2 2>/dev/null
stop_dalabad
check "dalabad stopped cleanly (rc $DRC)" [ "$DRC" = 0 ]
finish
