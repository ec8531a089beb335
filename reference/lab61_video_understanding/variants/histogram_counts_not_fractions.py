"""Histograms hold pixel counts instead of fractions of the frame's pixels."""

import numpy as np


_fraction_histograms = color_histograms


def color_histograms(frames, bins=8):
    hist = _fraction_histograms(frames, bins)
    return hist * (np.asarray(frames).shape[1] * np.asarray(frames).shape[2])
