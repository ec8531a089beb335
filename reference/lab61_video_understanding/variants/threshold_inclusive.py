"""A score EQUAL to the threshold is already a cut (>= instead of >)."""

import numpy as np


_strict_shots = detect_shots


def detect_shots(frames, threshold=0.3, bins=8, min_shot_len=1):
    return _strict_shots(frames, np.nextafter(threshold, -np.inf), bins, min_shot_len)
