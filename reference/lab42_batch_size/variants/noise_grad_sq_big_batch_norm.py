"""The big batch's squared norm taken as |G|^2 (its noise tr/B_big is not removed)."""


def noise_scale_from_norms(g_small_sq: float, g_big_sq: float, b_small: int, b_big: int) -> dict:
    _check_pair(b_small, b_big)
    if g_small_sq < 0 or g_big_sq < 0:
        raise ValueError("squared norms must be >= 0")
    grad_sq = g_big_sq
    trace = (g_small_sq - g_big_sq) / (1 / b_small - 1 / b_big)
    b_simple = trace / grad_sq if grad_sq > 0 else math.inf
    return {"grad_sq": float(grad_sq), "trace": float(trace), "b_simple": float(b_simple)}
