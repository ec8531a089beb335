"""release() without a slot held goes negative instead of raising RuntimeError."""


def _release(self):
    with self._lock:
        self._held -= 1


ConcurrencyLimiter.release = _release
