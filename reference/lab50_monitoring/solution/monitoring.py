"""Lab 50: monitoring an LLM service.

The numbers an on-call engineer watches, written with the standard library
and numpy:

* ``percentile`` of a list of latencies (numpy's ``"linear"`` method);
* ``SlidingWindow``: latency percentiles, tokens per second and the error
  rate over the last ``window_s`` seconds of requests;
* ``Registry`` with ``Counter``, ``Gauge`` and ``Histogram`` metrics and
  their Prometheus text exposition (format 0.0.4), which
  ``prometheus_client.parser.text_string_to_metric_families`` reads into
  the same families as ``prometheus_client``'s own registry would expose;
* ``json_log``: one structured log record as one line of JSON;
* ``burn_rate`` and ``BurnRateAlerter``: the multi-window, multi-burn-rate
  alerts of the Google SRE workbook ("Alerting on SLOs").

Time is never read from a clock: every function that needs "now" is given
it (seconds, a float, any origin), so that tests can script event streams.
Wherever a class takes times (``t`` or ``now``), time never goes
backwards: a ``t`` or ``now`` smaller than the largest one that object has
already been given raises ``ValueError`` (equal is fine). A call that
raises ``ValueError`` changes nothing (not even the latest time).

``numpy.percentile`` / ``numpy.quantile`` and ``prometheus_client`` may
not be used in this file (a code check takes 50 points off): the point is
to write them. Use them freely in your own tests.
"""

from __future__ import annotations

import bisect
import json
import math
import re
from collections import deque
from collections.abc import Mapping, Sequence

import numpy as np

DEFAULT_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0)
SRE_RULES = ((3600.0, 300.0, 14.4), (21600.0, 1800.0, 6.0))
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

_METRIC_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*\Z")
_LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*\Z")


# ---- percentiles ---------------------------------------------------------------------------------------------


def _check_q(q: float) -> float:
    q = float(q)
    if not 0.0 <= q <= 100.0:      # NaN fails too
        raise ValueError(f"q must lie in [0, 100], got {q}")
    return q


def _linear_percentile(ordered: np.ndarray, q: float) -> float:
    h = (len(ordered) - 1) * q / 100.0
    lo = math.floor(h)
    hi = min(lo + 1, len(ordered) - 1)
    return float(ordered[lo] + (h - lo) * (ordered[hi] - ordered[lo]))


def percentile(values: Sequence[float] | np.ndarray, q: float) -> float:
    """The ``q``-th percentile of ``values`` by linear interpolation (numpy's ``method="linear"``).

    Sort the ``n`` values ascending into ``x[0] <= ... <= x[n-1]``; let
    ``h = (n - 1) * q / 100``, ``i = floor(h)``; the result is
    ``x[i] + (h - i) * (x[i + 1] - x[i])`` (just ``x[n-1]`` when
    ``i = n - 1``). So ``q = 0`` gives the minimum, ``q = 100`` the
    maximum, ``q = 50`` the median, and one value is its own every
    percentile. This is ``numpy.percentile(values, q)`` (default method)
    to 1e-12 relative.

    ``values``: a non-empty list, tuple or 1-D array of ints or floats,
    all finite. ``q``: an int or float in [0, 100]. Returns a float. The
    input is not modified. Raises ``ValueError`` for an empty or not 1-D
    ``values``, a NaN or infinite value, or ``q`` outside [0, 100] (NaN
    included).
    """
    x = np.asarray(values, dtype=np.float64)
    if x.ndim != 1 or x.size == 0:
        raise ValueError("values must be a non-empty 1-D sequence")
    if not np.isfinite(x).all():
        raise ValueError("values must be finite")
    return _linear_percentile(np.sort(x), _check_q(q))


# ---- sliding window --------------------------------------------------------------------------------------------


