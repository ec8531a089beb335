"""TfidfVectorizer's constructor stores the options without checking them.

A bad option only fails later, in fit (or never, for norm, until transform):
the docstring asks the constructor itself to raise ValueError.
"""

_correct_init = TfidfVectorizer.__init__


def _init_unchecked(self, **options):
    self._options = options
    self.vocabulary_ = None
    self.idf_ = None


def _fit_checks_late(self, documents):
    _correct_init(self, **self._options)
    self._fit(documents)
    return self


TfidfVectorizer.__init__ = _init_unchecked
TfidfVectorizer.fit = _fit_checks_late
TfidfVectorizer.fit_transform = lambda self, documents: (self.fit(documents), self.transform(documents))[1]
