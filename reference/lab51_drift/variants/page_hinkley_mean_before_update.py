"""PageHinkley measures x against the mean BEFORE adding x (the docstring includes x in the mean first)."""


def _ph_update(self, x):
    x = float(x)
    if not math.isfinite(x):
        raise ValueError("x must be finite")
    old = self.mean if self.n else x
    self.n += 1
    self.mean += (x - self.mean) / self.n
    self._s_inc += x - old - self.delta
    self._min_inc = min(self._min_inc, self._s_inc)
    self._s_dec += old - x - self.delta
    self._min_dec = min(self._min_dec, self._s_dec)
    if self.n >= self.min_instances and self.statistic > self.threshold:
        self._reset()
        return True
    return False


PageHinkley.update = _ph_update
