#!/bin/sh
# 48_voice.sh — voice notices from a cadre's phone, through the JSON API and
# the page's own form, with the real dalabad, a real box and the real SQLite
# file. The test makes its own recordings with the ffmpeg CLI from speech
# eSpeak NG says (1.5 s of silence before and after, as a phone recorder
# leaves it), in the formats phones and WeChat exports give: M4A/AAC, MP3,
# Ogg/Opus, WebM/Opus (Chrome's MediaRecorder), Ogg/Vorbis, FLAC, AMR-NB (made
# by sox: Debian's ffmpeg has no AMR encoder), WAV at
# 44.1 kHz stereo. Each imports (201) with the silence trimmed and a key;
# corrupt, empty, non-audio and oversized files are refused with a clear
# Chinese message and leave no row and no file. A voice notice made from
# one airs at the box, twice, between the chimes, and what the box played
# correlates with the recording; another village's cadre can neither hear
# nor use the recording; the page's multipart form leads to the notice form
# holding the recording, or back with the reason in Chinese.
. tests/e2e/lib.sh
. tests/e2e/daemon.sh
PROBE=$TOP/$BUILD/tests/wavprobe
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
echo county-pass-1 | "$DALABA" user add xian --role county --zone 110101 --password-stdin >/dev/null
check "a box enrols in 东村" enrol 1 110101001001
check "it is online" wait_until 15 sh -c "'$DALABA' speaker list | grep -q ' online '"
CC=$(web_login cun village-pass-1)
XC=$(web_login xicun village-pass-2)
AC=$(web_login xian county-pass-1)
check "the cadres log in" [ -n "$CC" -a -n "$XC" -a -n "$AC" ]

# --- the recordings, made here ---------------------------------------------------
check "ffmpeg is here (the test makes its recordings with it)" \
    sh -c 'command -v ffmpeg >/dev/null && command -v espeak-ng >/dev/null'
espeak-ng -v cmn -s 140 -w speech.wav "各位村民请注意，明天上午九点在村委会发放新的医保卡，请带好户口本。" 2>/dev/null
ff() { ffmpeg -nostdin -hide_banner -loglevel error -y "$@"; }
# the phone's file: 1.5 s of room silence each side, 44.1 kHz stereo
ff -i speech.wav -af "adelay=1500:all=1,apad=pad_dur=1.5" -ar 44100 -ac 2 src.wav
ff -i speech.wav -ar 48000 -ac 1 ref.wav	# what should be heard, at 48 kHz
espeak-ng -v cmn -s 140 -w other0.wav "乡亲们请注意，今天下午三点停电，请大家提前做好准备，谢谢配合。" 2>/dev/null
ff -i other0.wav -ar 48000 -ac 1 other.wav	# what should not
ff -i src.wav -c:a aac -b:a 64k phone.m4a
ff -i src.wav -c:a libmp3lame -b:a 64k phone.mp3
ff -i src.wav -c:a libopus -b:a 32k phone.ogg
ff -i src.wav -c:a libopus -b:a 32k -f webm phone.webm
ff -i src.wav -c:a libvorbis -q:a 3 vorbis.ogg
ff -i src.wav -c:a flac phone.flac
# AMR-NB, as old phones and WeChat's voice exports have it (Debian's ffmpeg
# has no AMR encoder; sox has, through libopencore-amrnb)
sox src.wav -r 8000 -c 1 -t amr-nb phone.amr 2>/dev/null
speech_s=$("$PROBE" info speech.wav | sed 's/.*seconds=\([0-9.]*\).*/\1/')
check "the recordings are made ($speech_s s of speech)" \
    all test -s phone.m4a -a -s phone.mp3 -a -s phone.ogg -a -s phone.webm -a -s vorbis.ogg -a -s phone.flac -a -s phone.amr

