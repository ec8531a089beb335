"""train_tbptt creates a new Adam optimiser at the start of every epoch, so
Adam's moment estimates restart each epoch; the loss still falls."""


def train_tbptt(model, tokens, window, *, epochs=1, lr=1e-2, clip=1.0):
    _check_stream(tokens, window)
    if epochs < 1:
        raise ValueError("epochs must be at least 1")
    model.train()
    history = []
    for _ in range(epochs):
        optimizer = torch.optim.Adam(model.parameters(), lr=lr)
        state = None
        for start, end in _windows(tokens.shape[1] - 1, window):
            logits, state = model(tokens[:, start:end], state)
            loss = F.cross_entropy(logits.flatten(0, 1), tokens[:, start + 1 : end + 1].flatten())
            optimizer.zero_grad()
            loss.backward()
            if clip is not None:
                nn.utils.clip_grad_norm_(model.parameters(), clip)
            optimizer.step()
            state = detach_state(state)
            history.append(loss.item())
    return history
