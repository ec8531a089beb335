"""Lab 08: bag of words and TF-IDF.

A bag of words forgets word order and keeps only how often each term occurs
in each document. Stacking these counts gives a document-term matrix, which
is sparse: a document uses a tiny fraction of the vocabulary. TF-IDF then
re-weights the counts so that terms frequent in one document but rare in
the corpus stand out, and cosine similarity between the weighted rows finds
the documents most similar to a query.

You will build scikit-learn's ``CountVectorizer`` / ``TfidfVectorizer``
pipeline from scratch, with exactly its conventions (the tests compare with
it): the analyzer (:func:`analyze`), the vocabulary with document-frequency
filters (:func:`build_vocabulary`), the sparse count matrix
(:func:`count_matrix`), the IDF weights (:func:`idf_weights`), the TF-IDF
weighting and normalisation (:func:`tfidf_weight`), a fitted vectorizer that
ties them together (:class:`TfidfVectorizer`, :func:`tfidf_fit_transform`) and
cosine-similarity search (:func:`cosine_top_k`).

**Sparse matrices are passed as plain data.** Your code runs in another
process than the tests, and a ``scipy.sparse`` object cannot cross that
boundary. Every matrix here, argument or result, is a *CSR tuple*
``(data, indices, indptr, shape)``: the three numpy arrays of the compressed
sparse row format and the shape as a tuple of two Python ints, in the order of
the constructor ``scipy.sparse.csr_array((data, indices, indptr), shape=shape)``.
Row ``i`` stores its values in ``data[indptr[i]:indptr[i + 1]]`` and their
column numbers in ``indices[indptr[i]:indptr[i + 1]]``. Every CSR tuple you
return is *canonical*: ``indices`` and ``indptr`` are integer arrays (int32 or
int64), ``len(indptr) == shape[0] + 1``, ``indptr[0] == 0``, the column
numbers of each row are strictly increasing (sorted, no duplicates) and no
zero value is stored. You may use ``scipy.sparse`` inside your functions (for
example ``csr_array(...)``, then ``.sort_indices()``, ``.data``, ...), but you
must not use scikit-learn.

Keep the public names and signatures below; add any private helpers (names
starting with ``_``) you like.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from numbers import Integral, Real  # isinstance(x, Integral) is true for int and numpy ints

import numpy as np
import scipy.sparse as sp

#: scikit-learn's default token pattern: runs of two or more word characters
#: (``\w``: Unicode letters, digits and the underscore) between word boundaries.
TOKEN_PATTERN = r"(?u)\b\w\w+\b"

#: The accepted values of ``norm``.
NORMS = ("l2", "l1", None)

#: A sparse matrix as plain data: ``(data, indices, indptr, (n_rows, n_cols))``.
CSR = tuple[np.ndarray, np.ndarray, np.ndarray, tuple[int, int]]


# ---- analysis: text -> terms ----------------------------------------------------------------------


def analyze(
    document: str,
    *,
    lowercase: bool = True,
    token_pattern: str = TOKEN_PATTERN,
    ngram_range: tuple[int, int] = (1, 1),
    stop_words: Collection[str] | None = None,
) -> list[str]:
    """The terms of one document, in scikit-learn's order.

    1. If ``lowercase``, the whole document is lower-cased with ``str.lower()``.
    2. Tokens are ``re.findall(token_pattern, document)``: with the default
       :data:`TOKEN_PATTERN`, runs of at least two word characters, so
       ``"Don't stop, 2 b_c!"`` gives ``["don", "stop", "b_c"]``.
    3. Tokens that are in ``stop_words`` (compared as they are, after
       lower-casing the document; the stop words themselves are not changed)
       are removed.
    4. The terms are the word n-grams of the *remaining* tokens for
       n = ``min_n`` .. ``max_n`` (``ngram_range = (min_n, max_n)``), each
       n-gram being its tokens joined by one space. An n-gram may therefore
       span a removed stop word, but never leaves the document. The order is:
       all 1-grams (if ``min_n == 1``) in text order, then all 2-grams in text
       order, and so on (this is ``CountVectorizer(...).build_analyzer()``).

    >>> analyze("The cat sat on the mat", ngram_range=(1, 2), stop_words=["on"])
    ['the', 'cat', 'sat', 'the', 'mat', 'the cat', 'cat sat', 'sat the', 'the mat']

    Raises ``ValueError`` unless ``ngram_range`` is two ints with
    ``1 <= min_n <= max_n``.
    """
    min_n, max_n = _check_ngram_range(ngram_range)
    if lowercase:
        document = document.lower()
    tokens = re.findall(token_pattern, document)
    if stop_words is not None:
        stop = frozenset(stop_words)
        tokens = [token for token in tokens if token not in stop]
    terms = list(tokens) if min_n == 1 else []
    for n in range(max(min_n, 2), max_n + 1):
        terms.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return terms


# ---- the vocabulary ---------------------------------------------------------------------------------


def build_vocabulary(
    documents: Sequence[str],
    *,
    lowercase: bool = True,
    token_pattern: str = TOKEN_PATTERN,
    ngram_range: tuple[int, int] = (1, 1),
    stop_words: Collection[str] | None = None,
    min_df: int | float = 1,
    max_df: int | float = 1.0,
    max_features: int | None = None,
) -> dict[str, int]:
    """The vocabulary of a corpus: ``{term: column index}``, like ``CountVectorizer.vocabulary_``.

    The candidate terms are all terms of all documents (:func:`analyze` with
    the analysis options). Write n for ``len(documents)`` and df(t) for the
    *document frequency* of t: the number of documents that contain t at
    least once.

    - ``min_df`` / ``max_df``: an ``int`` (any ``numbers.Integral``, >= 1) is
      a number of documents; a ``float`` in [0.0, 1.0] is a proportion of the
      documents and stands for the number ``min_df * n`` (resp. ``max_df * n``)
      computed in floating point, *not rounded*. So ``max_df=1`` keeps only
      terms found in one document, while ``max_df=1.0`` (the default) keeps
      everything. A term is kept if ``min_count <= df(t) <= max_count``.
    - ``max_features``: if not None and more terms than that survive the df
      filters, keep the ``max_features`` terms with the largest total count
      over the corpus (the sum of their counts in all documents). **Ties** at
      the cut-off are broken by term order: of two terms with the same total
      count, the smaller string (Python's ``<``) is kept. (scikit-learn
      intends the same, but sorts with NumPy's unstable default sort, so its
      choice among tied terms depends on the machine.)
    - The kept terms get the indices 0, 1, 2, ... in sorted order (Python's
      ``sorted`` of the strings).

    Raises ``ValueError`` if ``documents`` is a single ``str`` (a list of
    documents is expected); for invalid options (``min_df`` / ``max_df`` an
    int < 1, a float outside [0, 1] or neither an int nor a float (a string,
    None), ``max_features`` not None and not an int >= 1, a bad
    ``ngram_range``); if ``max_count < min_count``; if the
    documents contain no term at all (empty vocabulary); and if the filters
    remove every term ("after pruning, no terms remain").
    """
    _check_documents(documents)
    analysis = dict(lowercase=lowercase, token_pattern=token_pattern, ngram_range=ngram_range, stop_words=stop_words)
    terms = [analyze(document, **analysis) for document in documents]
    return _vocabulary_of(terms, min_df=min_df, max_df=max_df, max_features=max_features)


def _vocabulary_of(terms: Sequence[Sequence[str]], *, min_df, max_df, max_features) -> dict[str, int]:
    """The vocabulary of already analysed documents (see :func:`build_vocabulary`)."""
    _check_df("min_df", min_df)
    _check_df("max_df", max_df)
    if max_features is not None and not (_is_int(max_features) and max_features >= 1):
        raise ValueError(f"max_features must be None or an int >= 1, got {max_features!r}")
    n_docs = len(terms)
    min_count = min_df if _is_int(min_df) else min_df * n_docs
    max_count = max_df if _is_int(max_df) else max_df * n_docs
    if max_count < min_count:
        raise ValueError("max_df corresponds to fewer documents than min_df")

    document_frequency: Counter[str] = Counter()
    for doc_terms in terms:
        document_frequency.update(set(doc_terms))
    if not document_frequency:
        raise ValueError("empty vocabulary: the documents contain no terms")

    kept = [term for term, df in document_frequency.items() if min_count <= df <= max_count]
    if max_features is not None and len(kept) > max_features:
        total: Counter[str] = Counter()
        for doc_terms in terms:
            total.update(doc_terms)
        kept = sorted(kept, key=lambda term: (-total[term], term))[:max_features]
    if not kept:
        raise ValueError("after pruning, no terms remain: try a lower min_df or a higher max_df")
    return {term: index for index, term in enumerate(sorted(kept))}


# ---- bag of words -----------------------------------------------------------------------------------


def count_matrix(
    documents: Sequence[str],
    vocabulary: Mapping[str, int],
    *,
    lowercase: bool = True,
    token_pattern: str = TOKEN_PATTERN,
    ngram_range: tuple[int, int] = (1, 1),
    stop_words: Collection[str] | None = None,
) -> CSR:
    """The bag-of-words matrix of ``documents`` over a given vocabulary.

    Entry (i, j) is how many times the term with index j
    (``vocabulary[term] == j``) occurs among the terms of document i
    (:func:`analyze` with the analysis options, which should be those the
    vocabulary was built with). Terms that are not in the vocabulary are
    ignored, so a document may give an all-zero row (an empty row of the
    CSR tuple); so does an empty document.

    ``vocabulary`` maps terms to distinct indices 0 .. V-1 (any order).

    Returns a canonical CSR tuple (see the module docstring) of shape
    ``(len(documents), V)`` with ``data`` of dtype int64: exactly the matrix
    ``CountVectorizer(vocabulary=vocabulary, ...).transform(documents)``.

    Raises ``ValueError`` if ``documents`` is a single ``str`` or the
    ``ngram_range`` is invalid.
    """
    _check_documents(documents)
    analysis = dict(lowercase=lowercase, token_pattern=token_pattern, ngram_range=ngram_range, stop_words=stop_words)
    return _counts_of([analyze(document, **analysis) for document in documents], vocabulary)


def _counts_of(terms: Sequence[Sequence[str]], vocabulary: Mapping[str, int]) -> CSR:
    """The count matrix of already analysed documents (see :func:`count_matrix`)."""
    n_docs, n_terms = len(terms), len(vocabulary)
    rows: list[int] = []
    cols: list[int] = []
    for row, doc_terms in enumerate(terms):
        ids = [vocabulary[term] for term in doc_terms if term in vocabulary]
        cols.extend(ids)
        rows.extend([row] * len(ids))
    # One key per (row, column) occurrence: np.unique sorts the keys (by row,
    # then column) and counts repeats, which gives the canonical CSR directly.
    keys, data = np.unique(np.asarray(rows, np.int64) * max(n_terms, 1) + np.asarray(cols, np.int64), return_counts=True)
    key_rows, indices = np.divmod(keys, max(n_terms, 1))
    indptr = np.zeros(n_docs + 1, dtype=np.int64)
    np.cumsum(np.bincount(key_rows, minlength=n_docs), out=indptr[1:])
    return data.astype(np.int64), indices, indptr, (n_docs, n_terms)


# ---- TF-IDF -----------------------------------------------------------------------------------------


def idf_weights(counts: CSR, *, smooth_idf: bool = True) -> np.ndarray:
    """Inverse document frequencies of the columns of a count matrix.

    ``counts`` is a canonical CSR tuple of shape (n, V) (a count matrix from
    :func:`count_matrix`). With df(j) the number of rows whose entry j is
    non-zero, returns a float64 array of shape (V,) with

    - ``smooth_idf=True``: ``idf(j) = ln((1 + n) / (1 + df(j))) + 1``, as if one
      extra document contained every term once (no division by zero);
    - ``smooth_idf=False``: ``idf(j) = ln(n / df(j)) + 1`` (+inf where df = 0).

    ``ln`` is the natural logarithm. The ``+ 1`` keeps terms that occur in
    every document (idf 1) instead of zeroing them. This is scikit-learn's
    ``TfidfTransformer(smooth_idf=...).fit(counts).idf_``.
    """
    _, indices, _, (n_docs, n_terms) = counts
    df = np.bincount(np.asarray(indices, dtype=np.int64), minlength=n_terms).astype(np.float64)
    extra = 1.0 if smooth_idf else 0.0
    with np.errstate(divide="ignore"):
        return np.log((n_docs + extra) / (df + extra)) + 1.0


def tfidf_weight(counts: CSR, idf: np.ndarray, *, sublinear_tf: bool = False, norm: str | None = "l2") -> CSR:
    """TF-IDF weights of a count matrix, given the IDF of its columns.

    For each stored entry with count tf in column j:

    1. term frequency: ``tf``, or ``1 + ln(tf)`` if ``sublinear_tf`` (dampens
       repeated terms; zero counts are not stored, so the log is defined);
    2. times ``idf[j]``;
    3. then each row is normalised: ``"l2"`` divides it by its Euclidean norm
       (every non-empty row gets length 1), ``"l1"`` by the sum of the
       absolute values, ``None`` leaves it. An all-zero row stays all zeros.

    Returns a canonical CSR tuple with the same shape and sparsity structure
    (same ``indices``/``indptr``) and float64 ``data``; this is
    ``TfidfTransformer(sublinear_tf=..., norm=...)`` with ``idf_ = idf``.

    Raises ``ValueError`` if ``norm`` is not one of :data:`NORMS` or
    ``len(idf)`` is not the number of columns.
    """
    _check_norm(norm)
    data, indices, indptr, shape = counts
    idf = np.asarray(idf, dtype=np.float64)
    if idf.shape != (shape[1],):
        raise ValueError(f"idf has shape {idf.shape}, expected ({shape[1]},)")
    weights = np.asarray(data, dtype=np.float64)
    if sublinear_tf:
        weights = 1.0 + np.log(weights)
    weights = weights * idf[indices]
    if norm is not None:
        rows = np.repeat(np.arange(shape[0]), np.diff(indptr))
        per_entry = weights * weights if norm == "l2" else np.abs(weights)
        row_norms = np.bincount(rows, weights=per_entry, minlength=shape[0])
        if norm == "l2":
            row_norms = np.sqrt(row_norms)
        weights = weights / row_norms[rows]
    return weights, np.array(indices), np.array(indptr), (int(shape[0]), int(shape[1]))


class TfidfVectorizer:
    """Text -> TF-IDF matrix, fitted on a training corpus (like scikit-learn's ``TfidfVectorizer``).

    ``TfidfVectorizer(*, lowercase=True, token_pattern=TOKEN_PATTERN,
    ngram_range=(1, 1), stop_words=None, min_df=1, max_df=1.0,
    max_features=None, smooth_idf=True, sublinear_tf=False, norm="l2")``

    The analysis options go to :func:`analyze`, the filters to
    :func:`build_vocabulary`, ``smooth_idf`` to :func:`idf_weights`,
    ``sublinear_tf`` and ``norm`` to :func:`tfidf_weight`. The constructor
    checks every option and raises ``ValueError`` for an invalid one
    (``ngram_range``, ``min_df``, ``max_df``, ``max_features``, ``norm``; see
    those functions).

    - :meth:`fit` learns ``vocabulary_`` (``{term: index}``) and ``idf_``
      (float64, shape (V,)) from the training documents and returns ``self``.
    - :meth:`transform` maps documents to TF-IDF with the *fitted* vocabulary
      and IDF: terms unknown at fit time are ignored, and new documents do not
      change the IDF.
    - :meth:`fit_transform` is ``fit`` then ``transform`` of the same documents.

    Results are canonical CSR tuples (see the module docstring) of shape
    (number of documents, V) with float64 data.
    """

    def __init__(
        self,
        *,
        lowercase: bool = True,
        token_pattern: str = TOKEN_PATTERN,
        ngram_range: tuple[int, int] = (1, 1),
        stop_words: Collection[str] | None = None,
        min_df: int | float = 1,
        max_df: int | float = 1.0,
        max_features: int | None = None,
        smooth_idf: bool = True,
        sublinear_tf: bool = False,
        norm: str | None = "l2",
    ) -> None:
        """Check and store the options (see the class docstring); nothing is fitted yet."""
        _check_ngram_range(ngram_range)
        _check_df("min_df", min_df)
        _check_df("max_df", max_df)
        if max_features is not None and not (_is_int(max_features) and max_features >= 1):
            raise ValueError(f"max_features must be None or an int >= 1, got {max_features!r}")
        _check_norm(norm)
        self.analysis = dict(
            lowercase=lowercase,
            token_pattern=token_pattern,
            ngram_range=tuple(ngram_range),
            stop_words=None if stop_words is None else frozenset(stop_words),
        )
        self.min_df, self.max_df, self.max_features = min_df, max_df, max_features
        self.smooth_idf, self.sublinear_tf, self.norm = smooth_idf, sublinear_tf, norm
        self.vocabulary_: dict[str, int] | None = None
        self.idf_: np.ndarray | None = None

    def fit(self, documents: Sequence[str]) -> TfidfVectorizer:
        """Learn ``vocabulary_`` and ``idf_`` from ``documents``; return ``self``.

        Raises ``ValueError`` as :func:`build_vocabulary` does.
        """
        self._fit(documents)
        return self

    def transform(self, documents: Sequence[str]) -> CSR:
        """TF-IDF of ``documents`` with the fitted vocabulary and IDF (canonical CSR tuple).

        Raises ``ValueError`` if the vectorizer is not fitted or ``documents``
        is a single ``str``.
        """
        if self.vocabulary_ is None:
            raise ValueError("this TfidfVectorizer is not fitted yet: call fit first")
        _check_documents(documents)
        counts = _counts_of(self._analyze_all(documents), self.vocabulary_)
        return tfidf_weight(counts, self.idf_, sublinear_tf=self.sublinear_tf, norm=self.norm)

    def fit_transform(self, documents: Sequence[str]) -> CSR:
        """``fit(documents)`` then ``transform(documents)``, analysing the documents once."""
        counts = self._fit(documents)
        return tfidf_weight(counts, self.idf_, sublinear_tf=self.sublinear_tf, norm=self.norm)

    def _fit(self, documents: Sequence[str]) -> CSR:
        """Fit and return the training count matrix."""
        _check_documents(documents)
        terms = self._analyze_all(documents)
        vocabulary = _vocabulary_of(terms, min_df=self.min_df, max_df=self.max_df, max_features=self.max_features)
        counts = _counts_of(terms, vocabulary)
        self.vocabulary_, self.idf_ = vocabulary, idf_weights(counts, smooth_idf=self.smooth_idf)
        return counts

    def _analyze_all(self, documents: Iterable[str]) -> list[list[str]]:
        return [analyze(document, **self.analysis) for document in documents]


def tfidf_fit_transform(documents: Sequence[str], **options) -> CSR:
    """``TfidfVectorizer(**options).fit_transform(documents)``: the timed kernel.

    ``options`` are the keyword arguments of :class:`TfidfVectorizer`.
    Returns the canonical CSR tuple ``(data, indices, indptr, shape)``.
    """
    return TfidfVectorizer(**options).fit_transform(documents)


# ---- search -----------------------------------------------------------------------------------------


def cosine_top_k(matrix: CSR, queries: CSR, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` rows of ``matrix`` most similar to each row of ``queries``.

    ``matrix`` (n_docs, V) and ``queries`` (n_queries, V) are CSR tuples (for
    example TF-IDF or count matrices, normalised or not; any numeric dtype).
    The cosine similarity of a query q and a document d is
    ``q . d / (||q|| ||d||)`` (Euclidean norms), and 0.0 if q or d is all zeros.

    For each query, documents are ranked by similarity, highest first. To make
    ties well defined despite rounding errors, the ranking uses the
    similarities rounded to 10 decimals (``numpy.round(s, 10)``), and equal
    rounded values are ordered by document index, smallest first. The
    returned scores are the unrounded similarities.

    Returns ``(indices, scores)``: an int64 array and a float64 array, both of
    shape (n_queries, min(k, n_docs)); row i lists query i's best documents.

    Raises ``ValueError`` if ``k`` is not an int >= 1 or the two matrices do
    not have the same number of columns.
    """
    if not (_is_int(k) and k >= 1):
        raise ValueError(f"k must be an int >= 1, got {k!r}")
    docs, query_rows = _to_scipy(matrix), _to_scipy(queries)
    if docs.shape[1] != query_rows.shape[1]:
        raise ValueError(f"queries have {query_rows.shape[1]} columns, the matrix has {docs.shape[1]}")
    dots = (query_rows @ docs.T).toarray()
    norms = np.outer(_row_norms(query_rows), _row_norms(docs))
    similarity = np.divide(dots, norms, out=np.zeros_like(dots), where=norms > 0)
    k = min(k, docs.shape[0])
    # a stable sort keeps equal rounded similarities in index order
    order = np.argsort(-np.round(similarity, 10), axis=1, kind="stable")[:, :k]
    return order.astype(np.int64), np.take_along_axis(similarity, order, axis=1)


def _to_scipy(matrix: CSR) -> sp.csr_array:
    data, indices, indptr, shape = matrix
    return sp.csr_array((np.asarray(data, dtype=np.float64), indices, indptr), shape=tuple(shape))


def _row_norms(matrix: sp.csr_array) -> np.ndarray:
    return np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())


