#!/bin/sh
# tests/layers.sh — the modules depend one way, through public headers.
#
# A module's .c and .h files may include its own headers, and of another
# module only that module's public header, and only of a module below it:
#   broadcaster  (nothing)
#   tts          broadcaster
#   speakers     broadcaster
#   scheduler    broadcaster tts
#   web-admin    scheduler broadcaster tts
#   cli          tts speakers broadcaster
# A program's composition root (*_main.c) may include the public header of
# any module. Prints "RESULT passed failed"; LAYERS_ROOT checks another
# tree (the test of this test).
set -u
root=${LAYERS_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root" || exit 1

public="tts/tts.h broadcaster/broadcaster.h broadcaster/log.h
scheduler/scheduler.h speakers/speaker.h web-admin/web.h cli/cli.h"

below() {	# module: the modules it may use
	case $1 in
	broadcaster) echo "" ;;
	tts) echo "broadcaster" ;;
	speakers) echo "broadcaster" ;;
	scheduler) echo "broadcaster tts" ;;
	web-admin) echo "scheduler broadcaster tts" ;;
	cli) echo "tts speakers broadcaster" ;;
	*) echo "?" ;;
	esac
}

passed=0
failed=0
for m in broadcaster tts speakers scheduler web-admin cli; do
	bad=0
	for f in "$m"/*.c "$m"/*.h; do
		[ -f "$f" ] || continue
		for inc in $(sed -n 's/^#include "\([a-z-]*\/[a-z_]*\.h\)".*/\1/p' "$f"); do
			dir=${inc%%/*}
			[ "$dir" = "$m" ] && continue
			case " $(echo $public) " in
			*" $inc "*) ;;
			*)	echo "FAIL - $f includes $inc, a private header of $dir/"
				bad=$((bad + 1))
				continue ;;
			esac
			case "$f" in *_main.c) continue ;; esac
			case " $(below "$m") " in
			*" $dir "*) ;;
			*)	echo "FAIL - $f includes $inc: $m/ may not use $dir/ (it is not below it)"
				bad=$((bad + 1)) ;;
			esac
		done
	done
	if [ "$bad" -eq 0 ]; then
		echo "ok - $m/ includes only its own headers and the public headers of $(below "$m" | sed 's/^$/no module/')"
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
done
echo "RESULT $passed $failed"
[ "$failed" -eq 0 ]
