"""RoPE rotates adjacent pairs (x0, x1), (x2, x3), ... instead of the two halves (GPT-J style, not Llama's)."""


def rotate_half(x):
    x1, x2 = x[..., 0::2], x[..., 1::2]
    return torch.stack([-x2, x1], dim=-1).flatten(-2)
