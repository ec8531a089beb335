"""Sampling instants start at 0 s instead of the first frame's timestamp."""

import numpy as np


_checked_sample = sample_frame_indices


def sample_frame_indices(timestamps, fps):
    _checked_sample(timestamps, fps)
    ts = np.asarray(timestamps, dtype=np.float64)
    if ts.size == 0:
        return np.zeros(0, dtype=np.int64)
    instants = np.arange(int((ts[-1] + 1e-6) * fps) + 2) / fps
    instants = instants[instants <= ts[-1] + 1e-6]
    return np.unique(np.searchsorted(ts, instants - 1e-6)).astype(np.int64)
