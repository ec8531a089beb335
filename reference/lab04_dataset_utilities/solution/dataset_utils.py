"""Lab 04: dataset utilities -- near-duplicate detection and a passive-voice detector.

Web-scale training sets are full of near-duplicates: the same article with a
different footer, re-posted with one word changed, with its paragraphs
shuffled or its whitespace mangled. Comparing every pair of documents is
quadratic, so we build the standard pipeline that scales:

1. **shingles**: a document becomes the set of its word or character k-grams;
2. **MinHash**: each set becomes a short signature; the fraction of positions
   where two signatures agree estimates the Jaccard similarity of the sets;
3. **LSH banding**: signatures are cut into bands; documents that share a
   whole band become *candidate pairs*, without ever comparing all pairs;
4. **verification**: candidates are kept only if their exact Jaccard
   similarity reaches the threshold;
5. **union-find**: verified pairs are merged into clusters, and
   de-duplication keeps the first document of each cluster.

The second part is a rule-based **passive-voice detector** (a form of "to be"
followed by a past participle), the kind of simple tagger used to filter or
describe a corpus.

Every function is defined precisely by its docstring. The constants below are
part of the specification: use them, do not change them.
"""

from __future__ import annotations

import re
import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from itertools import combinations

import numpy as np

# ---- constants: hashing ---------------------------------------------------------------------------------

#: The Mersenne prime 2**61 - 1: the modulus of the universal hash functions.
MERSENNE_PRIME = (1 << 61) - 1

#: Shingle hashes (CRC-32) are below this bound: 2**32.
HASH_BOUND = 1 << 32

#: Regular expression for word tokens, applied to the lower-cased text.
TOKEN_PATTERN = r"\w+"

# ---- constants: passive voice ---------------------------------------------------------------------------

#: Regular expression for the words of a sentence, applied to the lower-cased
#: sentence (so "wasn't" is one word; a typographic apostrophe splits words).
PASSIVE_TOKEN_PATTERN = r"[a-z]+(?:'[a-z]+)*"

#: Forms of "to be" that can start a passive.
BE_FORMS = frozenset(
    {"am", "is", "are", "was", "were", "be", "been", "being", "isn't", "aren't", "wasn't", "weren't"}
)

#: Forms of "to get", auxiliaries of the get-passive ("he got fired"); used only with include_get=True.
GET_FORMS = frozenset({"get", "gets", "got", "gotten", "getting"})

#: Adverbs that may stand between the auxiliary and the participle (besides any word ending in "ly").
ADVERBS = frozenset(
    {"not", "never", "also", "already", "always", "just", "often", "still", "soon", "seldom", "then",
     "indeed", "almost", "even", "once", "ever", "rarely", "well"}
)

#: Past participles that do not end in "-ed" (of transitive verbs: intransitive ones cannot be passive).
IRREGULAR_PARTICIPLES = frozenset(
    {"beaten", "bent", "bitten", "blown", "born", "bought", "bound", "broken", "brought", "built", "burnt",
     "caught", "chosen", "cut", "dealt", "done", "drawn", "driven", "dug", "eaten", "fed", "felt", "forbidden",
     "forgiven", "forgotten", "fought", "found", "frozen", "given", "got", "gotten", "ground", "grown", "heard",
     "held", "hidden", "hit", "hung", "hurt", "kept", "known", "laid", "led", "left", "lent", "let", "lit",
     "lost", "made", "meant", "met", "paid", "put", "read", "ridden", "rung", "run", "said", "seen", "sent",
     "set", "sewn", "shaken", "shot", "shown", "shut", "sold", "sought", "spent", "split", "spoken", "spread",
     "stolen", "struck", "stuck", "sung", "swept", "sworn", "taken", "taught", "thought", "thrown", "told",
     "torn", "understood", "won", "worn", "woven", "written"}
)

#: Words that end in "-ed" but are not past participles.
NOT_PARTICIPLES = frozenset(
    {"bed", "red", "need", "seed", "speed", "weed", "greed", "deed", "creed", "steed", "breed", "hundred",
     "sacred", "naked", "wicked", "rugged", "ragged", "kindred", "indeed", "shred"}
)

