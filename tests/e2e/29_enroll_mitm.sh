# 29_enroll_mitm.sh — a man in the middle of enrolment (tests/mitm, a
# relay between the box and dalabad's enrolment listener) tries what was
# shown to work before issue 17's fix: a replaced server key, a replaced
# address and port, configuration lines appended, a wrong fingerprint, a
# genuine answer replayed to a box with another token. Each is refused by
# the box with a clear error and nothing is written. The genuine enrolment
# still works through a passive relay, whose log of every byte holds
# neither the token nor the box's key, and the box then plays a stream.
. tests/e2e/lib.sh
. tests/e2e/daemon.sh
MITM=$TOP/$BUILD/tests/mitm
BC=$TOP/$BUILD/dalaba-broadcast
MPORT=$((UDP_PORT + 3))
EVIL_PORT=$((UDP_PORT + 5))
cd "$TMP"

dalabad_conf >d.conf
start_dalabad d.conf d.log
"$DALABA" zone add 110101001 城关镇 --quiet 00:00-00:00 >/dev/null
"$DALABA" zone add 110101001001 东村 --quiet 00:00-00:00 >/dev/null
EURL=$(cat "$STATE/enroll.url")
EPORT=$(echo "$EURL" | sed 's|.*:\([0-9]*\)/enroll|\1|')
"$BC" --key evil.key --pubkey >evil.pk
EVIL=$(cat evil.pk)
# fp HEX: the fingerprint of a public key (SHA-256 of its 32 bytes)
fp() { printf '%s' "$1" | tr a-f A-F | basenc --base16 -d | sha256sum | cut -c1-64; }
EVIL_FP=$(fp "$EVIL")

# token ID: a new speaker; its printed command's token and fingerprint in
# TOK and FP
token() {
	"$DALABA" speaker add "$1" --zone 110101001001 --name "box $1" >"add$1.out"
	TOK=$(awk '/--enroll/ { print $4 }' "add$1.out")
	FP=$(awk '/--enroll/ { print $5 }' "add$1.out")
}
unspent() { [ "$(q "SELECT used_at IS NULL FROM enroll_tokens WHERE speaker_id = $1")" = 1 ]; }
keyless() { [ "$(q "SELECT key_hex IS NULL FROM speakers WHERE id = $1")" = 1 ]; }
mitm_start() {
	: >mitm.out
	"$MITM" $MPORT $EPORT mitm.log "$@" >mitm.out 2>&1 &
	MP=$!
	wait_until 5 grep -q listening mitm.out
}
mitm_stop() { kill $MP; wait $MP 2>/dev/null; }
nothing_written() { [ ! -e "$1" ] && [ ! -e "$1.new" ]; }
# via ID CONF: enrol speaker ID's box through the relay
via() { "$SPK" --enroll "http://127.0.0.1:$MPORT/enroll" "$TOK" "$FP" -c "$2" -o null; }

token 1
check "the printed command carries the server key's fingerprint" \
    grep -q "^ *dalaba-speaker --enroll $EURL [0-9a-f]\{32\} [0-9a-f]\{64\} -c " add1.out
check "which is the SHA-256 of the server's public key" \
    [ "$FP" = "$(fp "$("$BC" --key "$STATE/server.key" --pubkey)")" ]

# --- 1. the server's key replaced on the way ---------------------------------------
mitm_start key "$EVIL"
expect_exit 1 "MITM: a replaced server key is refused" via 1 box1.conf
check "with a clear error" stderr_has "does not match the fingerprint"
check "and nothing written" nothing_written box1.conf
check "nothing secret was sent: the box stopped after the key" \
    [ "$(grep -c 'sealed=' mitm.log)" = 0 ]
check "the token is not spent" unspent 1
mitm_stop

# --- 2. a wrong fingerprint (the installer was given another server's) ------------
expect_exit 1 "a wrong fingerprint is refused" \
    "$SPK" --enroll "$EURL" "$TOK" "$EVIL_FP" -c box1.conf -o null
check "with a clear error" stderr_has "does not match the fingerprint"
check "and nothing written" nothing_written box1.conf
check "the token is still not spent" unspent 1
expect_exit 1 "a fingerprint that is not one is refused before any request" \
    "$SPK" --enroll "$EURL" "$TOK" "${FP%??}" -c box1.conf -o null
