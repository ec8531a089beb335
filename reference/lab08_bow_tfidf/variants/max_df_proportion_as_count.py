"""A float max_df is compared with the document frequency as if it were a
number of documents (df <= 0.5 keeps nothing), with only the default 1.0
special-cased as "no upper limit". min_df is handled correctly."""


def _vocabulary_of(terms, *, min_df, max_df, max_features):
    _check_df("min_df", min_df)
    _check_df("max_df", max_df)
    if max_features is not None and not (_is_int(max_features) and max_features >= 1):
        raise ValueError("bad max_features")
    n_docs = len(terms)
    min_count = min_df if _is_int(min_df) else min_df * n_docs
    max_count = n_docs if max_df == 1.0 and not _is_int(max_df) else max_df
    document_frequency = Counter()
    for doc_terms in terms:
        document_frequency.update(set(doc_terms))
    if not document_frequency:
        raise ValueError("empty vocabulary")
    kept = [term for term, df in document_frequency.items() if min_count <= df <= max_count]
    if max_features is not None and len(kept) > max_features:
        total = Counter()
        for doc_terms in terms:
            total.update(doc_terms)
        kept = sorted(kept, key=lambda term: (-total[term], term))[:max_features]
    if not kept:
        raise ValueError("after pruning, no terms remain")
    return {term: index for index, term in enumerate(sorted(kept))}
