# 30_metrics.sh — GET /metrics with real dalabad and a real box: its own
# token (metrics.token, 0600) opens it and nothing else, the API token
# does not open it; after an emergency page, the answer is read by a
# parser that is not ours (Debian's python3-prometheus-client, through
# metrics_check.py) and the figures moved: packets sent, the page's
# latency, renders, answers by status.
. tests/e2e/lib.sh
. tests/e2e/daemon.sh
cd "$TMP"

dalabad_conf >d.conf
start_dalabad d.conf d.log
URL=$(cat "$STATE/api.url")
MTOK=$(cat "$STATE/metrics.token")
ATOK=$(cat "$STATE/api.token")
check "dalabad wrote metrics.token (64 hex digits)" \
    sh -c "grep -qxE '[0-9a-f]{64}' '$STATE/metrics.token'"
check "readable by its owner only" \
    [ "$(command stat -c %a "$STATE/metrics.token")" = 600 ]
check "a token of its own, not the API's" [ "$MTOK" != "$ATOK" ]

# code [CURL ARGS...]: the HTTP status of a request, its body in body.out
code() { curl -s -o body.out -w '%{http_code}' "$@"; }
check "no token: 401" [ "$(code "$URL/metrics")" = 401 ]
check "with a short body" [ "$(wc -c <body.out)" -lt 200 ]
check "... that is no figure" sh -c "! grep -q dalaba_ body.out"
check "the API token: 401" \
    [ "$(code -H "Authorization: Bearer $ATOK" "$URL/metrics")" = 401 ]
check "a wrong token: 401" [ "$(code -H "Authorization: Bearer \
$(echo "$MTOK" | tr 0-9a-f 1-9a-f0)" "$URL/metrics")" = 401 ]
check "the metrics token: 200" \
    [ "$(code -H "Authorization: Bearer $MTOK" "$URL/metrics")" = 200 ]
ctype=$(curl -s -o /dev/null -w '%{content_type}' \
    -H "Authorization: Bearer $MTOK" "$URL/metrics")
check "as text/plain; version=0.0.4 ($ctype)" \
    sh -c "echo '$ctype' | grep -q '^text/plain; version=0.0.4'"
check "the metrics token opens no API resource (status: 401)" [ "$(code \
    -H "Authorization: Bearer $MTOK" "$URL/api/v1/status")" = 401 ]
check "nor the speakers (401)" [ "$(code \
    -H "Authorization: Bearer $MTOK" "$URL/api/v1/speakers")" = 401 ]
check "nor a write (401)" [ "$(code -X POST -H 'Content-Type: application/json' \
    -d '{"code":"110101","name":"x"}' \
    -H "Authorization: Bearer $MTOK" "$URL/api/v1/zones")" = 401 ]
check "... which changed nothing" \
    [ "$(q "SELECT count(*) FROM zones WHERE code = '110101'")" = 0 ]
page=$(code -H "Authorization: Bearer $MTOK" "$URL/today")
check "nor a page ($page, the login)" [ "$page" != 200 ]

# --- a box, a page, then the figures ----------------------------------------
"$DALABA" zone add 110101001001 东村 --quiet 00:00-00:00 >/dev/null
check "a loudspeaker enrols" enrol 1 110101001001
check "it comes online" wait_until 15 sh -c "'$DALABA' speaker list | grep -q ' online '"
"$DALABA" page --zone 110101001001 --repeat 1 --wait 10 \
    "东村村民请注意：河水上涨，请立即转移。" >p1.out 2>p1.err
P1=$(awk '/^page [0-9]+ on the air/ { print $2 }' p1.out)
check "a page is on the air ($P1)" [ -n "$P1" ]
page_ended() { [ "$(q "SELECT state FROM pages WHERE id = $P1")" = ended ]; }
check "it ends" wait_until 60 page_ended
check "the box played it" [ "$(stat 1 streams)" -ge 1 ]
check "scraped" [ "$(code -H "Authorization: Bearer $MTOK" "$URL/metrics")" = 200 ]
cp body.out m1.txt
# Debian's python3, where python3-prometheus-client is (not one on PATH
# before it, such as a pyenv's).
/usr/bin/python3 "$TOP/tests/e2e/metrics_check.py" m1.txt >check.out 2>&1
node_result check.out || true
grep -q "^RESULT" check.out || cat check.out
check "every line is a comment or a sample with a value" \
    sh -c "! grep -vE '^(# (HELP|TYPE) dalaba_[a-z_]+ .+|dalaba_[a-z_]+(\{[a-z]+=\"[^\"]*\"\})? [-+0-9.eInfa]+)\$' m1.txt"
# promtool (Debian's prometheus, .ci/deps) lints the names and types too.
check "promtool check metrics finds nothing to say" \
    sh -c "promtool check metrics <m1.txt >promtool.out 2>&1 && [ ! -s promtool.out ]"
cat promtool.out
sent=$(awk '$1 == "dalaba_audio_packets_sent_total" { print $2 }' m1.txt)
code -H "Authorization: Bearer $MTOK" "$URL/metrics" >/dev/null
sent2=$(awk '$1 == "dalaba_audio_packets_sent_total" { print $2 }' body.out)
check "a counter never goes back ($sent -> $sent2)" [ "$sent2" -ge "$sent" ]
stop_dalabad
check "dalabad stops cleanly" [ "$DRC" = 0 ]
finish
