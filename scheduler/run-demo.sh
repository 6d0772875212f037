#!/bin/sh
# scheduler/run-demo.sh — what `make run` starts: dalabad with its embedded
# defaults and a state directory under the checkout, the zone of one demo
# village, one local dalaba-speaker enrolled through a one-time token (the
# sound card if there is one, else a WAV file in the state directory),
# a noon and evening news slot, and one notice a minute from now.
# Ctrl-C stops everything cleanly. Run it again: the state is kept.
#
# Environment: DALABA_STATE_DIR (default ./state), DALABA_DEMO_PORT (UDP,
# default 5004), DALABA_DEMO_OUTPUT (alsa:NAME, wav:PATH or null),
# DALABA_DEMO_AT ("now" airs the demo notice at once; for tests),
# DALABA_DEMO_API_PORT (web admin and JSON API, default 8080; 0 any).
set -u
BUILD=${1:-build}
STATE=${DALABA_STATE_DIR:-state}
PORT=${DALABA_DEMO_PORT:-5004}
VILLAGE=110101001001
mkdir -p "$STATE/news"
STATE=$(cd "$STATE" && pwd)
export DALABA_STATE_DIR="$STATE"
DALABA=$BUILD/dalaba

say() { echo "dalaba: $*"; }

if [ ! -f "$STATE/dalabad.conf" ]; then
	cat >"$STATE/dalabad.conf" <<EOT
# dalabad configuration for \`make run\` (dalabad -n -c THIS prints every key)
[dalabad]
state_dir = $STATE
[broadcast]
port = $PORT
[api]
port = ${DALABA_DEMO_API_PORT:-8080}
[enroll]
bind = 127.0.0.1
port = 0
EOT
fi

rm -f "$STATE/api.url"
"$BUILD/dalabad" -c "$STATE/dalabad.conf" &
DPID=$!
SPID=
stop() {
	trap - INT TERM EXIT
	[ -n "$SPID" ] && kill "$SPID" 2>/dev/null
	kill "$DPID" 2>/dev/null
	wait 2>/dev/null
	say "stopped; the state is in $STATE"
	exit 0
}
trap stop INT TERM EXIT

n=0
until "$DALABA" status >/dev/null 2>&1; do
	n=$((n + 1))
	if [ $n -gt 100 ] || ! kill -0 $DPID 2>/dev/null; then
		say "dalabad did not start (see above)"
		trap - EXIT
		exit 1
	fi
	sleep 0.1
done

if ! "$DALABA" zone list | grep -q "^$VILLAGE"; then
	"$DALABA" zone add 110101 示范县 >/dev/null
	"$DALABA" zone add 110101001 城关镇 >/dev/null
	# The demo must speak whenever it is started, so no quiet hours here;
	# real villages keep the default 21:30-06:00.
	"$DALABA" zone add $VILLAGE 东风村 --quiet 00:00-00:00 >/dev/null
	say "created zones 示范县 110101 > 城关镇 110101001 > 东风村 $VILLAGE"
fi

if [ ! -f "$STATE/speaker.conf" ]; then
	if [ -n "${DALABA_DEMO_OUTPUT:-}" ]; then
		OUT=$DALABA_DEMO_OUTPUT
	elif aplay -l 2>/dev/null | grep -q '^card'; then
		OUT=alsa:default
	else
		OUT=wav:$STATE/speaker-out.wav
		say "no sound card here: the loudspeaker writes $STATE/speaker-out.wav"
	fi
	"$DALABA" speaker add 1 --zone $VILLAGE --name 东风村村委会大喇叭 >"$STATE/token.txt" 2>&1 ||
	    "$DALABA" speaker token 1 >"$STATE/token.txt"
	set -- $(awk '/--enroll/ { print $3, $4, $5 }' "$STATE/token.txt")
	"$BUILD/dalaba-speaker" --enroll "$1" "$2" "$3" -c "$STATE/speaker.conf" -o "$OUT" ||
	    { say "enrolling the local speaker failed"; exit 1; }
	rm -f "$STATE/token.txt"
fi
"$BUILD/dalaba-speaker" -c "$STATE/speaker.conf" --stats "$STATE/speaker.stats" \
    2>"$STATE/speaker.log" &
SPID=$!

if [ "$("$DALABA" notice list | grep -c '^[0-9]')" = 0 ]; then
	cat >"$STATE/news/01-weather.txt" <<EOT
天气预报：明天晴转多云，气温-3~5℃，北风3到4级。
EOT
	cat >"$STATE/news/02-market.txt" <<EOT
农业信息：本周玉米收购价每斤1.25元，比上周上涨0.05元。
EOT
	"$DALABA" notice add --zone 110101001 --title 新闻 --daily 12:00,18:30 \
	    --feed "dir:$STATE/news" --items 3 "乡亲们，现在播报今天的新闻。" >/dev/null
	say "scheduled the news at 12:00 and 18:30 daily: the newest .txt files in $STATE/news"
fi
if [ "${DALABA_DEMO_AT:-}" = now ]; then
	AT=now
else
	AT=$(TZ=Asia/Shanghai date -d '+1 minute' '+%Y-%m-%d %H:%M')
fi
if [ "$AT" = now ]; then
	"$DALABA" notice add --zone $VILLAGE --title 村委会通知 --repeat 2 --now \
	    "各位村民请注意：本周六上午8:30，村卫生室为60岁以上的老人免费体检，咨询电话13812345678。"
else
	"$DALABA" notice add --zone $VILLAGE --title 村委会通知 --repeat 2 --at "$AT" \
	    "各位村民请注意：本周六上午8:30，村卫生室为60岁以上的老人免费体检，咨询电话13812345678。"
fi
say "a village notice airs at $AT (Asia/Shanghai) on the local loudspeaker"
# The first county admin of the web admin: no default password; one is
# generated and printed this once (it is stored only as a hash).
ADMIN_MSG="web admin user: admin (password printed when it was made)"
if ! "$DALABA" user list | grep -q ' admin$'; then
	PW=$("$DALABA" user add admin --role county --zone 110101 |
	    awk '/^password:/ { print $2 }')
	ADMIN_MSG="web admin user: admin   password: $PW   (shown this once)"
fi
WEB=$(cat "$STATE/api.url")
cat <<EOT

dalaba is running.
  Web admin: $WEB/  (open it on this machine)
  $ADMIN_MSG
In another terminal:
  export DALABA_STATE_DIR=$STATE
  $DALABA status                 what is on air
  $DALABA schedule list          what airs when
  $DALABA speaker list           the loudspeakers
  $DALABA notice add --zone $VILLAGE --now "明天上午9:00开会。"
  $DALABA page --zone $VILLAGE --wait 10 "紧急通知：请立即转移到村委会。"
                                 an emergency page, with live confirmation
Speaker counters: $STATE/speaker.stats   Ctrl-C stops dalaba.

EOT
wait $DPID
