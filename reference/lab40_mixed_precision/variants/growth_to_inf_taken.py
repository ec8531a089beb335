"""A grown scale is taken even when it is inf in float32."""


def _update(self, found_inf):
    if not self.enabled:
        return 1.0
    if found_inf:
        self._scale = _f32(self._scale * self.backoff_factor)
        self._growth_tracker = 0
    else:
        successful = self._growth_tracker + 1
        if successful == self.growth_interval:
            self._scale = _f32(self._scale * self.growth_factor)
            self._growth_tracker = 0
        else:
            self._growth_tracker = successful
    return self._scale


DynamicLossScaler.update = _update
