"""An overflow backs off the scale but leaves the growth tracker counting."""


def _update(self, found_inf):
    if not self.enabled:
        return 1.0
    if found_inf:
        self._scale = _f32(self._scale * self.backoff_factor)
        return self._scale
    successful = self._growth_tracker + 1
    if successful == self.growth_interval:
        grown = _f32(self._scale * self.growth_factor)
        if math.isfinite(grown):
            self._scale = grown
        self._growth_tracker = 0
    else:
        self._growth_tracker = successful
    return self._scale


DynamicLossScaler.update = _update