#: Participles that usually describe a state ("I am tired"): they count as a
#: passive only when the next word is "by" ("she was surprised by the news").
ADJECTIVAL_PARTICIPLES = frozenset(
    {"tired", "interested", "excited", "bored", "worried", "pleased", "surprised", "married", "scared",
     "concerned", "confused", "disappointed", "satisfied", "amazed", "annoyed", "embarrassed", "exhausted",
     "frightened", "delighted", "ashamed", "relieved", "thrilled", "terrified", "shocked", "involved",
     "determined", "used", "supposed", "based", "located", "related", "qualified", "dedicated", "prepared"}
)


# ---- shingles -------------------------------------------------------------------------------------------


def _grams(units: Sequence[str], k: int, sep: str) -> set[str]:
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    if not units:
        return set()
    if len(units) < k:
        return {sep.join(units)}
    return {sep.join(units[i : i + k]) for i in range(len(units) - k + 1)}


def word_shingles(text: str, k: int = 3) -> set[str]:
    """The set of word k-shingles of ``text``.

    Tokens are ``re.findall(TOKEN_PATTERN, text.lower())`` (runs of letters,
    digits and underscores; punctuation and whitespace only separate). A
    shingle is ``k`` consecutive tokens joined by one space: a text with
    ``n >= k`` tokens has the ``n - k + 1`` shingles starting at tokens
    ``0, 1, ..., n - k`` (as a set, so repeats collapse). A text with
    ``1 <= n < k`` tokens gives one shingle, all its tokens joined by spaces;
    a text without tokens gives the empty set.

    Example: ``word_shingles("The cat sat on the mat.", 3)`` is
    ``{"the cat sat", "cat sat on", "sat on the", "on the mat"}``.
    Raises ``ValueError`` if ``k < 1``.
    """
    return _grams(re.findall(TOKEN_PATTERN, text.lower()), k, " ")


def char_shingles(text: str, k: int = 5) -> set[str]:
    """The set of character k-shingles of ``text`` after normalisation.

    Normalisation: lower-case, then collapse every run of whitespace to one
    space and strip both ends: ``" ".join(text.lower().split())``. A shingle
    is ``k`` consecutive characters of the normalised string; the rules for
    short strings are those of :func:`word_shingles` (one shingle, the whole
    normalised string, if it is non-empty but shorter than ``k``; the empty
    set if it is empty).

    Example: ``char_shingles("Ab  C", 3)`` is ``{"ab ", "b c"}``.
    Raises ``ValueError`` if ``k < 1``.
    """
    return _grams(" ".join(text.lower().split()), k, "")


# ---- hashing --------------------------------------------------------------------------------------------


def hash_shingle(shingle: str) -> int:
    """A stable 32-bit hash of a shingle: ``zlib.crc32(shingle.encode("utf-8"))``.

    The result is an int in ``[0, HASH_BOUND)`` and is the same in every
    process and on every machine (unlike the built-in ``hash()``, which is
    salted per process for strings).
    """
    return zlib.crc32(shingle.encode("utf-8"))


