"""npmi_coherence smooths with eps = 1e-12 as gensim does instead of the -1 / 1 limits."""


def npmi_coherence(top_words, doc_word):
    df, co, n_docs = _cooccurrence(top_words, doc_word)
    i_idx, j_idx = np.triu_indices(len(df), k=1)
    p_ij = co[i_idx, j_idx] / n_docs + 1e-12
    p_i, p_j = df[i_idx] / n_docs, df[j_idx] / n_docs
    return float(np.mean(np.log(p_ij / (p_i * p_j)) / -np.log(p_ij)))
