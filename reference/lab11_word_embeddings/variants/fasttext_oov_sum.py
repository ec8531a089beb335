"""fastText vectors as the SUM of the n-gram (and word) vectors instead of
their mean."""


def fasttext_vector(word, vocab, word_vectors, ngram_vectors, min_n=3, max_n=6):
    ngram_vectors = np.asarray(ngram_vectors, dtype=np.float64)
    total = np.zeros(ngram_vectors.shape[1])
    for k in ngram_buckets(word, len(ngram_vectors), min_n, max_n):
        total += ngram_vectors[k]
    if word in vocab:
        total += np.asarray(word_vectors, dtype=np.float64)[list(vocab).index(word)]
    return total