check "saying what it should be" stderr_has "a fingerprint is 64 hex digits"
expect_exit 2 "the old form without a fingerprint is refused" \
    "$SPK" --enroll "$EURL" "$TOK" -c box1.conf -o null
check "saying the fingerprint is needed" stderr_has "FINGERPRINT"

# --- 3. an old box's request, the token in clear -----------------------------------
check "a token sent in clear is refused (400)" \
    [ "$(curl -s -o clear.txt -w '%{http_code}' "$EURL?token=$TOK")" = 400 ]
check "and not spent" unspent 1

# --- the genuine enrolment, through a relay that logs every byte ---------------------
rm -f mitm.log
mitm_start save answer1.saved
expect_exit 0 "the genuine enrolment works through a passive relay" via 1 box1.conf
check "and says who the box is" grep -q "speaker 1 in zone 110101001001" "$TMP/last.out"
mitm_stop
BOXKEY=$(sed -n 's/^key = //p' box1.conf)
check "the relay saw the sealed request" grep -q 'sealed=[0-9a-f]\{200\}' mitm.log
check "but never the token" lacks "$TOK" mitm.log
check "nor the box's key" lacks "$BOXKEY" mitm.log
check "the server keeps the key the box made" \
    [ "$(q "SELECT key_hex FROM speakers WHERE id = 1")" = "$BOXKEY" ]
check "the configuration is 0600" [ "$(command stat -c %a box1.conf)" = 600 ]
expect_exit 0 "and passes -n" "$SPK" -n -c box1.conf
check "its server is the real one" \
    all grep -q "^address = 127.0.0.1$" box1.conf -and grep -q "^port = $UDP_PORT$" box1.conf
check "the answer the relay kept is signed" grep -q '^signature = [0-9a-f]\{128\}$' answer1.saved

# --- 4. address and port replaced (the attacker's own server) ----------------------
token 2
mitm_start address 127.0.0.1 $EVIL_PORT
expect_exit 1 "MITM: a replaced address and port are refused" via 2 box2.conf
check "with a clear error" stderr_has "not signed by the server's key"
check "and nothing written" nothing_written box2.conf
mitm_stop

# --- 5. lines appended to the configuration -------------------------------------
token 3
mitm_start append "[agent]
stats = $TMP/pwned
"
expect_exit 1 "MITM: appended configuration lines are refused" via 3 box3.conf
cp "$TMP/last.err" append.err
check "with a clear error" stderr_has "more after its signature"
check "and nothing written, neither the configuration nor the named file" \
    all nothing_written box3.conf -and [ ! -e "$TMP/pwned" ]
mitm_stop

# --- 6. the server key replaced in the signed answer only -------------------------
token 4
mitm_start key-answer "$EVIL"
expect_exit 1 "MITM: a replaced public_key in the answer is refused" via 4 box4.conf
check "with a clear error" stderr_has "not signed by the server's key"
check "and nothing written" nothing_written box4.conf
mitm_stop

# --- 7. a genuine answer replayed to a box with another token ----------------------
token 5
mitm_start replay answer1.saved
expect_exit 1 "MITM: a genuine answer replayed for another token is refused" via 5 box5.conf
check "with a clear error" stderr_has "for another request"
check "and nothing written" nothing_written box5.conf
check "that token was never seen by the server: still unspent" unspent 5
mitm_stop
check "no token crossed the relay in clear" \
    all lacks "$(awk '/--enroll/ { print $4 }' add2.out)" mitm.log -and \
    lacks "$(awk '/--enroll/ { print $4 }' add5.out)" mitm.log
check "speaker 5 has no key" keyless 5

# --- the genuinely enrolled box plays ------------------------------------------------
printf '[agent]\nhello_ms = 300\n' >>box1.conf
sed -i "s|^output = null$|output = wav:$TMP/out1.wav|" box1.conf
"$SPK" -c box1.conf --stats spk1.stats 2>spk1.err &
check "the genuine box comes online" wait_until 15 sh -c \
    "'$DALABA' speaker list | grep '^ *1 ' | grep -q ' online '"
"$DALABA" notice add --zone 110101001001 --no-chime --now "东村村民请注意，明天上午开会。" >n1.out
N1=$(notice_id n1.out)
check "a notice to its village airs" wait_until 40 aired "$N1"
p1=$(stat 1 played)
check "and the genuine box played it ($p1 frames)" [ "${p1:-0}" -gt 30 ]
stop_dalabad
finish
