#!/bin/sh
# tests/compile/run.sh — rules the compiler enforces: SQL values are bound
# by their C type (scheduler/db_args.h), so a value of a type with no
# binding does not compile. bind_ok.c must compile (the control: the
# others fail for their type, not for a broken include); each other
# bind_*.c must not.
set -u
CC=${CC:-cc}
cd "$(dirname "$0")/../.." || exit 1
pass=0
fail=0
flags="-std=gnu11 -I. -D_GNU_SOURCE -fsyntax-only -Wall -Werror $(pkg-config --cflags sqlite3 glib-2.0 2>/dev/null)"
for f in tests/compile/bind_*.c; do
	if $CC $flags "$f" >/dev/null 2>&1; then built=yes; else built=no; fi
	case "$f" in
	*/bind_ok.c) want=yes ;;
	*) want=no ;;
	esac
	if [ "$built" = "$want" ]; then
		echo "ok - $f: compiles=$built"
		pass=$((pass + 1))
	else
		echo "FAIL - $f: compiles=$built, want $want"
		$CC $flags "$f" 2>&1 | head -n 5
		fail=$((fail + 1))
	fi
done
echo "RESULT $pass $fail"
[ "$fail" -eq 0 ]
