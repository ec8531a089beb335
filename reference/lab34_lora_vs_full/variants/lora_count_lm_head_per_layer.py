"""lora_parameter_count multiplies lm_head's adapter by the number of layers too."""

_lora_count_reference = lora_parameter_count


def lora_parameter_count(config, rank, targets=("q_proj", "v_proj")):
    c = {**DEFAULT_CONFIG, **(config or {})}
    total = _lora_count_reference(config, rank, targets)
    if "lm_head" in targets:
        total += (c["num_hidden_layers"] - 1) * rank * (c["hidden_size"] + c["vocab_size"])
    return total
