"""Hidden tests for lab 04 (dataset utilities: near duplicates and passive voice).

Oracles: Python's exact integer arithmetic, ``zlib.crc32`` and
``numpy.random.default_rng`` for the fully specified hashing; set operations
for exact Jaccard; ``zip``-built n-grams for shingles; ``datasketch``
(``MinHash``, ``MinHashLSH``) as a statistical peer (it uses other hash
functions, so it is compared statistically, never value by value); the
binomial spread ``sqrt(J (1 - J) / k)`` of a MinHash estimate; the S-curve
``1 - (1 - s**r)**b`` measured on synthetic signatures; a breadth-first search
for connected components. Texts are generated here from made-up words, with
planted near-duplicates (one-word edits, swapped sentences, whitespace and
case noise); the passive-voice sentences are written here and labelled with
the policy of the handout.
"""

from __future__ import annotations

import math
import random
import zlib
from collections import deque
from itertools import combinations

import numpy as np
import pytest
from datasketch import MinHash, MinHashLSH

from autograder.testing import assert_close, assert_equal, check

P = (1 << 61) - 1


# ---- generated texts -------------------------------------------------------------------------------------

SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "si", "pe", "du", "ga", "fi", "zo", "be", "wu", "ha", "ji", "xo"]


def vocabulary(seed: int, size: int = 400) -> list[str]:
    rng = random.Random(seed)
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def make_sentences(rng: random.Random, vocab: list[str], n: int) -> list[str]:
    sentences = []
    for _ in range(n):
        words = [rng.choice(vocab) for _ in range(rng.randint(8, 14))]
        words[0] = words[0].capitalize()
        sentences.append(" ".join(words) + rng.choice([".", ".", "!", "?"]))
    return sentences


def one_word_edit(rng: random.Random, vocab: list[str], sentences: list[str]) -> list[str]:
    """Replace one word of one sentence by another word."""
    out = list(sentences)
    s = rng.randrange(len(out))
    words = out[s].split(" ")
    w = rng.randrange(1, len(words) - 1)
    words[w] = rng.choice([v for v in vocab if v != words[w]])
    out[s] = " ".join(words)
    return out


def swap_sentences(rng: random.Random, sentences: list[str]) -> list[str]:
    """Swap two neighbouring sentences."""
    out = list(sentences)
    s = rng.randrange(len(out) - 1)
    out[s], out[s + 1] = out[s + 1], out[s]
    return out


def whitespace_noise(rng: random.Random, text: str) -> str:
    """Replace each space by a random run of whitespace and change the case of some words."""
    words = text.split(" ")
    words = [w.upper() if rng.random() < 0.1 else w for w in words]
    return "".join(w + rng.choice([" ", "  ", "\n", " \t ", "\n\n", " "]) for w in words).strip() + rng.choice(["", "  ", "\n"])


def planted_corpus(seed: int, n_groups: int, n_single: int) -> list[str]:
    """Texts of 5-6 sentences: groups of a base text and 1-3 near-duplicates, plus unrelated texts, shuffled."""
    rng = random.Random(seed)
    vocab = vocabulary(seed)
    texts = []
    for _ in range(n_groups):
        base = make_sentences(rng, vocab, rng.randint(5, 6))
        texts.append(" ".join(base))
        for _ in range(rng.randint(1, 3)):
            kind = rng.randrange(3)
            if kind == 0:
                texts.append(" ".join(one_word_edit(rng, vocab, base)))
            elif kind == 1:
                texts.append(" ".join(swap_sentences(rng, base)))
            else:
                texts.append(whitespace_noise(rng, " ".join(base)))
    texts += [" ".join(make_sentences(rng, vocab, rng.randint(5, 6))) for _ in range(n_single)]
    rng.shuffle(texts)
    return texts


# ---- oracles ---------------------------------------------------------------------------------------------


def ngrams(units, k: int):
    """The k-grams of a sequence, as tuples (like nltk.util.ngrams)."""
    return zip(*(units[i:] for i in range(k)))


def oracle_word_shingles(text: str, k: int) -> set[str]:
    import re

    tokens = re.findall(r"\w+", text.lower())
    if not tokens:
        return set()
    if len(tokens) < k:
        return {" ".join(tokens)}
    return {" ".join(g) for g in ngrams(tokens, k)}


def oracle_char_shingles(text: str, k: int) -> set[str]:
    norm = " ".join(text.lower().split())
    if not norm:
        return set()
    if len(norm) < k:
        return {norm}
    return {"".join(g) for g in ngrams(norm, k)}


def exact_jaccard(a: set, b: set) -> float:
    return 1.0 if not (a | b) else len(a & b) / len(a | b)


def oracle_parameters(num_perm: int, seed: int) -> tuple[list[int], list[int]]:
    rng = np.random.default_rng(seed)
    a = rng.integers(1, P, size=num_perm, dtype=np.uint64)
    b = rng.integers(0, P, size=num_perm, dtype=np.uint64)
    return [int(v) for v in a], [int(v) for v in b]


def oracle_signature(shingles: set[str], num_perm: int, seed: int) -> list[int]:
    a, b = oracle_parameters(num_perm, seed)
    xs = [zlib.crc32(s.encode("utf-8")) for s in shingles]
    return [min(((ak * x + bk) % P for x in xs), default=P) for ak, bk in zip(a, b)]


def bfs_components(n: int, edges) -> list[list[int]]:
    adjacency: list[list[int]] = [[] for _ in range(n)]
    for x, y in edges:
        adjacency[x].append(y)
        adjacency[y].append(x)
    seen = [False] * n
    components = []
    for start in range(n):
        if seen[start]:
            continue
        seen[start] = True
        queue, component = deque([start]), []
        while queue:
            x = queue.popleft()
            component.append(x)
            for y in adjacency[x]:
                if not seen[y]:
                    seen[y] = True
                    queue.append(y)
        components.append(sorted(component))
    return sorted(components)


def exact_clusters(sets: list[set], threshold: float) -> list[list[int]]:
    edges = [(i, j) for i, j in combinations(range(len(sets)), 2) if exact_jaccard(sets[i], sets[j]) >= threshold]
    return [c for c in bfs_components(len(sets), edges) if len(c) > 1]


def assert_well_separated(sets: list[set], low: float, high: float) -> None:
    """Our own data check (not the student's fault if it fails): no pair is near the threshold."""
    for i, j in combinations(range(len(sets)), 2):
        if low < exact_jaccard(sets[i], sets[j]) < high:
            raise RuntimeError(f"test data: texts {i} and {j} are too close to the threshold")


