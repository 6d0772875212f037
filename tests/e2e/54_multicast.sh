#!/bin/sh
# e2e/54_multicast: a zone carried on IP multicast, with real boxes on a
# village network of their own. Three network namespaces made here: the
# server (10.79.0.1), the village (10.79.0.2, a veth pair to the server,
# multicast on) and a far hamlet (10.79.1.2, reached through the server
# by unicast routing only: multicast from the server never gets there).
# 东村 is on group 239.193.0.1; 西村 is not on multicast at all.
#   box 1, 2  东村, village     join the group, play from it
#   box 3     西村, village     no group: unicast as ever
#   box 4     东村, village     [agent] multicast = no: unicast
#   box 5     东村, far hamlet  joins, hears nothing, falls back to unicast
# All five play the same notice; the server sends the group one copy of
# each packet and boxes 1 and 2 none of their own. A forged announcement
# makes no box join another group; forged audio on the group is refused
# and plays nothing. Bad [multicast] configurations stop dalabad.
. tests/e2e/lib.sh
. tests/e2e/daemon.sh
cd "$TMP" || exit 1

if [ "$(id -u)" -ne 0 ] || ! command -v ip >/dev/null; then
	bad "54_multicast makes network namespaces: it runs as root with iproute2 (CI's tests do)"
	finish
	exit 1
fi

# --- configurations that must be refused ---------------------------------
mbad() {	# NAME WORDS LINES
	printf '[dalabad]\nstate_dir = %s\n[multicast]\n%s\n' "$TMP/never" "$3" >"m-$1.conf"
	if "$DALABAD" -n -c "m-$1.conf" >"m-$1.out" 2>&1; then
		echo "accepted: $3"; return 1
	fi
	grep -q "$2" "m-$1.out" || { cat "m-$1.out"; return 1; }
}
check "a unicast address as a group is refused" mbad uni 'multicast group' '110101001001 = 10.0.0.1'
check "224.0.0.x (the link's control traffic) is refused" mbad link 'multicast group' '110101001001 = 224.0.0.5'
check "a bad port is refused" mbad port 'multicast group' '110101001001 = 239.1.1.1:70000'
check "a key that is no zone is refused" mbad key 'not a zone' '11010100100 = 239.1.1.1'
check "two zones on one group are refused" mbad share 'share the group' \
    '110101001001 = 239.1.1.1
110101001002 = 239.1.1.1'
check "a ttl of 99 is refused" mbad ttl 'ttl' 'ttl = 99'

# --- the networks ----------------------------------------------------------
ID=$$
NS_S=dlbms$ID NS_V=dlbmv$ID NS_F=dlbmf$ID
netns_gone() {
	for _ns in $NS_S $NS_V $NS_F; do
		_p=$(ip netns pids "$_ns" 2>/dev/null)
		[ -n "$_p" ] && kill -9 $_p 2>/dev/null
		ip netns del "$_ns" 2>/dev/null
	done
}
E2E_CLEANUP=netns_gone
nets() {
	ip netns add $NS_S && ip netns add $NS_V && ip netns add $NS_F &&
	for _ns in $NS_S $NS_V $NS_F; do ip -n "$_ns" link set dev lo up || return 1; done &&
	ip -n $NS_S link add name vil0 type veth peer name up0 netns $NS_V &&
	ip -n $NS_S link add name far0 type veth peer name up0 netns $NS_F &&
	ip -n $NS_S addr add 10.79.0.1/24 dev vil0 &&
	ip -n $NS_S addr add 10.79.1.1/24 dev far0 &&
	ip -n $NS_V addr add 10.79.0.2/24 dev up0 &&
	ip -n $NS_F addr add 10.79.1.2/24 dev up0 &&
	ip -n $NS_S link set dev vil0 multicast on up &&
	ip -n $NS_S link set dev far0 up &&
	ip -n $NS_V link set dev up0 multicast on up &&
	ip -n $NS_F link set dev up0 multicast on up &&
	ip -n $NS_V route add 224.0.0.0/4 dev up0 &&
	ip -n $NS_F route add 224.0.0.0/4 dev up0 &&
	ip -n $NS_F route add default via 10.79.1.1
}
check "three network namespaces: server, village, far hamlet" nets
in_s() { ip netns exec $NS_S "$@"; }
in_v() { ip netns exec $NS_V "$@"; }
in_f() { ip netns exec $NS_F "$@"; }

