"""word2vec returns the output ("context") vectors as the embeddings instead
of the input vectors; they cluster too, but words never used as a context
keep zeros or negative-sampling noise instead of their input vectors."""

_reference_train_word2vec = _train_word2vec


def _train_word2vec(corpus, cbow, dim, epochs, window, negatives, lr, batch_size, seed, min_count):
    vocab, counts = build_vocab(corpus, min_count)
    if not vocab:
        raise ValueError("the vocabulary is empty")
    sentences = encode(corpus, vocab)
    probs = negative_sampling_distribution(counts)
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    V = len(vocab)
    w_in = ((torch.rand(V, dim) - 0.5) / dim).requires_grad_(True)
    w_out = torch.zeros(V, dim, requires_grad=True)
    optimizer = torch.optim.Adam([w_in, w_out], lr=lr)
    if cbow:
        ctx_ids, ctx_mask, targets = _cbow_examples(sentences, window)
        data = (torch.from_numpy(ctx_ids), torch.from_numpy(ctx_mask), torch.from_numpy(targets))
    else:
        pairs = torch.from_numpy(skipgram_pairs(sentences, window))
        data = (pairs[:, 0], pairs[:, 1])
    n = len(data[0])
    losses = []
    for _ in range(epochs):
        order = torch.from_numpy(rng.permutation(n))
        negs = torch.from_numpy(sample_negatives(probs, (n, negatives), int(rng.integers(2**32))))
        total = 0.0
        for start in range(0, n, batch_size):
            batch = order[start : start + batch_size]
            parts = [d[batch] for d in data]
            loss = (cbow_loss if cbow else sgns_loss)(w_in, w_out, *parts, negs[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)
        losses.append(total / max(n, 1))
    return w_out.detach().numpy().astype(np.float32), vocab, losses