def permutation_parameters(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The parameters ``(a, b)`` of ``num_perm`` universal hash functions.

    Exactly::

        rng = np.random.default_rng(seed)
        a = rng.integers(1, MERSENNE_PRIME, size=num_perm, dtype=np.uint64)
        b = rng.integers(0, MERSENNE_PRIME, size=num_perm, dtype=np.uint64)

    (``a`` first, then ``b``, from the same generator), so that signatures
    computed with the same seed agree everywhere. Both are uint64 arrays of
    shape ``(num_perm,)``. Raises ``ValueError`` if ``num_perm < 1``.
    """
    if num_perm < 1:
        raise ValueError(f"num_perm must be >= 1, got {num_perm}")
    rng = np.random.default_rng(seed)
    a = rng.integers(1, MERSENNE_PRIME, size=num_perm, dtype=np.uint64)
    b = rng.integers(0, MERSENNE_PRIME, size=num_perm, dtype=np.uint64)
    return a, b


_P = np.uint64(MERSENNE_PRIME)
_MASK32 = np.uint64((1 << 32) - 1)
_MASK29 = np.uint64((1 << 29) - 1)


def universal_hash(x: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Apply the hash functions ``h_k(x) = (a[k] * x + b[k]) mod MERSENNE_PRIME`` to every ``x``.

    ``x``: integers in ``[0, HASH_BOUND)``, shape ``(n,)``; ``a``, ``b``:
    integers in ``[0, MERSENNE_PRIME)``, shape ``(m,)`` (array-likes are
    converted to uint64). Returns a uint64 array of shape ``(m, n)``, one row
    per hash function: ``out[k, i] = (a[k] * x[i] + b[k]) mod MERSENNE_PRIME``
    computed **exactly** (as with Python ints), vectorised with numpy (no
    Python loop over the elements).

    The trap: ``a[k] * x[i]`` can reach 2**93 and silently wraps around in
    uint64. Split ``a`` into its high 29 and low 32 bits and use
    ``2**61 = 1 (mod MERSENNE_PRIME)`` to keep every intermediate below 2**64
    (see the handout).
    """
    x = np.asarray(x, dtype=np.uint64)[np.newaxis, :]
    a = np.asarray(a, dtype=np.uint64)[:, np.newaxis]
    b = np.asarray(b, dtype=np.uint64)[:, np.newaxis]
    # The (m, n) arrays are updated in place: each `y = f(y)` would allocate another big array.
    hi = (a >> np.uint64(32)) * x  # high 29 bits of a, times x: < 2**61
    lo = (a & _MASK32) * x  # low 32 bits of a, times x: < 2**64
    # hi * 2**32 mod p: with hi = q * 2**29 + r, hi * 2**32 = q * 2**61 + r * 2**32 = q + r * 2**32 (mod p)
    q = hi >> np.uint64(29)
    hi &= _MASK29
    hi <<= np.uint64(32)
    hi += q  # < 2**61 + 2**32
    # lo mod p, partly: with lo = q * 2**61 + r, lo = q + r (mod p)
    np.right_shift(lo, np.uint64(61), out=q)
    lo &= _P
    lo += q  # < 2**61 + 8
    hi += lo
    hi += b  # < 3 * 2**61 + 2**33 < 2**63: nothing overflows
    np.right_shift(hi, np.uint64(61), out=q)  # fold once more: < 2**61 + 4
    hi &= _P
    hi += q
    np.subtract(hi, _P, out=hi, where=hi >= _P)  # now in [0, p)
    return hi


# ---- MinHash --------------------------------------------------------------------------------------------


def minhash_signatures(shingle_sets: Sequence[Iterable[str]], num_perm: int = 128, seed: int = 0) -> np.ndarray:
    """MinHash signatures of many shingle sets, as one uint64 array of shape ``(len(shingle_sets), num_perm)``.

    With ``a, b = permutation_parameters(num_perm, seed)`` and ``x`` the
    :func:`hash_shingle` values of a set's shingles (duplicates do not
    matter), row ``d`` is ``out[d, k] = min over x of universal_hash(x, a, b)[k, :]``:
    the smallest value of hash function ``k`` over the set. An empty set
    gets ``MERSENNE_PRIME`` in every position (larger than any hash value).
    An empty sequence of sets gives shape ``(0, num_perm)``.

    Vectorise: hash all shingles of all sets into one array, apply
    :func:`universal_hash` once (or in large chunks) and take the minimum per
    set (``np.minimum.reduceat`` does exactly that, but it cannot express an
    empty run: leave empty sets out of it); do not loop in Python over
    permutations or over (shingle, permutation) pairs. Raises ``ValueError``
    if ``num_perm < 1``.
    """
    a, b = permutation_parameters(num_perm, seed)
    sets = [set(shingles) for shingles in shingle_sets]
    sizes = np.array([len(s) for s in sets], dtype=np.int64)
    signatures = np.full((len(sets), num_perm), MERSENNE_PRIME, dtype=np.uint64)
    if sizes.sum() == 0:
        return signatures
    # hash_shingle, inlined (one Python call less per shingle)
    hashes = np.fromiter(
        (zlib.crc32(shingle.encode("utf-8")) for s in sets for shingle in s), dtype=np.uint64, count=int(sizes.sum())
    )
    starts = np.cumsum(sizes) - sizes
    non_empty = sizes > 0
    # values[k] holds hash function k of every shingle; each set's shingles are one contiguous run of it,
    # ending where the next non-empty set's run starts, so reduceat takes the minimum per set
    values = universal_hash(hashes, a, b)
    signatures[non_empty] = np.minimum.reduceat(values, starts[non_empty], axis=1).T
    return signatures


def jaccard(a: Iterable, b: Iterable) -> float:
    """Exact Jaccard similarity ``|A & B| / |A | B|`` of two collections, taken as sets.

    Two empty sets have similarity 1.0 (they are identical).
    """
    a, b = set(a), set(b)
    union = len(a | b)
    return 1.0 if union == 0 else len(a & b) / union


def estimate_jaccard(sig_a: np.ndarray, sig_b: np.ndarray) -> float:
    """MinHash estimate of the Jaccard similarity: the fraction of positions where the signatures agree.

    Both are 1-D arrays of the same length ``>= 1``; raises ``ValueError``
    otherwise. Returns a float in ``[0, 1]``.
    """
    sig_a, sig_b = np.asarray(sig_a), np.asarray(sig_b)
    if sig_a.ndim != 1 or sig_a.shape != sig_b.shape or sig_a.size == 0:
        raise ValueError("signatures must be non-empty 1-D arrays of the same length")
    return float(np.mean(sig_a == sig_b))


# ---- LSH banding ----------------------------------------------------------------------------------------


def candidate_probability(s: float, bands: int, rows: int) -> float:
    """Probability that a pair with Jaccard similarity ``s`` becomes a candidate: ``1 - (1 - s**rows)**bands``.

    (Each band agrees with probability ``s**rows``; a pair is a candidate if
    at least one of the ``bands`` independent bands agrees.)
    """
    return 1.0 - (1.0 - s**rows) ** bands


def lsh_candidate_pairs(signatures: np.ndarray, bands: int, rows: int) -> list[tuple[int, int]]:
    """Candidate pairs from LSH banding of a signature matrix of shape ``(n, num_perm)``.

    Band ``j`` (for ``j = 0 .. bands - 1``) is columns ``j * rows`` up to
    ``(j + 1) * rows`` (exclusive): bands do not overlap, and columns from
    ``bands * rows`` on are not used. Documents ``i < j`` are a candidate pair
    if, in at least one band, all ``rows`` values of row ``i`` equal those of
    row ``j`` (put each band's rows in hash buckets keyed by the band's
    values; never compare all pairs of documents).

    Returns the pairs as ``(i, j)`` tuples with ``i < j``, each once, sorted
    ascending. Raises ``ValueError`` if ``signatures`` is not 2-D, if
    ``bands < 1`` or ``rows < 1``, or if ``bands * rows > num_perm``.
    """
    signatures = np.asarray(signatures)
    if signatures.ndim != 2:
        raise ValueError("signatures must be a 2-D array")
    if bands < 1 or rows < 1 or bands * rows > signatures.shape[1]:
        raise ValueError(f"need bands >= 1, rows >= 1 and bands * rows <= {signatures.shape[1]}")
    pairs: set[tuple[int, int]] = set()
    for band in range(bands):
        block = np.ascontiguousarray(signatures[:, band * rows : (band + 1) * rows])
        buckets: dict[bytes, list[int]] = defaultdict(list)
        for i, key in enumerate(block):
            buckets[key.tobytes()].append(i)
        for members in buckets.values():
            if len(members) > 1:
                pairs.update(combinations(members, 2))  # members are ascending
    return sorted(pairs)


def verify_candidates(
    shingle_sets: Sequence[Iterable[str]], pairs: Iterable[tuple[int, int]], threshold: float
) -> list[tuple[int, int]]:
    """Keep the candidate pairs whose exact :func:`jaccard` similarity is ``>= threshold``.

    ``pairs`` holds index pairs into ``shingle_sets`` (either order, ``i != j``).
    Returns the kept pairs as ``(min, max)`` tuples, each once, sorted ascending.
    """
    sets = [set(s) for s in shingle_sets]
    kept = {(min(i, j), max(i, j)) for i, j in pairs}
    return sorted(p for p in kept if jaccard(sets[p[0]], sets[p[1]]) >= threshold)


# ---- union-find -----------------------------------------------------------------------------------------


class UnionFind:
    """Disjoint sets over the elements ``0 .. n - 1`` (each starts alone).

    Use path compression in :meth:`find` and union by size (or rank) in
    :meth:`union`, so that any sequence of operations is nearly linear; write
    :meth:`find` without recursion (chains of 100 000 elements must work).
    An element outside ``0 .. n - 1`` raises ``IndexError``.
    """

    def __init__(self, n: int) -> None:
        """``n`` singleton sets ``{0}, {1}, ..., {n - 1}``; raises ``ValueError`` if ``n < 0``."""
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        self.parent = list(range(n))
        self.size = [1] * n

    def _check(self, x: int) -> None:
        if not 0 <= x < len(self.parent):
            raise IndexError(f"element {x} is not in 0..{len(self.parent) - 1}")

    def find(self, x: int) -> int:
        """The representative (root) of the set that contains ``x``."""
        self._check(x)
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:  # path compression: point every node on the path at the root
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, x: int, y: int) -> bool:
        """Merge the sets of ``x`` and ``y``; return ``True`` if they were different sets."""
        rx, ry = self.find(x), self.find(y)
        if rx == ry:
            return False
        if self.size[rx] < self.size[ry]:
            rx, ry = ry, rx
        self.parent[ry] = rx  # the smaller tree goes under the larger one
        self.size[rx] += self.size[ry]
        return True

    def connected(self, x: int, y: int) -> bool:
        """Whether ``x`` and ``y`` are in the same set."""
        return self.find(x) == self.find(y)

    def groups(self) -> list[list[int]]:
        """All sets, each as an ascending list, ordered by their smallest element (singletons included)."""
        members: dict[int, list[int]] = defaultdict(list)
        for x in range(len(self.parent)):
            members[self.find(x)].append(x)
        return sorted(members.values())


