"""clip_grad_norm clips each gradient by its own norm instead of one global norm."""


def clip_grad_norm(grads, max_norm, norm_type=2.0, error_if_nonfinite=False):
    max_norm = float(max_norm)
    if not max_norm >= 0.0:
        raise ValueError("bad max_norm")
    total = grad_norm(grads, norm_type)
    if error_if_nonfinite and not bool(torch.isfinite(total)):
        raise RuntimeError("non-finite norm")
    out = []
    for g in grads:
        if g is None:
            out.append(None)
            continue
        own = torch.linalg.vector_norm(g, float(norm_type))
        out.append(g * torch.clamp(max_norm / (own + EPS), max=1.0))
    return out, total
