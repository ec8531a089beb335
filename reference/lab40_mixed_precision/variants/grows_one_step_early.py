"""The scale grows after growth_interval - 1 finite steps (the tracker compared before counting the step)."""


def _update(self, found_inf):
    if not self.enabled:
        return 1.0
    if found_inf:
        self._scale = _f32(self._scale * self.backoff_factor)
        self._growth_tracker = 0
    elif self._growth_tracker + 1 >= self.growth_interval - 1:
        grown = _f32(self._scale * self.growth_factor)
        if math.isfinite(grown):
            self._scale = grown
        self._growth_tracker = 0
    else:
        self._growth_tracker += 1
    return self._scale


DynamicLossScaler.update = _update
