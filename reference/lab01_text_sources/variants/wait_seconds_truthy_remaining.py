"""RateLimit.wait_seconds tests ``if self.remaining:`` instead of ``> 0``: a negative remaining count means no wait."""


def _wait_seconds(self, now):
    if self.remaining:
        return 0.0
    return max(0.0, float(self.reset - now))


RateLimit.wait_seconds = _wait_seconds
