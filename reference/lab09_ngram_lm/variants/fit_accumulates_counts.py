"""Fitting again adds to the previous counts and vocabulary instead of replacing them.

The counters are created in ``__init__`` and only updated in ``fit``, so a
second ``fit`` gives a model of both corpora.
"""

_correct_fit = NgramLM.fit


def _fit_accumulating(self, sentences):
    sentences = [list(s) for s in sentences]
    previous = getattr(self, "_all_sentences", [])
    self._all_sentences = previous + sentences
    _correct_fit(self, self._all_sentences)


NgramLM.fit = _fit_accumulating
