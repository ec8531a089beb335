"""Heads are taken as strided rows h::n_heads instead of the contiguous block h*d_head:(h+1)*d_head."""


def head_norms(weight, n_heads):
    if weight.dim() != 2:
        raise ValueError("weight must be 2-D")
    if n_heads < 1 or weight.shape[0] % n_heads != 0:
        raise ValueError("rows cannot be split into heads")
    return torch.linalg.vector_norm(weight.detach().reshape(-1, n_heads, weight.shape[1]), dim=(0, 2))


def head_mask(weight, n_heads, amount):
    keep = _keep_mask(head_norms(weight, n_heads), _n_to_prune(amount, n_heads))
    return keep.repeat(weight.shape[0] // n_heads)[:, None].expand(weight.shape).clone()
