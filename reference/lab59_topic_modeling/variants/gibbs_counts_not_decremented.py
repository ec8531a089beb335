"""gibbs_conditional uses the counts as they stand: the token's own assignment is not removed first."""


def gibbs_conditional(docs, state, d, i, alpha, beta):
    n_dk, n_kw = np.asarray(state["n_dk"]), np.asarray(state["n_kw"])
    n_topics, n_words = n_kw.shape
    alpha = _alpha(alpha, n_topics)
    beta = _positive(beta, "beta")
    if not 0 <= d < len(docs) or not 0 <= i < len(docs[d]):
        raise IndexError(f"no token {i} in document {d}")
    w = int(docs[d][i])
    p = (n_dk[d] + alpha) * (n_kw[:, w] + beta) / (n_kw.sum(axis=1) + n_words * beta)
    return p / p.sum()
