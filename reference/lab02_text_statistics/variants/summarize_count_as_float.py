"""summarize_lengths returns every value as a float, "count" included (the docstring says count is an int)."""

_reference_summarize_lengths = summarize_lengths


def summarize_lengths(lengths):
    return {key: float(value) for key, value in _reference_summarize_lengths(lengths).items()}
