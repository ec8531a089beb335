"""The cosine schedule without the clip at max_beta: the last beta is 1 and abar reaches 0."""
# ruff: noqa: F821  (appended to the solution: its names and imports are in scope)


def beta_schedule(kind, num_train_timesteps=1000, beta_start=0.0001, beta_end=0.02, max_beta=0.999):
    if kind not in SCHEDULES:
        raise ValueError(f"unknown schedule {kind!r}")
    if num_train_timesteps < 1 or not 0.0 < max_beta <= 1.0:
        raise ValueError("bad arguments")
    if kind == "linear":
        return torch.linspace(beta_start, beta_end, num_train_timesteps, dtype=torch.float32)
    u = torch.arange(num_train_timesteps + 1, dtype=torch.float64) / num_train_timesteps
    f = torch.cos((u + 0.008) / 1.008 * math.pi / 2) ** 2
    return (1 - f[1:] / f[:-1]).to(torch.float32)
