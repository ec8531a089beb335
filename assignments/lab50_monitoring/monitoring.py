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

from collections.abc import Mapping, Sequence

import numpy as np

DEFAULT_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0)
SRE_RULES = ((3600.0, 300.0, 14.4), (21600.0, 1800.0, 6.0))
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


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
    raise NotImplementedError("TODO: sort, then interpolate linearly between the two nearest ranks")


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
        raise NotImplementedError("TODO: check window_s, keep the requests in time order and the latest time seen")

    def record(self, t: float, latency_s: float, tokens: int = 0, status: int = 200) -> None:
        """Record one request that completed at time ``t``.

        ``latency_s``: its latency, a finite float >= 0. ``tokens``: the
        tokens it generated, an int >= 0. ``status``: its HTTP status code
        (an int in [100, 599]). Raises ``ValueError`` for a negative or
        non-finite latency, negative tokens, a status outside [100, 599],
        or ``t`` earlier than the latest time given. Returns None.
        """
        raise NotImplementedError("TODO: validate, then append (t, latency, tokens, failed)")

    def count(self, now: float) -> int:
        """The number of requests in the window at time ``now`` (an int)."""
        raise NotImplementedError("TODO: drop the requests that left the window, count the rest")

    def percentile(self, q: float, now: float) -> float:
        """The ``q``-th percentile of the latencies in the window at ``now`` (method of ``percentile``).

        ``q`` in [0, 100], else ``ValueError``. Returns ``nan`` when the
        window is empty.
        """
        raise NotImplementedError("TODO: the linear percentile of the latencies in the window (nan if empty)")

    def tokens_per_second(self, now: float) -> float:
        """Throughput: the tokens of the requests in the window at ``now``, divided by ``window_s``.

        Always divided by the full ``window_s``, even before ``window_s``
        seconds of traffic have been seen. 0.0 for an empty window.
        """
        raise NotImplementedError("TODO: tokens in the window / window_s")

    def error_rate(self, now: float) -> float:
        """The fraction of the requests in the window at ``now`` that failed.

        A request failed when its status is a server error, 500 to 599;
        1xx-4xx are not errors (a 4xx is the client's mistake). Returns
        ``errors / count`` in [0, 1], and 0.0 for an empty window.
        """
        raise NotImplementedError("TODO: 5xx requests / requests in the window (0.0 if empty)")


class Counter:
    """A monotonically increasing count (requests served, tokens generated).

    Made by ``Registry.counter``. Exposed as ``<name>_total`` (see
    ``Registry.exposition``). Each label set has its own value, starting
    at 0.0.
    """

    def __init__(self, name: str, documentation: str, labelnames: Sequence[str] = ()) -> None:
        """Use ``Registry.counter`` (its docstring gives the arguments and errors)."""
        raise NotImplementedError("TODO: check the names, keep one value per label set")

    def inc(self, amount: float = 1.0, labels: Mapping[str, str] | None = None) -> None:
        """Add ``amount`` (a finite number >= 0) to the value of the label set ``labels``.

        ``labels``: a dict giving a value (str, or anything ``str()``
        turns into one) for exactly the metric's label names; None or
        ``{}`` for a metric without labels. Raises ``ValueError`` for a
        negative or non-finite amount, or labels that are missing, extra
        or unknown. Returns None.
        """
        raise NotImplementedError("TODO: add a non-negative amount to the label set's value")

    def value(self, labels: Mapping[str, str] | None = None) -> float:
        """The current value for ``labels`` (0.0 for a label set never used). ``ValueError`` as ``inc``."""
        raise NotImplementedError("TODO: the label set's value")


class Gauge:
    """A value that goes up and down (requests in flight, GPU memory in use).

    Made by ``Registry.gauge``. Each label set starts at 0.0.
    """

    def __init__(self, name: str, documentation: str, labelnames: Sequence[str] = ()) -> None:
        """Use ``Registry.gauge`` (its docstring gives the arguments and errors)."""
        raise NotImplementedError("TODO: check the names, keep one value per label set")

    def set(self, value: float, labels: Mapping[str, str] | None = None) -> None:
        """Set the value for ``labels`` (any float, infinities and NaN included). ``labels`` as ``Counter.inc``."""
        raise NotImplementedError("TODO: set the label set's value")

    def inc(self, amount: float = 1.0, labels: Mapping[str, str] | None = None) -> None:
        """Add ``amount`` (any float; negative to decrease) to the value for ``labels``."""
        raise NotImplementedError("TODO: add to the label set's value")

    def value(self, labels: Mapping[str, str] | None = None) -> float:
        """The current value for ``labels`` (0.0 for a label set never used)."""
        raise NotImplementedError("TODO: the label set's value")


