"""The inf-norm takes Python's max over the per-gradient maxima: a nan is lost unless it comes first."""


def grad_norm(grads, norm_type=2.0):
    norm_type = float(norm_type)
    if not norm_type >= 1.0:
        raise ValueError("bad norm_type")
    tensors = [g for g in grads if g is not None]
    if not tensors:
        return torch.tensor(0.0)
    if math.isinf(norm_type):
        return torch.tensor(max(float(g.abs().max()) for g in tensors), dtype=tensors[0].dtype)
    norms = torch.stack([torch.linalg.vector_norm(g, norm_type) for g in tensors])
    return torch.linalg.vector_norm(norms, norm_type)
