"""grad_norm computes in float64 and casts back: float32 gradients of 1e20 get a finite 2-norm where torch's overflows to inf."""


def grad_norm(grads, norm_type=2.0):
    norm_type = float(norm_type)
    if not norm_type >= 1.0:
        raise ValueError("bad norm_type")
    tensors = [g for g in grads if g is not None]
    if not tensors:
        return torch.tensor(0.0)
    norms = torch.stack([torch.linalg.vector_norm(g.double(), norm_type) for g in tensors])
    return torch.linalg.vector_norm(norms, norm_type).to(tensors[0].dtype)
