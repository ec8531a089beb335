"""The CSR tuple keeps the column indices of each row in order of first
occurrence in the document (as a Counter per document gives them) instead of
sorting them. The matrix is the same, but not canonical."""


def _counts_of(terms, vocabulary):
    data, indices, indptr = [], [], [0]
    for doc_terms in terms:
        counts = Counter(vocabulary[term] for term in doc_terms if term in vocabulary)
        indices.extend(counts.keys())
        data.extend(counts.values())
        indptr.append(len(indices))
    return (np.array(data, dtype=np.int64), np.array(indices, dtype=np.int64), np.array(indptr, dtype=np.int64),
            (len(terms), len(vocabulary)))
