"""The limiter compares with > instead of >=: it lets limit + 1 holders in."""


def _try_acquire(self):
    with self._lock:
        if self._held > self.limit:
            return False
        self._held += 1
        return True


ConcurrencyLimiter.try_acquire = _try_acquire
