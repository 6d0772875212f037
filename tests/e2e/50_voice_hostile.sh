#!/bin/sh
# 50_voice_hostile.sh — voice notices (48_voice) attacked: from a hostile
# peer on the village network and a careless or malicious cadre, against
# the real dalabad on loopback. Who may bring, hear and use a recording;
# the form's CSRF part; bodies of no length or too long; the import queue
# (one in hand, four waiting, then 503); the sweep of unused recordings
# and of archives an import cut by a kill left; a client that hangs up while its
# file is imported (dalabad none the worse) and dalabad stopped in the
# middle of an import (it stops cleanly and keeps no archive and no row).
. tests/e2e/lib.sh
. tests/e2e/daemon.sh
cd "$TMP" || exit 1

dalabad_conf >d.conf
start_dalabad d.conf dalabad.log
URL=$(cat "$STATE/api.url")
for z in "110101 县" "110101001 东镇" "110101001001 东村" "110101001002 西村"; do
	set -- $z
	"$DALABA" zone add "$1" "$2" --quiet 00:00-00:00 >/dev/null
done
echo village-pass-1 | "$DALABA" user add cun --role village --zone 110101001001 --password-stdin >/dev/null
echo village-pass-2 | "$DALABA" user add xicun --role village --zone 110101001002 --password-stdin >/dev/null
echo town-pass-1 | "$DALABA" user add zhen --role township --zone 110101001 --password-stdin >/dev/null
echo county-pass-1 | "$DALABA" user add xian --role county --zone 110101 --password-stdin >/dev/null
CC=$(web_login cun village-pass-1)
XC=$(web_login xicun village-pass-2)
ZC=$(web_login zhen town-pass-1)
AC=$(web_login xian county-pass-1)
check "the cadres log in" [ -n "$CC" -a -n "$XC" -a -n "$ZC" -a -n "$AC" ]

ff() { ffmpeg -nostdin -hide_banner -loglevel error -y "$@"; }
espeak-ng -v cmn -s 140 -w speech.wav "各位村民请注意，明天上午九点在村委会发放新的医保卡。" 2>/dev/null
# short.wav imports in a moment; slow.mp3 (100 s) takes a few seconds,
# long enough to hang up or stop dalabad in the middle of it
ff -i speech.wav -ar 16000 -ac 1 short.wav
ff -stream_loop 30 -i speech.wav -t 100 -ar 44100 -ac 1 -c:a libmp3lame -b:a 64k slow.mp3
# nine and a half minutes: about forty seconds of import here
ff -stream_loop 200 -i speech.wav -t 570 -ar 22050 -ac 1 -c:a libmp3lame -b:a 32k ten.mp3
check "the recordings are made" all test -s short.wav -a -s slow.mp3 -a -s ten.mp3

# up USER CSRF FILE [QUERY]: POST recordings; the answer in api.json
up() {
	curl -s -o api.json -w '%{http_code}' -b "$1.jar" -H "X-CSRF-Token: $2" \
	    -H "Content-Type: audio/mpeg" --data-binary "@$3" \
	    "$URL/api/v1/recordings${4:-}"
}
rows() { q "SELECT count(*) FROM recordings"; }
files() { ls "$STATE/recordings" 2>/dev/null | wc -l; }
no_criticals() { ! grep -q 'CRITICAL\|WARNING \*\*' dalabad.log; }

# --- who brings, hears and uses ---------------------------------------------------------
c=$(up cun "$CC" short.wav "?zone=110101001")
check "a village cadre cannot bring a recording for its township ($c)" [ "$c" = 403 ]
c=$(up cun "$CC" short.wav "?zone=110101001002")
check "nor for another village ($c)" [ "$c" = 403 ]
c=$(up cun wrong short.wav)
check "nor without the CSRF token ($c)" [ "$c" = 403 ]
c=$(curl -s -o api.json -w '%{http_code}' -H "Authorization: Bearer $(cat "$STATE/api.token")" \
    --data-binary @short.wav "$URL/api/v1/recordings")
check "the machine's token must say which zone ($c $(jget '$.error.code'))" \
    [ "$c" = 400 -a "$(jget '$.error.code')" = bad_zone ]
