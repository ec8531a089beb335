"""oov_rate averages the per-text OOV rates instead of counting all tokens together."""


def oov_rate(texts, vocab):
    _count_oov(texts, vocab)
    vocab = set(vocab)
    rates = []
    for text in texts:
        tokens = tokenize(text)
        if tokens:
            rates.append(sum(t not in vocab for t in tokens) / len(tokens))
    return float(np.mean(rates))
