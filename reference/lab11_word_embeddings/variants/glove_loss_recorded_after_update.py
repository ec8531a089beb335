"""train_glove records each epoch's loss after the optimiser step (a second
evaluation) instead of the loss the step was computed from, so ``losses[0]``
is not the loss at the initial vectors."""


def train_glove(corpus, dim=16, epochs=100, window=2, x_max=10.0, alpha=0.75, lr=0.05, seed=0, min_count=1):
    vocab, _ = build_vocab(corpus, min_count)
    X = torch.from_numpy(cooccurrence_matrix(corpus, vocab, window))
    g = torch.Generator().manual_seed(seed)
    V = len(vocab)
    params = [
        ((torch.rand(V, dim, generator=g, dtype=torch.float64) - 0.5) / dim).requires_grad_(True),
        ((torch.rand(V, dim, generator=g, dtype=torch.float64) - 0.5) / dim).requires_grad_(True),
        torch.zeros(V, dtype=torch.float64, requires_grad=True),
        torch.zeros(V, dtype=torch.float64, requires_grad=True),
    ]
    optimizer = torch.optim.Adam(params, lr=lr)
    losses = []
    for _ in range(epochs):
        loss = glove_loss(*params, X, x_max, alpha)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            losses.append(glove_loss(*params, X, x_max, alpha).item())
    w, w_ctx = params[0].detach(), params[1].detach()
    return (w + w_ctx).numpy().astype(np.float32), vocab, losses
