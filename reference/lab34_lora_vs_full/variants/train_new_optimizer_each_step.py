"""train builds a fresh optimizer for every step (AdamW's moments never build up)."""

_train_reference = train


def train(model, data, *, steps, lr, optimizer="adamw", warmup=1):
    if warmup < 0 or steps <= warmup:
        raise ValueError("need 0 <= warmup < steps")
    losses, times = [], []
    for _ in range(steps):
        opt = make_optimizer(model, optimizer, lr)
        start = time.perf_counter()
        losses.append(train_step(model, opt, data))
        times.append(time.perf_counter() - start)
    with torch.no_grad():
        final = model(input_ids=data, labels=data).loss.item()
    return {
        "losses": losses,
        "step_times_s": times,
        "step_time_s": statistics.median(times[warmup:]),
        "final_loss": final,
        "trainable": count_parameters(model)["trainable"],
        "optimizer_state_bytes": optimizer_state_bytes(opt),
        "peak_memory_bytes": memory_footprint(model, opt)["total"],
    }
