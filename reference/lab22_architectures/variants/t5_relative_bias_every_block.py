"""t5_num_parameters counts a relative attention bias in every block instead of the first block of each stack."""

_real_t5 = t5_num_parameters


def t5_num_parameters(config):
    extra = config["relative_attention_num_buckets"] * config["num_heads"]
    return _real_t5(config) + extra * (config["num_layers"] - 1 + config["num_decoder_layers"] - 1)
