"""transform recomputes the IDF from the documents it is given instead of
using the IDF fitted on the training corpus (and overwrites idf_)."""


def _transform_refitting_idf(self, documents):
    if self.vocabulary_ is None:
        raise ValueError("not fitted")
    _check_documents(documents)
    counts = _counts_of(self._analyze_all(documents), self.vocabulary_)
    self.idf_ = idf_weights(counts, smooth_idf=self.smooth_idf)
    return tfidf_weight(counts, self.idf_, sublinear_tf=self.sublinear_tf, norm=self.norm)


TfidfVectorizer.transform = _transform_refitting_idf