def connected_components(n: int, edges: Iterable[tuple[int, int]]) -> list[list[int]]:
    """Connected components of the undirected graph on ``0 .. n - 1`` with the given edges, via :class:`UnionFind`.

    Same format as :meth:`UnionFind.groups`: every node appears in exactly
    one component (isolated nodes are singletons), each component is an
    ascending list, components are ordered by their smallest node.
    """
    uf = UnionFind(n)
    for x, y in edges:
        uf.union(x, y)
    return uf.groups()


# ---- de-duplication -------------------------------------------------------------------------------------


def near_duplicate_clusters(
    texts: Sequence[str],
    *,
    threshold: float = 0.8,
    shingle: str = "word",
    k: int = 3,
    num_perm: int = 128,
    bands: int = 32,
    rows: int = 4,
    seed: int = 0,
) -> list[list[int]]:
    """Clusters of near-duplicate texts: the pipeline of this lab, end to end.

    1. shingle every text: :func:`word_shingles` (``shingle="word"``) or
       :func:`char_shingles` (``shingle="char"``) with ``k``;
    2. :func:`minhash_signatures` with ``num_perm`` and ``seed``;
    3. :func:`lsh_candidate_pairs` with ``bands`` and ``rows``;
    4. :func:`verify_candidates` with ``threshold`` (exact Jaccard of the shingle sets);
    5. :func:`connected_components` of the verified pairs.

    Returns the components with at least two texts (single linkage: if A~B
    and B~C, then A, B, C form one cluster even if A and C are not similar),
    each as an ascending list of indices, ordered by their smallest index.
    Raises ``ValueError`` for an unknown ``shingle`` kind.
    """
    if shingle == "word":
        sets = [word_shingles(t, k) for t in texts]
    elif shingle == "char":
        sets = [char_shingles(t, k) for t in texts]
    else:
        raise ValueError(f"shingle must be 'word' or 'char', got {shingle!r}")
    signatures = minhash_signatures(sets, num_perm, seed)
    pairs = verify_candidates(sets, lsh_candidate_pairs(signatures, bands, rows), threshold)
    return [c for c in connected_components(len(sets), pairs) if len(c) > 1]


