"""Hidden tests for lab 08 (bag of words and TF-IDF).

Oracles: scikit-learn's ``CountVectorizer`` (``build_analyzer``,
``vocabulary_``, ``transform``), ``TfidfTransformer`` and ``TfidfVectorizer``,
fitted here in the trusted runner with the same options, compared to 1e-9.
One rule is the lab's own: ``max_features`` breaks ties in total count by term
order. scikit-learn sorts with NumPy's unstable default sort, so its choice
among tied terms at the cut-off is machine-dependent; the oracle
(:func:`oracle_counts`) makes the stable choice explicit and checks itself
against plain scikit-learn wherever the cut-off has no tie. Cosine search is
compared with a brute-force dense numpy computation.

Sparse results come back as CSR tuples ``(data, indices, indptr, shape)``;
:func:`dense` rebuilds them (duplicates summed, unsorted indices allowed) so
that only the ``*_canonical_*`` tests judge the structure itself.
"""

from __future__ import annotations

import math
import random
import warnings
from functools import lru_cache
from itertools import product

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer, TfidfVectorizer

from autograder.testing import assert_close, assert_equal, check

TOL = dict(atol=1e-9, rtol=1e-9)
EXACT = dict(atol=0, rtol=0)
ANALYSIS = ("lowercase", "token_pattern", "ngram_range", "stop_words")

CORPUS = (
    "The quick brown fox jumps over the lazy dog.",
    "A quick brown dog outpaces a quick fox!",
    "The dog sleeps; the fox doesn't sleep.",
    "Foxes and dogs are not the same animals, are they?",
    "Lazy afternoons: the cat sleeps, the dog sleeps, the fox sleeps.",
    "Café society in Zürich: naïve ÉCLAIRS and crème brûlée.",
    "The QUICK cat and the quick dog play in the garden",
    "A garden of 42 roses, 7 tulips and 1_000 daisies",
    "snake_case identifiers and CamelCase identifiers in code",
    "I saw a saw that could saw saws",
    "Data science: the science of data, the data of science.",
    "the lazy dog and the lazy cat",
)

# unseen documents for transform: known terms, unknown terms, nothing at all
NEW_DOCUMENTS = (
    "The lazy fox and the zebra.",
    "Zebras, giraffes and okapis!",
    "",
    "A quick quick quick dog in a garden of roses",
    "I ? !",
)

STOP_WORDS = ["the", "a", "and", "of", "in"]

GRID_WORDS = (
    "apple banana cherry date elder fig grape honey iris jade kiwi lemon mango nectar olive peach "
    "quince rose sage thyme umber vanilla walnut yarrow"
).split()


def grid_corpus() -> tuple[str, ...]:
    """24 generated documents over a 24-word vocabulary (Zipf-like frequencies, some capitals)."""
    rng = random.Random(8)
    weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(GRID_WORDS))]
    documents = []
    for _ in range(24):
        words = rng.choices(GRID_WORDS, weights=weights, k=rng.randint(4, 14))
        documents.append(" ".join(w.upper() if rng.random() < 0.1 else w for w in words) + ".")
    return tuple(documents)


GRID = grid_corpus()
GRID_MIN_DF = (1, 2, 0.2)
GRID_MAX_DF = (1.0, 0.6, 8)
GRID_MAX_FEATURES = (None, 6, 20)
NGRAMS = {"1-1": (1, 1), "1-2": (1, 2), "2-3": (2, 3)}


# ---- oracles ----------------------------------------------------------------------------------------------


def _sk(options: dict) -> dict:
    """The lab's options as scikit-learn keyword arguments (stop words as a list)."""
    options = dict(options)
    if options.get("stop_words") is not None:
        options["stop_words"] = list(options["stop_words"])
    return options


@lru_cache(maxsize=None)
def _oracle_counts(documents: tuple[str, ...], options: tuple) -> tuple[dict, np.ndarray] | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scikit-learn's notes about stop words
        return _fit_counts(documents, {k: v for k, _, v in options})


def _fit_counts(documents: tuple[str, ...], options: dict) -> tuple[dict, np.ndarray] | None:
    max_features = options.pop("max_features", None)
    analysis = {key: value for key, value in options.items() if key in ANALYSIS}
    try:
        cv = CountVectorizer(**_sk(options))
        counts = cv.fit_transform(list(documents))
    except ValueError:
        return None
    if max_features is not None and len(cv.vocabulary_) > max_features:
        names = cv.get_feature_names_out()  # sorted terms
        totals = np.asarray(counts.sum(axis=0)).ravel()
        order = np.argsort(-totals, kind="stable")  # ties: smaller term first
        kept = sorted(names[order[:max_features]])
        cv = CountVectorizer(vocabulary=kept, **_sk(analysis))
        counts = cv.fit_transform(list(documents))
        if totals[order[max_features - 1]] != totals[order[max_features]]:  # no tie at the cut-off
            plain = CountVectorizer(max_features=max_features, **_sk(options)).fit(list(documents))
            if plain.vocabulary_ != cv.vocabulary_:
                raise RuntimeError("oracle self-check failed: max_features differs from scikit-learn")
    return dict(cv.vocabulary_), counts.toarray()


def oracle_counts(documents, **options) -> tuple[dict, np.ndarray] | None:
    """(vocabulary, dense counts) of CountVectorizer fitted on ``documents``, with the
    lab's max_features tie-break; None where scikit-learn raises ValueError."""
    # the key carries the type of each value: max_df=1 and max_df=1.0 are equal but mean different things
    key = tuple(sorted((k, type(v).__name__, tuple(v) if isinstance(v, list) else v) for k, v in options.items()))
    return _oracle_counts(tuple(documents), key)


def oracle_tfidf(documents, *, smooth_idf=True, sublinear_tf=False, norm="l2", **options) -> np.ndarray | None:
    """Dense TF-IDF matrix of TfidfVectorizer with the same options (and the lab's tie-break)."""
    fitted = oracle_counts(documents, **options)
    if fitted is None:
        return None
    transformer = TfidfTransformer(smooth_idf=smooth_idf, sublinear_tf=sublinear_tf, norm=norm)
    with sklearn.config_context(skip_parameter_validation=True, assume_finite=True):  # the grid makes many calls
        return transformer.fit_transform(sp.csr_matrix(fitted[1])).toarray()


