"""Proportions are rounded to the nearest whole number of documents
(round(max_df * n)) instead of being compared unrounded: with 12 documents,
max_df=0.3 becomes 4 documents rather than 3.6."""

_original_vocabulary_of = _vocabulary_of


def _vocabulary_of(terms, *, min_df, max_df, max_features):
    _check_df("min_df", min_df)
    _check_df("max_df", max_df)
    n_docs = len(terms)
    min_df = min_df if _is_int(min_df) else max(1, round(min_df * n_docs))
    max_df = max_df if _is_int(max_df) else max(1, round(max_df * n_docs))
    return _original_vocabulary_of(terms, min_df=min_df, max_df=max_df, max_features=max_features)
