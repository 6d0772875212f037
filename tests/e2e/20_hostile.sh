# 20_hostile.sh — dalabad on a township network where every village cadre
# has a login and anyone can reach the enrolment port: what one of them,
# or nobody logged in at all, may try, against the real dalabad. Each part
# is an item of the issue "An emergency page that nothing can stall".
. tests/e2e/lib.sh
. tests/e2e/daemon.sh
cd "$TMP"

dalabad_conf >d.conf
start_dalabad d.conf d.log
URL=$(cat "$STATE/api.url")
"$DALABA" zone add 110101 东县 >/dev/null
"$DALABA" zone add 110101001 东镇 >/dev/null
"$DALABA" zone add 110101001001 东村 >/dev/null
"$DALABA" zone add 110102 西县 >/dev/null
"$DALABA" zone add 110102001 西镇 >/dev/null
user() { printf '%s\n' "$4" | "$DALABA" user add "$1" --role "$2" --zone "$3" \
    --password-stdin >/dev/null; }
user dongadmin county 110101 pw-dong-admin-1
user xiadmin county 110102 pw-xi-admin-1
user cunguan village 110101001001 pw-village-1

# --- log lines cannot be forged -------------------------------------------
curl -s -o /dev/null -H 'Content-Type: application/json' \
    -d '{"name":"x\n<3>dalabad: error: forged line\r\n","password":"p"}' \
    "$URL/api/v1/login"
logged() { grep -q 'login failed for' d.log; }
check "a failed login is logged" wait_until 5 logged
check "a newline in a login name does not start a new log line" \
    lacks '^<3>\|^dalabad: error: forged' d.log
check "it is written escaped, on the line of the failed login" \
    grep -q 'login failed for "x\\x0a<3>dalabad: error: forged line\\x0d\\x0a"' d.log

# --- each reader of the audit log sees their own area's entries -------------
dcsrf=$(web_login dongadmin pw-dong-admin-1)
xcsrf=$(web_login xiadmin pw-xi-admin-1)
api_as dongadmin "$dcsrf" POST zones '{"code":"110101001002","name":"南村"}' >/dev/null
api_as xiadmin "$xcsrf" POST zones '{"code":"110102001001","name":"北村"}' >/dev/null
code=$(api_as xiadmin "$xcsrf" GET audit)
check "西县's admin reads the audit log ($code)" [ "$code" = 200 ]
check "and sees their own county's entries" grep -q '北村' api.json
check "but none of 东县's" lacks '南村' api.json
check "nor of 东县's logins" lacks 'dongadmin' api.json
code=$(api_as dongadmin "$dcsrf" GET audit)
check "东县's admin sees 东县's entries ($code)" grep -q '南村' api.json
check "but none of 西县's" lacks '北村' api.json
api GET audit >/dev/null
check "the machine's token sees both" all grep -q '南村' api.json -and grep -q '北村' api.json

stop_dalabad
check "dalabad stopped cleanly (rc $DRC)" [ "$DRC" = 0 ]
finish