def oracle_vectorizer(documents, *, smooth_idf=True, sublinear_tf=False, norm="l2", **options) -> TfidfVectorizer:
    """TfidfVectorizer fitted on ``documents`` with the vocabulary of :func:`oracle_counts`."""
    vocabulary, _ = oracle_counts(documents, **options)
    analysis = {key: value for key, value in options.items() if key in ANALYSIS}
    vectorizer = TfidfVectorizer(vocabulary=vocabulary, smooth_idf=smooth_idf, sublinear_tf=sublinear_tf, norm=norm, **_sk(analysis))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return vectorizer.fit(list(documents))


def sk_csr(matrix) -> tuple:
    """A scipy matrix (or dense array) as the lab's CSR tuple, with plain int shape."""
    m = sp.csr_array(matrix)
    m.sort_indices()
    return m.data.copy(), m.indices.astype(np.int64), m.indptr.astype(np.int64), (int(m.shape[0]), int(m.shape[1]))


# ---- checking CSR results ---------------------------------------------------------------------------------


def dense(result, what: str) -> np.ndarray:
    """A returned CSR tuple as a dense float64 array (repeated entries summed), after
    checking that its parts fit together."""
    check(isinstance(result, (tuple, list)) and len(result) == 4, f"{what}: expected a CSR tuple (data, indices, indptr, shape)")
    data, indices, indptr, shape = result
    check(
        all(isinstance(a, np.ndarray) for a in (data, indices, indptr)),
        f"{what}: data, indices and indptr should be numpy arrays",
    )
    check(
        isinstance(shape, (tuple, list)) and len(shape) == 2 and all(isinstance(s, (int, np.integer)) for s in shape),
        f"{what}: shape should be a tuple of two ints",
    )
    n_rows, n_cols = (int(s) for s in shape)
    check(data.ndim == indices.ndim == indptr.ndim == 1, f"{what}: data, indices and indptr should be 1-D arrays")
    check(indices.dtype.kind in "iu" and indptr.dtype.kind in "iu", f"{what}: indices and indptr should be integer arrays")
    check(indptr.shape == (n_rows + 1,), f"{what}: indptr should have shape[0] + 1 = {n_rows + 1} entries, got {indptr.shape[0]}")
    check(len(indptr) == 0 or indptr[0] == 0, f"{what}: indptr[0] should be 0")
    check(bool(np.all(np.diff(indptr) >= 0)), f"{what}: indptr should be non-decreasing")
    check(len(data) == len(indices) == indptr[-1], f"{what}: len(data), len(indices) and indptr[-1] should be equal")
    check(bool(np.all((indices >= 0) & (indices < n_cols))), f"{what}: column indices out of range [0, {n_cols})")
    out = np.zeros((n_rows, n_cols))
    rows = np.repeat(np.arange(n_rows), np.diff(indptr))
    np.add.at(out, (rows, indices.astype(np.int64)), data.astype(np.float64))
    return out


def check_canonical(result, what: str, data_dtype) -> None:
    """The CSR tuple has the dtype, sorted unique column indices per row and no stored zeros."""
    dense(result, what)
    data, indices, indptr, _ = result
    check(data.dtype == data_dtype, f"{what}: data should have dtype {np.dtype(data_dtype).name}, got {data.dtype}")
    rows = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))
    same_row = rows[1:] == rows[:-1]
    check(bool(np.all(np.diff(indices.astype(np.int64))[same_row] > 0)), f"{what}: column indices should be strictly increasing within each row")
    check(bool(np.all(data != 0)), f"{what}: no zero values should be stored")


def compare_vocabulary(got, expected: dict, what: str) -> None:
    check(isinstance(got, dict), f"{what}: expected a dict term -> index, got {type(got).__name__}")
    assert_equal({str(k): int(v) for k, v in got.items()}, expected, what=what)


def fresh(name):
    """A copy of a string built at run time (None stays None): a solution compares with ``==``, never ``is``."""
    return None if name is None else "".join(list(name))


def expect_value_error(call, what: str) -> None:
    try:
        call()
    except ValueError:
        return
    except NotImplementedError:
        raise
    raise AssertionError(f"{what}: expected a ValueError")


# ---- analysis ---------------------------------------------------------------------------------------------


@pytest.mark.points(2)
def test_analyze_matches_sklearn_unigrams(lab):
    """analyze with default options: lower-cased tokens of 2+ word characters, as scikit-learn's analyzer."""
    analyzer = CountVectorizer().build_analyzer()
    for i, document in enumerate(CORPUS + NEW_DOCUMENTS):
        assert_equal(lab.analyze(document), analyzer(document), what=f"analyze(document {i})")


@pytest.mark.points(1)
def test_analyze_keeps_case_when_lowercase_false(lab):
    """analyze(lowercase=False) keeps the original case."""
    analyzer = CountVectorizer(lowercase=False, ngram_range=(1, 2)).build_analyzer()
    for i, document in enumerate(CORPUS):
        got = lab.analyze(document, lowercase=False, ngram_range=(1, 2))
        assert_equal(got, analyzer(document), what=f"analyze(document {i}, lowercase=False)")


@pytest.mark.points(2)
@pytest.mark.parametrize("ngrams", ["1-2", "2-3"])
def test_analyze_ngrams_match_sklearn(lab, ngrams):
    """Word n-grams of each document, in scikit-learn's order (all 1-grams, then all 2-grams, ...)."""
    analyzer = CountVectorizer(ngram_range=NGRAMS[ngrams]).build_analyzer()
    for i, document in enumerate(CORPUS + NEW_DOCUMENTS):
        got = lab.analyze(document, ngram_range=NGRAMS[ngrams])
        assert_equal(got, analyzer(document), what=f"analyze(document {i}, ngram_range={NGRAMS[ngrams]})")


