"""Steps are converted with int(): a float step such as 3.0 or 2.5 is accepted instead of raising TypeError."""

_strict_int = _int


def _int(value, name, minimum):
    return _strict_int(int(value), name, minimum)
