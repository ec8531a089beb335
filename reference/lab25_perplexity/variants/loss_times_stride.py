"""The Hugging Face guide's bookkeeping: each window's mean loss times its target length ``end - prev_end``.

In the first window the model scores ``trg_len - 1`` tokens (the shift drops
one), so its mean is multiplied by one token too many; the count is the
sum of the target lengths, ``N`` instead of ``N - 1``.
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
    total, count, prev_end = 0.0, 0, 0
    with torch.no_grad():
        for begin in range(0, n, stride):
            end = min(begin + max_length, n)
            trg_len = end - prev_end
            window = ids[None, begin:end]
            labels = window.clone()
            labels[:, :-trg_len] = IGNORE_INDEX
            total += float(model(window, labels=labels).loss) * trg_len
            count += trg_len
            prev_end = end
            if end == n:
                break
    model.train(was_training)
    return total, count
