"""Bits per byte divided by the number of characters of the text instead of its UTF-8 bytes."""


def bits_per_byte(total_nll, text):
    if len(text) == 0 or total_nll < 0:
        raise ValueError("bad input")
    return total_nll / (math.log(2) * len(text))
