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

import math
import re
from collections.abc import Iterable, Sequence

import numpy as np
from scipy import special
from scipy.stats import kstwo, norm

_TOKEN = re.compile(r"\w+")


def _sample(x, name: str) -> np.ndarray:
    arr = np.asarray(x)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D sample")
    if arr.dtype.kind not in "biuf":
        raise ValueError(f"{name} must hold real numbers")
    arr = arr.astype(np.float64)
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite")
    return arr


# ---- binned drift: PSI -------------------------------------------------------------------------------------------


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
    ref = _sample(reference, "reference")
    if isinstance(n_bins, bool) or not isinstance(n_bins, (int, np.integer)) or n_bins < 1:
        raise ValueError("n_bins must be an int >= 1")
    if strategy == "quantile":
        edges = np.quantile(ref, np.arange(1, n_bins) / n_bins)
    elif strategy == "uniform":
        edges = np.linspace(ref.min(), ref.max(), n_bins + 1)[1:-1] if ref.max() > ref.min() else np.empty(0)
    else:
        raise ValueError("strategy must be 'quantile' or 'uniform'")
    return np.unique(edges)


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
    edges = bin_edges(reference, n_bins, strategy)
    ref, cur = _sample(reference, "reference"), _sample(current, "current")
    if not eps > 0:
        raise ValueError("eps must be > 0")
    k = len(edges) + 1
    r = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=k) / ref.size
    c = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=k) / cur.size
    r, c = np.maximum(r, eps), np.maximum(c, eps)
    return float(np.sum((c - r) * np.log(c / r)))


# ---- KL and Jensen-Shannon ---------------------------------------------------------------------------------------


def _distribution(p, name: str) -> np.ndarray:
    arr = np.asarray(p)
    if arr.ndim != 1 or arr.size == 0 or arr.dtype.kind not in "biuf":
        raise ValueError(f"{name} must be a non-empty 1-D array of numbers")
    arr = arr.astype(np.float64)
    if not np.isfinite(arr).all() or (arr < 0).any() or arr.sum() <= 0:
        raise ValueError(f"{name} must be finite, non-negative, with a positive sum")
    return arr / arr.sum()


def _pair(p, q) -> tuple[np.ndarray, np.ndarray]:
    p, q = _distribution(p, "p"), _distribution(q, "q")
    if p.shape != q.shape:
        raise ValueError("p and q must have the same length")
    return p, q


def _check_base(base: float | None) -> float:
    if base is None:
        return 1.0
    if not (base > 0 and base != 1):
        raise ValueError("base must be > 0 and != 1")
    return math.log(base)


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
    p, q = _pair(p, q)
    scale = _check_base(base)
    return float(np.sum(special.rel_entr(p, q)) / scale)


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
    p, q = _pair(p, q)
    scale = _check_base(base)
    m = (p + q) / 2
    return float((np.sum(special.rel_entr(p, m)) + np.sum(special.rel_entr(q, m))) / 2 / scale)


# ---- the two-sample Kolmogorov-Smirnov test ----------------------------------------------------------------------


def _ks_exact_sf(n1: int, n2: int, h: int, two_sided: bool) -> float:
    """P(statistic >= h / lcm) under H0: the share of lattice paths that touch the boundary."""
    bound = h * math.gcd(n1, n2)          # i / n1 - j / n2 >= D  <=>  i * n2 - j * n1 >= bound
    total = n1 + n2
    i = np.arange(n1 + 1)
    # prob[i]: probability that a random path reaches (i, k - i) without touching the boundary
    prob = np.zeros(n1 + 1)
    prob[0] = 1.0                         # with h = 0 the end (n1, n2) is outside: p = 1
    for k in range(1, total + 1):
        j = k - i
        came_i = np.concatenate([[0.0], prob[:-1]]) * (n1 - i + 1)    # from (i - 1, j): a reference value
        came_j = prob * (n2 - j + 1)                                   # from (i, j - 1): a current value
        prob = (came_i + came_j) / (total - k + 1)
        diff = i * n2 - j * n1
        outside = diff >= bound           # cells off the grid (j < 0 or j > n2) stay 0 by themselves
        if two_sided:
            outside |= diff <= -bound
        prob[outside] = 0.0
    return max(1.0 - float(prob[n1]), 0.0)


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
    x, y = _sample(reference, "reference"), _sample(current, "current")
    if alternative not in ("two-sided", "less", "greater"):
        raise ValueError("alternative must be 'two-sided', 'less' or 'greater'")
    if method not in ("exact", "asymp"):
        raise ValueError("method must be 'exact' or 'asymp'")
    x, y = np.sort(x), np.sort(y)
    n1, n2 = x.size, y.size
    both = np.concatenate([x, y])
    diff = np.searchsorted(x, both, side="right") / n1 - np.searchsorted(y, both, side="right") / n2
    d_plus, d_minus = float(diff.max()), float(-diff.min())      # both >= 0: the last point has diff 0
    d = {"greater": d_plus, "less": d_minus, "two-sided": max(d_plus, d_minus)}[alternative]
    two_sided = alternative == "two-sided"
    if method == "exact":
        lcm = n1 * n2 // math.gcd(n1, n2)
        h = int(round(d * lcm))
        return h / lcm, _ks_exact_sf(n1, n2, h, two_sided)
    m, n = max(n1, n2), min(n1, n2)
    en = m * n / (m + n)
    if two_sided:
        p = float(kstwo.sf(d, round(en)))
    else:
        z = math.sqrt(en) * d
        p = math.exp(-2 * z**2 - 2 * z * (m + 2 * n) / math.sqrt(m * n * (m + n)) / 3.0)
    return d, p


