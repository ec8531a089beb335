"""Nearest neighbours ranked by the raw dot product instead of cosine
similarity, so long vectors win regardless of direction."""


def nearest_neighbours(embeddings, vocab, word, k=5):
    vocab = list(vocab)
    if word not in vocab:
        raise KeyError(word)
    E = np.asarray(embeddings, dtype=np.float64)
    i = vocab.index(word)
    order = [j for j in np.argsort(-(E @ E[i]), kind="stable") if j != i]
    return [vocab[j] for j in order[:k]]