def pairs_with_jaccard(seed: int, n_pairs: int, min_size: int = 10, max_size: int = 150) -> list[tuple[set, set, float]]:
    """Pairs of shingle sets with known Jaccard similarities spread over [0, 1]."""
    rng = random.Random(seed)
    out = []
    for t in range(n_pairs):
        union = [f"shingle {seed} {t} {i} é" for i in range(rng.randint(min_size, max_size))]
        rng.shuffle(union)
        common = round(rng.random() * len(union))
        a, b = set(union[:common]), set(union[:common])
        for s in union[common:]:
            (a if rng.random() < 0.5 else b).add(s)
        out.append((a, b, exact_jaccard(a, b)))
    return out


def as_pairs(result) -> list[tuple[int, int]]:
    check(isinstance(result, (list, tuple)), "expected a list of (i, j) pairs")
    return [tuple(int(v) for v in p) for p in result]


def as_signatures(result, n: int, num_perm: int) -> np.ndarray:
    check(isinstance(result, np.ndarray), "minhash_signatures should return a numpy array")
    check(result.shape == (n, num_perm), f"signatures: expected shape {(n, num_perm)}, got {tuple(result.shape)}")
    check(result.dtype == np.uint64, f"signatures: expected dtype uint64, got {result.dtype}")
    return result


# ---- shingles --------------------------------------------------------------------------------------------


@pytest.mark.points(2)
def test_word_shingles_hand_cases(lab):
    """word_shingles: lower-cased \\w+ tokens, k tokens joined by one space, the last shingle included."""
    assert_equal(
        lab.word_shingles("The cat sat on the mat.", 3),
        {"the cat sat", "cat sat on", "sat on the", "on the mat"},
        what="word 3-shingles of 'The cat sat on the mat.'",
    )
    assert_equal(
        lab.word_shingles("A-b, c!  D_e 42", 2), {"a b", "b c", "c d_e", "d_e 42"}, what="word 2-shingles with punctuation"
    )
    assert_equal(lab.word_shingles("to be or not to be", 2), {"to be", "be or", "or not", "not to"}, what="repeated shingles")
    assert_equal(lab.word_shingles("one two three four", 1), {"one", "two", "three", "four"}, what="1-shingles")
    assert_equal(lab.word_shingles("one two three four", 4), {"one two three four"}, what="k equal to the number of tokens")


@pytest.mark.points(2)
def test_word_shingles_match_ngrams(lab):
    """word_shingles equals the set of k-grams of the tokens, on generated texts, for k = 1..5."""
    vocab = vocabulary(1, 60)
    rng = random.Random(1)
    for k in (1, 2, 3, 5):
        for _ in range(3):
            text = " ".join(make_sentences(rng, vocab, 3))
            assert_equal(lab.word_shingles(text, k), oracle_word_shingles(text, k), what=f"word {k}-shingles of a generated text")


@pytest.mark.points(2)
def test_short_and_empty_texts(lab):
    """Texts shorter than k give one shingle of the whole text; texts without tokens give the empty set."""
    assert_equal(lab.word_shingles("Hello, world!", 3), {"hello world"}, what="word 3-shingles of a 2-word text")
    assert_equal(lab.word_shingles(" ... !? ", 3), set(), what="word shingles of a text without tokens")
    assert_equal(lab.char_shingles("  Hi \n", 5), {"hi"}, what="char 5-shingles of a 2-character text")
    assert_equal(lab.char_shingles(" \t\n ", 3), set(), what="char shingles of blank text")
    assert_equal(lab.char_shingles("", 3), set(), what="char shingles of empty text")


@pytest.mark.points(2)
def test_char_shingles_normalise_whitespace_and_case(lab):
    """char_shingles lower-cases, collapses whitespace runs to one space, strips, and keeps the last shingle."""
    assert_equal(lab.char_shingles("Ab  C", 3), {"ab ", "b c"}, what="char 3-shingles of 'Ab  C'")
    assert_equal(lab.char_shingles("abcde", 5), {"abcde"}, what="char 5-shingles of a 5-character text")
    noisy = "  The\tQUICK  brown\n\nfox  "
    assert_equal(lab.char_shingles(noisy, 4), oracle_char_shingles("the quick brown fox", 4), what="char shingles of noisy text")
    rng = random.Random(3)
    vocab = vocabulary(3, 40)
    for k in (1, 3, 7):
        text = whitespace_noise(rng, " ".join(make_sentences(rng, vocab, 2)))
        assert_equal(lab.char_shingles(text, k), oracle_char_shingles(text, k), what=f"char {k}-shingles of a generated text")


@pytest.mark.points(2)
def test_shingles_defaults_and_unicode(lab):
    """word_shingles (k=3) and char_shingles (k=5) by default; \\w tokens include non-ASCII letters and digits."""
    text = "Café NAÏVE 日本語 x_y ٣٤, Straße!"
    assert_equal(lab.word_shingles(text), oracle_word_shingles(text, 3), what="word_shingles with the default k")
    assert_equal(lab.char_shingles(text), oracle_char_shingles(text, 5), what="char_shingles with the default k")
    assert_equal(lab.word_shingles(text, 2), {"café naïve", "naïve 日本語", "日本語 x_y", "x_y ٣٤", "٣٤ straße"},
                 what="word 2-shingles of a non-ASCII text")
    assert_equal(lab.char_shingles("ÉTÉ été", 3), {"été", "té ", "é é", " ét"}, what="char 3-shingles of a non-ASCII text")


@pytest.mark.points(1)
def test_shingles_invalid_k_raises(lab):
    """word_shingles and char_shingles raise ValueError for k < 1 (and not for k = 1)."""
    for fn in (lab.word_shingles, lab.char_shingles):
        check(len(fn("some text here", 1)) > 0, "k = 1 is valid and gives shingles")
        for k in (0, -1):
            with pytest.raises(ValueError):
                fn("some text here", k)


# ---- hashing ---------------------------------------------------------------------------------------------


@pytest.mark.points(2)
def test_hash_shingle_is_crc32(lab):
    """hash_shingle is zlib.crc32 of the UTF-8 bytes (stable across processes, unlike hash())."""
    words = ["", "a", "the cat sat", "naïve café", "日本語 テキスト", "x" * 1000]
    for w in words:
        got = lab.hash_shingle(w)
        check(isinstance(got, int), "hash_shingle should return a Python int")
        check(got == zlib.crc32(w.encode("utf-8")), "hash_shingle differs from zlib.crc32 of the UTF-8 bytes")


