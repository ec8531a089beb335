"""win_rate counts a tie as a loss for A (wins / counted)."""


def win_rate(verdicts):
    counts = Counter()
    for verdict in verdicts:
        if verdict is not None and verdict not in ("A", "B", "tie"):
            raise ValueError(f"unknown verdict {verdict!r}")
        counts[verdict] += 1
    counted = counts["A"] + counts["B"] + counts["tie"]
    if counted == 0:
        raise ValueError("no verdict to count")
    return counts["A"] / counted
