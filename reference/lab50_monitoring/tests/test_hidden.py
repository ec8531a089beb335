"""Hidden tests for lab 50 (monitoring).

Oracles:

* ``percentile`` and ``SlidingWindow.percentile``: ``numpy.percentile``
  (method ``"linear"``), on the samples the docstring's window holds,
  chosen here by brute force;
* the exposition: ``prometheus_client.parser.text_string_to_metric_families``
  on the student's text, compared family by family with the parse of
  ``prometheus_client``'s own ``generate_latest`` for the same metrics and
  the same updates (its ``_created`` families dropped);
* histogram buckets: ``prometheus_client.Histogram``'s samples for the
  same observations;
* burn-rate alerts: the SRE workbook rules written out here by brute force
  over the recorded events (``sre_oracle``);
* JSON logs: ``json.loads`` with NaN / Infinity refused.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from prometheus_client import CollectorRegistry
from prometheus_client import Counter as PCounter
from prometheus_client import Gauge as PGauge
from prometheus_client import Histogram as PHistogram
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from autograder.testing import assert_close, check

INF = math.inf
NAN = math.nan
SRE = ((3600.0, 300.0, 14.4), (21600.0, 1800.0, 6.0))     # the workbook's paging rules: 2 % and 5 % of the budget


def close_to_numpy(got, values, q, what):
    expected = float(np.percentile(np.asarray(values, dtype=np.float64), q))
    scale = float(np.max(np.abs(values))) if len(values) else 1.0
    assert_close(got, expected, atol=1e-12 * max(scale, 1.0), rtol=1e-12, what=what)


# ---- percentile --------------------------------------------------------------------------------------------


@pytest.mark.points(5)
def test_percentile_matches_numpy(lab):
    """percentile equals numpy.percentile (linear) for many sizes, q values, input types and magnitudes."""
    rng = np.random.default_rng(1)
    qs = [0, 1, 5, 25, 33.3, 50, 75, 90, 95, 99, 99.9, 100, 12]
    cases = []
    for n in (1, 2, 3, 4, 10, 101, 1000):
        x = rng.lognormal(-2.0, 1.0, n)
        cases += [(x, q) for q in qs]
    ints = rng.integers(-50, 50, 37)
    cases += [(ints.tolist(), q) for q in (0, 10, 50, 97.5, 100)]                  # a list of ints
    cases += [(tuple(float(v) for v in ints), q) for q in (25, 75)]               # a tuple of floats
    cases += [([5.0, 5.0, 5.0, 1.0, 9.0], q) for q in (10, 40, 60, 90)]           # duplicates
    cases += [(rng.normal(0, 1e12, 57), q) for q in (1, 50, 99)]                  # large magnitudes
    cases += [(np.array([3, 1, 2], dtype=np.int64), 50), (np.array([0.25, -0.5], dtype=np.float32), 30)]
    got = lab.map(lab.percentile, cases)
    for (x, q), g in zip(cases, got):
        close_to_numpy(g, list(np.asarray(x, dtype=np.float64)), q, f"percentile of {len(x)} values at q={q}")
        check(isinstance(g, float), "percentile should return a float")


@pytest.mark.points(2)
def test_percentile_named_values(lab):
    """q = 0 is the minimum, q = 100 the maximum, one value is every percentile, the input's order is irrelevant."""
    x = [0.3, 0.1, 0.9, 0.5]
    check(lab.percentile(x, 0) == 0.1, "q=0 should give the minimum")
    check(lab.percentile(x, 100) == 0.9, "q=100 should give the maximum")
    check(lab.percentile(x, 100.0) == 0.9, "q=100.0 should give the maximum")
    for q in (0, 37.5, 100):
        check(lab.percentile([4.25], q) == 4.25, "a single value is its own every percentile")
    check(lab.percentile(x, 50) == lab.percentile(sorted(x), 50) == 0.4, "the median of 4 values is the mean of the middle two")


@pytest.mark.points(2)
def test_percentile_errors(lab):
    """percentile raises ValueError for empty or 2-D values, NaN or inf values, and q outside [0, 100]."""
    check(lab.percentile([1.0, 2.0], 50) == 1.5, "a valid call should succeed")
    for values, q in [([], 50), ([[1.0, 2.0]], 50), ([1.0, NAN], 50), ([1.0, INF], 50), ([1.0], -0.5),
                      ([1.0], 100.5), ([1.0], NAN), (5.0, 50)]:
        with pytest.raises(ValueError):
            lab.percentile(values, q)


# ---- sliding window ------------------------------------------------------------------------------------------


def window_oracle(events, now, window_s):
    return [e for e in events if now - window_s < e[0] <= now]


def stream(rng, n, t0=0.0, step=0.25, trend=0.0):
    """Requests on a grid of 0.25 s (exact in binary), several at the same time now and then."""
    times = t0 + step * np.cumsum(rng.integers(0, 3, n))
    lat = rng.lognormal(-1.5, 0.7, n) + trend * np.arange(n)
    toks = rng.integers(0, 400, n)
    status = rng.choice([200, 200, 200, 201, 404, 429, 499, 500, 503, 599], n)
    return [(float(t), float(v), int(k), int(s)) for t, v, k, s in zip(times, lat, toks, status)]


def run_window(lab, window_s, events, queries, n_between=50):
    """Feed events, query every ``n_between`` events at the latest time; returns (now, results) pairs."""
    w = lab.SlidingWindow(window_s)
    out = []
    for start in range(0, len(events), n_between):
        chunk = events[start:start + n_between]
        lab.map(w.record, chunk)
        now = chunk[-1][0]
        res = {}
        for name, args in queries:
            res[(name, *args)] = getattr(w, name)(*args, now)
        out.append((now, res, events[:start + len(chunk)]))
    return out


