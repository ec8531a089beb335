"""BM25 uses the classic Robertson idf ln((N - n + 0.5) / (n + 0.5)), negative for terms in most documents."""


def _idf(self, term):
    n, df = len(self.term_counts), self.document_frequency[term]
    return math.log((n - df + 0.5) / (df + 0.5))


BM25.idf = _idf
