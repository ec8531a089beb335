"""Scales only when total > max_norm, so a norm within 1e-6 of max_norm is not scaled as torch scales it."""


def clip_grad_norm(grads, max_norm, norm_type=2.0, error_if_nonfinite=False):
    max_norm = float(max_norm)
    if not max_norm >= 0.0:
        raise ValueError("bad max_norm")
    total = grad_norm(grads, norm_type)
    if error_if_nonfinite and not bool(torch.isfinite(total)):
        raise RuntimeError("non-finite norm")
    if not bool(total > max_norm):
        return [None if g is None else g.clone() for g in grads], total
    coef = max_norm / (total + EPS)
    return [None if g is None else g * coef for g in grads], total
