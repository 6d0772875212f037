# 09_crash.sh — crash safety: dalabad is killed with SIGKILL at random
# moments (seeded, so a failure can be replayed with CRASH_SEED) while the
# CLI adds notices that air at once; it is restarted each time. Then:
# every notice the CLI saw acknowledged is in the store, no slot of any
# notice was claimed twice, everything left open re-aired within the
# grace window, and PRAGMA integrity_check is ok.
. tests/e2e/lib.sh
. tests/e2e/daemon.sh
cd "$TMP"

SEED=${CRASH_SEED:-$$}
ROUNDS=${CRASH_ROUNDS:-8}
echo "# seed $SEED, $ROUNDS rounds"
dalabad_conf >d.conf
start_dalabad d.conf d.log
for v in 1 2 3 4 5 6; do
	"$DALABA" zone add 11010100100$v "村$v" --quiet 00:00-00:00 >/dev/null
done
stop_dalabad TERM
: >acked.txt

# adder ROUND: add notices (at most 6 a round, so the airing after the
# last restart stays short) until dalabad is gone; log acknowledged ids
adder() {
	k=0
	while [ $k -lt 6 ]; do
		k=$((k + 1))
		v=$((k % 6 + 1))
		"$DALABA" notice add --zone 11010100100$v --no-chime --now \
		    "第$1轮第$k条通知。" >add.out 2>/dev/null
		rc=$?
		[ $rc -eq 3 ] && break	# dalabad is gone
		[ $rc -eq 0 ] && notice_id add.out >>acked.txt
		sleep 0.2	# spread the adds over the window the kill falls in
	done
}

r=1
while [ $r -le "$ROUNDS" ]; do
	start_dalabad d.conf d.log || bad "dalabad did not come back in round $r"
	adder $r & APID=$!
	# 0.3 to 2.0 s, from the seed
	ms=$(awk -v s="$SEED" -v r="$r" 'BEGIN { srand(s + r); print 300 + int(rand() * 1700) }')
	sleep "$(awk -v ms="$ms" 'BEGIN { print ms / 1000 }')"
	stop_dalabad KILL
	wait $APID
	r=$((r + 1))
done

start_dalabad d.conf d.log
acked=$(sort -u acked.txt | wc -l)
check "the CLI saw notices acknowledged across the crashes ($acked)" [ "$acked" -gt 5 ]
missing=0
for id in $(sort -u acked.txt); do
	[ "$(q "SELECT count(*) FROM notices WHERE id = $id")" = 1 ] || missing=$((missing + 1))
done
check "every acknowledged notice is in the store ($missing missing)" [ $missing -eq 0 ]
check "PRAGMA integrity_check is ok" [ "$(q "PRAGMA integrity_check")" = ok ]
check "no slot of a notice was claimed twice" \
    [ "$(q "SELECT count(*) FROM (SELECT 1 FROM broadcasts GROUP BY notice_id, slot_at HAVING count(*) > 1)")" = 0 ]
check "no notice has two broadcasts (each was one slot, 'now')" \
    [ "$(q "SELECT count(*) FROM (SELECT 1 FROM broadcasts GROUP BY notice_id HAVING count(*) > 1)")" = 0 ]
check "every stored notice got its broadcast (none lost between acknowledgement and claim)" \
    wait_until 20 sh -c "[ \"\$(sqlite3 -cmd '.timeout 5000' '$DB' 'SELECT count(*) FROM notices n WHERE NOT EXISTS (SELECT 1 FROM broadcasts b WHERE b.notice_id = n.id)')\" = 0 ]"
check "everything left open by the crashes aired after the restart" \
    wait_until 120 sh -c "[ \"\$(sqlite3 -cmd '.timeout 5000' '$DB' 'SELECT count(*) FROM broadcasts WHERE outcome IS NULL')\" = 0 ]"
check "and aired, not missed (all were within the grace window)" \
    [ "$(q "SELECT count(*) FROM broadcasts WHERE outcome != 'aired'")" = 0 ]
check "the open ones were re-aired, as the log says" grep -q "was not finished when dalabad stopped: it airs again" d.log
stop_dalabad TERM
check "a clean stop after all that" [ "$DRC" = 0 ]
finish
