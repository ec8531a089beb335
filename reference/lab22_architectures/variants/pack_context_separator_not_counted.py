"""pack_context checks the passage against the budget without its separator, so it can exceed the budget by one separator."""


def pack_context(lengths, budget, *, separator_tokens=1):
    if budget < 0 or separator_tokens < 0 or any(n < 0 for n in lengths):
        raise ValueError("negative")
    chosen, used = [], 0
    for rank, n in enumerate(lengths):
        if used + n <= budget:
            used += n + (separator_tokens if chosen else 0)
            chosen.append(rank)
    return chosen
