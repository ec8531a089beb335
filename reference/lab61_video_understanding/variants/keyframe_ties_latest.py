"""Among frames equally near the mean the LAST one is the keyframe."""

import numpy as np



def keyframe_indices(features, shots):
    feats = np.asarray(features, dtype=np.float64)
    if feats.ndim != 2:
        raise ValueError("features must be 2-D")
    keys = []
    for start, end in shots:
        if not 0 <= start < end <= len(feats):
            raise ValueError("bad shot")
        d = np.linalg.norm(feats[start:end] - feats[start:end].mean(axis=0), axis=1)
        keys.append(int(end - 1 - np.argmin(d[::-1])))
    return keys
