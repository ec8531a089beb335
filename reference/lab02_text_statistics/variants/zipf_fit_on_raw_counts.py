"""zipf_slope fits a line to raw rank vs raw count instead of log rank vs log count."""


def zipf_slope(frequencies, max_rank=None):
    counts = list(frequencies.values())
    if any(c < 0 for c in counts):
        raise ValueError("counts must be non-negative")
    if max_rank is not None and max_rank < 2:
        raise ValueError(f"max_rank must be >= 2, got {max_rank}")
    ranked = sorted((c for c in counts if c > 0), reverse=True)
    if max_rank is not None:
        ranked = ranked[:max_rank]
    if len(ranked) < 2:
        raise ValueError("need at least two ranks to fit a line")
    slope, _ = np.polyfit(np.arange(1, len(ranked) + 1), np.asarray(ranked, dtype=float), 1)
    return float(slope)
