"""SlidingWindow counts every status >= 400 as an error, client errors (4xx) included."""


def _record_4xx(self, t, latency_s, tokens=0, status=200):
    latency_s, tokens, status = float(latency_s), int(tokens), int(status)
    if not (latency_s >= 0 and math.isfinite(latency_s)):
        raise ValueError("latency_s must be finite and >= 0")
    if tokens < 0:
        raise ValueError("tokens must be >= 0")
    if not 100 <= status <= 599:
        raise ValueError("status must lie in [100, 599]")
    self._advance(t)
    self._events.append((float(t), latency_s, tokens, status >= 400))


SlidingWindow.record = _record_4xx
