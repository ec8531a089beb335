"""Training FLOPs per token use the forward-only 2N (no backward pass): training=True is ignored."""


def flops_per_token(config, *, seq_len=None, training=False, include_attention=True):
    seq = config["n_ctx"] if seq_len is None else seq_len
    forward = 2 * num_parameters(config)
    if include_attention:
        forward += 4 * config["n_layer"] * seq * config["d_model"]
    return forward
