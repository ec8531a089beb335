"""Puts the cosines on the even columns and the sines on the odd ones (the
interleaving the other way round), so row 0 is [1, 0, 1, 0, ...]."""


def sinusoidal_positional_encoding(max_len, d_model, *, base=10000.0, dtype=torch.float32):
    if max_len < 0 or d_model < 1:
        raise ValueError("need max_len >= 0 and d_model >= 1")
    position = torch.arange(max_len, dtype=torch.float64)[:, None]
    exponent = torch.arange(0, d_model, 2, dtype=torch.float64) / d_model
    angle = position * base**-exponent
    table = torch.empty(max_len, d_model, dtype=torch.float64)
    table[:, 0::2] = torch.cos(angle)
    table[:, 1::2] = torch.sin(angle[:, : d_model // 2])
    return table.to(dtype)
