"""lora_parameter_count takes k_proj and v_proj as hidden -> hidden, ignoring num_key_value_heads."""


def lora_parameter_count(config, rank, targets=("q_proj", "v_proj")):
    if rank < 1:
        raise ValueError("rank")
    c = {**DEFAULT_CONFIG, **(config or {})}
    hidden, inter = c["hidden_size"], c["intermediate_size"]
    shapes = {
        "q_proj": (hidden, hidden), "k_proj": (hidden, hidden), "v_proj": (hidden, hidden),
        "o_proj": (hidden, hidden), "gate_proj": (hidden, inter), "up_proj": (hidden, inter),
        "down_proj": (inter, hidden),
    }
    total = 0
    for target in targets:
        if target == "lm_head":
            total += rank * (hidden + c["vocab_size"])
        elif target in shapes:
            total += c["num_hidden_layers"] * rank * sum(shapes[target])
        else:
            raise ValueError(target)
    return total
