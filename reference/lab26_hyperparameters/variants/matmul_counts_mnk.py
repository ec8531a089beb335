"""A matrix product is counted as m*k*n multiply-adds instead of 2*m*k*n FLOPs."""


def matmul_flops(a_shape, b_shape):
    if len(b_shape) < 2 or len(a_shape) < 1:
        raise ValueError("b needs two or more dimensions and a one or more")
    a = tuple(a_shape) if len(a_shape) > 1 else (1, *a_shape)
    (m, k), (k2, n) = a[-2:], tuple(b_shape[-2:])
    if k != k2:
        raise ValueError("inner dimensions differ")
    return math.prod(np.broadcast_shapes(a[:-2], tuple(b_shape[:-2]))) * m * k * n


def forward_flops(config, batch_size, seq_len):
    if batch_size < 1 or not 1 <= seq_len <= config["n_ctx"]:
        raise ValueError("need batch_size >= 1 and 1 <= seq_len <= n_ctx")
    d, tokens = config["d_model"], batch_size * seq_len
    flops = {"qkv": 3 * tokens * d * d, "attention": 2 * batch_size * seq_len * seq_len * d,
             "out_proj": tokens * d * d, "mlp": 2 * tokens * d * config["d_ff"]}
    flops["layer"] = sum(flops.values())
    flops["head"] = tokens * d * config["vocab_size"]
    flops["total"] = config["n_layer"] * flops["layer"] + flops["head"]
    return flops
