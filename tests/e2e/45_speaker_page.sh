# 45_speaker_page.sh — one loudspeaker's page (/speakers/ID) as a village
# cadre uses it, through its real forms (session, CSRF): the volume set
# there changes the level box 1 really plays (measured in its WAV output
# against box 2's, in the same village, at its own 80), and box 1 keeps it
# across a restart of its agent (from its storage, before the server says
# anything); a box's max_volume still caps it; bad input changes nothing;
# another village's cadre gets 404; the test tone is heard on box 1 and
# not on box 2, confirmed by box 1, audited, and refused while a page is
# on air there; the history shows box 1's offline stretch after its agent
# was killed and started again. Real dalabad, three real agents writing
# WAV, the real SQLite file.
. tests/e2e/lib.sh
. tests/e2e/daemon.sh
PROBE=$TOP/$BUILD/tests/wavprobe
cd "$TMP"

dalabad_conf >d.conf
start_dalabad d.conf d.log
URL=$(cat "$STATE/api.url")
for z in "110101 县" "110101001 东镇" "110101001001 东村" "110101001002 西村"; do
	set -- $z
	"$DALABA" zone add "$1" "$2" --quiet 00:00-00:00 >/dev/null
done
printf "village-pass-1\n" | "$DALABA" user add cun --role village --zone 110101001001 --password-stdin >/dev/null
printf "village-pass-2\n" | "$DALABA" user add xicun --role village --zone 110101001002 --password-stdin >/dev/null
printf "county-pass-1\n" | "$DALABA" user add xian --role county --zone 110101 --password-stdin >/dev/null

# box ID ZONE: enrol a box whose state lives in its own folder boxID/
box() {
	mkdir -p box$1
	"$DALABA" speaker add "$1" --zone "$2" --name "喇叭$1" >add$1.out || return 1
	"$SPK" --enroll $(awk '/--enroll/ { print $3, $4, $5 }' add$1.out) \
	    -c box$1/speaker.conf -o "wav:$TMP/out$1.wav" 2>enrol$1.err || return 1
	printf '[agent]\nhello_ms = 300\n' >>box$1/speaker.conf
}
# run ID [WAV]: start box ID's agent (writing WAV, default outID.wav)
run() {
	"$SPK" -c box$1/speaker.conf -o "wav:$TMP/${2:-out$1.wav}" \
	    --stats spk$1.stats 2>>spk$1.err &
	eval "SPK_$1=\$!"
}
check "boxes 1 and 2 in 东村, box 3 in 西村, enrolled" \
    all box 1 110101001001 -and box 2 110101001001 -and box 3 110101001002
sed -i 's/^output = .*/&\nvolume = 80/' box1/speaker.conf box2/speaker.conf
sed -i 's/^output = .*/&\nvolume = 80\nmax_volume = 30/' box3/speaker.conf
run 1; run 2; run 3
check "all three online" wait_until 15 sh -c \
    "'$DALABA' speaker list | grep -c ' online ' | grep -qx 3"

# field ID PATH: a field of speaker ID in GET speakers
field() {
	api GET "speakers?limit=1&after=$(($1 - 1))" >/dev/null
	python3 -c 'import json, sys
v = json.load(open("api.json"))[0]
for k in sys.argv[1].split("."): v = v.get(k, "") if isinstance(v, dict) else ""
print(str(v).lower())' "$2"
}
# post NAME CSRF PATH FORM...: a page's form as NAME; the page in post.html,
# the status printed
post() {
	_n=$1 _c=$2 _p=$3; shift 3
	_args=
	for _f in "$@"; do _args="$_args --data-urlencode $_f"; done
	curl -s -o post.html -w '%{http_code}' -b "$_n.jar" --data-urlencode \
	    "csrf=$_c" $_args "$URL$_p"
}
is() { [ "$(field "$1" "$2")" = "$3" ]; }	# is ID PATH VALUE
level() { "$PROBE" info "$1" | sed 's/.*rms=//'; }
frames() { "$PROBE" info "$1" 2>/dev/null | sed 's/.*frames=\([0-9]*\).*/\1/'; }
ratio() { awk -v a="$(level "$1")" -v b="$(level "$2")" 'BEGIN { if (b > 0) printf "%.3f\n", a / b; else print "x" }'; }
near() { awk -v v="$1" -v w="$2" 'BEGIN { exit !(v != "x" && v >= w * 0.93 && v <= w * 1.07) }'; }
vol1() { q "SELECT COALESCE(volume, 'none') FROM speakers WHERE id = 1"; }
audits() { q "SELECT count(*) FROM audit WHERE action = '$1'"; }
text="各位村民请注意，明天上午九点在村委会门口发放新的医保卡，请带好户口本。"

