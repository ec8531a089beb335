"""Each instant takes the NEAREST frame instead of the first frame at or after it."""

import numpy as np


_checked_sample = sample_frame_indices


def sample_frame_indices(timestamps, fps):
    _checked_sample(timestamps, fps)
    ts = np.asarray(timestamps, dtype=np.float64)
    if ts.size == 0:
        return np.zeros(0, dtype=np.int64)
    instants = ts[0] + np.arange(int((ts[-1] - ts[0] + 1e-6) * fps) + 2) / fps
    instants = instants[instants <= ts[-1] + 1e-6]
    return np.unique(np.abs(ts[None, :] - instants[:, None]).argmin(axis=1)).astype(np.int64)