def deduplicate(texts: Sequence[str], **options) -> list[int]:
    """Indices of the texts to keep, ascending: the first (smallest index) of each near-duplicate cluster.

    ``options`` are those of :func:`near_duplicate_clusters` (same defaults).
    A text that is in no cluster is kept; of each cluster only its smallest
    index is kept. ``[texts[i] for i in deduplicate(texts)]`` is the
    de-duplicated corpus, in its original order.
    """
    dropped = {i for cluster in near_duplicate_clusters(texts, **options) for i in cluster[1:]}
    return [i for i in range(len(texts)) if i not in dropped]


# ---- passive voice --------------------------------------------------------------------------------------


def _is_adverb(word: str) -> bool:
    return word in ADVERBS or (len(word) >= 4 and word.endswith("ly"))


def _is_participle(word: str) -> bool:
    if word in IRREGULAR_PARTICIPLES:
        return True
    return len(word) >= 4 and word.endswith("ed") and word not in NOT_PARTICIPLES


def passive_phrases(sentence: str, *, include_get: bool = False) -> list[str]:
    """The passive constructions in ``sentence``, in order, each as its words joined by one space.

    Words: ``re.findall(PASSIVE_TOKEN_PATTERN, sentence.lower())``. Scan the
    words from left to right. At an **auxiliary** -- a word in
    :data:`BE_FORMS`, or with ``include_get=True`` also in :data:`GET_FORMS` --
    skip any number of **adverbs** (words in :data:`ADVERBS`, or of 4 or more
    letters ending in ``"ly"``). If the next word is a **past participle**
    it is a passive, unless the participle is adjectival:

    - a past participle is a word in :data:`IRREGULAR_PARTICIPLES`, or a word
      of 4 or more letters ending in ``"ed"`` that is not in
      :data:`NOT_PARTICIPLES`;
    - a participle in :data:`ADJECTIVAL_PARTICIPLES` counts only if the word
      right after it is ``"by"`` ("I am tired" is not a passive, "she was
      surprised by the news" is).

    A passive adds the words from the auxiliary to the participle (e.g.
    ``"was quickly eaten"``) and the scan goes on after the participle;
    otherwise the scan goes on at the word after the auxiliary. So in
    ``"has been eaten"`` and ``"is being eaten"`` the phrase starts at the
    auxiliary nearest the participle: ``"been eaten"``, ``"being eaten"``.
    Without ``include_get``, get-passives ("he got fired") are not reported.
    """
    words = re.findall(PASSIVE_TOKEN_PATTERN, sentence.lower())
    auxiliaries = BE_FORMS | GET_FORMS if include_get else BE_FORMS
    phrases = []
    i = 0
    while i < len(words):
        if words[i] in auxiliaries:
            j = i + 1
            while j < len(words) and _is_adverb(words[j]):
                j += 1
            if j < len(words) and _is_participle(words[j]):
                followed_by_by = j + 1 < len(words) and words[j + 1] == "by"
                if words[j] not in ADJECTIVAL_PARTICIPLES or followed_by_by:
                    phrases.append(" ".join(words[i : j + 1]))
                    i = j + 1
                    continue
        i += 1
    return phrases


def is_passive(sentence: str, *, include_get: bool = False) -> bool:
    """Whether :func:`passive_phrases` finds at least one passive in ``sentence``."""
    return bool(passive_phrases(sentence, include_get=include_get))
