# 33_deb.sh — the Debian packages as a county technician installs them:
# make deb builds dalaba and dalaba-speaker with Debian's hardening flags
# (checked in the binaries), lintian has nothing to say against them, and
# dalaba-speaker depends on nothing of the server (no GLib, eSpeak NG,
# SQLite or libsoup). dpkg -i installs both; the dalaba user and the box's
# state directory are made; the installed dalabad checks its conffile, and
# runs as the dalaba user with the unit's own command line (its conffile
# edited to stay on loopback, a state directory of the test's); an
# installed dalaba-speaker, enrolled to it as the dalaba user, plays a
# notice. dpkg -r keeps the changed conffile, dpkg --purge leaves nothing
# of theirs behind but the system user (Debian keeps those).
#
# It installs packages on this machine (CI's is fresh; tests run as root),
# so it refuses to run where dalaba is installed or its directories exist,
# keeps the services from starting (policy-rc.d, where none is there), and
# whatever fails, its trap purges what it installed and removes the user
# if it made it.
. tests/e2e/lib.sh
. tests/e2e/daemon.sh
cd "$TMP"
V=$(sed -n 's/^VERSION *:= *//p' "$TOP/Makefile")
ARCH=$(dpkg --print-architecture)
DEBS=$TOP/build/deb
DEB_SERVER=$DEBS/dalaba_${V}_$ARCH.deb
DEB_BOX=$DEBS/dalaba-speaker_${V}_$ARCH.deb

if [ "$(id -u)" -ne 0 ]; then
	bad "33_deb installs packages: it runs as root (CI's tests do)"
	finish
	exit 1
fi
for p in dalaba dalaba-speaker; do
	case "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" in
	*" installed"|*" config-files"|*" half-"*|*" unpacked")
		bad "$p is installed here: this test would purge it (dpkg --purge $p, then run it again)"
		finish
		exit 1 ;;
	esac
done
for d in /etc/dalaba /var/lib/dalaba /var/lib/dalaba-speaker; do
	if [ -e "$d" ]; then
		bad "$d exists (a make install?): purging the packages would take it; move it away first"
		finish
		exit 1
	fi
done

# What to undo, whatever happens from here on.
had_user=$(getent passwd dalaba)
made_policy=
installed=
deb_cleanup() {
	[ -n "$installed" ] && dpkg --purge dalaba dalaba-speaker >/dev/null 2>&1
	[ -n "$made_policy" ] && rm -f /usr/sbin/policy-rc.d
	if [ -z "$had_user" ] && getent passwd dalaba >/dev/null; then
		userdel dalaba 2>/dev/null
		getent group dalaba >/dev/null && groupdel dalaba 2>/dev/null
	fi
	return 0
}
E2E_CLEANUP=deb_cleanup

# --- build ------------------------------------------------------------------------
# At the lowest priority: the e2e test beside this one plays audio in real
# time.
t0=$(date +%s)
nice -n 19 make -s -C "$TOP" deb >build.log 2>&1
rc=$?
[ $rc -eq 0 ] || tail -n 25 build.log | sed 's/^/# build.log: /'
check "make deb builds the packages (rc $rc, $(($(date +%s) - t0)) s; log build.log)" \
    all [ $rc -eq 0 ] -and [ -s "$DEB_SERVER" ] -and [ -s "$DEB_BOX" ]
[ -s "$DEB_SERVER" ] && [ -s "$DEB_BOX" ] || { tail -n 20 build.log; finish; exit 1; }
check "nothing of the build lands beside the checkout" \
    all [ -z "$(ls "$TOP"/../dalaba_* "$TOP"/../dalaba-speaker_* 2>/dev/null)" ] \
    -and [ ! -e "$DEBS/src-$ARCH" ]

t0=$(date +%s)
nice -n 19 lintian --fail-on error,warning -I --pedantic "$DEBS/dalaba_${V}_$ARCH.changes" >lintian.out 2>&1
rc=$?
check "lintian: no error or warning (rc $rc, $(($(date +%s) - t0)) s)" all [ $rc -eq 0 ] -and \
    lacks '^[EW]: ' lintian.out
grep '^[IPX]: ' lintian.out | sed 's/^/# lintian: /'

dpkg-deb -f "$DEB_BOX" Depends >box.depends
check "dalaba-speaker depends on the box's libraries: $(cat box.depends)" all \
    grep -q 'libopus0' box.depends -and grep -q 'libsodium' box.depends -and \
    grep -q 'libasound2' box.depends
check "... and on nothing of the server's (GLib, eSpeak NG, SQLite, libsoup)" \
    ran_lacks 'glib\|espeak\|sqlite\|soup' cat box.depends
check "dalaba depends on the server's (dpkg-shlibdeps)" sh -c \
    "dpkg-deb -f '$DEB_SERVER' Depends | grep -q 'libsoup-3.0-0.*libsqlite3-0'"