# ---- argument checks --------------------------------------------------------------------------------


def _is_int(value) -> bool:
    return isinstance(value, Integral) and not isinstance(value, bool)


def _check_documents(documents) -> None:
    if isinstance(documents, str):
        raise ValueError("expected a list of documents, got a single string")


def _check_ngram_range(ngram_range) -> tuple[int, int]:
    try:
        min_n, max_n = ngram_range
    except (TypeError, ValueError):
        raise ValueError(f"ngram_range must be a pair (min_n, max_n), got {ngram_range!r}") from None
    if not (_is_int(min_n) and _is_int(max_n) and 1 <= min_n <= max_n):
        raise ValueError(f"ngram_range must satisfy 1 <= min_n <= max_n, got {ngram_range!r}")
    return int(min_n), int(max_n)


def _check_df(name: str, value) -> None:
    if _is_int(value):
        if value < 1:
            raise ValueError(f"{name} as a number of documents must be >= 1, got {value!r}")
    elif isinstance(value, Real) and not isinstance(value, bool):
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{name} as a proportion must be in [0, 1], got {value!r}")
    else:
        raise ValueError(f"{name} must be an int or a float, got {value!r}")


def _check_norm(norm) -> None:
    if norm not in NORMS:
        raise ValueError(f"norm must be one of {NORMS}, got {norm!r}")
