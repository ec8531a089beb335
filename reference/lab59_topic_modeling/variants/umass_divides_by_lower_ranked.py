"""umass_coherence divides by the document count of the lower-ranked word w_m instead of w_l."""


def umass_coherence(top_words, doc_word, eps=1.0):
    eps = _positive(eps, "eps")
    df, co, _ = _cooccurrence(top_words, doc_word)
    m_idx, l_idx = np.tril_indices(len(df), k=-1)
    return float(np.mean(np.log((co[m_idx, l_idx] + eps) / df[m_idx])))