@pytest.mark.points(2)
def test_analyze_removes_stop_words_before_ngrams(lab):
    """Stop words are removed from the tokens before the n-grams are formed."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        analyzer = CountVectorizer(ngram_range=(1, 3), stop_words=STOP_WORDS).build_analyzer()
        for i, document in enumerate(CORPUS):
            got = lab.analyze(document, ngram_range=(1, 3), stop_words=STOP_WORDS)
            assert_equal(got, analyzer(document), what=f"analyze(document {i}, ngram_range=(1, 3), stop_words=...)")


@pytest.mark.points(1)
def test_analyze_custom_token_pattern(lab):
    """A custom token_pattern replaces the default one."""
    for pattern in (r"(?u)\b\w+\b", r"\S+"):
        analyzer = CountVectorizer(token_pattern=pattern, ngram_range=(1, 2)).build_analyzer()
        for i, document in enumerate(CORPUS):
            got = lab.analyze(document, token_pattern=pattern, ngram_range=(1, 2))
            assert_equal(got, analyzer(document), what=f"analyze(document {i}, token_pattern={pattern!r})")


# ---- vocabulary -------------------------------------------------------------------------------------------


@pytest.mark.points(2)
def test_vocabulary_default_matches_sklearn(lab):
    """build_vocabulary with default options: every term, indexed in sorted term order."""
    compare_vocabulary(lab.build_vocabulary(list(CORPUS)), oracle_counts(CORPUS)[0], "build_vocabulary(CORPUS)")
    options = dict(ngram_range=(1, 2), stop_words=STOP_WORDS)
    compare_vocabulary(
        lab.build_vocabulary(list(CORPUS), **options), oracle_counts(CORPUS, **options)[0], "build_vocabulary with bigrams and stop words"
    )


def _compare_filtered_vocabularies(lab, documents, option_sets) -> None:
    for options in option_sets:
        expected = oracle_counts(documents, **options)
        what = f"build_vocabulary({', '.join(f'{k}={v!r}' for k, v in options.items())})"
        if expected is None:
            expect_value_error(lambda: lab.build_vocabulary(list(documents), **options), what)
        else:
            compare_vocabulary(lab.build_vocabulary(list(documents), **options), expected[0], what)


@pytest.mark.points(2)
def test_vocabulary_min_df_matches_sklearn(lab):
    """min_df as a number of documents (int) or a proportion of them (float)."""
    values = [1, 2, 3, 5, 0.0, 0.1, 0.2, 0.25, 0.5]
    _compare_filtered_vocabularies(lab, CORPUS, [{"min_df": v} for v in values])
    _compare_filtered_vocabularies(lab, GRID, [{"min_df": v, "ngram_range": (1, 2)} for v in values])


@pytest.mark.points(2)
def test_vocabulary_max_df_matches_sklearn(lab):
    """max_df as a number of documents (int, so 1 means one document) or a proportion (float, so 1.0 means all)."""
    values = [1.0, 1, 2, 3, 8, 30, 0.1, 0.3, 0.5, 0.75]
    _compare_filtered_vocabularies(lab, CORPUS, [{"max_df": v} for v in values])
    _compare_filtered_vocabularies(lab, GRID, [{"max_df": v} for v in values] + [{"max_df": 0.5, "min_df": 2}])


@pytest.mark.points(2)
def test_vocabulary_max_features_matches_sklearn(lab):
    """max_features keeps the terms with the largest total counts (no ties at the cut-off here)."""
    cases = [
        (CORPUS, {"max_features": 1}),
        (CORPUS, {"max_features": 7}),
        (CORPUS, {"max_features": 200}),
        (GRID, {"max_features": 3}),
        (GRID, {"max_features": 12}),
        (GRID, {"max_features": 6, "max_df": 0.6}),
        (GRID, {"max_features": 8, "min_df": 2, "ngram_range": (1, 2)}),
        (GRID, {"max_features": 10, "ngram_range": (2, 2)}),
    ]
    for documents, options in cases:
        _compare_filtered_vocabularies(lab, documents, [options])


@pytest.mark.points(2)
def test_vocabulary_max_features_ties_broken_by_term_order(lab):
    """Among terms with equal total counts at the max_features cut-off, the smaller terms are kept."""
    documents = ["pear apple fig", "fig kiwi date", "cherry banana apple"]
    # totals: apple 2, fig 2, every other word 1
    compare_vocabulary(lab.build_vocabulary(documents, max_features=3), {"apple": 0, "banana": 1, "fig": 2}, "max_features=3 with ties")
    compare_vocabulary(lab.build_vocabulary(["bb aa", "aa bb"], max_features=1), {"aa": 0}, "max_features=1 with a tie")
    cases = [
        (CORPUS, {"max_features": 5}),
        (CORPUS, {"max_features": 12, "ngram_range": (1, 2)}),
        (GRID, {"max_features": 20, "ngram_range": (2, 2)}),
        (GRID, {"max_features": 7, "ngram_range": (1, 3), "min_df": 2}),
    ]
    for documents, options in cases:
        _compare_filtered_vocabularies(lab, documents, [options])


# ---- counts -----------------------------------------------------------------------------------------------


@pytest.mark.points(2)
def test_count_matrix_matches_sklearn(lab):
    """count_matrix equals CountVectorizer's document-term matrix (given scikit-learn's vocabulary)."""
    for options in ({}, {"ngram_range": (1, 2)}, {"ngram_range": (1, 3), "stop_words": STOP_WORDS, "lowercase": False}):
        vocabulary, expected = oracle_counts(CORPUS, **options)
        got = lab.count_matrix(list(CORPUS), vocabulary, **options)
        assert_close(dense(got, "count_matrix"), expected, **EXACT, what=f"count_matrix with {options}")


@pytest.mark.points(2)
def test_count_matrix_is_canonical_csr(lab):
    """count_matrix returns a canonical CSR tuple: int64 counts, sorted column indices per row, no stored zeros."""
    for options in ({}, {"ngram_range": (1, 2)}):
        vocabulary, _ = oracle_counts(CORPUS, **options)
        check_canonical(lab.count_matrix(list(CORPUS + NEW_DOCUMENTS), vocabulary, **options), f"count_matrix with {options}", np.int64)


@pytest.mark.points(2)
def test_count_matrix_ignores_unknown_terms(lab):
    """Counting unseen documents over a given vocabulary (in any index order) ignores unknown terms."""
    vocabulary, _ = oracle_counts(CORPUS, ngram_range=(1, 2))
    expected = CountVectorizer(vocabulary=vocabulary, ngram_range=(1, 2)).transform(list(NEW_DOCUMENTS)).toarray()
    got = lab.count_matrix(list(NEW_DOCUMENTS), vocabulary, ngram_range=(1, 2))
    assert_close(dense(got, "count_matrix of new documents"), expected, **EXACT, what="count_matrix of new documents")
    # the same terms with shuffled indices
    terms = sorted(vocabulary)
    random.Random(3).shuffle(terms)
    shuffled = {term: index for index, term in enumerate(terms)}
    expected = CountVectorizer(vocabulary=shuffled, ngram_range=(1, 2)).transform(list(NEW_DOCUMENTS + CORPUS)).toarray()
    got = lab.count_matrix(list(NEW_DOCUMENTS + CORPUS), shuffled, ngram_range=(1, 2))
    assert_close(dense(got, "count_matrix, unsorted vocabulary"), expected, **EXACT, what="count_matrix over a vocabulary not in term order")


@pytest.mark.points(2)
def test_count_matrix_empty_and_filtered_documents(lab):
    """Empty documents and documents without known terms give empty rows of the right shape."""
    vocabulary = {"cat": 0, "dog": 1}
    documents = ["", "a b ! ?", "zebra", "Dog dog CAT", ""]
    got = dense(lab.count_matrix(documents, vocabulary), "count_matrix")
    assert_close(got, np.array([[0, 0], [0, 0], [0, 0], [1, 2], [0, 0]]), **EXACT, what="count_matrix with empty rows")


@pytest.mark.points(1)
@pytest.mark.parametrize("ngrams", list(NGRAMS))
def test_filters_grid_matches_sklearn(lab, ngrams):
    """Vocabulary and counts equal CountVectorizer's for every combination of min_df, max_df and max_features."""
    for min_df, max_df, max_features in product(GRID_MIN_DF, GRID_MAX_DF, GRID_MAX_FEATURES):
        options = dict(ngram_range=NGRAMS[ngrams], min_df=min_df, max_df=max_df, max_features=max_features)
        what = f"min_df={min_df!r}, max_df={max_df!r}, max_features={max_features!r}"
        expected = oracle_counts(GRID, **options)
        if expected is None:
            expect_value_error(lambda: lab.build_vocabulary(list(GRID), **options), f"build_vocabulary({what})")
            continue
        vocabulary = lab.build_vocabulary(list(GRID), **options)
        compare_vocabulary(vocabulary, expected[0], f"build_vocabulary({what})")
        got = lab.count_matrix(list(GRID), vocabulary, ngram_range=NGRAMS[ngrams])
        assert_close(dense(got, "count_matrix"), expected[1], **EXACT, what=f"count_matrix ({what})")


