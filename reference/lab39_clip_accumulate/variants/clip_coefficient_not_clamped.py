"""The clip coefficient is not clamped at 1: gradients below max_norm are scaled up."""


def clip_grad_norm(grads, max_norm, norm_type=2.0, error_if_nonfinite=False):
    max_norm = float(max_norm)
    if not max_norm >= 0.0:
        raise ValueError("bad max_norm")
    total = grad_norm(grads, norm_type)
    if error_if_nonfinite and not bool(torch.isfinite(total)):
        raise RuntimeError("non-finite norm")
    coef = max_norm / (total + EPS)
    return [None if g is None else g * coef for g in grads], total
