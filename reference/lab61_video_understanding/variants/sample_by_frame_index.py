"""Sampling by frame numbers: the frame rate is taken from the first two timestamps and frame round(k * rate / fps) is kept."""

import numpy as np


_checked_sample = sample_frame_indices


def sample_frame_indices(timestamps, fps):
    _checked_sample(timestamps, fps)
    ts = np.asarray(timestamps, dtype=np.float64)
    if ts.size < 2:
        return np.zeros(ts.size, dtype=np.int64)
    step = (1.0 / (ts[1] - ts[0])) / float(fps)
    picked = np.round(np.arange(int(len(ts) / step) + 1) * step).astype(np.int64)
    return np.unique(picked[picked < len(ts)])