@pytest.mark.points(5)
def test_window_percentiles_on_stream(lab):
    """SlidingWindow percentiles match numpy.percentile on the requests in (now - window_s, now], on a long stream."""
    rng = np.random.default_rng(2)
    events = stream(rng, 3000)
    queries = [("percentile", (50,)), ("percentile", (99,)), ("count", ())]
    for now, res, seen in run_window(lab, 30.0, events, queries):
        inside = window_oracle(seen, now, 30.0)
        check(res[("count",)] == len(inside), f"count at now={now}: wrong number of requests in the window")
        for q in (50, 99):
            close_to_numpy(res[("percentile", q)], [e[1] for e in inside], q, f"p{q} at now={now}")


@pytest.mark.points(5)
def test_window_keeps_every_sample(lab):
    """A busy window keeps every request (no cap, no sampling) and evicts the OLDEST requests, not the smallest."""
    rng = np.random.default_rng(3)
    w = lab.SlidingWindow(10.0)
    # 6000 requests within 2 s; later ones are faster, so dropping the oldest or the smallest is visible
    times = np.sort(np.round(rng.uniform(0.0, 2.0, 6000) * 1024) / 1024)      # exact in binary
    lat = np.linspace(2.0, 0.1, 6000) * rng.uniform(0.9, 1.1, 6000)
    events = [(float(t), float(v)) for t, v in zip(times, lat)]
    lab.map(w.record, events)
    check(w.count(2.0) == 6000, "all 6000 requests of the last 10 s should be in the window")
    for q in (1, 50, 99.5):
        close_to_numpy(w.percentile(q, 2.0), lat, q, f"percentile {q} of a busy window")
    # the first half leaves at now = times[2999] + 10 exactly
    now = float(times[2999]) + 10.0
    inside = [v for t, v in events if now - 10.0 < t <= now]
    check(w.count(now) == len(inside), "count after the oldest requests left")
    for q in (0, 50, 100):
        close_to_numpy(w.percentile(q, now), inside, q, f"percentile {q} after the oldest requests left")


@pytest.mark.points(4)
def test_window_boundaries(lab):
    """A request recorded exactly window_s ago has left the window; one recorded at now is in it."""
    w = lab.SlidingWindow(10.0)
    w.record(0.0, 1.0, 5, 500)
    check(w.count(0.0) == 1, "a request recorded at now is in the window")
    check(w.count(9.75) == 1, "a request 9.75 s old is in a 10 s window")
    w.record(10.0, 3.0, 7, 200)
    check(w.count(10.0) == 1, "a request exactly window_s old has left the window")
    check(w.percentile(0, 10.0) == 3.0, "the percentile at now=10 should only see the request recorded at 10")
    check(w.tokens_per_second(10.0) == 0.7, "tokens per second at now=10 should only count the request at 10")
    check(w.error_rate(10.0) == 0.0, "the 500 recorded at 0 has left the window at now=10")
    check(w.count(19.75) == 1 and w.count(20.0) == 0, "the request at 10 leaves at 20")


@pytest.mark.points(4)
def test_window_tokens_and_errors_on_stream(lab):
    """tokens_per_second is the window's tokens / window_s; error_rate counts 5xx only, over the window."""
    rng = np.random.default_rng(4)
    events = stream(rng, 2000, t0=100.0)
    queries = [("tokens_per_second", ()), ("error_rate", ())]
    for now, res, seen in run_window(lab, 12.5, events, queries, n_between=40):
        inside = window_oracle(seen, now, 12.5)
        assert_close(res[("tokens_per_second",)], sum(e[2] for e in inside) / 12.5, atol=1e-9, rtol=1e-12,
                     what=f"tokens_per_second at now={now}")
        expected = sum(e[3] >= 500 for e in inside) / len(inside) if inside else 0.0
        assert_close(res[("error_rate",)], expected, atol=1e-12, rtol=0, what=f"error_rate at now={now}")


@pytest.mark.points(3)
def test_window_named_values(lab):
    """Status boundaries (499 no, 500 and 599 yes), the full window_s divisor early on, and the empty window."""
    w = lab.SlidingWindow(60.0)
    check(w.count(0.0) == 0 and w.tokens_per_second(0.0) == 0.0 and w.error_rate(0.0) == 0.0,
          "an empty window has count 0, 0.0 tokens/s and an error rate of 0.0")
    check(math.isnan(w.percentile(50, 0.0)), "the percentile of an empty window is nan")
    lab.map(w.record, [(1.0, 0.5, 30, 499), (2.0, 0.5, 30, 500), (3.0, 0.5, 30, 599), (4.0, 0.5, 30, 100)])
    check(w.error_rate(4.0) == 0.5, "500 and 599 are errors, 100 and 499 are not")
    check(w.tokens_per_second(4.0) == 2.0, "tokens per second divides by the whole window_s, even early on")
    w.record(5.0, 0.0)
    check(w.count(5.0) == 5 and w.error_rate(5.0) == 0.4, "record's defaults: 0 tokens, status 200")
    check(w.tokens_per_second(5.0) == 2.0, "record's default tokens is 0")
    check(w.percentile(0, 5.0) == 0.0, "a latency of 0 is allowed")
    check(w.count(70.0) == 0 and math.isnan(w.percentile(99, 70.0)), "once every request has left, the window is empty")
    check(w.error_rate(70.0) == 0.0 and w.tokens_per_second(70.0) == 0.0, "an emptied window: 0.0 errors and tokens")
    v = lab.SlidingWindow(1)
    v.record(-7, 2.0, 3)
    check(v.tokens_per_second(-7) == 3.0, "an int window_s and int (negative: any origin) times are allowed")
    check(v.count(-6.5) == 1 and v.count(-6) == 0, "a window on negative times")


