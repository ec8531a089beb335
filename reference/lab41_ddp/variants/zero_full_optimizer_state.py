"""zero_train keeps AdamW state for every parameter on every rank (all-reduced gradients, nothing sharded): the weights are right but the memory is not saved."""


def zero_train(config: dict) -> dict:
    batch_size, epochs = _sizes(config)
    rank, world_size = dist.get_rank(), dist.get_world_size()
    model = model_from_state(config["state"])
    params = list(model.parameters())
    flat = torch.cat([p.detach().reshape(-1) for p in params])
    numel = flat.numel()
    chunk = math.ceil(numel / world_size)
    start, stop = shard_range(numel, world_size, rank)
    optimizer = torch.optim.AdamW(params, lr=config.get("lr", 0.01), weight_decay=config.get("weight_decay", 0.01))
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
            model.zero_grad()
            loss = F.cross_entropy(model(x[batch]), y[batch])
            loss.backward()
            average_gradients(model)
            optimizer.step()
            losses.append(loss.item())
    return {
        "indices": seen,
        "losses": losses,
        "state": _state_of(model),
        "shard": (start, stop),
        "optimizer_state": copy.deepcopy(optimizer.state_dict()["state"]),
    }
