"""Comparisons written as 'not worse than' let NaN pass every gate."""

_AT_LEAST_AS_GOOD = {"higher": lambda value, limit: not value < limit, "lower": lambda value, limit: not value > limit}
