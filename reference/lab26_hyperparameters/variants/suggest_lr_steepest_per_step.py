"""suggest_lr takes the largest fall per step (losses[i+1] - losses[i]), ignoring the spacing in log(lr)."""


def suggest_lr(lrs, losses):
    if len(lrs) != len(losses) or len(lrs) < 2:
        raise ValueError("need two or more learning rates, aligned with the losses")
    if lrs[0] <= 0 or any(b <= a for a, b in itertools.pairwise(lrs)):
        raise ValueError("the learning rates must be positive and strictly increasing")
    drops = [(losses[i + 1] - losses[i], i) for i in range(len(lrs) - 1)
             if math.isfinite(losses[i]) and math.isfinite(losses[i + 1])]
    if not drops:
        raise ValueError("no segment has two finite losses")
    return float(lrs[min(drops)[1]])
