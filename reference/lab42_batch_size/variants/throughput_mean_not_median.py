"""The mean step time instead of the median."""


def measure_throughput(
    batch_sizes: Sequence[int],
    inputs: torch.Tensor,
    targets: torch.Tensor,
    *,
    d_hidden: int = 32,
    lr: float = 0.01,
    base_batch: int = 1,
    rule: str | None = "linear",
    warmup: int = 2,
    repeats: int = 5,
    seed: int = 0,
) -> list[dict]:
    for b in batch_sizes:
        _check_batch("batch size", b)
    _check_batch("base_batch", base_batch)
    if inputs.dim() != 2 or targets.dim() != 2 or inputs.shape[0] != targets.shape[0]:
        raise ValueError("inputs and targets must be 2-D with the same number of rows")
    if warmup < 0 or repeats < 1 or d_hidden < 1:
        raise ValueError("warmup must be >= 0, repeats >= 1 and d_hidden >= 1")
    if lr < 0 or (rule is not None and rule not in RULES):
        raise ValueError(f"lr must be >= 0 and rule one of {RULES} or None, got {lr} and {rule!r}")
    steps = warmup + repeats
    if batch_sizes and inputs.shape[0] < steps * max(batch_sizes):
        raise ValueError(f"{inputs.shape[0]} rows are too few for {steps} steps of {max(batch_sizes)}")
    rows = []
    for b in batch_sizes:
        step_lr = float(lr) if rule is None else scale_lr(lr, base_batch, b, rule)
        model = make_mlp(inputs.shape[1], d_hidden, targets.shape[1], seed)
        params = list(model.parameters())
        losses, times = [], []
        for k in range(steps):
            x, y = inputs[k * b : (k + 1) * b], targets[k * b : (k + 1) * b]
            start = time.perf_counter()
            for p in params:
                p.grad = None
            loss = F.mse_loss(model(x), y)
            loss.backward()
            with torch.no_grad():
                for p in params:
                    p -= step_lr * p.grad
            elapsed = time.perf_counter() - start
            losses.append(loss.item())
            if k >= warmup:
                times.append(elapsed)
        median = statistics.mean(times)
        rows.append({"batch_size": b, "lr": step_lr, "losses": losses, "step_times": times,
                     "seconds_per_step": median, "samples_per_s": b / median})
    return rows