@pytest.mark.points(3)
def test_window_errors(lab):
    """SlidingWindow raises ValueError when time goes backwards and for invalid window_s, latency, tokens, status and q."""
    for bad in (0.0, -1.0, INF, NAN):
        with pytest.raises(ValueError):
            lab.SlidingWindow(bad)
    w = lab.SlidingWindow(5.0)
    w.record(10.0, 0.1)
    w.record(10.0, 0.2)                  # the same time again is fine
    check(w.count(10.0) == 2, "two requests at the same time")
    for args in [(9.5, 0.1), (11.0, -0.1), (11.0, NAN), (11.0, INF), (11.0, 0.1, -1), (11.0, 0.1, 0, 99),
                 (11.0, 0.1, 0, 600)]:
        with pytest.raises(ValueError):
            w.record(*args)
    for method in ("count", "tokens_per_second", "error_rate"):
        with pytest.raises(ValueError):
            getattr(w, method)(9.0)
    with pytest.raises(ValueError):
        w.percentile(50, 9.0)
    check(w.count(10.0) == 2, "failed calls should not change the window")
    for q in (-1, 101, NAN):
        with pytest.raises(ValueError):
            w.percentile(q, 10.0)
    w.record(12.0, 0.3, 0, 100)
    w.record(12.0, 0.3, 0, 599)
    check(w.count(12.0) == 4, "statuses 100 and 599 are valid")


# ---- Prometheus exposition ---------------------------------------------------------------------------------------


def parse(text, what):
    try:
        families = list(text_string_to_metric_families(text))
    except Exception as exc:                                            # noqa: BLE001
        raise AssertionError(f"{what}: prometheus_client's parser cannot read the exposition ({type(exc).__name__})")
    return [f for f in families if not f.name.endswith("_created")]


def family_view(f):
    return (f.name, f.type, f.documentation, [(s.name, dict(s.labels), s.value) for s in f.samples])


def compare_with_prometheus(got_text, oracle_registry, what):
    check(isinstance(got_text, str), f"{what}: exposition should return a str")
    got = [family_view(f) for f in parse(got_text, what)]
    exp = [family_view(f) for f in parse(generate_latest(oracle_registry).decode(), "oracle")]
    check([g[:2] for g in got] == [e[:2] for e in exp], f"{what}: the metric families (names, types, order) differ")
    for g, e in zip(got, exp):
        check(g[2] == e[2], f"{what}: the HELP text of {e[0]} differs")
        gs, es = g[3], e[3]
        check(len(gs) == len(es), f"{what}: {e[0]} has {len(gs)} samples, expected {len(es)}")
        for (gn, gl, gv), (en, el, ev) in zip(gs, es):
            check(gn == en, f"{what}: {e[0]}: a sample named {gn} where {en} was expected (order: label sets in first-use order, buckets, _count, _sum)")
            gl = {k: (float(v) if k == "le" else v) for k, v in gl.items()}
            el = {k: (float(v) if k == "le" else v) for k, v in el.items()}
            check(gl == el, f"{what}: {en}: the labels of a sample differ")
            assert_close(gv, ev, atol=1e-9, rtol=1e-12, what=f"{what}: {en}{el}")


class Mirror:
    """The same metrics and updates in the student's registry and in prometheus_client's."""

    def __init__(self, lab):
        self.reg = lab.Registry()
        self.pc = CollectorRegistry(auto_describe=True)
        self.ours, self.theirs = {}, {}

    def counter(self, name, doc, labelnames=()):
        self.ours[name] = self.reg.counter(name, doc, labelnames)
        self.theirs[name] = PCounter(name, doc, labelnames, registry=self.pc)

    def gauge(self, name, doc, labelnames=()):
        self.ours[name] = self.reg.gauge(name, doc, labelnames)
        self.theirs[name] = PGauge(name, doc, labelnames, registry=self.pc)

    def histogram(self, name, doc, labelnames=(), buckets=None):
        if buckets is None:
            self.ours[name] = self.reg.histogram(name, doc, labelnames)
            self.theirs[name] = PHistogram(name, doc, labelnames, registry=self.pc)
        else:
            self.ours[name] = self.reg.histogram(name, doc, labelnames, buckets)
            self.theirs[name] = PHistogram(name, doc, labelnames, buckets=buckets, registry=self.pc)

    def _pc(self, name, labels):
        m = self.theirs[name]
        return m.labels(**labels) if labels else m

    def apply(self, ops):
        """ops: (name, method, value, labels-or-None); student side in one round trip per (name, method)."""
        groups = {}
        for name, method, value, labels in ops:
            getattr(self._pc(name, labels), method)(value)
            groups.setdefault((name, method), []).append((value, labels))
        for (name, method), args in groups.items():
            self.lab_map(getattr(self.ours[name], method), args)


def mirror(lab):
    m = Mirror(lab)
    m.lab_map = lab.map
    return m


@pytest.mark.points(10)
def test_exposition_matches_prometheus_client(lab):
    """Counters, gauges and histograms, with and without labels: the exposition parses to prometheus_client's families."""
    rng = np.random.default_rng(5)
    m = mirror(lab)
    m.counter("llm_requests", "Requests served.", ("model", "route"))
    m.counter("llm_tokens", "Tokens generated.")
    m.gauge("llm_in_flight", "Requests in flight.")
    m.gauge("llm_kv_cache_bytes", "KV cache in use.", ("gpu",))
    m.histogram("llm_latency_seconds", "End-to-end latency.", ("model",))
    m.histogram("llm_ttft_seconds", "Time to first token.", (), (0.05, 0.1, 0.2, 0.4, 0.8))
    m.histogram("llm_prompt_tokens", "Prompt lengths.", ("route",), (16, 64, 256, 1024, 4096, INF))
    m.counter("llm_unused", "Never incremented.", ("model",))
    ops = []
    for _ in range(400):
        model = str(rng.choice(["gpt-tiny", "gpt-small"]))
        route = str(rng.choice(["/v1/chat", "/v1/completions"]))
        ops.append(("llm_requests", "inc", float(rng.integers(1, 4)), {"model": model, "route": route}))
        ops.append(("llm_tokens", "inc", float(rng.integers(0, 500)), None))
        ops.append(("llm_latency_seconds", "observe", float(rng.lognormal(-1.0, 1.2)), {"model": model}))
        ops.append(("llm_ttft_seconds", "observe", float(rng.choice([0.05, 0.1, 0.2, 0.3, 0.8, 2.0])), None))
        ops.append(("llm_prompt_tokens", "observe", float(rng.integers(1, 5000)), {"route": route}))
        ops.append(("llm_kv_cache_bytes", "set", float(rng.integers(0, 2**40)), {"gpu": str(rng.integers(0, 3))}))
        ops.append(("llm_in_flight", "inc", float(rng.integers(-2, 3)), None))
    m.apply(ops)
    compare_with_prometheus(m.reg.exposition(), m.pc, "exposition")


