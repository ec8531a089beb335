"""PageHinkley does not reset its state after an alarm: it keeps firing on every value after a change."""


def _ph_update(self, x):
    x = float(x)
    if not math.isfinite(x):
        raise ValueError("x must be finite")
    self.n += 1
    self.mean += (x - self.mean) / self.n
    self._s_inc += x - self.mean - self.delta
    self._min_inc = min(self._min_inc, self._s_inc)
    self._s_dec += self.mean - x - self.delta
    self._min_dec = min(self._min_dec, self._s_dec)
    return self.n >= self.min_instances and self.statistic > self.threshold


PageHinkley.update = _ph_update
