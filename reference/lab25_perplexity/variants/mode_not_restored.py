"""The model is switched to eval mode for the evaluation but not switched back: a training model comes back in eval mode."""

_correct_sliding_window_nll = sliding_window_nll
_correct_batched_nll = batched_nll


def sliding_window_nll(model, input_ids, *, max_length=None, stride=None, bos_token_id=None):
    result = _correct_sliding_window_nll(model, input_ids, max_length=max_length, stride=stride, bos_token_id=bos_token_id)
    model.eval()
    return result


def batched_nll(model, sequences, *, batch_size=8, pad_token_id=0):
    result = _correct_batched_nll(model, sequences, batch_size=batch_size, pad_token_id=pad_token_id)
    model.eval()
    return result
