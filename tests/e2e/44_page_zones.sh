#!/bin/sh
# e2e/44_page_zones: the emergency form in a county of 20 townships of 15
# villages, in real headless Chromium on a phone (tests/web/zones.mjs):
# the search finds one village among 300, with script and without; a
# ready text fills the box; ticking a township pages the township (its
# code, one target), which real loudspeaker agents in its villages play
# and those elsewhere do not; the confirm step says how many zones.
. tests/e2e/lib.sh
. tests/e2e/daemon.sh
cd "$TMP" || exit 1

dalabad_conf >d.conf
start_dalabad d.conf dalabad.log
URL=$(cat "$STATE/api.url")
# A county's townships and villages, as a county admin types them in
# (the same village names recur in many townships, as they do); one
# village, 桃源镇白沙村, has a name no other has.
TOWNS="城关镇 东山镇 西河镇 南岭镇 北坡镇 青龙镇 白马镇 金鸡镇 石门镇 桃源镇 \
梅花镇 龙泉镇 凤凰镇 柳树镇 杨家镇 李家镇 新安镇 大桥镇 黄土镇 清水镇"
VILLS="东风村 红旗村 新民村 向阳村 光明村 和平村 团结村 胜利村 前进村 长青村 \
平安村 幸福村 永丰村 太平村 石桥村"
"$DALABA" zone add 441203 示范县 --quiet 00:00-00:00 >/dev/null
t=0 added=0
for tn in $TOWNS; do
	t=$((t + 1))
	tc=441203$(printf %03d $t)
	"$DALABA" zone add "$tc" "$tn" --quiet 00:00-00:00 >/dev/null &&
	    added=$((added + 1))
	v=0
	for vn in $VILLS; do
		v=$((v + 1))
		[ "$tc" = 441203010 ] && [ $v = 15 ] && vn=白沙村
		"$DALABA" zone add "$tc$(printf %03d $v)" "$vn" --quiet 00:00-00:00 \
		    >/dev/null && added=$((added + 1))
	done
done
check "the county's 20 townships and 300 villages are in ($added)" [ "$added" = 320 ]
DUTY_PW=duty-pass-1
echo "$DUTY_PW" | "$DALABA" user add duty --role county --zone 441203 --password-stdin >/dev/null
# Two boxes in 东山镇's villages, one in 西河镇, one in 桃源镇白沙村.
check "speaker 1 enrolled in 东山镇东风村" enrol 1 441203002001
check "speaker 2 enrolled in 东山镇团结村" enrol 2 441203002007
check "speaker 3 enrolled in 西河镇东风村" enrol 3 441203003001
check "speaker 4 enrolled in 桃源镇白沙村" enrol 4 441203010015
check "all four online" wait_until 15 sh -c \
    "'$DALABA' speaker list | grep -c ' online ' | grep -qx 4"

SHOTS=$TOP/tests/out/web
mkdir -p "$SHOTS"
export URL DUTY_PW SHOTS
NODE_PATH=$TOP/tests/web/node_modules node "$TOP/tests/web/zones.mjs" >zones.log 2>&1
node_result zones.log
check "one page was sent, to the township's code alone" \
    [ "$(q "SELECT zones FROM pages")" = 441203002 ]
check "it was audited as duty's" \
    [ "$(q "SELECT count(*) FROM audit a JOIN users u ON u.id = a.user_id WHERE u.name = 'duty' AND action = 'page.create' AND detail LIKE '%441203002%'")" = 1 ]
check "both boxes in 东山镇 played it" \
    wait_until 10 sh -c "[ \"\$(awk '\$1 == \"streams\" { print \$2 }' spk1.stats)\$(awk '\$1 == \"streams\" { print \$2 }' spk2.stats)\" = 11 ]"
check "and neither the box in 西河镇 nor the one in 桃源镇 ($(stat 3 streams)/$(stat 4 streams))" \
    [ "$(stat 3 streams)$(stat 4 streams)" = 00 ]

stop_dalabad
check "dalabad stopped cleanly (rc $DRC)" [ "$DRC" = 0 ]
kill $SPK_1 $SPK_2 $SPK_3 $SPK_4 2>/dev/null
wait 2>/dev/null
finish
