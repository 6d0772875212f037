#!/usr/bin/env python3
"""bench/province_watch.py — the clock of bench/province.sh's rounds.

One process in the province's namespace, on kept-alive connections, so
that the timing is the system's and not the cost of starting curl and
sqlite3 for every look (on two loaded cores that was ~1 s a look):

  province_watch.py page URL TOKEN TOTAL PER TIMEOUT_S JSON COUNTIES
      POST JSON to URL/api/v1/pages, then look at the page every 20 ms
      until the province's view counts TOTAL confirmed or TIMEOUT_S
      passed. COUNTIES is a file of lines "CODE URL TOKEN_FILE CA": each
      county's own page is looked at too (once the province knows its
      number, every 0.2 s), so that where the time goes can be told apart.
  province_watch.py cancel URL TOKEN ID TIMEOUT_S
      POST a cancel, look until the province's view counts none playing.

Prints "key value" lines: id, all_ms (or nothing if never), best,
and per county "county CODE delivered_ms county_ms province_ms" (the
province knows the county's page / the county's own view counts all PER
confirmed / the province's view does). Exit 0 when it measured, 1 not.
"""
import http.client
import json
import ssl
import sys
import threading
import time
import urllib.parse

STEP = 0.02            # the province's view, plain HTTP on its own host
COUNTY_STEP = 0.2      # each county's: a TLS handshake a look (one request
                       # a connection), so not so often that the looking
                       # loads the counties it times


class Api:
    """One kept-alive connection to a dalabad's API."""

    def __init__(self, url, token, ca=None):
        u = urllib.parse.urlsplit(url)
        self.host, self.port = u.hostname, u.port
        self.tls = u.scheme == "https"
        self.ctx = ssl.create_default_context(cafile=ca) if self.tls else None
        self.token = token
        self.conn = None

    def call(self, method, path, body=None):
        for _ in range(2):
            try:
                if self.conn is None:
                    if self.tls:
                        self.conn = http.client.HTTPSConnection(
                            self.host, self.port, timeout=5, context=self.ctx)
                    else:
                        self.conn = http.client.HTTPConnection(
                            self.host, self.port, timeout=5)
                hdr = {"Authorization": "Bearer " + self.token}
                if body is not None:
                    hdr["Content-Type"] = "application/json"
                self.conn.request(method, "/api/v1/" + path,
                                  body.encode() if body else None, hdr)
                r = self.conn.getresponse()
                data = r.read()
                return r.status, json.loads(data) if data else None
            except (OSError, http.client.HTTPException, ValueError):
                if self.conn:
                    self.conn.close()
                self.conn = None
        return 0, None


def ms(t0):
    return int((time.monotonic() - t0) * 1000)


def page(url, token, total, per, timeout, body, counties_file):
    prov = Api(url, token)
    counties = {}
    with open(counties_file, encoding="utf-8") as f:
        for line in f:
            code, curl, tokfile, ca = line.split()
            with open(tokfile, encoding="utf-8") as t:
                counties[code] = {"api": Api(curl, t.read().strip(), ca),
                                  "remote": None, "delivered": None,
                                  "county": None, "province": None}
    prov.call("GET", "status")          # the connection made before t0
    for c in counties.values():
        c["api"].call("GET", "status")
    t0 = time.monotonic()
    st, js = prov.call("POST", "pages", body)
    if st not in (200, 201) or not js or "id" not in js:
        print("error page refused: %s %s" % (st, js))
        return 1
    pid = js["id"]
    print("id", pid)
    print("t0_unix %.3f" % (time.time() - (time.monotonic() - t0)))
    done = threading.Event()

    def watch_county(me):      # its own view, on a thread of its own
        while not done.is_set() and time.monotonic() - t0 < timeout:
            if me["remote"]:
                st, cv = me["api"].call("GET", "pages/%d" % me["remote"])
                if st == 200 and cv and cv.get("confirmed", 0) >= per:
                    me["county"] = ms(t0)
                    return
            time.sleep(COUNTY_STEP if me["remote"] else STEP)

    threads = [threading.Thread(target=watch_county, args=(me,), daemon=True)
               for me in counties.values()]
    for t in threads:
        t.start()
    best, all_ms = 0, None
    while time.monotonic() - t0 < timeout:
        st, v = prov.call("GET", "pages/%d" % pid)
        if st == 200 and v:
            fed = v.get("federated") or {}
            best = max(best, fed.get("confirmed", 0))
            for c in v.get("counties", []):
                me = counties.get(c.get("zone"))
                if me is None:
                    continue
                if me["remote"] is None and c.get("remote_page"):
                    me["delivered"] = ms(t0)
                    me["remote"] = c["remote_page"]
                if me["province"] is None and c.get("confirmed", 0) >= per:
                    me["province"] = ms(t0)
            if fed.get("confirmed", 0) >= total:
                all_ms = ms(t0)
                break
        time.sleep(STEP)
    done.set()
    for t in threads:
        t.join(6)
    print("best", best)
    if all_ms is not None:
        print("all_ms", all_ms)
    for code, me in sorted(counties.items()):
        print("county", code, *(me[k] if me[k] is not None else "-"
                                for k in ("delivered", "county", "province")))
    return 0 if all_ms is not None else 1


def cancel(url, token, pid, timeout):
    prov = Api(url, token)
    prov.call("GET", "status")
    t0 = time.monotonic()
    st, _ = prov.call("POST", "pages/%d/cancel" % pid,
                      json.dumps({"reason": "演练结束"}))
    if st != 200:
        print("error cancel refused: %s" % st)
        return 1
    while time.monotonic() - t0 < timeout:
        st, v = prov.call("GET", "pages/%d" % pid)
        fed = (v or {}).get("federated") or {}
        if st == 200 and "playing" in fed and fed["playing"] == 0:
            print("off_ms", ms(t0))
            return 0
        time.sleep(STEP)
    return 1


def main(a):
    if len(a) == 8 and a[0] == "page":
        return page(a[1], a[2], int(a[3]), int(a[4]), float(a[5]), a[6], a[7])
    if len(a) == 5 and a[0] == "cancel":
        return cancel(a[1], a[2], int(a[3]), float(a[4]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
