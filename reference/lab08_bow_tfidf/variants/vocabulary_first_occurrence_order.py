"""Vocabulary indices are assigned in order of first occurrence in the corpus
(the order of a dict built while reading) instead of sorted term order."""

_original_vocabulary_of = _vocabulary_of


def _vocabulary_of(terms, *, min_df, max_df, max_features):
    kept = _original_vocabulary_of(terms, min_df=min_df, max_df=max_df, max_features=max_features)
    order = dict.fromkeys(term for doc_terms in terms for term in doc_terms if term in kept)
    return {term: index for index, term in enumerate(order)}
