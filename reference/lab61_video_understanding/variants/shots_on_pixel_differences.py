"""Cuts are scored by the mean absolute pixel difference (in [0, 1]) instead of histograms: motion fires."""

import numpy as np



def cut_scores(frames, bins=8):
    frames = _check_frames(frames)
    color_histograms(frames, bins)
    if len(frames) <= 1:
        return np.zeros(0)
    return np.abs(np.diff(frames.astype(np.float64), axis=0)).mean(axis=(1, 2, 3)) / 255.0
