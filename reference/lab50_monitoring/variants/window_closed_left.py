"""SlidingWindow keeps a request recorded exactly window_s seconds ago: the window is [now - window_s, now] instead of (now - window_s, now]."""


def _closed_advance(self, now):
    now = float(now)
    if not now >= self._now:
        raise ValueError("time went backwards")
    self._now = now
    start = now - self.window_s
    while self._events and self._events[0][0] < start:
        self._events.popleft()


SlidingWindow._advance = _closed_advance