@pytest.mark.points(5)
def test_histogram_buckets_inclusive_and_cumulative(lab):
    """Histogram.buckets/sum/count: le buckets include their bound, are cumulative, end at +Inf; as prometheus_client."""
    bounds = (-1.0, 0.0, 0.5, 1.0, 2.5)
    values = [-3.0, -1.0, -0.5, 0.0, 0.0, 0.25, 0.5, 0.5, 1.0, 2.5, 2.50001, 7.0, INF, -INF, 1e300]
    reg = lab.Registry()
    h = reg.histogram("lat", "latency", (), bounds)
    lab.map(h.observe, [(v,) for v in values])
    pc = CollectorRegistry()
    ph = PHistogram("lat", "latency", buckets=bounds, registry=pc)
    for v in values:
        ph.observe(v)
    expected = [(float(s.labels["le"]), int(s.value)) for s in pc.collect().__next__().samples if s.name == "lat_bucket"]
    got = h.buckets()
    check(len(got) == len(expected), "buckets() should have one pair per bound, +Inf included")
    check([float(le) for le, _ in got] == [le for le, _ in expected], "buckets(): the bounds, in increasing order, ending with inf")
    check([int(c) for _, c in got] == [c for _, c in expected],
          "buckets(): cumulative counts of observations <= le (a value equal to a bound is in its bucket)")
    check(all(isinstance(c, int) for _, c in got), "bucket counts should be ints")
    check(h.count() == len(values) and isinstance(h.count(), int), "count() is the number of observations (an int)")
    check(math.isnan(h.sum()), "inf + (-inf) makes the sum NaN")
    compare_with_prometheus(reg.exposition(), pc, "histogram exposition")
    reg2 = lab.Registry()
    h2 = reg2.histogram("size", "sizes", ("kind",), (1, 2, 3))
    lab.map(h2.observe, [(1.0, {"kind": "a"}), (2.0, {"kind": "a"}), (3.0, {"kind": "b"}), (3.5, {"kind": "a"})])
    check([tuple(p) for p in h2.buckets({"kind": "a"})] == [(1.0, 1), (2.0, 2), (3.0, 2), (INF, 3)],
          "buckets({'kind': 'a'}) of 1, 2, 3.5 with bounds (1, 2, 3)")
    assert_close(h2.sum({"kind": "a"}), 6.5, atol=1e-12, rtol=0, what="sum of a label set")
    check(h2.count({"kind": "b"}) == 1, "count of a label set")
    check([tuple(p) for p in h2.buckets({"kind": "c"})] == [(1.0, 0), (2.0, 0), (3.0, 0), (INF, 0)]
          and h2.sum({"kind": "c"}) == 0.0 and h2.count({"kind": "c"}) == 0, "a label set never used: all zero")


@pytest.mark.points(3)
def test_histogram_bucket_options(lab):
    """Histogram buckets: an explicit trailing inf, one finite bound, the default bounds; invalid ones raise."""
    reg = lab.Registry()
    a = reg.histogram("a", "a", (), [1.0, 2.0, float("inf")])
    b = reg.histogram("b", "b", (), (5,))
    c = reg.histogram("c", "c")
    lab.map(a.observe, [(2.0,), (3.0,)])
    lab.map(b.observe, [(5.0,), (6.0,)])
    lab.map(c.observe, [(0.005,), (10.0,), (11.0,)])
    check([tuple(p) for p in a.buckets()] == [(1.0, 0), (2.0, 1), (INF, 2)], "a trailing inf is not added twice")
    check([tuple(p) for p in b.buckets()] == [(5.0, 1), (INF, 2)], "one finite bound gives two buckets")
    check(tuple(a.upper_bounds) == (1.0, 2.0, INF) and tuple(b.upper_bounds) == (5.0, INF),
          "Histogram.upper_bounds: the bounds in increasing order, ending with inf")
    check([le for le, _ in c.buckets()] == [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, INF],
          "the default buckets are prometheus_client's")
    check([n for _, n in c.buckets()][0] == 1 and c.buckets()[-2][1] == 2, "default buckets include their bounds")
    for bad in ([], [2.0, 1.0], [1.0, 1.0], [1.0, NAN], [INF]):
        with pytest.raises(ValueError):
            reg.histogram("bad", "bad", (), bad)
    with pytest.raises(ValueError):
        reg.histogram("bad", "bad", ("le",))
    with pytest.raises(ValueError):
        a.observe(NAN)
    check(a.count() == 2, "a rejected observation is not counted")


@pytest.mark.points(5)
def test_label_and_help_escaping(lab):
    """Label values with backslashes, quotes, newlines and non-ASCII text survive the parser; HELP escapes too."""
    nasty = ['a"b', "back\\slash", "new\nline", "\\n literally", "ends with \\", '\\"', "é—中 🙂", "", "x" * 300,
             '{le="1"}, y="2"']
    m = mirror(lab)
    m.counter("odd_labels", 'Help with a backslash \\ and a\nnewline and "quotes".', ("v",))
    m.gauge("odd_gauge", "g\\n", ("a", "b"))
    m.apply([("odd_labels", "inc", float(i + 1), {"v": s}) for i, s in enumerate(nasty)]
            + [("odd_gauge", "set", 1.5, {"a": nasty[2], "b": nasty[1]})])
    text = m.reg.exposition()
    compare_with_prometheus(text, m.pc, "escaping")
    check('v="a\\"b"' in text, 'a double quote in a label value is written \\"')
    check('v="back\\\\slash"' in text, "a backslash in a label value is written \\\\")
    check('v="new\\nline"' in text, "a newline in a label value is written \\n")
    check("# HELP odd_labels_total Help with a backslash \\\\ and a\\nnewline and \"quotes\"." in text,
          "HELP text escapes backslash and newline only")