class SlidingWindow:
    """Latency, throughput and errors of the requests of the last ``window_s`` seconds.

    Each request is recorded once, when it completes, at time ``t``. At
    time ``now`` the window holds exactly the requests with
    ``now - window_s < t <= now``: a request recorded exactly
    ``window_s`` seconds ago has just left, one recorded at ``now`` is in.
    Every request recorded in that interval counts, however many there
    are (no sampling, no cap). Time never goes backwards (see the module
    docstring): ``record`` and every query raise ``ValueError`` for a time
    earlier than the latest one given so far.

    ``window_s``: a finite float > 0, else ``ValueError``.
    """

    def __init__(self, window_s: float) -> None:
        window_s = float(window_s)
        if not (window_s > 0 and math.isfinite(window_s)):
            raise ValueError("window_s must be a finite number > 0")
        self.window_s = window_s
        self._events: deque[tuple[float, float, int, bool]] = deque()
        self._now = -math.inf

    def _advance(self, now: float) -> None:
        now = float(now)
        if not now >= self._now:
            raise ValueError("time went backwards")
        self._now = now
        start = now - self.window_s
        while self._events and self._events[0][0] <= start:
            self._events.popleft()

    def record(self, t: float, latency_s: float, tokens: int = 0, status: int = 200) -> None:
        """Record one request that completed at time ``t``.

        ``latency_s``: its latency, a finite float >= 0. ``tokens``: the
        tokens it generated, an int >= 0. ``status``: its HTTP status code
        (an int in [100, 599]). Raises ``ValueError`` for a negative or
        non-finite latency, negative tokens, a status outside [100, 599],
        or ``t`` earlier than the latest time given. Returns None.
        """
        latency_s, tokens, status = float(latency_s), int(tokens), int(status)
        if not (latency_s >= 0 and math.isfinite(latency_s)):
            raise ValueError("latency_s must be finite and >= 0")
        if tokens < 0:
            raise ValueError("tokens must be >= 0")
        if not 100 <= status <= 599:
            raise ValueError("status must lie in [100, 599]")
        self._advance(t)
        self._events.append((float(t), latency_s, tokens, status >= 500))

    def count(self, now: float) -> int:
        """The number of requests in the window at time ``now`` (an int)."""
        self._advance(now)
        return len(self._events)

    def percentile(self, q: float, now: float) -> float:
        """The ``q``-th percentile of the latencies in the window at ``now`` (method of ``percentile``).

        ``q`` in [0, 100], else ``ValueError``. Returns ``nan`` when the
        window is empty.
        """
        q = _check_q(q)
        self._advance(now)
        if not self._events:
            return math.nan
        return _linear_percentile(np.sort(np.fromiter((e[1] for e in self._events), np.float64)), q)

    def tokens_per_second(self, now: float) -> float:
        """Throughput: the tokens of the requests in the window at ``now``, divided by ``window_s``.

        Always divided by the full ``window_s``, even before ``window_s``
        seconds of traffic have been seen. 0.0 for an empty window.
        """
        self._advance(now)
        return sum(e[2] for e in self._events) / self.window_s

    def error_rate(self, now: float) -> float:
        """The fraction of the requests in the window at ``now`` that failed.

        A request failed when its status is a server error, 500 to 599;
        1xx-4xx are not errors (a 4xx is the client's mistake). Returns
        ``errors / count`` in [0, 1], and 0.0 for an empty window.
        """
        self._advance(now)
        if not self._events:
            return 0.0
        return sum(e[3] for e in self._events) / len(self._events)


# ---- Prometheus metrics and exposition ----------------------------------------------------------------------------


_SPECIAL_VALUES = {math.inf: "+Inf", -math.inf: "-Inf"}