c=$(up zhen "$ZC" short.wav "?zone=110101001002"); XK=$(jget '$.recording')
check "a township cadre brings one for a village of its own ($c)" [ "$c" = 201 -a ${#XK} = 32 ]
c=$(curl -s -o /dev/null -w '%{http_code}' -b cun.jar "$URL/api/v1/recordings/$XK/audio")
check "another village's cadre cannot hear it ($c)" [ "$c" = 404 ]
c=$(api_as cun "$CC" POST notices "{\"recording\":\"$XK\",\"zone\":\"110101001001\"}")
check "nor use it ($c $(jget '$.error.code'))" [ "$c" = 400 -a "$(jget '$.error.code')" = unknown_recording ]
c=$(api_as xicun "$XC" POST notices "{\"recording\":\"$XK\",\"zone\":\"110101001002\"}")
check "its own village's cadre uses it ($c)" [ "$c" = 201 ]

# A county recording in a notice for 东村: 东村's cadre may edit the notice
# (its text, how often) and keep the recording, not only drop it.
c=$(up xian "$AC" short.wav); YK=$(jget '$.recording')
c=$(api_as xian "$AC" POST notices "{\"recording\":\"$YK\",\"zone\":\"110101001001\",\"body\":\"县里录的\"}")
YN=$(jget '$.id')
check "the county makes a voice notice for 东村 from its own recording ($c)" [ "$c" = 201 ]
c=$(api_as cun "$CC" POST "notices/$YN" '{"body":"村里改了说明","repeat":3}')
check "东村's cadre edits its text and repeat, keeping the recording ($c $(jget '$.error.code'))" [ "$c" = 200 ]
check "the notice keeps the county's recording, now 3 times" \
    [ "$(q "SELECT recording || ' ' || repeat FROM notices WHERE id = $YN")" = "$YK 3" ]
c=$(api_as cun "$CC" POST "notices/$YN" "{\"recording\":\"$XK\"}")
check "but cannot swap in another village's recording ($c $(jget '$.error.code'))" \
    [ "$c" = 400 -a "$(jget '$.error.code')" = unknown_recording ]

# --- the form's CSRF part ---------------------------------------------------------------
n0=$(rows)
c=$(curl -s -o /dev/null -w '%{http_code}' -b cun.jar -F "audio=@short.wav;type=audio/wav" "$URL/recordings")
check "the form without its csrf part is refused ($c)" [ "$c" = 403 ]
c=$(curl -s -o /dev/null -w '%{http_code}' -b cun.jar -F "csrf=$CC" -F csrf=forged \
    -F "audio=@short.wav;type=audio/wav" "$URL/recordings")
check "and with a forged one after the right one ($c)" [ "$c" = 403 ]
c=$(curl -s -o /dev/null -w '%{http_code}' -b cun.jar -F a=1 -F b=2 -F c=3 -F d=4 -F e=5 -F f=6 -F g=7 \
    -F "csrf=$CC" -F "audio=@short.wav;type=audio/wav" "$URL/recordings")
check "and with the right one behind a crowd of other parts ($c)" [ "$c" = 403 ]
check "none of them kept anything" [ "$(rows)" = "$n0" ]

# --- bodies -----------------------------------------------------------------------------
c=$(curl -s -o api.json -w '%{http_code}' -b cun.jar -H "X-CSRF-Token: $CC" \
    -H 'Transfer-Encoding: chunked' --data-binary @short.wav "$URL/api/v1/recordings")
check "a chunked upload is refused: 411 ($c)" [ "$c" = 411 ]
head -c 10485761 /dev/zero >big.bin
c=$(up cun "$CC" big.bin)
check "a body of 10 MB and a byte is refused before it is read: 413 ($c)" [ "$c" = 413 ]

# Only those who may bring a recording get its 10 MB and its long deadline:
# a stranger's large body is refused before it is read, not held for minutes.
head -c 5000000 /dev/urandom >junk.bin
c=$(curl -s -o api.json -w '%{http_code}' --data-binary @junk.bin "$URL/api/v1/recordings")
check "a stranger's 5 MB upload is refused before it is read: 413 ($c)" [ "$c" = 413 ]
c=$(curl -s -o api.json -w '%{http_code}' -H 'Authorization: Bearer 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef' \
    --data-binary @junk.bin "$URL/api/v1/recordings")
check "and with a made-up token ($c)" [ "$c" = 413 ]
c=$(curl -s -o /dev/null -w '%{http_code}' -F "audio=@junk.bin" "$URL/recordings")
check "and to the page's form ($c)" [ "$c" = 413 ]
c=$(up cun "$CC" junk.bin)
check "a cadre's 5 MB of noise is read, and refused as not audio: 415 ($c)" [ "$c" = 415 ]

# --- the queue: one in hand, four waiting, then 503 -------------------------------------
n0=$(rows)
curl -s -o q0.json -w '%{http_code}' -b cun.jar -H "X-CSRF-Token: $CC" \
    --data-binary @slow.mp3 "$URL/api/v1/recordings" >q0.code &
Q0=$!
sleep 1	# the slow one is in hand
for i in 1 2 3 4 5 6; do
	curl -s -D q$i.hdr -o q$i.json -w '%{http_code}' -b cun.jar -H "X-CSRF-Token: $CC" \
	    --data-binary @short.wav "$URL/api/v1/recordings" >q$i.code &
	eval Q$i=\$!
done
wait $Q0 $Q1 $Q2 $Q3 $Q4 $Q5 $Q6
codes=$(cat q0.code q1.code q2.code q3.code q4.code q5.code q6.code | tr -d '\n' | sed 's/\(...\)/\1 /g')
n201=$(echo "$codes" | tr ' ' '\n' | grep -c 201)
n503=$(echo "$codes" | tr ' ' '\n' | grep -c 503)
check "seven at once: the one in hand and four waiting import, two are told to come back ($codes)" \
    [ "$n201" = 5 -a "$n503" = 2 ]
check "with a Retry-After" sh -c "cat q*.hdr | tr -d '\r' | grep -q '^Retry-After: 5'"
check "five rows, five archives more" [ "$(rows)" = $((n0 + 5)) -a "$(files)" = "$(rows)" ]

# --- a client that hangs up while its file is imported ----------------------------------
# libsoup does not see a paused request's client go, so the import ends
# and its answer goes nowhere (the unused recording is swept after a day);
# what matters is that dalabad is none the worse.
curl -s -m 1.5 -o /dev/null -b cun.jar -H "X-CSRF-Token: $CC" \
    --data-binary @slow.mp3 "$URL/api/v1/recordings"
check "a client that hangs up mid-import is cut ($?)" [ $? != 0 ]
check "its import ends" wait_until 60 sh -c "[ \$(grep -c 'of mp3/mp3float' dalabad.log) = 2 ]"
check "dalabad still answers" [ "$(up cun "$CC" short.wav)" = 201 ]
check "and libsoup was never misused (no CRITICAL in the log)" no_criticals

# --- dalabad stopped in the middle of an import -----------------------------------------
n0=$(rows) f0=$(files)
curl -s -o /dev/null -b cun.jar -H "X-CSRF-Token: $CC" \
    --data-binary @ten.mp3 "$URL/api/v1/recordings" &
CP=$!
sleep 4
t0=$(date +%s%N)
stop_dalabad
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
wait $CP
check "dalabad stopped mid-import stops cleanly (rc $DRC)" [ "$DRC" = 0 ]
check "and at once: the import in hand stops where it is (${ms} ms, not the ~40 s it would take)" \
    [ "$ms" -lt 5000 ]
check "keeping no row and no archive of it" [ "$(rows)" = "$n0" -a "$(files)" = "$f0" ]
check "and nothing misused on the way out (no CRITICAL in the log)" no_criticals

# --- the sweep of recordings nobody uses --------------------------------------------------
# Forty brought more than a day ago that no notice took (more than one
# batch of the sweep); the one xicun's notice uses, as old; an archive a
# kill cut before its row was written, an hour old; one being imported.
KEEP=$(q "SELECT recording FROM notices WHERE recording IS NOT NULL LIMIT 1")
q "UPDATE recordings SET created_at = strftime('%s', 'now') - 90000 WHERE key = '$KEEP'"
i=0
while [ $i -lt 40 ]; do
	k=$(printf '%032x' $((0xdead0000 + i)))
	q "INSERT INTO recordings (key, zone, created_at, ms, bytes, format, codec) VALUES ('$k', '110101001001', strftime('%s', 'now') - 90000, 1000, 100, 'wav', 'pcm_s16le')"
	cp "$STATE/recordings/$KEEP.ogg" "$STATE/recordings/$k.ogg"
	i=$((i + 1))
done
CUT=$(printf '%032x' 12648430)
YOUNG=$(printf '%032x' 12648431)
cp "$STATE/recordings/$KEEP.ogg" "$STATE/recordings/$CUT.ogg"
touch -d '2 hours ago' "$STATE/recordings/$CUT.ogg"
cp "$STATE/recordings/$KEEP.ogg" "$STATE/recordings/$YOUNG.ogg"
n0=$(rows) f0=$(files)
start_dalabad d.conf dalabad2.log
check "dalabad starts again and sweeps" wait_until 20 grep -q 'recordings: .*removed' dalabad2.log
check "all forty unused rows and their archives go, not only a batch ($n0 rows, $f0 files before: $(rows), $(files))" \
    [ "$(rows)" = $((n0 - 40)) -a "$(files)" = $((f0 - 41)) ]
check "the one a notice uses stays" all test -s "$STATE/recordings/$KEEP.ogg" -a "$(q "SELECT count(*) FROM recordings WHERE key = '$KEEP'")" = 1
check "the archive of a cut import goes, the young one stays" \
    all test ! -e "$STATE/recordings/$CUT.ogg" -a -s "$STATE/recordings/$YOUNG.ogg"
stop_dalabad
finish
