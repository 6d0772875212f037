# 18_disk.sh — the state directory on a small disk (a 40 MB tmpfs this test
# mounts; it needs root, as make check has), with the real dalabad and a
# real loudspeaker: rendered audio stays within [storage] render_max_mb,
# the oldest first, never what an upcoming slot or the archive needs;
# then the disk is filled to the last byte: what was stored still airs
# (from memory), pages air, new notices are refused clearly and nothing
# half-made is stored; with room again, new notices are taken.
. tests/e2e/lib.sh
. tests/e2e/daemon.sh
cd "$TMP"

DISK=$TMP/disk
mkdir -p "$DISK"
if ! mount -t tmpfs -o size=40m tmpfs "$DISK" 2>mount.err; then
	bad "a 40 MB tmpfs for the state directory ($(cat mount.err)); this test needs root"
	finish
	exit 1
fi
# The tmpfs goes once every process is gone, before $TMP is removed.
umount_disk() { umount "$DISK" 2>/dev/null; }
E2E_CLEANUP=umount_disk
STATE=$DISK/state
DB=$STATE/dalaba.db
export DALABA_STATE_DIR=$STATE
mkdir -p "$STATE"
cat >d.conf <<EOC
[dalabad]
state_dir = $STATE
grace_minutes = 10
reair_minutes = 10
[broadcast]
bind = 127.0.0.1
port = $UDP_PORT
delay_ms = 300
offline_seconds = 5
[api]
port = 0
[enroll]
bind = 127.0.0.1
port = 0
advertise = 127.0.0.1
[storage]
render_max_mb = 8
archive_days = 1
reserve_mb = 4
EOC
start_dalabad d.conf d.log
reserve() { [ "$( (wc -c <"$STATE/reserve") 2>/dev/null)" = 4194304 ]; }	# (stat is daemon.sh's)
check "a 4 MB reserve is held on the disk" wait_until 5 reserve
"$DALABA" zone add 110101 示范县 >/dev/null
"$DALABA" zone add 110101001 城关镇 >/dev/null
"$DALABA" zone add 110101001001 东村 --quiet 00:00-00:00 >/dev/null
check "a loudspeaker is enrolled (its output off the small disk)" enrol 1 110101001001
wait_until 15 sh -c "'$DALABA' speaker list | grep -q ' online '"
rsize() { du -sb "$STATE/render" | cut -f1; }

# --- the budget -------------------------------------------------------------------
"$DALABA" notice add --zone 110101001001 --no-chime --now "东村村民请注意：今天下午停电两小时。" >a.out
A=$(notice_id a.out)
check "a notice airs" wait_until 60 aired "$A"
AW=$(q "SELECT audio FROM broadcasts WHERE notice_id = $A")
AO=${AW%.wav}.ogg
check "and its archive copy is made as Ogg Opus ($AO)" wait_until 20 test -s "$STATE/render/$AO"
# A notice due in 5 minutes is rendered ahead of its slot.
n0=$(ls "$STATE/render" | grep -c 'wav$')
"$DALABA" notice add --zone 110101001001 --no-chime --at "$(TZ=Asia/Shanghai date -d '+5 minutes' '+%Y-%m-%d %H:%M')" \
    "东村村民请注意：明天上午开会。" >b.out
B=$(notice_id b.out)
check "it is rendered ahead" wait_until 30 sh -c "[ \$(ls '$STATE/render' | grep -c 'wav\$') -gt $n0 ]"
BW=$(ls -t "$STATE/render" | grep 'wav$' | head -n 1)
# Previews well past the 8 MB budget.
LONG=$(awk 'BEGIN { for (i = 0; i < 10; i++) printf "各位村民，请大家注意用电安全，不要私拉乱接电线。" }')
# (The size is taken after each: a periodic sweep may fall between them.)
peak=0
for i in 1 2 3 4 5; do
	api POST preview "{\"body\":\"第${i}条：$LONG\"}" >/dev/null
	sz=$(rsize); [ "$sz" -gt "$peak" ] && peak=$sz
