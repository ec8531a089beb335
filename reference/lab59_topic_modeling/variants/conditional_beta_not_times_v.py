"""The word term's denominator adds beta once instead of n_words * beta: (n_kw + beta) / (n_k + beta)."""


def gibbs_conditional(docs, state, d, i, alpha, beta):
    n_dk, n_kw = np.asarray(state["n_dk"]), np.asarray(state["n_kw"])
    n_topics, n_words = n_kw.shape
    alpha = _alpha(alpha, n_topics)
    beta = _positive(beta, "beta")
    if not 0 <= d < len(docs) or not 0 <= i < len(docs[d]):
        raise IndexError(f"no token {i} in document {d}")
    w, topic = int(docs[d][i]), int(state["z"][d][i])
    own = np.zeros(n_topics)
    own[topic] = 1.0
    p = (n_dk[d] - own + alpha) * (n_kw[:, w] - own + beta) / (n_kw.sum(axis=1) - own + beta)
    return p / p.sum()
