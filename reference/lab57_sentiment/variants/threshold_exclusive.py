"""The label boundaries are exclusive: a compound of exactly 0.05 is called neutral."""
# ruff: noqa: F821  (the names come from the solution this file is appended to)


def label_from_compound(compound, threshold=THRESHOLD):
    if not 0 < threshold <= 1:
        raise ValueError("threshold must be in (0, 1]")
    if compound > threshold:
        return "positive"
    if compound < -threshold:
        return "negative"
    return "neutral"