csrf=$(web_login cun village-pass-1)
xcsrf=$(web_login xicun village-pass-2)
ccsrf=$(web_login xian county-pass-1)
code=$(curl -s -o page1.html -w '%{http_code}' -b cun.jar "$URL/speakers/1")
check "the village cadre sees box 1's page ($code)" [ "$code" = 200 ]
check "with its volume form, test tone and history" all grep -q 'id="volume-input"' page1.html \
    -and grep -q '试音' page1.html -and grep -q '最近的情况' page1.html
code=$(curl -s -o x.html -w '%{http_code}' -b xicun.jar "$URL/speakers/1")
check "西村's cadre gets 404 for 东村's box ($code)" [ "$code" = 404 ]

# ---- bad input changes nothing ----
for bad in 150 -5 abc 7.5 "" 1000; do
	code=$(post cun "$csrf" /speakers/1/volume "volume=$bad")
	check "volume \"$bad\" is refused on the page in Chinese ($code)" \
	    all [ "$code" = 200 ] -and grep -q '音量要填 0 到 100 之间的整数' post.html
done
check "and kept what was typed (1000)" grep -q 'value="1000"' post.html
check "none of them changed the store ($(vol1))" [ "$(vol1)" = none ]
code=$(curl -s -o post.html -w '%{http_code}' -b cun.jar -d volume=40 "$URL/speakers/1/volume")
check "a form without its CSRF token is refused ($code), nothing changed" \
    all [ "$code" != 303 ] -and [ "$(vol1)" = none ]
code=$(post xicun "$xcsrf" /speakers/1/volume volume=40)
check "西村's cadre cannot set it (404, got $code)" all [ "$code" = 404 ] -and [ "$(vol1)" = none ]
code=$(api POST speakers/1/volume '{"volume":101}')
check "the API refuses 101 (400, got $code: $(jget '$.error.code'))" [ "$code" = 400 ]
code=$(api POST speakers/1/volume '{"volume":40,"loud":1}')
check "and a field it does not know (400, got $code)" [ "$code" = 400 ]
code=$(api_as xicun "$xcsrf" POST speakers/1/volume '{"volume":40}')
check "and another village's cadre (404, got $code)" all [ "$code" = 404 ] -and [ "$(vol1)" = none ]
check "no volume was audited yet" [ "$(audits speaker.volume)" = 0 ]

# ---- the volume set on the page is what the box plays ----
code=$(post cun "$csrf" /speakers/1/volume "volume=４０")
check "box 1 set to 40 on the page, typed in full-width digits (303, got $code)" [ "$code" = 303 ]
check "stored ($(vol1)) and audited as cun's, in Chinese" all [ "$(vol1)" = 40 ] -and \
    [ "$(q "SELECT count(*) FROM audit a JOIN users u ON u.id = a.user_id WHERE u.name = 'cun' AND action = 'speaker.volume' AND detail LIKE '%音量 40%' AND a.zone = '110101001001'")" = 1 ]
curl -s -b cun.jar -o page1.html "$URL/speakers/1?done=volume"
check "the page says it is saved and shows 40" all grep -q '音量保存好了' page1.html \
    -and grep -q 'id="volume-set">40<' page1.html
check "box 1 says it plays at 40 within seconds" wait_until 10 is 1 volume 40
check "box 2 still at its own 80" [ "$(field 2 volume)" = 80 ]
"$DALABA" notice add --zone 110101001001 --no-chime --now "$text" >n1.out
N1=$(notice_id n1.out)
check "a notice to 东村 airs" wait_until 60 aired "$N1"
sleep 1
r=$(ratio out1.wav out2.wav)
echo "# box 1 / box 2 level: $r (40 / 80)"
check "box 1 really plays at 40 of box 2's 80 ($r)" near "$r" 0.5

