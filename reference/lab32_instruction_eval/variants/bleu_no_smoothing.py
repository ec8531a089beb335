"""BLEU without smoothing: an order with no matching n-gram makes the score 0."""


def _bleu_score(stats, effective_order):
    hyp_len, ref_len = stats[0], stats[1]
    correct, total = stats[2 : 2 + _MAX_ORDER], stats[2 + _MAX_ORDER :]
    if not any(correct):
        return 0.0
    brevity = 1.0 if hyp_len >= ref_len else math.exp(1 - ref_len / hyp_len)
    log_precisions = []
    for c, t in zip(correct, total):
        if t == 0:
            break
        if c == 0:
            return 0.0
        log_precisions.append(math.log(100.0 * c / t))
    if not effective_order and len(log_precisions) < _MAX_ORDER:
        return 0.0
    return brevity * math.exp(sum(log_precisions) / len(log_precisions))
