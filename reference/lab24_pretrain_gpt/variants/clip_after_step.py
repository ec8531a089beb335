"""The gradients are clipped after optimizer.step(): the update used the unclipped gradients."""


def train_step(model, optimizer, x, y, *, lr, grad_clip):
    if grad_clip < 0:
        raise ValueError("grad_clip must be >= 0 (0: no clipping)")
    for group in optimizer.param_groups:
        group["lr"] = lr
    logits = model(x)
    loss = F.cross_entropy(logits.flatten(0, 1), y.flatten())
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()
    norm = nn.utils.clip_grad_norm_(model.parameters(), grad_clip if grad_clip > 0 else math.inf)
    return loss.item(), norm.item()
