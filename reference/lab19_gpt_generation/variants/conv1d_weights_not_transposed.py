"""convert_hf_state_dict copies GPT-2's Conv1D weights as they are, (in, out),
instead of transposing them to Linear's (out, in) layout."""


def convert_hf_state_dict(state_dict):
    out = {}
    for key, value in state_dict.items():
        key = key.removeprefix("transformer.")
        if key == "lm_head.weight" or key.endswith((".attn.bias", ".attn.masked_bias")):
            continue
        out[key] = value.clone()
    return out
