"""SlidingWindow.percentile interpolates in the window's samples in arrival order, forgetting to sort them."""


def _unsorted_percentile(self, q, now):
    q = _check_q(q)
    self._advance(now)
    if not self._events:
        return math.nan
    return _linear_percentile(np.fromiter((e[1] for e in self._events), np.float64), q)


SlidingWindow.percentile = _unsorted_percentile