def _format_value(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    return _SPECIAL_VALUES.get(value) or repr(float(value))


def _escape_label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _escape_help(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def _label_text(pairs: Sequence[tuple[str, str]]) -> str:
    if not pairs:
        return ""
    return "{" + ",".join(f'{k}="{_escape_label(v)}"' for k, v in pairs) + "}"


class _Metric:
    kind = ""

    def __init__(self, name: str, documentation: str, labelnames: Sequence[str] = ()) -> None:
        if not isinstance(name, str) or not _METRIC_NAME.match(name):
            raise ValueError(f"invalid metric name {name!r}")
        labelnames = tuple(labelnames)
        for label in labelnames:
            if not isinstance(label, str) or not _LABEL_NAME.match(label) or label.startswith("__"):
                raise ValueError(f"invalid label name {label!r}")
        if len(set(labelnames)) != len(labelnames):
            raise ValueError("duplicate label names")
        self.name = name
        self.documentation = str(documentation)
        self.labelnames = labelnames
        self._children: dict[tuple[str, ...], object] = {}
        if not labelnames:
            self._use(None)

    def _key(self, labels: Mapping[str, object] | None) -> tuple[str, ...]:
        labels = dict(labels or {})
        if set(labels) != set(self.labelnames):
            raise ValueError(f"labels must be exactly {self.labelnames}, got {tuple(labels)}")
        return tuple(str(labels[k]) for k in self.labelnames)

    def _use(self, labels: Mapping[str, object] | None) -> tuple[str, ...]:
        """The key of the label set ``labels``, made on first use."""
        key = self._key(labels)
        if key not in self._children:
            self._children[key] = self._new_child()
        return key

    def _peek(self, labels: Mapping[str, object] | None):
        return self._children.get(self._key(labels))

    def _exposed_names(self) -> set[str]:
        return {self.name}

    def _header(self, name: str) -> list[str]:
        return [f"# HELP {name} {_escape_help(self.documentation)}", f"# TYPE {name} {self.kind}"]


class Counter(_Metric):
    """A monotonically increasing count (requests served, tokens generated).

    Made by ``Registry.counter``. Exposed as ``<name>_total`` (see
    ``Registry.exposition``). Each label set has its own value, starting
    at 0.0.
    """

    kind = "counter"

    def __init__(self, name: str, documentation: str, labelnames: Sequence[str] = ()) -> None:
        """Use ``Registry.counter`` (its docstring gives the arguments and errors)."""
        super().__init__(name, documentation, labelnames)

    def _new_child(self) -> float:
        return 0.0

    def inc(self, amount: float = 1.0, labels: Mapping[str, str] | None = None) -> None:
        """Add ``amount`` (a finite number >= 0) to the value of the label set ``labels``.

        ``labels``: a dict giving a value (str, or anything ``str()``
        turns into one) for exactly the metric's label names; None or
        ``{}`` for a metric without labels. Raises ``ValueError`` for a
        negative or non-finite amount, or labels that are missing, extra
        or unknown. Returns None.
        """
        amount = float(amount)
        if not (amount >= 0 and math.isfinite(amount)):
            raise ValueError("a counter only goes up by a finite amount")
        self._children[self._use(labels)] += amount

    def value(self, labels: Mapping[str, str] | None = None) -> float:
        """The current value for ``labels`` (0.0 for a label set never used). ``ValueError`` as ``inc``."""
        value = self._peek(labels)
        return 0.0 if value is None else value

    def _lines(self) -> list[str]:
        name = self.name + "_total"
        lines = self._header(name)
        for key, value in self._children.items():
            lines.append(f"{name}{_label_text(list(zip(self.labelnames, key)))} {_format_value(value)}")
        return lines

    def _exposed_names(self) -> set[str]:
        return {self.name, self.name + "_total"}


class Gauge(_Metric):
    """A value that goes up and down (requests in flight, GPU memory in use).

    Made by ``Registry.gauge``. Each label set starts at 0.0.
    """

    kind = "gauge"

    def __init__(self, name: str, documentation: str, labelnames: Sequence[str] = ()) -> None:
        """Use ``Registry.gauge`` (its docstring gives the arguments and errors)."""
        super().__init__(name, documentation, labelnames)

    def _new_child(self) -> float:
        return 0.0

    def set(self, value: float, labels: Mapping[str, str] | None = None) -> None:
        """Set the value for ``labels`` (any float, infinities and NaN included). ``labels`` as ``Counter.inc``."""
        self._children[self._use(labels)] = float(value)

    def inc(self, amount: float = 1.0, labels: Mapping[str, str] | None = None) -> None:
        """Add ``amount`` (any float; negative to decrease) to the value for ``labels``."""
        self._children[self._use(labels)] += float(amount)

    def value(self, labels: Mapping[str, str] | None = None) -> float:
        """The current value for ``labels`` (0.0 for a label set never used)."""
        value = self._peek(labels)
        return 0.0 if value is None else value

    def _lines(self) -> list[str]:
        lines = self._header(self.name)
        for key, value in self._children.items():
            lines.append(f"{self.name}{_label_text(list(zip(self.labelnames, key)))} {_format_value(value)}")
        return lines


class Histogram(_Metric):
    """Counts of observations in cumulative buckets, with their sum and count (latencies, prompt lengths).

    Made by ``Registry.histogram``. ``upper_bounds`` are the bucket bounds
    in increasing order, always ending with ``math.inf``. Buckets are
    INCLUSIVE of their upper bound: an observation ``v`` counts in every
    bucket with ``v <= le`` (so a value equal to a bound is in that
    bucket), and every observation is in the ``+Inf`` bucket.
    """

    kind = "histogram"

    def __init__(
        self,
        name: str,
        documentation: str,
        labelnames: Sequence[str] = (),
        buckets: Sequence[float] = DEFAULT_BUCKETS,
    ) -> None:
        """Use ``Registry.histogram`` (its docstring gives the arguments and errors)."""
        bounds = [float(b) for b in buckets]
        if bounds and bounds[-1] != math.inf:
            bounds.append(math.inf)
        if len(bounds) < 2 or any(math.isnan(b) for b in bounds) or any(
                a >= b for a, b in zip(bounds, bounds[1:])):
            raise ValueError("buckets must be a non-empty, strictly increasing sequence of numbers")
        if "le" in tuple(labelnames):
            raise ValueError("'le' is reserved in a histogram")
        self.upper_bounds = tuple(bounds)
        super().__init__(name, documentation, labelnames)

    def _new_child(self) -> list:
        return [[0] * len(self.upper_bounds), 0.0]

    def observe(self, value: float, labels: Mapping[str, str] | None = None) -> None:
        """Count one observation ``value`` (a float, not NaN; ±inf allowed) for ``labels``.

        Raises ``ValueError`` for NaN, or labels as ``Counter.inc``.
        Returns None.
        """
        value = float(value)
        if math.isnan(value):
            raise ValueError("cannot observe NaN")
        child = self._children[self._use(labels)]
        child[0][bisect.bisect_left(self.upper_bounds, value)] += 1
        child[1] += value

    def buckets(self, labels: Mapping[str, str] | None = None) -> list[tuple[float, int]]:
        """The CUMULATIVE buckets for ``labels``: ``[(le, count of observations <= le), ...]``.

        One pair per upper bound, in increasing order, the last one
        ``(math.inf, total count)``; counts are ints and never decrease
        along the list. All zero for a label set never used.
        """
        child = self._peek(labels)
        counts = child[0] if child is not None else [0] * len(self.upper_bounds)
        return list(zip(self.upper_bounds, (int(c) for c in np.cumsum(counts))))

    def sum(self, labels: Mapping[str, str] | None = None) -> float:
        """The sum of the observed values for ``labels`` (0.0 if none)."""
        child = self._peek(labels)
        return 0.0 if child is None else child[1]

    def count(self, labels: Mapping[str, str] | None = None) -> int:
        """The number of observations for ``labels`` (an int; equals the ``+Inf`` bucket)."""
        child = self._peek(labels)
        return 0 if child is None else sum(child[0])

    def _lines(self) -> list[str]:
        lines = self._header(self.name)
        for key, child in self._children.items():
            pairs = list(zip(self.labelnames, key))
            total = 0
            for bound, n in zip(self.upper_bounds, child[0]):
                total += n
                le = _label_text(pairs + [("le", _format_value(bound))])
                lines.append(f"{self.name}_bucket{le} {_format_value(total)}")
            lines.append(f"{self.name}_count{_label_text(pairs)} {_format_value(total)}")
            if self.upper_bounds[0] >= 0:
                lines.append(f"{self.name}_sum{_label_text(pairs)} {_format_value(child[1])}")
        return lines


class Registry:
    """A set of metrics with distinct names, and their Prometheus text exposition."""

    def __init__(self) -> None:
        self._metrics: list[_Metric] = []

    def _add(self, metric: _Metric) -> _Metric:
        taken = set()
        for m in self._metrics:
            taken |= m._exposed_names()
        if taken & metric._exposed_names():
            raise ValueError(f"a metric named {metric.name!r} is already registered")
        self._metrics.append(metric)
        return metric

    def counter(self, name: str, documentation: str, labelnames: Sequence[str] = ()) -> Counter:
        """Create, register and return a ``Counter``.

        ``name`` matches ``[a-zA-Z_:][a-zA-Z0-9_:]*`` and is given WITHOUT
        the ``_total`` suffix (``"requests"`` is exposed as
        ``requests_total``). ``documentation``: any str (the HELP text).
        ``labelnames``: a sequence of distinct names matching
        ``[a-zA-Z_][a-zA-Z0-9_]*`` and not starting with ``__``. A metric
        without labels has one value from the start; a metric with labels
        has a value per label set once that set is used. Raises
        ``ValueError`` for an invalid or duplicate name or label name, or
        a name already taken in this registry (for a counter ``c``, both
        ``c`` and ``c_total`` are taken).
        """
        return self._add(Counter(name, documentation, labelnames))

    def gauge(self, name: str, documentation: str, labelnames: Sequence[str] = ()) -> Gauge:
        """Create, register and return a ``Gauge`` (names and errors as ``counter``)."""
        return self._add(Gauge(name, documentation, labelnames))

    def histogram(
        self,
        name: str,
        documentation: str,
        labelnames: Sequence[str] = (),
        buckets: Sequence[float] = DEFAULT_BUCKETS,
    ) -> Histogram:
        """Create, register and return a ``Histogram``.

        ``buckets``: the finite upper bounds, a non-empty, strictly
        increasing sequence of numbers (negative ones allowed); ``+Inf``
        is appended unless the last one is already ``math.inf``. The
        default is ``prometheus_client``'s. Raises ``ValueError`` as
        ``counter``, and for empty, NaN or not strictly increasing
        buckets, or a label named ``le``.
        """
        return self._add(Histogram(name, documentation, labelnames, buckets))

    def exposition(self) -> str:
        """The Prometheus text exposition (format 0.0.4) of every metric, in registration order.

        For each metric, a ``# HELP <name> <doc>`` line, a
        ``# TYPE <name> <counter|gauge|histogram>`` line, then one sample
        line per label set in the order the label sets were first used
        (a labelled metric never used has no sample line):

        * counter: ``<name>`` in the HELP/TYPE lines and the samples is
          ``<metric name>_total``;
        * gauge: ``<name>`` is the metric name;
        * histogram, per label set: one ``<name>_bucket`` line per upper
          bound in increasing order with the CUMULATIVE count and the
          bound in an extra label ``le`` written last (``+Inf`` for the
          last one), then ``<name>_count`` (the ``+Inf`` count) and
          ``<name>_sum``, without ``le``; the ``_sum`` line is left out
          when the first bound is negative (a sum of values of both signs
          says nothing: OpenMetrics and ``prometheus_client`` omit it).

        A sample line is ``name{l1="v1",l2="v2"} value`` (no braces when
        there are no labels), labels in ``labelnames`` order. Label
        values are escaped: backslash as ``\\\\``, double quote as
        ``\\"``, newline as ``\\n`` (in HELP text, backslash and newline
        only). Values and ``le`` bounds are written as ``repr(float(x))``
        (``2.0``, ``0.1``, ``1e+22``), ``+Inf``, ``-Inf`` or ``NaN``.
        Lines end with ``\\n``; the text ends with one (empty string for
        an empty registry). ``prometheus_client.parser`` reads it into
        the families ``prometheus_client``'s own registry would expose
        for the same metrics and updates (less its ``_created``
        samples).
        """
        lines: list[str] = []
        for metric in self._metrics:
            lines.extend(metric._lines())
        return "".join(line + "\n" for line in lines)


# ---- JSON logs ---------------------------------------------------------------------------------------------------


def _finite_or_none(value: object) -> object:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite_or_none(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite_or_none(v) for v in value]
    return value


def json_log(t: float, level: str, msg: str, fields: Mapping[str, object] | None = None) -> str:
    """One structured log record, as one line of JSON (no trailing newline).

    The object's keys, in this order: ``"ts"`` (a JSON number: ``float(t)``,
    seconds), ``"level"`` (a string, one of ``LEVELS``: ``DEBUG``,
    ``INFO``, ``WARNING``, ``ERROR``, ``CRITICAL``, written as given),
    ``"msg"`` (a string), then the items of ``fields`` in their order.
    ``fields``: None or a dict with str keys other than ``ts``, ``level``
    and ``msg``, whose values are None, bool, int, float, str, or lists,
    tuples (written as arrays) and dicts of these. A NaN or infinite float,
    at any depth, is written as ``null`` (JSON has no NaN). Strings are
    written as UTF-8 text, non-ASCII characters as they are (not as
    ``\\u`` escapes); a newline inside a string is escaped, so the record
    is always one line. Raises ``ValueError`` for a level not in
    ``LEVELS``, a ``msg`` that is not a str, or a reserved or non-str key
    in ``fields``; ``TypeError`` for a value of another type.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}")
    if not isinstance(msg, str):
        raise ValueError("msg must be a str")
    record: dict[str, object] = {"ts": float(t), "level": level, "msg": msg}
    for key, value in (fields or {}).items():
        if not isinstance(key, str) or key in record:
            raise ValueError(f"invalid field name {key!r}")
        record[key] = _finite_or_none(value)
    return json.dumps(record, ensure_ascii=False)


# ---- SLO burn-rate alerts ------------------------------------------------------------------------------------


def _check_slo(slo: float) -> float:
    slo = float(slo)
    if not 0.0 < slo < 1.0:
        raise ValueError("slo must lie strictly between 0 and 1")
    return slo


def burn_rate(error_ratio: float, slo: float) -> float:
    """How fast the error budget burns: ``error_ratio / (1 - slo)``.

    ``slo``: the availability objective, strictly between 0 and 1 (0.999
    allows an error ratio of 0.1 %). ``error_ratio`` in [0, 1]. A burn
    rate of 1 spends exactly the budget over the SLO period; 14.4 spends
    2 % of a 30-day budget in one hour. Raises ``ValueError`` for
    ``slo`` outside (0, 1) or ``error_ratio`` outside [0, 1].
    """
    slo = _check_slo(slo)
    error_ratio = float(error_ratio)
    if not 0.0 <= error_ratio <= 1.0:
        raise ValueError("error_ratio must lie in [0, 1]")
    return error_ratio / (1.0 - slo)


class BurnRateAlerter:
    """Multi-window, multi-burn-rate SLO alerts (Google SRE workbook, "Alerting on SLOs").

    ``slo``: strictly between 0 and 1. ``rules``: a non-empty sequence of
    ``(long_window_s, short_window_s, factor)`` triples with
    ``0 < short_window_s <= long_window_s`` and ``factor > 0``; the
    default ``SRE_RULES`` pages at 14.4x over 1 h and 5 min, and at 6x over
    6 h and 30 min. Raises ``ValueError`` for an invalid ``slo`` or rule.

    Traffic is recorded as counts at times ``t`` (``record``). A window of
    ``w`` seconds at time ``now`` holds the counts recorded at
    ``now - w < t <= now`` (as ``SlidingWindow``); its error ratio is
    ``errors / total`` summed over those records (0.0 when the total is
    0), and its burn rate is ``burn_rate(error ratio, slo)``. A rule
    FIRES at ``now`` when the burn rates of BOTH its long and its short
    window are strictly greater than ``factor``: the long window proves
    the budget is really burning, the short one that it still is (so the
    alert resets soon after the incident ends). Time never goes backwards
    (module docstring).
    """

    def __init__(self, slo: float, rules: Sequence[tuple[float, float, float]] = SRE_RULES) -> None:
        self.slo = _check_slo(slo)
        checked = []
        for rule in rules:
            long_s, short_s, factor = (float(x) for x in rule)
            if not (0 < short_s <= long_s and factor > 0 and math.isfinite(long_s)):
                raise ValueError(f"invalid rule {rule!r}")
            checked.append((long_s, short_s, factor))
        if not checked:
            raise ValueError("at least one rule is needed")
        self.rules = tuple(checked)
        self._times: list[float] = []
        self._totals = [0]        # cumulative sums: _totals[i] = total of the first i records
        self._errors = [0]
        self._now = -math.inf

    def _advance(self, now: float) -> float:
        now = float(now)
        if not now >= self._now:
            raise ValueError("time went backwards")
        self._now = now
        return now

    def record(self, t: float, total: int, errors: int) -> None:
        """Record ``total`` requests, ``errors`` of them failed, at time ``t``.

        ``total`` and ``errors`` are ints with ``0 <= errors <= total``,
        else ``ValueError`` (also for ``t`` earlier than the latest time
        given). Returns None.
        """
        total, errors = int(total), int(errors)
        if not 0 <= errors <= total:
            raise ValueError("need 0 <= errors <= total")
        self._times.append(self._advance(t))
        self._totals.append(self._totals[-1] + total)
        self._errors.append(self._errors[-1] + errors)

    def _window_burn(self, now: float, window_s: float) -> float:
        first = bisect.bisect_right(self._times, now - window_s)
        total = self._totals[-1] - self._totals[first]
        errors = self._errors[-1] - self._errors[first]
        return burn_rate(errors / total if total else 0.0, self.slo)

    def evaluate(self, now: float) -> list[dict]:
        """The state of every rule at time ``now``, in the order of ``rules``.

        One dict per rule with keys ``"long_window_s"``,
        ``"short_window_s"``, ``"factor"`` (floats, the rule's),
        ``"long_burn_rate"``, ``"short_burn_rate"`` (floats, the burn
        rates of the two windows at ``now``) and ``"firing"`` (a bool).
        """
        now = self._advance(now)
        states = []
        for long_s, short_s, factor in self.rules:
            long_rate = self._window_burn(now, long_s)
            short_rate = self._window_burn(now, short_s)
            states.append({
                "long_window_s": long_s,
                "short_window_s": short_s,
                "factor": factor,
                "long_burn_rate": long_rate,
                "short_burn_rate": short_rate,
                "firing": bool(long_rate > factor and short_rate > factor),
            })
        return states

    def firing(self, now: float) -> bool:
        """True when at least one rule fires at ``now`` (see ``evaluate``)."""
        return any(state["firing"] for state in self.evaluate(now))
