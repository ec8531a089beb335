"""SlidingWindow keeps its samples sorted by latency (to read percentiles fast) and, when k samples expire, drops the first k of the sorted list: the fastest requests leave instead of the oldest."""


def _sorted_advance(self, now):
    now = float(now)
    if not now >= self._now:
        raise ValueError("time went backwards")
    self._now = now
    start = now - self.window_s
    expired = sum(1 for e in self._events if e[0] <= start)
    for _ in range(expired):
        self._events.popleft()


def _sorted_record(self, t, latency_s, tokens=0, status=200):
    latency_s, tokens, status = float(latency_s), int(tokens), int(status)
    if not (latency_s >= 0 and math.isfinite(latency_s)):
        raise ValueError("latency_s must be finite and >= 0")
    if tokens < 0:
        raise ValueError("tokens must be >= 0")
    if not 100 <= status <= 599:
        raise ValueError("status must lie in [100, 599]")
    self._advance(t)
    events = sorted([*self._events, (float(t), latency_s, tokens, status >= 500)], key=lambda e: e[1])
    self._events = deque(events)


SlidingWindow._advance = _sorted_advance
SlidingWindow.record = _sorted_record
