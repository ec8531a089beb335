"""Each sampling instant takes the last frame strictly BEFORE it (one frame too early) instead of the first at or after."""

import numpy as np


_checked_sample = sample_frame_indices


def sample_frame_indices(timestamps, fps):
    _checked_sample(timestamps, fps)
    ts = np.asarray(timestamps, dtype=np.float64)
    if ts.size == 0:
        return np.zeros(0, dtype=np.int64)
    instants = ts[0] + np.arange(int((ts[-1] - ts[0] + 1e-6) * fps) + 2) / fps
    instants = instants[instants <= ts[-1] + 1e-6]
    return np.unique(np.maximum(np.searchsorted(ts, instants - 1e-6) - 1, 0)).astype(np.int64)
