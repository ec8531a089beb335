"""Percentile calibration averages the per-batch percentiles instead of taking them over all values together."""
# ruff: noqa: F821  (appended to the solution module, whose names it uses)


def calibrate(batches, method="minmax", percentile=99.99, dtype="uint8", symmetric=False):
    if not batches or any(b.numel() == 0 for b in batches):
        raise ValueError("batches must be a non-empty list of non-empty tensors")
    qrange(dtype)
    if method == "minmax":
        lo = torch.stack([b.detach().float().min() for b in batches]).min()
        hi = torch.stack([b.detach().float().max() for b in batches]).max()
    elif method == "percentile":
        if not 50.0 < percentile <= 100.0:
            raise ValueError("percentile must lie in (50, 100]")
        q = torch.tensor([1.0 - percentile / 100.0, percentile / 100.0], dtype=torch.float64)
        per_batch = torch.stack([_quantile(b.detach().reshape(-1).double(), q) for b in batches])
        lo, hi = per_batch.mean(dim=0).float()
    else:
        raise ValueError(f"unknown method {method!r}")
    return qparams_from_minmax(lo, hi, dtype, symmetric)
