"""repeat_kv tiles the key/value heads (k0 k1 k0 k1, tensor.repeat) instead of repeating each in place (k0 k0 k1 k1)."""


def repeat_kv(x, n_rep):
    if n_rep < 1:
        raise ValueError("n_rep must be at least 1")
    return x.repeat(1, n_rep, 1, 1)
