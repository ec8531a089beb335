"""The attention core's two matmuls (Q K^T and the weighted sum of V) are left out of the FLOP counts."""


def forward_flops(config, batch_size, seq_len):
    if batch_size < 1 or not 1 <= seq_len <= config["n_ctx"]:
        raise ValueError("need batch_size >= 1 and 1 <= seq_len <= n_ctx")
    d, tokens = config["d_model"], batch_size * seq_len
    flops = {"qkv": 6 * tokens * d * d, "attention": 0, "out_proj": 2 * tokens * d * d, "mlp": 4 * tokens * d * config["d_ff"]}
    flops["layer"] = sum(flops.values())
    flops["head"] = 2 * tokens * d * config["vocab_size"]
    flops["total"] = config["n_layer"] * flops["layer"] + flops["head"]
    return flops


def flops_per_token(config, *, seq_len=None, training=False, include_attention=True):
    forward = 2 * num_parameters(config)
    return 3 * forward if training else forward
