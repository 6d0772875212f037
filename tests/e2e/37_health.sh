# 37_health.sh — what a box says of itself in its heartbeat (its agent's
# uptime and version, audio errors, free storage where its state lives)
# reaches the API and the speakers page, and a box that is online but
# silent while its village is on the air is named as such. Box 1 talks to
# dalabad directly; box 2 through tests/impair losing all audio on the way
# down (its heartbeats go through): online, and silent when it should play.
. tests/e2e/lib.sh
. tests/e2e/daemon.sh
IMPAIR=$TOP/$BUILD/tests/impair
PPORT=$((UDP_PORT + 1))
cd "$TMP"

dalabad_conf >d.conf
start_dalabad d.conf d.log
"$DALABA" zone add 110101001001 东村 --quiet 00:00-00:00 >/dev/null
printf "village-pass-1\n" | "$DALABA" user add cun --role village --zone 110101001001 --password-stdin >/dev/null
mkdir box1 box2
check "two boxes enrolled" all enrol_at 1 $UDP_PORT box1/speaker.conf \
    -and enrol_at 2 $PPORT box2/speaker.conf
"$IMPAIR" $PPORT $UDP_PORT 120 100 0 0 0 7 >impair.txt &
IP=$!
"$SPK" -c box1/speaker.conf --stats spk1.stats 2>spk1.err & SPK_1=$!
"$SPK" -c box2/speaker.conf --stats spk2.stats 2>spk2.err & SPK_2=$!
check "both boxes online" wait_until 15 sh -c \
    "'$DALABA' speaker list | grep -c ' online ' | grep -qx 2"
sleep 1.5
# field ID PATH: a field of speaker ID in GET speakers (PATH like health.uptime_s)
field() {
	api GET "speakers?zone=110101001001" >/dev/null
	python3 -c 'import json, sys
d = json.load(open("api.json"))
for s in (d if isinstance(d, list) else d.get("speakers", [])):
    if s["id"] == int(sys.argv[1]):
        v = s
        for k in sys.argv[2].split("."): v = v.get(k, "") if isinstance(v, dict) else ""
        print(str(v).lower())' "$1" "$2"
}
ver=$("$DALABA" --version | awk '{ print $NF }')
check "box 1 reports its agent's version ($(field 1 health.version), dalaba $ver)" \
    [ "$(field 1 health.version)" = "$ver" ]
check "and its uptime ($(field 1 health.uptime_s) s)" gt "$(field 1 health.uptime_s)" 0
free=$(field 1 health.free_mb)
df_free=$(df -Pm box1 | awk 'NR == 2 { print $4 }')
check "and the free storage where its state lives ($free MB, df says $df_free)" \
    awk -v a="$free" -v b="$df_free" 'BEGIN { exit !(a > 0 && a >= b * 0.9 - 50 && a <= b * 1.1 + 50) }'
check "no audio errors" [ "$(field 1 health.audio_errors)" = 0 ]
check "nothing is due before anything airs" \
    all [ "$(field 1 due)" = false ] -and [ "$(field 2 silent_when_due)" = false ]

"$DALABA" notice add --zone 110101001001 --no-chime --now \
    "各位村民请注意，今天下午两点到五点，因线路检修，全村停电，请大家提前做好准备。停电期间请不要使用电梯，注意用火安全。" >n1.out
N=$(notice_id n1.out)
silent2() { [ "$(field 2 silent_when_due)" = true ]; }
check "while it airs, box 2 (no audio reaches it) is named silent when due" wait_until 30 silent2
curl -s -H "Authorization: Bearer $(cat "$STATE/metrics.token")" \
    "$(cat "$STATE/api.url")/metrics" >metrics.txt
check "/metrics counts it (dalaba_loudspeakers_silent_when_due 1)" \
    grep -qx 'dalaba_loudspeakers_silent_when_due 1' metrics.txt
check "box 1, playing, is due and not silent" \
    all [ "$(field 1 due)" = true ] -and [ "$(field 1 silent_when_due)" = false ] \
    -and [ "$(field 1 playing)" = true ]
csrf=$(web_login cun village-pass-1)
curl -s -b cun.jar "$(cat "$STATE/api.url")/speakers?zone=110101001001" >speakers.html
check "the village cadre's speakers page says so (该播未播) and shows the version" \
    all grep -q '该播未播' speakers.html -and grep -q "版本 $ver" speakers.html
check "only for box 2" [ "$(grep -o '该播未播' speakers.html | wc -l)" = 1 ]
check "the notice airs" wait_until 60 aired "$N"
quiet2() { [ "$(field 2 silent_when_due)" = false ]; }
check "once it is over nothing is due" wait_until 10 quiet2
kill $SPK_1 $SPK_2 $IP
wait $SPK_1 $SPK_2 $IP 2>/dev/null
check "box 2 heard no audio at all (the proxy dropped it)" [ "$(stat_of spk2.stats played)" = 0 ]
# A box of the protocol before 0.4 says HELLO in 108 bytes: the server
# cannot take it, and says why (once a minute) instead of staying mute.
python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(b"DLBH" + bytes([0, 0, 0, 9]) + bytes(100), ("127.0.0.1", int(sys.argv[1])))' $UDP_PORT
check "a 0.3 box's HELLO is named in the log, with what to do" \
    wait_until 5 grep -q 'a HELLO of an older dalaba-speaker (108 bytes, speaker 9).*upgrade the box' d.log
stop_dalabad
finish
