"""tokens_per_second divides by the time since the first request when less than window_s has elapsed, instead of always by window_s."""


def _elapsed_tps(self, now):
    self._advance(now)
    tokens = sum(e[2] for e in self._events)
    if not self._events:
        return 0.0
    elapsed = now - self._events[0][0]
    return tokens / (elapsed if 0 < elapsed < self.window_s else self.window_s)


SlidingWindow.tokens_per_second = _elapsed_tps
