# 06_enroll.sh — a fresh box joins with a one-time token: dalaba-broadcast
# creates the token and serves enrolment over HTTP; dalaba-speaker --enroll
# checks the server's key against the printed fingerprint, sends its token
# and its own key sealed, writes its configuration (0600) from the signed
# answer and then plays what the server sends. A spent, unknown or
# malformed token, or a wrong fingerprint, gets nothing and writes nothing.
# (A man in the middle: 29_enroll_mitm.sh.)
. tests/e2e/lib.sh
SPK=$TOP/$BUILD/dalaba-speaker
BC=$TOP/$BUILD/dalaba-broadcast
PORT=$((20000 + ($$ + 41) % 20000))
HPORT=$((PORT + 2))
cd "$TMP"
: >speakers.txt

"$BC" --key server.key --speakers speakers.txt --bind 127.0.0.1 --port $PORT \
    --idle 8 --enroll-port $HPORT --new-token 42:110101001001 >token.out 2>bc.err &
BP=$!
for i in 1 2 3 4 5 6 7 8 9 10; do grep -q '^token' token.out 2>/dev/null && break; sleep 0.2; done
TOKEN=$(awk '/^token/{print $2}' token.out)
FP=$(awk '/^fingerprint/{print $2}' token.out)
check "a token is printed with the enrol command and the key's fingerprint" grep -q "dalaba-speaker --enroll http://127.0.0.1:$HPORT/enroll $TOKEN $FP$" token.out
check "the fingerprint is the SHA-256 of the server's public key" \
    [ "$FP" = "$("$BC" --key server.key --pubkey | tr a-f A-F | basenc --base16 -d | sha256sum | cut -c1-64)" ]
sleep 0.5
WRONG=$(echo "$FP" | tr 0-9a-f 1-9a-f0)
expect_exit 1 "a wrong fingerprint is refused" "$SPK" --enroll "http://127.0.0.1:$HPORT/enroll" "$TOKEN" "$WRONG" -c box.conf
check "saying so" stderr_has "does not match the fingerprint"
check "and nothing is written" sh -c "[ ! -e box.conf ] && [ ! -e box.conf.new ]"
expect_exit 0 "the box enrols with the token (not spent by the refusal)" "$SPK" --enroll "http://127.0.0.1:$HPORT/enroll" "$TOKEN" "$FP" -c box.conf -o "wav:$TMP/box.wav"
check "and says who it is" grep -q "speaker 42 in zone 110101001001" "$TMP/last.out"
check "its configuration is private (0600)" [ "$(stat -c %a box.conf)" = 600 ]
expect_exit 0 "the configuration passes -n" "$SPK" -n -c box.conf
check "it carries the server's public key" grep -q "public_key = $("$BC" --key server.key --pubkey)" box.conf
check "the server keeps the key the box made in its registry file" grep -q "^42 110101001001 $(sed -n 's/^key = //p' box.conf)$" speakers.txt
expect_exit 1 "a spent token is refused" "$SPK" --enroll "http://127.0.0.1:$HPORT/enroll" "$TOKEN" "$FP" -c again.conf
check "with the server's reason" stderr_has "403"
check "and nothing is written" sh -c "[ ! -e again.conf ] && [ ! -e again.conf.new ]"
expect_exit 1 "an unknown token is refused" "$SPK" --enroll "http://127.0.0.1:$HPORT/enroll" 0123456789abcdef0123456789abcdef "$FP" -c x.conf
expect_exit 1 "a malformed token is refused before any request" "$SPK" --enroll "http://127.0.0.1:$HPORT/enroll" "../../etc" "$FP" -c x.conf
expect_exit 1 "an unreachable server is a clear error" "$SPK" --enroll "http://127.0.0.1:1/enroll" "$TOKEN" "$FP" -c x.conf
check "naming what it could not reach" stderr_has "cannot reach"
"$SPK" -c box.conf --stats box.stats & SP=$!
wait $BP
kill $SP
wait $SP
check "the enrolled box said HELLO and the server answered" sh -c "awk '\$1==\"replies\" && \$2>0' box.stats | grep -q ."
check "the server saw it online" grep -q "speaker 42 .* online" bc.err
finish
