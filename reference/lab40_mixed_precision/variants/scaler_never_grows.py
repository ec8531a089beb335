"""The scaler only ever backs off: finite steps never grow the scale."""


def _update(self, found_inf):
    if not self.enabled:
        return 1.0
    if found_inf:
        self._scale = _f32(self._scale * self.backoff_factor)
    self._growth_tracker = 0 if found_inf else self._growth_tracker + 1
    return self._scale


DynamicLossScaler.update = _update