check "/etc/dalaba/dalabad.conf is a conffile" sh -c \
    "dpkg-deb -I '$DEB_SERVER' conffiles | grep -qx /etc/dalaba/dalabad.conf"

# Debian's hardening flags reached the compiler and the linker: PIE, full
# RELRO (relro + bindnow), the stack protector and fortified calls.
mkdir x
dpkg-deb -x "$DEB_SERVER" x && dpkg-deb -x "$DEB_BOX" x
for b in dalabad dalaba dalaba-speaker; do
	f=x/usr/bin/$b
	check "$b is PIE, with full RELRO, stack protector and fortify" all \
	    sh -c "readelf -hW '$f' | grep -q 'Type: *DYN'" -and \
	    sh -c "readelf -lW '$f' | grep -q GNU_RELRO" -and \
	    sh -c "readelf -dW '$f' | grep -q 'BIND_NOW\|FLAGS_1.*NOW'" -and \
	    sh -c "readelf -sW --dyn-syms '$f' | grep -q __stack_chk_fail" -and \
	    sh -c "readelf -sW --dyn-syms '$f' | grep -q '__[a-z]*_chk@'"
done

# --- install ------------------------------------------------------------------------
# What of the packages' paths was there before (/usr/bin, ...): those
# stay after the purge, everything else goes.
{ dpkg-deb -c "$DEB_SERVER"; dpkg-deb -c "$DEB_BOX"; } | awk '{ print $6 }' |
    sed -e 's|^\./|/|' -e 's|/$||' | grep . | sort -u >paths
while read -r p; do [ -e "$p" ] || echo "$p"; done <paths >new_paths
# Services are not started by this install (a machine with systemd would
# start dalabad on its default ports): deb-systemd-invoke asks policy-rc.d.
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\n# 33_deb.sh: no service starts while it runs\nexit 101\n' \
	    >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && made_policy=1
fi
installed=1
expect_exit 0 "dpkg -i installs both packages" dpkg -i "$DEB_SERVER" "$DEB_BOX"
check "both are installed" all \
    [ "$(dpkg-query -W -f='${Status}' dalaba)" = "install ok installed" ] -and \
    [ "$(dpkg-query -W -f='${Status}' dalaba-speaker)" = "install ok installed" ]
dpkg -L dalaba dalaba-speaker >listed
for f in /usr/bin/dalabad /usr/bin/dalaba /usr/bin/dalaba-broadcast /usr/bin/dalaba-speaker \
    /usr/share/dalaba/phrases.txt /usr/share/man/man8/dalabad.8.gz \
    /usr/share/man/man8/dalaba-speaker.8.gz /lib/systemd/system/dalabad.service \
    /lib/systemd/system/dalaba-speaker.service /etc/dalaba/dalabad.conf; do
	check "installed: $f" all grep -qx "$f" listed -and [ -s "$f" ]
done
check "the dalaba system user, in the audio group (sysusers)" all \
    getent passwd dalaba -and sh -c "id -nG dalaba | grep -qw audio"
check "the box's state directory, dalaba's, 0750 (tmpfiles)" \
    [ "$(command stat -c '%U %a' /var/lib/dalaba-speaker 2>/dev/null)" = "dalaba 750" ]
check "both units are enabled for the next boot" all \
    [ -L /etc/systemd/system/multi-user.target.wants/dalabad.service ] -and \
    [ -L /etc/systemd/system/multi-user.target.wants/dalaba-speaker.service ]
if command -v systemd-analyze >/dev/null; then
	check "systemd-analyze verify accepts the installed units" ran_lacks . \
	    systemd-analyze verify /lib/systemd/system/dalabad.service \
	    /lib/systemd/system/dalaba-speaker.service
fi
check "the installed dalabad -n: the built-in defaults are OK" \
    sh -c "/usr/bin/dalabad -n | head -n 1 | grep -q ': OK$'"
check "the installed dalabad -n accepts the shipped conffile" ran_lacks "^dalabad: " \
    /usr/bin/dalabad -n -c /etc/dalaba/dalabad.conf
check "the installed programs are version $V" \
    [ "$(/usr/bin/dalabad --version)" = "dalabad $V" ]

# --- run, as the unit would ---------------------------------------------------------
# The county's edit: stay on loopback. Then the unit's own ExecStart, as its
# User= with its UMask=, but with the test's state directory.
dalabad_conf >>/etc/dalaba/dalabad.conf
check "the edited conffile is accepted" ran_lacks "^dalabad: " /usr/bin/dalabad -n -c /etc/dalaba/dalabad.conf
exec_start=$(sed -n 's/^ExecStart=//p' /lib/systemd/system/dalabad.service)
cmdline=$(echo "$exec_start" | sed "s| --state-dir /var/lib/dalaba\$| --state-dir $STATE|")
check "the unit runs /usr/bin/dalabad -c /etc/dalaba/dalabad.conf --state-dir /var/lib/dalaba" \
    [ "$exec_start" = "/usr/bin/dalabad -c /etc/dalaba/dalabad.conf --state-dir /var/lib/dalaba" ]
