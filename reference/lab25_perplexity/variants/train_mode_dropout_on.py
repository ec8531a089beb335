"""The model is evaluated in whatever mode it is in: a model in training mode keeps its dropout on."""


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
    total, count, scored_up_to = 0.0, 0, 1
    with torch.no_grad():
        for begin in range(0, n, stride):
            end = min(begin + max_length, n)
            labels = ids[begin:end].clone()
            labels[: scored_up_to - begin] = IGNORE_INDEX
            t, c = sum_nll(model(ids[None, begin:end]).logits, labels[None])
            total += t
            count += c
            scored_up_to = end
            if end == n:
                break
    return total, count
