"""lda_gibbs's theta divides by N_d + alpha_k instead of N_d + sum(alpha)."""

_reference_lda_gibbs = lda_gibbs


def lda_gibbs(docs, n_topics, n_words, alpha=0.1, beta=0.01, n_iter=200, rng=None):
    result = _reference_lda_gibbs(docs, n_topics, n_words, alpha, beta, n_iter, rng)
    a = _alpha(alpha, n_topics)
    n_dk = result["n_dk"]
    result["theta"] = (n_dk + a) / (n_dk.sum(axis=1, keepdims=True) + a)
    return result
