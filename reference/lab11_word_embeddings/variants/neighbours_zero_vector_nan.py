"""Cosine similarity divides by the norms without guarding zero vectors: a
zero vector gets NaN similarities, which sort arbitrarily instead of as 0."""


def nearest_neighbours(embeddings, vocab, word, k=5):
    vocab = list(vocab)
    if word not in vocab:
        raise KeyError(word)
    E = np.asarray(embeddings, dtype=np.float64)
    i = vocab.index(word)
    with np.errstate(invalid="ignore", divide="ignore"):
        sims = (E @ E[i]) / (np.linalg.norm(E, axis=1) * np.linalg.norm(E[i]))
    order = [j for j in np.argsort(-sims, kind="stable") if j != i]
    return [vocab[j] for j in order[:k]]