@pytest.mark.points(4)
def test_exposition_exact_text(lab):
    """The exposition's exact text: HELP/TYPE lines, _total, le last, repr values, +Inf, _count then _sum, final newline."""
    reg = lab.Registry()
    check(reg.exposition() == "", "an empty registry exposes an empty string")
    c = reg.counter("req", "Requests.", ("code",))
    g = reg.gauge("temp", "Temperature.")
    h = reg.histogram("lat", "Latency.", ("m",), (0.1, 1e22))
    pair = reg.gauge("pair", "Two labels.", ("zone", "app"))
    pair.set(7, {"app": "chat", "zone": "eu"})
    c.inc(labels={"code": "500"})
    c.inc(2, {"code": "200"})
    c.inc(0.5, {"code": "500"})
    g.set(-INF)
    h.observe(0.1, {"m": "b"})
    h.observe(3, {"m": "b"})
    h.observe(-2, {"m": "a"})
    expected = (
        "# HELP req_total Requests.\n# TYPE req_total counter\n"
        'req_total{code="500"} 1.5\nreq_total{code="200"} 2.0\n'
        "# HELP temp Temperature.\n# TYPE temp gauge\ntemp -Inf\n"
        "# HELP lat Latency.\n# TYPE lat histogram\n"
        'lat_bucket{m="b",le="0.1"} 1.0\nlat_bucket{m="b",le="1e+22"} 2.0\nlat_bucket{m="b",le="+Inf"} 2.0\n'
        'lat_count{m="b"} 2.0\nlat_sum{m="b"} 3.1\n'
        'lat_bucket{m="a",le="0.1"} 1.0\nlat_bucket{m="a",le="1e+22"} 1.0\nlat_bucket{m="a",le="+Inf"} 1.0\n'
        'lat_count{m="a"} 1.0\nlat_sum{m="a"} -2.0\n'
        '# HELP pair Two labels.\n# TYPE pair gauge\npair{zone="eu",app="chat"} 7.0\n'
    )
    got = reg.exposition()
    got_lines, exp_lines = got.split("\n"), expected.split("\n")
    check(len(got_lines) == len(exp_lines), f"expected {len(exp_lines) - 1} lines ending with a newline, got {len(got_lines) - 1}")
    for i, (a, b) in enumerate(zip(got_lines, exp_lines)):
        check(a == b, f"line {i + 1} of the exposition differs from the format of the docstring")
    g.set(NAN)
    check("temp NaN\n" in reg.exposition(), "a NaN value is written NaN")
    g.set(INF)
    check("temp +Inf\n" in reg.exposition(), "an infinite value is written +Inf")
    check(reg.exposition() == reg.exposition(), "exposition does not change the metrics")


@pytest.mark.points(2)
def test_histogram_sum_line_and_negative_bounds(lab):
    """A histogram whose first bound is negative has no _sum line; a first bound of 0 keeps it."""
    reg = lab.Registry()
    neg = reg.histogram("temp_delta", "d", ("room",), (-5.0, 0.0, 5.0))
    zero = reg.histogram("wait", "w", (), (0.0, 1.0))
    neg.observe(-7.0, {"room": "a"})
    neg.observe(3.0, {"room": "a"})
    zero.observe(0.0)
    zero.observe(-1.0)
    text = reg.exposition()
    check("temp_delta_sum" not in text, "a histogram with a negative first bound must not expose _sum")
    check('temp_delta_count{room="a"} 2.0\n' in text, "_count is exposed even without _sum")
    check("wait_sum -1.0\n" in text and 'wait_bucket{le="0.0"} 2.0\n' in text,
          "a first bound of 0 keeps _sum; 0 and -1 are both <= 0")
    assert_close(neg.sum({"room": "a"}), -4.0, atol=1e-12, rtol=0, what="Histogram.sum with a negative first bound")


@pytest.mark.points(3)
def test_objects_are_independent(lab):
    """Two registries, windows and alerters keep their own state; metrics of one registry are not in another."""
    r1, r2 = lab.Registry(), lab.Registry()
    c1 = r1.counter("shared", "one")
    c2 = r2.counter("shared", "two")
    h1 = r1.histogram("h", "one", (), (1.0,))
    r2.histogram("h", "two", (), (1.0,))
    c1.inc(5)
    h1.observe(0.5)
    check(c2.value() == 0.0 and c1.value() == 5.0, "a counter of another registry must not change")
    fams = {f.name: f for f in parse(r2.exposition(), "second registry")}
    check(fams["shared"].documentation == "two" and fams["shared"].samples[0].value == 0.0,
          "the second registry exposes its own metrics only")
    check([s.value for s in fams["h"].samples if s.name == "h_count"] == [0.0], "histograms of two registries are separate")
    w1, w2 = lab.SlidingWindow(10.0), lab.SlidingWindow(10.0)
    w1.record(100.0, 1.0, 10, 500)
    check(w2.count(0.0) == 0, "a second window starts empty and keeps its own clock")
    w2.record(1.0, 2.0)
    check(w1.count(100.0) == 1 and w2.error_rate(1.0) == 0.0, "two windows keep their own requests")
    a1, a2 = lab.BurnRateAlerter(0.75, [(10.0, 10.0, 1.0)]), lab.BurnRateAlerter(0.75, [(10.0, 10.0, 1.0)])
    a1.record(50.0, 2, 2)
    check(a2.evaluate(0.0)[0]["long_burn_rate"] == 0.0 and a1.evaluate(50.0)[0]["long_burn_rate"] == 4.0,
          "two alerters keep their own records and clocks")


