"""Lays the table out as [all sines | all cosines] (two concatenated halves,
as in some codebases) instead of interleaving sin and cos column by column."""


def sinusoidal_positional_encoding(max_len, d_model, *, base=10000.0, dtype=torch.float32):
    if max_len < 0 or d_model < 1:
        raise ValueError("need max_len >= 0 and d_model >= 1")
    position = torch.arange(max_len, dtype=torch.float64)[:, None]
    exponent = torch.arange(0, d_model, 2, dtype=torch.float64) / d_model
    angle = position * base**-exponent
    table = torch.cat([torch.sin(angle), torch.cos(angle[:, : d_model // 2])], dim=1)
    return table.to(dtype)
