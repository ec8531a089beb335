"""SlidingWindow keeps at most the 1000 latest requests (a bounded deque), so a busy window silently drops samples and its percentiles and counts are wrong."""


def _capped_init(self, window_s):
    window_s = float(window_s)
    if not (window_s > 0 and math.isfinite(window_s)):
        raise ValueError("window_s must be a finite number > 0")
    self.window_s = window_s
    self._events = deque(maxlen=1000)
    self._now = -math.inf


SlidingWindow.__init__ = _capped_init
