"""BM25 ignores b: no document-length normalisation (as if b were 0)."""

_real_bm25_init = BM25.__init__


def _init(self, documents, *, k1=1.5, b=0.75):
    _real_bm25_init(self, documents, k1=k1, b=b)
    self.b = 0.0


BM25.__init__ = _init
