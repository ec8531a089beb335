"""Unscaling divides by the scale instead of multiplying by GradScaler's float32 inverse."""


def _unscale(self, grads):
    if not self.enabled:
        return list(grads), False
    found_inf = any(g is not None and not bool(torch.isfinite(g).all()) for g in grads)
    return [None if g is None else g / self._scale for g in grads], found_inf


DynamicLossScaler.unscale = _unscale
