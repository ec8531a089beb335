"""RunningStats.update_batch forgets the previous state: the result describes the last batch only."""


def _update_batch(self, values):
    batch = np.asarray(values, dtype=np.float64)
    if batch.ndim != 1 or not np.isfinite(batch).all():
        raise ValueError("values must be a 1-D batch of finite numbers")
    if batch.size == 0:
        return
    self.count = batch.size
    self._mean = float(batch.mean())
    self._m2 = float(np.sum((batch - self._mean) ** 2))


RunningStats.update_batch = _update_batch