@pytest.mark.points(3)
def test_counter_and_gauge_values(lab):
    """Counter.inc/value and Gauge.set/inc/value, per label set, defaults, and values never set."""
    reg = lab.Registry()
    c = reg.counter("c", "c")
    g = reg.gauge("g", "g", ("k",))
    check(c.value() == 0.0, "a new counter is 0.0")
    c.inc()
    c.inc(2.5)
    c.inc(0)
    check(c.value() == 3.5, "inc() adds 1 by default, inc(2.5) adds 2.5, inc(0) nothing")
    check(c.value(None) == 3.5 and c.value({}) == 3.5, "labels None or {} for a metric without labels")
    g.set(4.0, {"k": "x"})
    g.inc(-1.5, {"k": "x"})
    g.inc(labels={"k": "y"})
    g.inc(1e300, {"k": 7})
    check(g.value({"k": "x"}) == 2.5 and g.value({"k": "y"}) == 1.0, "gauge set then inc, per label set")
    check(g.value({"k": "7"}) == 1e300, "label values are turned into strings (7 and '7' are one label set)")
    check(g.value({"k": "never"}) == 0.0, "a label set never used reads 0.0")
    check('g{k="7"} 1e+300' in reg.exposition(), "a label set used with a non-str value is exposed with str(value)")


@pytest.mark.points(4)
def test_metric_errors(lab):
    """Invalid names, label names, duplicates, label sets and counter decrements raise ValueError."""
    reg = lab.Registry()
    c = reg.counter("ok_name:sub", "fine", ("a", "b_2"))
    c.inc(1, {"a": "x", "b_2": "y"})
    for name in ("2bad", "bad-name", "", "bad name"):
        with pytest.raises(ValueError):
            reg.gauge(name, "doc")
    for labels in (("__reserved",), ("bad-label",), ("a", "a"), ("1a",)):
        with pytest.raises(ValueError):
            reg.counter("x", "doc", labels)
    with pytest.raises(ValueError):
        reg.gauge("ok_name:sub", "dup")
    reg.counter("req", "first")
    for dup in ("req", "req_total"):
        with pytest.raises(ValueError):
            reg.gauge(dup, "dup")
    reg.gauge("hits_total", "a gauge named like a counter's sample")
    reg.gauge("temp", "a gauge")
    reg.gauge("temp_total", "another gauge: only counters take <name>_total")
    reg.histogram("lat", "a histogram")
    reg.gauge("lat_total", "a gauge next to a histogram")
    with pytest.raises(ValueError):
        reg.counter("hits", "its sample would collide")
    for bad in (-1.0, NAN, INF):
        with pytest.raises(ValueError):
            c.inc(bad, {"a": "x", "b_2": "y"})
    for labels in (None, {"a": "x"}, {"a": "x", "b_2": "y", "c": "z"}, {"a": "x", "b": "y"}):
        with pytest.raises(ValueError):
            c.inc(1, labels)
    check(c.value({"a": "x", "b_2": "y"}) == 1.0, "failed calls should not change the counter")
    check(c.value({"a": "x", "b_2": "never"}) == 0.0, "a counter's label set never used reads 0.0")
    check(reg.gauge("x", "now free").value() == 0.0, "failed registrations do not take a name")


# ---- JSON logs ---------------------------------------------------------------------------------------------------


def strict_loads(line, what):
    def refuse(name):
        raise AssertionError(f"{what}: {name} is not JSON (write null)")
    try:
        return json.loads(line, parse_constant=refuse)
    except json.JSONDecodeError:
        raise AssertionError(f"{what}: not valid JSON") from None


@pytest.mark.points(5)
def test_json_log_fields(lab):
    """json_log: one line, keys ts, level, msg then the fields in order, with the stated types."""
    fields = {"route": "/v1/chat", "status": 503, "latency_ms": 12.5, "cached": False, "user": None,
              "tags": ("a", "b"), "usage": {"prompt": 10, "completion": 3}}
    line = lab.json_log(1700000000.25, "ERROR", "upstream failed", fields)
    check(isinstance(line, str) and "\n" not in line, "a record is one line of text, without a trailing newline")
    rec = strict_loads(line, "json_log")
    check(list(rec) == ["ts", "level", "msg", *fields], "keys: ts, level, msg, then the fields in their order")
    check(rec["ts"] == 1700000000.25 and isinstance(rec["ts"], float), "ts is float(t), a JSON number")
    check(rec["level"] == "ERROR" and rec["msg"] == "upstream failed", "level and msg as given")
    check(rec["status"] == 503 and isinstance(rec["status"], int) and rec["latency_ms"] == 12.5
          and rec["cached"] is False and rec["user"] is None, "field values keep their JSON types")
    check(rec["tags"] == ["a", "b"] and rec["usage"] == {"prompt": 10, "completion": 3}, "tuples become arrays, dicts objects")
    rec2 = strict_loads(lab.json_log(3, "DEBUG", ""), "json_log without fields")
    check(list(rec2) == ["ts", "level", "msg"] and rec2["ts"] == 3.0 and isinstance(rec2["ts"], float),
          "without fields: ts (an int t written as a float), level, msg")
    for level in ("INFO", "WARNING", "CRITICAL"):
        check(strict_loads(lab.json_log(0, level, "m", {}), level)["level"] == level, f"level {level}")