# ---- TF-IDF -----------------------------------------------------------------------------------------------


@pytest.mark.points(2)
@pytest.mark.parametrize("smooth_idf", [True, False], ids=["smooth", "not_smooth"])
def test_idf_matches_sklearn(lab, smooth_idf):
    """idf_weights equals TfidfTransformer's idf_ (ln((1+n)/(1+df)) + 1 smoothed, ln(n/df) + 1 not)."""
    for documents, options in ((CORPUS, {}), (GRID, {"ngram_range": (1, 2)}), (CORPUS + NEW_DOCUMENTS, {"min_df": 2})):
        counts = oracle_counts(documents, **options)[1]
        expected = TfidfTransformer(smooth_idf=smooth_idf).fit(counts).idf_
        got = lab.idf_weights(sk_csr(counts), smooth_idf=smooth_idf)
        check(isinstance(got, np.ndarray), "idf_weights should return a numpy array")
        assert_close(got, expected, **TOL, what=f"idf_weights(smooth_idf={smooth_idf})")


def _compare_tfidf_weight(lab, sublinear_tf: bool, norm) -> None:
    for documents, options in ((CORPUS, {}), (GRID, {"ngram_range": (1, 2)}), (CORPUS + NEW_DOCUMENTS, {"ngram_range": (1, 2)})):
        counts = oracle_counts(documents, **options)[1]
        for smooth_idf in (True, False):
            transformer = TfidfTransformer(smooth_idf=smooth_idf, sublinear_tf=sublinear_tf, norm=norm)
            expected = transformer.fit_transform(counts).toarray()
            got = lab.tfidf_weight(sk_csr(counts), transformer.idf_, sublinear_tf=sublinear_tf, norm=fresh(norm))
            what = f"tfidf_weight(sublinear_tf={sublinear_tf}, norm={norm!r})"
            assert_close(dense(got, what), expected, **TOL, what=what)


@pytest.mark.points(2)
@pytest.mark.parametrize("norm", ["l2", "l1", None], ids=["l2", "l1", "none"])
def test_tfidf_weight_matches_sklearn(lab, norm):
    """tfidf_weight (raw term frequency) equals TfidfTransformer for this norm."""
    _compare_tfidf_weight(lab, False, norm)


@pytest.mark.points(2)
@pytest.mark.parametrize("norm", ["l2", None], ids=["l2", "none"])
def test_sublinear_tf_matches_sklearn(lab, norm):
    """sublinear_tf uses 1 + ln(tf) before the IDF and the normalisation, as TfidfTransformer."""
    _compare_tfidf_weight(lab, True, norm)


@pytest.mark.points(2)
def test_tfidf_is_canonical_csr(lab):
    """TF-IDF results are canonical CSR tuples: float64 data, sorted column indices per row, no stored zeros."""
    counts = oracle_counts(CORPUS + NEW_DOCUMENTS, ngram_range=(1, 2))[1]
    idf = TfidfTransformer().fit(counts).idf_
    check_canonical(lab.tfidf_weight(sk_csr(counts), idf), "tfidf_weight", np.float64)
    check_canonical(lab.tfidf_fit_transform(list(CORPUS + NEW_DOCUMENTS), ngram_range=(1, 2)), "tfidf_fit_transform", np.float64)
    vectorizer = lab.TfidfVectorizer(sublinear_tf=True)
    vectorizer.fit(list(CORPUS))
    check_canonical(vectorizer.transform(list(NEW_DOCUMENTS)), "TfidfVectorizer.transform", np.float64)


@pytest.mark.points(2)
@pytest.mark.parametrize("ngrams", list(NGRAMS))
def test_vectorizer_grid_matches_sklearn(lab, ngrams):
    """tfidf_fit_transform equals TfidfVectorizer for every combination of the filters and the TF-IDF options."""
    for min_df, max_df, max_features, smooth_idf, sublinear_tf, norm in product(
        GRID_MIN_DF, GRID_MAX_DF, GRID_MAX_FEATURES, (True, False), (False, True), ("l2", "l1", None)
    ):
        options = dict(
            ngram_range=NGRAMS[ngrams],
            min_df=min_df,
            max_df=max_df,
            max_features=max_features,
            smooth_idf=smooth_idf,
            sublinear_tf=sublinear_tf,
            norm=fresh(norm),
        )
        what = "tfidf_fit_transform(" + ", ".join(f"{k}={v!r}" for k, v in options.items()) + ")"
        expected = oracle_tfidf(GRID, **options)
        if expected is None:
            expect_value_error(lambda: lab.tfidf_fit_transform(list(GRID), **options), what)
        else:
            assert_close(dense(lab.tfidf_fit_transform(list(GRID), **options), what), expected, **TOL, what=what)


