"""Public sanity checks for lab 50 (monitoring).

Run with ``autograder test lab50_monitoring``. Passing these does not mean
the hidden tests pass: they compare ``percentile`` and the window's
percentiles with ``numpy.percentile`` on long request streams, parse your
exposition with ``prometheus_client``'s parser and compare it with what
``prometheus_client``'s own registry exposes for the same updates (label
values with quotes, backslashes and newlines included), replay scripted
outages through ``BurnRateAlerter`` against the SRE workbook's rules, and
check every boundary and error the docstrings name. ``numpy`` and
``prometheus_client`` are installed for you to compare with here;
``monitoring.py`` itself may not use ``numpy.percentile`` or
``prometheus_client``.
"""

from __future__ import annotations

import json
import math

import numpy as np
from prometheus_client.parser import text_string_to_metric_families

from autograder.testing import assert_close, check


def test_percentile_linear(lab):
    """percentile interpolates linearly between ranks, like numpy.percentile."""
    data = [10.0, 20.0, 30.0, 40.0]
    for q in (0, 10, 50, 90, 100):
        assert_close(lab.percentile(data, q), float(np.percentile(data, q)), atol=1e-12, rtol=0,
                     what=f"percentile(q={q})")


def test_window_drops_old_requests(lab):
    """A 60 s window at now=100 holds the requests recorded after t=40."""
    win = lab.SlidingWindow(60.0)
    for t, latency in [(30.0, 9.0), (50.0, 1.0), (90.0, 3.0)]:
        win.record(t, latency, 100, 200)
    check(win.count(100.0) == 2, "the request at t=30 is more than 60 s old at now=100")
    assert_close(win.percentile(50, 100.0), 2.0, atol=1e-12, rtol=0, what="median of the window")
    assert_close(win.tokens_per_second(100.0), 200 / 60.0, atol=1e-12, rtol=0, what="tokens per second")


def test_window_error_rate(lab):
    """Only 5xx statuses are errors."""
    win = lab.SlidingWindow(10.0)
    for status in (200, 404, 503, 200):
        win.record(1.0, 0.1, 0, status)
    assert_close(win.error_rate(1.0), 0.25, atol=1e-12, rtol=0, what="error rate")


def test_exposition_parses(lab):
    """The exposition of a counter and a histogram is read back by prometheus_client's parser."""
    reg = lab.Registry()
    requests = reg.counter("demo_requests", "Requests.", ("route",))
    latency = reg.histogram("demo_latency_seconds", "Latency.", (), (0.1, 1.0))
    requests.inc(3, {"route": "/chat"})
    for v in (0.05, 0.1, 0.7, 4.0):
        latency.observe(v)
    families = {f.name: f for f in text_string_to_metric_families(reg.exposition())}
    check("demo_requests" in families and families["demo_requests"].type == "counter",
          "a counter family named demo_requests (sample demo_requests_total)")
    hist = families.get("demo_latency_seconds")
    check(hist is not None and hist.type == "histogram", "a histogram family named demo_latency_seconds")
    buckets = [s.value for s in hist.samples if s.name.endswith("_bucket")]
    check(buckets == [2.0, 3.0, 4.0], "cumulative buckets, le inclusive: 0.05 and 0.1 are both <= 0.1")


def test_json_log_is_one_json_line(lab):
    """json_log returns one line of JSON with ts, level and msg first."""
    line = lab.json_log(12.0, "INFO", "hello", {"tokens": 5})
    check("\n" not in line, "one line")
    record = json.loads(line)
    check(list(record)[:3] == ["ts", "level", "msg"] and record["tokens"] == 5, "keys ts, level, msg, then the fields")


def test_burn_rate_alert(lab):
    """Ten minutes of total failure page under the default rules at a 99.9 % SLO."""
    alerter = lab.BurnRateAlerter(0.999)
    for minute in range(120):
        alerter.record(60.0 * minute, 100, 100 if minute >= 110 else 0)
    check(alerter.firing(60.0 * 119), "a full outage of 10 minutes should page")
    check(math.isclose(lab.burn_rate(0.002, 0.999), 2.0, rel_tol=1e-9), "burn_rate(0.2 %, 99.9 %) is 2")
