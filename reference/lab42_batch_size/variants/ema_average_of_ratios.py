"""The EMA of the per-step B_simple instead of the ratio of the EMAs."""


def ema_noise_scale(
    g_small_sq: Sequence[float],
    g_big_sq: Sequence[float],
    b_small: int,
    b_big: int,
    beta: float = 0.9,
) -> list[dict]:
    _check_pair(b_small, b_big)
    if len(g_small_sq) != len(g_big_sq):
        raise ValueError("g_small_sq and g_big_sq must have the same length")
    if not 0.0 <= beta < 1.0:
        raise ValueError(f"beta must lie in [0, 1), got {beta}")
    ema_g = ema_s = 0.0
    out = []
    for t, (small, big) in enumerate(zip(g_small_sq, g_big_sq), start=1):
        est = noise_scale_from_norms(small, big, b_small, b_big)
        ema_g = beta * ema_g + (1 - beta) * est["grad_sq"]
        ema_s = beta * ema_s + (1 - beta) * est["trace"]
        correction = 1 - beta**t
        grad_sq_hat, trace_hat = ema_g / correction, ema_s / correction
        ema_b = beta * (ema_b if t > 1 else 0.0) + (1 - beta) * est["b_simple"]
        b_simple = ema_b / correction
        out.append({"grad_sq": float(grad_sq_hat), "trace": float(trace_hat), "b_simple": float(b_simple)})
    return out
