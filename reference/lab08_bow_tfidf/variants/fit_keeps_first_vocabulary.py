"""TfidfVectorizer.fit learns the vocabulary only the first time.

A second fit on other documents keeps the old vocabulary_ (and recomputes
the IDF over it), so the vectorizer mixes two corpora.
"""

_correct_fit_internal = TfidfVectorizer._fit


def _fit_once(self, documents):
    if self.vocabulary_ is None:
        return _correct_fit_internal(self, documents)
    _check_documents(documents)
    counts = _counts_of(self._analyze_all(documents), self.vocabulary_)
    self.idf_ = idf_weights(counts, smooth_idf=self.smooth_idf)
    return counts


TfidfVectorizer._fit = _fit_once