chown dalaba:dalaba "$TMP"
printf '#!/bin/sh\numask 027\nexec setpriv --reuid=dalaba --regid=dalaba --init-groups %s\n' \
    "$cmdline" >dalabad-as-unit
printf '#!/bin/sh\nexec setpriv --reuid=dalaba --regid=dalaba --init-groups /usr/bin/dalaba-speaker "$@"\n' \
    >speaker-as-dalaba
chmod 755 dalabad-as-unit speaker-as-dalaba
check "the dalaba user can work in the test's directory" \
    setpriv --reuid=dalaba --regid=dalaba --init-groups sh -c "touch '$TMP/w' && rm '$TMP/w'"
DALABA=/usr/bin/dalaba
SPK=$TMP/speaker-as-dalaba
rm -f "$STATE/api.url"
./dalabad-as-unit >>d.log 2>&1 &
DPID=$!
check "the installed dalabad is up as dalaba; the installed dalaba reaches its API" \
    wait_until 30 sh -c "'$DALABA' status >/dev/null 2>&1"
check "its process runs as dalaba" [ "$(command stat -c %U /proc/$DPID 2>/dev/null)" = dalaba ]
check "it found the installed phrase dictionary" \
    grep -q "phrase dictionary: [0-9]* words from /usr/bin/../share/dalaba/phrases.txt" d.log
check "its state directory is dalaba's" [ "$(command stat -c %U "$STATE/dalaba.db")" = dalaba ]

"$DALABA" zone add 110101001 城关镇 --quiet 00:00-00:00 >/dev/null
"$DALABA" zone add 110101001001 东村 --quiet 00:00-00:00 >/dev/null
check "the installed dalaba-speaker enrols (as dalaba) with the printed command" \
    enrol 1 110101001001
check "... and comes online" wait_until 15 sh -c "'$DALABA' speaker list | grep -q ' online '"
"$DALABA" notice add --zone 110101001001 --title 通知 --no-chime --now \
    "东村村民请注意，明天上午9:00在村委会开会。" >n1.out
N1=$(notice_id n1.out)
check "the notice aired ($N1)" wait_until 40 aired "$N1"
p1=$(stat 1 played)
check "the installed box played it ($p1 frames)" [ "${p1:-0}" -gt 30 ]
rms=$("$WAVPROBE" info out1.wav 2>/dev/null | sed 's/.*rms=//')
check "what it played holds speech (rms ${rms:-none})" gt "${rms:-0}" 0.02
stop_dalabad TERM
check "the installed dalabad stops cleanly on TERM (exit $DRC)" [ "$DRC" = 0 ]
kill "$SPK_1" 2>/dev/null
wait "$SPK_1" 2>/dev/null

# --- remove, purge ------------------------------------------------------------------
# What dalabad's StateDirectory= would hold on a real server, for the purge.
install -d -o dalaba -g dalaba -m 750 /var/lib/dalaba
: >/var/lib/dalaba/dalaba.db
expect_exit 0 "dpkg -r removes both" dpkg -r dalaba dalaba-speaker
check "the programs are gone" all [ ! -e /usr/bin/dalabad ] -and [ ! -e /usr/bin/dalaba-speaker ]
check "the changed conffile stays until the purge" grep -q '^bind = 127.0.0.1' /etc/dalaba/dalabad.conf
expect_exit 0 "dpkg --purge purges both" dpkg --purge dalaba dalaba-speaker
installed=
check "neither is known to dpkg any more" all \
    ran_lacks ' installed$\|config-files' sh -c \
    "dpkg-query -W -f='\${Status}\n' dalaba dalaba-speaker 2>/dev/null; true"
left=$(while read -r p; do [ -e "$p" ] || [ -L "$p" ] && echo "$p"; done <new_paths)
check "nothing they installed is left ($(wc -l <new_paths) paths; left: ${left:-none})" [ -z "$left" ]
check "/etc/dalaba, /var/lib/dalaba and /var/lib/dalaba-speaker are gone" all \
    [ ! -e /etc/dalaba ] -and [ ! -e /var/lib/dalaba ] -and [ ! -e /var/lib/dalaba-speaker ]
check "the units' boot links and deb-systemd-helper state are gone" all \
    [ ! -e /etc/systemd/system/multi-user.target.wants/dalabad.service ] -and \
    [ ! -e /etc/systemd/system/multi-user.target.wants/dalaba-speaker.service ] -and \
    [ -z "$(find /var/lib/systemd/deb-systemd-helper-* -name '*dalaba*' 2>/dev/null)" ]
check "the dalaba system user stays (Debian keeps system users; the test removes it)" \
    getent passwd dalaba
finish