done
check "five long previews pass the budget ($((peak / 1048576)) MB at most)" [ "$peak" -gt 8388608 ]
under() { [ "$(rsize)" -le 8388608 ]; }
check "a sweep brings rendered audio back within 8 MB" wait_until 40 under
check "the oldest went first, and it said so" grep -q "storage: .* rendered files\? removed" d.log
check "the archive copy of what aired is kept" test -s "$STATE/render/$AO"
check "and the WAV rendered for the slot to come ($BW)" test -s "$STATE/render/$BW"
code=$(curl -s -o hist.out -w '%{http_code}' -H "Authorization: Bearer $(cat "$STATE/api.token")" \
    "$(cat "$STATE/api.url")/api/v1/broadcasts/$(q "SELECT id FROM broadcasts WHERE notice_id = $A")/audio")
check "the history still gives what aired ($code)" sh -c "[ $code = 200 ] && [ -s hist.out ]"

# --- a full disk -------------------------------------------------------------------
"$DALABA" notice add --zone 110101001001 --no-chime "东村村民请注意：水管维修，今晚停水。" >c.out
C=$(notice_id c.out)
dd if=/dev/zero of="$DISK/junk" bs=1M count=64 2>/dev/null
check "dalabad sees the disk fill, gives up its reserve" wait_until 10 grep -q "is full: the 4 MB reserve is given up" d.log
# Its sweep then frees what may go, and it may take the reserve again,
# later on a loaded machine; fill what that freed too, until the reserve
# it gave up is all that is left (if it took it back onto a full disk it
# gives it up again when it sees the disk full).
free_kb() { df -k "$DISK" | awk 'NR==2 { print $4 }'; }
settled() {
	_left=$(free_kb)
	[ "$_left" -gt 4300 ] && dd if=/dev/zero of="$DISK/junk.$_left" bs=1k \
	    count=$((_left - 4200)) 2>/dev/null
	! reserve && [ "$(free_kb)" -ge 3500 ] && [ "$(free_kb)" -le 4300 ]
}
wait_until 30 settled
full() { [ "$(api POST notices '{"body":"满了吗？","zone":"110101001001"}')" = 507 ]; }
check "and then refuses new notices" wait_until 10 full
check "the disk is full but for the reserve ($(df -k "$DISK" | awk 'NR==2 { print $4 }') KB free)" \
    [ "$(df -k "$DISK" | awk 'NR==2 { print $4 }')" -le 4200 ]
n1=$(q "SELECT count(*) FROM notices")
code=$(api POST notices '{"body":"新的通知。","zone":"110101001001"}')
check "a new notice is refused (507 disk_full, got $code $(jget '$.error.code'))" \
    [ "$code/$(jget '$.error.code')" = 507/disk_full ]
expect_exit 1 "dalaba notice add says so" "$DALABA" notice add --zone 110101001001 "新的通知。"
check "with the reason" stderr_has "disk is full"
code=$(api POST preview '{"body":"试听。"}')
check "a preview is refused too (507, got $code)" [ "$code" = 507 ]
check "nothing was stored" [ "$(q "SELECT count(*) FROM notices")" = "$n1" ]
s1=$(stat 1 played)
"$DALABA" schedule add "$C" --now >/dev/null
check "a notice stored before is put on the air" wait_until 60 aired "$C"
check "from memory, the disk having no room for it" grep -q "no room on the disk for its audio; it airs from memory" d.log
played_more() { [ "$(stat 1 played)" -gt "$((s1 + 20))" ]; }
check "and the loudspeaker played it" wait_until 10 played_more
"$DALABA" page --zone 110101001001 --repeat 1 --wait 15 "东村村民请注意：紧急通知，河水上涨。" >p.out 2>&1
check "a page airs on the full disk, confirmed ($?)" grep -q "active: 1 of 1 loudspeaker confirmed" p.out
check "the store is sound" [ "$(q "PRAGMA integrity_check")" = ok ]

# --- room again ----------------------------------------------------------------------
rooms=$(grep -c "has room again" d.log)
rm -f "$DISK/junk" "$DISK/junk2"
room() { [ "$(grep -c "has room again" d.log)" -gt "$rooms" ]; }
check "with room again dalabad takes new notices" wait_until 10 room
code=$(api POST notices '{"body":"新的通知。","zone":"110101001001"}')
check "a new notice is stored (201, got $code)" [ "$code" = 201 ]
check "and the reserve is held again" test -s "$STATE/reserve"

stop_dalabad
check "dalabad stopped cleanly (rc $DRC)" [ "$DRC" = 0 ]
finish