@pytest.mark.points(1)
def test_constants_are_the_specification(lab):
    """The constants of the specification are unchanged (HASH_BOUND, MERSENNE_PRIME, the patterns)."""
    check(lab.get("HASH_BOUND") == 1 << 32, "HASH_BOUND should be 2**32, as the stub gives it")
    check(lab.get("MERSENNE_PRIME") == (1 << 61) - 1, "MERSENNE_PRIME should be 2**61 - 1, as the stub gives it")
    check(lab.get("TOKEN_PATTERN") == r"\w+", "TOKEN_PATTERN should be unchanged")
    check(all(0 <= lab.hash_shingle(w) < lab.get("HASH_BOUND") for w in ("", "a", "zz top", "日本")),
          "hash_shingle should be in [0, HASH_BOUND)")


@pytest.mark.points(2)
def test_permutation_parameters_follow_the_spec(lab):
    """permutation_parameters draws a then b with numpy.random.default_rng(seed), as uint64; num_perm < 1 raises."""
    for num_perm, seed in ((1, 0), (16, 7), (200, 12345)):
        a, b = lab.permutation_parameters(num_perm, seed)
        for name, arr in (("a", a), ("b", b)):
            check(isinstance(arr, np.ndarray) and arr.dtype == np.uint64, f"{name} should be a uint64 numpy array")
            check(arr.shape == (num_perm,), f"{name} should have shape (num_perm,)")
        ea, eb = oracle_parameters(num_perm, seed)
        check([int(v) for v in a] == ea, f"a differs from the specified draw (num_perm={num_perm}, seed={seed})")
        check([int(v) for v in b] == eb, f"b differs from the specified draw (num_perm={num_perm}, seed={seed})")
    with pytest.raises(ValueError):
        lab.permutation_parameters(0, 0)


@pytest.mark.points(3)
def test_universal_hash_is_exact(lab):
    """universal_hash computes (a*x + b) mod 2**61-1 exactly (no uint64 overflow), shape (len(a), len(x))."""
    rng = np.random.default_rng(4)
    x = rng.integers(0, 1 << 32, size=300, dtype=np.uint64)
    x[:4] = [0, 1, (1 << 32) - 1, (1 << 31) + 12345]
    a = rng.integers(1, P, size=40, dtype=np.uint64)
    b = rng.integers(0, P, size=40, dtype=np.uint64)
    a[:3] = [P - 1, 1, (1 << 60) + 1]
    b[:3] = [P - 1, 0, 1 << 60]
    out = lab.universal_hash(x, a, b)
    check(isinstance(out, np.ndarray), "universal_hash should return a numpy array")
    check(out.shape == (40, 300), f"universal_hash: expected shape (len(a), len(x)) = (40, 300), got {tuple(out.shape)}")
    check(out.dtype == np.uint64, f"universal_hash: expected dtype uint64, got {out.dtype}")
    expected = np.array([[(int(ak) * int(xi) + int(bk)) % P for xi in x] for ak, bk in zip(a, b)], dtype=np.uint64)
    wrong = int((out != expected).sum())
    check(wrong == 0, f"universal_hash: {wrong} of {expected.size} values differ from exact modular arithmetic")
    small = lab.universal_hash([3, 5], [2], [1])
    check(np.asarray(small).tolist() == [[7, 11]], "universal_hash should accept Python lists")
    # values that reach P and just above it before the last reduction (a = 1, b = P - 1, x = 1 gives exactly P)
    xs, a_list, b_list = [1, 2, (1 << 32) - 1], [1, P - 1], [P - 1, P - 1]
    rng2 = random.Random(44)
    while len(a_list) < 12:
        a_k, x_i = rng2.randrange(1, P), rng2.randrange(1 << 32)
        hp, lp = (a_k >> 32) * x_i, (a_k & 0xFFFFFFFF) * x_i
        t = (((hp & ((1 << 29) - 1)) << 32) + (hp >> 29)) + ((lp & P) + (lp >> 61))
        b_k = (1 << 62) - 1 - t  # the folded sum before the last reduction is then 2**62 - 1, i.e. P + 1 after folding
        if 0 <= b_k < P:
            a_list.append(a_k)
            b_list.append(b_k)
            xs.append(x_i)
    out = np.asarray(lab.universal_hash(np.array(xs, dtype=np.uint64), np.array(a_list, dtype=np.uint64), np.array(b_list, dtype=np.uint64)))
    expected = [[(ak * xi + bk) % P for xi in xs] for ak, bk in zip(a_list, b_list)]
    check(out.tolist() == expected, "universal_hash is wrong where a*x + b (mod p) needs the final reduction (values near p)")


# ---- Jaccard ---------------------------------------------------------------------------------------------


@pytest.mark.points(2)
def test_jaccard_exact(lab):
    """jaccard is |A & B| / |A | B| on sets (duplicates ignored); two empty sets give 1.0."""
    assert_close(lab.jaccard({"a", "b", "c"}, {"b", "c", "d"}), 0.5, atol=1e-12, what="jaccard of two 3-sets sharing 2")
    assert_close(lab.jaccard(["a", "a", "b"], ["a"]), 0.5, atol=1e-12, what="jaccard of lists with repeats")
    assert_close(lab.jaccard(set(), set()), 1.0, atol=0, what="jaccard of two empty sets")
    assert_close(lab.jaccard(set(), {"a"}), 0.0, atol=0, what="jaccard of an empty and a non-empty set")
    for a, b, j in pairs_with_jaccard(5, 20):
        assert_close(lab.jaccard(a, b), j, atol=1e-12, what="jaccard of generated sets")


