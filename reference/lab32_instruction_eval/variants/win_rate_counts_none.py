"""win_rate counts an unparseable verdict (None) as a loss instead of leaving it out."""


def win_rate(verdicts):
    counts = Counter()
    for verdict in verdicts:
        if verdict is not None and verdict not in ("A", "B", "tie"):
            raise ValueError(f"unknown verdict {verdict!r}")
        counts[verdict] += 1
    counted = len(verdicts)
    if counts["A"] + counts["B"] + counts["tie"] == 0:
        raise ValueError("no verdict to count")
    return (counts["A"] + 0.5 * counts["tie"]) / counted
