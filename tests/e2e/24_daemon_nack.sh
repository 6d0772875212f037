# 24_daemon_nack.sh — dalabad answers NACKs too (it links the same
# broadcaster as dalaba-broadcast). Two boxes of one village, enrolled the
# real way, talk to dalabad through tests/impair at 10 % loss and 20-80 ms
# of jitter; box 1 asks for lost packets again, box 2 has retransmit = no.
# A notice and then an emergency page (300 ms play-out delay each, as this
# test's dalabad is set): counted from the boxes' own stats, box 1 plays
# more frames from packets and decodes at least as many.
. tests/e2e/lib.sh
. tests/e2e/daemon.sh
IMPAIR=$TOP/$BUILD/tests/impair
PPORT=$((UDP_PORT + 1))
cd "$TMP"

dalabad_conf >d.conf
start_dalabad d.conf d.log
"$DALABA" zone add 110101001 城关镇 --quiet 00:00-00:00 >/dev/null
"$DALABA" zone add 110101001001 东村 --quiet 00:00-00:00 >/dev/null
check "speakers 1 and 2 enrolled" all enrol_at 1 $PPORT spk1.conf \
    -and enrol_at 2 $PPORT spk2.conf
echo 'retransmit = no' >>spk2.conf
"$IMPAIR" $PPORT $UDP_PORT 150 10 20 80 0 ${SEED:-5} >impair.txt &
IP=$!
"$SPK" -c spk1.conf --stats spk1.stats 2>spk1.err & SPK_1=$!
"$SPK" -c spk2.conf --stats spk2.stats 2>spk2.err & SPK_2=$!
check "both speakers come online through the proxy" wait_until 15 sh -c \
    "'$DALABA' speaker list | grep -c ' online ' | grep -qx 2"

TEXT="各位村民请注意，今天下午两点到五点，因线路检修，全村停电，请大家提前做好准备。停电期间请不要使用电梯，注意用火安全，照顾好家里的老人和孩子。"
# compare TAG: box 1 against box 2 since the last compare (stats deltas)
P1=0 F1=0 P2=0 F2=0 N1=0 R1=0 C1=0 G1=0 L1=0
compare() {
	sleep 1.5	# the last frames played
	p1=$(($(stat 1 played) - P1)) f1=$(($(stat 1 fec_recovered) - F1))
	p2=$(($(stat 2 played) - P2)) f2=$(($(stat 2 fec_recovered) - F2))
	n1=$(($(stat 1 nacks) - N1)) r1=$(($(stat 1 nack_recovered) - R1))
	c1=$(($(stat 1 concealed) - C1)) g1=$(($(stat 1 received) - G1))
	l1=$(($(stat 1 late) - L1))
	echo "# $1: box 1 (NACKs) $p1 played, $f1 FEC, $n1 NACKs, $r1 recovered; box 2 (FEC alone) $p2 played, $f2 FEC"
	check "$1: box 1 asked and got packets back in time ($n1 NACKs, $r1 recovered)" \
	    all gt "$n1" 0 -and gt "$r1" 0
	check "$1: box 1 played more frames from packets ($p1 vs $p2)" gt "$p1" "$p2"
	# The two boxes lose other packets: box 1 is judged against its own
	# losses (its frames less what it received the first time).
	lost1=$((p1 + f1 + c1 - (g1 - r1 - l1)))
	check "$1: and concealed fewer frames than it lost ($c1 of $lost1)" \
	    [ "$c1" -lt "$lost1" ]
	P1=$(stat 1 played) F1=$(stat 1 fec_recovered) P2=$(stat 2 played)
	F2=$(stat 2 fec_recovered) N1=$(stat 1 nacks) R1=$(stat 1 nack_recovered)
	C1=$(stat 1 concealed) G1=$(stat 1 received) L1=$(stat 1 late)
}

"$DALABA" notice add --zone 110101001001 --no-chime --now "$TEXT" >n1.out
N=$(notice_id n1.out)
check "the notice airs" wait_until 60 aired "$N"
compare notice
"$DALABA" page --zone 110101001001 --repeat 1 --wait 10 "$TEXT" >p1.out 2>p1.err
PG=$(awk '/^page [0-9]+ on the air/ { print $2 }' p1.out)
page_ended() { [ "$(q "SELECT state FROM pages WHERE id = $PG")" = ended ]; }
check "the page airs and ends" wait_until 60 page_ended
compare page
kill $SPK_1 $SPK_2 $IP
wait $SPK_1 $SPK_2 $IP 2>/dev/null
check "the proxy dropped packets and saw resends" \
    all gt "$(awk '$1=="dropped"{print $2}' impair.txt)" 0 \
    -and gt "$(awk '$1=="repeat_pkts"{print $2}' impair.txt)" 0
check "box 2 asked for nothing" [ "$(stat 2 nacks)" = 0 ]
stop_dalabad
check "dalabad stops cleanly (rc $DRC)" [ "$DRC" = 0 ]
finish
