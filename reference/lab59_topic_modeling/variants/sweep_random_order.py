"""gibbs_sweep visits the tokens in a random order instead of document by document, token by token."""


def gibbs_sweep(docs, state, alpha, beta, rng=None):
    generator = _rng(rng)
    n_dk = np.array(state["n_dk"], dtype=np.float64)
    n_kw = np.array(state["n_kw"], dtype=np.float64)
    n_topics, n_words = n_kw.shape
    docs = _docs(docs, n_words)
    alpha = _alpha(alpha, n_topics)
    beta = _positive(beta, "beta")
    topics = [np.array(zd, dtype=np.int64) for zd in state["z"]]
    positions = [(d, i) for d, doc in enumerate(docs) for i in range(len(doc))]
    for j in generator.permutation(len(positions)):
        d, i = positions[j]
        w, old = docs[d][i], topics[d][i]
        n_dk[d, old] -= 1
        n_kw[old, w] -= 1
        p = (n_dk[d] + alpha) * (n_kw[:, w] + beta) / (n_kw.sum(axis=1) + n_words * beta)
        new = int(generator.choice(n_topics, p=p / p.sum()))
        n_dk[d, new] += 1
        n_kw[new, w] += 1
        topics[d][i] = new
    n_kw = np.rint(n_kw).astype(np.int64)
    return {"z": topics, "n_dk": np.rint(n_dk).astype(np.int64), "n_kw": n_kw, "n_k": n_kw.sum(axis=1)}
