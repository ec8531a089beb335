"""Min-max calibration keeps the range of the last batch only (the observer is reset per batch)."""
# ruff: noqa: F821  (appended to the solution module, whose names it uses)


def calibrate(batches, method="minmax", percentile=99.99, dtype="uint8", symmetric=False):
    if not batches or any(b.numel() == 0 for b in batches):
        raise ValueError("batches must be a non-empty list of non-empty tensors")
    qrange(dtype)
    if method == "minmax":
        lo, hi = batches[-1].detach().float().min(), batches[-1].detach().float().max()
    elif method == "percentile":
        if not 50.0 < percentile <= 100.0:
            raise ValueError("percentile must lie in (50, 100]")
        values = torch.cat([b.detach().reshape(-1).double() for b in batches])
        q = torch.tensor([1.0 - percentile / 100.0, percentile / 100.0], dtype=torch.float64)
        lo, hi = _quantile(values, q).float()
    else:
        raise ValueError(f"unknown method {method!r}")
    return qparams_from_minmax(lo, hi, dtype, symmetric)
