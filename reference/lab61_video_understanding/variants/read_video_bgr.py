"""Frames are decoded as bgr24 (OpenCV's channel order) instead of RGB."""

import numpy as np


_read_rgb = read_video


def read_video(path):
    frames, times = _read_rgb(path)
    return np.ascontiguousarray(frames[..., ::-1]), times
