"""Timestamps are shifted so that the first frame is at 0 s."""

_read_unshifted = read_video


def read_video(path):
    frames, times = _read_unshifted(path)
    return frames, times - times[0]
