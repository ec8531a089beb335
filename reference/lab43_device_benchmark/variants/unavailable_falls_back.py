"""Silently falls back to the automatic choice when the preferred device is unavailable."""

_choose_ref = choose_device


def choose_device(available, preferred=None):
    try:
        return _choose_ref(available, preferred)
    except RuntimeError:
        return _choose_ref(available, None)
