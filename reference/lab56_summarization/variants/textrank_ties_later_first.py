"""Ranking by a reversed argsort: among equal scores the later sentence wins."""


def textrank_summary(text, k=3, method="textrank", alpha=0.85):
    k = _check_k(k)
    sentences = split_sentences(text)
    scores = textrank_scores(sentences, method, alpha)
    chosen = np.argsort(scores, kind="stable")[::-1][:k]
    return " ".join(sentences[i] for i in sorted(chosen))
