#!/bin/sh
# e2e/12_tls: the web admin and API over HTTPS when dalabad is given a
# certificate. The CLI trusts exactly the certificate dalabad wrote to the
# state directory; cookies are Secure; plain HTTP gets nothing.
. tests/e2e/lib.sh
. tests/e2e/daemon.sh
cd "$TMP" || exit 1

openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem \
    -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
    2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other.pem \
    -days 2 -subj /CN=127.0.0.1 2>/dev/null
check "test certificates made" test -s cert.pem -a -s other.pem
dalabad_conf >d.conf
sed -i "s|^port = 0$|port = 0\ntls_certificate = $TMP/cert.pem\ntls_key = $TMP/key.pem|" d.conf
# only the [api] section's "port = 0" line must get the keys
awk '/^\[api\]/ { a = 1 } /^\[enroll\]/ { a = 0 }
    /^tls_/ && !a { next } { print }' d.conf >d2.conf && mv d2.conf d.conf
start_dalabad d.conf dalabad.log
URL=$(cat "$STATE/api.url")
check "api.url says https ($URL)" sh -c "echo '$URL' | grep -q '^https://127.0.0.1:'"
check "the CLI talks to it, trusting the certificate in the state dir" \
    "$DALABA" zone add 441202 县
echo tls-pass-123 | "$DALABA" user add a --role county --zone 441202 \
    --password-stdin >/dev/null
curl -s --cacert cert.pem -D hdr -o /dev/null -H 'Content-Type: application/json' \
    -d '{"name":"a","password":"tls-pass-123"}' "$URL/api/v1/login"
check "a login over HTTPS sets a Secure, HttpOnly, SameSite=Strict cookie" \
    grep -qi '^set-cookie: dalaba_session=[0-9a-f]\{64\}; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200; Secure' hdr
expect_exit 60 "a browser without the certificate is warned off (verification fails)" \
    curl -s -o /dev/null "$URL/login"
HTTP=$(echo "$URL" | sed 's/^https/http/')
curl -s -m 5 -o plain.out "$HTTP/login"
rc=$?
check "plain HTTP on the same port gets no page (curl exit $rc)" \
    sh -c "[ $rc -ne 0 ] || ! grep -q '登录' plain.out"
check "while HTTPS there still does" sh -c "curl -s --cacert cert.pem '$URL/login' | grep -q '登录'"
cp other.pem "$STATE/api.cert"
expect_exit 3 "the CLI refuses a server whose certificate is not the pinned one" \
    "$DALABA" zone list
stop_dalabad
sed -i "s|key.pem|missing.pem|" d.conf
"$DALABAD" -c d.conf >bad.log 2>&1
check "a missing key file stops dalabad with a clear error" \
    grep -q "TLS certificate.*missing.pem" bad.log
finish
