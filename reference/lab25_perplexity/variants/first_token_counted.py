"""The first token is counted as scored although it has no context: the count is N, not N - 1."""

_correct_sliding_window_nll = sliding_window_nll


def sliding_window_nll(model, input_ids, *, max_length=None, stride=None, bos_token_id=None):
    total, count = _correct_sliding_window_nll(model, input_ids, max_length=max_length, stride=stride, bos_token_id=bos_token_id)
    return total, count + 1 if count else count