# ---- MMD on embeddings -------------------------------------------------------------------------------------------


def _embeddings(x, name: str) -> np.ndarray:
    arr = np.asarray(x)
    if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] == 0 or arr.dtype.kind not in "biuf":
        raise ValueError(f"{name} must be a non-empty 2-D array (n, d) of numbers")
    arr = arr.astype(np.float64)
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite")
    return arr


def _sq_dists(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.maximum((a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2.0 * a @ b.T, 0.0)


def _median_bandwidth(z: np.ndarray) -> float:
    dists = np.sqrt(_sq_dists(z, z)[np.triu_indices(len(z), k=1)])
    med = float(np.median(dists))
    return med if med > 0 else 1.0


def _prepare(X, Y, bandwidth, unbiased) -> tuple[np.ndarray, int, float]:
    x, y = _embeddings(X, "X"), _embeddings(Y, "Y")
    if x.shape[1] != y.shape[1]:
        raise ValueError("X and Y must have the same number of columns")
    if unbiased and min(len(x), len(y)) < 2:
        raise ValueError("the unbiased estimator needs at least 2 rows in X and in Y")
    z = np.concatenate([x, y])
    z = z - z.mean(axis=0)                # the kernel is translation invariant; centring keeps distances exact
    if bandwidth is None:
        bandwidth = _median_bandwidth(z)
    elif not (bandwidth > 0 and math.isfinite(bandwidth)):
        raise ValueError("bandwidth must be a finite float > 0")
    return z, len(x), float(bandwidth)


def _mmd2_from_kernel(k: np.ndarray, idx_x: np.ndarray, idx_y: np.ndarray, unbiased: bool) -> float:
    kxx, kyy, kxy = k[np.ix_(idx_x, idx_x)], k[np.ix_(idx_y, idx_y)], k[np.ix_(idx_x, idx_y)]
    n, m = len(idx_x), len(idx_y)
    if unbiased:
        xx = (kxx.sum() - np.trace(kxx)) / (n * (n - 1))
        yy = (kyy.sum() - np.trace(kyy)) / (m * (m - 1))
    else:
        xx, yy = kxx.mean(), kyy.mean()
    return float(xx + yy - 2.0 * kxy.mean())


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
    z, n, bw = _prepare(X, Y, bandwidth, unbiased)
    k = np.exp(-_sq_dists(z, z) / (2.0 * bw * bw))
    idx = np.arange(len(z))
    return _mmd2_from_kernel(k, idx[:n], idx[n:], unbiased)


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
    z, n, bw = _prepare(X, Y, bandwidth, unbiased)
    total = len(z)
    if permutations is None:
        if isinstance(n_permutations, bool) or not isinstance(n_permutations, (int, np.integer)) or n_permutations < 1:
            raise ValueError("n_permutations must be an int >= 1")
        rng = np.random.default_rng(seed)
        perms = [rng.permutation(total) for _ in range(n_permutations)]
    else:
        perms = [np.asarray(p) for p in permutations]
        if not perms:
            raise ValueError("permutations must not be empty")
        for p in perms:
            if p.dtype.kind not in "iu" or not np.array_equal(np.sort(p), np.arange(total)):
                raise ValueError("each permutation must rearrange 0 .. n + m - 1")
    k = np.exp(-_sq_dists(z, z) / (2.0 * bw * bw))
    idx = np.arange(total)
    observed = _mmd2_from_kernel(k, idx[:n], idx[n:], unbiased)
    hits = sum(_mmd2_from_kernel(k, p[:n], p[n:], unbiased) >= observed - 1e-12 for p in perms)
    return observed, (1 + hits) / (1 + len(perms))


# ---- OOV-rate drift ----------------------------------------------------------------------------------------------


def tokenize(text: str) -> list[str]:
    """The tokens of ``text``: ``re.findall(r"\\w+", text.lower())``.

    Lowercased runs of Unicode word characters (letters, digits,
    underscore); punctuation and whitespace separate tokens and are dropped
    ("Don't!" gives ``["don", "t"]``, "Café" gives ``["café"]``). Raises
    ``ValueError`` if ``text`` is not a str.
    """
    if not isinstance(text, str):
        raise ValueError("text must be a str")
    return _TOKEN.findall(text.lower())


def _count_oov(texts, vocab) -> tuple[int, int]:
    if isinstance(texts, str) or not isinstance(texts, Iterable):
        raise ValueError("texts must be a list of str, not a single str")
    vocab = set(vocab)
    oov = total = 0
    for text in texts:
        tokens = tokenize(text)
        total += len(tokens)
        oov += sum(t not in vocab for t in tokens)
    if total == 0:
        raise ValueError("the texts hold no token")
    return oov, total


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
    oov, total = _count_oov(texts, vocab)
    return oov / total


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
    if not 0 < alpha < 1:
        raise ValueError("alpha must be in (0, 1)")
    vocab = set(vocab)
    k1, n1 = _count_oov(reference_texts, vocab)
    k2, n2 = _count_oov(current_texts, vocab)
    p1, p2, pooled = k1 / n1, k2 / n2, (k1 + k2) / (n1 + n2)
    if pooled in (0.0, 1.0):
        z, pvalue = 0.0, 1.0
    else:
        z = (p2 - p1) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        pvalue = float(norm.sf(z))
    return {"reference_rate": p1, "current_rate": p2, "z": z, "pvalue": pvalue, "drift": pvalue < alpha}


# ---- streams: Page-Hinkley ---------------------------------------------------------------------------------------


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
        if not delta >= 0 or not threshold > 0:
            raise ValueError("delta must be >= 0 and threshold > 0")
        if isinstance(min_instances, bool) or not isinstance(min_instances, (int, np.integer)) or min_instances < 1:
            raise ValueError("min_instances must be an int >= 1")
        if direction not in ("increase", "decrease", "both"):
            raise ValueError("direction must be 'increase', 'decrease' or 'both'")
        self.delta, self.threshold = float(delta), float(threshold)
        self.min_instances, self.direction = int(min_instances), direction
        self._reset()

    def _reset(self) -> None:
        self.n = 0
        self.mean = 0.0
        self._s_inc = self._min_inc = self._s_dec = self._min_dec = 0.0

    @property
    def statistic(self) -> float:
        """The current Page-Hinkley statistic of the watched direction(s) (0.0 after a reset)."""
        inc, dec = self._s_inc - self._min_inc, self._s_dec - self._min_dec
        return {"increase": inc, "decrease": dec, "both": max(inc, dec)}[self.direction]

    def update(self, x: float) -> bool:
        """Feed one value (a finite real number); True when it raises an alarm (the state is then reset).

        Raises ``ValueError`` for a value that is not finite.
        """
        x = float(x)
        if not math.isfinite(x):
            raise ValueError("x must be finite")
        self.n += 1
        self.mean += (x - self.mean) / self.n
        self._s_inc += x - self.mean - self.delta
        self._min_inc = min(self._min_inc, self._s_inc)
        self._s_dec += self.mean - x - self.delta
        self._min_dec = min(self._min_dec, self._s_dec)
        if self.n >= self.min_instances and self.statistic > self.threshold:
            self._reset()
            return True
        return False

    def run(self, values: Sequence[float] | np.ndarray) -> list[int]:
        """Feed every value of ``values`` in order; the positions (0-based, within ``values``) that raised an alarm.

        The detector keeps its state across calls (a stream can arrive in
        chunks: two ``run`` calls give the same alarms as one ``run`` of the
        concatenation, positions counted within each call). Raises
        ``ValueError`` for a value that is not finite (the values before it
        have been fed).
        """
        return [i for i, x in enumerate(values) if self.update(x)]


# ---- acting on drift: a retraining trigger -----------------------------------------------------------------------


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
        self.reference = _sample(reference, "reference")
        bin_edges(self.reference, n_bins)
        if not psi_threshold > 0 or not 0 < ks_alpha < 1:
            raise ValueError("psi_threshold must be > 0 and ks_alpha in (0, 1)")
        for name, value, low in (("patience", patience, 1), ("cooldown", cooldown, 0)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
                raise ValueError(f"{name} must be an int >= {low}")
        self.psi_threshold, self.ks_alpha = float(psi_threshold), float(ks_alpha)
        self.patience, self.cooldown, self.n_bins = int(patience), int(cooldown), int(n_bins)
        self._streak = 0
        self._blocked = 0             # windows left in the cooldown

    def check(self, window: Sequence[float] | np.ndarray) -> dict[str, float | bool]:
        """Check one window (a sample); returns ``{"psi": float, "ks_pvalue": float, "drift": bool, "retrain": bool}``.

        Raises ``ValueError`` for a window that is not a sample (the state
        is then unchanged).
        """
        window = _sample(window, "window")
        value = psi(self.reference, window, self.n_bins)
        _, pvalue = ks_test(self.reference, window, method="asymp")
        drift = value > self.psi_threshold or pvalue < self.ks_alpha
        self._streak = self._streak + 1 if drift else 0
        retrain = self._streak >= self.patience and self._blocked == 0
        if self._blocked:
            self._blocked -= 1
        if retrain:
            self.reference = window
            self._streak = 0
            self._blocked = self.cooldown
        return {"psi": value, "ks_pvalue": pvalue, "drift": drift, "retrain": retrain}


# ---- online updates ----------------------------------------------------------------------------------------------


class RunningStats:
    """The running count, mean and variance of a stream, updated online (Welford / Chan et al.).

    Keeps ``count``, ``mean`` and ``m2`` (the sum of squared deviations from
    the mean), never the raw sum of squares: ``E[x^2] - E[x]^2`` cancels
    catastrophically when the values are large (1e9 + small noise), and the
    results here must equal ``numpy.mean`` / ``numpy.var`` on such data (a
    relative 1e-6 for the variance). A new object has ``count == 0``.
    """

    def __init__(self) -> None:
        self.count = 0
        self._mean = 0.0
        self._m2 = 0.0

    @property
    def mean(self) -> float:
        """The mean of the values seen; ``nan`` when none was."""
        return self._mean if self.count else math.nan

    def variance(self, ddof: int = 0) -> float:
        """``m2 / (count - ddof)`` (``ddof=0``: population, ``1``: sample variance); ``nan`` when ``count <= ddof``.

        Raises ``ValueError`` when ``ddof`` is not an int >= 0.
        """
        if isinstance(ddof, bool) or not isinstance(ddof, (int, np.integer)) or ddof < 0:
            raise ValueError("ddof must be an int >= 0")
        return self._m2 / (self.count - ddof) if self.count > ddof else math.nan

    def update(self, x: float) -> None:
        """Add one value (Welford's update). Raises ``ValueError`` if it is not finite."""
        x = float(x)
        if not math.isfinite(x):
            raise ValueError("x must be finite")
        self.count += 1
        delta = x - self._mean
        self._mean += delta / self.count
        self._m2 += delta * (x - self._mean)

    def update_batch(self, values: Sequence[float] | np.ndarray) -> None:
        """Add a batch of values at once: the same result as ``update`` on each, to rounding.

        ``values``: a 1-D list, tuple or array of finite numbers; an empty
        batch changes nothing. Merge the batch's own count, mean and m2
        (computed around the batch mean) with the running ones (Chan et
        al.: ``delta = mean_b - mean``, ``m2 += m2_b + delta**2 n n_b /
        (n + n_b)``). Raises ``ValueError`` for a batch that is not 1-D or
        holds a non-finite value (the state is then unchanged).
        """
        batch = np.asarray(values, dtype=np.float64)
        if batch.ndim != 1 or not np.isfinite(batch).all():
            raise ValueError("values must be a 1-D batch of finite numbers")
        nb = batch.size
        if nb == 0:
            return
        mean_b = float(batch.mean())
        m2_b = float(np.sum((batch - mean_b) ** 2))
        n = self.count
        total = n + nb
        delta = mean_b - self._mean
        self._mean += delta * nb / total
        self._m2 += m2_b + delta * delta * n * nb / total
        self.count = total
