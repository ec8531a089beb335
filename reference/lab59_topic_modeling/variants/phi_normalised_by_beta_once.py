"""lda_gibbs's phi divides by n_k + beta instead of n_k + n_words * beta (rows no longer sum to 1)."""

_reference_lda_gibbs = lda_gibbs


def lda_gibbs(docs, n_topics, n_words, alpha=0.1, beta=0.01, n_iter=200, rng=None):
    result = _reference_lda_gibbs(docs, n_topics, n_words, alpha, beta, n_iter, rng)
    n_kw = result["n_kw"]
    result["phi"] = (n_kw + beta) / (n_kw.sum(axis=1, keepdims=True) + beta)
    return result