# up FILE TYPE [USER CSRF] [QUERY]: POST recordings; the answer in api.json
up() {
	curl -s -o api.json -w '%{http_code}' -b "${3:-cun}.jar" \
	    -H "X-CSRF-Token: ${4:-$CC}" -H "Content-Type: $2" \
	    --data-binary "@$1" "$URL/api/v1/recordings${5:-}"
}
rows() { q "SELECT count(*) FROM recordings"; }
files() { ls "$STATE/recordings" 2>/dev/null | wc -l; }
for f in "phone.m4a audio/mp4" "phone.mp3 audio/mpeg" "phone.ogg audio/ogg" \
    "phone.webm audio/webm" "vorbis.ogg audio/ogg" "phone.flac audio/flac" \
    "phone.amr audio/amr" "src.wav audio/wav"; do
	set -- $f
	c=$(up "$1" "$2")
	k=$(jget '$.recording'); s=$(jget '$.seconds')
	check "$1 imports (201, got $c: $(jget '$.format')/$(jget '$.codec'), $s s)" \
	    [ "$c" = 201 -a ${#k} = 32 ]
	check "$1: the silence before and after is trimmed ($s s against $speech_s s of speech)" \
	    awk -v a="$s" -v b="$speech_s" 'BEGIN { exit !(a > b - 0.5 && a < b + 0.8) }'
	check "$1: its archive is kept, and its row, in 东村" \
	    all test -s "$STATE/recordings/$k.ogg" -a "$(q "SELECT zone FROM recordings WHERE key = '$k'")" = 110101001001
	case $1 in phone.webm) WEBM=$k ;; phone.m4a) M4A=$k ;; esac
done
check "the recording audited" [ "$(q "SELECT count(*) FROM audit WHERE action = 'recording.add'")" = 8 ]

# --- refusals: nothing left behind ---------------------------------------------------
r0=$(rows); f0=$(files)
head -c 20000 /dev/urandom >noise.bin
head -c 6000 phone.m4a >cut.m4a; head -c 30000 /dev/urandom >>cut.m4a
: >empty.bin
printf 'not audio at all, just words\n' >words.txt
c=$(up noise.bin application/octet-stream)
check "random bytes are refused (415, got $c: $(jget '$.error.code'))" [ "$c" = 415 ]
zh=$(jget '$.error.message_zh')
check "with a reason in Chinese ($zh)" sh -c "[ '$zh' != null ] && printf '%s' '$zh' | grep -q '[^ -~]'"
c=$(up cut.m4a audio/mp4)
check "a cut and garbled M4A is refused ($c: $(jget '$.error.code'))" [ "$c" = 422 -o "$c" = 415 ]
c=$(up empty.bin audio/mp4)
check "an empty body is refused ($c)" [ "$c" = 415 ]
c=$(up words.txt text/plain)
check "a text file is refused ($c)" [ "$c" = 415 ]
head -c $((10 * 1024 * 1024 + 1)) /dev/zero >big.bin
c=$(up big.bin audio/wav)
check "a file over 10 MB is refused from its headers (413, got $c)" [ "$c" = 413 ]
ff -f lavfi -i anullsrc=r=16000:cl=mono -t 5 -c:a libopus silent.ogg
c=$(up silent.ogg audio/ogg)
check "pure silence is refused ($c: $(jget '$.error.code'))" [ "$c" = 422 -a "$(jget '$.error.code')" = silent ]
ff -f lavfi -i "sine=f=300:r=16000" -t 660 -c:a libopus -b:a 6k long.ogg
c=$(up long.ogg audio/ogg)
check "eleven minutes are refused ($c: $(jget '$.error.code'))" [ "$c" = 422 -a "$(jget '$.error.code')" = too_long ]
check "and none of these left a row or a file ($(rows) rows, $(files) files)" \
    [ "$(rows)" = "$r0" -a "$(files)" = "$f0" ]
check "nor a half-written one" sh -c "! ls '$STATE/recordings' | grep -q new"
c=$(up phone.m4a audio/mp4 cun "$CC" "?zone=110101001002")
check "a cadre cannot bring a recording for another village (403, got $c)" [ "$c" = 403 ]

