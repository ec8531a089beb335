"""grad_norm computes a 2-norm when norm_type is inf (sum of squares instead of the max)."""


def grad_norm(grads, norm_type=2.0):
    norm_type = float(norm_type)
    if not norm_type >= 1.0:
        raise ValueError("bad norm_type")
    if math.isinf(norm_type):
        norm_type = 2.0
    tensors = [g for g in grads if g is not None]
    if not tensors:
        return torch.tensor(0.0)
    norms = torch.stack([torch.linalg.vector_norm(g, norm_type) for g in tensors])
    return torch.linalg.vector_norm(norms, norm_type)