# ---- box 3's ceiling: the county admin sets 90, it plays at its 30 ----
code=$(api_as xian "$ccsrf" POST speakers/3/volume '{"volume":90}')
check "the county admin sets box 3 in 西村 to 90 ($code)" [ "$code" = 200 ]
check "box 3 says it plays at its max_volume, 30" wait_until 10 is 3 volume 30
curl -s -b xian.jar -o page3.html "$URL/speakers/3"
check "its page says why (它自己最大只能到这么大)" grep -q '最大只能到这么大' page3.html

# ---- a restart, and a stretch offline ----
kill $SPK_1; wait $SPK_1 2>/dev/null
check "box 1 killed: it goes offline" wait_until 20 sh -c \
    "'$DALABA' speaker list | grep '^1 ' | grep -q offline"
check "and its history says so" wait_until 20 sh -c \
    "[ \"\$(sqlite3 -cmd '.timeout 5000' '$DB' \"SELECT count(*) FROM speaker_events WHERE speaker_id = 1 AND kind = 'online' AND value = 0\")\" = 1 ]"
check "box 1 keeps its volume on its own storage" [ "$(cat box1/server-volume)" = 40 ]
: >spk1.err
run 1 out1b.wav
check "box 1 started again plays at 40 before the server says anything" \
    wait_until 5 grep -q 'volume 40, as the server last set it' spk1.err
check "box 1 online again" wait_until 15 is 1 online true
check "its history has it back online" wait_until 15 sh -c \
    "[ \"\$(sqlite3 -cmd '.timeout 5000' '$DB' \"SELECT count(*) FROM speaker_events WHERE speaker_id = 1 AND kind = 'online' AND value = 1 AND id > (SELECT max(id) FROM speaker_events WHERE speaker_id = 1 AND kind = 'online' AND value = 0)\")\" = 1 ]"
"$DALABA" notice add --zone 110101001001 --no-chime --now "$text" >n2.out
N2=$(notice_id n2.out)
check "a second notice airs" wait_until 60 aired "$N2"
sleep 1
r=$(ratio out1b.wav out2.wav)
echo "# after the restart, box 1 / box 2 level: $r"
check "box 1 still plays at 40 of 80 after its restart ($r)" near "$r" 0.5
curl -s -b cun.jar -o page1.html "$URL/speakers/1"
check "its page's history shows it went offline and came back" \
    all grep -q '<b>掉线</b>' page1.html -and grep -q '恢复在线（断了' page1.html
check "and the 24-hour strip marks the hour red" grep -q 'class="down"' page1.html
check "and its agent's restart" all [ "$(q "SELECT count(*) FROM speaker_events WHERE speaker_id = 1 AND kind = 'restart'")" = 1 ] \
    -and grep -q '喇叭重新启动了（之前运行了' page1.html
check "box 2 has no history of trouble" [ "$(q "SELECT count(*) FROM speaker_events WHERE speaker_id = 2 AND kind != 'online'")" = 0 ]
code=$(api_as cun "$csrf" GET speakers/1/history?days=31)
check "the history API refuses 31 days (400, got $code)" [ "$code" = 400 ]
code=$(api_as xicun "$xcsrf" GET speakers/1/history)
check "and 西村's cadre (404, got $code)" [ "$code" = 404 ]

# ---- the test tone: box 1 alone, after a second tap ----
f1=$(frames out1b.wav) f2=$(frames out2.wav)
code=$(post cun "$csrf" /speakers/1/tone)
check "the tone button first asks (200, got $code)" all [ "$code" = 200 ] \
    -and grep -q '响一下' post.html -and grep -q 'name="confirm"' post.html
