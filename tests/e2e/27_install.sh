# 27_install.sh — `make install` as a county technician runs it, into a
# prefix of its own: programs, man pages, the phrase dictionary, the example
# configuration (never overwriting one the county changed), the systemd
# units, sysusers and tmpfiles; `systemd-analyze verify` accepts the units
# (and is shown to refuse a broken one); the installed dalabad finds its
# dictionary and speaks the sd_notify protocol the units rely on (READY=1,
# the watchdog, STOPPING=1) to a listener standing in for systemd.
. tests/e2e/lib.sh
cd "$TMP"
P=$TMP/pfx
san=${BUILD#build}; san=${san#-}
inst() { make -s -C "$TOP" ${san:+SANITIZER=$san} PREFIX="$P" SYSCONFDIR="$P/etc" "$@"; }

expect_exit 0 "make install into a prefix" inst install
for f in bin/dalabad bin/dalaba bin/dalaba-speaker bin/dalaba-broadcast \
    share/man/man8/dalabad.8 share/man/man1/dalaba.1 share/dalaba/phrases.txt \
    share/dalaba/dalabad.conf.example lib/systemd/system/dalabad.service \
    lib/systemd/system/dalaba-speaker.service lib/sysusers.d/dalaba.conf \
    lib/tmpfiles.d/dalaba.conf etc/dalaba/dalabad.conf; do
	check "installed: $f" [ -s "$P/$f" ]
done
check "the units run the installed programs" \
    grep -q "^ExecStart=$P/bin/dalabad -c $P/etc/dalaba/dalabad.conf --state-dir /var/lib/dalaba" \
    "$P/lib/systemd/system/dalabad.service"
check "dalabad's unit is hardened and watched" all \
    grep -q '^Type=notify' "$P/lib/systemd/system/dalabad.service" -and \
    grep -q '^WatchdogSec=' "$P/lib/systemd/system/dalabad.service" -and \
    grep -q '^ProtectSystem=strict' "$P/lib/systemd/system/dalabad.service" -and \
    grep -q '^NoNewPrivileges=yes' "$P/lib/systemd/system/dalabad.service" -and \
    grep -q '^StateDirectory=dalaba' "$P/lib/systemd/system/dalabad.service"
check "the example configuration is every key of dalabad -n, commented out" \
    [ "$(grep -c '^# [a-z_]* = ' "$P/etc/dalaba/dalabad.conf")" -ge \
      "$("$P/bin/dalabad" -n | grep -c '^[a-z_]* = ')" ]
check "and dalabad accepts it" "$P/bin/dalabad" -n -c "$P/etc/dalaba/dalabad.conf"

# systemd-analyze verify: the units' keys, their programs, their man pages.
if command -v systemd-analyze >/dev/null; then
	MANPATH=$P/share/man systemd-analyze verify \
	    "$P/lib/systemd/system/dalabad.service" \
	    "$P/lib/systemd/system/dalaba-speaker.service" >verify.out 2>&1
	check "systemd-analyze verify accepts both units (rc $?, nothing said)" \
	    all [ $? -eq 0 ] -and [ ! -s verify.out ]
	mkdir -p broken
	sed "s|^ExecStart=$P/bin/dalabad|ExecStart=$P/bin/no-such-dalabad|" \
	    "$P/lib/systemd/system/dalabad.service" >broken/dalabad.service
	MANPATH=$P/share/man systemd-analyze verify broken/dalabad.service >broken.out 2>&1
	check "... and refuses a unit whose program is missing (rc $?)" [ $? -ne 0 ]
else
	check "systemd-analyze is installed (.ci/deps: systemd)" false
fi

# A changed configuration survives the next install.
echo "timezone = Asia/Urumqi" >>"$P/etc/dalaba/dalabad.conf"
expect_exit 0 "make install again" inst install
check "the county's change is kept" grep -q "^timezone = Asia/Urumqi" "$P/etc/dalaba/dalabad.conf"
check "the new example lands beside it" [ -s "$P/etc/dalaba/dalabad.conf.new" ]
check "make install said so" grep -q "is changed and kept" "$TMP/last.out"

# The installed dalabad under a stand-in for systemd.
"$TOP/$BUILD/tests/notify_listen" "$TMP/notify.sock" 30 notify.out &
LPID=$!
n=0; while [ ! -S "$TMP/notify.sock" ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
PORT=$((20000 + ($$ + 271) % 20000))
cat >d.conf <<EOT
[broadcast]
bind = 127.0.0.1
port = $PORT
[api]
port = 0
EOT
NOTIFY_SOCKET=$TMP/notify.sock WATCHDOG_USEC=600000 \
    "$P/bin/dalabad" -c d.conf --state-dir "$TMP/state" 2>d.log &
DPID=$!
wait_for() { n=0; while ! grep -q "$1" notify.out 2>/dev/null && [ $n -lt 150 ]; do sleep 0.1; n=$((n + 1)); done; grep -q "$1" notify.out; }
check "dalabad says READY=1 when it is up" wait_for "^READY=1"
check "its API answers by then" [ -s "$TMP/state/api.url" ]
sleep 1
check "it pings the watchdog from its main loop (every 300 ms of a 600 ms watchdog)" \
    [ "$(grep -c '^WATCHDOG=1' notify.out)" -ge 2 ]
check "the installed dalabad found the installed phrase dictionary" \
    grep -q "phrase dictionary: [0-9]* words from $P/bin/../share/dalaba/phrases.txt" d.log
kill -TERM $DPID
wait $DPID
check "on TERM it says STOPPING=1 and exits 0" all grep -q "^STOPPING=1" notify.out -and [ $? -eq 0 ]
kill $LPID 2>/dev/null; wait $LPID 2>/dev/null

expect_exit 0 "make uninstall" inst uninstall
check "the programs, units and dictionary are gone" all \
    [ ! -e "$P/bin/dalabad" ] -and [ ! -e "$P/lib/systemd/system/dalabad.service" ] -and \
    [ ! -e "$P/share/dalaba/phrases.txt" ]
check "the county's configuration stays" [ -s "$P/etc/dalaba/dalabad.conf" ]
finish
