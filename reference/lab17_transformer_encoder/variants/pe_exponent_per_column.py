"""Uses the column index j itself in the exponent, base ** (j / d_model),
instead of the pair index 2i = 2 * (j // 2), so the sine and cosine of a
pair no longer share a frequency."""


def sinusoidal_positional_encoding(max_len, d_model, *, base=10000.0, dtype=torch.float32):
    if max_len < 0 or d_model < 1:
        raise ValueError("need max_len >= 0 and d_model >= 1")
    position = torch.arange(max_len, dtype=torch.float64)[:, None]
    column = torch.arange(d_model, dtype=torch.float64)
    angle = position * base ** -(column / d_model)
    table = torch.where(torch.arange(d_model) % 2 == 0, torch.sin(angle), torch.cos(angle))
    return table.to(dtype)