VECTORIZER_CASES = {
    "defaults": {},
    "bigrams_sublinear_l1": {"ngram_range": (1, 2), "sublinear_tf": True, "norm": "l1", "min_df": 2},
    "stop_words_not_smooth": {"stop_words": STOP_WORDS, "smooth_idf": False, "max_features": 15, "ngram_range": (1, 2)},
}


@pytest.mark.points(2)
def test_vectorizer_fit_attributes(lab):
    """TfidfVectorizer.fit learns vocabulary_ and idf_ equal to scikit-learn's."""
    for name, options in VECTORIZER_CASES.items():
        vectorizer = lab.TfidfVectorizer(**options)
        vectorizer.fit(list(CORPUS))
        vocabulary, counts = oracle_counts(CORPUS, **{k: v for k, v in options.items() if k not in ("smooth_idf", "sublinear_tf", "norm")})
        compare_vocabulary(vectorizer.vocabulary_, vocabulary, f"vocabulary_ ({name})")
        idf = TfidfTransformer(smooth_idf=options.get("smooth_idf", True)).fit(counts).idf_
        assert_close(vectorizer.idf_, idf, **TOL, what=f"idf_ ({name})")


@pytest.mark.points(2)
def test_vectorizer_transform_unseen_documents(lab):
    """transform uses the fitted vocabulary and IDF: unknown terms are ignored, the IDF does not change."""
    for name, options in VECTORIZER_CASES.items():
        oracle = oracle_vectorizer(CORPUS, **options)
        vectorizer = lab.TfidfVectorizer(**options)
        vectorizer.fit(list(CORPUS))
        got = vectorizer.transform(list(NEW_DOCUMENTS))
        expected = oracle.transform(list(NEW_DOCUMENTS)).toarray()
        assert_close(dense(got, "transform"), expected, **TOL, what=f"transform of new documents ({name})")
        assert_close(vectorizer.idf_, oracle.idf_, **TOL, what=f"idf_ after transform ({name})")
        if name == "defaults":
            assert_close(dense(vectorizer.fit_transform(list(CORPUS)), "fit_transform"), oracle.transform(list(CORPUS)).toarray(), **TOL, what="fit_transform")


@pytest.mark.points(2)
def test_empty_and_filtered_rows_stay_zero(lab):
    """Rows of empty documents, or documents whose terms were all filtered out, stay all zeros (no NaN)."""
    training = list(CORPUS) + ["", "I ? !", "zzz only here"]
    for norm in ("l2", "l1", None):
        options = dict(min_df=2, norm=norm, sublinear_tf=True)
        got = dense(lab.tfidf_fit_transform(training, **options), f"tfidf_fit_transform(norm={norm!r})")
        assert_close(got, oracle_tfidf(training, **options), **TOL, what=f"tfidf_fit_transform with empty rows (norm={norm!r})")
        vectorizer = lab.TfidfVectorizer(**options)
        vectorizer.fit(training)
        got = dense(vectorizer.transform(["", "zebra okapi", "the dog"]), "transform")
        check(bool(np.all(got[:2] == 0)), f"transform(norm={norm!r}): rows without known terms should be all zeros")


# ---- errors -----------------------------------------------------------------------------------------------


@pytest.mark.points(3)
def test_pruning_everything_raises_value_error(lab):
    """A ValueError when no term is left: everything pruned by max_df/min_df, or only stop words."""
    documents = ["red fish", "fish red", "red fish red"]
    cases = [
        dict(max_df=2),
        dict(max_df=0.5),
        dict(min_df=2, max_df=2),
        dict(stop_words=["red", "fish"]),
    ]
    # the same options work on documents they do not prune away (a solution that always raises earns nothing)
    richer = documents + ["blue whale", "blue sky", "a whale of a time"]
    for options in cases:
        if oracle_counts(documents, **options) is not None:
            raise RuntimeError("oracle self-check failed: scikit-learn accepted a case that should prune everything")
        expected = oracle_counts(richer, **options)
        compare_vocabulary(lab.build_vocabulary(richer, **options), expected[0], f"build_vocabulary(richer documents, {options})")
        fitted = lab.TfidfVectorizer(**options).fit(richer)
        compare_vocabulary(fitted.vocabulary_, expected[0], f"TfidfVectorizer({options}).fit(richer documents).vocabulary_")
        expect_value_error(lambda: lab.build_vocabulary(documents, **options), f"build_vocabulary({options})")
        expect_value_error(lambda: lab.TfidfVectorizer(**options).fit(documents), f"TfidfVectorizer({options}).fit")
    compare_vocabulary(lab.build_vocabulary(["a b c", "! ? ok"]), {"ok": 0}, "build_vocabulary of documents with one term")
    expect_value_error(lambda: lab.build_vocabulary(["a b c", "! ?"]), "build_vocabulary of documents without terms")
    expect_value_error(lambda: lab.build_vocabulary([]), "build_vocabulary of no documents")


# every document ends in "the end", so min_df=1.0 (all documents) keeps two terms
ENDED_CORPUS = tuple(document + " the end" for document in CORPUS)

# each invalid option, beside a valid value of the same option. (numpy integers, which the docstring
# allows, are not sent yet: the worker's wire format turns a numpy scalar into a 1-element array.)
BAD_OPTIONS = [
    (dict(ngram_range=(1, 2)), dict(ngram_range=(2, 1))),
    (dict(ngram_range=(1, 1)), dict(ngram_range=(0, 2))),
    (dict(ngram_range=(2, 2)), dict(ngram_range=(1, 2, 3))),
    (dict(ngram_range=(1, 2)), dict(ngram_range=2)),
    (dict(ngram_range=(1, 3)), dict(ngram_range=(1.0, 2.0))),
    (dict(min_df=1.0), dict(min_df=1.5)),
    (dict(min_df=0.0), dict(min_df=-0.1)),
    (dict(min_df=0.5), dict(min_df=-0.5)),
    (dict(min_df=2), dict(min_df=0)),
    (dict(min_df=1), dict(min_df=-1)),
    (dict(min_df=0.25), dict(min_df="0.25")),
    (dict(min_df=1), dict(min_df=None)),
    (dict(max_df=1.0), dict(max_df=1.5)),
    (dict(max_df=0.9), dict(max_df=-0.1)),
    (dict(max_df=30), dict(max_df=0)),
    (dict(max_df=0.5), dict(max_df="half")),
    (dict(max_features=1), dict(max_features=0)),
    (dict(max_features=5), dict(max_features=-3)),
    (dict(max_features=3), dict(max_features=2.5)),
    (dict(max_features=None), dict(max_features="10")),
    (dict(min_df=3, max_df=3), dict(min_df=5, max_df=3)),
    (dict(min_df=0.5, max_df=0.5), dict(min_df=0.6, max_df=0.5)),
]


