"""Bits per byte without the conversion from nats to bits: the NLL in nats divided by the bytes."""


def bits_per_byte(total_nll, text):
    n_bytes = len(text.encode("utf-8") if isinstance(text, str) else text)
    if n_bytes == 0 or total_nll < 0:
        raise ValueError("bad input")
    return total_nll / n_bytes
