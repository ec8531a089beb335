"""Gradients of pruned weights are zeroed before the step, but weight decay / momentum still move them."""


def train_masked(layers, masks, x, y, optimizer="sgd", lr=0.1, steps=10, momentum=0.0, weight_decay=0.0):
    if len(masks) != len(layers):
        raise ValueError("one mask (or None) per layer")
    if optimizer not in ("sgd", "adamw"):
        raise ValueError("unknown optimizer")
    linears, bool_masks = [], []
    for (w, b), m in zip(layers, masks):
        if m is not None and m.shape != w.shape:
            raise ValueError("mask shape differs from its weight")
        m = torch.ones(w.shape, dtype=torch.bool) if m is None else m.bool()
        lin = nn.Linear(w.shape[1], w.shape[0])
        with torch.no_grad():
            lin.weight.copy_(w * m + (~m) * 1e-3)   # "pruned" entries start tiny, never exactly zeroed
            lin.bias.copy_(b)
        linears.append(lin)
        bool_masks.append(m)
    mlp = nn.Sequential(*[mod for lin in linears for mod in (lin, nn.ReLU())][:-1])
    if optimizer == "sgd":
        opt = torch.optim.SGD(mlp.parameters(), lr=lr, momentum=momentum, weight_decay=weight_decay)
    else:
        opt = torch.optim.AdamW(mlp.parameters(), lr=lr, weight_decay=weight_decay)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = nn.functional.mse_loss(mlp(x), y)
        loss.backward()
        for lin, m in zip(linears, bool_masks):
            lin.weight.grad.mul_(m)
        opt.step()
        losses.append(loss.item())
    return [(lin.weight.detach().clone(), lin.bias.detach().clone()) for lin in linears], losses