cat >d.conf <<EOT
[dalabad]
state_dir = $STATE
timezone = Asia/Shanghai
[broadcast]
bind = 10.79.0.1
port = $UDP_PORT
delay_ms = 300
offline_seconds = 5
[api]
bind = 127.0.0.1
port = 0
[enroll]
bind = 10.79.0.1
port = 0
advertise = 10.79.0.1
[multicast]
110101001001 = 239.193.0.1
EOT
check "the configuration checks, [multicast] and all" sh -c \
    "'$DALABAD' -n -c d.conf | grep -q '^110101001001 = 239.193.0.1$'"
in_s "$DALABAD" -c d.conf >>d.log 2>&1 &
check "dalabad is up in its namespace" wait_until 30 in_s "$DALABA" status
check "it says 东村 is on multicast" grep -q 'zone 110101001001 on multicast 239.193.0.1' d.log
in_s "$DALABA" zone add 110101 东城区 --quiet 00:00-00:00 >/dev/null
in_s "$DALABA" zone add 110101001 城关镇 --quiet 00:00-00:00 >/dev/null
in_s "$DALABA" zone add 110101001001 东村 --quiet 00:00-00:00 >/dev/null
in_s "$DALABA" zone add 110101001002 西村 --quiet 00:00-00:00 >/dev/null

box() {	# ID ZONE WHERE(v|f) [EXTRA AGENT LINE]
	in_s "$DALABA" speaker add "$1" --zone "$2" --name "box $1" >"add$1.out" || return 1
	in_$3 "$SPK" --enroll $(awk '/--enroll/ { print $3, $4, $5 }' "add$1.out") \
	    -c "spk$1.conf" -o "wav:$TMP/out$1.wav" 2>"enrol$1.err" || return 1
	printf '[agent]\nhello_ms = 300\n%s\n' "${4:-}" >>"spk$1.conf"
	in_$3 "$SPK" -c "spk$1.conf" --stats "spk$1.stats" 2>"spk$1.err" &
}
check "box 1 (东村) enrolled" box 1 110101001001 v
check "box 2 (东村) enrolled" box 2 110101001001 v
check "box 3 (西村) enrolled" box 3 110101001002 v
check "box 4 (东村, multicast = no) enrolled" box 4 110101001001 v 'multicast = no'
check "box 5 (东村, in the far hamlet) enrolled" box 5 110101001001 f
all_online() { [ "$(in_s "$DALABA" speaker list | grep -c ' online ')" = 5 ]; }
check "all five online" wait_until 30 all_online
joined() { [ "$(stat "$1" multicast_joined)" = 1 ]; }
check "boxes 1, 2 and 5 joined their zone's group" \
    wait_until 10 sh -c "[ \"\$(awk '\$1 == \"multicast_joined\" { print \$2 }' spk1.stats spk2.stats spk5.stats | tr -d '\n')\" = 111 ]"
check "box 3 (no group) and box 4 (multicast = no) did not" \
    all [ "$(stat 3 multicast_joined)" = 0 ] -and [ "$(stat 4 multicast_joined)" = 0 ]

# --- a notice to the whole county -------------------------------------------
metric() {	# NAME: its value from /metrics
	in_s curl -s -H "Authorization: Bearer $(cat "$STATE/metrics.token")" \
	    "$(cat "$STATE/api.url")/metrics" | awk -v n="$1" '$1 == n { printf "%.0f\n", $2 }'
}
in_s "$DALABA" notice add "各位村民请注意，本周六上午九点在村委会门口发放防汛物资，请带好身份证，按时领取，不要拥挤。各位村民请注意，本周六上午九点在村委会门口发放防汛物资。" \
    --zone 110101 --now >n.out 2>&1
