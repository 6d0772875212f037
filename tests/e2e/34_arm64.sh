# 34_arm64.sh — the box's agent built for the boards villages use: make
# cross ARCH=arm64 and ARCH=armhf build dalaba-speaker with Debian's cross
# toolchains against the multiarch libraries, and link nothing of the
# server. Under qemu-user (called directly: containers have no
# binfmt_misc; the loader and libraries are the multiarch libc6:arm64 and
# :armhf the -dev packages brought), each enrols with a real dalabad on
# loopback (this machine's build), comes online and plays a notice. make
# deb ARCH=arm64 cross-builds the dalaba-speaker package: arm64, lintian
# clean, and its program runs under qemu too.
. tests/e2e/lib.sh
. tests/e2e/daemon.sh
cd "$TMP"
V=$(sed -n 's/^VERSION *:= *//p' "$TOP/Makefile")

# --- the cross builds ------------------------------------------------------------
for a in arm64 armhf; do
	t0=$(date +%s)
	nice -n 19 make -s -C "$TOP" cross ARCH=$a >cross-$a.log 2>&1
	rc=$?
	check "make cross ARCH=$a (rc $rc, $(($(date +%s) - t0)) s)" \
	    all [ $rc -eq 0 ] -and [ -x "$TOP/build-$a/dalaba-speaker" ]
done
BOX64=$TOP/build-arm64/dalaba-speaker
BOX32=$TOP/build-armhf/dalaba-speaker
f64=$(file -b "$BOX64")
f32=$(file -b "$BOX32")
check "file: the arm64 build is ARM aarch64 ($f64)" \
    sh -c "echo '$f64' | grep -q 'ELF 64-bit LSB .*ARM aarch64'"
check "file: the armhf build is 32-bit ARM EABI5 ($f32)" \
    sh -c "echo '$f32' | grep -q 'ELF 32-bit LSB .*ARM, EABI5'"
for b in "$BOX64" "$BOX32"; do
	readelf -dW "$b" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort >needed
	check "$(basename "$(dirname "$b")") needs Opus, libsodium, ALSA and libc only: $(echo $(cat needed))" \
	    all grep -q '^libopus\.so' needed -and \
	    [ -z "$(grep -v '^lib\(c\|m\|opus\|sodium\|asound\)\.so\.' needed)" ]
done
check "qemu-aarch64 runs it" sh -c "qemu-aarch64 '$BOX64' --help 2>&1 | grep -q '^usage: dalaba-speaker'"

# Under qemu, as the box would run it: SPK for enrol (daemon.sh).
printf '#!/bin/sh\nexec qemu-aarch64 %s "$@"\n' "$BOX64" >box-arm64
printf '#!/bin/sh\nexec qemu-arm %s "$@"\n' "$BOX32" >box-armhf
chmod 755 box-arm64 box-armhf

# --- against a real dalabad on loopback -----------------------------------------------
dalabad_conf >d.conf
start_dalabad d.conf d.log
check "dalabad (this machine's build) is up" "$DALABA" status
"$DALABA" zone add 110101001 城关镇 --quiet 00:00-00:00 >/dev/null
"$DALABA" zone add 110101001001 东村 --quiet 00:00-00:00 >/dev/null
SPK=$TMP/box-arm64
check "the arm64 box enrols under qemu-aarch64 with the printed command" enrol 1 110101001001
SPK=$TMP/box-armhf
check "the armhf box enrols under qemu-arm" enrol 2 110101001001
check "both come online" wait_until 20 sh -c \
    "'$DALABA' speaker list | grep -c ' online ' | grep -qx 2"
check "the arm64 box is qemu running the aarch64 build" \
    grep -q "build-arm64/dalaba-speaker" "/proc/$SPK_1/cmdline"
"$DALABA" notice add --zone 110101001001 --title 通知 --no-chime --now \
    "东村村民请注意，明天上午9:00在村委会开会。" >n1.out
N1=$(notice_id n1.out)
check "the notice aired ($N1)" wait_until 60 aired "$N1"
check "both boxes confirmed playing it" \
    [ "$(q "SELECT sum(confirmed) FROM broadcast_speakers WHERE broadcast_id = (SELECT id FROM broadcasts WHERE notice_id = $N1)")" = 2 ]
for i in 1 2; do
	a=arm64; [ $i = 2 ] && a=armhf
	p=$(stat $i played)
	check "the $a box played it ($p frames)" [ "${p:-0}" -gt 30 ]
	rms=$("$WAVPROBE" info "out$i.wav" 2>/dev/null | sed 's/.*rms=//')
	check "what the $a box played holds speech (rms ${rms:-none})" gt "${rms:-0}" 0.02
	check "it verified every packet: none refused as malformed or badly signed" \
	    [ "$(stat $i dropped_bad_format) $(stat $i dropped_bad_signature)" = "0 0" ]
	echo "# $a box: late $(stat $i late), concealed $(stat $i concealed), underruns $(stat $i underruns)"
done
stop_dalabad TERM
kill "$SPK_1" "$SPK_2" 2>/dev/null
wait "$SPK_1" "$SPK_2" 2>/dev/null

# --- the arm64 package ------------------------------------------------------------
t0=$(date +%s)
nice -n 19 make -s -C "$TOP" deb ARCH=arm64 >deb.log 2>&1
rc=$?
[ $rc -eq 0 ] || tail -n 25 deb.log | sed 's/^/# deb.log: /'
DEB=$TOP/build/deb/dalaba-speaker_${V}_arm64.deb
check "make deb ARCH=arm64 cross-builds dalaba-speaker (rc $rc, $(($(date +%s) - t0)) s)" \
    all [ $rc -eq 0 ] -and [ -s "$DEB" ]
check "it is for arm64" [ "$(dpkg-deb -f "$DEB" Architecture 2>/dev/null)" = arm64 ]
check "its Depends hold nothing of the server's: $(dpkg-deb -f "$DEB" Depends 2>/dev/null)" \
    ran_lacks 'glib\|espeak\|sqlite\|soup' dpkg-deb -f "$DEB" Depends
check "and no server package came out of it" [ ! -e "$TOP/build/deb/dalaba_${V}_arm64.deb" ]
nice -n 19 lintian --fail-on error,warning "$TOP/build/deb/dalaba_${V}_arm64.changes" >lintian.out 2>&1
rc=$?
check "lintian: no error or warning (rc $rc)" all [ $rc -eq 0 ] -and lacks '^[EW]: ' lintian.out
mkdir x && dpkg-deb -x "$DEB" x
check "its program is ARM aarch64 and checks the arm64 box's configuration under qemu" all \
    sh -c "file -b x/usr/bin/dalaba-speaker | grep -q 'ARM aarch64'" -and \
    sh -c "qemu-aarch64 x/usr/bin/dalaba-speaker -n -c spk1.conf | grep -q 'configuration OK'"
finish
