"""encoder_forward sorts the layer indices as strings, so with ten or more
layers it applies layers.10 right after layers.1 (numeric order is asked for)."""

_reference_encoder_forward = encoder_forward


def encoder_forward(x, params, num_heads, **kwargs):
    indices = sorted({key.split(".")[1] for key in params if key.startswith("layers.")})  # "0", "1", "10", "2", ...
    position = {index: str(i) for i, index in enumerate(indices)}
    renamed = {}
    for key, value in params.items():
        if key.startswith("layers."):
            _, index, rest = key.split(".", 2)
            key = f"layers.{position[index]}.{rest}"
        renamed[key] = value
    return _reference_encoder_forward(x, renamed, num_heads, **kwargs)