check "the notice is taken" grep -q 'stored' n.out
five_play() { for i in 1 2 3 4 5; do [ "$(stat $i playing)" = 1 ] || return 1; done; }
check "all five boxes play it" wait_until 30 five_play
sleep 1
u0=$(metric dalaba_audio_packets_sent_total) m0=$(metric dalaba_audio_packets_multicast_total)
sleep 3
u1=$(metric dalaba_audio_packets_sent_total) m1=$(metric dalaba_audio_packets_multicast_total)
du=$((u1 - u0)) dm=$((m1 - m0))
check "in 3 s the group got one copy of each packet ($dm)" [ "$dm" -ge 30 ]
# five boxes one by one would be 5 x dm; boxes 3, 4 and 5 alone are 3 x dm
check "and the boxes one by one only those not on it: $du, about 3 x $dm" \
    all [ "$du" -ge $((dm * 2)) ] -and [ "$du" -le $((dm * 7 / 2)) ]
check "boxes 1 and 2 play from the group" \
    all [ "$(stat 1 multicast_received)" -ge 30 ] -and [ "$(stat 2 multicast_received)" -ge 30 ]
check "box 5 joined but hears nothing there, and plays what comes by unicast" \
    all [ "$(stat 5 multicast_received)" = 0 ] -and [ "$(stat 5 playing)" = 1 ]
check "box 4 takes nothing from the group" [ "$(stat 4 multicast_received)" = 0 ]
ended() { for i in 1 2 3 4 5; do [ "$(stat $i playing)" = 0 ] || return 1; done; }
check "the notice ends on all five" wait_until 90 ended
sleep 1
a1=$("$WAVPROBE" active out1.wav) a3=$("$WAVPROBE" active out3.wav) a5=$("$WAVPROBE" active out5.wav)
check "box 1 (multicast) heard as much as box 3 (unicast): $a1 s and $a3 s" \
    awk -v a="$a1" -v b="$a3" 'BEGIN { exit !(a > 5 && a > b - 1 && a < b + 1) }'
check "and box 5 (fallen back) too: $a5 s" \
    awk -v a="$a5" -v b="$a3" 'BEGIN { exit !(a > 5 && a > b - 1 && a < b + 1) }'
check "no box counted a packet twice as a fault" \
    all [ "$(stat 1 dropped_replayed)" = 0 ] -and [ "$(stat 2 dropped_replayed)" = 0 ]

# --- hostile peers on the village network -------------------------------------------
P1=$(awk -F' = ' '/^port/ { print $2; exit }' spk1.conf)
BP1=$(in_v sh -c ". $TOP/tests/e2e/loopback.sh; box_port $(pgrep -f 'spk1.conf --stats' | head -n1)")
drops() { awk '$1 ~ /^dropped_/ { n += $2 } END { print n + 0 }' spk1.stats; }
d0=$(drops) s0=$(stat 1 streams)
# an announcement of another group, with a signature of nobody's
in_v python3 -c "
import socket, os
pkt = b'DLBM' + b'110101001001' + bytes([239, 9, 9, 9]) + (${P1:-5004}).to_bytes(2, 'big') + bytes(2) + os.urandom(64)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(20): s.sendto(pkt, ('127.0.0.1', $BP1))
" 2>forge.err
sleep 1
check "a forged announcement makes box 1 join nothing else" \
    all [ -n "$BP1" ] -and sh -c "! grep -q '239.9.9.9' spk1.err"
# audio on the group that the server did not sign: an RTP header, the
# shape of ours, garbage for a signature
in_v python3 -c "
import socket, os
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
for i in range(40):
    s.sendto(bytes([0x90, 0x60]) + os.urandom(160), ('239.193.0.1', $UDP_PORT))
" 2>>forge.err
sleep 1
check "forged audio on the group is refused and plays nothing" \
    all [ "$(stat 1 streams)" = "$s0" ] -and [ "$(stat 1 playing)" = 0 ] \
    -and [ "$(drops)" -ge $((d0 + 40)) ]
check "and the forger's packets never reached a box off the group (box 3)" \
    [ "$(stat 3 streams)" = 1 ]
[ -s forge.err ] && cat forge.err

finish
