"""ddp_train sums the per-example losses instead of averaging them."""


def ddp_train(config: dict) -> dict:
    batch_size, epochs = _sizes(config)
    rank, world_size = dist.get_rank(), dist.get_world_size()
    model = model_from_state(config["state"])
    name, lr, weight_decay = config.get("optimizer", "sgd"), config.get("lr", 0.1), config.get("weight_decay", 0.0)
    if name == "sgd":
        optimizer = torch.optim.SGD(
            model.parameters(), lr=lr, momentum=config.get("momentum", 0.0), weight_decay=weight_decay
        )
    elif name == "adamw":
        optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    else:
        raise ValueError(f"optimizer must be 'sgd' or 'adamw', got {name!r}")
    x, y = config["x"], config["y"]
    sampler = ShardSampler(
        len(x), world_size, rank, config.get("shuffle", True), config.get("seed", 0), config.get("drop_last", False)
    )
    seen, losses = [], []
    for epoch in range(epochs):
        sampler.set_epoch(epoch)
        indices = list(sampler)
        seen.append(indices)
        for batch in _batches(indices, batch_size):
            optimizer.zero_grad()
            loss = F.cross_entropy(model(x[batch]), y[batch], reduction="sum")
            loss.backward()
            average_gradients(model)
            optimizer.step()
            losses.append(loss.item())
    return {"indices": seen, "losses": losses, "state": _state_of(model)}
