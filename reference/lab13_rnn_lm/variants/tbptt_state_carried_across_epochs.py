"""train_tbptt starts only the first epoch from a zero state and carries the
last window's state into the next epoch, instead of a zero state per epoch."""


def train_tbptt(model, tokens, window, *, epochs=1, lr=1e-2, clip=1.0):
    _check_stream(tokens, window)
    if epochs < 1:
        raise ValueError("epochs must be at least 1")
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    history = []
    state = None
    for _ in range(epochs):
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
