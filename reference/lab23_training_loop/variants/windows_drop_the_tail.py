"""sliding_windows keeps only the starts 0, stride, 2 * stride, ... (the
common ``range(0, n - L, stride)`` loop) and never adds the tail window, so
the last tokens of the sequence are never targets."""


def sliding_windows(tokens, context_length, stride):
    tokens = _checked_tokens(tokens)
    if context_length < 1 or stride < 1:
        raise ValueError("need context_length >= 1 and stride >= 1")
    last = len(tokens) - context_length - 1
    if last < 0:
        raise ValueError("too few tokens")
    starts = list(range(0, last + 1, stride))
    windows = _windows(tokens, torch.tensor(starts), context_length + 1)
    return windows[:, :-1], windows[:, 1:]
