"""Each parameter's gradient is clipped to grad_clip on its own, instead of the global norm of all of them."""


def train_step(model, optimizer, x, y, *, lr, grad_clip):
    if grad_clip < 0:
        raise ValueError("grad_clip must be >= 0 (0: no clipping)")
    for group in optimizer.param_groups:
        group["lr"] = lr
    logits = model(x)
    loss = F.cross_entropy(logits.flatten(0, 1), y.flatten())
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    norms = [nn.utils.clip_grad_norm_([p], grad_clip if grad_clip > 0 else math.inf) for p in model.parameters() if p.grad is not None]
    optimizer.step()
    return loss.item(), torch.stack(norms).norm().item()
