"""alpha-bar taken as the product up to t-1 (exclusive): abar[0] = 1 instead of 1 - beta_0."""
# ruff: noqa: F821  (appended to the solution: its names and imports are in scope)


def alphas_cumprod(betas):
    if betas.dim() != 1 or betas.numel() == 0:
        raise ValueError("betas must be a non-empty 1-D tensor")
    abar = torch.cumprod(1.0 - betas, dim=0)
    return torch.cat([torch.ones(1, dtype=betas.dtype), abar[:-1]])
