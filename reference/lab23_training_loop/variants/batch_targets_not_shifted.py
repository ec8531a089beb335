"""get_batch returns the input windows as the targets (y = x): the model is
trained to copy its input instead of predicting the next token."""


def get_batch(tokens, batch_size, context_length, device="cpu", generator=None):
    if batch_size < 1 or context_length < 1:
        raise ValueError("need batch_size >= 1 and context_length >= 1")
    tokens = _checked_tokens(tokens)
    if len(tokens) <= context_length:
        raise ValueError("too few tokens")
    starts = torch.randint(len(tokens) - context_length, (batch_size,), generator=generator)
    windows = _windows(tokens, starts, context_length)
    return windows.to(device), windows.clone().to(device)
