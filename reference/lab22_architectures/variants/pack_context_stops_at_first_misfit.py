"""pack_context stops at the first passage that does not fit instead of skipping it and trying the next ones."""


def pack_context(lengths, budget, *, separator_tokens=1):
    if budget < 0 or separator_tokens < 0 or any(n < 0 for n in lengths):
        raise ValueError("negative")
    chosen, used = [], 0
    for rank, n in enumerate(lengths):
        cost = n + (separator_tokens if chosen else 0)
        if used + cost > budget:
            break
        chosen.append(rank)
        used += cost
    return chosen
