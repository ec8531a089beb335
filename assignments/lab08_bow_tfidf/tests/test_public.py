"""Public sanity checks for lab 08 (bag of words and TF-IDF).

They use the docstring examples and a three-document corpus small enough to
check by hand (see the handout's worked example). Passing them is a good
start, not a guarantee: the hidden tests compare every function with
scikit-learn on larger corpora and every combination of the options.

Run them with ``autograder test lab08_bow_tfidf`` or ``pytest assignments/lab08_bow_tfidf``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

CORPUS = ["The cat sat.", "The dog sat, the dog ran!", "A dog barked"]
# terms: the, cat, sat | the, dog, sat, the, dog, ran | dog, barked   ("A" is too short to be a token)
VOCABULARY = {"barked": 0, "cat": 1, "dog": 2, "ran": 3, "sat": 4, "the": 5}
COUNTS = np.array(
    [
        [0, 1, 0, 0, 1, 1],
        [0, 0, 2, 1, 1, 2],
        [1, 0, 1, 0, 0, 0],
    ]
)


def to_dense(csr) -> np.ndarray:
    data, indices, indptr, shape = csr
    out = np.zeros(shape)
    for row in range(shape[0]):
        for k in range(indptr[row], indptr[row + 1]):
            out[row, indices[k]] += data[k]
    return out


def test_analyze_docstring_examples(lab):
    got = lab.analyze("The cat sat on the mat", ngram_range=(1, 2), stop_words=["on"])
    assert got == ["the", "cat", "sat", "the", "mat", "the cat", "cat sat", "sat the", "the mat"], (
        f"got {got}: all unigrams first, then bigrams; stop words are removed before the bigrams are formed"
    )
    got = lab.analyze("Don't stop, 2 b_c!")
    assert got == ["don", "stop", "b_c"], f"got {got}: tokens have at least two word characters (\\w includes _)"


def test_vocabulary_is_sorted(lab):
    got = lab.build_vocabulary(CORPUS)
    assert got == VOCABULARY, f"got {got}: every term, with indices in sorted term order"


def test_vocabulary_document_frequency_filters(lab):
    assert lab.build_vocabulary(CORPUS, min_df=2) == {"dog": 0, "sat": 1, "the": 2}, "min_df=2 keeps terms in >= 2 documents"
    assert lab.build_vocabulary(CORPUS, max_df=1) == {"barked": 0, "cat": 1, "ran": 2}, (
        "an int max_df is a number of documents: max_df=1 keeps terms found in one document only"
    )
    assert lab.build_vocabulary(CORPUS, max_df=1.0) == VOCABULARY, "a float max_df is a proportion: 1.0 keeps every term"
    with pytest.raises(ValueError):
        lab.build_vocabulary(CORPUS, min_df=3)  # no term is in all three documents


def test_count_matrix_small_corpus(lab):
    csr = lab.count_matrix(CORPUS, VOCABULARY)
    assert isinstance(csr, tuple) and len(csr) == 4, "count_matrix returns a tuple (data, indices, indptr, shape)"
    data, indices, indptr, shape = csr
    assert tuple(shape) == (3, 6), f"shape should be (n_documents, n_terms), got {shape}"
    assert data.dtype == np.int64, f"counts should be int64, got {data.dtype}"
    assert list(indptr) == [0, 3, 7, 9], f"indptr should be [0, 3, 7, 9] (3, 4 and 2 distinct terms per row), got {list(indptr)}"
    assert np.array_equal(to_dense(csr), COUNTS), f"wrong counts:\n{to_dense(csr)}"


def test_idf_small_corpus(lab):
    counts = lab.count_matrix(CORPUS, VOCABULARY)
    df = np.array([1, 1, 2, 1, 2, 2])
    smooth = lab.idf_weights(counts, smooth_idf=True)
    assert np.allclose(smooth, np.log(4 / (1 + df)) + 1), f"smoothed idf is ln((1 + n) / (1 + df)) + 1, got {smooth}"
    raw = lab.idf_weights(counts, smooth_idf=False)
    assert np.allclose(raw, np.log(3 / df) + 1), f"unsmoothed idf is ln(n / df) + 1, got {raw}"


def test_tfidf_rows_have_unit_length(lab):
    csr = lab.tfidf_fit_transform(CORPUS + [""])
    dense = to_dense(csr)
    norms = np.linalg.norm(dense, axis=1)
    assert np.allclose(norms, [1, 1, 1, 0]), f"with norm='l2' non-empty rows have length 1 and empty rows stay 0, got {norms}"
    # "the" and "sat" appear in the same documents, so they get the same idf
    assert math.isclose(dense[0, 4], dense[0, 5]), "cat-sat-the: 'sat' and 'the' have tf 1 and the same idf"


def test_cosine_top_k_small(lab):
    matrix = lab.count_matrix(CORPUS, VOCABULARY)
    query = lab.count_matrix(["dog dog"], VOCABULARY)
    indices, scores = lab.cosine_top_k(matrix, query, 2)
    assert indices.shape == (1, 2), f"one row per query, k columns; got shape {indices.shape}"
    assert list(indices[0]) == [2, 1], f"document 2 is closest to 'dog dog', then document 1; got {list(indices[0])}"
    assert np.allclose(scores[0], [1 / math.sqrt(2), 2 / math.sqrt(10)]), f"cosine similarities, got {scores[0]}"
