"""zero_train reduce-scatters the gradients but never divides by the world size."""


def zero_train(config: dict) -> dict:
    batch_size, epochs = _sizes(config)
    rank, world_size = dist.get_rank(), dist.get_world_size()
    model = model_from_state(config["state"])
    params = list(model.parameters())
    flat = torch.cat([p.detach().reshape(-1) for p in params])
    numel = flat.numel()
    chunk = math.ceil(numel / world_size)
    start, stop = shard_range(numel, world_size, rank)
    master = nn.Parameter(flat[start:stop].clone())
    optimizer = torch.optim.AdamW([master], lr=config.get("lr", 0.01), weight_decay=config.get("weight_decay", 0.01))
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
            grads = torch.zeros(chunk * world_size)
            grads[:numel] = torch.cat([p.grad.reshape(-1) for p in params])
            reduced = torch.empty(chunk)
            dist.reduce_scatter_tensor(reduced, grads, op=dist.ReduceOp.SUM)
            master.grad = reduced[: stop - start].clone()
            optimizer.step()
            local = torch.zeros(chunk)
            local[: stop - start] = master.detach()
            gathered = torch.empty(chunk * world_size)
            dist.all_gather_into_tensor(gathered, local)
            with torch.no_grad():
                offset = 0
                for p in params:
                    p.copy_(gathered[offset : offset + p.numel()].view_as(p))
                    offset += p.numel()
            losses.append(loss.item())
    return {
        "indices": seen,
        "losses": losses,
        "state": _state_of(model),
        "shard": (start, stop),
        "optimizer_state": copy.deepcopy(optimizer.state_dict()["state"]),
    }
