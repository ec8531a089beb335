"""lda_init draws from a copy of the Generator, so the caller's Generator never advances."""

import copy as _copy


def lda_init(docs, n_topics, n_words, rng=None):
    generator = _copy.deepcopy(_rng(rng))
    k = _int(n_topics, "n_topics", 1)
    checked = _docs(docs, _int(n_words, "n_words", 1))
    z = [generator.integers(0, k, size=doc.size) for doc in checked]
    return lda_counts(checked, z, k, n_words)