sleep 1
api_as cun "$csrf" GET speakers/1/history >/dev/null
check "and nothing was played yet ($(jget '$.tone'))" [ "$(jget '$.tone')" = null ]
code=$(post cun "$csrf" /speakers/1/tone confirm=1)
check "confirmed, it starts (303, got $code)" [ "$code" = 303 ]
check "the tone plays and ends" wait_until 30 sh -c "[ \"\$(curl -s -b cun.jar '$URL/api/v1/speakers/1/history' | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"tone\"][\"state\"])')\" = done ]"
sleep 1
check "box 1 confirmed it ($(jget '$.tone.confirmed'))" sh -c \
    "curl -s -b cun.jar '$URL/api/v1/speakers/1/history' | grep -q '\"confirmed\" *: *true'"
g1=$(frames out1b.wav) g2=$(frames out2.wav)
echo "# frames: box 1 $f1 -> $g1, box 2 $f2 -> $g2"
check "box 1 played it: over a second of sound more ($f1 -> $g1)" gt $((g1 - f1)) 48000
check "box 2, in the same village, heard nothing ($f2 -> $g2)" [ "$g2" = "$f2" ]
check "box 3 neither" [ "$(stat 3 streams)" = 0 ]
curl -s -b cun.jar -o page1.html "$URL/speakers/1"
check "the page says box 1 confirmed playing it" grep -q '喇叭确认播了' page1.html
check "audited once, as cun's" [ "$(q "SELECT count(*) FROM audit a JOIN users u ON u.id = a.user_id WHERE u.name = 'cun' AND action = 'speaker.tone'")" = 1 ]
check "and noted in its history" wait_until 10 sh -c \
    "[ \"\$(sqlite3 -cmd '.timeout 5000' '$DB' \"SELECT value FROM speaker_events WHERE speaker_id = 1 AND kind = 'tone'\")\" = 1 ]"
code=$(post xicun "$xcsrf" /speakers/1/tone confirm=1)
check "西村's cadre cannot sound it (404, got $code)" [ "$code" = 404 ]

# ---- never over a page ----
"$DALABA" page --zone 110101001001 --repeat 5 "紧急通知：水库水位上涨，请低处的村民马上转移。" >page.out 2>&1
PG=$(awk '/^page [0-9]+ on the air/ { print $2 }' page.out)
check "an emergency page plays on box 1" wait_until 20 is 1 playing true
f1=$(frames out1b.wav)
code=$(post cun "$csrf" /speakers/1/tone confirm=1)
check "the tone is refused with a Chinese sentence ($code)" \
    all [ "$code" = 200 ] -and grep -q '正在播紧急广播，现在不能试音' post.html
code=$(api_as cun "$csrf" POST speakers/1/tone '{}')
check "and by the API (409 tone_page, got $code $(jget '$.error.code'))" \
    all [ "$code" = 409 ] -and [ "$(jget '$.error.code')" = tone_page ]
check "nothing more was audited" [ "$(audits speaker.tone)" = 1 ]
"$DALABA" page cancel "$PG" >/dev/null
check "the page stops" wait_until 20 is 1 playing false
kill $SPK_3; wait $SPK_3 2>/dev/null
check "box 3 offline" wait_until 20 is 3 online false
code=$(api_as xian "$ccsrf" POST speakers/3/tone '{}')
check "a tone to a box offline is refused (409 tone_offline, got $code $(jget '$.error.code'))" \
    all [ "$code" = 409 ] -and [ "$(jget '$.error.code')" = tone_offline ]

# ---- the same from the command line ----
expect_exit 2 "dalaba speaker volume refuses 300" "$DALABA" speaker volume 2 300
check "dalaba speaker volume 2 60" sh -c "'$DALABA' speaker volume 2 60 | grep -q 'speaker 2: volume 60'"
check "box 2 plays at 60" wait_until 10 is 2 volume 60
check "dalaba speaker volume 2 default" "$DALABA" speaker volume 2 default
check "box 2 back at its own 80" wait_until 10 is 2 volume 80
check "and the store has none for it" [ "$(q "SELECT COALESCE(volume, 'none') FROM speakers WHERE id = 2")" = none ]
check "box 2 forgot it on its storage" [ ! -e box2/server-volume ]

stop_dalabad
check "dalabad stopped cleanly (rc $DRC)" [ "$DRC" = 0 ]
kill $SPK_1 $SPK_2 2>/dev/null
wait 2>/dev/null
finish
