"""Public sanity checks for lab 04 (dataset utilities).

Run them with ``autograder test lab04_dataset_utilities`` or
``pytest assignments/lab04_dataset_utilities``. They mostly use the examples
of the docstrings; the graded tests are far more thorough (exact hashing on
many inputs, MinHash statistics over many pairs, comparisons with datasketch,
the LSH S-curve, planted near-duplicates, a labelled set of sentences).
"""

from __future__ import annotations

import zlib

import numpy as np

P = (1 << 61) - 1


def test_word_shingles_docstring_example(lab):
    result = lab.word_shingles("The cat sat on the mat.", 3)
    assert result == {"the cat sat", "cat sat on", "sat on the", "on the mat"}, f"got {result}"


def test_char_shingles_docstring_example(lab):
    result = lab.char_shingles("Ab  C", 3)
    assert result == {"ab ", "b c"}, f"lower-case and collapse whitespace first; got {result}"


def test_hash_shingle_is_stable(lab):
    assert lab.hash_shingle("abc") == zlib.crc32(b"abc"), "hash_shingle must be zlib.crc32 of the UTF-8 bytes"


def test_universal_hash_does_not_overflow(lab):
    out = np.asarray(lab.universal_hash([0, 10, 2**32 - 5], [3, P - 1], [4, 0]))
    assert out.shape == (2, 3), f"expected shape (len(a), len(x)) = (2, 3), got {out.shape}"
    expected = [[(a * x + b) % P for x in (0, 10, 2**32 - 5)] for a, b in ((3, 4), (P - 1, 0))]
    assert out.tolist() == expected, "values differ from exact (a*x + b) mod p: does a*x overflow uint64?"


def test_signatures_shape_and_empty_set(lab):
    sig = lab.minhash_signatures([{"a b", "b c"}, set(), {"b c", "a b"}], 32, 0)
    assert isinstance(sig, np.ndarray) and sig.dtype == np.uint64, "signatures must be a uint64 numpy array"
    assert sig.shape == (3, 32), f"expected shape (3, 32), got {sig.shape}"
    assert (sig[1] == P).all(), "an empty set's signature is MERSENNE_PRIME everywhere"
    assert (sig[0] == sig[2]).all(), "equal sets must have equal signatures"


def test_estimate_is_close_to_jaccard(lab):
    a = {f"s{i}" for i in range(0, 150)}
    b = {f"s{i}" for i in range(50, 200)}  # Jaccard = 100 / 200 = 0.5
    sig = lab.minhash_signatures([a, b], 256, 1)
    estimate = lab.estimate_jaccard(sig[0], sig[1])
    assert abs(estimate - 0.5) < 0.15, f"estimate {estimate:.3f} is far from the exact Jaccard 0.5"
    assert lab.jaccard(a, b) == 0.5, "exact Jaccard of the two sets is 0.5"


def test_lsh_small_example(lab):
    sig = np.array([[1, 2, 3, 4], [1, 2, 9, 9], [7, 2, 3, 8], [0, 0, 3, 4]], dtype=np.uint64)
    pairs = [tuple(p) for p in lab.lsh_candidate_pairs(sig, 2, 2)]
    assert pairs == [(0, 1), (0, 3)], f"bands are columns [0, 1] and [2, 3]; got {pairs}"


def test_union_find_small_example(lab):
    assert lab.connected_components(5, [(0, 3), (3, 4)]) == [[0, 3, 4], [1], [2]], "components, ordered by smallest node"


def test_deduplicate_keeps_first(lab):
    texts = ["the cat sat on the mat", "something else entirely here", "The cat  sat on the MAT!"]
    assert lab.deduplicate(texts, threshold=0.8) == [0, 1], "the first text of each cluster is kept"


def test_passive_docstring_examples(lab):
    assert lab.passive_phrases("The cake was quickly eaten.") == ["was quickly eaten"], "adverbs may come in between"
    assert lab.passive_phrases("I am tired.") == [], "adjectival participles are not passives (without 'by')"
    assert lab.is_passive("She was surprised by the news."), "an adjectival participle followed by 'by' is a passive"
