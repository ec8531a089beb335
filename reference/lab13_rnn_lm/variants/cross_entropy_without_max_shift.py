"""Cross-entropy written as ``log(sum(exp(logits))) - logits[target]`` without
subtracting the maximum first: right for logits of order 1, inf or NaN once
the logits reach a few hundred."""


def _naive_cross_entropy(logits, targets):
    log_z = torch.log(torch.exp(logits).sum(-1))
    return (log_z - logits.gather(-1, targets[:, None]).squeeze(-1)).mean()


def _tbptt_losses(self, tokens, window, state=None):
    _check_stream(tokens, window)
    losses = []
    for start, end in _windows(tokens.shape[1] - 1, window):
        logits, state = self(tokens[:, start:end], state)
        losses.append(_naive_cross_entropy(logits.flatten(0, 1), tokens[:, start + 1 : end + 1].flatten()))
        state = detach_state(state)
    return torch.stack(losses), state


RNNLanguageModel.tbptt_losses = _tbptt_losses


def perplexity(logits, targets):
    if tuple(targets.shape) != tuple(logits.shape[:-1]):
        raise ValueError("targets do not match logits")
    nll = _naive_cross_entropy(logits.reshape(-1, logits.shape[-1]).double(), targets.reshape(-1))
    return math.exp(nll.item())
