#!/bin/sh
# scheduler/run-demo.sh — what `make run` starts. Until dalabad lands (the
# daemon issue), dalaba's runnable part is the speech pipeline: this renders
# a demo village notice into state/ and plays it on the sound card if there
# is one. It grows into "start dalabad + a local dalaba-speaker" later.
set -eu
BUILD=${1:-build}
STATE=${DALABA_STATE_DIR:-state}
mkdir -p "$STATE"

TITLE="村委会通知"
TEXT="各位村民请注意：本周六上午8:30，村卫生室为60岁以上的老人免费体检，\
每户可以有2个人陪同。气温-3~5℃，请注意保暖。咨询电话13812345678。"

echo "dalaba: the reading of the demo notice (what eSpeak NG will be given):"
"$BUILD/dalaba" say --text-only "$TEXT" | sed 's/^/  /'
"$BUILD/dalaba" say --title "$TITLE" --repeat 2 --cache "$STATE/cache" \
    -o "$STATE/demo-notice.ogg" "$TEXT"
if aplay -l 2>/dev/null | grep -q '^card'; then
	echo "dalaba: playing it on the default sound device (Ctrl-C stops)"
	"$BUILD/dalaba" say --title "$TITLE" --repeat 2 --cache "$STATE/cache" "$TEXT"
else
	echo "dalaba: no sound card here; listen to $STATE/demo-notice.ogg"
fi
echo "dalaba: try your own: $BUILD/dalaba say -o notice.ogg \"乡亲们，明天上午9:00开会。\""
