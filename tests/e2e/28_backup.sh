# 28_backup.sh — the store over the years: a database written by an older
# dalabad (schema v2, tests/data/store-v2.sql, dumped from the dalabad of
# commit 1640928) migrates with everything in it; `dalaba backup` copies the
# store while a notice is on the air, without interrupting it; `dalaba
# restore` refuses while dalabad runs and puts the backup back after, the
# old store kept; bad input changes nothing.
. tests/e2e/lib.sh
. tests/e2e/daemon.sh
cd "$TMP"

# --- an older database migrates --------------------------------------------------
mkdir -p "$STATE"
sqlite3 "$DB" <"$TOP/tests/data/store-v2.sql"
check "the stored database is schema version 2" [ "$(q 'PRAGMA user_version')" = 2 ]
dalabad_conf >d.conf
start_dalabad d.conf d.log
check "dalabad starts on it" "$DALABA" status
v=$(q 'PRAGMA user_version')
check "and migrates it to the current schema ($v)" [ "$v" -gt 2 ]
check "its zones are kept" sh -c "'$DALABA' zone list | grep '110101001001' | grep -q 东村"
check "its notices are kept" sh -c "'$DALABA' notice list | grep -q '停水通知'"
check "its daily schedule is kept" sh -c "'$DALABA' schedule list | grep -q 'daily *07:30,18:00'"
check "its loudspeaker is kept" sh -c "'$DALABA' speaker list | grep -q '^7 '"
check "the migrated store is sound" [ "$(q 'PRAGMA integrity_check')" = ok ]

# --- backup while on the air ---------------------------------------------------
# A new village with no quiet hours (the stored ones keep 21:30-06:00).
"$DALABA" zone add 110101001002 西村 --quiet 00:00-00:00 >/dev/null
check "a loudspeaker enrols in 西村" enrol 1 110101001002
check "it comes online" wait_until 15 sh -c "'$DALABA' speaker list | grep -q ' online '"
"$DALABA" notice add --zone 110101001002 --no-chime --now \
    "西村村民请注意，本周六上午八点半，村卫生室为六十岁以上的老人免费体检，请带好身份证和医保卡。" >n1.out
N1=$(notice_id n1.out)
check "a long notice goes on the air" wait_until 30 on_air "$N1"
p0=$(stat 1 played)
expect_exit 0 "dalaba backup while it airs" "$DALABA" backup "$TMP/b1.db"
check "backup says what it wrote" grep -q "backed up .*dalaba.db (schema version $v) to $TMP/b1.db: [0-9]* bytes, checked" "$TMP/last.out"
check "the notice was still on the air when the backup ended" \
    [ "$(q "SELECT outcome IS NULL FROM broadcasts WHERE notice_id = $N1")" = 1 ]
check "it airs to the end" wait_until 90 aired "$N1"
check "not interrupted by the backup" [ "$(q "SELECT interruptions FROM broadcasts WHERE notice_id = $N1")" = 0 ]
p1=$(stat 1 played)
check "the box kept playing through it ($p0 -> $p1 frames)" [ "${p1:-0}" -gt "${p0:-0}" ]
check "the backup is a sound SQLite file" [ "$(sqlite3 "$TMP/b1.db" 'PRAGMA integrity_check')" = ok ]
check "it holds the notice on the air at the time" \
    [ "$(sqlite3 "$TMP/b1.db" "SELECT count(*) FROM notices WHERE id = $N1")" = 1 ]
check "it is one file, not a WAL database" [ ! -e "$TMP/b1.db-wal" ]
check "no .new file is left" [ ! -e "$TMP/b1.db.new" ]
echo keep >"$TMP/exists.db"
expect_exit 1 "a backup never overwrites a file" "$DALABA" backup "$TMP/exists.db"
check "... which is untouched" [ "$(cat "$TMP/exists.db")" = keep ]

# --- what happens after the backup, then a restore ------------------------------
"$DALABA" notice add --zone 110101001001 --title 之后 --at "2030-01-01 08:00" "备份之后的通知。" >n2.out
N2=$(notice_id n2.out)
check "a notice is added after the backup ($N2)" [ -n "$N2" ]
expect_exit 1 "restore refuses while dalabad runs" "$DALABA" restore "$TMP/b1.db"
check "... saying to stop it first" stderr_has "stop it first"
check "... and the store still has the later notice" \
    [ "$(q "SELECT count(*) FROM notices WHERE id = $N2")" = 1 ]
stop_dalabad
check "dalabad stops" [ "$DRC" = 0 ]
head -c 8192 /dev/urandom >"$TMP/garbage.db"
expect_exit 1 "restoring a file that is not a store is refused" "$DALABA" restore "$TMP/garbage.db"
check "... and the store is untouched" [ "$(q "SELECT count(*) FROM notices WHERE id = $N2")" = 1 ]
expect_exit 0 "dalaba restore with dalabad stopped" "$DALABA" restore "$TMP/b1.db"
check "the previous store is kept beside it" [ -s "$DB.before-restore" ]
check "... with the later notice in it" \
    [ "$(sqlite3 "$DB.before-restore" "SELECT count(*) FROM notices WHERE id = $N2")" = 1 ]
start_dalabad d.conf d2.log
check "dalabad starts on the restored store" "$DALABA" status
check "the notice from before the backup is there" sh -c "'$DALABA' notice show $N1 >/dev/null"
check "the one added after it is not" [ "$(q "SELECT count(*) FROM notices WHERE id = $N2")" = 0 ]
check "the restored store is sound" [ "$(q 'PRAGMA integrity_check')" = ok ]
stop_dalabad
finish
