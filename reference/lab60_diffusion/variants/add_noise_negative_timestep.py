"""add_noise indexes alphas_cumprod without a range check: t = -1 silently means the last step."""
# ruff: noqa: F821  (appended to the solution: its names and imports are in scope)


def add_noise(x0, noise, timesteps, alphas_cumprod):
    if noise.shape != x0.shape:
        raise ValueError("shape mismatch")
    t = torch.as_tensor(timesteps, dtype=torch.long).reshape(-1).expand(x0.shape[0])
    abar = alphas_cumprod.to(x0.dtype)[t].reshape(-1, *([1] * (x0.dim() - 1)))
    return abar.sqrt() * x0 + (1 - abar).sqrt() * noise
