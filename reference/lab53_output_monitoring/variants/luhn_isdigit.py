"""Luhn accepts any Unicode digit (str.isdigit) and ignores every non-digit instead of rejecting it."""


def luhn_valid(number):
    if not isinstance(number, str):
        raise TypeError("number must be a str")
    digits = [int(c) for c in number if c.isdigit()]
    if len(digits) < 2:
        return False
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return total % 10 == 0
