"""get_batch converts numpy token windows with ``astype(np.int16)`` first
(to "save memory"): uint16 ids above 32767 wrap around to negative ids."""


def _windows(tokens, starts, width):
    index = starts[:, None] + torch.arange(width)
    if isinstance(tokens, torch.Tensor):
        return tokens[index].long()
    return torch.from_numpy(tokens[index.numpy()].astype(np.int16).astype(np.int64))
