"""Zero-length spans are skipped: no mask is inserted for a Poisson draw of 0."""


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
        draw = int(torch.poisson(torch.tensor([poisson_lambda]), generator=generator))
        if draw > 0:
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
