"""Right but slow: train_step runs the model on one window at a time and
accumulates the gradients (a Python loop over the batch), instead of one
batched forward and backward pass. The same losses and updates, several
times slower: it loses the timed kernel's points only."""


def train_step(model, optimizer, x, y, *, lr, grad_clip):
    if grad_clip < 0:
        raise ValueError("grad_clip must be >= 0 (0: no clipping)")
    for group in optimizer.param_groups:
        group["lr"] = lr
    optimizer.zero_grad(set_to_none=True)
    total = 0.0
    for i in range(x.shape[0]):
        logits = model(x[i : i + 1])
        loss = F.cross_entropy(logits.flatten(0, 1), y[i].flatten()) / x.shape[0]
        loss.backward()
        total += loss.item()
    norm = nn.utils.clip_grad_norm_(model.parameters(), grad_clip if grad_clip > 0 else math.inf)
    optimizer.step()
    return total, norm.item()
