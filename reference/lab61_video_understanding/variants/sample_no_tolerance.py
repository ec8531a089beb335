"""No 1e-6 s tolerance: a frame a hair before an instant is skipped, and the last instant must not pass the last frame."""

import numpy as np


_checked_sample = sample_frame_indices


def sample_frame_indices(timestamps, fps):
    _checked_sample(timestamps, fps)
    ts = np.asarray(timestamps, dtype=np.float64)
    if ts.size == 0:
        return np.zeros(0, dtype=np.int64)
    instants = ts[0] + np.arange(int((ts[-1] - ts[0]) * fps) + 2) / fps
    instants = instants[instants <= ts[-1]]
    return np.unique(np.searchsorted(ts, instants)).astype(np.int64)
