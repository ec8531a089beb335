"""The count matrix is sized by the last document that has a known term, so
empty documents at the end of the list are dropped (shape[0] and indptr are
too short)."""

_original_counts_of = _counts_of


def _counts_of(terms, vocabulary):
    last = max((i for i, doc_terms in enumerate(terms) if any(t in vocabulary for t in doc_terms)), default=-1)
    return _original_counts_of(terms[: last + 1], vocabulary)