@pytest.mark.points(3)
def test_invalid_arguments_raise_value_error(lab):
    """Invalid options raise ValueError in build_vocabulary and fit, the constructor checks each option itself; the valid neighbours work."""
    documents = list(ENDED_CORPUS)
    for good, bad in BAD_OPTIONS:
        expected = oracle_counts(ENDED_CORPUS, **{k: (tuple(v) if isinstance(v, list) else v) for k, v in good.items()})
        compare_vocabulary(lab.build_vocabulary(documents, **good), expected[0], f"build_vocabulary({good})")
        compare_vocabulary(lab.TfidfVectorizer(**good).fit(documents).vocabulary_, expected[0], f"TfidfVectorizer({good}).fit")
        expect_value_error(lambda: lab.build_vocabulary(documents, **bad), f"build_vocabulary({bad})")
        expect_value_error(lambda: lab.TfidfVectorizer(**bad).fit(documents), f"TfidfVectorizer({bad}).fit")
        if not ("min_df" in bad and "max_df" in bad):  # max_df below min_df is found in fit, when n is known
            expect_value_error(lambda: lab.TfidfVectorizer(**bad), f"TfidfVectorizer({bad}) (the constructor checks it)")
        if "ngram_range" in bad:
            check(isinstance(lab.analyze("the cat sat", **good), list), f"analyze with {good} should work")
            expect_value_error(lambda: lab.analyze("the cat sat", **bad), f"analyze with {bad}")
            expect_value_error(lambda: lab.count_matrix(documents, {"the": 0}, **bad), f"count_matrix with {bad}")
    for norm in ("l2", "l1", None):
        lab.TfidfVectorizer(norm=fresh(norm))
    for norm in ("l3", "L2", "", "max"):
        expect_value_error(lambda: lab.TfidfVectorizer(norm=norm), f"TfidfVectorizer(norm={norm!r})")
    compare_vocabulary(lab.build_vocabulary(tuple(documents[:3])), oracle_counts(ENDED_CORPUS[:3])[0], "build_vocabulary of a tuple of documents")
    expect_value_error(lambda: lab.build_vocabulary("a single string"), "build_vocabulary of a str")
    lab.count_matrix(["a single string"], {"single": 0})
    expect_value_error(lambda: lab.count_matrix("a single string", {"single": 0}), "count_matrix of a str")
    vectorizer = lab.TfidfVectorizer()
    expect_value_error(lambda: vectorizer.transform(["the dog"]), "transform before fit")
    vectorizer.fit(documents)
    vectorizer.transform(["the dog"])
    expect_value_error(lambda: vectorizer.transform("the dog"), "transform of a str")
    expect_value_error(lambda: lab.TfidfVectorizer().fit("the dog"), "fit of a str")
    with pytest.raises(TypeError):  # the options are keyword-only, as documented
        lab.TfidfVectorizer(False)


@pytest.mark.points(2)
def test_tfidf_weight_and_cosine_reject_mismatched_shapes(lab):
    """tfidf_weight rejects an idf of the wrong length and a bad norm; cosine_top_k a bad k or mismatched columns."""
    counts = oracle_counts(CORPUS)[1]
    idf = TfidfTransformer().fit(counts).idf_
    matrix = sk_csr(counts)
    assert_close(dense(lab.tfidf_weight(matrix, idf), "tfidf_weight"), TfidfTransformer().fit_transform(counts).toarray(), **TOL,
                 what="tfidf_weight with a matching idf")
    for bad in (idf[:-1], np.append(idf, 1.0), np.ones(1), idf.reshape(1, -1)):
        expect_value_error(lambda: lab.tfidf_weight(matrix, bad), f"tfidf_weight with an idf of shape {bad.shape}")
    for norm in ("l3", "L1", "", "max"):
        expect_value_error(lambda: lab.tfidf_weight(matrix, idf, norm=norm), f"tfidf_weight(norm={norm!r})")
    eye = sk_csr(np.eye(3))
    for k in (1, 3, 2, 7):
        compare_top_k(lab, np.eye(3), np.eye(3), int(k), f"cosine_top_k(k={k!r})")
    for k in (0, -1, 1.5, 2.0, None):
        expect_value_error(lambda: lab.cosine_top_k(eye, eye, k), f"cosine_top_k with k={k!r}")
    for columns in (2, 4):
        expect_value_error(lambda: lab.cosine_top_k(eye, sk_csr(np.ones((1, columns))), 2), f"cosine_top_k with queries of {columns} columns")
        expect_value_error(lambda: lab.cosine_top_k(sk_csr(np.ones((2, columns))), eye, 2), f"cosine_top_k with a matrix of {columns} columns")
    wide = np.zeros((3, 300))
    wide[[0, 1, 2], [5, 150, 299]] = 1.0
    compare_top_k(lab, wide, wide[[2, 0]], 2, "cosine_top_k with 300 columns")


# ---- cosine search ----------------------------------------------------------------------------------------


