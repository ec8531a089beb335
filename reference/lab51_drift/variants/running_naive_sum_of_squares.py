"""RunningStats keeps the sum and the sum of squares and returns E[x^2] - E[x]^2: catastrophic cancellation at 1e9."""


def _init(self):
    self.count = 0
    self._s = 0.0
    self._s2 = 0.0


def _update(self, x):
    x = float(x)
    if not math.isfinite(x):
        raise ValueError("x must be finite")
    self.count += 1
    self._s += x
    self._s2 += x * x


def _update_batch(self, values):
    batch = np.asarray(values, dtype=np.float64)
    if batch.ndim != 1 or not np.isfinite(batch).all():
        raise ValueError("values must be a 1-D batch of finite numbers")
    self.count += batch.size
    self._s += float(batch.sum())
    self._s2 += float((batch * batch).sum())


def _variance(self, ddof=0):
    if isinstance(ddof, bool) or not isinstance(ddof, (int, np.integer)) or ddof < 0:
        raise ValueError("ddof must be an int >= 0")
    if self.count <= ddof:
        return math.nan
    m2 = self._s2 - self._s * self._s / self.count
    return m2 / (self.count - ddof)


RunningStats.__init__ = _init
RunningStats.update = _update
RunningStats.update_batch = _update_batch
RunningStats.variance = _variance
RunningStats.mean = property(lambda self: self._s / self.count if self.count else math.nan)