@pytest.mark.points(3)
def test_json_log_text_and_non_finite(lab):
    """json_log writes NaN and inf as null at any depth, non-ASCII as is, and escapes newlines in strings."""
    line = lab.json_log(1.5, "WARNING", "line one\nline two — ünïcode 中", {
        "loss": NAN, "ratio": INF, "neg": -INF, "ok": 1.0, "nested": {"x": [1.0, NAN, {"y": -INF}]}})
    check("\n" not in line, "a newline inside a string must be escaped: the record stays on one line")
    rec = strict_loads(line, "json_log with NaN")
    check(rec["msg"] == "line one\nline two — ünïcode 中", "msg survives the round trip")
    check("ünïcode 中" in line, "non-ASCII characters are written as they are, not as \\u escapes")
    check(rec["loss"] is None and rec["ratio"] is None and rec["neg"] is None and rec["ok"] == 1.0,
          "NaN and infinities become null")
    check(rec["nested"] == {"x": [1.0, None, {"y": None}]}, "NaN and infinities become null at any depth")


@pytest.mark.points(2)
def test_json_log_errors(lab):
    """json_log raises ValueError for unknown levels, reserved field names and a non-str msg; TypeError for other values."""
    strict_loads(lab.json_log(0, "INFO", "fine", {"a": 1}), "a valid call")
    for level in ("info", "WARN", "", "TRACE"):
        with pytest.raises(ValueError):
            lab.json_log(0, level, "m")
    for key in ("ts", "level", "msg"):
        with pytest.raises(ValueError):
            lab.json_log(0, "INFO", "m", {key: 1})
    with pytest.raises(ValueError):
        lab.json_log(0, "INFO", 42)
    with pytest.raises(ValueError):
        lab.json_log(0, "INFO", "m", {3: "x"})
    with pytest.raises(TypeError):
        lab.json_log(0, "INFO", "m", {"x": {1, 2}})


# ---- burn-rate alerts ------------------------------------------------------------------------------------------


def sre_oracle(events, now, slo, rules):
    out = []
    for long_s, short_s, factor in rules:
        rates = []
        for w in (long_s, short_s):
            inside = [(n, e) for t, n, e in events if now - w < t <= now]
            total = sum(n for n, _ in inside)
            errors = sum(e for _, e in inside)
            rates.append((errors / total if total else 0.0) / (1 - slo))
        out.append({"long_window_s": float(long_s), "short_window_s": float(short_s), "factor": float(factor),
                    "long_burn_rate": rates[0], "short_burn_rate": rates[1],
                    "firing": rates[0] > factor and rates[1] > factor})
    return out


def compare_states(got, expected, what):
    check(isinstance(got, list) and len(got) == len(expected), f"{what}: evaluate should return one dict per rule")
    for i, (g, e) in enumerate(zip(got, expected)):
        check(isinstance(g, dict) and set(g) == set(e), f"{what}: rule {i}: the keys of the dict differ")
        for key in ("long_window_s", "short_window_s", "factor"):
            check(g[key] == e[key], f"{what}: rule {i}: {key} should be the rule's")
        for key in ("long_burn_rate", "short_burn_rate"):
            assert_close(g[key], e[key], atol=1e-9, rtol=1e-9, what=f"{what}: rule {i}: {key}")
        check(isinstance(g["firing"], bool) and g["firing"] == e["firing"],
              f"{what}: rule {i}: firing should be {e['firing']} (a bool)")


def outage_stream(minutes, outage_start, outage_end, base_ratio, outage_ratio, rng):
    events = []
    for m in range(minutes):
        t = 60.0 * m
        ratio = outage_ratio if outage_start <= t < outage_end else base_ratio
        per_minute = int(rng.integers(200, 2000))              # traffic varies: ratios are pooled, not averaged
        errors = int(rng.binomial(per_minute, ratio))
        events.append((t, per_minute, errors))
    return events