@pytest.mark.points(2)
def test_estimate_jaccard(lab):
    """estimate_jaccard is the fraction of equal positions; mismatched or empty signatures raise ValueError."""
    est = lab.estimate_jaccard(np.array([1, 2, 3, 4], dtype=np.uint64), np.array([1, 2, 0, 4], dtype=np.uint64))
    assert_close(est, 0.75, atol=1e-12, what="estimate for 3 of 4 equal positions")
    rng = np.random.default_rng(6)
    x = rng.integers(0, 5, size=1000).astype(np.uint64)
    y = rng.integers(0, 5, size=1000).astype(np.uint64)
    assert_close(lab.estimate_jaccard(x, y), float(np.mean(x == y)), atol=1e-12, what="estimate for random signatures")
    with pytest.raises(ValueError):
        lab.estimate_jaccard(np.zeros(4, dtype=np.uint64), np.zeros(5, dtype=np.uint64))
    with pytest.raises(ValueError):
        lab.estimate_jaccard(np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.uint64))
    one = lab.estimate_jaccard(np.array([7], dtype=np.uint64), np.array([7], dtype=np.uint64))
    check(isinstance(one, float) and one == 1.0, "estimate of two equal length-1 signatures should be the float 1.0")
    bad_shapes = [((1,), (5,)), ((5,), (1,)), ((2, 3), (2, 3))]
    for shape_a, shape_b in bad_shapes:
        with pytest.raises(ValueError):
            lab.estimate_jaccard(np.ones(shape_a, dtype=np.uint64), np.ones(shape_b, dtype=np.uint64))
    with pytest.raises(ValueError):
        lab.estimate_jaccard(7, 7)  # scalars are not 1-D


# ---- MinHash ---------------------------------------------------------------------------------------------


@pytest.mark.points(4)
def test_signatures_are_exact(lab):
    """minhash_signatures equals the specified min of (a*crc32(s) + b) mod p, for several seeds (empty sets included)."""
    rng = random.Random(7)
    sets = [{f"w{rng.randrange(500)} é{i}" for i in range(rng.randint(1, 40))} for _ in range(12)]
    sets.append({"naïve café", "日本語"})
    sets[5:5] = [set(), set()]  # empty sets in the middle
    for num_perm, seed in ((8, 0), (64, 1), (33, 987654321)):
        sig = as_signatures(lab.minhash_signatures(sets, num_perm, seed), len(sets), num_perm)
        for d, s in enumerate(sets):
            check(
                [int(v) for v in sig[d]] == oracle_signature(s, num_perm, seed),
                f"signature of set #{d} (num_perm={num_perm}, seed={seed}) differs from the specification",
            )


@pytest.mark.points(2)
def test_signatures_of_empty_sets_and_shapes(lab):
    """An empty set's signature is all MERSENNE_PRIME; no sets give shape (0, num_perm); num_perm < 1 raises."""
    sig = as_signatures(lab.minhash_signatures([set(), {"a b c"}, set()], 16, 3), 3, 16)
    check(bool((sig[0] == P).all() and (sig[2] == P).all()), "an empty set's signature should be MERSENNE_PRIME everywhere")
    check(bool((sig[1] < P).all()), "a non-empty set's signature should be below MERSENNE_PRIME")
    as_signatures(lab.minhash_signatures([], 16, 3), 0, 16)
    with pytest.raises(ValueError):
        lab.minhash_signatures([{"a"}], 0, 3)


@pytest.mark.points(2)
def test_signatures_defaults_and_iterables(lab):
    """minhash_signatures defaults to num_perm=128, seed=0, and takes any iterables (lists with repeats, tuples, frozensets)."""
    sets = [{"a b c", "b c d", "c d e"}, {"naïve café"}, {"x", "y"}]
    sig = as_signatures(lab.minhash_signatures(sets), 3, 128)
    for d, s in enumerate(sets):
        check([int(v) for v in sig[d]] == oracle_signature(s, 128, 0), f"signature of set #{d} with the default num_perm and seed")
    iterables = [["a b c", "b c d", "c d e", "a b c"], ("naïve café", "naïve café"), frozenset({"x", "y"})]
    again = as_signatures(lab.minhash_signatures(iterables, 128, 0), 3, 128)
    check(bool((again == sig).all()), "signatures of lists, tuples and frozensets should equal those of the sets")


def _signature_errors(lab, pairs, num_perm: int, seed: int) -> np.ndarray:
    sets = [s for a, b, _ in pairs for s in (a, b)]
    sig = as_signatures(lab.minhash_signatures(sets, num_perm, seed), len(sets), num_perm)
    estimates = np.mean(sig[0::2] == sig[1::2], axis=1)
    return estimates - np.array([j for _, _, j in pairs])


@pytest.mark.points(3)
def test_estimates_within_statistical_bound(lab):
    """MinHash estimates are within 4/sqrt(k) of the exact Jaccard, unbiased, with binomial spread."""
    pairs = pairs_with_jaccard(8, 150)
    js = np.array([j for _, _, j in pairs])
    for num_perm, seed in ((64, 3), (160, 4)):
        errors = _signature_errors(lab, pairs, num_perm, seed)
        check(
            bool((np.abs(errors) <= 4 / math.sqrt(num_perm)).all()),
            f"{int((np.abs(errors) > 4 / math.sqrt(num_perm)).sum())} of {len(pairs)} estimates are further than "
            f"4/sqrt(k) from the exact Jaccard (k={num_perm})",
        )
        spread = math.sqrt(float(np.mean(js * (1 - js))) / num_perm)  # expected root-mean-square error
        rmse = float(np.sqrt(np.mean(errors**2)))
        check(rmse <= 1.4 * spread, f"root-mean-square error {rmse:.3f} is too large for k={num_perm}")
        bias = float(np.mean(errors))
        check(abs(bias) <= 4 * spread / math.sqrt(len(pairs)) + 1e-3, f"estimates are biased by {bias:+.3f} on average")


@pytest.mark.points(3)
def test_estimates_agree_with_datasketch(lab):
    """MinHash estimates agree with datasketch.MinHash statistically (close per pair, as accurate overall)."""
    num_perm = 128
    pairs = pairs_with_jaccard(9, 120)
    errors = _signature_errors(lab, pairs, num_perm, seed=11)
    ds_errors = []
    for t, (a, b, j) in enumerate(pairs):
        m1, m2 = MinHash(num_perm=num_perm, seed=t), MinHash(num_perm=num_perm, seed=t)
        m1.update_batch([s.encode("utf-8") for s in a])
        m2.update_batch([s.encode("utf-8") for s in b])
        ds_errors.append(m1.jaccard(m2) - j)
    ds_errors = np.array(ds_errors)
    gap = np.abs(errors - ds_errors)  # difference of two independent estimates of the same J
    check(bool((gap <= 6 / math.sqrt(num_perm)).all()), f"{int((gap > 6 / math.sqrt(num_perm)).sum())} estimates are far from datasketch's")
    rmse, ds_rmse = float(np.sqrt(np.mean(errors**2))), float(np.sqrt(np.mean(ds_errors**2)))
    check(rmse <= 1.3 * ds_rmse + 0.005, f"estimates are less accurate than datasketch's (RMS error {rmse:.3f})")


