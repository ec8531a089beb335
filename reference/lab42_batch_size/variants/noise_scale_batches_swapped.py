"""B_small and B_big swapped in the formulas (the norms are not)."""


def noise_scale_from_norms(g_small_sq: float, g_big_sq: float, b_small: int, b_big: int) -> dict:
    _check_pair(b_small, b_big)
    if g_small_sq < 0 or g_big_sq < 0:
        raise ValueError("squared norms must be >= 0")
    grad_sq = (b_small * g_big_sq - b_big * g_small_sq) / (b_small - b_big)
    trace = (g_small_sq - g_big_sq) / (1 / b_big - 1 / b_small)
    b_simple = trace / grad_sq if grad_sq > 0 else math.inf
    return {"grad_sq": float(grad_sq), "trace": float(trace), "b_simple": float(b_simple)}
