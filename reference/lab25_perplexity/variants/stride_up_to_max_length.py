"""A stride equal to max_length is accepted (non-overlapping windows), which leaves each window's first token unscored."""

_correct_sliding_window_nll = sliding_window_nll


def sliding_window_nll(model, input_ids, *, max_length=None, stride=None, bos_token_id=None):
    if stride is not None and max_length is not None and stride == max_length:
        ids = _as_ids(input_ids)
        total, count = 0.0, 0
        for begin in range(0, len(ids), stride):
            window = ids[None, begin : begin + max_length]
            t, c = sum_nll(model(window).logits, window)
            total, count = total + t, count + c
        return total, count
    return _correct_sliding_window_nll(model, input_ids, max_length=max_length, stride=stride, bos_token_id=bos_token_id)
