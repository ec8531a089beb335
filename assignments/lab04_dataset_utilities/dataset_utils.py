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
from collections import defaultdict  # noqa: F401  (you may use it)
from collections.abc import Iterable, Sequence
from itertools import combinations  # noqa: F401  (you may use it)

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
    raise NotImplementedError("TODO: implement word_shingles")


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
    raise NotImplementedError("TODO: implement char_shingles")


# ---- hashing --------------------------------------------------------------------------------------------


def hash_shingle(shingle: str) -> int:
    """A stable 32-bit hash of a shingle: ``zlib.crc32(shingle.encode("utf-8"))``.

    The result is an int in ``[0, HASH_BOUND)`` and is the same in every
    process and on every machine (unlike the built-in ``hash()``, which is
    salted per process for strings).
    """
    raise NotImplementedError("TODO: implement hash_shingle")


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
    raise NotImplementedError("TODO: implement permutation_parameters")


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
    raise NotImplementedError("TODO: implement universal_hash")


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
    raise NotImplementedError("TODO: implement minhash_signatures")


def jaccard(a: Iterable, b: Iterable) -> float:
    """Exact Jaccard similarity ``|A & B| / |A | B|`` of two collections, taken as sets.

    Two empty sets have similarity 1.0 (they are identical).
    """
    raise NotImplementedError("TODO: implement jaccard")


def estimate_jaccard(sig_a: np.ndarray, sig_b: np.ndarray) -> float:
    """MinHash estimate of the Jaccard similarity: the fraction of positions where the signatures agree.

    Both are 1-D arrays of the same length ``>= 1``; raises ``ValueError``
    otherwise. Returns a float in ``[0, 1]``.
    """
    raise NotImplementedError("TODO: implement estimate_jaccard")


# ---- LSH banding ----------------------------------------------------------------------------------------


def candidate_probability(s: float, bands: int, rows: int) -> float:
    """Probability that a pair with Jaccard similarity ``s`` becomes a candidate: ``1 - (1 - s**rows)**bands``.

    (Each band agrees with probability ``s**rows``; a pair is a candidate if
    at least one of the ``bands`` independent bands agrees.)
    """
    raise NotImplementedError("TODO: implement candidate_probability")


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
    raise NotImplementedError("TODO: implement lsh_candidate_pairs")


def verify_candidates(
    shingle_sets: Sequence[Iterable[str]], pairs: Iterable[tuple[int, int]], threshold: float
) -> list[tuple[int, int]]:
    """Keep the candidate pairs whose exact :func:`jaccard` similarity is ``>= threshold``.

    ``pairs`` holds index pairs into ``shingle_sets`` (either order, ``i != j``).
    Returns the kept pairs as ``(min, max)`` tuples, each once, sorted ascending.
    """
    raise NotImplementedError("TODO: implement verify_candidates")


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
        raise NotImplementedError("TODO: implement UnionFind.__init__")

    def find(self, x: int) -> int:
        """The representative (root) of the set that contains ``x``."""
        raise NotImplementedError("TODO: implement UnionFind.find")

    def union(self, x: int, y: int) -> bool:
        """Merge the sets of ``x`` and ``y``; return ``True`` if they were different sets."""
        raise NotImplementedError("TODO: implement UnionFind.union")

    def connected(self, x: int, y: int) -> bool:
        """Whether ``x`` and ``y`` are in the same set."""
        raise NotImplementedError("TODO: implement UnionFind.connected")

    def groups(self) -> list[list[int]]:
        """All sets, each as an ascending list, ordered by their smallest element (singletons included)."""
        raise NotImplementedError("TODO: implement UnionFind.groups")


def connected_components(n: int, edges: Iterable[tuple[int, int]]) -> list[list[int]]:
    """Connected components of the undirected graph on ``0 .. n - 1`` with the given edges, via :class:`UnionFind`.

    Same format as :meth:`UnionFind.groups`: every node appears in exactly
    one component (isolated nodes are singletons), each component is an
    ascending list, components are ordered by their smallest node.
    """
    raise NotImplementedError("TODO: implement connected_components")


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
    raise NotImplementedError("TODO: implement near_duplicate_clusters")


def deduplicate(texts: Sequence[str], **options) -> list[int]:
    """Indices of the texts to keep, ascending: the first (smallest index) of each near-duplicate cluster.

    ``options`` are those of :func:`near_duplicate_clusters` (same defaults).
    A text that is in no cluster is kept; of each cluster only its smallest
    index is kept. ``[texts[i] for i in deduplicate(texts)]`` is the
    de-duplicated corpus, in its original order.
    """
    raise NotImplementedError("TODO: implement deduplicate")


# ---- passive voice --------------------------------------------------------------------------------------


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
    raise NotImplementedError("TODO: implement passive_phrases")


def is_passive(sentence: str, *, include_get: bool = False) -> bool:
    """Whether :func:`passive_phrases` finds at least one passive in ``sentence``."""
    raise NotImplementedError("TODO: implement is_passive")
