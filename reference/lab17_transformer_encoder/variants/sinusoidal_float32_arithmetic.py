"""Computes the sinusoidal table directly in the requested dtype: in float32,
pos * frequency loses about pos * 1e-7, so far positions are off by 1e-4."""


def sinusoidal_positional_encoding(max_len, d_model, *, base=10000.0, dtype=torch.float32):
    if max_len < 0 or d_model < 1:
        raise ValueError(f"need max_len >= 0 and d_model >= 1, got {max_len} and {d_model}")
    position = torch.arange(max_len, dtype=dtype)[:, None]
    exponent = torch.arange(0, d_model, 2, dtype=dtype) / d_model
    angle = position * base**-exponent
    table = torch.empty(max_len, d_model, dtype=dtype)
    table[:, 0::2] = torch.sin(angle)
    table[:, 1::2] = torch.cos(angle[:, : d_model // 2])
    return table
