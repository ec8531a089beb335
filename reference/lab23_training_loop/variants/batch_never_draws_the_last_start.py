"""get_batch draws starts from ``randint(n - context_length - 1)``: the last
window of the sequence (start n - L - 1) can never be drawn."""


def get_batch(tokens, batch_size, context_length, device="cpu", generator=None):
    if batch_size < 1 or context_length < 1:
        raise ValueError("need batch_size >= 1 and context_length >= 1")
    tokens = _checked_tokens(tokens)
    if len(tokens) <= context_length + 1:
        raise ValueError("too few tokens")
    starts = torch.randint(len(tokens) - context_length - 1, (batch_size,), generator=generator)
    windows = _windows(tokens, starts, context_length + 1)
    return windows[:, :-1].to(device), windows[:, 1:].to(device)