# --- who may hear and use it ------------------------------------------------------------
c=$(curl -s -o rec.ogg -w '%{http_code}' -b cun.jar "$URL/api/v1/recordings/$WEBM/audio")
check "the cadre hears the recording back ($c, $(wc -c <rec.ogg) bytes)" [ "$c" = 200 -a -s rec.ogg ]
c=$(curl -s -o /dev/null -w '%{http_code}' -b xicun.jar "$URL/api/v1/recordings/$WEBM/audio")
check "西村's cadre cannot (404, got $c)" [ "$c" = 404 ]
n0=$(q "SELECT count(*) FROM notices")
c=$(api_as xicun "$XC" POST notices "{\"recording\":\"$WEBM\",\"zone\":\"110101001002\"}")
check "nor make a notice of it (400, got $c: $(jget '$.error.code'))" \
    [ "$c" = 400 -a "$(jget '$.error.code')" = unknown_recording ]
c=$(api_as cun "$CC" POST notices "{\"recording\":\"0123456789abcdef0123456789abcdef\",\"zone\":\"110101001001\"}")
check "an unknown key is refused ($c)" [ "$c" = 400 ]
c=$(api_as cun "$CC" POST notices "{\"recording\":\"$WEBM\",\"zone\":\"110101001001\",\"feed\":\"dir:x\"}")
check "a voice notice reads no news ($c: $(jget '$.error.code'))" [ "$c" = 400 ]
check "none of these stored a notice" [ "$(q "SELECT count(*) FROM notices")" = "$n0" ]

# --- a voice notice airs -----------------------------------------------------------------
c=$(api_as cun "$CC" POST notices "{\"title\":\"发医保卡\",\"body\":\"明天九点，村委会，带户口本。\",\"recording\":\"$WEBM\",\"zone\":\"110101001001\",\"repeat\":2,\"schedule\":{\"kind\":\"once\",\"at\":\"now\"}}")
N=$(jget '$.id')
check "the cadre makes a voice notice of the WebM, to air now, twice (201, got $c)" [ "$c" = 201 ]
api_as cun "$CC" GET "notices/$N" >/dev/null
check "it is a voice notice with its text, public by default" \
    [ "$(jget '$.recording')" = "$WEBM" -a "$(jget '$.private')" = 0 -a "$(jget '$.body')" = "明天九点，村委会，带户口本。" ]
check "it airs at the box" wait_until 60 aired "$N"
check "confirmed by the box" [ "$(q "SELECT count(*) FROM broadcast_speakers bs JOIN broadcasts b ON b.id = bs.broadcast_id WHERE b.notice_id = $N AND bs.confirmed_at IS NOT NULL")" -ge 1 ]
sleep 1
played=$("$PROBE" info out1.wav | sed 's/.*seconds=\([0-9.]*\).*/\1/')
check "the box played it twice with the chimes ($played s for $speech_s s of speech)" \
    awk -v p="$played" -v s="$speech_s" 'BEGIN { exit !(p > 2 * s + 2 && p < 2 * s + 15) }'
x=$("$PROBE" envcorr out1.wav ref.wav 30)
check "what the box played follows the recording's loudness contour (r, lag s: $x)" \
    gt "${x%% *}" 0.8
y=$("$PROBE" envcorr out1.wav other.wav 30)
check "and not another sentence's (r, lag s: $y): the measure can fail" \
    lt "${y%% *}" 0.6
c=$(api_as cun "$CC" POST notices "{\"recording\":\"$M4A\",\"zone\":\"110101001001\",\"private\":true}")
P=$(jget '$.id')
check "a voice notice with no text at all, marked private (201, got $c)" [ "$c" = 201 ]
check "is stored private, with an empty body" \
    [ "$(q "SELECT public || '|' || body FROM notices WHERE id = $P")" = "0|" ]

# --- the command line -------------------------------------------------------------------------
n1=$(q "SELECT count(*) FROM notices")
expect_exit 0 "dalaba notice add --recording brings the file and stores a voice notice" \
    "$DALABA" notice add --zone 110101001001 --recording phone.ogg --private "村里的录音通知。"