@pytest.mark.points(7)
def test_alerter_matches_sre_rules(lab):
    """BurnRateAlerter.evaluate matches the SRE workbook rules (both windows > factor) on scripted streams."""
    rng = np.random.default_rng(6)
    scenarios = [
        (0.999, outage_stream(600, 7200, 7800, 0.0005, 1.0, rng)),       # a hard outage of 10 min
        (0.999, outage_stream(900, 3600, 30000, 0.0005, 0.0075, rng)),   # a slow burn (7.5x) for hours
        (0.99, outage_stream(400, 6000, 9000, 0.002, 0.2, rng)),         # a partial outage at a 99 % SLO
    ]
    for slo, events in scenarios:
        a = lab.BurnRateAlerter(slo)
        step = 5
        for start in range(0, len(events), step):
            chunk = events[start:start + step]
            lab.map(a.record, chunk)
            now = chunk[-1][0] + (30.0 if (start // step) % 2 else 0.0)   # on and between the window edges
            compare_states(a.evaluate(now), sre_oracle(events[:start + step], now, slo, SRE),
                           f"slo={slo}, now={now}")
    # per-event check, every second around the start of an outage
    a = lab.BurnRateAlerter(0.999)
    events = [(float(t), 10, 10 if t >= 3600 else 0) for t in range(0, 3700)]
    lab.map(a.record, events[:3600])
    for t in range(3600, 3700):
        a.record(*events[t])
        got = a.firing(float(t))
        expected = any(s["firing"] for s in sre_oracle(events[:t + 1], float(t), 0.999, SRE))
        check(got == expected, f"firing at t={t} s, {t - 3599} s into a full outage")


@pytest.mark.points(4)
def test_alerter_outage_lifecycle(lab):
    """A full outage pages within a minute; the short window resets the page within about 5 min of recovery."""
    a = lab.BurnRateAlerter(0.999)
    events = [(float(t), 20, 0) for t in range(0, 7200, 10)]
    events += [(float(t), 20, 20) for t in range(7200, 7800, 10)]       # 10 min of total failure
    events += [(float(t), 20, 0) for t in range(7800, 12000, 10)]
    fired = {}
    for t, n, e in events:
        a.record(t, n, e)
        fired[t] = a.firing(t)
    check(not any(v for t, v in fired.items() if t < 7200), "no page while healthy")
    check(fired[7260.0], "a full outage should page within a minute (1 h window > 14.4x after ~52 s)")
    check(all(fired[t] for t in fired if 7260 <= t < 7800), "the page stays on during the outage")
    check(fired[7800.0 + 290.0], "still paging shortly after recovery (the short window still burns)")
    check(not any(fired[t] for t in fired if t >= 7800 + 1800), "the page resets once the short windows recover")
    states = a.evaluate(12000.0)
    check(states[0]["long_burn_rate"] == 0.0 and states[1]["long_burn_rate"] > 6.0 and not states[1]["firing"],
          "hours later the 6 h window still burns above 6x but the 30 min window does not: no page")


@pytest.mark.points(3)
def test_alerter_thresholds_and_windows(lab):
    """Strictly greater than the factor in BOTH windows; a record exactly one window old has left it; empty is 0."""
    rules = [(100.0, 10.0, 2.0)]                # slo 0.75: burn = ratio / 0.25; factor 2 <=> ratio 0.5
    a = lab.BurnRateAlerter(0.75, rules)
    s = a.evaluate(0.0)[0]
    check(s["long_burn_rate"] == 0.0 and s["short_burn_rate"] == 0.0 and s["firing"] is False,
          "no traffic: burn rates 0.0, not firing")
    a.record(0.0, 100, 50)
    s = a.evaluate(0.0)[0]
    check(s["long_burn_rate"] == 2.0 and s["short_burn_rate"] == 2.0 and not s["firing"],
          "a burn rate equal to the factor does not fire (strictly greater)")
    a.record(1.0, 100, 51)
    check(a.evaluate(1.0)[0]["firing"], "both windows above the factor: firing")
    s = a.evaluate(10.0)[0]
    check(s["short_burn_rate"] == 2.04 and s["firing"], "at now=10 the record at 0 has left the 10 s window")
    a.record(11.0, 1000, 0)
    s = a.evaluate(11.0)[0]
    check(s["short_burn_rate"] == 0.0 and s["long_burn_rate"] > 0.0 and not s["firing"],
          "a high long window with a clean short window does not fire")
    b = lab.BurnRateAlerter(0.75, rules)
    b.record(0.0, 1000, 0)
    b.record(95.0, 10, 10)
    s = b.evaluate(95.0)[0]
    check(s["short_burn_rate"] == 4.0 and s["long_burn_rate"] < 2.0 and not s["firing"],
          "a high short window with a low long window does not fire")
    check(b.evaluate(100.0)[0]["long_burn_rate"] == 4.0, "at now=100 the record at 0 has left the 100 s window")
    d = lab.BurnRateAlerter(0.75, rules)
    d.record(0.0, 100, 0)
    d.record(95.0, 100, 100)
    s = d.evaluate(95.0)[0]
    check(s["long_burn_rate"] == 2.0 and s["short_burn_rate"] == 4.0 and not s["firing"],
          "a long-window burn rate equal to the factor does not fire")
    e = lab.BurnRateAlerter(0.75, rules)
    e.record(0.0, 100, 100)
    e.record(95.0, 100, 50)
    s = e.evaluate(95.0)[0]
    check(s["long_burn_rate"] == 3.0 and s["short_burn_rate"] == 2.0 and not s["firing"],
          "a short-window burn rate equal to the factor does not fire")
    c = lab.BurnRateAlerter(0.75, [(50, 50, 1), (100.0, 10.0, 4.0)])
    c.record(0, 4, 4)
    states = c.evaluate(5)
    check(len(states) == 2 and states[0]["firing"] and not states[1]["firing"] and c.firing(5),
          "one dict per rule, in order; firing() is true when any rule fires")
    check(isinstance(states[0]["long_window_s"], float) and states[0]["factor"] == 1.0, "rule values as floats")


@pytest.mark.points(2)
def test_burn_rate_formula(lab):
    """burn_rate is error_ratio / (1 - slo); invalid slo or error_ratio raise ValueError."""
    for ratio, slo in [(0.0144, 0.999), (0.5, 0.75), (0.0, 0.9), (1.0, 0.5), (0.3, 0.99999)]:
        assert_close(lab.burn_rate(ratio, slo), ratio / (1 - slo), atol=0, rtol=1e-12, what=f"burn_rate({ratio}, {slo})")
    for ratio, slo in [(0.1, 0.0), (0.1, 1.0), (0.1, 1.5), (-0.1, 0.9), (1.1, 0.9), (0.1, NAN)]:
        with pytest.raises(ValueError):
            lab.burn_rate(ratio, slo)


@pytest.mark.points(2)
def test_alerter_errors(lab):
    """BurnRateAlerter raises ValueError for an invalid slo, rule or counts, and when time goes backwards."""
    tiny = lab.BurnRateAlerter(0.5, [(0.75, 0.25, 1.0)])     # sub-second windows are allowed
    tiny.record(-3.0, 4, 3)
    check(tiny.firing(-3.0) and not tiny.firing(-2.5), "windows under a second, at negative times (any origin)")
    a = lab.BurnRateAlerter(0.99, [(60, 60, 1.0)])
    a.record(10, 5, 0)
    a.record(10, 5, 5)
    assert_close(a.evaluate(10)[0]["long_burn_rate"], 0.5 / (1 - 0.99), atol=1e-9, rtol=0, what="a valid evaluate")
    for slo in (0.0, 1.0, -0.5, NAN):
        with pytest.raises(ValueError):
            lab.BurnRateAlerter(slo)
    for rules in ([], [(60, 120, 1.0)], [(60, 0, 1.0)], [(60, 30, 0.0)], [(60, 30, -2.0)], [(60, -30, 1.0)]):
        with pytest.raises(ValueError):
            lab.BurnRateAlerter(0.99, rules)
    for args in ((11, 5, 6), (11, 5, -1), (11, -1, -2), (9, 5, 1)):
        with pytest.raises(ValueError):
            a.record(*args)
    with pytest.raises(ValueError):
        a.evaluate(9)
    assert_close(a.evaluate(10)[0]["long_burn_rate"], 0.5 / (1 - 0.99), atol=1e-9, rtol=0,
                 what="failed calls should not change the alerter")
