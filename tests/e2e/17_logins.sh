# 17_logins.sh — logging in as people and attackers do it, against the
# real dalabad, from several loopback addresses (127.0.0.2, .3, ...: each
# a different source to dalabad): a guesser is slowed, never the person
# whose name it guesses; a guess spread over many sources slows the name
# a little for all but locks nobody out; dalabad stopped while passwords
# are being checked stops cleanly.
. tests/e2e/lib.sh
. tests/e2e/daemon.sh
cd "$TMP"

dalabad_conf >d.conf
start_dalabad d.conf d.log
"$DALABA" zone add 110101 示范县 >/dev/null
printf 'duty-officer-1\n' | "$DALABA" user add zhiban --role county \
    --zone 110101 --password-stdin >/dev/null
URL=$(cat "$STATE/api.url")

# login FROM PASSWORD: the HTTP status of a login as zhiban from that
# loopback address; headers in login.h
login() {
	curl -s -o login.json -D login.h -w '%{http_code}' --interface "$1" \
	    -H 'Content-Type: application/json' \
	    -d "{\"name\":\"zhiban\",\"password\":\"$2\"}" "$URL/api/v1/login"
}

codes=
for i in 1 2 3 4 5 6; do codes="$codes$(login 127.0.0.2 "guess-$i") "; done
check "a guesser at 127.0.0.2: three tries, then refused ($codes)" \
    [ "$codes" = "401 401 401 429 429 429 " ]
check "told when to try again (Retry-After)" grep -qi '^Retry-After: [0-9]' login.h
code=$(login 127.0.0.2 duty-officer-1)
check "even the right password waits there ($code)" [ "$code" = 429 ]
code=$(login 127.0.0.3 duty-officer-1)
check "the duty officer at 127.0.0.3 logs in at once ($code)" [ "$code" = 200 ]
sleep 5
code=$(login 127.0.0.2 guess-7)
check "after its wait the guesser may try once more ($code)" [ "$code" = 401 ]
code=$(login 127.0.0.2 guess-8)
# The wait runs from when guess-7 was counted, before its argon2id check
# (about a second on a busy machine), so 9 s may be left of the 10.
check "and then waits twice as long ($code, $(grep -i '^Retry-After' login.h | tr -d '\r'))" \
    sh -c "[ $code = 429 ] && grep -qiE '^Retry-After: (9|10)' login.h"

# A guess spread over 24 sources, one try each.
for i in $(seq 10 33); do login "127.0.0.$i" "spread-$i" >/dev/null; done
fails=$(q "SELECT count(*) FROM audit WHERE action = 'user.login_failed'")
check "each checked guess is audited, the refused ones were never checked: 4 + 24 = $fails" \
    [ "$fails" = 28 ]
code=$(login 127.0.0.4 duty-officer-1)
check "the right password from a new source still logs in ($code)" [ "$code" = 200 ]

# Stopped while passwords are being checked (each takes ~0.1 s on a thread).
for round in 1 2 3; do
	for i in 1 2 3 4 5 6; do
		curl -s -o /dev/null --max-time 5 --interface "127.0.1.$i" \
		    -H 'Content-Type: application/json' \
		    -d '{"name":"zhiban","password":"duty-officer-1"}' \
		    "$URL/api/v1/login" &
	done
	sleep 0.05
	stop_dalabad TERM
	check "round $round: SIGTERM during six logins, dalabad exits cleanly (rc $DRC)" [ "$DRC" = 0 ]
	wait 2>/dev/null
	start_dalabad d.conf d.log
	URL=$(cat "$STATE/api.url")
done
check "the store is sound" [ "$(q "PRAGMA integrity_check")" = ok ]
stop_dalabad
check "dalabad stopped cleanly (rc $DRC)" [ "$DRC" = 0 ]
finish
