"""min_shot_len only checks the shot a cut closes, not the frames left after it."""

import numpy as np



def detect_shots(frames, threshold=0.3, bins=8, min_shot_len=1):
    if min_shot_len < 1:
        raise ValueError("min_shot_len must be >= 1")
    scores = cut_scores(frames, bins)
    n = len(np.asarray(frames))
    if n == 0:
        return []
    shots, start = [], 0
    for t in np.flatnonzero(scores > threshold) + 1:
        if t - start >= min_shot_len:
            shots.append((start, int(t)))
            start = int(t)
    shots.append((start, n))
    return shots
