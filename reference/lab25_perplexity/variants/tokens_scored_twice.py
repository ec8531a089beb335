"""Overlapping windows score every one of their tokens: the overlap is counted again in each window.

The labels of the positions an earlier window already scored are not set to -100.
"""


def sliding_window_nll(model, input_ids, *, max_length=None, stride=None, bos_token_id=None):
    ids = _as_ids(input_ids)
    if bos_token_id is not None:
        ids = torch.cat([torch.tensor([bos_token_id]), ids])
    max_length = model.config.n_positions if max_length is None else max_length
    if not 2 <= max_length <= model.config.n_positions:
        raise ValueError("bad max_length")
    stride = max_length // 2 if stride is None else stride
    if not 1 <= stride < max_length:
        raise ValueError("bad stride")
    n = len(ids)
    if n < 2:
        return 0.0, 0
    was_training = model.training
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for begin in range(0, n, stride):
            end = min(begin + max_length, n)
            window = ids[None, begin:end]
            t, c = sum_nll(model(window).logits, window)
            total += t
            count += c
            if end == n:
                break
    model.train(was_training)
    return total, count