class Histogram:
    """Counts of observations in cumulative buckets, with their sum and count (latencies, prompt lengths).

    Made by ``Registry.histogram``. ``upper_bounds`` are the bucket bounds
    in increasing order, always ending with ``math.inf``. Buckets are
    INCLUSIVE of their upper bound: an observation ``v`` counts in every
    bucket with ``v <= le`` (so a value equal to a bound is in that
    bucket), and every observation is in the ``+Inf`` bucket.
    """

    def __init__(
        self,
        name: str,
        documentation: str,
        labelnames: Sequence[str] = (),
        buckets: Sequence[float] = DEFAULT_BUCKETS,
    ) -> None:
        """Use ``Registry.histogram`` (its docstring gives the arguments and errors)."""
        raise NotImplementedError("TODO: check and complete the bounds (+Inf), keep per-bucket counts and a sum per label set")

    def observe(self, value: float, labels: Mapping[str, str] | None = None) -> None:
        """Count one observation ``value`` (a float, not NaN; ±inf allowed) for ``labels``.

        Raises ``ValueError`` for NaN, or labels as ``Counter.inc``.
        Returns None.
        """
        raise NotImplementedError("TODO: count the value in the first bucket with value <= le, add it to the sum")

    def buckets(self, labels: Mapping[str, str] | None = None) -> list[tuple[float, int]]:
        """The CUMULATIVE buckets for ``labels``: ``[(le, count of observations <= le), ...]``.

        One pair per upper bound, in increasing order, the last one
        ``(math.inf, total count)``; counts are ints and never decrease
        along the list. All zero for a label set never used.
        """
        raise NotImplementedError("TODO: cumulative (le, count) pairs")

    def sum(self, labels: Mapping[str, str] | None = None) -> float:
        """The sum of the observed values for ``labels`` (0.0 if none)."""
        raise NotImplementedError("TODO: the sum of the observations")

    def count(self, labels: Mapping[str, str] | None = None) -> int:
        """The number of observations for ``labels`` (an int; equals the ``+Inf`` bucket)."""
        raise NotImplementedError("TODO: the number of observations")


class Registry:
    """A set of metrics with distinct names, and their Prometheus text exposition."""

    def __init__(self) -> None:
        raise NotImplementedError("TODO: an empty, ordered set of metrics")

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
        raise NotImplementedError("TODO: create, check the name is free, register")

    def gauge(self, name: str, documentation: str, labelnames: Sequence[str] = ()) -> Gauge:
        """Create, register and return a ``Gauge`` (names and errors as ``counter``)."""
        raise NotImplementedError("TODO: create, check the name is free, register")

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
        raise NotImplementedError("TODO: create, check the name is free, register")

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
        raise NotImplementedError("TODO: HELP, TYPE and escaped sample lines for every metric")


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
    raise NotImplementedError("TODO: build the ordered dict, turn NaN/inf into None, json.dumps on one line")


def burn_rate(error_ratio: float, slo: float) -> float:
    """How fast the error budget burns: ``error_ratio / (1 - slo)``.

    ``slo``: the availability objective, strictly between 0 and 1 (0.999
    allows an error ratio of 0.1 %). ``error_ratio`` in [0, 1]. A burn
    rate of 1 spends exactly the budget over the SLO period; 14.4 spends
    2 % of a 30-day budget in one hour. Raises ``ValueError`` for
    ``slo`` outside (0, 1) or ``error_ratio`` outside [0, 1].
    """
    raise NotImplementedError("TODO: error_ratio / (1 - slo)")


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
        raise NotImplementedError("TODO: check slo and rules, keep the records (cumulative sums make windows cheap)")

    def record(self, t: float, total: int, errors: int) -> None:
        """Record ``total`` requests, ``errors`` of them failed, at time ``t``.

        ``total`` and ``errors`` are ints with ``0 <= errors <= total``,
        else ``ValueError`` (also for ``t`` earlier than the latest time
        given). Returns None.
        """
        raise NotImplementedError("TODO: validate and store the counts at time t")

    def evaluate(self, now: float) -> list[dict]:
        """The state of every rule at time ``now``, in the order of ``rules``.

        One dict per rule with keys ``"long_window_s"``,
        ``"short_window_s"``, ``"factor"`` (floats, the rule's),
        ``"long_burn_rate"``, ``"short_burn_rate"`` (floats, the burn
        rates of the two windows at ``now``) and ``"firing"`` (a bool).
        """
        raise NotImplementedError("TODO: burn rates of both windows of every rule; fire when both exceed the factor")

    def firing(self, now: float) -> bool:
        """True when at least one rule fires at ``now`` (see ``evaluate``)."""
        raise NotImplementedError("TODO: any rule firing")

