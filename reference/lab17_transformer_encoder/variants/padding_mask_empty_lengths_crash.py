"""padding_mask takes max(lengths) without handling no sequences at all:
padding_mask([]) fails instead of giving a (0, 0) mask."""


def padding_mask(lengths, max_len=None):
    lengths = torch.as_tensor(lengths, dtype=torch.long).reshape(-1)
    if max_len is None:
        max_len = int(lengths.max())
    if bool((lengths < 0).any()) or bool((lengths > max_len).any()):
        raise ValueError(f"lengths must be in [0, max_len={max_len}]")
    return torch.arange(max_len) >= lengths[:, None]
