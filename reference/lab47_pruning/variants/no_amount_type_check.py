"""Amounts are not type-checked: a bool counts as an int and a string fails late with the wrong error."""


def _n_to_prune(amount, n):
    if isinstance(amount, float):
        if not 0.0 <= amount <= 1.0:
            raise ValueError("fraction outside [0, 1]")
        return round(amount * n)
    if amount < 0 or amount > n:
        raise ValueError("count outside [0, n]")
    return int(amount)
