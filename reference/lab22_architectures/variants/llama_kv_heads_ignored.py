"""llama_num_parameters sizes k_proj and v_proj with num_attention_heads, ignoring GQA's num_key_value_heads."""

_real_llama = llama_num_parameters


def llama_num_parameters(config):
    return _real_llama({**config, "num_key_value_heads": config["num_attention_heads"]})