def brute_force_top_k(matrix: np.ndarray, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Dense cosine similarities, ranked by (rounded similarity desc, index asc)."""
    norms = np.outer(np.linalg.norm(queries, axis=1), np.linalg.norm(matrix, axis=1))
    similarity = np.divide(queries @ matrix.T, norms, out=np.zeros(norms.shape), where=norms > 0)
    scaled = similarity * 1e10
    near_boundary = np.abs(scaled - np.floor(scaled) - 0.5) < 1e-3
    if near_boundary.any():
        raise RuntimeError("test data self-check failed: a similarity sits on a rounding boundary")
    rounded = np.round(similarity, 10)
    order = np.array([np.lexsort((np.arange(len(row)), -row)) for row in rounded])[:, :k]
    return order, np.take_along_axis(similarity, order, axis=1)


def compare_top_k(lab, matrix: np.ndarray, queries: np.ndarray, k: int, what: str) -> None:
    expected_indices, expected_scores = brute_force_top_k(matrix, queries, k)
    result = lab.cosine_top_k(sk_csr(matrix), sk_csr(queries), k)
    check(isinstance(result, (tuple, list)) and len(result) == 2, f"{what}: expected a pair (indices, scores)")
    indices, scores = result
    check(isinstance(indices, np.ndarray) and indices.dtype.kind in "iu", f"{what}: indices should be an integer numpy array")
    assert_equal(indices.shape, expected_indices.shape, what=f"{what}: shape of indices")
    for q in range(len(queries)):
        assert_equal([int(i) for i in indices[q]], expected_indices[q].tolist(), what=f"{what}: ranking for query {q}")
    assert_close(scores, expected_scores, **TOL, what=f"{what}: scores")


def _search_data(**options) -> tuple[np.ndarray, np.ndarray]:
    vectorizer = oracle_vectorizer(CORPUS, **options)
    queries = ["quick fox", "the lazy dog sleeps", "science of data", "saw a garden", "zebra", "Café in Zürich"]
    return vectorizer.transform(list(CORPUS)).toarray(), vectorizer.transform(queries).toarray()


@pytest.mark.points(3)
def test_cosine_top_k_matches_brute_force(lab):
    """cosine_top_k on L2-normalised TF-IDF rows matches a brute-force numpy search."""
    for options in ({}, {"ngram_range": (1, 2), "sublinear_tf": True}):
        matrix, queries = _search_data(**options)
        for k in (1, 3, 5):
            compare_top_k(lab, matrix, queries, k, f"cosine_top_k(k={k}, {options})")


@pytest.mark.points(2)
def test_cosine_top_k_unnormalised_matrices(lab):
    """cosine_top_k normalises by itself: unnormalised TF-IDF and raw int64 count matrices."""
    matrix, queries = _search_data(norm=None, smooth_idf=False)
    compare_top_k(lab, matrix, queries, 4, "cosine_top_k on norm=None TF-IDF")
    vocabulary, counts = oracle_counts(CORPUS)
    query_counts = CountVectorizer(vocabulary=vocabulary).transform(["the dog and the cat", "data data data", "I saw saws"]).toarray()
    compare_top_k(lab, counts.astype(np.int64), query_counts.astype(np.int64), 4, "cosine_top_k on count matrices")


@pytest.mark.points(2)
def test_cosine_top_k_ties_by_index(lab):
    """Equal similarities (duplicate documents, zero similarity) are ranked by document index."""
    matrix, _ = _search_data()
    duplicated = np.vstack([matrix[:6], matrix[2], matrix[6:], matrix[2], np.zeros(matrix.shape[1]), matrix[0]])
    _, queries = _search_data()
    compare_top_k(lab, duplicated, queries, len(duplicated), "cosine_top_k with duplicate documents")
    tiny = np.array([[0, 1, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0], [0, 0, 0]], dtype=np.float64)
    compare_top_k(lab, tiny, np.array([[1.0, 1.0, 0.0], [0.0, 0.0, 0.0]]), 6, "cosine_top_k with equal similarities")


@pytest.mark.points(2)
def test_cosine_top_k_k_larger_than_corpus(lab):
    """k larger than the number of documents returns every document, ranked."""
    matrix, queries = _search_data()
    compare_top_k(lab, matrix[:4], queries, 10, "cosine_top_k(k=10) over 4 documents")
    compare_top_k(lab, matrix[:1], queries[:1], 3, "cosine_top_k(k=3) over 1 document")


# ---- defaults, names, input types, state ------------------------------------------------------------------


@pytest.mark.points(2)
def test_defaults_and_keyword_arguments(lab):
    """The documented defaults (unigrams, smooth_idf=True, sublinear_tf=False, norm='l2') with every argument passed by name."""
    documents = list(CORPUS)
    vocabulary, counts = oracle_counts(CORPUS)
    assert_equal(lab.analyze(document=CORPUS[0]), CountVectorizer().build_analyzer()(CORPUS[0]), what="analyze(document=...)")
    compare_vocabulary(lab.build_vocabulary(documents=documents), vocabulary, "build_vocabulary(documents=...)")
    got = lab.count_matrix(documents=documents, vocabulary=vocabulary)
    assert_close(dense(got, "count_matrix"), counts, **EXACT, what="count_matrix with the default ngram_range")
    bigram_vocabulary = oracle_counts(CORPUS, ngram_range=(1, 2))[0]  # with bigrams in it: the default counts only unigrams
    expected = CountVectorizer(vocabulary=bigram_vocabulary).transform(documents).toarray()
    assert_close(dense(lab.count_matrix(documents, bigram_vocabulary), "count_matrix"), expected, **EXACT,
                 what="count_matrix with the default ngram_range over a vocabulary that holds bigrams")
    csr = sk_csr(counts)
    idf = lab.idf_weights(counts=csr)
    assert_close(idf, TfidfTransformer().fit(counts).idf_, **TOL, what="idf_weights with the default smooth_idf")
    weighted = lab.tfidf_weight(counts=csr, idf=TfidfTransformer().fit(counts).idf_)
    assert_close(dense(weighted, "tfidf_weight"), TfidfTransformer().fit_transform(counts).toarray(), **TOL,
                 what="tfidf_weight with the default sublinear_tf and norm")
    assert_close(dense(lab.tfidf_fit_transform(documents=documents), "tfidf_fit_transform"), oracle_tfidf(CORPUS), **TOL,
                 what="tfidf_fit_transform(documents=...)")
    matrix, queries = _search_data()
    result = lab.cosine_top_k(matrix=sk_csr(matrix), queries=sk_csr(queries), k=2)
    assert_equal([list(map(int, row)) for row in result[0]], brute_force_top_k(matrix, queries, 2)[0].tolist(),
                 what="cosine_top_k with arguments passed by name")


@pytest.mark.points(2)
def test_stop_words_collections_and_case(lab):
    """stop_words may be any collection (set, tuple, frozenset); they are compared as given, after lower-casing the document."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for stop in ({"the", "and", "of"}, ("the", "fox"), frozenset(["dog", "quick"]), ["The", "DOG", "fox"]):
            analyzer = CountVectorizer(stop_words=list(stop), ngram_range=(1, 2)).build_analyzer()
            for i, document in enumerate(CORPUS[:6]):
                got = lab.analyze(document, stop_words=stop, ngram_range=(1, 2))
                assert_equal(got, analyzer(document), what=f"analyze(document {i}, stop_words={type(stop).__name__} {sorted(stop)})")
        compare_vocabulary(lab.build_vocabulary(list(CORPUS), stop_words={"the", "a"}),
                           oracle_counts(CORPUS, stop_words=["a", "the"])[0], "build_vocabulary with a set of stop words")
        got = lab.analyze("The Dog and THE fox", stop_words=["The", "fox"], lowercase=False)
        assert_equal(got, ["Dog", "and", "THE"], what="analyze with lowercase=False and stop words compared as given")


@pytest.mark.points(2)
def test_count_matrix_tiny_vocabularies(lab):
    """Vocabularies of one term and of no term give matrices of shape (n, 1) and (n, 0)."""
    documents = ["the cat", "", "cat cat dog", "dog", "cat"]
    got = dense(lab.count_matrix(documents, {"cat": 0}), "count_matrix with one term")
    assert_close(got, np.array([[1], [0], [2], [0], [1]]), **EXACT, what="count_matrix with a one-term vocabulary")
    check_canonical(lab.count_matrix(documents, {"cat": 0}), "count_matrix with one term", np.int64)
    got = dense(lab.count_matrix(documents, {"dog": 0}), "count_matrix with one term")
    assert_close(got, np.array([[0], [0], [1], [1], [0]]), **EXACT, what="count_matrix with another one-term vocabulary")
    got = dense(lab.count_matrix(documents, {}), "count_matrix with no terms")
    assert_close(got, np.zeros((5, 0)), **EXACT, what="count_matrix with an empty vocabulary")
    got = dense(lab.count_matrix([], {"cat": 0, "dog": 1}), "count_matrix of no documents")
    assert_close(got, np.zeros((0, 2)), **EXACT, what="count_matrix of no documents")


@pytest.mark.points(2)
def test_idf_of_unused_terms(lab):
    """A column no row uses has idf ln((1+n)/1) + 1 smoothed and +inf not smoothed; the result is float64."""
    vocabulary = {"cat": 0, "zebra": 1, "dog": 2, "okapi": 3}
    counts = CountVectorizer(vocabulary=vocabulary).transform(["cat dog", "dog", "cat cat", "dog dog dog"]).toarray()
    for smooth in (True, False):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = TfidfTransformer(smooth_idf=smooth).fit(counts).idf_
        got = lab.idf_weights(sk_csr(counts), smooth_idf=smooth)
        check(isinstance(got, np.ndarray) and got.dtype == np.float64, "idf_weights should return a float64 numpy array")
        assert_close(got, expected, **TOL, what=f"idf_weights with unused columns (smooth_idf={smooth})")
    int32 = tuple(a.astype(np.int32) if k else a for k, a in zip((0, 1, 1), sk_csr(counts)[:3])) + (sk_csr(counts)[3],)
    assert_close(lab.idf_weights(int32), TfidfTransformer().fit(counts).idf_, **TOL, what="idf_weights with int32 indices")


def _near_tie_matrix(base: float, steps: tuple[float, ...]) -> np.ndarray:
    """2-D documents whose cosine with (1, 0) is base + step (up to rounding errors far below 1e-11)."""
    sims = [base + step for step in steps]
    return np.array([[s, math.sqrt(1 - s * s)] for s in sims])


@pytest.mark.points(2)
def test_cosine_rounds_to_ten_decimals(lab):
    """Ranking uses similarities rounded to 10 decimals: differences of 3e-10 count, differences of 2e-11 are ties."""
    query = np.array([[1.0, 0.0]])
    # 3e-10 apart: different at 10 decimals, the later document first
    compare_top_k(lab, _near_tie_matrix(0.6, (1e-10, 4e-10)), query, 2, "cosine_top_k with similarities 3e-10 apart")
    # 2e-11 apart: equal at 10 decimals, so index order
    compare_top_k(lab, _near_tie_matrix(0.6, (2e-11, 4e-11)), query, 2, "cosine_top_k with similarities 2e-11 apart")


@pytest.mark.points(2)
def test_cosine_dtypes_and_shapes(lab):
    """cosine_top_k takes any numeric dtype and returns int64 indices and float64 scores of shape (n_queries, min(k, n_docs))."""
    matrix, queries = _search_data()
    for dtype in (np.float32, np.int32, np.float64):
        m = (matrix * 1000).astype(dtype) if dtype == np.int32 else matrix.astype(dtype)
        q = (queries * 1000).astype(dtype) if dtype == np.int32 else queries.astype(dtype)
        data, indices, indptr, shape = sk_csr(m)
        result = lab.cosine_top_k((data, indices.astype(np.int32), indptr.astype(np.int32), shape), sk_csr(q), 3)
        indices_out, scores = result
        check(isinstance(indices_out, np.ndarray) and indices_out.dtype == np.int64, "cosine_top_k: the indices should be an int64 array")
        check(isinstance(scores, np.ndarray) and scores.dtype == np.float64, "cosine_top_k: the scores should be a float64 array")
        expected_indices, expected_scores = brute_force_top_k(m.astype(np.float64), q.astype(np.float64), 3)
        assert_close(scores, expected_scores, atol=1e-6, rtol=1e-6, what=f"cosine_top_k scores with {np.dtype(dtype).name} data")
    no_queries = lab.cosine_top_k(sk_csr(matrix), sk_csr(np.zeros((0, matrix.shape[1]))), 3)
    assert_equal(tuple(no_queries[0].shape), (0, 3), what="the shape of cosine_top_k's indices for no queries")
    assert_equal(tuple(no_queries[1].shape), (0, 3), what="the shape of cosine_top_k's scores for no queries")


@pytest.mark.points(2)
def test_vectorizer_fit_again_replaces_the_model(lab):
    """fit returns the fitted vectorizer, and fitting again replaces vocabulary_ and idf_ (nothing carried over)."""
    vectorizer = lab.TfidfVectorizer(min_df=2)
    fitted = vectorizer.fit(list(CORPUS))
    compare_vocabulary(fitted.vocabulary_, oracle_counts(CORPUS, min_df=2)[0], "the vectorizer fit returns: vocabulary_")
    vectorizer.fit(list(GRID))
    oracle = oracle_vectorizer(GRID, min_df=2)
    compare_vocabulary(vectorizer.vocabulary_, oracle.vocabulary_, "vocabulary_ after fitting a second corpus")
    assert_close(vectorizer.idf_, oracle.idf_, **TOL, what="idf_ after fitting a second corpus")
    assert_close(dense(vectorizer.transform(list(CORPUS[:4])), "transform"), oracle.transform(list(CORPUS[:4])).toarray(), **TOL,
                 what="transform after fitting a second corpus")
    again = dense(vectorizer.fit_transform(list(CORPUS)), "fit_transform")
    assert_close(again, oracle_tfidf(CORPUS, min_df=2), **TOL, what="fit_transform after two fits")
