"""lora_parameter_count counts r * in_features per adapted linear (A only, B forgotten)."""

_lora_count_reference = lora_parameter_count


def lora_parameter_count(config, rank, targets=("q_proj", "v_proj")):
    c = {**DEFAULT_CONFIG, **(config or {})}
    total = 0
    for target in targets:
        _lora_count_reference(config, rank, (target,))  # the errors
        fan_in = c["intermediate_size"] if target == "down_proj" else c["hidden_size"]
        layers = 1 if target == "lm_head" else c["num_hidden_layers"]
        total += layers * rank * fan_in
    return total
