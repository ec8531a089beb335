"""Every span has length round(poisson_lambda): lambda is used as a fixed span length instead of the mean of a Poisson draw."""


def span_mask(tokens, mask_id, mask_ratio=0.3, poisson_lambda=3.0, generator=None):
    if not 0.0 <= mask_ratio <= 1.0 or poisson_lambda <= 0:
        raise ValueError("bad arguments")
    tokens = list(tokens)
    n = len(tokens)
    m = round(mask_ratio * n)
    if m == 0:
        return tokens
    lengths = []
    while sum(lengths) < m:
        draw = max(1, round(poisson_lambda))
        lengths.append(min(draw, m - sum(lengths)))
    k = len(lengths)
    slots = torch.randperm(n - m + k, generator=generator)[:k].sort().values.tolist()
    out, position, span = [], 0, 0
    for slot in range(n - m + k):
        if span < k and slots[span] == slot:
            out.append(mask_id)
            position += lengths[span]
            span += 1
        else:
            out.append(tokens[position])
            position += 1
    return out
