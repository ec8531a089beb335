"""max_features picks the most frequent terms with Counter.most_common, which
breaks ties in total count by first occurrence in the corpus instead of by
term order."""

_original_vocabulary_of = _vocabulary_of


def _vocabulary_of(terms, *, min_df, max_df, max_features):
    if max_features is not None and not (_is_int(max_features) and max_features >= 1):
        raise ValueError("max_features must be None or an int >= 1")
    vocabulary = _original_vocabulary_of(terms, min_df=min_df, max_df=max_df, max_features=None)
    if max_features is None or len(vocabulary) <= max_features:
        return vocabulary
    total = Counter(term for doc_terms in terms for term in doc_terms if term in vocabulary)
    kept = [term for term, _ in total.most_common(max_features)]
    return {term: index for index, term in enumerate(sorted(kept))}