# ---- LSH -------------------------------------------------------------------------------------------------


@pytest.mark.points(2)
def test_candidate_probability(lab):
    """candidate_probability is the S-curve 1 - (1 - s**r)**b."""
    for s, b, r in ((0.0, 20, 5), (1.0, 20, 5), (0.5, 20, 5), (0.8, 32, 4), (0.3, 1, 1), (0.9, 4, 30)):
        assert_close(lab.candidate_probability(s, b, r), 1 - (1 - s**r) ** b, atol=1e-12, what=f"probability for s={s}, b={b}, r={r}")


def _hand_signatures() -> np.ndarray:
    rng = np.random.default_rng(10)
    sig = rng.integers(0, P, size=(6, 6), dtype=np.uint64)
    sig[1, 0:2] = sig[0, 0:2]  # 0 ~ 1 in band 0
    sig[3, 1:3] = sig[2, 1:3]  # 2 and 3 agree on columns 1-2 only: straddles bands 0 and 1
    sig[4, 4:6] = sig[0, 4:6]  # 0 ~ 4 in band 2 (columns 4-5)
    sig[5] = sig[1]  # 1 ~ 5 everywhere; 0 ~ 5 in band 0 only
    return sig


@pytest.mark.points(3)
def test_lsh_bands_do_not_overlap(lab):
    """lsh_candidate_pairs: band j is columns j*r..(j+1)*r-1; pairs sorted, i < j, each once; unused columns ignored."""
    sig = _hand_signatures()
    assert_equal(as_pairs(lab.lsh_candidate_pairs(sig, 3, 2)), [(0, 1), (0, 4), (0, 5), (1, 5)], what="pairs with 3 bands of 2 rows")
    assert_equal(as_pairs(lab.lsh_candidate_pairs(sig, 2, 2)), [(0, 1), (0, 5), (1, 5)], what="pairs with 2 bands of 2 rows")
    assert_equal(as_pairs(lab.lsh_candidate_pairs(sig, 2, 3)), [(1, 5)], what="pairs with 2 bands of 3 rows")
    assert_equal(
        as_pairs(lab.lsh_candidate_pairs(sig, 6, 1)),
        [(0, 1), (0, 4), (0, 5), (1, 5), (2, 3)],
        what="pairs with 6 bands of 1 row",
    )
    assert_equal(as_pairs(lab.lsh_candidate_pairs(np.zeros((1, 4), dtype=np.uint64), 2, 2)), [], what="one document")


@pytest.mark.points(1)
def test_lsh_invalid_parameters_raise(lab):
    """lsh_candidate_pairs raises ValueError if bands * rows > num_perm, bands or rows < 1, or the array is not 2-D (valid calls succeed)."""
    sig = np.zeros((3, 8), dtype=np.uint64)
    sig[2, 0] = 1
    assert_equal(as_pairs(lab.lsh_candidate_pairs(sig, 1, 8)), [(0, 1)], what="pairs with one band of all 8 rows")
    assert_equal(as_pairs(lab.lsh_candidate_pairs(sig, 8, 1)), [(0, 1), (0, 2), (1, 2)], what="pairs with 8 bands of 1 row")
    with pytest.raises(ValueError):
        lab.lsh_candidate_pairs(np.zeros((2, 3, 4), dtype=np.uint64), 1, 1)
    for bands, rows in ((3, 3), (0, 2), (2, 0), (9, 1)):
        with pytest.raises(ValueError):
            lab.lsh_candidate_pairs(sig, bands, rows)
    with pytest.raises(ValueError):
        lab.lsh_candidate_pairs(np.zeros(8, dtype=np.uint64), 2, 2)


@pytest.mark.points(4)
def test_lsh_follows_the_s_curve(lab):
    """The fraction of pairs that become candidates follows 1 - (1 - s**r)**b (synthetic signatures, many pairs)."""
    rng = np.random.default_rng(12)
    bands, rows, n_pairs = 20, 5, 300
    levels = [0.3, 0.5, 0.6, 0.7, 0.85]
    blocks = []
    for s in levels:
        first = rng.integers(0, P, size=(n_pairs, bands * rows + 3), dtype=np.uint64)
        second = rng.integers(0, P, size=first.shape, dtype=np.uint64)
        same = rng.random(first.shape) < s  # each position agrees independently with probability s
        second[same] = first[same]
        blocks.append(np.stack([first, second], axis=1).reshape(-1, first.shape[1]))  # rows 2t, 2t+1 are pair t
    sig = np.concatenate(blocks)
    found = set(as_pairs(lab.lsh_candidate_pairs(sig, bands, rows)))
    check(all(i % 2 == 0 and j == i + 1 for i, j in found), "a pair of unrelated signatures became a candidate")
    for level, s in enumerate(levels):
        offset = 2 * n_pairs * level
        rate = sum((offset + 2 * t, offset + 2 * t + 1) in found for t in range(n_pairs)) / n_pairs
        p = 1 - (1 - s**rows) ** bands
        tolerance = 4 * math.sqrt(p * (1 - p) / n_pairs) + 0.02
        check(abs(rate - p) <= tolerance, f"for similarity {s}: {rate:.2f} of the pairs became candidates, off the S-curve")


