# tests/e2e/metrics_check.py FILE — read a /metrics answer with a parser
# that is not ours (Debian's python3-prometheus-client) and check what
# tests/e2e/30_metrics.sh asks of it; prints ok/FAIL lines and a RESULT
# line as the shell tests do (node_result adds them up).
import sys

from prometheus_client.parser import text_string_to_metric_families

passed = failed = 0


def check(ok, what):
    global passed, failed
    print(("ok - " if ok else "FAIL - ") + what)
    if ok:
        passed += 1
    else:
        failed += 1


text = open(sys.argv[1], encoding="utf-8").read()
fams = {}
try:
    for f in text_string_to_metric_families(text):
        check(f.name not in fams, "family %s appears once" % f.name)
        fams[f.name] = f
    check(True, "prometheus_client parses the whole answer (%d families)"
          % len(fams))
except Exception as e:  # the parser's ValueError, or worse
    check(False, "prometheus_client parses the answer: %r" % e)
    print("RESULT %d %d" % (passed, failed))
    sys.exit(0)

# Every family says what it is and is ours.
for name, f in fams.items():
    check(name.startswith("dalaba_"), "%s is named dalaba_*" % name)
    check(f.type in ("counter", "gauge", "histogram"),
          "%s has a TYPE (%s)" % (name, f.type))
    check(len(f.documentation) > 10, "%s has a HELP line" % name)

want = {
    "dalaba_loudspeakers": "gauge",
    "dalaba_loudspeakers_online": "gauge",
    "dalaba_loudspeakers_playing": "gauge",
    "dalaba_loudspeakers_silent_when_due": "gauge",
    "dalaba_loudspeakers_amplifier_on": "gauge",
    "dalaba_hello_challenges": "counter",
    "dalaba_loudspeaker_reported_lost_packets": "gauge",
    "dalaba_streams_on_air": "gauge",
    "dalaba_audio_packets_sent": "counter",	# the parser strips _total
    "dalaba_audio_packets_resent": "counter",
    "dalaba_render_queue_length": "gauge",
    "dalaba_render_duration_seconds": "histogram",
    "dalaba_page_latency_seconds": "histogram",
    "dalaba_http_requests": "counter",
    "dalaba_store_size_bytes": "gauge",
}
for name, typ in want.items():
    f = fams.get(name)
    check(f is not None and f.type == typ, "%s is there, a %s" % (name, typ))


def value(sample, labels=None):
    for f in fams.values():
        for s in f.samples:
            if s.name == sample and (labels is None or s.labels == labels):
                return s.value
    return None


def ge(sample, floor, what, labels=None):
    v = value(sample, labels)
    check(v is not None and v >= floor, "%s (%s = %s)" % (what, sample, v))


ge("dalaba_loudspeakers", 1, "the enrolled box is known")
ge("dalaba_loudspeakers_online", 1, "and online")
ge("dalaba_audio_packets_sent_total", 1, "packets were sent for the page")
ge("dalaba_page_latency_seconds_count", 1, "the page's latency was measured")
ge("dalaba_render_duration_seconds_count", 1, "its render was timed")
ge("dalaba_store_size_bytes", 4096, "the store takes some disk")
ge("dalaba_http_requests_total", 1, "HTTP 200s are counted", {"code": "200"})
ge("dalaba_http_requests_total", 2, "the refused scrapes' 401s are counted",
   {"code": "401"})
lat = value("dalaba_page_latency_seconds_sum")
n = value("dalaba_page_latency_seconds_count")
check(lat is not None and n and 0 <= lat / n < 5,
      "the page went on air within seconds (mean %s s)" %
      (lat / n if lat is not None and n else None))
classes = sorted(s.labels.get("class", "") for s in
                 fams["dalaba_streams_on_air"].samples) \
    if "dalaba_streams_on_air" in fams else []
check(classes == ["county", "emergency", "township", "urgent", "village"],
      "streams on air are given by class (%s)" % classes)
# A histogram's buckets are cumulative and end at +Inf with the count.
for name in ("dalaba_page_latency_seconds", "dalaba_render_duration_seconds"):
    b = [s for s in fams[name].samples if s.name == name + "_bucket"]
    vals = [s.value for s in b]
    check(vals == sorted(vals) and b and b[-1].labels["le"] == "+Inf" and
          b[-1].value == value(name + "_count"),
          "%s's buckets are cumulative, up to +Inf = count" % name)
print("RESULT %d %d" % (passed, failed))
