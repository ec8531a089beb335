"""Right numbers, wrong cost: every token gets its own forward pass over its context instead of one pass per window."""


def sliding_window_nll(model, input_ids, *, max_length=None, stride=None, bos_token_id=None):
    ids = _as_ids(input_ids)
    if bos_token_id is not None:
        ids = torch.cat([torch.tensor([bos_token_id]), ids])
    max_length = model.config.n_positions if max_length is None else max_length
    if max_length > model.config.n_positions:
        raise ValueError("bad max_length")
    stride = max_length // 2 if stride is None else stride
    if not 1 <= stride < max_length:
        raise ValueError("bad stride")
    was_training = model.training
    model.eval()
    total = 0.0
    with torch.no_grad():
        for p in range(1, len(ids)):
            k = 0
            while k * stride + max_length <= p:
                k += 1
            logits = model(ids[None, k * stride : p]).logits[0, -1]
            total -= float(F.log_softmax(logits.double(), -1)[ids[p]])
    model.train(was_training)
    return total, max(len(ids) - 1, 0)
