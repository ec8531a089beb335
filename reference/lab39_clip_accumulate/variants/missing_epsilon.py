"""The clip coefficient is max_norm / total, without torch's 1e-6 in the denominator."""


def clip_grad_norm(grads, max_norm, norm_type=2.0, error_if_nonfinite=False):
    max_norm = float(max_norm)
    if not max_norm >= 0.0:
        raise ValueError("bad max_norm")
    total = grad_norm(grads, norm_type)
    if error_if_nonfinite and not bool(torch.isfinite(total)):
        raise RuntimeError("non-finite norm")
    coef = torch.clamp(max_norm / total, max=1.0)
    return [None if g is None else g * coef for g in grads], total
