"""Luhn on the wrong digits: every second digit is doubled counting from the LEFT (right only for even lengths)."""


def luhn_valid(number):
    if not isinstance(number, str):
        raise TypeError("number must be a str")
    digits = number.replace(" ", "").replace("-", "")
    if len(digits) < 2 or not all("0" <= c <= "9" for c in digits):
        return False
    total = 0
    for i, c in enumerate(digits):
        d = int(c)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0
