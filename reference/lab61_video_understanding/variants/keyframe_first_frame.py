"""The keyframe of a shot is its first frame instead of the frame nearest the shot's mean."""

_checked_keyframes = keyframe_indices


def keyframe_indices(features, shots):
    _checked_keyframes(features, shots)
    return [int(start) for start, _ in shots]
