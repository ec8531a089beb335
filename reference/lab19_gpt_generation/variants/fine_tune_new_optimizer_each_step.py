"""fine_tune builds a new AdamW at every step, so Adam's moment estimates are
reset each time (the loss still falls)."""


def fine_tune(model, token_ids, *, steps, batch_size, seq_len, lr=1e-3, weight_decay=0.0, seed=0):
    token_ids = torch.as_tensor(token_ids, dtype=torch.long).reshape(-1)
    if steps < 0 or batch_size < 1 or seq_len < 2:
        raise ValueError("bad arguments")
    if seq_len > token_ids.numel() or seq_len > model.n_positions:
        raise ValueError("seq_len too long")
    g = torch.Generator().manual_seed(seed)
    model.train()
    losses = []
    for _ in range(steps):
        optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
        starts = torch.randint(0, token_ids.numel() - seq_len + 1, (batch_size,), generator=g)
        batch = token_ids[starts[:, None] + torch.arange(seq_len)]
        loss = lm_loss(model(batch), batch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    model.eval()
    return losses