check "saying the recording's key and length, then the notice" \
    sh -c "grep -q '^recording [0-9a-f]\{32\}: 13\.' '$TMP/last.out' && grep -q '^notice [0-9]* stored' '$TMP/last.out'"
check "which is private, heard from the recording, its text kept" \
    [ "$(q "SELECT public || '|' || (recording IS NOT NULL) || '|' || body FROM notices ORDER BY id DESC LIMIT 1")" = "0|1|村里的录音通知。" ]
expect_exit 1 "a file that is not a recording is refused by the command too" \
    "$DALABA" notice add --zone 110101001001 --recording noise.bin
check "saying why" stderr_has "not a recording\|not_audio\|no format\|HTTP 415"
check "and no notice came of it" [ "$(q "SELECT count(*) FROM notices")" = $((n1 + 1)) ]

# --- a recorded alert -------------------------------------------------------------------------
c=$(api_as cun "$CC" POST pages "{\"recording\":\"$WEBM\",\"zones\":[\"110101001001\"]}")
check "a village cadre may not page, recording or not ($c)" [ "$c" = 403 ]
c=$(api_as xian "$AC" POST pages "{\"recording\":\"$WEBM\",\"zones\":[\"110101001001\"],\"repeat\":1}")
PG=$(jget '$.id')
check "the county pages 东村 with the recording (201, got $c)" [ "$c" = 201 ]
PN=$(q "SELECT id FROM notices WHERE page_id = ${PG:-0}")
check "its notice is heard from the recording, its text a label" \
    [ "$(q "SELECT recording || '|' || public FROM notices WHERE id = ${PN:-0}")" = "$WEBM|0" ]
check "it airs at the box" wait_until 60 aired "${PN:-0}"

# --- the page's form ------------------------------------------------------------------------
code=$(curl -s -o voice.html -w '%{http_code}' -b cun.jar "$URL/notices/new/voice")
check "the 录音通知 page opens ($code)" [ "$code" = 200 ]
check "with the file field and the recorder" all grep -q 'type="file"' voice.html -a grep -q 'record.js' voice.html
hdr=$(curl -s -o /dev/null -D - -b cun.jar -F "csrf=$CC" -F "audio=@phone.mp3;type=audio/mpeg" "$URL/recordings" | tr -d '\r')
loc=$(printf '%s\n' "$hdr" | sed -n 's/^[Ll]ocation: //p'); loc=${loc#"$URL"}
check "the form's upload leads to the notice form holding it ($loc)" \
    sh -c "printf '%s\n' '$hdr' | head -1 | grep -q ' 303' && printf '%s' '$loc' | grep -q '^/notices/new?recording=[0-9a-f]\{32\}$'"
curl -s -o form.html -b cun.jar "$URL$loc"
check "which plays it and asks for a text only shown" \
    all grep -q '/api/v1/recordings/.*/audio' form.html -a grep -q '只显示，不播读' form.html
r1=$(rows)
hdr=$(curl -s -o /dev/null -D - -b cun.jar -F "csrf=$CC" -F "audio=@noise.bin;type=audio/mpeg" "$URL/recordings" | tr -d '\r')
loc=$(printf '%s\n' "$hdr" | sed -n 's/^[Ll]ocation: //p'); loc=${loc#"$URL"}
check "a file that is not audio goes back to the form ($loc)" [ "$loc" = "/notices/new/voice?err=not_audio" ]
curl -s -o back.html -b cun.jar "$URL$loc"
check "which says why in Chinese" grep -q '这个文件不是录音' back.html
check "and stored nothing" [ "$(rows)" = "$r1" ]
c=$(curl -s -o /dev/null -w '%{http_code}' -b cun.jar -F "csrf=wrong" -F "audio=@phone.mp3;type=audio/mpeg" "$URL/recordings")
check "without the page's CSRF token the upload is refused ($c)" [ "$c" = 403 ]
check "and stored nothing either" [ "$(rows)" = "$r1" ]

stop_dalabad
check "dalabad stopped cleanly (rc $DRC)" [ "$DRC" = 0 ]
kill $SPK_1 2>/dev/null
wait 2>/dev/null
finish
