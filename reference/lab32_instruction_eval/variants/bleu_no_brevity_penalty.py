"""BLEU without the brevity penalty: short predictions are not penalised."""


def _bleu_score(stats, effective_order):
    correct, total = stats[2 : 2 + _MAX_ORDER], stats[2 + _MAX_ORDER :]
    if not any(correct):
        return 0.0
    log_precisions = []
    smooth = 1.0
    for c, t in zip(correct, total):
        if t == 0:
            break
        if c == 0:
            smooth *= 2
            log_precisions.append(math.log(100.0 / (smooth * t)))
        else:
            log_precisions.append(math.log(100.0 * c / t))
    if not effective_order and len(log_precisions) < _MAX_ORDER:
        return 0.0
    return math.exp(sum(log_precisions) / len(log_precisions))
