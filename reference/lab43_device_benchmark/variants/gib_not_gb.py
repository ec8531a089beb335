"""Divides bandwidth by 2**30 (GiB/s) while calling it GB/s."""


def gb_per_s(bytes_moved, seconds):
    _check_seconds(seconds)
    _check_counts(bytes_moved)
    return bytes_moved / seconds / 2**30
