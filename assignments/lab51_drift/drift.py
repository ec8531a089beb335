"""Lab 51: detecting and handling drift.

A deployed model sees data that slowly (or suddenly) stops looking like the
data it was trained on. This module measures that drift and acts on it:

* on one numeric feature (a score, a prompt length, an embedding
  coordinate): the population stability index over stated bins
  (``bin_edges``, ``psi``) and the two-sample Kolmogorov-Smirnov test
  (``ks_test``, equal to ``scipy.stats.ks_2samp``);
* on two discrete distributions (histograms, token frequencies): KL and
  Jensen-Shannon divergences (``kl_divergence``, ``js_divergence``, equal
  to ``scipy.stats.entropy`` and ``scipy.spatial.distance.jensenshannon``
  squared);
* on embeddings: the maximum mean discrepancy with an RBF kernel and its
  permutation test (``mmd2``, ``mmd_test``);
* on text: the out-of-vocabulary rate and a test of its increase
  (``tokenize``, ``oov_rate``, ``oov_drift``);
* on a stream: the Page-Hinkley change detector (``PageHinkley``);
* acting on it: a retraining trigger with patience and cooldown
  (``RetrainingTrigger``), and online mean / variance updates that stay
  exact on large-magnitude data (``RunningStats``).

Conventions. "A sample" is a non-empty 1-D list, tuple or numpy array of
finite real numbers (ints, floats or bools); anything else (empty, 2-D, a
scalar, a NaN or an infinity) raises ``ValueError``. Results are Python
floats (or numpy float64 scalars). ``scipy.stats.ks_2samp``,
``scipy.stats.kstest``, ``scipy.stats.entropy`` and
``scipy.spatial.distance`` may not be used in this file (a code check takes
points off); ``scipy.special`` and the distributions of ``scipy.stats``
(``scipy.stats.kstwo``, ``scipy.stats.norm``) may.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np


def bin_edges(reference: Sequence[float] | np.ndarray, n_bins: int = 10, strategy: str = "quantile") -> np.ndarray:
    """The interior bin edges that ``psi`` uses, computed from the reference sample only.

    ``strategy="quantile"``: the quantiles of ``reference`` at the levels
    ``k / n_bins`` for ``k = 1 .. n_bins - 1`` (``numpy.quantile``'s default
    "linear" method), so each bin holds about the same share of the
    reference. ``strategy="uniform"``: ``n_bins - 1`` equally spaced points
    strictly between ``min(reference)`` and ``max(reference)``
    (``numpy.linspace(min, max, n_bins + 1)[1:-1]``; none when the
    reference is constant).

    Repeated edges are merged (``numpy.unique``), so a reference with many
    equal values gives fewer bins. The outer bins are open: the first bin
    is ``(-inf, edges[0])``, the last ``[edges[-1], +inf)``, so every value
    of any sample falls into one of ``len(edges) + 1`` bins. Returns a
    sorted float64 array of distinct values, possibly empty (one bin:
    ``n_bins=1`` or a constant reference).

    Raises ``ValueError`` if ``reference`` is not a sample (see the module
    docstring), if ``n_bins`` is not an int >= 1 (bools are not ints here),
    or if ``strategy`` is not "quantile" or "uniform".
    """
    raise NotImplementedError("TODO: the interior edges from the reference's quantiles or its range")


def psi(
    reference: Sequence[float] | np.ndarray,
    current: Sequence[float] | np.ndarray,
    n_bins: int = 10,
    strategy: str = "quantile",
    eps: float = 1e-4,
) -> float:
    """The population stability index of ``current`` against ``reference``.

    The bins are ``bin_edges(reference, n_bins, strategy)`` (from the
    reference only). A value ``v`` falls into bin ``i`` when
    ``edges[i - 1] <= v < edges[i]`` (bins closed on the LEFT: a value equal
    to an edge belongs to the bin on its right; ``numpy.searchsorted(edges,
    v, side="right")`` is its index). With ``r_i`` and ``c_i`` the fractions
    of the reference and of the current sample in bin ``i``, each floored at
    ``eps`` (``max(r_i, eps)``, with no renormalisation afterwards), the
    result is

        PSI = sum_i (c_i - r_i) * ln(c_i / r_i)

    (natural log). It is >= 0, 0 when both samples fill the bins in the
    same proportions, and always finite: an empty bin counts as ``eps``
    instead of giving an infinite log. Rule of thumb: < 0.1 stable, 0.1 to
    0.25 moderate shift, > 0.25 major shift.

    Raises ``ValueError`` when ``bin_edges`` would, when ``current`` is not
    a sample, or when ``eps`` is not > 0.
    """
    raise NotImplementedError("TODO: bin both samples on the reference's edges, floor at eps, sum (c - r) ln(c / r)")


def kl_divergence(p: Sequence[float] | np.ndarray, q: Sequence[float] | np.ndarray, base: float | None = None) -> float:
    """The Kullback-Leibler divergence ``KL(p || q) = sum_i p_i log(p_i / q_i)``.

    ``p`` and ``q``: 1-D arrays (lists, tuples) of the same length holding
    non-negative finite numbers with a positive sum: counts or
    probabilities. Each is first normalised to sum to 1. Terms with
    ``p_i = 0`` are 0 (``0 log 0 = 0``, whatever ``q_i``); a ``p_i > 0`` with
    ``q_i = 0`` makes the result ``inf``. ``base``: None for the natural
    log (nats), else the log base (2 gives bits); it must be > 0 and != 1.
    Equal to ``scipy.stats.entropy(p, q, base=base)``.

    Raises ``ValueError`` for inputs that are empty, not 1-D, of different
    lengths, negative, not finite or summing to 0, and for a bad ``base``.
    """
    raise NotImplementedError("TODO: normalise, sum p log(p / q) with 0 log 0 = 0, divide by log(base)")


def js_divergence(p: Sequence[float] | np.ndarray, q: Sequence[float] | np.ndarray, base: float | None = None) -> float:
    """The Jensen-Shannon divergence ``JS(p, q) = (KL(p || m) + KL(q || m)) / 2`` with ``m = (p + q) / 2``.

    Inputs and ``base`` as in ``kl_divergence`` (both are normalised first).
    Symmetric, always finite, 0 for equal distributions, at most ``log(2)``
    in the chosen base (so at most 1 with ``base=2``). This is the
    DIVERGENCE: ``scipy.spatial.distance.jensenshannon`` returns its square
    root (the JS distance), so the result equals
    ``jensenshannon(p, q, base=base) ** 2``.

    Raises ``ValueError`` as ``kl_divergence`` does.
    """
    raise NotImplementedError("TODO: the mean KL of p and q to their midpoint m")


def ks_test(
    reference: Sequence[float] | np.ndarray,
    current: Sequence[float] | np.ndarray,
    alternative: str = "two-sided",
    method: str = "exact",
) -> tuple[float, float]:
    """The two-sample Kolmogorov-Smirnov test: ``(statistic, pvalue)``, equal to ``scipy.stats.ks_2samp``.

    With ``F1`` and ``F2`` the empirical CDFs of ``reference`` (size ``n1``)
    and ``current`` (size ``n2``), right-continuous (``F(v)`` counts the
    values ``<= v``) and compared at every value of both samples:

    * ``alternative="two-sided"``: ``D = max |F1 - F2|``;
    * ``"greater"``: ``D+ = max(F1 - F2)`` (the alternative says the
      reference's CDF lies above the current one's somewhere: current
      values tend to be LARGER);
    * ``"less"``: ``D- = max(F2 - F1)`` (current values tend to be smaller).

    A one-sided statistic is never negative (clip at 0). Ties are allowed.

    ``method="exact"``: the statistic is rounded to the lattice,
    ``h = round(D * L)``, ``D = h / L`` with ``L = lcm(n1, n2)``, and the
    p-value is the probability that, among all ``C(n1 + n2, n1)`` equally
    likely interleavings of the two samples (a lattice path from (0, 0) to
    (n1, n2), i.e. steps in ``i`` for a reference value and in ``j`` for a
    current value), the path touches the boundary ``i / n1 - j / n2 >= D``
    (one-sided, either direction: both have the same null distribution) or
    ``|i / n1 - j / n2| >= D`` (two-sided). ``h = 0`` gives p-value 1. Meant
    for ``n1 * n2`` up to about ``10**6``.

    ``method="asymp"``: the statistic is not rounded; with ``m >= n`` the
    two sizes sorted and ``en = m n / (m + n)``, the two-sided p-value is
    ``scipy.stats.kstwo.sf(D, round(en))`` and the one-sided one is
    ``exp(-2 z**2 - 2 z (m + 2 n) / sqrt(m n (m + n)) / 3)`` with
    ``z = sqrt(en) D`` (Hodges' approximation).

    The p-value is clipped to [0, 1]. Both results agree with
    ``scipy.stats.ks_2samp(reference, current, alternative, method)`` to
    1e-9 (the p-value to a relative 1e-7 or an absolute 1e-12).

    Raises ``ValueError`` if either input is not a sample, or for an
    ``alternative`` or ``method`` not listed.
    """
    raise NotImplementedError("TODO: the ECDF difference, then the exact lattice-path or the asymptotic p-value")


def mmd2(
    X: Sequence[Sequence[float]] | np.ndarray,
    Y: Sequence[Sequence[float]] | np.ndarray,
    bandwidth: float | None = None,
    unbiased: bool = True,
) -> float:
    """The squared maximum mean discrepancy between two sets of embeddings, with an RBF kernel.

    ``X`` of shape ``(n, d)`` and ``Y`` of shape ``(m, d)``: 2-D arrays (or
    nested lists) of finite numbers, same ``d``. The kernel is
    ``k(a, b) = exp(-||a - b||**2 / (2 * bandwidth**2))``. ``bandwidth``: a
    finite float > 0, or None for the median heuristic: the median of the
    Euclidean distances ``||z_i - z_j||`` over all pairs ``i < j`` of the
    pooled rows (X then Y); if that median is 0, the bandwidth is 1.0.

    ``unbiased=False``: the biased (V-statistic) estimate
    ``mean(K_XX) + mean(K_YY) - 2 mean(K_XY)``, diagonals included; it is
    >= 0. ``unbiased=True`` (default): the unbiased (U-statistic) estimate,
    where the within-set means leave out the diagonal
    (``sum_{i != j} k(x_i, x_j) / (n (n - 1))``, the same for Y) and the
    cross term is the full mean; it can be slightly negative.

    The result must stay accurate (1e-9) when the embeddings share a large
    offset (every coordinate near 1e6): the kernel depends on differences
    only, so compute distances in a way that does not cancel
    catastrophically (e.g. centre the pooled data first).

    Raises ``ValueError`` for inputs that are not 2-D, empty, not finite or
    of different widths, for a bandwidth that is not a finite float > 0,
    and, with ``unbiased=True``, when X or Y has fewer than 2 rows.
    """
    raise NotImplementedError("TODO: the RBF kernel on the pooled rows, then the biased or unbiased estimate")


def mmd_test(
    X: Sequence[Sequence[float]] | np.ndarray,
    Y: Sequence[Sequence[float]] | np.ndarray,
    n_permutations: int = 200,
    bandwidth: float | None = None,
    unbiased: bool = True,
    seed: int = 0,
    permutations: Sequence[Sequence[int]] | np.ndarray | None = None,
) -> tuple[float, float]:
    """A permutation test of "X and Y come from the same distribution": ``(mmd2, pvalue)``.

    ``mmd2`` is ``mmd2(X, Y, bandwidth, unbiased)``. The bandwidth, when
    None, is the median heuristic computed ONCE on the pooled rows ``Z``
    (X then Y, ``n + m`` rows) and kept for every permutation. A permutation
    ``pi`` (a rearrangement of ``0 .. n + m - 1``) gives the statistic of
    ``X' = Z[pi[:n]]`` against ``Y' = Z[pi[n:]]``. With ``B`` permutations,
    of which ``b`` give a statistic ``>= mmd2 - 1e-12`` (the slack makes
    permutations that only reorder rows within X and within Y count, as
    they should, despite rounding),

        pvalue = (1 + b) / (1 + B),

    never 0, and uniformly distributed over ``{1/(B+1), ..., 1}`` under the
    null hypothesis when the data have no ties.

    ``permutations``: None to draw ``B = n_permutations`` independent
    uniform permutations with ``numpy.random.default_rng(seed)`` (the same
    seed gives the same p-value; different seeds give independent tests),
    or a sequence of index permutations to use exactly (then ``B`` is their
    number and ``n_permutations`` and ``seed`` are ignored).

    Raises ``ValueError`` as ``mmd2`` does, when ``n_permutations`` is not
    an int >= 1 (with ``permutations=None``), and when ``permutations`` is
    empty or holds anything that is not a permutation of
    ``0 .. n + m - 1``.
    """
    raise NotImplementedError("TODO: the observed statistic and its rank among permuted ones")


def tokenize(text: str) -> list[str]:
    """The tokens of ``text``: ``re.findall(r"\\w+", text.lower())``.

    Lowercased runs of Unicode word characters (letters, digits,
    underscore); punctuation and whitespace separate tokens and are dropped
    ("Don't!" gives ``["don", "t"]``, "Café" gives ``["café"]``). Raises
    ``ValueError`` if ``text`` is not a str.
    """
    raise NotImplementedError("TODO: lowercase, then runs of word characters")


def oov_rate(texts: Sequence[str], vocab: Iterable[str]) -> float:
    """The out-of-vocabulary rate: the share of tokens of ``texts`` that are not in ``vocab``.

    ``texts``: a list or tuple of str, each split with ``tokenize``; the
    rate is counted over all their tokens together (a long text weighs
    more than a short one). ``vocab``: any iterable of str (set, list,
    dict keys); tokens are lowercase, vocab entries are compared as given
    (an entry with a capital letter never matches). Returns a float in
    [0, 1].

    Raises ``ValueError`` when ``texts`` is a single str (not a list of
    them), holds a non-str, or holds no token at all.
    """
    raise NotImplementedError("TODO: count the tokens not in vocab")


def oov_drift(
    reference_texts: Sequence[str],
    current_texts: Sequence[str],
    vocab: Iterable[str],
    alpha: float = 0.01,
) -> dict[str, float | bool]:
    """Has the OOV rate gone UP? A one-sided two-proportion z-test on token counts.

    With ``k1`` OOV tokens out of ``n1`` in ``reference_texts`` and ``k2``
    out of ``n2`` in ``current_texts`` (counted as in ``oov_rate``),
    ``p1 = k1 / n1``, ``p2 = k2 / n2``, the pooled rate
    ``p = (k1 + k2) / (n1 + n2)`` and
    ``z = (p2 - p1) / sqrt(p (1 - p) (1 / n1 + 1 / n2))``; the p-value is
    ``P(N(0, 1) >= z)`` (one-sided: a FALL in the OOV rate is not drift).
    When ``p`` is 0 or 1 there is no variation: ``z = 0.0`` and
    ``pvalue = 1.0``.

    Returns ``{"reference_rate": p1, "current_rate": p2, "z": z,
    "pvalue": pvalue, "drift": pvalue < alpha}`` (floats and a bool).

    Raises ``ValueError`` as ``oov_rate`` does (for either list of texts)
    and when ``alpha`` is not strictly between 0 and 1.
    """
    raise NotImplementedError("TODO: a one-sided two-proportion z-test")


class PageHinkley:
    """The Page-Hinkley test for a change in the mean of a stream.

    ``delta`` (>= 0): the size of change tolerated (a drift allowance);
    ``threshold`` (> 0): the alarm level ``lambda``; ``min_instances``
    (int >= 1): no alarm before that many values since the last reset;
    ``direction``: "increase", "decrease" or "both" (which changes to
    detect). Raises ``ValueError`` for values out of these ranges.

    State (all 0 at the start and after each alarm): ``n`` values seen,
    their running mean ``mean``, and for each direction a cumulative sum and
    its running minimum, both starting at 0. ``update(x)`` does, in order:

    1. ``n += 1``; ``mean += (x - mean) / n`` (the mean INCLUDING ``x``);
    2. ``s_inc += x - mean - delta``; ``min_inc = min(min_inc, s_inc)``;
    3. ``s_dec += mean - x - delta``; ``min_dec = min(min_dec, s_dec)``;
    4. the statistic of a direction is ``s - min`` (>= 0);
       ``statistic`` is that of the watched direction ("both": the larger);
    5. alarm when ``n >= min_instances`` and ``statistic > threshold``: the
       whole state is reset to its start and ``update`` returns True;
       otherwise it returns False.
    """

    def __init__(self, delta: float = 0.005, threshold: float = 50.0, min_instances: int = 30,
                 direction: str = "increase") -> None:
        raise NotImplementedError("TODO: set up the state described in the class docstring")

    @property
    def statistic(self) -> float:
        """The current Page-Hinkley statistic of the watched direction(s) (0.0 after a reset)."""
        raise NotImplementedError("TODO: s - min of the watched direction(s)")

    def update(self, x: float) -> bool:
        """Feed one value (a finite real number); True when it raises an alarm (the state is then reset).

        Raises ``ValueError`` for a value that is not finite.
        """
        raise NotImplementedError("TODO: steps 1-5 of the class docstring")

    def run(self, values: Sequence[float] | np.ndarray) -> list[int]:
        """Feed every value of ``values`` in order; the positions (0-based, within ``values``) that raised an alarm.

        The detector keeps its state across calls (a stream can arrive in
        chunks: two ``run`` calls give the same alarms as one ``run`` of the
        concatenation, positions counted within each call). Raises
        ``ValueError`` for a value that is not finite (the values before it
        have been fed).
        """
        raise NotImplementedError("TODO: update on each value, collect the alarm positions")


class RetrainingTrigger:
    """Decides, window after window of production data, when to retrain.

    ``reference``: the sample the current model was trained on (a sample:
    see the module docstring). For each new window, ``check`` computes
    ``psi(reference, window, n_bins)`` (quantile bins, default ``eps``) and
    the two-sided ``ks_test(reference, window, method="asymp")`` p-value;
    the window shows drift when ``psi > psi_threshold`` or
    ``ks_pvalue < ks_alpha``.

    A single drifting window is often noise, and retraining is costly, so:

    * ``patience`` (int >= 1): retrain only after that many CONSECUTIVE
      drifting windows (the current one included); a window without drift
      resets the count to 0;
    * ``cooldown`` (int >= 0): after a retrain, the next ``cooldown``
      windows never retrain (they are checked and still count towards
      ``patience``).

    When a window triggers a retrain, the model is retrained on it: that
    window becomes the new ``reference`` and the consecutive count restarts
    at 0. Raises ``ValueError`` for a ``reference`` that is not a sample,
    ``psi_threshold`` not > 0, ``ks_alpha`` not in (0, 1), or
    ``patience``/``cooldown``/``n_bins`` out of range (``n_bins`` as in
    ``bin_edges``).
    """

    def __init__(self, reference: Sequence[float] | np.ndarray, psi_threshold: float = 0.2, ks_alpha: float = 0.01,
                 patience: int = 2, cooldown: int = 3, n_bins: int = 10) -> None:
        raise NotImplementedError("TODO: set up the state described in the class docstring")

    def check(self, window: Sequence[float] | np.ndarray) -> dict[str, float | bool]:
        """Check one window (a sample); returns ``{"psi": float, "ks_pvalue": float, "drift": bool, "retrain": bool}``.

        Raises ``ValueError`` for a window that is not a sample (the state
        is then unchanged).
        """
        raise NotImplementedError("TODO: psi and KS p-value, drift, patience, cooldown, new reference")


class RunningStats:
    """The running count, mean and variance of a stream, updated online (Welford / Chan et al.).

    Keeps ``count``, ``mean`` and ``m2`` (the sum of squared deviations from
    the mean), never the raw sum of squares: ``E[x^2] - E[x]^2`` cancels
    catastrophically when the values are large (1e9 + small noise), and the
    results here must equal ``numpy.mean`` / ``numpy.var`` on such data (a
    relative 1e-6 for the variance). A new object has ``count == 0``.
    """

    def __init__(self) -> None:
        raise NotImplementedError("TODO: set up the state described in the class docstring")

    @property
    def mean(self) -> float:
        """The mean of the values seen; ``nan`` when none was."""
        raise NotImplementedError("TODO: the running mean, nan when empty")

    def variance(self, ddof: int = 0) -> float:
        """``m2 / (count - ddof)`` (``ddof=0``: population, ``1``: sample variance); ``nan`` when ``count <= ddof``.

        Raises ``ValueError`` when ``ddof`` is not an int >= 0.
        """
        raise NotImplementedError("TODO: m2 / (count - ddof)")

    def update(self, x: float) -> None:
        """Add one value (Welford's update). Raises ``ValueError`` if it is not finite."""
        raise NotImplementedError("TODO: Welford's update")

    def update_batch(self, values: Sequence[float] | np.ndarray) -> None:
        """Add a batch of values at once: the same result as ``update`` on each, to rounding.

        ``values``: a 1-D list, tuple or array of finite numbers; an empty
        batch changes nothing. Merge the batch's own count, mean and m2
        (computed around the batch mean) with the running ones (Chan et
        al.: ``delta = mean_b - mean``, ``m2 += m2_b + delta**2 n n_b /
        (n + n_b)``). Raises ``ValueError`` for a batch that is not 1-D or
        holds a non-finite value (the state is then unchanged).
        """
        raise NotImplementedError("TODO: merge the batch's count, mean and m2 (Chan et al.)")