@pytest.mark.points(2)
def test_lsh_agrees_with_datasketch(lab):
    """Candidates from minhash_signatures + lsh_candidate_pairs agree with datasketch.MinHashLSH on well-separated pairs."""
    bands, rows = 16, 8
    num_perm = bands * rows
    rng = random.Random(13)
    pairs = pairs_with_jaccard(13, 60, min_size=40, max_size=120)
    # keep only clearly similar (J >= 0.92) or clearly dissimilar (J <= 0.3) pairs: P(candidate) > 0.999 or < 0.002
    sets, labels = [], []
    for a, b, j in pairs:
        if j >= 0.92 or j <= 0.3:
            sets += [a, b]
            labels.append(j >= 0.92)
    while sum(labels) < 10:  # make sure there are similar pairs
        base = {f"extra {len(sets)} {i}" for i in range(rng.randint(40, 120))}
        sets += [base, set(list(base)[1:])]
        labels.append(True)
    sig = as_signatures(lab.minhash_signatures(sets, num_perm, 21), len(sets), num_perm)
    ours = {(i, j) for i, j in as_pairs(lab.lsh_candidate_pairs(sig, bands, rows)) if j == i + 1 and i % 2 == 0}
    index = MinHashLSH(num_perm=num_perm, params=(bands, rows))
    sketches = []
    for d, s in enumerate(sets):
        m = MinHash(num_perm=num_perm, seed=5)
        m.update_batch([x.encode("utf-8") for x in s])
        index.insert(d, m)
        sketches.append(m)
    theirs = {(2 * t, 2 * t + 1) for t in range(len(labels)) if 2 * t + 1 in index.query(sketches[2 * t])}
    disagree = len(ours ^ theirs)
    check(disagree <= max(1, len(labels) // 50), f"{disagree} of {len(labels)} well-separated pairs disagree with datasketch")


# ---- verification and union-find -------------------------------------------------------------------------


@pytest.mark.points(2)
def test_verify_candidates(lab):
    """verify_candidates keeps pairs with exact Jaccard >= threshold (inclusive), as sorted (min, max) pairs, once."""
    sets = [{"a", "b", "c"}, {"b", "c", "d"}, {"a", "b", "c", "d"}, {"x"}, set(), set()]
    pairs = [(1, 0), (0, 2), (2, 0), (0, 3), (2, 1), (4, 5), (3, 4)]
    assert_equal(as_pairs(lab.verify_candidates(sets, pairs, 0.5)), [(0, 1), (0, 2), (1, 2), (4, 5)], what="pairs at 0.5")
    assert_equal(as_pairs(lab.verify_candidates(sets, pairs, 0.75)), [(0, 2), (1, 2), (4, 5)], what="pairs at 0.75")
    assert_equal(as_pairs(lab.verify_candidates(sets, [], 0.5)), [], what="no candidates")


@pytest.mark.points(2)
def test_union_find_operations(lab):
    """UnionFind: union reports whether it merged, find/connected agree, groups lists every set in order."""
    uf = lab.UnionFind(7)
    check(uf.union(0, 1) is True, "union of two different sets should return True")
    check(uf.union(1, 0) is False, "union of elements already in one set should return False")
    check(uf.union(3, 2) is True and uf.union(5, 6) is True, "union of two different sets should return True")
    check(uf.union(6, 2) is True, "union of two different sets should return True")
    check(uf.union(1, 3) is True, "union of two different sets should return True")
    check(uf.find(0) == uf.find(5) == uf.find(2), "find should give one representative for a merged set")
    check(uf.connected(6, 1) and not uf.connected(4, 0), "connected is wrong")
    assert_equal(uf.groups(), [[0, 1, 2, 3, 5, 6], [4]], what="groups()")
    with pytest.raises(IndexError):
        uf.find(7)


@pytest.mark.points(2)
def test_union_find_edges_and_errors(lab):
    """UnionFind(0) is empty, UnionFind(-1) raises ValueError; elements -1 and n raise IndexError; union of x with itself is False."""
    assert_equal(lab.UnionFind(0).groups(), [], what="groups() of UnionFind(0)")
    with pytest.raises(ValueError):
        lab.UnionFind(-1)
    n = 1000
    uf = lab.UnionFind(n)
    last = int(str(n - 1))  # built at run time: equal to n - 1, not necessarily the same object
    check(uf.union(n - 1, last) is False, "union of an element with itself should return False")
    check(uf.union(0, n - 1) is True and uf.connected(last, 0) is True, "union/connected of 0 and n - 1 are wrong")
    check(uf.union(700, 701) is True, "union of two different sets should return True")
    check(uf.connected(int("700"), int("701")) and uf.connected(int("701"), int("700")), "connected(700, 701) after their union")
    assert_equal(len(uf.groups()), n - 2, what="number of groups after two merges")
    for bad in (-1, n):
        with pytest.raises(IndexError):
            uf.find(bad)
    with pytest.raises(IndexError):
        uf.union(0, -1)
    with pytest.raises(IndexError):
        uf.connected(-1, 0)


@pytest.mark.points(2)
def test_union_find_random_operations(lab):
    """UnionFind on random unions: union's result, connected for many pairs and groups() (twice) agree with a BFS."""
    rng = random.Random(19)
    n = 600
    uf = lab.UnionFind(n)
    edges = []
    for _ in range(500):
        x, y = rng.randrange(n), rng.randrange(n)
        before = bfs_components(n, edges)
        merged = not any(x in c and y in c for c in before) if len(edges) % 50 == 0 else None
        result = uf.union(x, y)
        if merged is not None:
            check(result is merged, "union should return True exactly when the two sets were different")
        edges.append((x, y))
    components = bfs_components(n, edges)
    where = {v: k for k, c in enumerate(components) for v in c}
    for _ in range(2000):
        x, y = rng.randrange(n), rng.randrange(n)
        check(uf.connected(x, y) is (where[x] == where[y]), "connected(x, y) is wrong after random unions")
    assert_equal(uf.groups(), components, what="groups() after random unions")
    assert_equal(uf.groups(), components, what="groups() called a second time")


@pytest.mark.points(3)
def test_connected_components_match_bfs(lab):
    """connected_components equals a breadth-first search on random graphs (self-loops and repeated edges included)."""
    rng = random.Random(14)
    for n, m in ((1, 0), (10, 0), (50, 30), (300, 200), (300, 600)):
        edges = [(rng.randrange(n), rng.randrange(n)) for _ in range(m)]
        edges += edges[: m // 10] + [(y, x) for x, y in edges[: m // 10]]
        assert_equal(lab.connected_components(n, edges), bfs_components(n, edges), what=f"components of a graph with {n} nodes")


@pytest.mark.points(2)
def test_connected_components_long_chains(lab):
    """connected_components handles chains of 30 000 nodes in either direction (no recursion, near-linear time)."""
    n = 30_000
    forward = [(i, i + 1) for i in range(n - 1)]
    backward = [(i + 1, i) for i in range(n - 1)]
    check(lab.connected_components(n, forward) == [list(range(n))], "a chain of (i, i + 1) edges should be one component")
    check(lab.connected_components(n, backward) == [list(range(n))], "a chain of (i + 1, i) edges should be one component")


# ---- de-duplication --------------------------------------------------------------------------------------


@pytest.mark.points(3)
def test_planted_near_duplicates_are_clustered(lab):
    """near_duplicate_clusters finds planted one-word edits, swapped sentences and whitespace noise (word shingles)."""
    texts = planted_corpus(15, n_groups=10, n_single=25)
    sets = [oracle_word_shingles(t, 3) for t in texts]
    assert_well_separated(sets, 0.3, 0.65)
    expected = exact_clusters(sets, 0.5)
    got = lab.near_duplicate_clusters(texts, threshold=0.5, shingle="word", k=3, num_perm=128, bands=32, rows=4, seed=1)
    assert_equal(got, expected, what="near-duplicate clusters")


@pytest.mark.points(2)
def test_char_shingles_cluster_noisy_copies(lab):
    """With character shingles, copies that differ in whitespace and case (and one edit) are clustered."""
    rng = random.Random(16)
    vocab = vocabulary(16)
    texts = []
    for _ in range(6):
        base = " ".join(make_sentences(rng, vocab, 4))
        texts += [base, whitespace_noise(rng, base), whitespace_noise(rng, " ".join(one_word_edit(rng, vocab, [base])))]
    texts += [" ".join(make_sentences(rng, vocab, 4)) for _ in range(10)]
    order = list(range(len(texts)))
    rng.shuffle(order)
    texts = [texts[i] for i in order]
    sets = [oracle_char_shingles(t, 5) for t in texts]
    assert_well_separated(sets, 0.4, 0.8)
    expected = exact_clusters(sets, 0.8)
    check(len(expected) == 6, "test data: expected 6 planted clusters")
    got = lab.near_duplicate_clusters(texts, threshold=0.8, shingle="char", k=5, num_perm=96, bands=24, rows=4, seed=2)
    assert_equal(got, expected, what="near-duplicate clusters with character shingles")


@pytest.mark.points(2)
def test_deduplicate_keeps_first(lab):
    """deduplicate returns the ascending indices to keep: every unclustered text and the first of each cluster."""
    texts = planted_corpus(17, n_groups=8, n_single=10)
    sets = [oracle_word_shingles(t, 3) for t in texts]
    assert_well_separated(sets, 0.3, 0.65)
    clusters = exact_clusters(sets, 0.5)
    expected = [i for i in range(len(texts)) if not any(i in c[1:] for c in clusters)]
    got = lab.deduplicate(texts, threshold=0.5, shingle="word", k=3, num_perm=128, bands=32, rows=4, seed=3)
    assert_equal(got, expected, what="kept indices")
    short = ["Hello world", "something else entirely", "hello,   WORLD!", "Hello there world"]
    assert_equal(lab.deduplicate(short, threshold=0.9, k=3), [0, 1, 3], what="kept indices of short texts")


@pytest.mark.points(2)
def test_distinct_texts_are_all_kept(lab):
    """Unrelated texts form no cluster and all are kept; an unknown shingle kind raises ValueError."""
    rng = random.Random(18)
    vocab = vocabulary(18)
    texts = [" ".join(make_sentences(rng, vocab, rng.randint(2, 6))) for _ in range(60)]
    assert_equal(lab.near_duplicate_clusters(texts, threshold=0.3, seed=4), [], what="clusters of unrelated texts")
    assert_equal(lab.deduplicate(texts, threshold=0.3, shingle="char", k=5, seed=4), list(range(60)), what="kept indices")
    assert_equal(lab.deduplicate([]), [], what="kept indices of an empty corpus")
    word, char = "".join(["w", "ord"]), "".join(["c", "har"])  # built at run time: equal strings, not the same objects
    assert_equal(lab.near_duplicate_clusters(texts=texts[:3], shingle=word), [], what="clusters with shingle='word' (texts=...)")
    assert_equal(lab.near_duplicate_clusters(texts[:3], shingle=char), [], what="clusters with shingle='char'")
    for kind in ("sentence", "", "bigram", "words", "zebra", "WORD"):
        with pytest.raises(ValueError):
            lab.near_duplicate_clusters(texts[:3], shingle=kind)


def oracle_candidates(texts, k=3, num_perm=128, bands=32, rows=4, seed=0) -> tuple[list[set], list[tuple[int, int]]]:
    """Word shingle sets and LSH candidate pairs, with the oracles (exact signatures, banding with dicts)."""
    sets = [oracle_word_shingles(t, k) for t in texts]
    sigs = [oracle_signature(s, num_perm, seed) for s in sets]
    candidates = set()
    for band in range(bands):
        buckets = {}
        for d, sig in enumerate(sigs):
            buckets.setdefault(tuple(sig[band * rows : (band + 1) * rows]), []).append(d)
        candidates.update(p for members in buckets.values() for p in combinations(members, 2))
    return sets, sorted(candidates)


def oracle_clusters(sets, candidates, threshold: float) -> list[list[int]]:
    """Exact verification of the candidates, then connected components (BFS) with at least two texts."""
    edges = [(i, j) for i, j in candidates if exact_jaccard(sets[i], sets[j]) >= threshold]
    return [c for c in bfs_components(len(sets), edges) if len(c) > 1]


def graded_pairs(seed: int, n: int) -> list[str]:
    """Pairs of 10-word texts: most differ in one middle word (word 3-shingle Jaccard 5/11, on LSH's S-curve),
    some in the last word (7/9), some only in letter case and punctuation (1.0)."""
    rng = random.Random(seed)
    vocab = vocabulary(seed)
    texts = []
    for t in range(n):
        words = [rng.choice(vocab) for _ in range(10)]
        other = list(words)
        kind = t % 16
        if kind == 0:
            other = [w.upper() if rng.random() < 0.3 else w for w in other]
            other[-1] += "!"
        else:
            position = 9 if kind == 1 else rng.randint(3, 6)
            other[position] = rng.choice([v for v in vocab if v != words[position]])
        texts += [" ".join(words), " ".join(other)]
    return texts


@pytest.mark.points(2)
def test_near_duplicate_clusters_default_options(lab):
    """near_duplicate_clusters and deduplicate use the documented defaults (threshold 0.8, word k=3, 128 = 32 x 4, seed 0)."""
    texts = graded_pairs(20, 320)
    sets, candidates = oracle_candidates(texts)
    expected = oracle_clusters(sets, candidates, 0.8)
    check(0 < len(expected) < 320, "test data: expected some but not all pairs to be clustered")
    assert_equal(lab.near_duplicate_clusters(texts), expected, what="clusters with every option at its default")
    expected_low = oracle_clusters(sets, candidates, 0.3)
    check(expected_low != expected, "test data: a low threshold should change the clusters")
    assert_equal(lab.near_duplicate_clusters(texts, threshold=0.3), expected_low, what="clusters with threshold=0.3, other defaults")
    keep = [i for i in range(len(texts)) if not any(i in c[1:] for c in expected_low)]
    assert_equal(lab.deduplicate(texts, threshold=0.3), keep, what="kept indices with threshold=0.3, other defaults")


# ---- passive voice ---------------------------------------------------------------------------------------

PASSIVE_CASES = {
    "regular_and_irregular_participles": [
        ("The cake was baked by my aunt.", ["was baked"]),
        ("The windows are cleaned every week.", ["are cleaned"]),
        ("All the letters were delivered yesterday.", ["were delivered"]),
        ("I am watched.", ["am watched"]),
        ("The window was broken.", ["was broken"]),
        ("This song was written in 1990.", ["was written"]),
        ("These rules are known to everyone.", ["are known"]),
        ("Mistakes were made, but lessons were learned.", ["were made", "were learned"]),
        ("The thief was caught and was sent to prison.", ["was caught", "was sent"]),
    ],
    "adverbs_in_between": [
        ("The cake was quickly eaten.", ["was quickly eaten"]),
        ("The report was not finished on time.", ["was not finished"]),
        ("It is often said that time heals.", ["is often said"]),
        ("The door was never really locked.", ["was never really locked"]),
        ("The result is indeed confirmed.", ["is indeed confirmed"]),
    ],
    "tenses_and_contractions": [
        ("The house has been sold.", ["been sold"]),
        ("The road is being repaired.", ["being repaired"]),
        ("The work will be done tomorrow.", ["be done"]),
        ("The bill wasn't paid.", ["wasn't paid"]),
        ("THEY WEREN'T INVITED!", ["weren't invited"]),
    ],
    "active_voice_and_other_ed_words": [
        ("The dog chased the cat.", []),
        ("She has finished her homework.", []),
        ("He had eaten already.", []),
        ("We were talking about the weather.", []),
        ("The sky is blue and the sea is calm.", []),
        ("There were a hundred people.", []),
        ("The place is sacred.", []),
        ("The path was rugged and steep.", []),
        ("The king was wicked.", []),
        ("The answer is indeed correct.", []),
    ],
    "adjectival_participles": [
        ("I am tired.", []),
        ("She was interested in the offer.", []),
        ("The children are excited about the trip.", []),
        ("He is used to the noise.", []),
        ("They were married in June and are still happily married.", []),
    ],
    "adjectival_with_agent": [
        ("She was surprised by the result.", ["was surprised"]),
        ("The children were frightened by the storm.", ["were frightened"]),
        ("This tool is used by millions.", ["is used"]),
        ("I am tired of it, but he was tired by noon.", ["was tired"]),
        ("This is the tool they were amazed by.", ["were amazed"]),
    ],
    "word_lengths_and_edges": [
        ("It was seen, was heard and was felt.", ["was seen", "was heard", "was felt"]),
        ("The form was duly signed.", ["was duly signed"]),
        ("The fox was sly noticed.", []),
        ("The money was owed.", ["was owed"]),
        ("They were wed in June.", []),
        ("I wonder where they were.", []),
        ("Was eaten by wolves, the lamb.", ["was eaten"]),
        ("Eaten, it was.", []),
        ("Is", []),
        ("", []),
    ],
}


@pytest.mark.points(2)
@pytest.mark.parametrize("case", list(PASSIVE_CASES))
def test_passive_phrases(lab, case):
    """passive_phrases follows the stated policy (be-verb, adverbs, participles, adjectival participles)."""
    sentences = [s for s, _ in PASSIVE_CASES[case]]
    results = lab.map(lab.passive_phrases, [(s,) for s in sentences])
    flags = lab.map(lab.is_passive, [(s,) for s in sentences])
    for i, ((_, expected), got, flag) in enumerate(zip(PASSIVE_CASES[case], results, flags), 1):
        assert_equal(got, expected, what=f"passive phrases of '{case}' sentence {i}")
        check(flag is bool(expected), f"is_passive of '{case}' sentence {i} is wrong")


GET_CASES = [
    ("He got fired last week.", ["got fired"]),
    ("She gets paid on Fridays.", ["gets paid"]),
    ("They got tired quickly.", []),
    ("We got a letter.", []),
    ("He got hit by a car and was taken to hospital.", ["got hit", "was taken"]),
]


@pytest.mark.points(1)
def test_passive_phrases_long_sentence(lab):
    """passive_phrases on a 330-word sentence, ending with an auxiliary and an adverb or with a participle."""
    body = " ".join(["the cake was eaten and"] * 60 + ["a pie is baked then"] * 6)
    for ending, last in ((" it was never", []), (" it was eaten", ["was eaten"]), (" so it is", [])):
        sentence = body + ending
        expected = ["was eaten"] * 60 + ["is baked"] * 6 + last
        assert_equal(lab.passive_phrases(sentence), expected, what=f"passive phrases of a long sentence ending in '{ending.strip()}'")
        check(lab.is_passive(sentence=sentence) is True, "is_passive(sentence=...) of a long sentence is wrong")


@pytest.mark.points(2)
def test_get_passives_only_when_asked(lab):
    """Get-passives ('got fired') count only with include_get=True; be-passives count either way."""
    for i, (sentence, expected) in enumerate(GET_CASES, 1):
        assert_equal(lab.passive_phrases(sentence, include_get=True), expected, what=f"get-passive sentence {i} with include_get")
        without = [p for p in expected if p.split()[0] not in {"got", "gets"}]
        assert_equal(lab.passive_phrases(sentence), without, what=f"get-passive sentence {i} without include_get")
        check(lab.is_passive(sentence, include_get=True) is bool(expected), f"is_passive of get-passive sentence {i} is wrong")
    check(lab.is_passive("He got fired.") is False, "is_passive without include_get should not report a get-passive")
    assert_equal(lab.passive_phrases(sentence="The parcel was gotten delivered.", include_get=True), ["was gotten"],
                 what="passive phrases when a participle is also a form of 'get' (the scan goes on after it)")
    assert_equal(lab.passive_phrases("The parcel was gotten delivered."), ["was gotten"], what="the same without include_get")
