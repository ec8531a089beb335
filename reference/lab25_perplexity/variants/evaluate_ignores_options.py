"""evaluate does not pass bos_token_id on to the sliding windows."""


def evaluate(model, input_ids, text, *, max_length=None, stride=None, bos_token_id=None):
    total, count = sliding_window_nll(model, input_ids, max_length=max_length, stride=stride)
    if count == 0:
        raise ValueError("no token is scored")
    return {"nll": total, "tokens": count, "loss": total / count, "perplexity": perplexity(total, count),
            "bits_per_byte": bits_per_byte(total, text)}
