"""The masks zero the weights once before training but are not re-applied after each optimiser step."""


def train_masked(layers, masks, x, y, optimizer="sgd", lr=0.1, steps=10, momentum=0.0, weight_decay=0.0):
    if len(masks) != len(layers):
        raise ValueError("one mask (or None) per layer")
    if optimizer not in ("sgd", "adamw"):
        raise ValueError("unknown optimizer")
    linears = []
    for (w, b), m in zip(layers, masks):
        if m is not None and m.shape != w.shape:
            raise ValueError("mask shape differs from its weight")
        lin = nn.Linear(w.shape[1], w.shape[0])
        with torch.no_grad():
            lin.weight.copy_(w if m is None else w * m)
            lin.bias.copy_(b)
        linears.append(lin)
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
        opt.step()
        losses.append(loss.item())
    return [(lin.weight.detach().clone(), lin.bias.detach().clone()) for lin in linears], losses
