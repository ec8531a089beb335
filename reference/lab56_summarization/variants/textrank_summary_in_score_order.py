"""The selected sentences are joined in score order instead of document order."""


def textrank_summary(text, k=3, method="textrank", alpha=0.85):
    k = _check_k(k)
    sentences = split_sentences(text)
    scores = textrank_scores(sentences, method, alpha)
    ranked = sorted(range(len(sentences)), key=lambda i: (-scores[i], i))
    return " ".join(sentences[i] for i in ranked[:k])
