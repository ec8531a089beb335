"""Public sanity checks for lab 12 (properties of word embeddings).

They use a toy embedding of six words in three dimensions whose answers can
be worked out by hand (see the handout). Passing them is a good start, not a
guarantee: the hidden tests compare your functions with gensim and scipy on
larger random embeddings and files.

Run them with ``autograder test lab12_embedding_properties`` or
``pytest assignments/lab12_embedding_properties``.
"""

from __future__ import annotations

import math
import struct

import numpy as np
import pytest

# dimensions: (royal, female, person, fruit)
TOY_WORDS = ["man", "woman", "king", "queen", "apple", "pear"]
TOY_VECTORS = np.array(
    [
        [0.1, 0.0, 1.0, 0.0],
        [0.1, 1.0, 1.0, 0.0],
        [1.0, 0.0, 1.0, 0.0],
        [1.0, 1.0, 1.0, 0.0],
        [0.0, 0.1, 0.0, 1.0],
        [0.0, 0.2, 0.1, 1.0],
    ],
    dtype=np.float32,
)


def test_read_word2vec_text_small_file(lab, tmp_path):
    path = tmp_path / "toy.txt"
    path.write_text("2 3\nhello 1 2 3\nwörld 0.5 -1 2.25\n", encoding="utf-8")
    words, vectors = lab.read_word2vec_text(lab.put_file(path))
    assert list(words) == ["hello", "wörld"], f"got words {words}: the header line '2 3' is not a word"
    assert isinstance(vectors, np.ndarray) and vectors.dtype == np.float32, "vectors must be a float32 numpy array"
    assert vectors.shape == (2, 3), f"vectors must have shape (2, 3), got {vectors.shape}"
    assert np.array_equal(vectors, [[1, 2, 3], [0.5, -1, 2.25]])


def test_read_word2vec_binary_small_file(lab, tmp_path):
    path = tmp_path / "toy.bin"
    body = b"hello " + struct.pack("<2f", 1.0, -2.5) + "wörld ".encode() + struct.pack("<2f", 0.25, 8.0)
    path.write_bytes(b"2 2\n" + body)
    words, vectors = lab.read_word2vec_binary(lab.put_file(path))
    assert list(words) == ["hello", "wörld"], f"got words {words}: words are UTF-8, followed by one space"
    assert np.array_equal(vectors, [[1.0, -2.5], [0.25, 8.0]]), "the values are little-endian float32 ('<f4')"


def test_read_glove_small_file(lab, tmp_path):
    path = tmp_path / "toy.glove"
    path.write_text("the 0.1 0.2\ncat -1 1\n", encoding="utf-8")
    words, vectors = lab.read_glove(lab.put_file(path))
    assert list(words) == ["the", "cat"], f"got words {words}: a GloVe file has no header line"
    assert vectors.shape == (2, 2)


def test_nearest_neighbours_toy(lab):
    got = lab.nearest_neighbours(TOY_WORDS, TOY_VECTORS, "apple", 2)
    assert [w for w, _ in got] == ["pear", "woman"], f"got {got}: 'pear' points almost the same way as 'apple'"
    apple, pear = TOY_VECTORS[4], TOY_VECTORS[5]
    cosine = float(apple @ pear / np.linalg.norm(apple) / np.linalg.norm(pear))
    assert got[0][1] == pytest.approx(cosine, abs=1e-6), "the score is the cosine similarity"
    everything = [w for w, _ in lab.nearest_neighbours(TOY_WORDS, TOY_VECTORS, "apple", 10)]
    assert "apple" not in everything, "the query word must be left out"
    assert everything[-2:] == ["man", "king"], "'man' and 'king' tie at cosine 0: the earlier word in the vocabulary comes first"


@pytest.mark.parametrize("method", ["3cosadd", "3cosmul"])
def test_analogy_king_queen(lab, method):
    got = lab.analogy(TOY_WORDS, TOY_VECTORS, "man", "king", "woman", 1, method)
    assert [w for w, _ in got] == ["queen"], f"man : king :: woman : ? should be 'queen' with {method}, got {got}"


def test_spearman_small_examples(lab):
    assert lab.spearman_correlation([1, 2, 3, 4], [10, 20, 30, 45]) == pytest.approx(1.0), "a monotone relation gives rho = 1"
    assert lab.spearman_correlation([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    # ranks: x -> 1, 2.5, 2.5, 4 and y -> 1, 2, 3, 4
    assert lab.spearman_correlation([5, 7, 7, 9], [1, 2, 3, 4]) == pytest.approx(0.9486832980505138), "tied values get their average rank"


def test_evaluate_similarity_counts_skipped_pairs(lab):
    pairs = [("king", "queen", 8.0), ("apple", "pear", 9.0), ("man", "apple", 1.0), ("king", "banana", 2.0)]
    got = lab.evaluate_similarity(TOY_WORDS, TOY_VECTORS, pairs)
    assert got["pairs_used"] == 3 and got["pairs_skipped"] == 1, f"got {got}: 'banana' is not in the vocabulary"
    assert -1.0 <= got["spearman"] <= 1.0


def test_weat_toy_direction(lab):
    result = lab.weat(TOY_WORDS, TOY_VECTORS, ["king", "queen"], ["apple", "pear"], ["man"], ["woman"], None, 0)
    assert set(result) >= {"effect_size", "statistic", "p_value"}, f"weat returned keys {sorted(result)}"
    assert -2.0 <= result["effect_size"] <= 2.0, "an effect size is a difference of means over a std: |d| <= 2 for tiny sets"
    assert 1 / 6 - 1e-9 <= result["p_value"] <= 1.0, "the exact p-value counts the observed split among the C(4, 2) = 6"
    with pytest.raises(ValueError):
        lab.weat(TOY_WORDS, TOY_VECTORS, ["king", "queen"], ["apple"], ["man"], ["woman"], None, 0)
